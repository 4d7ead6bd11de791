import * as ros from '@alicloud/ros-cdk-core';
import * as rosRos from '@alicloud/ros-cdk-ros';
import { fleetStackName, groupTemplateName, stackGroupName } from '../../contract/naming';
import { HandlerCode } from '../code/handler-code';
import { TemplateOnlySynthesizer } from '../code/template-only-synthesizer';
import { type FleetConfig, KNOWN_REGIONS, type RegionConfig } from '../config';
import { RegionGuard } from '../constructs/region-guard';
import { dependOn } from '../private/depend-on';
import { FLEET_TEMPLATE_PARAMETERS, type RegionStackProps } from '../stacks/region-stack';
import { buildGroupTemplate, GroupTemplateError, MAX_TEMPLATE_BYTES } from './group-template';

/**
 * The RAM roles of a self-managed stack group: the administration role in the account that deploys the fleet stack,
 * and the execution role in every target account (defaults of CreateStackGroup).
 * @see https://www.alibabacloud.com/help/en/ros/user-guide/step-1-grant-self-managed-permissions
 */
export const SELF_MANAGED_ROLES = {
  administration: 'AliyunROSStackGroupAdministrationRole',
  execution: 'AliyunROSStackGroupExecutionRole',
} as const;

/**
 * The region the fleet stack, and so its stack group, is deployed to: the canary region (`fleet.canaryRegion`, else
 * the first of `fleet.regions`). A stack group lives in one region and deploys to every region of its instances from
 * there; the canary region is one the fleet already deploys to, so no extra region must be enabled. Set
 * `fleet.canaryRegion` explicitly: changing it moves the fleet stack, and the new stack would create a second group
 * (README "Running in many accounts"). Read by `npm run fleet -- plan` and, through the fleet stack's `StackRegion`
 * parameter, by `tools/deploy-plan.ts`.
 */
export function fleetStackRegion(fleet: Pick<FleetConfig, 'canaryRegion'>): string {
  return fleet.canaryRegion;
}

/** Props of {@link FleetStack}. */
export interface FleetStackProps {
  /** The validated `fleet` block. */
  readonly fleet: FleetConfig;
  /** Prefix of every name (`namePrefix`). */
  readonly namePrefix: string;
  /** Qualifier of the code buckets (`assetsQualifier`). */
  readonly assetsQualifier: string;
  /** @default UNITS (see RegionStackProps.units) */
  readonly units?: RegionStackProps['units'];
}

/** `cn-hangzhou` → `CnHangzhou`: a region in a logical id. */
function pascal(region: string): string {
  return region
    .split('-')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');
}

/**
 * The fleet stack, `<namePrefix>-fleet`: deployed once, from the account that administers the stack group (any
 * account for self-managed permissions; the Resource Directory management account or a delegated administrator for
 * service-managed), it declares
 *
 * - `StackGroup` (`ALIYUN::ROS::StackGroup`): the region template (lib/fleet/group-template.ts) inline as
 *   `TemplateBody`, self-managed permissions for `accountIds`, service-managed for `folderIds`;
 * - one `StackInstances<Region>` (`ALIYUN::ROS::StackInstances`) per region, the canary region first, each depending on
 *   the one before (a stack group runs one operation at a time), with the operation preferences and the region's
 *   parameter overrides.
 *
 * Why `TemplateBody` and not `TemplateURL`: the body is part of this stack's template, so synth is the only step that
 * produces it (deterministic, reviewed by `npm run diff` and the policy like any template), and no extra bucket or
 * upload is needed; a URL would point at an object that can change after review. Both are limited to 524,288 bytes
 * (checked at synth, on this stack's whole template too). That ROS passes `TemplateBody` to the member stacks as
 * written, without evaluating the functions inside (`Ref` of `ALIYUN::Region` must be resolved in each member stack,
 * not here), is read from the documentation, which says only `DynamicTemplateBody` takes function expressions:
 * UNCONFIRMED. If ROS did evaluate them, the template would have to move behind `TemplateURL`; the body is built by
 * one function (buildGroupTemplate), so only this construct would change.
 *
 * @see https://www.alibabacloud.com/help/en/ros/developer-reference/aliyun-ros-stackgroup
 * @see https://www.alibabacloud.com/help/en/ros/developer-reference/aliyun-ros-stackinstances
 */
export class FleetStack extends ros.Stack {
  /** The stack group. */
  readonly stackGroup: rosRos.StackGroup;
  /** The stack instances, one per region, canary region first. */
  readonly instances: readonly rosRos.StackInstances[];
  /** Size of the group's template, bytes (indented JSON). */
  readonly templateBytes: number;

  constructor(scope: ros.Construct, props: FleetStackProps) {
    const { fleet, namePrefix } = props;
    const name = fleetStackName(namePrefix);
    const stackRegion = fleetStackRegion(fleet);
    super(scope, name, {
      // Deployed once, in one region: unlike the group's template, this stack may name its region.
      env: { region: stackRegion },
      description: `ecs-event-ops fleet: one stack group deploying the region template to ${fleet.regions.length} region(s) of every target account`,
      synthesizer: new TemplateOnlySynthesizer(),
      tags: { 'ecs-event-ops': 'fleet' },
    });
    // The same guard as a region stack's: a fleet stack deployed in another region would create a second stack group.
    const guard = new RegionGuard(this, 'RegionGuard', { region: stackRegion });
    const codeProps = { regions: fleet.regions, codeSource: fleet.codeSource };
    const code = new HandlerCode(this, { qualifier: props.assetsQualifier, fleet: codeProps });
    const template = buildGroupTemplate({
      config: fleet.template,
      assetsQualifier: props.assetsQualifier,
      stackId: groupTemplateName(name),
      code: codeProps,
      units: props.units,
    });
    code.include(template.code);
    this.templateBytes = template.bytes;

    const groupName = stackGroupName(namePrefix);
    const { targets } = fleet;
    this.stackGroup = new rosRos.StackGroup(this, 'StackGroup', {
      stackGroupName: groupName,
      description: `ecs-event-ops automations for ECS events, in every target account and region (${namePrefix})`,
      templateBody: template.body,
      ...(targets.kind === 'accounts'
        ? {
            permissionModel: 'SELF_MANAGED',
            administrationRoleName: SELF_MANAGED_ROLES.administration,
            executionRoleName: SELF_MANAGED_ROLES.execution,
          }
        : {
            permissionModel: 'SERVICE_MANAGED',
            // RetainStacksOnAccountRemoval must be set when Enabled is true (CreateStackGroup, AutoDeployment).
            autoDeployment: {
              enabled: targets.autoDeployment,
              ...(targets.autoDeployment ? { retainStacksOnAccountRemoval: false } : {}),
            },
          }),
    });

    const instances: rosRos.StackInstances[] = [];
    for (const region of fleet.regions) {
      const settings = fleet.regionConfigs.find((r) => r.region === region) ?? fleet.template;
      const stackInstances = new rosRos.StackInstances(this, `StackInstances${pascal(region)}`, {
        stackGroupName: groupName,
        regionIds: [region],
        ...(targets.kind === 'accounts'
          ? { accountIds: [...targets.accountIds] }
          : { deploymentTargets: { rdFolderIds: [...targets.folderIds] } }),
        operationPreferences: {
          maxConcurrentPercentage: fleet.maxConcurrentPercentage,
          failureToleranceCount: fleet.failureToleranceCount,
        },
        parameterOverrides: parameterOverrides(settings),
        operationDescription:
          region === fleet.canaryRegion
            ? `ecs-event-ops canary region ${region}`
            : `ecs-event-ops region ${region}, after the canary region ${fleet.canaryRegion}`,
      });
      // The group first; then one region at a time, canary first: a stack group runs one operation at a time.
      dependOn(stackInstances, [instances.at(-1) ?? this.stackGroup]);
      instances.push(stackInstances);
    }
    this.instances = instances;
    guard.protect();
  }

  /** Checks the size of this stack's own template, which holds the group's template. */
  override _toRosTemplate(): Record<string, unknown> {
    const template = super._toRosTemplate() as Record<string, unknown>;
    // As the stack synthesizer writes it (indented by 2): the template file `ros-cdk deploy` sends.
    const bytes = Buffer.byteLength(JSON.stringify(template, undefined, 2));
    if (bytes > MAX_TEMPLATE_BYTES) {
      throw new GroupTemplateError(
        `stack ${this.stackName}: its template is ${bytes} bytes (the group's template is ${this.templateBytes}), more ` +
          `than the ${MAX_TEMPLATE_BYTES} bytes ROS accepts: turn off automations or declare fewer rules in the fleet regions`,
      );
    }
    return template;
  }
}

/** A region's values of the template parameters (FLEET_TEMPLATE_PARAMETERS). */
function parameterOverrides(settings: RegionConfig): Record<string, string> {
  return {
    [FLEET_TEMPLATE_PARAMETERS.memoryMb]: String(settings.functions.memoryMb),
    [FLEET_TEMPLATE_PARAMETERS.timeoutSeconds]: String(settings.functions.timeoutSeconds),
    [FLEET_TEMPLATE_PARAMETERS.timeZone]: KNOWN_REGIONS[settings.region].timeZone,
  };
}
