import { createHash, createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { decodeXml } from '../private/xml';
import type { FakeHttpAnswer, FakeHttpContext, FakeHttpRequest, FakeHttpService } from './http-service';
import { headerValue, xmlEscape } from './http-service';

/**
 * A fake of the MNS (Simple Message Queue) queue API, version 2015-06-06, as `@alicloud/mns` calls it:
 * `GET /queues/<q>/messages[?numOfMessages=N][&waitseconds=S][&peekonly=true]` (receive / peek),
 * `DELETE /queues/<q>/messages?ReceiptHandle=<h>` (delete one), `POST /queues/<q>/messages` (send, XML body),
 * and `GET /queues/<q>` (GetQueueAttributes: a visible message counts as active, a received one as inactive until its
 * visibility timeout ends; the fake has no delayed messages).
 *
 * Semantics kept from the real service: a received message is invisible until its visibility timeout ends, and each
 * receive hands out a new receipt handle that invalidates the previous one; an empty queue answers 404
 * `MessageNotExist`; a stale handle answers `ReceiptHandleError`. Long polling (`waitseconds`) is not simulated: an
 * empty queue answers at once.
 *
 * Signature (what the SDK sends, checked here): `Authorization: MNS <AccessKeyId>:<Signature>`,
 * `Signature = base64(hmac-sha1(secret, VERB\nContent-MD5\nContent-Type\nDate\nCanonicalizedMNSHeaders +
 * CanonicalizedResource))`, where CanonicalizedMNSHeaders are the `x-mns-*` headers sorted, `name:value\n` each,
 * and CanonicalizedResource is the request path with its query as sent. The STS token travels unsigned in
 * `security-token`.
 * @see https://www.alibabacloud.com/help/en/mns/developer-reference/request-protocol-description
 */

/** A message in a fake queue. */
export interface FakeQueueMessage {
  readonly messageId: string;
  readonly body: string;
  readonly enqueueTime: number;
  receiptHandle?: string;
  nextVisibleTime: number;
  firstDequeueTime?: number;
  dequeueCount: number;
}

/** A fake queue. */
export interface FakeQueue {
  readonly name: string;
  /** Seconds a received message stays invisible. @default 30 (the MNS default) */
  readonly visibilityTimeoutSeconds: number;
  readonly messages: FakeQueueMessage[];
}

const MAX_BATCH = 16;

/** The MNS fake; reachable as `cloud.mns`. */
export class FakeMns implements FakeHttpService {
  readonly service = 'mns' as const;
  private readonly queues = new Map<string, FakeQueue>();
  /** The clock used for visibility; tests may replace it. */
  now: () => number = Date.now;

  /** Creates an empty queue (tests). */
  createQueue(name: string, options: { visibilityTimeoutSeconds?: number } = {}): FakeQueue {
    const queue: FakeQueue = { name, visibilityTimeoutSeconds: options.visibilityTimeoutSeconds ?? 30, messages: [] };
    this.queues.set(name, queue);
    return queue;
  }

  /** Enqueues a message body as the producer wrote it (tests); returns its message id. */
  sendMessage(queueName: string, body: string): string {
    const queue = this.queue(queueName);
    const messageId = randomBytes(16).toString('hex').toUpperCase();
    queue.messages.push({ messageId, body, enqueueTime: this.now(), nextVisibleTime: this.now(), dequeueCount: 0 });
    return messageId;
  }

  /** The names of the queues, sorted (the replay store keeps their messages). */
  queueNames(): string[] {
    return [...this.queues.keys()].sort();
  }

  /** The bodies still in a queue, visible or not (tests). */
  bodies(queueName: string): string[] {
    return this.queue(queueName).messages.map((m) => m.body);
  }

  accepts(request: FakeHttpRequest): boolean {
    return (headerValue(request.headers, 'authorization') ?? '').startsWith('MNS ');
  }

  handle(request: FakeHttpRequest, context: FakeHttpContext): FakeHttpAnswer {
    const attributes = /^\/queues\/([^/]+)$/.exec(request.url.pathname);
    const match = /^\/queues\/([^/]+)\/messages$/.exec(request.url.pathname) ?? attributes;
    const queueName = match === null ? '' : decodeURIComponent(match[1]);
    const q = request.url.searchParams;
    const action =
      attributes !== null && request.method === 'GET'
        ? 'GetQueueAttributes'
        : request.method === 'GET'
          ? q.get('peekonly') === 'true'
            ? 'PeekMessage'
            : 'ReceiveMessage'
          : request.method === 'DELETE'
            ? 'DeleteMessage'
            : request.method === 'POST'
              ? 'SendMessage'
              : `${request.method} ${request.url.pathname}`;
    const params: Record<string, string> = { queue: queueName, ...Object.fromEntries(q) };
    const signature = verifyMns(request, context.secretFor);
    const securityToken = headerValue(request.headers, 'security-token');
    const reply = (status: number, body: string): FakeHttpAnswer => ({
      status,
      headers: body === '' ? { 'x-mns-request-id': requestId() } : { 'content-type': 'text/xml;charset=utf-8' },
      body,
      action,
      params,
      signed: signature.ok,
      securityToken,
    });
    const error = (status: number, code: string, message: string) =>
      reply(
        status,
        `<?xml version="1.0" encoding="UTF-8"?>\n<Error xmlns="http://mns.aliyuncs.com/doc/v1/"><Code>${code}</Code><Message>${xmlEscape(message)}</Message><RequestId>${requestId()}</RequestId><HostId>http://fake.mns.loopback</HostId></Error>`,
      );

    if (!signature.ok) return error(403, 'SignatureDoesNotMatch', `signature check failed: ${signature.reason}`);
    if (context.securityToken !== undefined && securityToken !== context.securityToken) {
      return error(403, 'InvalidAccessKeyId', 'security-token missing or wrong');
    }
    if (headerValue(request.headers, 'x-mns-version') !== '2015-06-06') {
      return error(400, 'InvalidArgument', 'x-mns-version must be 2015-06-06');
    }
    if (match === null) return error(404, 'InvalidRequest', `the fake does not serve ${request.url.pathname}`);
    const queue = this.queues.get(queueName);
    if (queue === undefined) return error(404, 'QueueNotExist', 'The queue name you provided is not exist.');
    const fault = context.takeFault(action);
    if (fault !== undefined) return error(fault.status, fault.code, fault.message ?? `injected ${fault.code}`);

    const now = this.now();
    if (action === 'GetQueueAttributes') {
      const active = queue.messages.filter((m) => m.nextVisibleTime <= now).length;
      return reply(
        200,
        `<?xml version="1.0" encoding="UTF-8"?>\n<Queue xmlns="http://mns.aliyuncs.com/doc/v1/"><QueueName>${xmlEscape(queue.name)}</QueueName><CreateTime>1700000000</CreateTime><LastModifyTime>1700000000</LastModifyTime><DelaySeconds>0</DelaySeconds><MaximumMessageSize>65536</MaximumMessageSize><MessageRetentionPeriod>604800</MessageRetentionPeriod><VisibilityTimeout>${queue.visibilityTimeoutSeconds}</VisibilityTimeout><PollingWaitSeconds>0</PollingWaitSeconds><ActiveMessages>${active}</ActiveMessages><InactiveMessages>${queue.messages.length - active}</InactiveMessages><DelayMessages>0</DelayMessages><LoggingEnabled>False</LoggingEnabled></Queue>`,
      );
    }
    if (action === 'ReceiveMessage' || action === 'PeekMessage') {
      const batch = q.has('numOfMessages');
      const wanted = batch ? Number(q.get('numOfMessages')) : 1;
      if (!Number.isInteger(wanted) || wanted < 1 || wanted > MAX_BATCH) {
        return error(400, 'InvalidArgument', `numOfMessages must be 1-${MAX_BATCH}`);
      }
      const visible = queue.messages.filter((m) => m.nextVisibleTime <= now).slice(0, wanted);
      if (visible.length === 0) return error(404, 'MessageNotExist', 'Message not exist.');
      if (action === 'ReceiveMessage') {
        for (const m of visible) {
          m.receiptHandle = `${m.dequeueCount + 1}-${randomBytes(12).toString('hex')}`;
          m.nextVisibleTime = now + queue.visibilityTimeoutSeconds * 1000;
          m.firstDequeueTime ??= now;
          m.dequeueCount += 1;
        }
      }
      const items = visible.map((m) => messageXml(m, action === 'ReceiveMessage'));
      const root = batch ? 'Messages' : 'Message';
      const inner = batch ? items.map((i) => `<Message>${i}</Message>`).join('') : items[0];
      return reply(
        200,
        `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="http://mns.aliyuncs.com/doc/v1/">${inner}</${root}>`,
      );
    }
    if (action === 'DeleteMessage') {
      const handle = q.get('ReceiptHandle') ?? '';
      const index = queue.messages.findIndex((m) => m.receiptHandle === handle && m.nextVisibleTime > now);
      if (index < 0) return error(400, 'ReceiptHandleError', `The receipt handle you provided is not valid: ${handle}`);
      queue.messages.splice(index, 1);
      return reply(204, '');
    }
    if (action === 'SendMessage') {
      const body = /<MessageBody>([\s\S]*)<\/MessageBody>/.exec(request.body.toString('utf8'))?.[1];
      if (body === undefined) return error(400, 'InvalidArgument', 'MessageBody is mandatory');
      const id = this.sendMessage(queueName, decodeXml(body));
      return reply(
        201,
        `<?xml version="1.0" encoding="UTF-8"?>\n<Message xmlns="http://mns.aliyuncs.com/doc/v1/"><MessageId>${id}</MessageId><MessageBodyMD5>${md5Hex(decodeXml(body))}</MessageBodyMD5></Message>`,
      );
    }
    return error(405, 'InvalidRequest', `the fake does not serve ${action}`);
  }

  private queue(name: string): FakeQueue {
    const queue = this.queues.get(name);
    if (queue === undefined) throw new Error(`fake MNS: no queue "${name}"; create it with cloud.mns.createQueue`);
    return queue;
  }
}

function messageXml(m: FakeQueueMessage, withHandle: boolean): string {
  return [
    `<MessageId>${m.messageId}</MessageId>`,
    withHandle ? `<ReceiptHandle>${m.receiptHandle}</ReceiptHandle>` : '',
    `<MessageBodyMD5>${md5Hex(m.body)}</MessageBodyMD5>`,
    `<MessageBody>${xmlEscape(m.body)}</MessageBody>`,
    `<EnqueueTime>${m.enqueueTime}</EnqueueTime>`,
    `<NextVisibleTime>${m.nextVisibleTime}</NextVisibleTime>`,
    `<FirstDequeueTime>${m.firstDequeueTime ?? 0}</FirstDequeueTime>`,
    `<DequeueCount>${m.dequeueCount}</DequeueCount>`,
    '<Priority>8</Priority>',
  ].join('');
}

/** Verifies the MNS `Authorization` header. */
export function verifyMns(
  request: FakeHttpRequest,
  secretFor: (accessKeyId: string) => string | undefined,
): { ok: boolean; reason?: string } {
  const match = /^MNS ([^:]+):(.+)$/.exec(headerValue(request.headers, 'authorization') ?? '');
  if (match === null) return { ok: false, reason: 'Authorization is not "MNS <id>:<signature>"' };
  const secret = secretFor(match[1]);
  if (secret === undefined) return { ok: false, reason: `unknown AccessKeyId ${match[1]}` };
  const mnsHeaders = Object.keys(request.headers)
    .filter((name) => name.startsWith('x-mns-'))
    .sort()
    .map((name) => `${name}:${headerValue(request.headers, name)}\n`)
    .join('');
  const stringToSign = [
    request.method,
    headerValue(request.headers, 'content-md5') ?? '',
    headerValue(request.headers, 'content-type') ?? '',
    headerValue(request.headers, 'date') ?? '',
    `${mnsHeaders}${request.rawUrl}`,
  ].join('\n');
  const expected = Buffer.from(createHmac('sha1', secret).update(stringToSign, 'utf8').digest('base64'));
  const received = Buffer.from(match[2]);
  return expected.length === received.length && timingSafeEqual(expected, received)
    ? { ok: true }
    : { ok: false, reason: `signature mismatch; server string to sign: ${JSON.stringify(stringToSign)}` };
}

function md5Hex(text: string): string {
  return createHash('md5').update(text).digest('hex').toUpperCase();
}

function requestId(): string {
  return randomUUID().replace(/-/g, '').toUpperCase().slice(0, 24);
}
