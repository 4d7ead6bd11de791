import { createHash } from 'node:crypto';
import { NOTIFY_STATE } from '../../contract/archive';
import type { JsonValue } from '../commons/context';
import { RetryableError } from '../commons/errors';
import type { ObjectStore } from '../commons/oss';
import { DISCOVERY_CONCURRENCY, mapPool } from '../commons/pool';

/**
 * The state of notify's alert policy in the archive bucket (keys in contract/archive.ts, `NOTIFY_STATE`): which alert
 * identity was paged with which status (dedupe), the first alert of an identity (threads), and grouping windows.
 *
 * Everything rests on two OSS guarantees: strong read-after-write consistency for PUT, GET and List, and
 * `x-oss-forbid-overwrite: true`, which makes the first PUT of a key win and every later one fail (409), so it acts as
 * a compare-and-set on absence.
 * @see https://www.alibabacloud.com/help/en/oss/user-guide/overview-of-data-consistency (strong consistency)
 * @see https://www.alibabacloud.com/help/en/oss/developer-reference/putobject (`x-oss-forbid-overwrite`)
 */

const JSON_TYPE = { contentType: 'application/json' } as const;

/** sha256 hex of `parts` joined by newlines: the name of a piece of state. */
export function stateDigest(...parts: readonly string[]): string {
  return createHash('sha256').update(parts.join('\n'), 'utf8').digest('hex');
}

async function readJson<T>(store: ObjectStore, key: string): Promise<T | undefined> {
  const body = await store.getObject(key);
  if (body === undefined) return undefined;
  try {
    return JSON.parse(body) as T;
  } catch {
    // Only this module writes these keys; an unreadable one is treated as absent rather than blocking every alert.
    return undefined;
  }
}

/**
 * Claims "alert `digest` was paged" for `eventId`. The claim is kept by the first event that makes it; the same
 * event claims again on its own retries (a failed send is retried for real).
 * @returns `claimed`, or `already-alerted` when another event claimed it first.
 */
export async function claimAlert(
  store: ObjectStore,
  digest: string,
  eventId: string,
  nowMs: number,
): Promise<'claimed' | 'already-alerted'> {
  const key = NOTIFY_STATE.alerted(digest);
  const body = JSON.stringify({ eventId, claimedAt: new Date(nowMs).toISOString() });
  if (await store.putObject(key, body, { ...JSON_TYPE, forbidOverwrite: true })) return 'claimed';
  const holder = await readJson<{ eventId?: string }>(store, key);
  return holder?.eventId === eventId ? 'claimed' : 'already-alerted';
}

/** The first alert of an identity, which the alerts of its later statuses refer to. */
export interface ThreadRecord {
  readonly eventId: string;
  readonly title: string;
  readonly status: string | null;
  readonly sentAt: string;
}

/** The first alert of identity `digest`, or undefined. */
export function readThread(store: ObjectStore, digest: string): Promise<ThreadRecord | undefined> {
  return readJson<ThreadRecord>(store, NOTIFY_STATE.thread(digest));
}

/** Records the first alert of an identity, unless one is recorded already (the first one stays first). */
export async function openThread(store: ObjectStore, digest: string, record: ThreadRecord): Promise<void> {
  await store.putObject(NOTIFY_STATE.thread(digest), JSON.stringify(record), { ...JSON_TYPE, forbidOverwrite: true });
}

/** The leader record of a grouping window. */
interface LeaderRecord {
  readonly eventId: string;
  readonly openedAt: number;
  readonly endsAt: number;
}

/** The roster of a grouping window: the members its message carries. */
interface Roster {
  readonly members: readonly GroupMember[];
}

/** A member of a grouping window. */
export interface GroupMember {
  readonly eventId: string;
  readonly payload: JsonValue;
}

/** How an event takes part in grouping. */
export type GroupRole =
  /** It opened window `window` and must flush it when it ends (`endsAt`). */
  | { readonly role: 'leader'; readonly window: number; readonly endsAt: number }
  /** It is in window `window`, whose leader sends it (or has sent it). */
  | { readonly role: 'member'; readonly window: number; readonly leader: string };

/** Options of {@link joinGroup}. */
export interface JoinOptions {
  readonly groupDigest: string;
  readonly eventId: string;
  /** Names the member record: one per event. */
  readonly eventDigest: string;
  readonly payload: JsonValue;
  readonly nowMs: number;
  readonly windowMs: number;
}

const memberKey = (prefix: string, eventDigest: string) => `${prefix}members/${eventDigest}.json`;

/**
 * Puts an event into the grouping window of its group, opening one when none is open.
 *
 * Windows are numbered 0, 1, ... per group. The first event to create a window's `leader.json` (forbid-overwrite)
 * leads it: it waits until the window ends, writes `closed.json`, lists the members into `roster.json`, then sends one
 * message. Every other event arriving before the end writes its member record, then reads `closed.json`:
 * - absent: the leader's List comes after its `closed.json`, which comes after this read, which comes after the
 *   member record (strong consistency), so the leader will see it: the member is done (`grouped`);
 * - present: the member may have been too late. If `roster.json` names it, the leader sends it (a leader that dies
 *   is retried by FC, then re-delivered from the dead-letter queue, and sends the same roster); if the roster names
 *   others only, it goes on to the next window; if there is no roster yet (the leader is between the two writes, or
 *   died there), the member fails with a RetryableError, and FC retries it once the roster is there.
 * A retry of an event that already has a member record resumes in that window instead of opening another one.
 * @throws RetryableError while the window it is in is being flushed.
 */
export async function joinGroup(store: ObjectStore, options: JoinOptions): Promise<GroupRole> {
  const { groupDigest, eventId, eventDigest, nowMs } = options;
  const member = JSON.stringify({ eventId, payload: options.payload });
  for (let window = 0; ; window++) {
    const prefix = NOTIFY_STATE.window(groupDigest, window);
    const opened: LeaderRecord = { eventId, openedAt: nowMs, endsAt: nowMs + options.windowMs };
    if (
      await store.putObject(`${prefix}leader.json`, JSON.stringify(opened), { ...JSON_TYPE, forbidOverwrite: true })
    ) {
      await store.putObject(memberKey(prefix, eventDigest), member, JSON_TYPE);
      return { role: 'leader', window, endsAt: opened.endsAt };
    }
    const leader = await readJson<LeaderRecord>(store, `${prefix}leader.json`);
    if (leader === undefined) throw new RetryableError(`grouping window ${prefix} has an unreadable leader record`);
    if (leader.eventId === eventId) {
      await store.putObject(memberKey(prefix, eventDigest), member, JSON_TYPE);
      return { role: 'leader', window, endsAt: leader.endsAt };
    }
    if (nowMs >= leader.endsAt) {
      // Over, unless this is the retry of an event that joined it.
      if ((await store.getObject(memberKey(prefix, eventDigest))) === undefined) continue;
    } else {
      await store.putObject(memberKey(prefix, eventDigest), member, JSON_TYPE);
    }
    if ((await store.getObject(`${prefix}closed.json`)) === undefined) {
      return { role: 'member', window, leader: leader.eventId };
    }
    const roster = await readJson<Roster>(store, `${prefix}roster.json`);
    if (roster === undefined) {
      throw new RetryableError(
        `alert ${eventId} joined grouping window ${prefix} while its leader (event ${leader.eventId}) was closing it; retry to learn whether it is in the message`,
      );
    }
    if (roster.members.some((m) => m.eventId === eventId)) return { role: 'member', window, leader: leader.eventId };
  }
}

/**
 * Closes a window (no member joins it after this) and returns its roster: the members whose alert its message
 * carries, in event id order. The roster is written once (forbid-overwrite) before anything is sent, so a retry of
 * the leader sends the same message, and a member that finds the window closed learns from it whether it is in.
 */
export async function closeWindow(store: ObjectStore, groupDigest: string, window: number): Promise<GroupMember[]> {
  const prefix = NOTIFY_STATE.window(groupDigest, window);
  await store.putObject(`${prefix}closed.json`, '{}', { ...JSON_TYPE, forbidOverwrite: true });
  const existing = await readJson<Roster>(store, `${prefix}roster.json`);
  if (existing !== undefined) return [...existing.members];
  const keys = await store.listObjects(`${prefix}members/`);
  const found = await mapPool(keys, DISCOVERY_CONCURRENCY, (key) => readJson<GroupMember>(store, key));
  const members = found
    .filter((m): m is GroupMember => m !== undefined)
    .sort((a, b) => (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0));
  const roster: Roster = { members };
  if (await store.putObject(`${prefix}roster.json`, JSON.stringify(roster), { ...JSON_TYPE, forbidOverwrite: true })) {
    return members;
  }
  // A concurrent retry of the leader wrote it first: send what it sends.
  return [...((await readJson<Roster>(store, `${prefix}roster.json`))?.members ?? members)];
}

/** Where the delivery records of a window's message go (commons/channels.ts `deliver`). */
export function windowDeliveryPrefix(groupDigest: string, window: number): string {
  return `${NOTIFY_STATE.window(groupDigest, window)}delivered/`;
}
