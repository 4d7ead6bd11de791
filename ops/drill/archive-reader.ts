import * as http from 'node:http';
import * as https from 'node:https';
import { ossAuthorization } from '../../contract/oss-signature';
import { decodeXml } from '../private/xml';
import { type CredentialProvider, resolveCredentials } from './cloud';

/**
 * Read access to the archive bucket from an operator's machine: ListObjectsV2 and GetObject, signed with the OSS V1
 * header signature (the same `ossAuthorization` the handlers use).
 *
 * Not the handlers' `createOssClient`: that one talks to the region's internal endpoint (reachable from FC only) and
 * takes fixed credentials. This reader uses the public endpoint, virtual-hosted style
 * (`https://<bucket>.oss-<region>.aliyuncs.com/<key>`), and resolves credentials per request so that a session
 * token that expires during a drill is renewed by the credential chain. With an endpoint override (tests) it uses
 * path style (`<endpoint>/<bucket>/<key>`), which loopback fakes can serve.
 * @see https://www.alibabacloud.com/help/en/oss/developer-reference/include-signatures-in-the-authorization-header
 * @see https://www.alibabacloud.com/help/en/oss/developer-reference/listobjectsv2
 */
export interface ArchiveReader {
  /** Keys under `prefix`, following continuation tokens. */
  list(prefix: string): Promise<string[]>;
  /** The object as UTF-8 text, or undefined when it does not exist. */
  get(key: string): Promise<string | undefined>;
}

/** An OSS request failed; the message names the operation, the bucket, the status and the OSS error code. */
export class ArchiveReadError extends Error {
  override readonly name = 'ArchiveReadError';
}

/** Creates an {@link ArchiveReader} for one bucket. */
export function createArchiveReader(options: {
  readonly bucket: string;
  readonly region: string;
  readonly credentials: CredentialProvider;
  readonly endpoint?: URL;
  /** @default 10000 */
  readonly timeoutMs?: number;
}): ArchiveReader {
  const { bucket, endpoint } = options;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const base = endpoint ?? new URL(`https://${bucket}.oss-${options.region}.aliyuncs.com`);

  async function send(
    action: string,
    key: string,
    query: Record<string, string>,
    subResources: Record<string, string>,
  ): Promise<{ status: number; body: string }> {
    const credentials = await resolveCredentials(options.credentials);
    const encodedKey = key.split('/').map(encodeURIComponent).join('/');
    const url = new URL(endpoint === undefined ? `/${encodedKey}` : `/${bucket}/${encodedKey}`, base);
    for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
    const headers: Record<string, string> = { date: new Date().toUTCString() };
    if (credentials.securityToken !== undefined) headers['x-oss-security-token'] = credentials.securityToken;
    const sub = Object.entries(subResources)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([name, value]) => `${name}=${value}`);
    headers.authorization = ossAuthorization(credentials.accessKeyId, credentials.accessKeySecret, {
      verb: 'GET',
      contentMd5: '',
      contentType: '',
      date: headers.date,
      ossHeaders: headers,
      canonicalizedResource: `/${bucket}/${key}${sub.length > 0 ? `?${sub.join('&')}` : ''}`,
    });
    const transport = url.protocol === 'http:' ? http : https;
    try {
      return await new Promise((resolve, reject) => {
        const req = transport.request(url, { method: 'GET', headers, timeout: timeoutMs }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        });
        req.on('timeout', () => req.destroy(new Error(`timed out after ${timeoutMs} ms`)));
        req.on('error', reject);
        req.end();
      });
    } catch (error) {
      throw new ArchiveReadError(`oss:${action} on bucket "${bucket}" failed: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }

  const failure = (action: string, response: { status: number; body: string }) =>
    new ArchiveReadError(
      `oss:${action} on bucket "${bucket}" failed (HTTP ${response.status}, ${xmlText(response.body, 'Code') ?? 'no code'}): ${xmlText(response.body, 'Message') ?? 'no message'}`,
    );

  return {
    async list(prefix) {
      const keys: string[] = [];
      let token: string | undefined;
      for (let page = 0; page < 100; page++) {
        const query: Record<string, string> = { 'list-type': '2', prefix, 'max-keys': '1000' };
        const sub: Record<string, string> = {};
        if (token !== undefined) {
          query['continuation-token'] = token;
          sub['continuation-token'] = token;
        }
        const response = await send('ListObjectsV2', '', query, sub);
        if (response.status !== 200) throw failure('ListObjectsV2', response);
        for (const match of response.body.matchAll(/<Key>([^<]*)<\/Key>/g)) keys.push(decodeXml(match[1]));
        if (xmlText(response.body, 'IsTruncated') !== 'true') return keys;
        token = xmlText(response.body, 'NextContinuationToken');
        if (token === undefined || token === '') return keys;
      }
      return keys;
    },
    async get(key) {
      const response = await send('GetObject', key, {}, {});
      if (response.status === 404) return undefined;
      if (response.status !== 200) throw failure('GetObject', response);
      return response.body;
    },
  };
}

function xmlText(xml: string, tag: string): string | undefined {
  const match = new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(xml);
  return match === null ? undefined : decodeXml(match[1]);
}
