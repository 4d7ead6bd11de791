import { createHmac } from 'node:crypto';
import * as http from 'node:http';
import * as https from 'node:https';
import type { FcCredentials } from './context';
import { apiError, ConfigurationError, PermanentError } from './errors';
import { xmlText } from './oss';

/**
 * A minimal MNS (Simple Message Queue) client for one call, `GetQueueAttributes` (API version 2015-06-06), on Node's
 * http/https: `@alicloud/mns` pulls in an XML stack and an HTTP library for a single GET.
 *
 * Requests are signed with the MNS header signature:
 * `Authorization: MNS <AccessKeyId>:<base64(HMAC-SHA1(secret, VERB\nContent-MD5\nContent-Type\nDate\n` +
 * `CanonicalizedMNSHeaders + CanonicalizedResource))>`, where CanonicalizedMNSHeaders are the `x-mns-*` headers,
 * lower-cased, sorted, `name:value\n` each, and CanonicalizedResource is the request path (with its query). The STS
 * token travels, unsigned, in `security-token`.
 * @see https://www.alibabacloud.com/help/en/mns/developer-reference/getqueueattributes
 * @see https://www.alibabacloud.com/help/en/mns/developer-reference/request-signatures
 */

/** Message counts of a queue, as MNS reports them (approximate). */
export interface QueueAttributes {
  readonly queueName: string;
  /** Messages ready to be received. */
  readonly activeMessages: number;
  /** Messages received and not yet deleted, invisible until their visibility timeout ends. */
  readonly inactiveMessages: number;
  /** Messages sent with a delay that has not elapsed. */
  readonly delayMessages: number;
}

/** The subset of MNS our handlers use; tests may pass another implementation. */
export interface QueueApi {
  /**
   * The message counts of a queue.
   * @throws ConfigurationError when the queue does not exist (404 `QueueNotExist`); RetryableError on throttling,
   *   5xx and network failures; PermanentError on other 4xx.
   */
  getQueueAttributes(queueName: string): Promise<QueueAttributes>;
}

/** Options of {@link createMnsClient}. */
export interface MnsClientOptions {
  /** The account that owns the queues (`context.accountId`): part of the endpoint host. */
  readonly accountId: string;
  readonly region: string;
  readonly credentials: FcCredentials;
  /**
   * Endpoint override (`ENDPOINT_ENV.mns`, tests). Without it, the internal endpoint of the region,
   * `https://<accountId>.mns.<region>-internal.aliyuncs.com`.
   */
  readonly endpoint?: URL;
  /** @default 10000 */
  readonly timeoutMs?: number;
}

/** Inputs of the MNS string to sign. Header names in `headers` may be in any case. */
export interface MnsSignatureInput {
  readonly verb: string;
  readonly contentMd5: string;
  readonly contentType: string;
  readonly date: string;
  readonly headers: Readonly<Record<string, string>>;
  /** Path and query as sent, e.g. `/queues/my-queue`. */
  readonly canonicalizedResource: string;
}

/** The MNS string to sign (see the module comment). */
export function mnsStringToSign(input: MnsSignatureInput): string {
  const headers = Object.entries(input.headers)
    .map(([name, value]) => [name.toLowerCase(), value.trim()] as const)
    .filter(([name]) => name.startsWith('x-mns-'))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) => `${name}:${value}\n`)
    .join('');
  return `${input.verb}\n${input.contentMd5}\n${input.contentType}\n${input.date}\n${headers}${input.canonicalizedResource}`;
}

/** `MNS <AccessKeyId>:<base64(HMAC-SHA1(secret, stringToSign))>`. */
export function mnsAuthorization(accessKeyId: string, accessKeySecret: string, input: MnsSignatureInput): string {
  const signature = createHmac('sha1', accessKeySecret).update(mnsStringToSign(input), 'utf8').digest('base64');
  return `MNS ${accessKeyId}:${signature}`;
}

/** The MNS API version this client speaks. */
export const MNS_VERSION = '2015-06-06';

/** Creates a {@link QueueApi}. Cheap: it holds no state beyond Node's global agent. */
export function createMnsClient(options: MnsClientOptions): QueueApi {
  const { credentials } = options;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const base = options.endpoint ?? new URL(`https://${options.accountId}.mns.${options.region}-internal.aliyuncs.com`);

  return {
    async getQueueAttributes(queueName) {
      const action = 'GetQueueAttributes';
      const resource = `/queues/${encodeURIComponent(queueName)}`;
      const headers: Record<string, string> = { date: new Date().toUTCString(), 'x-mns-version': MNS_VERSION };
      if (credentials.securityToken) headers['security-token'] = credentials.securityToken;
      headers.authorization = mnsAuthorization(credentials.accessKeyId, credentials.accessKeySecret, {
        verb: 'GET',
        contentMd5: '',
        contentType: '',
        date: headers.date,
        headers,
        canonicalizedResource: resource,
      });
      const url = new URL(resource, base);
      const transport = url.protocol === 'http:' ? http : https;
      let response: { status: number; body: string; headers: http.IncomingHttpHeaders };
      try {
        response = await new Promise((resolve, reject) => {
          const req = transport.request(url, { method: 'GET', headers, timeout: timeoutMs }, (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (chunk: Buffer) => chunks.push(chunk));
            res.on('end', () =>
              resolve({
                status: res.statusCode ?? 0,
                body: Buffer.concat(chunks).toString('utf8'),
                headers: res.headers,
              }),
            );
            res.on('error', reject);
          });
          req.on('timeout', () =>
            req.destroy(Object.assign(new Error(`MNS request timed out after ${timeoutMs} ms`), { code: 'ETIMEDOUT' })),
          );
          req.on('error', reject);
          req.end();
        });
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        throw apiError(
          { service: 'mns', action, code: typeof code === 'string' ? code : undefined },
          `${(error as Error).message} (queue "${queueName}")`,
          error,
        );
      }
      const requestIdHeader = response.headers['x-mns-request-id'];
      const failure = {
        service: 'mns',
        action,
        code: xmlText(response.body, 'Code'),
        statusCode: response.status,
        requestId:
          xmlText(response.body, 'RequestId') ?? (typeof requestIdHeader === 'string' ? requestIdHeader : undefined),
      };
      if (response.status === 404 && failure.code === 'QueueNotExist') {
        throw new ConfigurationError(
          `queue "${queueName}" does not exist in ${options.region} (mns:GetQueueAttributes answered 404 QueueNotExist)`,
          { api: failure },
        );
      }
      if (response.status !== 200) {
        throw apiError(
          failure,
          `${xmlText(response.body, 'Message') ?? 'no message'} (queue "${queueName}")`,
          undefined,
        );
      }
      const count = (tag: string): number => {
        const text = xmlText(response.body, tag);
        const value = text === undefined ? Number.NaN : Number(text);
        if (!Number.isInteger(value) || value < 0) {
          throw new PermanentError(
            `mns:GetQueueAttributes answered without a count in <${tag}> for queue "${queueName}": ${response.body.slice(0, 200)}`,
            { api: failure },
          );
        }
        return value;
      };
      return {
        queueName,
        activeMessages: count('ActiveMessages'),
        inactiveMessages: count('InactiveMessages'),
        delayMessages: count('DelayMessages'),
      };
    },
  };
}
