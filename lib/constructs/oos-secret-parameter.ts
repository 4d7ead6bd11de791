import * as ros from '@alicloud/ros-cdk-core';

/** Constraints an OOS secret parameter's value must meet (checked by OOS when the value is set). */
export interface OosSecretParameterConstraints {
  /** Values allowed. @default - any value */
  readonly allowedValues?: readonly string[];
  /** A regular expression the value must match. @default - any value */
  readonly allowedPattern?: string;
  /** Shortest value, characters. @default - no minimum */
  readonly minLength?: number;
  /** Longest value, characters (at most 4096, the limit of the value). @default - 4096 */
  readonly maxLength?: number;
}

/** A tag of an OOS secret parameter. */
export interface OosSecretParameterTag {
  /** 1 to 128 characters, not starting with `aliyun` or `acs:`, no `http://` or `https://`. */
  readonly key: string;
  /** 0 to 128 characters, same restrictions as the key. @default "" */
  readonly value?: string;
}

/** Props of {@link RosOosSecretParameter}: every property of the ROS resource type. */
export interface RosOosSecretParameterProps {
  /**
   * `SecretParameterName`: at most 180 letters, digits, `-` and `_`, not starting with `ALIYUN`, `ACS`, `ALIBABA`,
   * `ALICLOUD` or `OOS`. Not updatable (a new name replaces the parameter).
   */
  readonly secretParameterName: string;
  /** `Value`: at most 4096 characters; usually a `NoEcho` ROS parameter's `Ref`. Updatable. */
  readonly value: string;
  /** `KeyId`: the KMS key that encrypts the value. Not updatable. @default - the OOS default key */
  readonly keyId?: string;
  /** `Constraints` on the value. Not updatable. @default - none */
  readonly constraints?: OosSecretParameterConstraints;
  /** `Description`: at most 200 characters. @default - none */
  readonly description?: string;
  /** `ResourceGroupId`. @default - the account's default resource group */
  readonly resourceGroupId?: string;
  /** `Tags`: at most 20. @default - none (stack tags still apply) */
  readonly tags?: readonly OosSecretParameterTag[];
}

const NAME = /^[A-Za-z0-9_-]{1,180}$/;
const RESERVED_PREFIX = /^(ALIYUN|ACS|ALIBABA|ALICLOUD|OOS)/i;
const TAG_TEXT = /^(?!aliyun|acs:)(?!.*https?:\/\/)/;

/**
 * `ALIYUN::OOS::SecretParameter`: an encrypted OOS parameter (a "secret parameter" of the OOS parameter store), read
 * at run time with `oos:GetSecretParameter` and `WithDecryption=true`.
 *
 * `@alicloud/ros-cdk-oos` is not available to us, so this is a typed `ros.RosResource`; the property names, the
 * ranges checked here and the attributes are those of the ROS reference below. A token (a `Ref`, a `Fn::GetAtt`) is
 * not checked at synth; ROS checks it at deploy.
 *
 * @see https://www.alibabacloud.com/help/en/ros/developer-reference/aliyun-oos-secretparameter
 * @example
 * const secret = new RosOosSecretParameter(stack, 'DingTalkSecretStore', {
 *   secretParameterName: 'ecs-event-ops-dingtalk-secret',
 *   value: dingTalkSecretParameter.valueAsString,
 *   constraints: { minLength: 1 },
 * });
 * const name = secret.attrSecretParameterName;
 */
export class RosOosSecretParameter extends ros.RosResource {
  /** The ROS resource type. */
  static readonly ROS_RESOURCE_TYPE_NAME = 'ALIYUN::OOS::SecretParameter';

  /** `Fn::GetAtt SecretParameterName`: the name, known only once the parameter exists (a dependency for readers). */
  readonly attrSecretParameterName: string;
  /** `Fn::GetAtt SecretParameterId`. */
  readonly attrSecretParameterId: string;
  /** `Fn::GetAtt ParameterVersion`: grows by one each time the value changes. */
  readonly attrParameterVersion: string;

  constructor(scope: ros.Construct, id: string, props: RosOosSecretParameterProps) {
    const where = `RosOosSecretParameter ${scope.node.path}/${id}`;
    checkProps(where, props);
    const c = props.constraints;
    super(scope, id, {
      type: RosOosSecretParameter.ROS_RESOURCE_TYPE_NAME,
      properties: {
        SecretParameterName: props.secretParameterName,
        Value: props.value,
        KeyId: props.keyId,
        Constraints:
          c === undefined
            ? undefined
            : {
                AllowedValues: c.allowedValues === undefined ? undefined : [...c.allowedValues],
                AllowedPattern: c.allowedPattern,
                MinLength: c.minLength,
                MaxLength: c.maxLength,
              },
        Description: props.description,
        ResourceGroupId: props.resourceGroupId,
        Tags: props.tags?.map((t) => ({ Key: t.key, Value: t.value ?? '' })),
      },
    });
    this.attrSecretParameterName = ros.Token.asString(this.getAtt('SecretParameterName'));
    this.attrSecretParameterId = ros.Token.asString(this.getAtt('SecretParameterId'));
    this.attrParameterVersion = ros.Token.asString(this.getAtt('ParameterVersion'));
  }
}

function checkProps(where: string, props: RosOosSecretParameterProps): void {
  const known = (value: string | undefined): value is string => value !== undefined && !ros.Token.isUnresolved(value);
  const name = props.secretParameterName;
  if (known(name) && (!NAME.test(name) || RESERVED_PREFIX.test(name))) {
    throw new Error(
      `${where}: secretParameterName "${name}" is not valid: at most 180 letters, digits, "-" or "_", not starting with ALIYUN, ACS, ALIBABA, ALICLOUD or OOS`,
    );
  }
  // The value is never echoed: it is a secret.
  if (known(props.value) && (props.value.length === 0 || props.value.length > 4096)) {
    throw new Error(`${where}: value has ${props.value.length} characters; allowed: 1 to 4096`);
  }
  if (known(props.description) && props.description.length > 200) {
    throw new Error(
      `${where}: description has ${props.description.length} characters ("${props.description.slice(0, 40)}…"); allowed: at most 200`,
    );
  }
  const c = props.constraints;
  for (const [key, value] of Object.entries({ minLength: c?.minLength, maxLength: c?.maxLength })) {
    if (value !== undefined && (!Number.isInteger(value) || value < 0 || value > 4096)) {
      throw new Error(`${where}: constraints.${key} ${value} is not valid: an integer from 0 to 4096`);
    }
  }
  if (c?.minLength !== undefined && c.maxLength !== undefined && c.minLength > c.maxLength) {
    throw new Error(`${where}: constraints.minLength ${c.minLength} is above constraints.maxLength ${c.maxLength}`);
  }
  const tags = props.tags ?? [];
  if (tags.length > 20) throw new Error(`${where}: ${tags.length} tags; allowed: at most 20`);
  for (const [i, tag] of tags.entries()) {
    if (known(tag.key) && (tag.key.length < 1 || tag.key.length > 128 || !TAG_TEXT.test(tag.key))) {
      throw new Error(
        `${where}: tags[${i}].key "${tag.key}" is not valid: 1 to 128 characters, not starting with "aliyun" or "acs:", without http:// or https://`,
      );
    }
    if (known(tag.value) && (tag.value.length > 128 || !TAG_TEXT.test(tag.value))) {
      throw new Error(
        `${where}: tags[${i}].value "${tag.value}" is not valid: at most 128 characters, not starting with "aliyun" or "acs:", without http:// or https://`,
      );
    }
  }
}
