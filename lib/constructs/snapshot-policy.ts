import * as ros from '@alicloud/ros-cdk-core';
import * as ecs from '@alicloud/ros-cdk-ecs';
import { idProblem } from '../config/ids';
import { type IntegerRange, inRange, RANGES } from '../config/ranges';

/** Props of {@link SnapshotPolicy}. */
export interface SnapshotPolicyProps {
  /** Policy name: 2 to 128 characters, starting with a letter. */
  readonly name: string;
  /** Hours of the day, 0 to 23, at which snapshots are taken (seed 003's "02:00" is `[2]`). */
  readonly timePoints: readonly number[];
  /** Days of the week, 1 (Monday) to 7. */
  readonly repeatWeekdays: readonly number[];
  /** Days snapshots are kept: 1 to 65536, or -1 for ever. */
  readonly retentionDays: number;
  /** Disks the policy applies to at deploy. @default [] */
  readonly diskIds?: readonly string[];
}

/**
 * An ECS automatic snapshot policy, applied to the given disks. Disks of instances that join a scaling group later
 * get it from the scale-out handler (`ApplyAutoSnapshotPolicy`), so that no new instance is left without backups.
 *
 * @see https://www.alibabacloud.com/help/en/ros/developer-reference/aliyun-ecs-autosnapshotpolicy
 */
export class SnapshotPolicy extends ros.Construct {
  /** The policy id, `sp-…` (a token). */
  readonly policyId: string;

  constructor(scope: ros.Construct, id: string, props: SnapshotPolicyProps) {
    super(scope, id);
    const problems: string[] = [];
    const ints = (values: readonly number[], range: IntegerRange, what: string) => {
      if (values.length === 0 || values.some((v) => !inRange(v, range)) || new Set(values).size !== values.length) {
        problems.push(
          `${what} ${JSON.stringify(values)} must be distinct integers from ${range.min} to ${range.max}, at least one`,
        );
      }
    };
    ints(props.timePoints, RANGES['snapshots.policy.timePoints[]'], 'timePoints');
    ints(props.repeatWeekdays, RANGES['snapshots.policy.repeatWeekdays[]'], 'repeatWeekdays');
    const r = props.retentionDays;
    const retention = RANGES['snapshots.policy.retentionDays'];
    if (r !== -1 && !inRange(r, retention))
      problems.push(`retentionDays ${r} must be -1 or an integer from ${retention.min} to ${retention.max}`);
    if (!/^[a-zA-Z][a-zA-Z0-9_.:-]{1,127}$/.test(props.name))
      problems.push(`name "${props.name}" must be 2 to 128 characters starting with a letter`);
    for (const disk of props.diskIds ?? []) {
      const problem = idProblem('disk', disk);
      if (problem) problems.push(`disk "${disk}": ${problem}`);
    }
    if (problems.length > 0) throw new Error(`SnapshotPolicy ${this.node.path}: ${problems.join('; ')}`);

    const policy = new ecs.AutoSnapshotPolicy(this, id, {
      autoSnapshotPolicyName: props.name,
      timePoints: [...props.timePoints].sort((a, b) => a - b),
      repeatWeekdays: [...props.repeatWeekdays].sort((a, b) => a - b),
      retentionDays: props.retentionDays,
      diskIds: props.diskIds && props.diskIds.length > 0 ? [...props.diskIds] : undefined,
    });
    this.policyId = ros.Token.asString(policy.attrAutoSnapshotPolicyId);
  }
}
