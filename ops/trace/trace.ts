import { type LedgerRecord, parseLedgerLine } from '../../contract/ledger';
import {
  EVENT_CONTENT_FIELD,
  EVENTS_LOGSTORE,
  FUNCTION_LOG_MESSAGE_FIELD,
  FUNCTION_LOGSTORE,
  instanceIdOfEvent,
} from '../../contract/observability';
import type { RosTemplate } from '../../lib/assembly';
import { eventByIdQuery, eventLedgerQuery, instanceEventsQuery } from '../../lib/observability/queries';
import { compilePattern } from '../../lib/patterns/matcher';
import type { ArchiveReader } from '../drill/archive-reader';
import type { DeadLetterQueue } from '../redrive/clients';
import { parseDeadLetter } from '../redrive/dead-letter';
import type { LogEntry, LogReader } from './sls-client';

/**
 * The core of `npm run trace`: one timeline of what happened to an event or an instance. The events come from the
 * region's `events` logstore (or, where SLS has nothing, from the OSS archive); the rules that matched each event are
 * computed from the synthesized template with the local pattern matcher; each automation's ledger record comes from
 * the `functions` logstore (contract/ledger.ts); dead-lettered copies of each event are peeked, without consuming
 * them, from the automations' dead-letter queues (parsed as `npm run redrive` parses them).
 */

/** MNS peeks at most 16 messages of a queue and cannot page (the same first ones come back each time). */
export const DEAD_LETTER_PEEK_LIMIT = 16;

/** What to trace: one event by id, or every event of one instance, in a time range. */
export type TraceSubject = { readonly eventId: string } | { readonly instanceId: string };

/** Where the trace reads. */
export interface TraceSources {
  readonly logs: LogReader;
  /** The region's SLS project (contract/observability.ts `logProjectName`). */
  readonly project: string;
  /** The archive bucket, for events SLS has none of. @default - no fallback */
  readonly archive?: ArchiveReader;
  /** The dead-letter queues to peek at, by name. @default - none */
  readonly deadLetterQueues?: readonly { readonly name: string; readonly queue: Pick<DeadLetterQueue, 'peek'> }[];
}

/** A dead-lettered copy of an event, peeked at in a dead-letter queue (still there: nothing is consumed). */
export interface TimelineDeadLetter {
  readonly queue: string;
  readonly messageId: string;
  /** Who wrote it: `eventbridge` (a failed push) or `fc-failure` (the function failed after its retries). */
  readonly kind: 'eventbridge' | 'fc-failure';
  /** Why it failed, when the message says. */
  readonly why?: string;
  /** ISO time it was enqueued, when MNS says. */
  readonly enqueuedAt?: string;
}

/** One automation's ledger record of an event. */
export interface TimelineAction extends LedgerRecord {
  /** Epoch seconds SLS received the record. */
  readonly loggedAt: number;
}

/** One event of the timeline. */
export interface TimelineEvent {
  readonly id: string;
  readonly type: string;
  readonly source: string;
  /** The event's own time (`time`), as written. */
  readonly time?: string;
  readonly instanceId?: string;
  /** Where the event was found. */
  readonly foundIn: 'sls' | 'oss-archive';
  /** `RuleName`s of the stack's rules whose pattern matches the event, in template order. */
  readonly rules: readonly string[];
  /** Ledger records of the event, oldest first. */
  readonly actions: readonly TimelineAction[];
  /** Its dead-lettered copies, by queue name then enqueue time. */
  readonly deadLetters: readonly TimelineDeadLetter[];
}

/** The `--json` output. */
export interface Timeline {
  readonly subject: TraceSubject;
  /** ISO times of the range searched, `[from, to)`. */
  readonly from: string;
  readonly to: string;
  readonly events: readonly TimelineEvent[];
}

/** The default-bus rules of a template: name and compiled pattern. */
export function templateRules(template: RosTemplate): { name: string; matches: (event: unknown) => boolean }[] {
  return Object.values(template.Resources ?? {})
    .filter((r) => r.Type === 'ALIYUN::EventBridge::Rule')
    .filter((r) => (r.Properties?.EventBusName ?? 'default') === 'default' && r.Properties?.Status !== 'DISABLE')
    .map((r) => {
      const raw = r.Properties?.FilterPattern;
      const pattern = typeof raw === 'string' ? JSON.parse(raw) : raw;
      return { name: String(r.Properties?.RuleName), matches: compilePattern(pattern) };
    });
}

function parseEvent(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** The ledger record of a `functions` log: its `message` line (contract/ledger.ts). */
function ledgerOf(log: LogEntry): LedgerRecord | undefined {
  const line = log[FUNCTION_LOG_MESSAGE_FIELD];
  return line === undefined ? undefined : parseLedgerLine(line);
}

/** Archive keys of the subject in `[from, to)` (days of the `date=` partition), from a listing of `archive/`. */
function archiveKeysOf(keys: readonly string[], subject: TraceSubject, from: Date, to: Date): string[] {
  const first = from.toISOString().slice(0, 10);
  const last = to.toISOString().slice(0, 10);
  return keys.filter((key) => {
    const day = /\/date=(\d{4}-\d{2}-\d{2})\//.exec(key)?.[1];
    if (day === undefined || day < first || day > last) return false;
    if ('instanceId' in subject) return key.includes(`/instance=${encodeURIComponent(subject.instanceId)}/`);
    const file = key.slice(key.lastIndexOf('/') + 1);
    return file === `${encodeURIComponent(subject.eventId)}.json` || file === `${subject.eventId}.json`;
  });
}

/**
 * Builds the timeline of `subject` in `[from, to)`.
 *
 * @example await traceTimeline({ instanceId: 'i-bp1…' }, { from, to, sources, template })
 */
export async function traceTimeline(
  subject: TraceSubject,
  options: { readonly from: Date; readonly to: Date; readonly sources: TraceSources; readonly template: RosTemplate },
): Promise<Timeline> {
  const { sources } = options;
  const range = { from: Math.floor(options.from.getTime() / 1000), to: Math.ceil(options.to.getTime() / 1000) };
  const query = 'eventId' in subject ? eventByIdQuery(subject.eventId) : instanceEventsQuery(subject.instanceId);
  const logs = await sources.logs.search({ project: sources.project, logstore: EVENTS_LOGSTORE, query, ...range });
  const found: { event: Record<string, unknown>; foundIn: TimelineEvent['foundIn'] }[] = [];
  const seen = new Set<string>();
  for (const log of logs) {
    const event = parseEvent(log[EVENT_CONTENT_FIELD]);
    if (event === undefined || typeof event.id !== 'string' || seen.has(event.id)) continue;
    seen.add(event.id);
    found.push({ event, foundIn: 'sls' });
  }
  if (found.length === 0 && sources.archive !== undefined) {
    // SLS has nothing (retention passed, or the events logstore is new): the archive, partitioned by day and instance.
    const keys = archiveKeysOf(await sources.archive.list('archive/'), subject, options.from, options.to);
    for (const key of keys) {
      const record = parseEvent(await sources.archive.get(key));
      const event = record === undefined ? undefined : (record.original as Record<string, unknown> | undefined);
      if (event === undefined || typeof event.id !== 'string' || seen.has(event.id)) continue;
      seen.add(event.id);
      found.push({ event, foundIn: 'oss-archive' });
    }
  }
  const rules = templateRules(options.template);
  const deadLetters = await peekDeadLetters(sources.deadLetterQueues ?? []);
  const events: TimelineEvent[] = [];
  for (const { event, foundIn } of found) {
    const id = event.id as string;
    const ledger = await sources.logs.search({
      project: sources.project,
      logstore: FUNCTION_LOGSTORE,
      query: eventLedgerQuery(id),
      ...range,
    });
    const actions: TimelineAction[] = [];
    for (const log of ledger) {
      const record = ledgerOf(log);
      if (record !== undefined) actions.push({ ...record, loggedAt: Number(log.__time__) });
    }
    events.push({
      id,
      type: String(event.type),
      source: String(event.source),
      time: typeof event.time === 'string' ? event.time : undefined,
      instanceId: instanceIdOfEvent(event),
      foundIn,
      rules: rules.filter((rule) => rule.matches(event)).map((rule) => rule.name),
      actions,
      deadLetters: deadLetters.get(id) ?? [],
    });
  }
  events.sort((a, b) => (a.time ?? '').localeCompare(b.time ?? ''));
  return { subject, from: options.from.toISOString(), to: options.to.toISOString(), events };
}

/** The dead letters of every queue, by event id; messages that name no event id are left out. */
async function peekDeadLetters(
  queues: NonNullable<TraceSources['deadLetterQueues']>,
): Promise<Map<string, TimelineDeadLetter[]>> {
  const byEvent = new Map<string, TimelineDeadLetter[]>();
  for (const { name, queue } of [...queues].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const messages = await queue.peek(DEAD_LETTER_PEEK_LIMIT);
    messages.sort((a, b) => (a.enqueueTime ?? 0) - (b.enqueueTime ?? 0));
    for (const message of messages) {
      const letter = parseDeadLetter(message.body);
      const eventId = letter.summary.eventId;
      if (letter.kind === 'unknown' || eventId === undefined) continue;
      const list = byEvent.get(eventId) ?? [];
      list.push({
        queue: name,
        messageId: message.messageId,
        kind: letter.kind,
        ...(letter.summary.why === undefined ? {} : { why: letter.summary.why }),
        ...(message.enqueueTime === undefined ? {} : { enqueuedAt: new Date(message.enqueueTime).toISOString() }),
      });
      byEvent.set(eventId, list);
    }
  }
  return byEvent;
}

/** The human timeline. */
export function formatTimeline(timeline: Timeline): string {
  const what =
    'eventId' in timeline.subject ? `event ${timeline.subject.eventId}` : `instance ${timeline.subject.instanceId}`;
  const lines = [`${what}, ${timeline.from} to ${timeline.to}: ${timeline.events.length} event(s)`];
  for (const event of timeline.events) {
    lines.push(
      '',
      `${event.time ?? '(no time)'}  ${event.type}  id ${event.id}${event.instanceId ? `  ${event.instanceId}` : ''}  [${event.foundIn}]`,
    );
    lines.push(`  rules: ${event.rules.length === 0 ? 'none matched' : event.rules.join(', ')}`);
    if (event.actions.length === 0) lines.push('  actions: no ledger record');
    for (const action of event.actions) {
      lines.push(
        `  ${action.automation}: ${action.decision} (${action.reason})${action.dryRun ? ' dry run' : ''}, ${action.durationMs} ms`,
      );
      for (const call of action.calls) lines.push(`    ${call.api} ${call.target}: ${call.result}`);
    }
    for (const letter of event.deadLetters) {
      lines.push(
        `  dead-lettered in ${letter.queue}: ${letter.kind} message ${letter.messageId}` +
          `${letter.enqueuedAt === undefined ? '' : ` at ${letter.enqueuedAt}`}${letter.why === undefined ? '' : ` (${letter.why})`}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}
