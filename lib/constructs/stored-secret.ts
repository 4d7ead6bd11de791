import * as ros from '@alicloud/ros-cdk-core';
import type { PolicyStatement } from './handler-function';
import { RosKmsSecret } from './kms-secret';
import { RosOosSecretParameter } from './oos-secret-parameter';
import { SecretParameter } from './secret-parameter';

/** Where a {@link StoredSecret} keeps its value: an OOS secret parameter, or a KMS generic secret. */
export type SecretStoreKind = 'oos' | 'kms';

/** Props of {@link StoredSecret}. */
export interface StoredSecretProps {
  /** Name of the secret in the store; unique in the region. Letters, digits, `-` and `_`, at most 180 characters. */
  readonly secretName: string;
  /** What the value is: the description of the NoEcho parameter and of the stored secret. At most 200 characters. */
  readonly description: string;
  /** A pattern the value must match, checked by ROS (parameter) and by OOS (constraint). @default - any value */
  readonly allowedPattern?: string;
  /** @default 'oos' */
  readonly store?: SecretStoreKind;
  /** KMS instance of a `kms` store (`DKMSInstanceId`). @default - none */
  readonly kmsInstanceId?: string;
}

/**
 * A secret given at deploy time and kept in a secret store, so that a function reads it at run time instead of
 * carrying it in its configuration: a `NoEcho` ROS parameter (named by this construct's id, e.g. `DingTalkSecret`)
 * whose value becomes an OOS secret parameter (`ALIYUN::OOS::SecretParameter`, the default, encrypted with the OOS
 * default KMS key) or a KMS generic secret (`ALIYUN::KMS::Secret`, which needs a KMS instance on KMS 3.0).
 *
 * A reader gets {@link secretName} (a `Fn::GetAtt`, so the secret exists before the reader) and
 * {@link readStatements}, which allow reading this one secret and nothing else:
 * - `oos`: `oos:GetSecretParameter` on `acs:oos:<region>:<account>:secretparameter/<name>`, and `kms:GetSecretValue`,
 *   which GetSecretParameter requires of its caller, on `acs:kms:<region>:<account>:secret/oos/<name>`.
 *   UNCONFIRMED: the OOS reference asks for the KMS permission without naming the KMS resource; `secret/oos/<name>`
 *   is the secret OOS keeps behind the parameter as a public working policy grants it
 *   (github.com/dmolenaars/serverless-image-generation, modules/image_generator/main.tf). No `kms:Decrypt`: the OOS
 *   reference does not ask for it.
 * - `kms`: `kms:GetSecretValue` on `acs:kms:<region>:<account>:secret/<name>`.
 *
 * @see https://www.alibabacloud.com/help/en/oos/developer-reference/api-oos-2019-06-01-getsecretparameter
 * @see https://www.alibabacloud.com/help/en/ros/developer-reference/aliyun-oos-secretparameter
 * @see https://www.alibabacloud.com/help/en/ros/developer-reference/aliyun-kms-secret
 * @example
 * const token = new StoredSecret(stack, 'WebhookToken', {
 *   secretName: 'ecs-event-ops-webhook-token', description: 'Bearer token sent to the alert webhook',
 * });
 * environment[secretNameVariable(ALERT_CHANNEL_SECRETS.webhookToken)] = token.secretName;
 * statements.push(...token.readStatements);
 */
export class StoredSecret extends ros.Construct {
  /** The NoEcho parameter that takes the value at deploy time. */
  readonly parameter: SecretParameter;
  /** The secret's name in the store, as a `Fn::GetAtt` token. */
  readonly secretName: string;
  /** The store. */
  readonly store: SecretStoreKind;
  /** The RAM statements that let a function read this secret, and only it. */
  readonly readStatements: readonly PolicyStatement[];
  /** The store's ROS resource, for escape hatches. */
  readonly resource: ros.RosResource;

  constructor(scope: ros.Construct, id: string, props: StoredSecretProps) {
    super(scope, id);
    this.store = props.store ?? 'oos';
    this.parameter = new SecretParameter(this, id, {
      description: props.description,
      allowedPattern: props.allowedPattern,
    });
    const stack = ros.Stack.of(this);
    const arn = (service: string, resource: string) =>
      ros.Fn.join('', [`acs:${service}:`, stack.region, ':', stack.account, `:${resource}`]);
    if (this.store === 'oos') {
      const resource = new RosOosSecretParameter(this, `${id}Store`, {
        secretParameterName: props.secretName,
        value: this.parameter.value,
        description: props.description,
        constraints: { minLength: 1, allowedPattern: props.allowedPattern },
      });
      this.resource = resource;
      this.secretName = resource.attrSecretParameterName;
      this.readStatements = [
        { actions: ['oos:GetSecretParameter'], resources: [arn('oos', `secretparameter/${props.secretName}`)] },
        { actions: ['kms:GetSecretValue'], resources: [arn('kms', `secret/oos/${props.secretName}`)] },
      ];
    } else {
      const resource = new RosKmsSecret(this, `${id}Store`, {
        secretName: props.secretName,
        secretData: this.parameter.value,
        // The stack's value is the initial version. UNCONFIRMED: whether ROS can update SecretData under the same
        // VersionId on a stack update (KMS versions are immutable); the README says to rotate with PutSecretValue.
        versionId: 'v1',
        dkmsInstanceId: props.kmsInstanceId,
        description: props.description,
        // The NoEcho parameter is the source of truth: a deleted stack must not block its name for 30 days.
        forceDeleteWithoutRecovery: true,
      });
      this.resource = resource;
      this.secretName = resource.attrSecretName;
      this.readStatements = [
        { actions: ['kms:GetSecretValue'], resources: [arn('kms', `secret/${props.secretName}`)] },
      ];
    }
  }
}
