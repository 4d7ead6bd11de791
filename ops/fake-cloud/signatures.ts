import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/**
 * Server-side signature checks, written independently of the handler code so a test passing means two
 * implementations agree, not that one agrees with itself.
 */

/** RFC 3986 encoding as Alibaba's ACS3 canonical query uses it (`!'()*` escaped too). */
function acsEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Result of a signature check. */
export interface SignatureCheck {
  readonly ok: boolean;
  readonly accessKeyId?: string;
  readonly reason?: string;
}

/**
 * Verifies an ACS3-HMAC-SHA256 `Authorization` header (what @alicloud/openapi-client 0.4.x sends):
 * canonicalRequest = method \n pathname \n canonicalQuery \n canonicalHeaders \n signedHeaders \n hashedPayload,
 * stringToSign = `ACS3-HMAC-SHA256\n` + hex(sha256(canonicalRequest)), signature = hex(hmac-sha256(secret, sts)).
 *
 * @see https://www.alibabacloud.com/help/en/sdk/product-overview/v3-request-structure-and-signature
 */
export function verifyAcs3(
  request: { method: string; pathname: string; query: URLSearchParams; headers: IncomingHttpHeaders; body: Buffer },
  secretFor: (accessKeyId: string) => string | undefined,
): SignatureCheck {
  const auth = header(request.headers, 'authorization');
  const match = /^ACS3-HMAC-SHA256 Credential=([^,]+),SignedHeaders=([^,]+),Signature=([0-9a-f]+)$/.exec(auth ?? '');
  if (match === null) return { ok: false, reason: 'Authorization is not ACS3-HMAC-SHA256' };
  const [, accessKeyId, signedHeaderList, signature] = match;
  const secret = secretFor(accessKeyId);
  if (secret === undefined) return { ok: false, accessKeyId, reason: `unknown AccessKeyId ${accessKeyId}` };

  const payloadHash = createHash('sha256').update(request.body).digest('hex');
  if (header(request.headers, 'x-acs-content-sha256') !== payloadHash) {
    return { ok: false, accessKeyId, reason: 'x-acs-content-sha256 does not match the body' };
  }
  const signedHeaders = signedHeaderList.split(';');
  for (const required of ['host', 'x-acs-action', 'x-acs-version', 'x-acs-date', 'x-acs-content-sha256']) {
    if (!signedHeaders.includes(required)) return { ok: false, accessKeyId, reason: `${required} is not signed` };
  }
  const keys = [...new Set(request.query.keys())].sort();
  const canonicalQuery = keys.map((k) => `${k}=${acsEncode(request.query.get(k) ?? '')}`).join('&');
  const canonicalHeaders = signedHeaders
    .map((name) => `${name}:${(header(request.headers, name) ?? '').trim()}\n`)
    .join('');
  const canonicalRequest = [
    request.method,
    request.pathname,
    canonicalQuery,
    canonicalHeaders,
    signedHeaders.join(';'),
    payloadHash,
  ].join('\n');
  const stringToSign = `ACS3-HMAC-SHA256\n${createHash('sha256').update(canonicalRequest).digest('hex')}`;
  const expected = createHmac('sha256', secret).update(stringToSign).digest('hex');
  return safeEqual(expected, signature)
    ? { ok: true, accessKeyId }
    : { ok: false, accessKeyId, reason: 'signature mismatch' };
}

/** OSS sub-resources that belong in the V1 CanonicalizedResource (subset relevant to the fake). */
const OSS_SUB_RESOURCES = new Set([
  'acl',
  'uploads',
  'uploadId',
  'partNumber',
  'continuation-token',
  'versionId',
  'tagging',
  'bucketInfo',
  'encryption',
]);

/**
 * Verifies an OSS V1 `Authorization: OSS <id>:<sig>` header for a path-style request `/<bucket>/<key>`.
 *
 * @see https://www.alibabacloud.com/help/en/oss/developer-reference/include-signatures-in-the-authorization-header
 */
export function verifyOssV1(
  request: { method: string; bucket: string; key: string; query: URLSearchParams; headers: IncomingHttpHeaders },
  secretFor: (accessKeyId: string) => string | undefined,
): SignatureCheck {
  const match = /^OSS ([^:]+):(.+)$/.exec(header(request.headers, 'authorization') ?? '');
  if (match === null) return { ok: false, reason: 'Authorization is not OSS V1' };
  const [, accessKeyId, signature] = match;
  const secret = secretFor(accessKeyId);
  if (secret === undefined) return { ok: false, accessKeyId, reason: `unknown AccessKeyId ${accessKeyId}` };
  const stringToSign = ossV1StringToSign(request);
  const expected = createHmac('sha1', secret).update(stringToSign, 'utf8').digest('base64');
  return safeEqual(expected, signature)
    ? { ok: true, accessKeyId }
    : { ok: false, accessKeyId, reason: `signature mismatch; server string to sign: ${JSON.stringify(stringToSign)}` };
}

/** The V1 string to sign as the server sees the request. */
export function ossV1StringToSign(request: {
  method: string;
  bucket: string;
  key: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
}): string {
  const ossHeaders = Object.keys(request.headers)
    .filter((name) => name.startsWith('x-oss-'))
    .sort()
    .map((name) => `${name}:${(header(request.headers, name) ?? '').trim()}\n`)
    .join('');
  const sub = [...new Set(request.query.keys())]
    .filter((k) => OSS_SUB_RESOURCES.has(k))
    .sort()
    .map((k) => (request.query.get(k) === '' ? k : `${k}=${request.query.get(k)}`));
  const resource = `/${request.bucket}/${request.key}${sub.length > 0 ? `?${sub.join('&')}` : ''}`;
  return [
    request.method,
    header(request.headers, 'content-md5') ?? '',
    header(request.headers, 'content-type') ?? '',
    // The official SDK (ali-oss lib/common/signUtils.js buildCanonicalString) sends no Date header and signs its
    // x-oss-date in the date line; the handlers' own signer sends Date.
    header(request.headers, 'date') ?? header(request.headers, 'x-oss-date') ?? '',
    `${ossHeaders}${resource}`,
  ].join('\n');
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
