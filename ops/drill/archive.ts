import { parseEventTime } from '../../contract/event-time';
import type { ArchiveReader } from './archive-reader';
import { EVENT_CYCLE_STATUSES } from './simulated-event';

/**
 * Finding the archived copy of a simulated system event in the archive bucket.
 *
 * The all-events audit rule archives every `acs.ecs` event like lifecycle-audit does, at
 * `archive/<source>/<type>/region=<region>/date=<UTC yyyy-mm-dd of the event time>/instance=<instanceId>/<id>.json`,
 * content `{ "normalized": {...}, "original": <envelope> }`. The file name is the CloudEvent id, which the drill does
 * not know; the drill knows the ECS system event id (`e-…`), which is in `original.data.eventId` (EventBridge) or
 * `original.content.eventId` (Cloud Monitor format). So it lists the instance's folders and reads the candidates.
 *
 * A system event may arrive under three `type` forms (see lib/events/catalogue.ts), all searched:
 * `ecs:Instance:<EventType>`, `ecs:Instance:<EventType>:<Status>` and `ecs:SystemEvent:<Status>`.
 */

/** An archived event that matched. */
export interface ArchivedEvent {
  readonly key: string;
  /** When EventBridge published the event (`original.aliyunpublishtime`, else `original.time`), if parseable. */
  readonly deliveredAtMs?: number;
  /** When the handler archived it (`normalized.archivedAt`), if present. */
  readonly handledAtMs?: number;
  /** The `type` the event arrived with. */
  readonly type?: string;
}

/** The `type` folders an event of `eventType` may be archived under. */
export function archiveTypeFolders(eventType: string): string[] {
  return [
    `ecs:Instance:${eventType}`,
    ...EVENT_CYCLE_STATUSES.map((s) => `ecs:Instance:${eventType}:${s}`),
    ...EVENT_CYCLE_STATUSES.map((s) => `ecs:SystemEvent:${s}`),
  ];
}

/** UTC days (`yyyy-mm-dd`) from `fromMs` to `toMs`, both included. */
export function utcDays(fromMs: number, toMs: number): string[] {
  const days: string[] = [];
  const start = Date.UTC(
    new Date(fromMs).getUTCFullYear(),
    new Date(fromMs).getUTCMonth(),
    new Date(fromMs).getUTCDate(),
  );
  for (let day = start; day <= toMs && days.length < 400; day += 86_400_000) {
    days.push(new Date(day).toISOString().slice(0, 10));
  }
  return days;
}

/** The folders (key prefixes ending in `/`) to search, for every type form and every UTC day of the window. */
export function archivePrefixes(target: {
  readonly region: string;
  readonly instanceId: string;
  readonly eventType: string;
  readonly fromMs: number;
  readonly toMs: number;
}): string[] {
  return utcDays(target.fromMs, target.toMs).flatMap((day) =>
    archiveTypeFolders(target.eventType).map(
      (type) => `archive/acs.ecs/${type}/region=${target.region}/date=${day}/instance=${target.instanceId}/`,
    ),
  );
}

/**
 * Looks for the archived copy of one system event, remembering the objects it already read so that every poll
 * only reads new candidates.
 */
export class ArchiveFinder {
  private readonly checked = new Set<string>();

  constructor(
    private readonly reader: ArchiveReader,
    private readonly target: { readonly region: string; readonly instanceId: string; readonly eventType: string },
  ) {}

  /** The archived event whose ECS event id is `eventId`, among events dated `fromMs`..`toMs`, or undefined. */
  async find(eventId: string, fromMs: number, toMs: number): Promise<ArchivedEvent | undefined> {
    for (const prefix of archivePrefixes({ ...this.target, fromMs, toMs })) {
      for (const key of await this.reader.list(prefix)) {
        if (this.checked.has(key)) continue;
        const text = await this.reader.get(key);
        if (text === undefined) continue;
        this.checked.add(key);
        const match = matchRecord(text, eventId);
        if (match !== undefined) return { key, ...match };
      }
    }
    return undefined;
  }
}

/** Reads an archive record; returns timings when it is the copy of `eventId`. */
export function matchRecord(text: string, eventId: string): Omit<ArchivedEvent, 'key'> | undefined {
  let record: unknown;
  try {
    record = JSON.parse(text);
  } catch {
    return undefined;
  }
  const original = field(record, 'original');
  const payload = field(original, 'data') ?? field(original, 'content');
  if (field(payload, 'eventId') !== eventId) return undefined;
  const publish = field(original, 'aliyunpublishtime') ?? field(original, 'time') ?? field(original, 'eventTime');
  const archivedAt = field(field(record, 'normalized'), 'archivedAt');
  const type = field(original, 'type') ?? field(original, 'name');
  return {
    deliveredAtMs: typeof publish === 'string' ? parseEventTime(publish) : undefined,
    handledAtMs: typeof archivedAt === 'string' ? parseEventTime(archivedAt) : undefined,
    type: typeof type === 'string' ? type : undefined,
  };
}

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)[key]
    : undefined;
}
