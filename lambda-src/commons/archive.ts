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
 * Characters kept as they are in a key segment; anything else (notably `/`, which would add a folder, `%`, and
 * control characters) is percent-encoded. Every documented type, source, region and id is made of these only,
 * so their keys read naturally (`ecs:Instance:StateChange`), while an unexpected type can never escape its folder.
 * (The set is the union of the characters the earlier encoder kept, so keys of existing events do not change.)
 */
const SEGMENT_KEEP = /^[A-Za-z0-9._:=@+!~*'()-]$/u;
/** Characters kept in the file name: exactly those `encodeURIComponent` keeps (the earlier encoder). */
const FILE_NAME_KEEP = /^[A-Za-z0-9_.!~*'()-]$/u;

/**
 * Percent-encodes every character not matched by `keep`, byte-exactly and losslessly:
 * - a code point becomes the `%XX` escapes of its UTF-8 bytes (an emoji, a surrogate pair in JavaScript, is one code
 *   point: `😀` -> `%F0%9F%98%80`, never split);
 * - a lone surrogate, which has no UTF-8 form (so OSS could not store it), becomes `%uXXXX` (upper-case hex of the
 *   UTF-16 code unit, the notation of JavaScript's legacy `escape`). Since `%` itself is always encoded (`%25`), a
 *   `%u` in a key can only come from a lone surrogate; {@link decodeKeySegment} reverses both forms.
 */
export function percentEncode(text: string, keep: RegExp): string {
  let out = '';
  for (const char of text) {
    if (keep.test(char)) {
      out += char;
      continue;
    }
    const unit = char.charCodeAt(0);
    if (char.length === 1 && unit >= 0xd800 && unit <= 0xdfff) {
      out += `%u${unit.toString(16).toUpperCase().padStart(4, '0')}`;
      continue;
    }
    for (const byte of Buffer.from(char, 'utf8')) out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/**
 * A single key segment: characters outside the kept set percent-encoded ({@link percentEncode}), and a segment that
 * would read `.` or `..` written `%2E` / `%2E%2E`, so that no URL normalisation (in a client, a proxy or the server)
 * can remove it or climb a folder: the key that is signed is the key that is stored.
 */
export function keySegment(text: string): string {
  const encoded = percentEncode(text, SEGMENT_KEEP);
  return encoded === '.' || encoded === '..' ? encoded.replace(/\./g, '%2E') : encoded;
}

/** Reverses {@link keySegment} and {@link percentEncode}: `%XX` runs as UTF-8, `%uXXXX` as a UTF-16 code unit. */
export function decodeKeySegment(segment: string): string {
  return segment.replace(/(?:%[0-9A-F]{2})+|%u([0-9A-F]{4})/g, (match: string, unit: string | undefined) =>
    unit !== undefined
      ? String.fromCharCode(Number.parseInt(unit, 16))
      : Buffer.from(match.replace(/%/g, ''), 'hex').toString('utf8'),
  );
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
    `${percentEncode(parts.event.id, FILE_NAME_KEEP)}.json`,
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
