import { randomUUID } from 'node:crypto';
import { FakeApiError, type RpcAction } from './rpc-actions';

/**
 * Secret stores of the fake cloud: OOS secret parameters (OOS 2019-06-01 `GetSecretParameter`) and KMS secrets
 * (KMS 2016-01-20 `GetSecretValue`), reachable as `cloud.secrets`. Calls come through the fake's RPC front door, so
 * their ACS3 signature and security token are verified like every other RPC action.
 *
 * Response shapes follow the API references; the not-found error codes (`EntityNotExists.SecretParameter`,
 * `Forbidden.ResourceNotFound`) are the fake's reading of them (UNCONFIRMED: the references list no error codes).
 * @see https://www.alibabacloud.com/help/en/oos/developer-reference/api-oos-2019-06-01-getsecretparameter
 * @see https://github.com/aliyun/alibabacloud-typescript-sdk/blob/master/kms-20160120/src/models/GetSecretValueResponseBody.ts
 */
export class FakeSecrets {
  /** OOS secret parameters, by name. */
  readonly parameters = new Map<string, string>();
  /** KMS secrets, by name. */
  readonly kmsSecrets = new Map<string, string>();
  /** The OOS actions. */
  readonly oosActions: Readonly<Record<string, RpcAction>>;
  /** The KMS actions. */
  readonly kmsActions: Readonly<Record<string, RpcAction>>;

  constructor() {
    this.oosActions = {
      GetSecretParameter: (world, params) => {
        const name = params.Name;
        if (name === undefined || name === '') throw new FakeApiError(400, 'MissingParameter', 'Name is mandatory');
        if (params.RegionId !== undefined && params.RegionId !== world.region) {
          throw new FakeApiError(400, 'InvalidRegionId', `RegionId ${params.RegionId} is not ${world.region}`);
        }
        const value = this.parameters.get(name);
        if (value === undefined) {
          throw new FakeApiError(404, 'EntityNotExists.SecretParameter', `the secret parameter ${name} does not exist`);
        }
        return {
          RequestId: randomUUID().toUpperCase(),
          Parameter: {
            Name: name,
            Type: 'Secret',
            ParameterVersion: 1,
            // As documented: the value only when WithDecryption is true.
            Value: params.WithDecryption === 'true' ? value : null,
          },
        };
      },
    };
    this.kmsActions = {
      GetSecretValue: (_world, params) => {
        const name = params.SecretName;
        if (name === undefined || name === '')
          throw new FakeApiError(400, 'MissingParameter', 'SecretName is mandatory');
        const value = this.kmsSecrets.get(name);
        if (value === undefined) {
          throw new FakeApiError(404, 'Forbidden.ResourceNotFound', `the secret ${name} does not exist`);
        }
        return {
          RequestId: randomUUID().toUpperCase(),
          SecretName: name,
          SecretData: value,
          SecretDataType: 'text',
          VersionId: 'v1',
          VersionStages: { VersionStage: ['ACSCurrent'] },
        };
      },
    };
  }
}
