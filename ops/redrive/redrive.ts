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
}

/** The run's result. */
export interface RedriveReport {
  readonly dryRun: boolean;
  readonly to: RedriveDestination;
  readonly messages: readonly MessageOutcome[];
  readonly redelivered: number;
  readonly deleted: number;
  readonly kept: number;
}

/** MNS returns at most 16 messages per call. */
export const MNS_BATCH_LIMIT = 16;

/** 0 when every message handled was re-delivered and deleted (or a dry run), else 1. */
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
      const plan = destinationOf(letter, request);
      outcomes.push({
        ...base(message, letter, now),
        result: 'listed',
        destination: 'destination' in plan ? plan.destination : undefined,
        deleted: false,
        reason: 'refusal' in plan ? plan.refusal : undefined,
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
  const plan = destinationOf(letter, request);
  const now = deps.now ?? Date.now;
  if ('refusal' in plan) return { ...base(message, letter, now), result: 'kept', deleted: false, reason: plan.refusal };
  try {
    await plan.deliver(deps);
  } catch (error) {
    return {
      ...base(message, letter, now),
      result: 'kept',
      destination: plan.destination,
      deleted: false,
      reason: `re-delivery failed: ${(error as Error).message}`,
    };
  }
  const delivered = { ...base(message, letter, now), result: 'redelivered' as const, destination: plan.destination };
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

/** Where a message goes with `--to`, or why it cannot. */
function destinationOf(letter: DeadLetter, request: RedriveRequest): Plan {
  if (letter.kind === 'unknown') return { refusal: `not a dead-letter message redrive understands: ${letter.reason}` };
  if (request.to === 'target') {
    if (letter.kind === 'eventbridge') {
      // The message does not name its target, but each automation has its own queue: the queue names the function.
      const owner =
        request.queue === undefined || request.namePrefix === undefined
          ? undefined
          : functionOfQueue(request.queue, request.namePrefix);
      if (owner === undefined) {
        return {
          refusal:
            'an EventBridge dead-letter message does not name the target it failed to reach, and the queue name names no automation; re-publish it with --to eventbridge',
        };
      }
      const payload = JSON.stringify(letter.event);
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
    return {
      destination: `fc ${target.service}/${target.function}${target.qualifier ? `.${target.qualifier}` : ''}`,
      deliver: (deps) => deps.invoker.invokeAsync(target, letter.payload),
    };
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

function base(message: QueueMessage, letter: DeadLetter, now: () => number) {
  const enqueued = message.enqueueTime;
  const known = enqueued !== undefined && Number.isFinite(enqueued) && enqueued > 0;
  return {
    messageId: message.messageId,
    kind: letter.kind,
    dequeueCount: message.dequeueCount,
    enqueuedAt: known ? new Date(enqueued).toISOString() : undefined,
    ageMs: known ? Math.max(0, now() - enqueued) : undefined,
    ...letter.summary,
  };
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
  };
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
  lines.push(`  ${verdict}`);
  return lines.join('\n');
}
