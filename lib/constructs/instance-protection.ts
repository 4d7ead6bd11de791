import * as ros from '@alicloud/ros-cdk-core';
import * as rosRos from '@alicloud/ros-cdk-ros';
import { idProblem } from '../config/ids';
import { inRange, RANGES } from '../config/ranges';
import type { HandlerFunction } from './handler-function';

/** Props of {@link InstanceProtection}. */
export interface InstanceProtectionProps {
  /** The function that implements the custom resource (`lambda-src/protect-instances.ts`). */
  readonly provider: HandlerFunction;
  /** An existing scaling group, `asg-…`. */
  readonly scalingGroupId: string;
  /** Instances of the group to protect from scale-in, at most 1000. */
  readonly instanceIds: readonly string[];
  /** Seconds ROS waits for the provider's answer: 60 to 3600. @default 300 */
  readonly timeoutSeconds?: number;
}

/**
 * Protects instances of an existing Auto Scaling group from scale-in, for as long as they are in the configuration:
 * the instances are protected when the stack is deployed (`SetInstancesProtection` with
 * `ProtectedFromScaleIn=true`), unprotected when they are removed from the list, and all unprotected when the stack
 * is deleted. No ROS resource does this for a group the template did not create (`ProtectedInstances` of
 * `ALIYUN::ESS::ScalingGroup` only applies to a group of the same template), so it is an `ALIYUN::ROS::CustomResource`
 * backed by an FC function.
 *
 * @see https://www.alibabacloud.com/help/en/ros/developer-reference/aliyun-ros-customresource
 * @see https://www.alibabacloud.com/help/en/auto-scaling/developer-reference/api-ess-2014-08-28-setinstancesprotection
 */
export class InstanceProtection extends ros.Construct {
  constructor(scope: ros.Construct, id: string, props: InstanceProtectionProps) {
    super(scope, id);
    const problems = [
      ...(idProblem('scalingGroup', props.scalingGroupId)
        ? [`scalingGroupId "${props.scalingGroupId}": ${idProblem('scalingGroup', props.scalingGroupId)}`]
        : []),
      ...props.instanceIds.flatMap((i) =>
        idProblem('instance', i) ? [`instance "${i}": ${idProblem('instance', i)}`] : [],
      ),
      ...(props.instanceIds.length === 0 || props.instanceIds.length > 1000
        ? [`${props.instanceIds.length} instances given; give 1 to 1000`]
        : []),
    ];
    const timeout = props.timeoutSeconds ?? 300;
    const range = RANGES['InstanceProtection.timeoutSeconds'];
    if (!inRange(timeout, range))
      problems.push(`timeoutSeconds ${timeout} is not an integer from ${range.min} to ${range.max}`);
    if (problems.length > 0) throw new Error(`InstanceProtection ${this.node.path}: ${problems.join('; ')}`);

    const resource = new rosRos.CustomResource(this, id, {
      // The FC function ARN, acs:fc:<region>:<account>:services/<service>/functions/<function>.
      serviceToken: props.provider.function.attrArn,
      timeout,
      parameters: {
        ScalingGroupId: props.scalingGroupId,
        InstanceIds: [...props.instanceIds].sort(),
        RegionId: ros.Stack.of(this).region,
      },
    });
    resource.addDependency(props.provider.function);
  }
}
