import { createHash, createHmac, randomBytes } from 'node:crypto';

/**
 * A small signer for Alibaba Cloud RPC-style requests, ACS3-HMAC-SHA256 (signature V3), built on `node:crypto` only.
 *
 * It produces the request `@alicloud/openapi-client` 0.4.x sends for a generic RPC call (`callApi` with
 * `style: 'RPC'`, `method: 'POST'`, parameters in the query, no body): the same request line, the same headers in
 * the same order, the same `Authorization`. test/handlers/acs3-signer.test.ts proves it byte for byte against the
 * official client on generated requests; the fake cloud (ops/fake-cloud/signatures.ts) verifies the signature
 * independently in every other test. Bundling the official client cost each handler about 240 KB and 20-35 ms of
 * module load.
 *
 * ROA style is not implemented: every API the handlers call (ECS, SLB, ESS, OOS, KMS, and ALB 2020-06-16 and NLB
 * 2022-04-30 for the drains to come) is an RPC-style API; ROA is only for products such as CS (Kubernetes) or FC
 * itself, which no handler calls.
 *
 * Sources read (upstream files): `@alicloud/openapi-client` dist/client.js `doRequest` (headers and order),
 * `@alicloud/openapi-util` dist/client.js `query`/`flatMap` (flattening), `getAuthorization` (canonical request),
 * `@alicloud/tea-typescript` dist/tea.js `buildURL` (query string), `@alicloud/tea-util` `getUserAgent`.
 * @see https://www.alibabacloud.com/help/en/sdk/product-overview/v3-request-structure-and-signature
 */

/** A parameter value: scalars, and lists/objects flattened to `Name.1`, `Name.1.Key` as the SDKs do. */
export type RpcValue =
  | string
  | number
  | boolean
  | null
  | undefined
  | readonly RpcValue[]
  | { readonly [key: string]: RpcValue };

/** Parameters of an RPC call. */
export type RpcParamMap = { readonly [key: string]: RpcValue };

/** Access key credentials (FC hands out STS credentials with a security token). */
export interface SigningCredentials {
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  readonly securityToken?: string;
}

/** What to sign. */
export interface RpcRequestInput {
  readonly action: string;
  readonly version: string;
  /** `host[:port]`, sent as the `host` header and signed. */
  readonly host: string;
  readonly params: RpcParamMap;
  readonly credentials: SigningCredentials;
  /** `x-acs-date`, e.g. `2026-11-29T13:37:02Z`. @default - now, see {@link acsTimestamp} */
  readonly date?: string;
  /** `x-acs-signature-nonce`. @default - 16 random bytes in hex */
  readonly nonce?: string;
}

/** A signed request: path with query string, and the headers in sending order. */
export interface SignedRpcRequest {
  readonly method: 'POST';
  /** `/?Key=value&…` */
  readonly path: string;
  readonly headers: readonly (readonly [string, string])[];
}

/** SHA-256 of the empty body: parameters travel in the query. */
const EMPTY_BODY_SHA256 = createHash('sha256').update('').digest('hex');

// The official client sends this user agent (tea-util DEFAULT_USER_AGENT); the same value keeps the request
// identical, so nothing on the server side (logs, throttling by client) can tell the two apart.
const USER_AGENT = `AlibabaCloud (${process.platform}; ${process.arch}) Node.js/${process.version} Core/1.0.1 TeaDSL/1`;

/**
 * Flattens parameters the way `OpenApiUtil.query` does: lists to `Name.1`, `Name.2` (1-based), objects to
 * `Name.Key`, scalars with `toString()`; `null` and `undefined` are left out (in lists too, keeping the index).
 */
export function flattenParams(params: RpcParamMap): Record<string, string> {
  const target: Record<string, string> = {};
  const visit = (prefix: string, value: RpcValue): void => {
    if (value === undefined || value === null) return;
    if (Array.isArray(value)) {
      (value as readonly RpcValue[]).forEach((item, index) => {
        visit(`${prefix}.${index + 1}`, item);
      });
    } else if (typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) visit(`${prefix}.${key}`, item);
    } else {
      target[prefix] = String(value);
    }
  };
  for (const [key, value] of Object.entries(params)) visit(key, value);
  return target;
}

/** RFC 3986 percent-encoding of the canonical query (`!'()*` escaped too), as `OpenApiUtil` `encode`. */
function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * The query string escaping of tea `buildURL` (`querystring.stringify` of node:querystring): encodeURIComponent, but
 * `'` escaped too (`!()*` are not).
 */
function queryEscape(value: string): string {
  return encodeURIComponent(value).replace(/'/g, '%27');
}

/** `x-acs-date` for a time: ISO 8601 UTC without milliseconds. */
export function acsTimestamp(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

/**
 * Signs an RPC call.
 *
 * @example
 * const signed = signRpcRequest({ action: 'StartInstance', version: '2014-05-26', host: 'ecs.cn-hangzhou.aliyuncs.com',
 *   params: { InstanceId: 'i-bp1...' }, credentials });
 */
export function signRpcRequest(input: RpcRequestInput): SignedRpcRequest {
  const { credentials } = input;
  const query = flattenParams(input.params);
  const queryString = Object.keys(query)
    .map((key) => `${queryEscape(key)}=${queryEscape(query[key])}`)
    .join('&');
  const token = credentials.securityToken ?? '';
  const headers: [string, string][] = [
    ['host', input.host],
    ['x-acs-version', input.version],
    ['x-acs-action', input.action],
    ['user-agent', USER_AGENT],
    ['x-acs-date', input.date ?? acsTimestamp(Date.now())],
    ['x-acs-signature-nonce', input.nonce ?? randomBytes(16).toString('hex')],
    ['accept', 'application/json'],
    ['x-acs-content-sha256', EMPTY_BODY_SHA256],
    ['x-acs-credentials-provider', token === '' ? 'static_ak' : 'static_sts'],
  ];
  if (token !== '') headers.push(['x-acs-accesskey-id', credentials.accessKeyId], ['x-acs-security-token', token]);

  // Canonical headers: host and x-acs-*, lower case, sorted, values trimmed; canonical query: keys sorted and
  // written as they are, values percent-encoded (OpenApiUtil getAuthorizationQueryString).
  const signed = headers.filter(([name]) => name === 'host' || name.startsWith('x-acs-')).sort(byName);
  const canonicalQuery = Object.keys(query)
    .sort()
    .map((key) => `${key}=${percentEncode(query[key])}`)
    .join('&');
  const signedNames = signed.map(([name]) => name).join(';');
  const canonicalRequest = [
    'POST',
    '/',
    canonicalQuery,
    signed.map(([name, value]) => `${name}:${value.trim()}\n`).join(''),
    signedNames,
    EMPTY_BODY_SHA256,
  ].join('\n');
  const stringToSign = `ACS3-HMAC-SHA256\n${createHash('sha256').update(canonicalRequest).digest('hex')}`;
  const signature = createHmac('sha256', credentials.accessKeySecret).update(stringToSign).digest('hex');
  headers.push([
    'Authorization',
    `ACS3-HMAC-SHA256 Credential=${credentials.accessKeyId},SignedHeaders=${signedNames},Signature=${signature}`,
  ]);
  return { method: 'POST', path: queryString === '' ? '/' : `/?${queryString}`, headers };
}

function byName(a: readonly [string, string], b: readonly [string, string]): number {
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
}
