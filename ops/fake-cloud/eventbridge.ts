import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { compilePattern } from '../../lib/patterns/matcher';
import type { FakeHttpAnswer, FakeHttpContext, FakeHttpRequest, FakeHttpService } from './http-service';
import { headerValue } from './http-service';

/**
 * A fake of EventBridge's data-plane API as `@alicloud/eventbridge` calls it:
 * - `POST /openapi/putEvents` with a JSON array of CloudEvents (`content-type: application/cloudevents-batch+json`),
 *   the bus chosen per event by the `aliyuneventbusname` extension attribute;
 * - `POST /openapi/testEventPattern` with `{"EventPattern": <JSON text>, "Event": <JSON text>}`, answered
 *   `{"RequestId", "ResourceOwnerAccountId", "Result": boolean}` (the fields `TestEventPatternResponse` of the SDK
 *   1.3.2 reads), evaluated with our own matcher (lib/patterns/matcher.ts): the fake cannot tell whether the real
 *   engine agrees, which is what `npm run rules:verify` asks the real service. A pattern our grammar refuses is
 *   answered 400 `InvalidArgument` (UNCONFIRMED: the real service's error code for an invalid pattern).
 *
 * Signature (what the SDK 1.3.2 sends, checked here): `authorization: acs:<AccessKeyId>:<Signature>`,
 * `Signature = base64(hmac-sha1(secret, VERB\nContent-MD5\nContent-Type\nDate\nCanonicalizedHeaders +
 * CanonicalizedResource))`, CanonicalizedHeaders = the `x-acs-*` headers sorted, `name:value\n` each (tabs and line
 * breaks in values replaced by spaces, trimmed), CanonicalizedResource = path, then `?k=v&...` sorted when there is a
 * query. With STS credentials the SDK adds `x-acs-security-token` (signed, being an `x-acs-` header).
 * The documented header form is `Authorization: acs <id>:<signature>` (a space, not a colon); the SDK's colon form is
 * what is verified here, since it is what our code sends.
 * @see https://www.alibabacloud.com/help/en/eventbridge/latest/make-api-requests
 *
 * UNCONFIRMED: whether the real service accepts an event whose `source` is an Alibaba Cloud service (`acs.ecs`) on
 * the `default` bus. The event-bus overview says events of Alibaba Cloud services are published only to the default
 * bus and events of custom applications only to custom buses (https://www.alibabacloud.com/help/en/doc-detail/163897.htm).
 * This fake accepts it; `rejectEvent` lets a test simulate a refusal per entry.
 */

/** One event the fake accepted. */
export interface PublishedEvent {
  readonly bus: string;
  readonly event: Readonly<Record<string, unknown>>;
}

/** The EventBridge fake; reachable as `cloud.eventBridge`. */
export class FakeEventBridge implements FakeHttpService {
  readonly service = 'eventbridge' as const;
  /** Events accepted, in order. */
  readonly published: PublishedEvent[] = [];
  /** Per-entry refusal: return an error code to fail that entry (reported in `EntryList`, not as an HTTP error). */
  rejectEvent: (event: Readonly<Record<string, unknown>>) => string | undefined = () => undefined;
  /**
   * Test hook for `TestEventPattern`: return a boolean to answer it instead of the matcher (e.g. to make the fake
   * disagree with the local matcher on one pattern), undefined to let the matcher answer.
   */
  testEventPatternAnswer: (pattern: unknown, event: unknown) => boolean | undefined = () => undefined;

  accepts(request: FakeHttpRequest): boolean {
    return (headerValue(request.headers, 'authorization') ?? '').startsWith('acs:');
  }

  handle(request: FakeHttpRequest, context: FakeHttpContext): FakeHttpAnswer {
    const action = ACTIONS[request.url.pathname] ?? request.url.pathname;
    const signature = verifyEventBridge(request, context.secretFor);
    const securityToken = headerValue(request.headers, 'x-acs-security-token');
    let events: unknown;
    try {
      events = JSON.parse(request.body.toString('utf8'));
    } catch {
      events = undefined;
    }
    const list = Array.isArray(events) ? (events as Record<string, unknown>[]) : [];
    const params: Record<string, string> =
      action === 'TestEventPattern'
        ? testEventPatternParams(events)
        : {
            count: String(list.length),
            ids: list.map((e) => String(e.id)).join(','),
            bus: [...new Set(list.map((e) => String(e.aliyuneventbusname)))].join(','),
          };
    const reply = (status: number, payload: Record<string, unknown>): FakeHttpAnswer => ({
      status,
      headers: { 'content-type': 'application/json;charset=utf-8' },
      body: JSON.stringify(payload),
      action,
      params,
      signed: signature.ok,
      securityToken,
    });
    const error = (status: number, code: string, message: string) =>
      reply(status, { requestId: randomUUID(), code, message });

    if (!signature.ok) return error(403, 'SignatureDoesNotMatch', `signature check failed: ${signature.reason}`);
    if (context.securityToken !== undefined && securityToken !== context.securityToken) {
      return error(403, 'InvalidSecurityToken', 'x-acs-security-token missing or wrong');
    }
    if (action === 'TestEventPattern') {
      const fault = context.takeFault(action);
      if (fault !== undefined) return error(fault.status, fault.code, fault.message ?? `injected ${fault.code}`);
      const answer = this.testEventPattern(events);
      if ('problem' in answer) return error(400, 'InvalidArgument', answer.problem);
      return reply(200, { RequestId: randomUUID(), ResourceOwnerAccountId: '1234567890123456', Result: answer.result });
    }
    if (action !== 'PutEvents') return error(404, 'ResourceNotFound', `the fake does not serve ${action}`);
    if (!Array.isArray(events) || list.length === 0 || list.length > 16) {
      return error(400, 'InvalidArgument', 'the body must be a JSON array of 1-16 CloudEvents');
    }
    const fault = context.takeFault(action);
    if (fault !== undefined) return error(fault.status, fault.code, fault.message ?? `injected ${fault.code}`);

    const entries = list.map((event) => {
      const missing = ['id', 'source', 'type', 'specversion'].filter((k) => typeof event[k] !== 'string');
      const code =
        missing.length > 0
          ? 'EventMissingAttribute'
          : typeof event.aliyuneventbusname !== 'string'
            ? 'EventBusNotExist'
            : this.rejectEvent(event);
      if (code !== undefined) {
        return { EventId: event.id, ErrorCode: code, ErrorMessage: missing.length > 0 ? missing.join(',') : code };
      }
      this.published.push({ bus: String(event.aliyuneventbusname), event });
      return { EventId: event.id, TraceId: randomUUID() };
    });
    return reply(200, {
      RequestId: randomUUID(),
      ResourceOwnerAccountId: '1234567890123456',
      FailedEntryCount: entries.filter((e) => 'ErrorCode' in e).length,
      EntryList: entries,
    });
  }

  /** Evaluates a TestEventPattern body: `{"EventPattern": "<json>", "Event": "<json>"}`. */
  private testEventPattern(body: unknown): { result: boolean } | { problem: string } {
    const fields = isRecord(body) ? body : {};
    const parsed: Record<string, unknown> = {};
    for (const key of ['EventPattern', 'Event']) {
      const text = fields[key];
      if (typeof text !== 'string') return { problem: `${key} must be a string of JSON, got ${typeof text}` };
      try {
        parsed[key] = JSON.parse(text);
      } catch {
        return { problem: `${key} is not JSON` };
      }
    }
    let matches: (event: unknown) => boolean;
    try {
      matches = compilePattern(parsed.EventPattern);
    } catch (cause) {
      return { problem: `EventPattern is invalid: ${(cause as Error).message}` };
    }
    return { result: this.testEventPatternAnswer(parsed.EventPattern, parsed.Event) ?? matches(parsed.Event) };
  }
}

/** The data-plane paths the fake serves, by action. */
const ACTIONS: Readonly<Record<string, string>> = {
  '/openapi/putEvents': 'PutEvents',
  '/openapi/testEventPattern': 'TestEventPattern',
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What a recorded TestEventPattern call shows: the pattern text and the event's id. */
function testEventPatternParams(body: unknown): Record<string, string> {
  const fields = isRecord(body) ? body : {};
  let eventId = '';
  try {
    const event: unknown = JSON.parse(String(fields.Event));
    if (isRecord(event) && typeof event.id === 'string') eventId = event.id;
  } catch {
    // Recorded as is; the handler answers the malformed body.
  }
  return { pattern: String(fields.EventPattern ?? ''), eventId };
}

/** Verifies the `acs:<id>:<signature>` header of `@alicloud/eventbridge`. */
export function verifyEventBridge(
  request: FakeHttpRequest,
  secretFor: (accessKeyId: string) => string | undefined,
): { ok: boolean; reason?: string } {
  const match = /^acs:([^:]+):(.+)$/.exec(headerValue(request.headers, 'authorization') ?? '');
  if (match === null) return { ok: false, reason: 'authorization is not "acs:<id>:<signature>"' };
  const secret = secretFor(match[1]);
  if (secret === undefined) return { ok: false, reason: `unknown AccessKeyId ${match[1]}` };
  const acsHeaders = Object.keys(request.headers)
    .filter((name) => name.startsWith('x-acs-'))
    .sort()
    .map((name) => `${name}:${(headerValue(request.headers, name) ?? '').replace(/[\t\n\r\f]/g, ' ').trim()}\n`)
    .join('');
  const keys = [...new Set(request.url.searchParams.keys())].sort();
  const resource =
    keys.length === 0
      ? request.url.pathname
      : `${request.url.pathname}?${keys.map((k) => `${k}=${request.url.searchParams.get(k)}`).join('&')}`;
  const stringToSign = [
    request.method,
    headerValue(request.headers, 'content-md5') ?? '',
    headerValue(request.headers, 'content-type') ?? '',
    headerValue(request.headers, 'date') ?? '',
    `${acsHeaders}${resource}`,
  ].join('\n');
  const expected = Buffer.from(createHmac('sha1', secret).update(stringToSign, 'utf8').digest('base64'));
  const received = Buffer.from(match[2]);
  return expected.length === received.length && timingSafeEqual(expected, received)
    ? { ok: true }
    : { ok: false, reason: 'signature mismatch' };
}
