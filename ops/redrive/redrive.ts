import { MAX_EVENT_AGE_HOURS, wrapRedrivePayload } from '../../contract/env/safety';
import { parseEventTime } from '../../contract/event-time';
import type { AgeLimits } from './age-limits';
import type { DeadLetterQueue, EventPublisher, FunctionInvoker, QueueMessage } from './clients';
import { type DeadLetter, type DeadLetterSummary, type FunctionTarget, parseDeadLetter } from './dead-letter';

/**
 * Redrive: receive dead-letter messages, say what each is, re-deliver the original event, and delete a message only
 * after its re-delivery succeeded. A message that is refused or fails stays in the queue (it becomes visible again
 * after the queue's visibility timeout). Re-delivering twice is harmless: handlers are idempotent by event id.
 */

/**
 * Where to re-deliver. `target` (the default) re-invokes the automation that failed, and only it; `eventbridge`
 * re-publishes the original event to the bus, where every matching rule acts on it again.
 */
export type RedriveDestination = 'eventbridge' | 'target';

/** The destination when `--to` is not given: the automation that failed, nothing else. */
export const DEFAULT_DESTINATION: RedriveDestination = 'target';

/** What to redrive. */
export interface RedriveRequest {
  /** The dead-letter queue, `<namePrefix>-<automation>-dlq`: names the function an EventBridge dead letter was for. */
  readonly queue?: string;
  /** The app's namePrefix (configuration), to tell the automation from the queue name. */
  readonly namePrefix?: string;
  /** At most this many messages are handled. */
  readonly max: number;
  readonly to: RedriveDestination;
  /** Event bus for `--to eventbridge`. */
  readonly bus: string;
  /** List only (peek): nothing is received, re-delivered or deleted. */
  readonly dryRun: boolean;
  /**
   * The age limit of each automation of the region, from the app's configuration ({@link AgeLimits}). A message for
   * an automation with a limit is judged by its event's `time`; a stale one is kept and reported, not re-delivered.
   * @default - no automation is known: nothing is judged (the handler still judges when it runs)
   */
  readonly ageLimits?: AgeLimits;
  /**
   * `--max-age-hours`: the age limit this redrive uses instead of the automation's, for messages of automations that
   * have one. Each such message is re-invoked wrapped (`wrapRedrivePayload`), so that the handler uses the same limit
   * and its ledger records it (`ageOverrideHours`). Only with `to: 'target'`: EventBridge delivers no wrapper.
   * @default - the automation's own limit, and the event is re-delivered as it is
   */
  readonly maxAgeHours?: number;
}

/** What redrive calls. */
export interface RedriveDeps {
  readonly queue: DeadLetterQueue;
  readonly publisher: EventPublisher;
  readonly invoker: FunctionInvoker;
  readonly progress?: (line: string) => void;
  /** The clock that message ages are measured with. @default Date.now */
  readonly now?: () => number;
}

/** What happened to one message. */
export interface MessageOutcome extends DeadLetterSummary {
  readonly messageId: string;
  readonly kind: DeadLetter['kind'];
  readonly dequeueCount?: number;
  /** When the message entered the dead-letter queue (ISO), from its MNS `EnqueueTime`. */
  readonly enqueuedAt?: string;
  /**
   * How long it has been there, in ms. Handlers remember an event id for their idempotency window only: a message
   * older than that is acted on again when re-delivered.
   */
  readonly ageMs?: number;
  /** `listed` (dry run), `redelivered` (and deleted unless `deleteError`), `kept` (see `reason`). */
  readonly result: 'listed' | 'redelivered' | 'kept';
  /** Where it was or would be re-delivered: `eventbridge`, or `fc <service>/<function>`. */
  readonly destination?: string;
  readonly deleted: boolean;
  /** Why it was kept. */
  readonly reason?: string;
  /** Re-delivered but the delete failed: it will come back, and a second delivery is harmless. */
  readonly deleteError?: string;
  /** The automation the message is for (the failed function, or the one that owns the queue). */
  readonly automation?: string;
  /** The event's `time` (CloudEvent) or `eventTime` (Cloud Monitor), as written. */
  readonly eventTime?: string;
  /** How old the event is, in hours (one decimal): what the age limit is measured against, not the queue age. */
  readonly eventAgeHours?: number;
  /**
   * The age limit the message was judged with: the automation's `maxEventAgeHours`, or `--max-age-hours`; `null`
   * when the automation has none (notify, event-archive: re-delivered whatever the age); absent when unknown.
   */
  readonly maxEventAgeHours?: number | null;
  /** Older than {@link maxEventAgeHours} (less {@link STALE_MARGIN_MS}): kept, not re-delivered. */
  readonly stale: boolean;
  /** Re-invoked (or would be) with this age override in the payload (`--max-age-hours`). */
  readonly ageOverrideHours?: number;
}

/** The run's result. */
export interface RedriveReport {
  readonly dryRun: boolean;
  readonly to: RedriveDestination;
  readonly messages: readonly MessageOutcome[];
  readonly redelivered: number;
  readonly deleted: number;
  /** Kept for any reason, stale ones included. */
  readonly kept: number;
  /** Kept (or, in a dry run, would be kept) because their event is older than the age limit. */
  readonly stale: number;
}

/**
 * A message is judged stale this long before its event reaches the age limit: the handler judges again when it runs,
 * a little after the invocation is accepted (FC queues asynchronous invocations), and an event it then skips as stale
 * would be gone from the queue. Our choice; the age shown is the exact one.
 */
export const STALE_MARGIN_MS = 10 * 60_000;

/** MNS returns at most 16 messages per call. */
export const MNS_BATCH_LIMIT = 16;

/** 0 when every message handled was re-delivered and deleted (or a dry run), else 1 (stale messages are kept: 1). */
export function redriveExitCode(report: RedriveReport): number {
  if (report.dryRun) return 0;
  return report.messages.every((m) => m.result === 'redelivered' && m.deleted) ? 0 : 1;
}

/**
 * Runs one redrive.
 *
 * @example await redrive({ queue: 'ecs-event-ops-auto-restart-dlq', max: 10, to: 'target', bus: 'default', dryRun: false }, { queue, publisher, invoker })
 */
export async function redrive(request: RedriveRequest, deps: RedriveDeps): Promise<RedriveReport> {
  const progress = deps.progress ?? (() => undefined);
  const now = deps.now ?? Date.now;
  const outcomes: MessageOutcome[] = [];
  if (request.dryRun) {
    // Peek changes nothing (a receive would hide the messages for the visibility timeout); it cannot page.
    for (const message of await deps.queue.peek(Math.min(MNS_BATCH_LIMIT, request.max))) {
      const letter = parseDeadLetter(message.body);
      const age = judgeAge(letter, request, now());
      const plan = destinationOf(letter, request, age);
      outcomes.push({
        ...base(message, letter, now, age),
        result: 'listed',
        destination: 'destination' in plan ? plan.destination : undefined,
        deleted: false,
        reason: 'refusal' in plan ? plan.refusal : age.stale ? staleReason(age, request) : undefined,
      });
    }
    return report(request, outcomes);
  }

  // Messages that are kept stay invisible for the visibility timeout, so one run never sees them twice.
  while (outcomes.length < request.max) {
    const batch = await deps.queue.receive(Math.min(MNS_BATCH_LIMIT, request.max - outcomes.length));
    if (batch.length === 0) break;
    for (const message of batch) {
      const outcome = await redriveOne(message, request, deps);
      progress(formatOutcome(outcome));
      outcomes.push(outcome);
    }
  }
  return report(request, outcomes);
}

async function redriveOne(message: QueueMessage, request: RedriveRequest, deps: RedriveDeps): Promise<MessageOutcome> {
  const letter = parseDeadLetter(message.body);
  const now = deps.now ?? Date.now;
  const age = judgeAge(letter, request, now());
  const plan = destinationOf(letter, request, age);
  const facts = base(message, letter, now, age);
  if ('refusal' in plan) return { ...facts, result: 'kept', deleted: false, reason: plan.refusal };
  if (age.stale) {
    // Left in the queue (visible again after its visibility timeout), for a deliberate --max-age-hours redrive.
    return {
      ...facts,
      result: 'kept',
      destination: plan.destination,
      deleted: false,
      reason: staleReason(age, request),
    };
  }
  try {
    await plan.deliver(deps);
  } catch (error) {
    return {
      ...facts,
      result: 'kept',
      destination: plan.destination,
      deleted: false,
      reason: `re-delivery failed: ${(error as Error).message}`,
    };
  }
  const delivered = { ...facts, result: 'redelivered' as const, destination: plan.destination };
  if (message.receiptHandle === undefined) {
    return { ...delivered, deleted: false, deleteError: 'no receipt handle' };
  }
  try {
    await deps.queue.delete(message.receiptHandle);
    return { ...delivered, deleted: true };
  } catch (error) {
    return { ...delivered, deleted: false, deleteError: (error as Error).message };
  }
}

/**
 * The function whose dead-letter queue `queue` is: `<namePrefix>-<automation>-dlq` belongs to the FC function
 * `<namePrefix>-<automation>/<automation>` (see lib/stacks/), or undefined for a queue without that prefix and suffix.
 */
export function functionOfQueue(queue: string, namePrefix: string): FunctionTarget | undefined {
  const head = `${namePrefix}-`;
  if (!queue.startsWith(head) || !queue.endsWith('-dlq')) return undefined;
  const automation = queue.slice(head.length, -'-dlq'.length);
  if (!/^[a-z][a-z0-9-]*$/.test(automation)) return undefined;
  return { service: `${namePrefix}-${automation}`, function: automation, qualifier: 'LATEST' };
}

type Plan = { destination: string; deliver: (deps: RedriveDeps) => Promise<void> } | { refusal: string };

/** The function that owns the queue (`<namePrefix>-<automation>-dlq`), when the queue and prefix say. */
function queueOwner(request: RedriveRequest): FunctionTarget | undefined {
  return request.queue === undefined || request.namePrefix === undefined
    ? undefined
    : functionOfQueue(request.queue, request.namePrefix);
}

/** The automation a message is for: the function that failed, else the one whose queue it is in. */
function automationOf(letter: DeadLetter, request: RedriveRequest): string | undefined {
  if (letter.kind === 'unknown') return undefined;
  return (letter.kind === 'fc-failure' ? letter.target?.function : undefined) ?? queueOwner(request)?.function;
}

/** How a message's event measures up to the age limit of its automation. */
interface AgeJudgement {
  readonly automation?: string;
  readonly eventTime?: string;
  readonly eventAgeMs?: number;
  /** See {@link MessageOutcome.maxEventAgeHours}. */
  readonly limit?: number | null;
  readonly stale: boolean;
  /** Wrap the re-invocation with this age override. */
  readonly override?: number;
}

const HOUR_MS = 3_600_000;

/**
 * Judges the event's own `time` (what the handler's age limit measures), not the time the message entered the queue:
 * an event that failed for a day before it was dead-lettered is a day older than its message.
 */
function judgeAge(letter: DeadLetter, request: RedriveRequest, nowMs: number): AgeJudgement {
  const automation = automationOf(letter, request);
  const event = letter.kind === 'unknown' ? undefined : letter.event;
  const time = stringOf(event?.time) ?? stringOf(event?.eventTime);
  const timeMs = time === undefined ? undefined : parseEventTime(time);
  const eventAgeMs = timeMs === undefined ? undefined : nowMs - timeMs;
  const configured = automation === undefined ? undefined : request.ageLimits?.[automation];
  if (configured === null) {
    // notify, event-archive: no age limit in the handler, so none here; a late notification or archive entry still
    // says when the event happened. --max-age-hours does not apply to them (their payload is not wrapped).
    return { automation, eventTime: time, eventAgeMs, limit: null, stale: false };
  }
  const limit = request.maxAgeHours ?? configured;
  const stale = limit !== undefined && eventAgeMs !== undefined && eventAgeMs + STALE_MARGIN_MS > limit * HOUR_MS;
  const override = request.maxAgeHours !== undefined && event !== undefined ? request.maxAgeHours : undefined;
  return { automation, eventTime: time, eventAgeMs, limit, stale, override };
}

function staleReason(age: AgeJudgement, request: RedriveRequest): string {
  const hours = age.eventAgeMs === undefined ? '?' : hoursOf(age.eventAgeMs);
  const limit =
    request.maxAgeHours === undefined
      ? `the age limit of ${age.automation ?? 'its automation'} (${age.limit} h, maxEventAgeHours)`
      : `--max-age-hours ${request.maxAgeHours}`;
  const needed = Math.ceil(Number(hours)) + 1;
  const hint =
    request.maxAgeHours !== undefined
      ? ''
      : needed <= MAX_EVENT_AGE_HOURS
        ? `; to act on it deliberately, redrive with --max-age-hours ${needed}`
        : `; it is too old for any --max-age-hours (at most ${MAX_EVENT_AGE_HOURS})`;
  return `stale: the event is ${hours} h old, older than ${limit}${hint}`;
}

/** Where a message goes with `--to`, or why it cannot. */
function destinationOf(letter: DeadLetter, request: RedriveRequest, age: AgeJudgement): Plan {
  if (letter.kind === 'unknown') return { refusal: `not a dead-letter message redrive understands: ${letter.reason}` };
  if (request.to === 'target') {
    if (letter.kind === 'eventbridge') {
      // The message does not name its target, but each automation has its own queue: the queue names the function.
      const owner = queueOwner(request);
      if (owner === undefined) {
        return {
          refusal:
            'an EventBridge dead-letter message does not name the target it failed to reach, and the queue name names no automation; re-publish it with --to eventbridge',
        };
      }
      const payload =
        age.override === undefined ? JSON.stringify(letter.event) : wrapRedrivePayload(letter.event, age.override);
      return {
        destination: `fc ${owner.service}/${owner.function}.${owner.qualifier}`,
        deliver: (deps) => deps.invoker.invokeAsync(owner, payload),
      };
    }
    const target = letter.target;
    if (target === undefined) {
      return {
        refusal: `the failure record names no FC 2.0 function (functionArn ${letter.functionArn ?? 'missing'})`,
      };
    }
    const payload =
      age.override === undefined || letter.event === undefined
        ? letter.payload
        : wrapRedrivePayload(letter.event, age.override);
    return {
      destination: `fc ${target.service}/${target.function}${target.qualifier ? `.${target.qualifier}` : ''}`,
      deliver: (deps) => deps.invoker.invokeAsync(target, payload),
    };
  }
  if (age.override !== undefined) {
    // The CLI refuses the combination; a caller of this function gets a refusal rather than a silent stale skip.
    return { refusal: 'an age override reaches a handler only by a direct invocation; redrive it with --to target' };
  }
  const event = letter.event;
  if (event === undefined || typeof event.specversion !== 'string') {
    return {
      refusal:
        letter.kind === 'fc-failure' && event !== undefined
          ? 'the original event is a Cloud Monitor notification, not a CloudEvent; re-invoke the function with --to target'
          : 'the original event is not JSON; re-invoke the function with --to target',
    };
  }
  return {
    destination: `eventbridge ${request.bus}`,
    deliver: (deps) => deps.publisher.publish(event, request.bus),
  };
}

function base(message: QueueMessage, letter: DeadLetter, now: () => number, age: AgeJudgement) {
  const enqueued = message.enqueueTime;
  const known = enqueued !== undefined && Number.isFinite(enqueued) && enqueued > 0;
  return {
    messageId: message.messageId,
    kind: letter.kind,
    dequeueCount: message.dequeueCount,
    enqueuedAt: known ? new Date(enqueued).toISOString() : undefined,
    ageMs: known ? Math.max(0, now() - enqueued) : undefined,
    ...letter.summary,
    automation: age.automation,
    eventTime: age.eventTime,
    eventAgeHours: age.eventAgeMs === undefined ? undefined : Number(hoursOf(age.eventAgeMs)),
    maxEventAgeHours: age.limit,
    stale: age.stale,
    ageOverrideHours: age.override,
  };
}

function hoursOf(ms: number): string {
  return (Math.round((ms / HOUR_MS) * 10) / 10).toString();
}

function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** An age for people: `45 s`, `12 min`, `5 h 3 min`, `2 d 4 h`. */
export function formatAge(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return `${Math.floor(ms / 1000)} s`;
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
  const days = Math.floor(hours / 24);
  return hours % 24 === 0 ? `${days} d` : `${days} d ${hours % 24} h`;
}

function report(request: RedriveRequest, messages: MessageOutcome[]): RedriveReport {
  return {
    dryRun: request.dryRun,
    to: request.to,
    messages,
    redelivered: messages.filter((m) => m.result === 'redelivered').length,
    deleted: messages.filter((m) => m.deleted).length,
    kept: messages.filter((m) => m.result === 'kept').length,
    stale: messages.filter((m) => m.stale).length,
  };
}

/** ` (event 2.5 h old; age limit 24 h)`: how the age of a message that is not stale was judged. */
function ageNote(m: MessageOutcome): string {
  if (m.eventAgeHours === undefined) return m.kind === 'unknown' ? '' : ' (event time unknown: age not judged)';
  const limit =
    m.maxEventAgeHours === null
      ? `${m.automation} has no age limit`
      : m.maxEventAgeHours === undefined
        ? 'age limit unknown'
        : m.ageOverrideHours === undefined
          ? `age limit ${m.maxEventAgeHours} h`
          : `--max-age-hours ${m.ageOverrideHours}`;
  return ` (event ${m.eventAgeHours} h old; ${limit})`;
}

/** One message, for people. */
export function formatOutcome(m: MessageOutcome): string {
  const what = `${m.type ?? '?'} ${m.eventId ?? '?'}${m.instanceId ? ` on ${m.instanceId}` : ''}`;
  const verdict =
    m.result === 'listed'
      ? m.reason === undefined
        ? `would re-deliver to ${m.destination}`
        : `would keep: ${m.reason}`
      : m.result === 'kept'
        ? `KEPT: ${m.reason}`
        : m.deleted
          ? `re-delivered to ${m.destination}, deleted`
          : `re-delivered to ${m.destination}, NOT deleted (${m.deleteError}); it will come back, a second delivery is harmless`;
  const age = m.ageMs === undefined ? '' : `, ${formatAge(m.ageMs)} old`;
  const lines = [`message ${m.messageId} (${m.kind}${age}): ${what}`];
  if (m.why !== undefined) lines.push(`  failed: ${m.why}`);
  lines.push(`  ${verdict}${m.stale ? '' : ageNote(m)}`);
  return lines.join('\n');
}
