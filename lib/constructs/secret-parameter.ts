import * as ros from '@alicloud/ros-cdk-core';

/** Props of {@link SecretParameter}. */
export interface SecretParameterProps {
  /** What the value is, shown by ROS when the stack is created. */
  readonly description: string;
  /** A pattern the value must match (e.g. `^https://`). @default - any non-empty value */
  readonly allowedPattern?: string;
}

/**
 * A `NoEcho` ROS parameter: a secret (webhook URL, signing secret, token) given at deploy time, e.g.
 * `ros-cdk deploy <stack> --parameters DingTalkSecret=…`. It never appears in the template, the assembly or the
 * diff, and ROS masks it in the console. It has no default on purpose. ROS hides it, but a function's configuration
 * does not: a secret a function needs goes through a `StoredSecret`, never into `EnvironmentVariables` (the policy
 * rule `no-secret-in-function-environment` checks it).
 *
 * @see https://www.alibabacloud.com/help/en/ros/user-guide/parameters
 */
export class SecretParameter extends ros.Construct {
  /** The parameter's value, as a token (`Ref`). */
  readonly value: string;

  constructor(scope: ros.Construct, id: string, props: SecretParameterProps) {
    super(scope, id);
    const parameter = new ros.RosParameter(this, id, {
      type: ros.RosParameterType.STRING,
      noEcho: true,
      description: props.description,
      minLength: 1,
      allowedPattern: props.allowedPattern,
    });
    this.value = parameter.valueAsString;
  }
}
