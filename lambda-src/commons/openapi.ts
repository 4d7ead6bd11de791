import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { sdkFailure } from '../../contract/api-failure';
import { ALB, ECS, ESS, KMS, NLB, OOS, type RpcParams, type RpcProduct, SLB } from '../../contract/rpc';
import { type RpcParamMap, signRpcRequest } from './acs3';
import type { FcCredentials } from './context';
import { apiError, PermanentError } from './errors';
import { withBackoff } from './retry';

/**
 * Typed RPC clients for the handlers, on the small ACS3 signer (`./acs3.ts`) and `node:https`: the request Alibaba's
 * generic `callApi` of `@alicloud/openapi-client` sends (HTTPS POST to `/`, parameters in the query, JSON answer),
 * without bundling that client (about 240 KB and 20-35 ms of module load per handler).
 *
 * Each call retries throttling, 429, 5xx and network errors with capped exponential backoff and full jitter inside
 * the invocation (`./retry.ts`), then gives up to Function Compute's retries.
 * @see https://alibabacloud.com/help/en/sdk/developer-reference/generalized-call-node-js
 */

export { ALB, ECS, ESS, KMS, NLB, OOS, type RpcParams, type RpcProduct, SLB };

/**
 * A list parameter in the RPC "repeat list" encoding, `Name.1`, `Name.2`, …: what `OpenApiUtil.query` makes of an
 * array in the generated SDKs (e.g. ESS `InstanceIds` of SetInstancesProtection). Passing the array itself as a
 * parameter value sends the same.
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
  call(action: string, params: RpcParamMap): Promise<Record<string, unknown>>;
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
  /**
   * `x-acs-date` and `x-acs-signature-nonce` of each request (test seam: the byte-for-byte comparison with the
   * official client pins both). @default - the current time and a random nonce
   */
  readonly stamp?: () => { readonly date: string; readonly nonce: string };
}

const clientCache = new Map<string, RpcClient>();
// FC rotates STS credentials; bound the cache so a long-lived container does not keep every old client.
const MAX_CACHED_CLIENTS = 16;
// Keep-alive as the official client: a container's calls reuse their TLS connections.
const httpsAgent = new HttpsAgent({ keepAlive: true });
const httpAgent = new HttpAgent({ keepAlive: true });

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
    product.version,
    credentials.accessKeyId,
    // In memory only; a client signs with the secret it was built with.
    credentials.accessKeySecret,
    credentials.securityToken ?? '',
    region,
    endpoint?.href ?? '',
  ].join('\n');
  const cached = clientCache.get(key);
  if (cached !== undefined) return cached;
  if (clientCache.size >= MAX_CACHED_CLIENTS) clientCache.clear();

  const host = endpoint === undefined ? product.endpointFor(region) : endpoint.host;
  const secure = endpoint === undefined || endpoint.protocol !== 'http:';
  const timeouts = { connect: options.connectTimeoutMs ?? 5000, read: options.readTimeoutMs ?? 10_000 };

  const once = async (action: string, params: RpcParamMap): Promise<Record<string, unknown>> => {
    let answer: { status: number; contentType: string; text: string };
    try {
      const signed = signRpcRequest({
        action,
        version: product.version,
        host,
        params,
        credentials,
        ...options.stamp?.(),
      });
      answer = await send(secure, host, signed.path, signed.headers, timeouts);
    } catch (error) {
      throw toHandlerError(product.service, action, error);
    }
    let body: unknown;
    try {
      body = JSON.parse(answer.text);
    } catch (error) {
      // As the official client: an unreadable answer has no code, and counts as a network failure (retryable).
      throw toHandlerError(product.service, action, error);
    }
    if (answer.status >= 400) throw toHandlerError(product.service, action, responseError(answer.status, body));
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new PermanentError(`${product.service}:${action} returned a non-object body`);
    }
    return body as Record<string, unknown>;
  };

  const client: RpcClient = {
    service: product.service,
    call: (action, params) => withBackoff(() => once(action, params)),
  };
  clientCache.set(key, client);
  return client;
}

/** The error the official client throws for a 4xx/5xx answer (tea `ResponseError`): code, statusCode, data. */
function responseError(status: number, body: unknown): Error & { code: string; statusCode: number; data: object } {
  const data: Record<string, unknown> =
    typeof body === 'object' && body !== null && !Array.isArray(body) ? { ...body } : {};
  const code = String(data.Code ?? data.code);
  const message = `code: ${status}, ${String(data.Message ?? data.message)} request id: ${String(data.RequestId ?? data.requestId)}`;
  return Object.assign(new Error(`${code}: ${message}`), { name: 'ResponseError', code, statusCode: status, data });
}

function send(
  secure: boolean,
  host: string,
  path: string,
  headers: readonly (readonly [string, string])[],
  timeouts: { readonly connect: number; readonly read: number },
): Promise<{ status: number; contentType: string; text: string }> {
  const url = new URL(`${secure ? 'https' : 'http'}://${host}`);
  return new Promise((resolve, reject) => {
    const req = (secure ? httpsRequest : httpRequest)(
      {
        host: url.hostname,
        port: url.port === '' ? undefined : Number(url.port),
        path,
        method: 'POST',
        agent: secure ? httpsAgent : httpAgent,
        headers: Object.fromEntries(headers),
        timeout: timeouts.connect,
      },
      (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            contentType: String(res.headers['content-type'] ?? ''),
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    req.on('socket', (socket) => {
      const arm = () => req.setTimeout(timeouts.read);
      if (socket.connecting) socket.once('connect', arm);
      else arm();
    });
    req.on('timeout', () =>
      req.destroy(Object.assign(new Error(`request to ${host} timed out`), { code: 'ETIMEDOUT' })),
    );
    req.on('error', reject);
    req.end();
  });
}

/** Maps an SDK/network error to a Retryable/PermanentError, keeping code, status and request id. */
export function toHandlerError(service: string, action: string, error: unknown) {
  const { failure, message } = sdkFailure(service, action, error);
  return apiError(failure, message, error);
}
