import { fleetStackName, stackGroupName } from '../../contract/naming';
import { fleetStackRegion } from '../../lib/fleet';
import type { Style } from '../cli';
import type { FleetSettings } from './config';

/**
 * The rollout plan of the fleet, from the configuration alone (no cloud call): the canary region first, then the other
 * regions one after another (a stack group runs one operation at a time, so the fleet stack chains one
 * `ALIYUN::ROS::StackInstances` per region with DependsOn), each deploying to every target with the configured
 * concurrency and failure tolerance.
 *
 * Everything comes from the configuration as `loadConfig` validates it (lib/config), the same value synth builds the
 * fleet stack from: the canary is `fleet.canaryRegion`, else the first of `fleet.regions`, and the fleet stack is
 * deployed in the canary region (lib/fleet `fleetStackRegion`), so the plan, the assembly and the deploy workflow
 * agree.
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
  /** The region the fleet stack, and so its stack group, is deployed to (lib/fleet `fleetStackRegion`). */
  readonly region: string;
  readonly stackGroup: string;
  /** `SELF_MANAGED` for account lists, `SERVICE_MANAGED` for Resource Directory folders. */
  readonly permissionModel: 'SELF_MANAGED' | 'SERVICE_MANAGED';
  readonly targets: { readonly kind: 'accounts' | 'folders'; readonly ids: readonly string[] };
  /** Service-managed only: ROS deploys to accounts that join a folder, and removes the stacks of those that leave. */
  readonly autoDeployment: boolean;
  /** Where member accounts get the handlers' code (`fleet.codeSource`): `shared` and `per-account` need a publish. */
  readonly codeSource: FleetSettings['codeSource'];
  readonly operationPreferences: {
    /** Percentage of the targets deployed at once in a region. @default 25 */
    readonly maxConcurrentPercentage: number;
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
  const { targets } = fleet;
  return {
    configured: true,
    stack: fleetStackName(namePrefix),
    region: fleetStackRegion(fleet),
    stackGroup: stackGroupName(namePrefix),
    permissionModel: targets.kind === 'folders' ? 'SERVICE_MANAGED' : 'SELF_MANAGED',
    targets:
      targets.kind === 'folders'
        ? { kind: 'folders', ids: targets.folderIds }
        : { kind: 'accounts', ids: targets.accountIds },
    autoDeployment: targets.kind === 'folders' && targets.autoDeployment,
    codeSource: fleet.codeSource,
    operationPreferences: {
      maxConcurrentPercentage: fleet.maxConcurrentPercentage,
      failureToleranceCount: fleet.failureToleranceCount,
    },
    // loadConfig orders fleet.regions canary first, as the fleet stack chains its StackInstances.
    steps: fleet.regions.map((region, index) => ({ order: index + 1, region, canary: region === fleet.canaryRegion })),
  };
}

/** The plan for people. */
export function formatPlan(plan: RolloutPlan, style: Style): string {
  const { targets, operationPreferences: prefs } = plan;
  const concurrency = `up to ${prefs.maxConcurrentPercentage}% of the targets at once`;
  const lines = [
    style.bold(`Fleet rollout plan (dry run: nothing is called)`),
    `stack ${plan.stack}, deployed in ${plan.region} (the canary region), declares stack group ${plan.stackGroup} (${plan.permissionModel})`,
    `targets: ${targets.ids.length} ${targets.kind === 'folders' ? 'Resource Directory folder(s)' : 'account(s)'}: ${targets.ids.join(', ')}` +
      (plan.autoDeployment ? ' (automatic deployment to accounts that join)' : ''),
    `handler code: ${plan.codeSource}${plan.codeSource === 'inline' ? ' (in the template, nothing to publish)' : ' (npm run assets:publish before the deploy)'}`,
    `in each region: ${concurrency}; ROS stops the rollout when more than ${prefs.failureToleranceCount} target(s) fail in a region`,
    ...plan.steps.map(
      (step) =>
        `  ${step.order}. ${step.region}${step.canary ? style.yellow(' canary') : ''}: every target` +
        (step.order === 1 ? '' : `, after step ${step.order - 1} succeeded`),
    ),
  ];
  return `${lines.join('\n')}\n`;
}
