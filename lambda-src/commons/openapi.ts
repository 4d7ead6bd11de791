import OpenApi, * as $OpenApi from '@alicloud/openapi-client';
import OpenApiUtil from '@alicloud/openapi-util';
import * as $Util from '@alicloud/tea-util';
import type { FcCredentials } from './context';
import { apiError, PermanentError } from './errors';

/**
 * A thin typed layer over the generic `callApi` of `@alicloud/openapi-client` (RPC style, ACS3-HMAC-SHA256).
 *
 * Product SDKs (`@alicloud/ecs20140526`, ...) are deliberately not used: they add hundreds of KB to each bundle and
 * slow down cold starts; the generic call is what they do internally.
 * @see https://alibabacloud.com/help/en/sdk/developer-reference/generalized-call-node-js
 */

/** Which RPC product a client talks to. */
export interface RpcProduct {
  /** Short name used in logs and errors, e.g. `ecs`. */
  readonly service: string;
  /** API version, e.g. `2014-05-26`. */
  readonly version: string;
  /** Default endpoint host for a region. */
  readonly endpointFor: (region: string) => string;
}

/** ECS, API version 2014-05-26. */
export const ECS: RpcProduct = { service: 'ecs', version: '2014-05-26', endpointFor: (r) => `ecs.${r}.aliyuncs.com` };
/** Classic Server Load Balancer (CLB), API version 2014-05-15. */
export const SLB: RpcProduct = { service: 'slb', version: '2014-05-15', endpointFor: (r) => `slb.${r}.aliyuncs.com` };
/** Auto Scaling (ESS), API version 2014-08-28. */
export const ESS: RpcProduct = { service: 'ess', version: '2014-08-28', endpointFor: (r) => `ess.${r}.aliyuncs.com` };

/** CloudOps Orchestration Service (OOS), API version 2019-06-01: secret parameters. */
export const OOS: RpcProduct = { service: 'oos', version: '2019-06-01', endpointFor: (r) => `oos.${r}.aliyuncs.com` };
/** Key Management Service (KMS), API version 2016-01-20: secrets. */
export const KMS: RpcProduct = { service: 'kms', version: '2016-01-20', endpointFor: (r) => `kms.${r}.aliyuncs.com` };

/** Values accepted as RPC parameters; pass lists through {@link listParam}. */
export type RpcParams = Readonly<Record<string, string | number | boolean | undefined>>;

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
  return new $OpenApi.Params({
    action,
    version,
    protocol: 'HTTPS',
    pathname: '/',
    method: 'POST',
    authType: 'AK',
    style: 'RPC',
    reqBodyType: 'formData',
    bodyType: 'json',
  });
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

/** The fields the Tea SDK puts on its errors (`ResponseError`) and Node puts on network errors. */
interface SdkErrorShape {
  readonly code?: unknown;
  readonly statusCode?: unknown;
  readonly data?: unknown;
  readonly message?: unknown;
}

/** Maps an SDK/network error to a Retryable/PermanentError, keeping code, status and request id. */
export function toHandlerError(service: string, action: string, error: unknown) {
  const shape: SdkErrorShape = typeof error === 'object' && error !== null ? error : {};
  const data = typeof shape.data === 'object' && shape.data !== null ? (shape.data as Record<string, unknown>) : {};
  const statusCode = typeof shape.statusCode === 'number' ? shape.statusCode : undefined;
  // Without an HTTP status, `code` is a Node network error code such as ECONNREFUSED: keep it, it is still a code.
  const code = typeof shape.code === 'string' && shape.code !== 'undefined' ? shape.code : undefined;
  const requestId = typeof data.RequestId === 'string' ? data.RequestId : undefined;
  const message =
    typeof data.Message === 'string' ? data.Message : typeof shape.message === 'string' ? shape.message : String(error);
  return apiError({ service, action, code, statusCode, requestId }, message, error);
}
