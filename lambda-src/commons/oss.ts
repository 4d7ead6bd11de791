import { createHash } from 'node:crypto';
import * as http from 'node:http';
import * as https from 'node:https';
import { type OssSignatureInput, ossAuthorization, ossStringToSign } from '../../contract/oss-signature';
import type { FcCredentials } from './context';
import { apiError, PermanentError } from './errors';

/**
 * A minimal OSS client (GetObject, PutObject, ListObjectsV2) on Node's http/https.
 *
 * The official OSS SDKs bundle to 470-800 KB and take 70-130 ms to load (measured), over the handler budget,
 * and we need three calls. Requests are signed with the OSS V1 header signature.
 * @see https://www.alibabacloud.com/help/en/oss/developer-reference/include-signatures-in-the-authorization-header
 */

/** The subset of OSS our handlers use; tests may pass another implementation. */
export interface ObjectStore {
  /** Object body as UTF-8 text, or undefined when the key does not exist (404). */
  getObject(key: string): Promise<string | undefined>;
  /**
   * Writes an object. With `forbidOverwrite`, returns false instead of overwriting an existing key
   * (OSS answers 409 FileAlreadyExists).
   */
  putObject(key: string, body: string, options: PutObjectOptions): Promise<boolean>;
  /** All keys starting with `prefix`, following continuation tokens. */
  listObjects(prefix: string): Promise<string[]>;
}

/** Options of {@link ObjectStore.putObject}. */
export interface PutObjectOptions {
  readonly contentType: string;
  /** Send `x-oss-forbid-overwrite: true`. @default false */
  readonly forbidOverwrite?: boolean;
}

/** Options for {@link createOssClient}. */
export interface OssClientOptions {
  readonly bucket: string;
  readonly region: string;
  readonly credentials: FcCredentials;
  /**
   * Endpoint override. With an override, requests are path-style (`<endpoint>/<bucket>/<key>`), which loopback
   * fakes can serve; otherwise virtual-hosted style on the internal endpoint
   * (`https://<bucket>.oss-<region>-internal.aliyuncs.com/<key>`), which FC reaches without internet access.
   */
  readonly endpoint?: URL;
  /** @default 10000 */
  readonly timeoutMs?: number;
}

export { type OssSignatureInput, ossAuthorization, ossStringToSign };

/** Characters sent as they are in a request path: RFC 3986 unreserved. Everything else is percent-encoded. */
const PATH_KEEP = /^[A-Za-z0-9_.~-]$/u;

/** Percent-encodes one key segment or query value: UTF-8 bytes as `%XX`, code points never split. */
function encodeComponent(text: string): string {
  let out = '';
  for (const char of text) {
    if (PATH_KEEP.test(char)) out += char;
    else for (const byte of Buffer.from(char, 'utf8')) out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/**
 * The request path of an object key, byte-exact: each segment percent-encoded as UTF-8, and `.`/`..` segments sent
 * as `%2E`/`%2E%2E`. The path is handed to Node's `http.request` as is, never through WHATWG `URL`, which removes
 * `.` and `..` segments (in either spelling) after the key was signed, so the server would see another key (403).
 * Whether OSS itself normalises such segments after decoding is not documented (UNCONFIRMED); the archive never
 * produces them (commons/archive.ts writes them `%2E`), so this only matters for keys from elsewhere.
 * @throws PermanentError for a key with a lone surrogate: OSS keys are UTF-8, which cannot represent it.
 */
export function objectPath(key: string): string {
  if (/[\uD800-\uDFFF]/u.test(key)) {
    throw new PermanentError(
      `OSS object key ${JSON.stringify(key)} contains a lone UTF-16 surrogate, which UTF-8 (and so OSS) cannot represent; escape it first (see commons/archive.ts)`,
    );
  }
  return key
    .split('/')
    .map((segment) => (segment === '.' || segment === '..' ? segment.replace(/\./g, '%2E') : encodeComponent(segment)))
    .join('/');
}

/** Creates an {@link ObjectStore} for one bucket. Cheap: it holds no connection state beyond Node's global agent. */
export function createOssClient(options: OssClientOptions): ObjectStore {
  const { bucket, credentials, endpoint } = options;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const base: URL = endpoint ?? new URL(`https://${bucket}.oss-${options.region}-internal.aliyuncs.com`);
  const pathStyle = endpoint !== undefined;

  /** Sends one signed request. `subResources` are the query parameters that belong in the signature. */
  async function send(request: {
    action: string;
    method: 'GET' | 'PUT';
    key: string;
    query?: Record<string, string>;
    subResources?: Record<string, string>;
    body?: Buffer;
    headers?: Record<string, string>;
  }): Promise<{ status: number; body: Buffer; headers: http.IncomingHttpHeaders }> {
    const encodedKey = objectPath(request.key);
    const query = Object.entries(request.query ?? {})
      .map(([name, value]) => `${encodeComponent(name)}=${encodeComponent(value)}`)
      .join('&');
    const path = `${pathStyle ? `/${bucket}/${encodedKey}` : `/${encodedKey}`}${query === '' ? '' : `?${query}`}`;

    const headers: Record<string, string> = { date: new Date().toUTCString(), ...request.headers };
    if (credentials.securityToken) headers['x-oss-security-token'] = credentials.securityToken;
    if (request.body !== undefined) {
      headers['content-md5'] = createHash('md5').update(request.body).digest('base64');
      headers['content-length'] = String(request.body.length);
    }
    // Sub-resources are signed in sorted order, `name=value` joined by `&`.
    const sub = Object.entries(request.subResources ?? {})
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([name, value]) => (value === '' ? name : `${name}=${value}`));
    headers.authorization = ossAuthorization(credentials.accessKeyId, credentials.accessKeySecret, {
      verb: request.method,
      contentMd5: headers['content-md5'] ?? '',
      contentType: headers['content-type'] ?? '',
      date: headers.date,
      ossHeaders: headers,
      canonicalizedResource: `/${bucket}/${request.key}${sub.length > 0 ? `?${sub.join('&')}` : ''}`,
    });

    const transport = base.protocol === 'http:' ? http : https;
    const target = {
      protocol: base.protocol,
      // `URL.hostname` keeps the brackets of an IPv6 literal; `http.request` wants the bare address.
      hostname: base.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: base.port === '' ? undefined : Number(base.port),
      path,
    };
    let response: { status: number; body: Buffer; headers: http.IncomingHttpHeaders };
    try {
      response = await new Promise((resolve, reject) => {
        const req = transport.request({ ...target, method: request.method, headers, timeout: timeoutMs }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks), headers: res.headers }),
          );
          res.on('error', reject);
        });
        req.on('timeout', () =>
          req.destroy(Object.assign(new Error(`OSS request timed out after ${timeoutMs} ms`), { code: 'ETIMEDOUT' })),
        );
        req.on('error', reject);
        req.end(request.body);
      });
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      throw apiError(
        { service: 'oss', action: request.action, code: typeof code === 'string' ? code : undefined },
        (error as Error).message,
        error,
      );
    }
    return response;
  }

  function failure(action: string, response: { status: number; body: Buffer; headers: http.IncomingHttpHeaders }) {
    const xml = response.body.toString('utf8');
    const requestIdHeader = response.headers['x-oss-request-id'];
    return apiError(
      {
        service: 'oss',
        action,
        code: xmlText(xml, 'Code'),
        statusCode: response.status,
        requestId: xmlText(xml, 'RequestId') ?? (typeof requestIdHeader === 'string' ? requestIdHeader : undefined),
      },
      `${xmlText(xml, 'Message') ?? 'no message'} (bucket "${bucket}")`,
      undefined,
    );
  }

  return {
    async getObject(key) {
      const response = await send({ action: 'GetObject', method: 'GET', key });
      if (response.status === 404) return undefined;
      if (response.status !== 200) throw failure('GetObject', response);
      return response.body.toString('utf8');
    },

    async putObject(key, body, putOptions) {
      const headers: Record<string, string> = { 'content-type': putOptions.contentType };
      if (putOptions.forbidOverwrite) headers['x-oss-forbid-overwrite'] = 'true';
      const response = await send({ action: 'PutObject', method: 'PUT', key, body: Buffer.from(body), headers });
      if (response.status === 409 && putOptions.forbidOverwrite) {
        const code = xmlText(response.body.toString('utf8'), 'Code');
        if (code === 'FileAlreadyExists') return false;
      }
      if (response.status !== 200) throw failure('PutObject', response);
      return true;
    },

    async listObjects(prefix) {
      const keys: string[] = [];
      let token: string | undefined;
      for (let page = 0; page < 1000; page++) {
        const query: Record<string, string> = { 'list-type': '2', prefix, 'max-keys': '1000' };
        // Only `continuation-token` is a signed sub-resource of ListObjectsV2; `list-type`, `prefix` and
        // `max-keys` are ordinary parameters and must NOT be in CanonicalizedResource (same list as the OSS SDKs).
        const subResources: Record<string, string> = {};
        if (token !== undefined) {
          query['continuation-token'] = token;
          subResources['continuation-token'] = token;
        }
        const response = await send({ action: 'ListObjectsV2', method: 'GET', key: '', query, subResources });
        if (response.status !== 200) throw failure('ListObjectsV2', response);
        const xml = response.body.toString('utf8');
        for (const match of xml.matchAll(/<Key>([^<]*)<\/Key>/g)) keys.push(decodeXml(match[1]));
        if (xmlText(xml, 'IsTruncated') !== 'true') return keys;
        token = xmlText(xml, 'NextContinuationToken');
        if (token === undefined || token === '') {
          throw new PermanentError('oss:ListObjectsV2 returned IsTruncated=true without a NextContinuationToken');
        }
      }
      throw new PermanentError(`oss:ListObjectsV2 listed more than 1000 pages under "${prefix}"`);
    },
  };
}

/** Text of the first `<tag>` element, XML-decoded; enough for the flat responses of OSS and MNS. */
export function xmlText(xml: string, tag: string): string | undefined {
  const match = new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(xml);
  return match === null ? undefined : decodeXml(match[1]);
}

function decodeXml(text: string): string {
  return text.replace(/&(lt|gt|amp|quot|apos|#(\d+)|#x([0-9a-fA-F]+));/g, (entity, name: string, dec, hex) => {
    if (dec !== undefined) return String.fromCodePoint(Number(dec));
    if (hex !== undefined) return String.fromCodePoint(Number.parseInt(hex, 16));
    return ({ lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" } as Record<string, string>)[name] ?? entity;
  });
}
