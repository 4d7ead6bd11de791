import { fleetStackName, stackGroupName } from '../../contract/naming';
import type { Style } from '../cli';
import type { FleetSettings } from './config';

/**
 * The rollout plan of the fleet, from the configuration alone (no cloud call): the canary region first, then the other
 * regions one after another (a stack group runs one operation at a time, so the fleet stack chains one
 * `ALIYUN::ROS::StackInstances` per region with DependsOn), each deploying to every target with the configured
 * concurrency and failure tolerance.
 *
 * The canary is `fleet.canaryRegion`, else the first of `fleet.regions` (the region the chain starts with either way).
 * @see https://www.alibabacloud.com/help/en/ros/developer-reference/aliyun-ros-stackinstances
 */

/** One step of the rollout: one region, every target. */
export interface RolloutStep {
  /** 1-based. */
  readonly order: number;
  readonly region: string;
  readonly canary: boolean;
}

/** The plan `fleet plan` prints. */
export interface RolloutPlan {
  readonly configured: true;
  readonly stack: string;
  readonly stackGroup: string;
  /** `SELF_MANAGED` for account lists, `SERVICE_MANAGED` for Resource Directory folders. */
  readonly permissionModel: 'SELF_MANAGED' | 'SERVICE_MANAGED';
  readonly targets: { readonly kind: 'accounts' | 'folders'; readonly ids: readonly string[] };
  /** Service-managed only: ROS deploys to accounts that join a folder, and removes the stacks of those that leave. */
  readonly autoDeployment: boolean;
  readonly operationPreferences: {
    /** Percentage of the targets deployed at once in a region. @default - ROS's default: one target at a time */
    readonly maxConcurrentPercentage?: number;
    /** Failed targets tolerated in a region before ROS stops the operation. @default 0 */
    readonly failureToleranceCount: number;
  };
  readonly steps: readonly RolloutStep[];
}

/** What `fleet plan --json` prints when the configuration has no `fleet` block. */
export interface NoFleet {
  readonly configured: false;
}

/** The plan of `fleet` under `namePrefix`. */
export function rolloutPlan(namePrefix: string, fleet: FleetSettings): RolloutPlan {
  const canary = fleet.canaryRegion ?? fleet.regions[0];
  const order = [canary, ...fleet.regions.filter((r) => r !== canary)];
  const folders = fleet.folderIds !== undefined;
  return {
    configured: true,
    stack: fleetStackName(namePrefix),
    stackGroup: stackGroupName(namePrefix),
    permissionModel: folders ? 'SERVICE_MANAGED' : 'SELF_MANAGED',
    targets: folders
      ? { kind: 'folders', ids: fleet.folderIds ?? [] }
      : { kind: 'accounts', ids: fleet.accountIds ?? [] },
    autoDeployment: folders && fleet.autoDeployment === true,
    operationPreferences: {
      ...(fleet.maxConcurrentPercentage === undefined
        ? {}
        : { maxConcurrentPercentage: fleet.maxConcurrentPercentage }),
      failureToleranceCount: fleet.failureToleranceCount ?? 0,
    },
    steps: order.map((region, index) => ({ order: index + 1, region, canary: index === 0 })),
  };
}

/** The plan for people. */
export function formatPlan(plan: RolloutPlan, style: Style): string {
  const { targets, operationPreferences: prefs } = plan;
  const concurrency =
    prefs.maxConcurrentPercentage === undefined
      ? 'one target at a time (ROS default)'
      : `up to ${prefs.maxConcurrentPercentage}% of the targets at once`;
  const lines = [
    style.bold(`Fleet rollout plan (dry run: nothing is called)`),
    `stack ${plan.stack} declares stack group ${plan.stackGroup} (${plan.permissionModel})`,
    `targets: ${targets.ids.length} ${targets.kind === 'folders' ? 'Resource Directory folder(s)' : 'account(s)'}: ${targets.ids.join(', ')}` +
      (plan.autoDeployment ? ' (automatic deployment to accounts that join)' : ''),
    `in each region: ${concurrency}; ROS stops the rollout when more than ${prefs.failureToleranceCount} target(s) fail in a region`,
    ...plan.steps.map(
      (step) =>
        `  ${step.order}. ${step.region}${step.canary ? style.yellow(' canary') : ''}: every target` +
        (step.order === 1 ? '' : `, after step ${step.order - 1} succeeded`),
    ),
  ];
  return `${lines.join('\n')}\n`;
}
