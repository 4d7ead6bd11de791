import * as ros from '@alicloud/ros-cdk-core';
import * as rosRos from '@alicloud/ros-cdk-ros';
import { dependOn } from '../private/depend-on';

/** Props of {@link RegionGuard}. */
export interface RegionGuardProps {
  /** The only region the stack may be deployed in. */
  readonly region: string;
}

/**
 * Makes a stack refuse to deploy in any region but its own, before it creates anything.
 *
 * The `ros-cdk` CLI ignores a stack's `env.region`: it deploys to the region of its own configuration, `REGION_ID` or
 * `--region` (aliyun/Resource-Orchestration-Service-Cloud-Development-Kit, `packages/ros-cdk-cli/lib/cdk-toolkit.ts`).
 * A `cn-shanghai` template deployed with a `cn-hangzhou` configuration would land in `cn-hangzhou` with `cn-shanghai`
 * ARNs inside. This adds a `StackRegion` parameter whose default is the stack's region, an `ALIYUN::ROS::Assert` that
 * `ALIYUN::Region` equals it (aborting creation when not), and a `DependsOn` from every other resource of the stack
 * to the assert, because ROS creates independent resources in parallel.
 *
 * Why a resource and not the template's `Rules` section: the ROS documentation describes Rules as checks of parameter
 * values; whether a rule may reference the `ALIYUN::Region` pseudo parameter is not documented (UNCONFIRMED), and a rule
 * ROS cannot evaluate would fail every deploy. `ALIYUN::ROS::Assert` documents `AbortCreation` (default true).
 *
 * Call {@link RegionGuard.protect} once every resource of the stack exists. A template meant for every region (a stack
 * group's) leaves the guard out.
 *
 * @see https://www.alibabacloud.com/help/en/ros/developer-reference/aliyun-ros-assert
 * @see https://www.alibabacloud.com/help/en/ros/user-guide/pseudo-parameters
 */
export class RegionGuard extends ros.Construct {
  /** The `StackRegion` parameter. */
  readonly parameter: ros.RosParameter;
  /** The assert every other resource depends on. */
  readonly assert: rosRos.RosAssert;

  constructor(scope: ros.Construct, id: string, props: RegionGuardProps) {
    super(scope, id);
    this.parameter = new ros.RosParameter(ros.Stack.of(this), 'StackRegion', {
      type: ros.RosParameterType.STRING,
      defaultValue: props.region,
      allowedValues: [props.region],
      description: `The region this stack is for. Deploy it with REGION_ID=${props.region} (ros-cdk deploys to its configured region, not the stack's).`,
    });
    // Logical ids are the resource's own id: the assert is `RegionGuard` in the template.
    this.assert = new rosRos.RosAssert(
      this,
      'RegionGuard',
      {
        values: [ros.Fn.ref('ALIYUN::Region'), this.parameter.valueAsString],
        operation: 'Equal',
        abortCreation: true,
        errorMessage: `This stack is for ${props.region}: deploy it with that region (REGION_ID=${props.region} or ros-cdk config-set --region ${props.region}).`,
      },
      true,
    );
  }

  /** Makes every ROS resource of the stack, but the assert, depend on the assert. */
  protect(): void {
    const stack = ros.Stack.of(this);
    for (const child of stack.node.children) {
      if (child !== this) dependOn(child, [this]);
    }
  }
}
