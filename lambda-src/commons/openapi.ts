import OpenApi, * as $OpenApi from '@alicloud/openapi-client';
import OpenApiUtil from '@alicloud/openapi-util';
import * as $Util from '@alicloud/tea-util';
import { sdkFailure } from '../../contract/api-failure';
import { ECS, ESS, KMS, OOS, type RpcParams, type RpcProduct, rpcCall, SLB } from '../../contract/rpc';
import type { FcCredentials } from './context';
import { apiError, PermanentError } from './errors';

/**
 * A thin typed layer over the generic `callApi` of `@alicloud/openapi-client` (RPC style, ACS3-HMAC-SHA256).
 *
 * Product SDKs (`@alicloud/ecs20140526`, ...) are deliberately not used: they add hundreds of KB to each bundle and
 * slow down cold starts; the generic call is what they do internally.
 * @see https://alibabacloud.com/help/en/sdk/developer-reference/generalized-call-node-js
 */

export { ECS, ESS, KMS, OOS, type RpcParams, type RpcProduct, SLB };

/**
 * A list parameter in the RPC "repeat list" encoding, `Name.1`, `Name.2`, …: what `OpenApiUtil.query` makes of an
 * array in the generated SDKs (e.g. ESS `InstanceIds` of SetInstancesProtection).
 *
 * @example
 * client.call('SetInstancesProtection', { ScalingGroupId, ProtectedFromScaleIn: true, ...listParam('InstanceIds', ids) });
 */
export function listParam(name: string, values: readonly string[]): Record<string, string> {
  return Object.fromEntries(values.map((value, index) => [`${name}.${index + 1}`, value]));
}

/** Calls RPC actions of one product in one region. */
export interface RpcClient {
  readonly service: string;
  /** Calls `action`; resolves to the JSON response body, rejects with a Retryable/PermanentError. */
  call(action: string, params: RpcParams): Promise<Record<string, unknown>>;
}

/** Options for {@link createRpcClient}. */
export interface RpcClientOptions {
  readonly product: RpcProduct;
  readonly credentials: FcCredentials;
  readonly region: string;
  /** Endpoint override (`ENDPOINT_ENV` of contract/env/endpoints.ts); sets host:port and HTTP/HTTPS from the URL. */
  readonly endpoint?: URL;
  /** @default 5000 */
  readonly connectTimeoutMs?: number;
  /** @default 10000 */
  readonly readTimeoutMs?: number;
}

const clientCache = new Map<string, RpcClient>();
// FC rotates STS credentials; bound the cache so a long-lived container does not keep every old client.
const MAX_CACHED_CLIENTS = 16;

/**
 * The parameters of a generic RPC call (`callApi`), as Alibaba's generated SDKs build them for every RPC API:
 * HTTPS POST to `/`, form body, AK signature, JSON response. A client's `protocol` setting overrides HTTPS.
 */
export function rpcParams(action: string, version: string): $OpenApi.Params {
  return new $OpenApi.Params(rpcCall(action, version));
}

/**
 * Returns a client, built once per container for a given credential set, region and endpoint.
 *
 * @example
 * const ecs = createRpcClient({ product: ECS, credentials: context.credentials, region: context.region });
 * const body = await ecs.call('DescribeInstances', { RegionId: 'cn-hangzhou', InstanceIds: '["i-..."]' });
 */
export function createRpcClient(options: RpcClientOptions): RpcClient {
  const { product, credentials, region, endpoint } = options;
  const key = [
    product.service,
    credentials.accessKeyId,
    credentials.securityToken ?? '',
    region,
    endpoint?.href ?? '',
  ].join('\n');
  const cached = clientCache.get(key);
  if (cached !== undefined) return cached;
  if (clientCache.size >= MAX_CACHED_CLIENTS) clientCache.clear();

  const sdk = new OpenApi(
    new $OpenApi.Config({
      accessKeyId: credentials.accessKeyId,
      accessKeySecret: credentials.accessKeySecret,
      securityToken: credentials.securityToken,
      regionId: region,
      endpoint: endpoint === undefined ? product.endpointFor(region) : endpoint.host,
      // The client-level protocol overrides the per-call one, so an http:// override really talks plain HTTP.
      protocol: endpoint === undefined ? 'HTTPS' : endpoint.protocol === 'http:' ? 'HTTP' : 'HTTPS',
      connectTimeout: options.connectTimeoutMs ?? 5000,
      readTimeout: options.readTimeoutMs ?? 10_000,
    }),
  );
  // Retries are left to Function Compute / EventBridge: an SDK-internal retry loop would eat the function timeout.
  const runtime = new $Util.RuntimeOptions({ autoretry: false });

  const client: RpcClient = {
    service: product.service,
    async call(action, params) {
      const request = new $OpenApi.OpenApiRequest({ query: OpenApiUtil.query(withoutUndefined(params)) });
      const spec = rpcParams(action, product.version);
      let response: { body?: unknown };
      try {
        response = await sdk.callApi(spec, request, runtime);
      } catch (error) {
        throw toHandlerError(product.service, action, error);
      }
      const body = response.body;
      if (typeof body !== 'object' || body === null || Array.isArray(body)) {
        throw new PermanentError(`${product.service}:${action} returned a non-object body`);
      }
      return body as Record<string, unknown>;
    },
  };
  clientCache.set(key, client);
  return client;
}

function withoutUndefined(params: RpcParams): Record<string, string | number | boolean> {
  const result: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(params)) if (value !== undefined) result[key] = value;
  return result;
}

/** Maps an SDK/network error to a Retryable/PermanentError, keeping code, status and request id. */
export function toHandlerError(service: string, action: string, error: unknown) {
  const { failure, message } = sdkFailure(service, action, error);
  return apiError(failure, message, error);
}
