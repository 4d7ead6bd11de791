import { createHash } from 'node:crypto';
import { idempotencyKey as archiveIdempotencyKey } from '../../contract/archive';
import type { HandlerResult } from './context';
import { isRecord } from './envelope';
import type { ObjectStore } from './oss';

/**
 * Idempotency by event: the same event (same `source` + `id`) delivered twice has the effect of one.
 *
 * EventBridge may deliver an event more than once (re-sends and retries keep source + id), so each handler
 * records completion in a marker object `idempotency/<function-name>/<sha256(source \n id)>.json` in the archive
 * bucket:
 *
 * 1. GET the marker; present and younger than the window -> `duplicate`, no side effect.
 * 2. Otherwise run the work.
 * 3. PUT the marker with `x-oss-forbid-overwrite` (409 = a concurrent duplicate finished first: fine).
 *    The archive bucket is versioned, and OSS ignores `x-oss-forbid-overwrite` on versioned buckets (PutObject
 *    reference): the second marker then becomes a new version. That is harmless, because correctness rests on the
 *    GET before the work, not on the 409.
 *
 * The marker is written only after success, so a failed attempt is retried for real. Two concurrent deliveries of
 * the same event can both pass step 1 and both run: that is accepted because every action we take is itself
 * idempotent (StartInstance on a started instance is a no-op for us, removing an already removed backend server is
 * ignored by SLB, archiving writes the same key). The window (`COMMON_ENV.idempotencyWindowSeconds`, default 8 days) covers
 * the dead-letter retention (7 days), so an event re-delivered from a dead-letter queue on its last day is still
 * recognised; the bucket lifecycle rule (infrastructure side) expires `idempotency/` a day after the window, both
 * numbers from contract/retention.ts; the age check below enforces the exact window.
 */

/** What identifies an event. */
export interface EventIdentity {
  readonly source: string;
  readonly id: string;
  readonly type: string;
}

/** Options of {@link runIdempotent}. */
export interface IdempotencyOptions {
  readonly store: ObjectStore;
  /** Function name; markers are per function, so two functions handling one event do not shadow each other. */
  readonly functionName: string;
  readonly windowSeconds: number;
  /** @default Date.now */
  readonly now?: () => number;
  /**
   * Whether a result is remembered (marker written). A result that did nothing on purpose and must not block a later
   * delivery from acting (a dry run, a fleet-breaker refusal) is not. @default - every result
   */
  readonly remember?: (result: HandlerResult) => boolean;
}

/** Stored marker content. */
interface Marker {
  readonly source: string;
  readonly id: string;
  readonly type: string;
  readonly completedAt: number;
  readonly outcome: string;
}

/**
 * sha256 (hex) of an event's identity, `source \n id` as UTF-8: the name of its marker and of other per-event state.
 *
 * UTF-8 cannot encode a lone surrogate (Node writes U+FFFD instead), so two ids differing only in one would share a
 * digest, and the second event would be dropped as a duplicate. Such an identity is hashed in a lossless form
 * instead: a NUL, then `JSON.stringify([source, id])`, which writes lone surrogates as `\uXXXX`. Well-formed
 * identities hash exactly as before, so existing markers keep their keys.
 */
export function eventDigest(event: Pick<EventIdentity, 'source' | 'id'>): string {
  const text = `${event.source}\n${event.id}`;
  const wellFormed = !/[\uD800-\uDFFF]/u.test(text);
  return createHash('sha256')
    .update(wellFormed ? text : `\u0000${JSON.stringify([event.source, event.id])}`, 'utf8')
    .digest('hex');
}

/** The marker key for an event. */
export function idempotencyKey(functionName: string, event: Pick<EventIdentity, 'source' | 'id'>): string {
  return archiveIdempotencyKey(functionName, eventDigest(event));
}

/**
 * Runs `work` once per event within the window.
 *
 * @returns the work's result, or `{ outcome: 'duplicate', firstOutcome, firstCompletedAt }` for a repeat.
 */
export async function runIdempotent(
  event: EventIdentity,
  options: IdempotencyOptions,
  work: () => Promise<HandlerResult>,
): Promise<HandlerResult> {
  const now = options.now ?? Date.now;
  const key = idempotencyKey(options.functionName, event);
  const existing = parseMarker(await options.store.getObject(key));
  if (existing !== undefined && now() - existing.completedAt < options.windowSeconds * 1000) {
    return {
      outcome: 'duplicate',
      firstOutcome: existing.outcome,
      firstCompletedAt: new Date(existing.completedAt).toISOString(),
    };
  }
  const result = await work();
  if (options.remember !== undefined && !options.remember(result)) return result;
  const marker: Marker = {
    source: event.source,
    id: event.id,
    type: event.type,
    completedAt: now(),
    outcome: result.outcome,
  };
  // An expired marker is replaced; otherwise never overwrite a marker a concurrent duplicate wrote.
  await options.store.putObject(key, JSON.stringify(marker), {
    contentType: 'application/json',
    forbidOverwrite: existing === undefined,
  });
  return result;
}

/** A marker we cannot read is treated as absent: running again is safe, skipping a real event is not. */
function parseMarker(text: string | undefined): Marker | undefined {
  if (text === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    if (isRecord(value) && typeof value.completedAt === 'number' && typeof value.outcome === 'string') {
      return value as unknown as Marker;
    }
  } catch {
    // fall through
  }
  return undefined;
}
