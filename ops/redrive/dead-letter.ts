import { REDRIVE_OVERRIDE_FIELD } from '../../contract/env/safety';

/**
 * Reading dead-letter messages. Two producers write to an automation's queue (`<namePrefix>-<automation>-dlq`):
 *
 * 1. EventBridge, when delivery to the rule target failed after its retries: the body is the original CloudEvent.
 *    UNCONFIRMED: the exact body is not documented; it may be base64-encoded (MNS bodies often are), which is
 *    detected, not assumed.
 * 2. Function Compute, when an asynchronous invocation failed after its retries (failure destination). UNCONFIRMED:
 *    the record is not documented precisely; the shape assumed (and detected) is
 *    `{ requestContext: { requestId, functionArn, condition, approximateInvokeCount }, requestPayload: "<event JSON>",
 *      responseContext: { statusCode, functionError }, responsePayload: <error> }`.
 *
 * Anything else is reported as `unknown` and left in the queue.
 */

/** What a dead-letter message is about, for people. */
export interface DeadLetterSummary {
  readonly eventId?: string;
  readonly source?: string;
  readonly type?: string;
  readonly instanceId?: string;
  /** Why it failed, when the message says. */
  readonly why?: string;
}

/** An EventBridge dead-letter message: the original CloudEvent. */
export interface EventBridgeDeadLetter {
  readonly kind: 'eventbridge';
  readonly event: Readonly<Record<string, unknown>>;
  readonly base64: boolean;
  readonly summary: DeadLetterSummary;
}

/** The function a failed FC invocation was made to. */
export interface FunctionTarget {
  readonly service: string;
  readonly function: string;
  readonly qualifier?: string;
}

/** A Function Compute asynchronous-invocation failure record. */
export interface FunctionFailureDeadLetter {
  readonly kind: 'fc-failure';
  /** The original payload, exactly as FC received it (the event inside it for a payload a redrive wrapped). */
  readonly payload: string;
  /** The payload as an object, when it is JSON. */
  readonly event?: Readonly<Record<string, unknown>>;
  readonly functionArn?: string;
  /** Parsed from `functionArn`; undefined when it is missing or not an FC 2.0 function ARN. */
  readonly target?: FunctionTarget;
  readonly base64: boolean;
  readonly summary: DeadLetterSummary;
}

/** A message neither producer wrote (or a garbled one). */
export interface UnknownDeadLetter {
  readonly kind: 'unknown';
  readonly reason: string;
  readonly summary: DeadLetterSummary;
}

/** A parsed dead-letter message. */
export type DeadLetter = EventBridgeDeadLetter | FunctionFailureDeadLetter | UnknownDeadLetter;

/**
 * Parses a message body, detecting base64 and the producer by shape.
 *
 * @example parseDeadLetter(message.body).summary.eventId
 */
export function parseDeadLetter(body: string): DeadLetter {
  const decoded = decodeBody(body);
  if (decoded === undefined) {
    return { kind: 'unknown', reason: 'the body is neither JSON nor base64-encoded JSON', summary: {} };
  }
  const { json, base64 } = decoded;
  if (isRecord(json) && 'requestContext' in json && 'requestPayload' in json) return functionFailure(json, base64);
  if (isRecord(json) && typeof json.specversion === 'string') {
    return { kind: 'eventbridge', event: json, base64, summary: summarize(json) };
  }
  return {
    kind: 'unknown',
    reason:
      'the JSON is neither a CloudEvent (no "specversion") nor a Function Compute failure record (no "requestContext"/"requestPayload")',
    summary: isRecord(json) ? summarize(json) : {},
  };
}

function functionFailure(json: Record<string, unknown>, base64: boolean): FunctionFailureDeadLetter {
  const context = isRecord(json.requestContext) ? json.requestContext : {};
  const response = isRecord(json.responseContext) ? json.responseContext : {};
  const raw = json.requestPayload;
  let payload = typeof raw === 'string' ? raw : JSON.stringify(raw);
  let event: Record<string, unknown> | undefined;
  try {
    const parsed: unknown = typeof raw === 'string' ? JSON.parse(raw) : raw;
    event = isRecord(parsed) ? parsed : undefined;
  } catch {
    event = undefined;
  }
  if (event !== undefined && REDRIVE_OVERRIDE_FIELD in event && isRecord(event.event)) {
    // A redrive with --max-age-hours that failed again: the original event is inside. The old override is dropped;
    // each redrive decides its own (contract/env/safety.ts, wrapRedrivePayload).
    event = event.event;
    payload = JSON.stringify(event);
  }
  const functionArn = typeof context.functionArn === 'string' ? context.functionArn : undefined;
  const why = [
    text(context.condition),
    text(response.functionError),
    response.statusCode === undefined ? undefined : `HTTP ${String(response.statusCode)}`,
    errorText(json.responsePayload),
    context.approximateInvokeCount === undefined
      ? undefined
      : `after ${String(context.approximateInvokeCount)} attempts`,
  ]
    .filter((part) => part !== undefined && part !== '')
    .join('; ');
  return {
    kind: 'fc-failure',
    payload,
    event,
    functionArn,
    target: functionArn === undefined ? undefined : parseFunctionArn(functionArn),
    base64,
    summary: { ...(event === undefined ? {} : summarize(event)), why: why === '' ? undefined : why },
  };
}

/**
 * Parses an FC 2.0 function ARN, `acs:fc:<region>:<account>:services/<service>[.<qualifier>]/functions/<function>`
 * (the destination ARN form; service names cannot contain a dot, so a dot starts the qualifier).
 */
export function parseFunctionArn(arn: string): FunctionTarget | undefined {
  const match = /^acs:fc:[^:]*:[^:]*:services\/([^/]+)\/functions\/([^/]+)$/.exec(arn);
  if (match === null) return undefined;
  const [service, qualifier] = match[1].split('.', 2);
  return qualifier === undefined || qualifier === ''
    ? { service, function: match[2] }
    : { service, function: match[2], qualifier };
}

/** Event id, type and instance of an event in either format (CloudEvent `data`, Cloud Monitor `content`). */
function summarize(event: Record<string, unknown>): DeadLetterSummary {
  const data = isRecord(event.data) ? event.data : isRecord(event.content) ? event.content : {};
  const instance = [data.instanceId, data.resourceId].find((v) => typeof v === 'string' && v.startsWith('i-'));
  const type =
    text(event.type) ??
    (typeof event.name === 'string' && typeof event.product === 'string'
      ? `${event.product.toLowerCase()}:${event.name}`
      : undefined);
  return {
    eventId: text(event.id),
    source:
      text(event.source) ?? (typeof event.product === 'string' ? `acs.${event.product.toLowerCase()}` : undefined),
    type,
    instanceId: typeof instance === 'string' ? instance : undefined,
  };
}

/** JSON, or JSON after base64 decoding. */
function decodeBody(body: string): { json: unknown; base64: boolean } | undefined {
  const trimmed = body.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return { json: JSON.parse(trimmed), base64: false };
    } catch {
      return undefined;
    }
  }
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed.replace(/\s+/g, ''))) return undefined;
  const decoded = Buffer.from(trimmed, 'base64').toString('utf8').trim();
  if (!decoded.startsWith('{')) return undefined;
  try {
    return { json: JSON.parse(decoded), base64: true };
  } catch {
    return undefined;
  }
}

/** `errorType: errorMessage` of an FC error payload (object or JSON string), else its text. */
function errorText(payload: unknown): string | undefined {
  let value = payload;
  if (typeof payload === 'string') {
    try {
      value = JSON.parse(payload);
    } catch {
      return payload.length > 200 ? `${payload.slice(0, 200)}...` : payload;
    }
  }
  if (!isRecord(value)) return value === undefined || value === null ? undefined : String(value);
  const type = text(value.errorType);
  const message = text(value.errorMessage);
  return type !== undefined && message !== undefined ? `${type}: ${message}` : (message ?? type);
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
