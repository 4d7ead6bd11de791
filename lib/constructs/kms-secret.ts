import * as ros from '@alicloud/ros-cdk-core';

/** Props of {@link RosKmsSecret}: the properties of the ROS resource type this project uses. */
export interface RosKmsSecretProps {
  /** `SecretName`: 1 to 192 letters, digits and `_/+=.@-`, not starting with `acs/`. Not updatable. */
  readonly secretName: string;
  /** `SecretData`: the value (at most 30720 bytes); usually a `NoEcho` ROS parameter's `Ref`. */
  readonly secretData: string;
  /** `VersionId`: the id of the initial version, unique within the secret. */
  readonly versionId: string;
  /**
   * `DKMSInstanceId`: the KMS instance that stores the secret. KMS 3.0 keeps generic secrets in a (paid) KMS
   * instance, so an account on KMS 3.0 must give one.
   * @default - none (the account's legacy Secrets Manager, where it still exists)
   */
  readonly dkmsInstanceId?: string;
  /** `EncryptionKeyId`: a symmetric key of the same KMS instance. @default - a key that KMS creates */
  readonly encryptionKeyId?: string;
  /** `Description`. @default - none */
  readonly description?: string;
  /**
   * `ForceDeleteWithoutRecovery`: delete at once when the stack deletes the secret, instead of after a 30-day
   * recovery window during which the name cannot be used again.
   * @default false
   */
  readonly forceDeleteWithoutRecovery?: boolean;
}

const SECRET_NAME = /^(?!acs\/)[A-Za-z0-9_/+=.@-]{1,192}$/;

/**
 * `ALIYUN::KMS::Secret`: a generic secret of KMS Secrets Manager, read at run time with `kms:GetSecretValue`. The
 * value is stored as a `text` secret (`SecretDataType`), `SecretType` `Generic`.
 *
 * `@alicloud/ros-cdk-kms` is not available to us, so this is a typed `ros.RosResource` with the property names of
 * the ROS reference below. Tokens are not checked at synth.
 *
 * @see https://www.alibabacloud.com/help/en/ros/developer-reference/aliyun-kms-secret
 * @see https://www.alibabacloud.com/help/en/kms/key-management-service/getting-started/getting-started-with-secrets-manager
 * @example
 * const secret = new RosKmsSecret(stack, 'DingTalkSecretStore', {
 *   secretName: 'ecs-event-ops-dingtalk-secret', secretData: parameter.valueAsString, versionId: 'v1',
 *   dkmsInstanceId: 'kst-hzz65f176a0ogplgq****',
 * });
 */
export class RosKmsSecret extends ros.RosResource {
  /** The ROS resource type. */
  static readonly ROS_RESOURCE_TYPE_NAME = 'ALIYUN::KMS::Secret';

  /** `Fn::GetAtt SecretName`: the name, known once the secret exists (a dependency for readers). */
  readonly attrSecretName: string;
  /** `Fn::GetAtt Arn`. */
  readonly attrArn: string;

  constructor(scope: ros.Construct, id: string, props: RosKmsSecretProps) {
    const where = `RosKmsSecret ${scope.node.path}/${id}`;
    const known = (value: string | undefined): value is string => value !== undefined && !ros.Token.isUnresolved(value);
    if (known(props.secretName) && !SECRET_NAME.test(props.secretName)) {
      throw new Error(
        `${where}: secretName "${props.secretName}" is not valid: 1 to 192 letters, digits or "_/+=.@-", not starting with "acs/"`,
      );
    }
    if (known(props.secretData) && (props.secretData.length === 0 || Buffer.byteLength(props.secretData) > 30720)) {
      throw new Error(`${where}: secretData has ${Buffer.byteLength(props.secretData)} bytes; allowed: 1 to 30720`);
    }
    if (known(props.versionId) && !/^[A-Za-z0-9_.-]{1,64}$/.test(props.versionId)) {
      throw new Error(
        `${where}: versionId "${props.versionId}" is not valid: 1 to 64 letters, digits, "_", "." or "-"`,
      );
    }
    super(scope, id, {
      type: RosKmsSecret.ROS_RESOURCE_TYPE_NAME,
      properties: {
        SecretName: props.secretName,
        SecretData: props.secretData,
        SecretDataType: 'text',
        SecretType: 'Generic',
        VersionId: props.versionId,
        DKMSInstanceId: props.dkmsInstanceId,
        EncryptionKeyId: props.encryptionKeyId,
        Description: props.description,
        ForceDeleteWithoutRecovery: props.forceDeleteWithoutRecovery ?? false,
      },
    });
    this.attrSecretName = ros.Token.asString(this.getAtt('SecretName'));
    this.attrArn = ros.Token.asString(this.getAtt('Arn'));
  }
}
