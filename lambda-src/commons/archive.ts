import type { JsonValue } from './context';
import type { EventEnvelope } from './envelope';
import type { ObjectStore } from './oss';

/**
 * The audit archive: object keys and records shared by every handler that archives events (lifecycle-audit,
 * event-archive) or alerts (notify).
 *
 * Key scheme (stable; consumers and the bucket's lifecycle rules depend on it):
 * `archive/<folders…>/region=<region>/date=<yyyy-mm-dd>[/instance=<instanceId>]/<eventId>.json`
 * - events are archived under `<source>/<type>`, alerts under `alerts`;
 * - `date` is the UTC day of the event time, or of the processing time when the event time cannot be parsed;
 * - the event id as file name makes a repeated write land on the same key (idempotent);
 * - `key=value` folders let SLS/MaxCompute-style tools treat them as partitions.
 */

/** What an archive key is built from. */
export interface ArchiveKeyParts {
  /** Folders after `archive/`, e.g. `['acs.ecs', 'ecs:Instance:StateChange']` or `['alerts']`. */
  readonly folders: readonly string[];
  readonly region: string;
  /** The event, for its id and time. */
  readonly event: Pick<EventEnvelope, 'id' | 'timeMs'>;
  /** Processing time, used for `date` when the event time is unknown. */
  readonly nowMs: number;
  /** Adds the `instance=<id>` folder when set. */
  readonly instanceId?: string;
}

/**
 * Characters kept as they are in a key segment; anything else (notably `/`, which would add a folder, and
 * control characters) is percent-encoded. Every documented type, source, region and id is made of these only,
 * so their keys read naturally (`ecs:Instance:StateChange`), while an unexpected type can never escape its folder.
 */
const SAFE_SEGMENT = /[^A-Za-z0-9._:=@+-]/g;

/** A single key segment: unsafe characters percent-encoded. */
export function keySegment(text: string): string {
  return text.replace(SAFE_SEGMENT, (c) => encodeURIComponent(c));
}

/** The archive object key of an event or alert. */
export function archiveKey(parts: ArchiveKeyParts): string {
  const day = new Date(parts.event.timeMs ?? parts.nowMs).toISOString().slice(0, 10);
  return [
    'archive',
    ...parts.folders.map(keySegment),
    `region=${keySegment(parts.region)}`,
    `date=${day}`,
    ...(parts.instanceId === undefined ? [] : [`instance=${keySegment(parts.instanceId)}`]),
    `${encodeURIComponent(parts.event.id)}.json`,
  ].join('/');
}

/** An archived event: normalized fields for queries, and the envelope exactly as received. */
export interface ArchiveRecord {
  readonly normalized: Readonly<Record<string, JsonValue>>;
  readonly original: Readonly<Record<string, unknown>>;
}

/**
 * The record of an archived event: `{ normalized, original }`.
 *
 * `normalized` holds id, source, type, format, time, timeIso, region, accountId, then `fields` (handler
 * specific, e.g. `instanceId`, `state`), then `archivedAt`.
 */
export function archiveRecord(
  event: EventEnvelope,
  region: string,
  nowMs: number,
  fields: Readonly<Record<string, JsonValue>>,
): ArchiveRecord {
  return {
    normalized: {
      id: event.id,
      source: event.source,
      type: event.type,
      format: event.format,
      time: event.time ?? null,
      timeIso: event.timeMs === undefined ? null : new Date(event.timeMs).toISOString(),
      region,
      accountId: event.accountId ?? null,
      ...fields,
      archivedAt: new Date(nowMs).toISOString(),
    },
    original: event.raw,
  };
}

/**
 * Writes a record. No forbid-overwrite: a redelivery (after an expired idempotency marker) rewrites the same key
 * with the same content.
 */
export async function putArchive(store: ObjectStore, key: string, record: unknown): Promise<void> {
  await store.putObject(key, `${JSON.stringify(record)}\n`, { contentType: 'application/json' });
}
