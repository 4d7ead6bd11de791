import Credential, { Config as CredentialConfig } from '@alicloud/credentials';
import OpenApi, * as $OpenApi from '@alicloud/openapi-client';
import OpenApiUtil from '@alicloud/openapi-util';
import * as $Util from '@alicloud/tea-util';
import { type ApiFailure, failureLabel, isRetryableApiFailure, sdkFailure } from '../../contract/api-failure';
import { ENDPOINT_ALLOWED, parseEndpoint } from '../../contract/endpoints';
import { ENDPOINT_ENV } from '../../contract/env/endpoints';
import { ECS, type RpcParams, type RpcProduct, rpcCall, STS } from '../../contract/rpc';
import { ToolFailure } from '../cli';

/**
 * Cloud plumbing shared by the operator CLIs (drill, redrive): the credential chain, endpoint overrides, the account
 * id and a generic RPC caller. The CLIs run on an operator's machine or in CI, so unlike the handlers they use the
 * public endpoints and the standard credential chain, and they refresh credentials on every call (a RAM-role or OIDC
 * session can expire during a long drill).
 */

/**
 * A credential provider: the `Credential` client of `@alicloud/credentials`. The default chain reads, in order, the
 * environment (`ALIBABA_CLOUD_ACCESS_KEY_ID`, `ALIBABA_CLOUD_ACCESS_KEY_SECRET`, `ALIBABA_CLOUD_SECURITY_TOKEN`), OIDC
 * (`ALIBABA_CLOUD_ROLE_ARN`, `ALIBABA_CLOUD_OIDC_PROVIDER_ARN`, `ALIBABA_CLOUD_OIDC_TOKEN_FILE`), the Alibaba Cloud
 * CLI profile (`~/.aliyun/config.json`), the credentials file (`~/.alibabacloud/credentials`), the ECS instance RAM
 * role and a credentials URI.
 * @see https://www.alibabacloud.com/help/en/sdk/developer-reference/v2-manage-node-js-access-credentials
 */
export type CredentialProvider = Credential;

/** The standard credential chain; credentials are resolved lazily, at the first call. */
export function defaultCredentials(): CredentialProvider {
  return new Credential();
}

/** A fixed AccessKey pair, with an STS token when given (tests, and callers that resolved credentials themselves). */
export function staticCredentials(credentials: {
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  readonly securityToken?: string;
}): CredentialProvider {
  return new Credential(
    new CredentialConfig({
      type: credentials.securityToken === undefined ? 'access_key' : 'sts',
      accessKeyId: credentials.accessKeyId,
      accessKeySecret: credentials.accessKeySecret,
      securityToken: credentials.securityToken,
    }),
  );
}

/** Resolved credentials for clients that sign by hand (OSS) or want plain values (MNS). */
export interface ResolvedCredentials {
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  readonly securityToken?: string;
}

/**
 * Where the default chain of `@alicloud/credentials` looks, in its order (upstream:
 * `@alicloud/credentials/dist/src/providers/default.js` and the providers it builds, version 2.4.7).
 */
export const CREDENTIAL_SOURCES: readonly string[] = [
  'the environment variables ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET (with ALIBABA_CLOUD_SECURITY_TOKEN for an STS token)',
  'OIDC: ALIBABA_CLOUD_ROLE_ARN, ALIBABA_CLOUD_OIDC_PROVIDER_ARN and ALIBABA_CLOUD_OIDC_TOKEN_FILE',
  'the Alibaba Cloud CLI profile in ~/.aliyun/config.json (profile ALIBABA_CLOUD_PROFILE, else the current one; `aliyun configure` writes it)',
  'the credentials file ~/.alibabacloud/credentials (or the file named by ALIBABA_CLOUD_CREDENTIALS_FILE)',
  'the RAM role of the ECS instance this runs on (instance metadata; ALIBABA_CLOUD_ECS_METADATA names the role)',
  'a credentials URI in ALIBABA_CLOUD_CREDENTIALS_URI',
];

/**
 * No source of the credential chain had credentials. The message lists where the chain looked, instead of the
 * chain's own text, whose last entry is a request to `https://undefined/` (the credentials-URI source, tried
 * without a URI).
 */
export class NoCredentialsError extends ToolFailure {
  override readonly name = 'NoCredentialsError';
  constructor(cause: unknown) {
    super(
      `no Alibaba Cloud credentials found. Looked in, in order: ${CREDENTIAL_SOURCES.join('; ')}. ` +
        'Set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET, or run `aliyun configure`',
      { cause },
    );
  }
}

/** The default chain's message when every source failed (`DefaultCredentialsProvider.getCredentials`). */
const EMPTY_CHAIN = /unable to get credentials from any of the providers in the chain/;

/**
 * Resolves the provider now.
 *
 * @throws NoCredentialsError when no source of the chain has credentials
 */
export async function resolveCredentials(provider: CredentialProvider): Promise<ResolvedCredentials> {
  let model: Awaited<ReturnType<CredentialProvider['getCredential']>>;
  try {
    model = await provider.getCredential();
  } catch (error) {
    if (error instanceof Error && EMPTY_CHAIN.test(error.message)) throw new NoCredentialsError(error);
    throw error;
  }
  if (!model.accessKeyId || !model.accessKeySecret) {
    throw new Error('the credential chain returned no AccessKey; configure one of its sources');
  }
  return {
    accessKeyId: model.accessKeyId,
    accessKeySecret: model.accessKeySecret,
    securityToken: model.securityToken || undefined,
  };
}

/**
 * Endpoint overrides, for loopback fakes in tests and local runs. Unset means the product's public endpoint.
 * Read from the contract's `ENDPOINT_ENV` variables of these services (the fake cloud's `endpointEnv()` sets them all).
 */
export interface EndpointOverrides {
  readonly ecs?: URL;
  readonly oss?: URL;
  readonly sts?: URL;
  readonly mns?: URL;
  readonly eventbridge?: URL;
  readonly fc?: URL;
  readonly sls?: URL;
}

/**
 * Reads {@link EndpointOverrides} from the environment under the rule the handlers follow (contract/endpoints.ts):
 * `https://`, or `http://` to loopback only; anything else is an error naming the variable.
 */
export function endpointsFromEnv(env: Readonly<Record<string, string | undefined>>): EndpointOverrides {
  const read = (name: string): URL | undefined => {
    const value = env[name];
    if (value === undefined || value === '') return undefined;
    const parsed = parseEndpoint(value);
    if ('problem' in parsed) {
      throw new EndpointOverrideError(
        `environment variable ${name}: "${value}" ${parsed.problem}; expected ${ENDPOINT_ALLOWED}`,
      );
    }
    return parsed.url;
  };
  return {
    ecs: read(ENDPOINT_ENV.ecs),
    oss: read(ENDPOINT_ENV.oss),
    sts: read(ENDPOINT_ENV.sts),
    mns: read(ENDPOINT_ENV.mns),
    eventbridge: read(ENDPOINT_ENV.eventbridge),
    fc: read(ENDPOINT_ENV.fc),
    sls: read(ENDPOINT_ENV.sls),
  };
}

/** An endpoint override that is refused (a user mistake: reported in one line). */
export class EndpointOverrideError extends Error {
  override readonly name = 'EndpointOverrideError';
}

/** Calls RPC actions of one product. */
export interface RpcCaller {
  /** Resolves to the JSON body; rejects with a CloudApiError naming the action, code and request id. */
  call(action: string, params: RpcParams): Promise<Record<string, unknown>>;
}

export { ECS, STS };

/**
 * A cloud API call failed: the message names the action, the code, the HTTP status and the request id; `retryable`
 * follows the same classification as the handlers (contract/api-failure.ts).
 */
export class CloudApiError extends Error {
  override readonly name = 'CloudApiError';
  readonly api: ApiFailure;
  readonly retryable: boolean;

  constructor(api: ApiFailure, message: string, options?: { readonly cause?: unknown }) {
    super(
      `${api.service}:${api.action} failed (${failureLabel(api)}, request id ${api.requestId ?? 'unknown'}): ${message}`,
      options,
    );
    this.api = api;
    this.retryable = isRetryableApiFailure(api);
  }
}

/** Whether a thrown value is worth retrying; anything but a refused API call (a bug, a lost answer) counts as retryable. */
export function isRetryable(error: unknown): boolean {
  return error instanceof CloudApiError ? error.retryable : true;
}

/**
 * An RPC caller over the generic `callApi` of `@alicloud/openapi-client` (ACS3-HMAC-SHA256), with the credential
 * provider handed to the SDK so that expiring session credentials are refreshed.
 */
export function createRpcCaller(options: {
  readonly product: RpcProduct;
  readonly region: string;
  readonly credentials: CredentialProvider;
  readonly endpoint?: URL;
}): RpcCaller {
  const { product, region, endpoint } = options;
  const sdk = new OpenApi(
    new $OpenApi.Config({
      credential: options.credentials,
      regionId: region,
      endpoint: endpoint === undefined ? product.endpointFor(region) : endpoint.host,
      protocol: endpoint === undefined ? 'HTTPS' : endpoint.protocol === 'http:' ? 'HTTP' : 'HTTPS',
      connectTimeout: 5000,
      readTimeout: 10_000,
    }),
  );
  // No SDK-internal retries: the drill decides what to retry (only the cancel), so that timings stay honest.
  const runtime = new $Util.RuntimeOptions({ autoretry: false });
  return {
    async call(action, params) {
      const query: Record<string, string | number | boolean> = {};
      for (const [key, value] of Object.entries(params)) if (value !== undefined) query[key] = value;
      const spec = new $OpenApi.Params(rpcCall(action, product.version));
      let response: { body?: unknown };
      try {
        response = await sdk.callApi(spec, new $OpenApi.OpenApiRequest({ query: OpenApiUtil.query(query) }), runtime);
      } catch (error) {
        const { failure, message } = sdkFailure(product.service, action, error);
        throw new CloudApiError(failure, message, { cause: error });
      }
      const body = response.body;
      if (typeof body !== 'object' || body === null || Array.isArray(body)) {
        throw new Error(`${product.service}:${action} returned a non-object body`);
      }
      return body as Record<string, unknown>;
    },
  };
}

/** The account id of the credentials (STS `GetCallerIdentity`). */
export async function callerAccountId(sts: RpcCaller): Promise<string> {
  const body = await sts.call('GetCallerIdentity', {});
  if (typeof body.AccountId !== 'string' || body.AccountId === '') {
    throw new Error('sts:GetCallerIdentity returned no AccountId');
  }
  return body.AccountId;
}
