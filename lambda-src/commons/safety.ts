import {
  breakerPrefix,
  MAX_EVENT_AGE_HOURS,
  parseSafetyEnv,
  REDRIVE_OVERRIDE_FIELD,
  SAFETY_ENV,
} from '../../contract/env/safety';
import type { Env } from './config';
import type { HandlerResult, JsonValue } from './context';
import { isRecord } from './envelope';
import { ConfigurationError, MalformedEventError, RetryableError } from './errors';
import type { ObjectStore } from './oss';

/**
 * The safety rails every action automation gets from the handler framework (`HandlerSpec.safety`), so that no core
 * carries its own copy: the age limit, the dry run and the fleet breaker (issue #14 items 1-3). The core's per-target
 * guards (auto-restart's restart-loop breaker) stay in the core, on top of these.
 */

/** The safety settings a function runs with. */
export interface SafetyConfig {
  /**
   * `SAFETY_ENV.maxEventAgeHours`; undefined when the variable is unset: no age limit. The stack always sets it
   * (default 24); unset only happens in a hand-made environment (tests of a core), where an age limit against the
   * real clock would make every recorded sample event stale.
   */
  readonly maxEventAgeHours?: number;
  /** `SAFETY_ENV.dryRun`. @default false */
  readonly dryRun: boolean;
  /** `SAFETY_ENV.maxActionsPerHour`; undefined when unset: no breaker (see `maxEventAgeHours` for why). */
  readonly maxActionsPerHour?: number;
}

/**
 * Reads the safety variables.
 * @throws ConfigurationError naming the variable, the value and what is allowed.
 */
export function loadSafetyConfig(env: Env): SafetyConfig {
  const parsed = parseSafetyEnv(env);
  if ('problem' in parsed) {
    const { variable, value, allowed } = parsed.problem;
    throw new ConfigurationError(`environment variable "${variable}": "${value}" is not allowed; expected ${allowed}`);
  }
  const { maxEventAgeHours, dryRun, maxActionsPerHour } = parsed.settings;
  return { maxEventAgeHours, dryRun: dryRun ?? false, maxActionsPerHour };
}

/** A payload with the redrive wrapper removed, and the age limit the operator asked for. */
export interface UnwrappedPayload {
  readonly payload: Buffer;
  /** The deliberate age limit of a redrive (`--max-age-hours`); undefined for an ordinary delivery. */
  readonly maxEventAgeHours?: number;
}

/**
 * Takes the redrive wrapper (`wrapRedrivePayload` of contract/env/safety.ts) off a payload. Anything else is returned
 * as it is. Only a payload that mentions the wrapper's field is parsed here, so ordinary events cost one byte search.
 * @throws MalformedEventError for a wrapper whose age limit is not an integer from 1 to 168 or without an event.
 */
export function unwrapRedrive(payload: Buffer): UnwrappedPayload {
  if (!payload.includes(REDRIVE_OVERRIDE_FIELD)) return { payload };
  let json: unknown;
  try {
    json = JSON.parse(payload.toString('utf8'));
  } catch {
    return { payload };
  }
  if (!isRecord(json) || !(REDRIVE_OVERRIDE_FIELD in json)) return { payload };
  const override = json[REDRIVE_OVERRIDE_FIELD];
  const hours = isRecord(override) ? override.maxEventAgeHours : undefined;
  if (typeof hours !== 'number' || !Number.isInteger(hours) || hours < 1 || hours > MAX_EVENT_AGE_HOURS) {
    throw new MalformedEventError(
      `field "${REDRIVE_OVERRIDE_FIELD}.maxEventAgeHours": ${JSON.stringify(hours)} is not allowed; expected an integer from 1 to ${MAX_EVENT_AGE_HOURS} (the dead-letter retention)`,
    );
  }
  if (!isRecord(json.event)) {
    throw new MalformedEventError(`field "event" of a redriven payload is ${JSON.stringify(json.event)}, not an event`);
  }
  return { payload: Buffer.from(JSON.stringify(json.event)), maxEventAgeHours: hours };
}

const HOUR_MS = 3_600_000;

/**
 * The `skipped`/`stale` result of an event older than `limitHours`, or undefined when it is young enough. An event
 * whose time could not be read is not judged (EventBridge and Cloud Monitor always send one; the envelope parser
 * reads every format they use).
 */
export function staleResult(
  timeMs: number | undefined,
  time: string | undefined,
  nowMs: number,
  limitHours: number | undefined,
): HandlerResult | undefined {
  if (limitHours === undefined || timeMs === undefined) return undefined;
  const ageMs = nowMs - timeMs;
  if (ageMs <= limitHours * HOUR_MS) return undefined;
  return {
    outcome: 'skipped',
    reason: 'stale',
    eventTime: time ?? null,
    ageHours: Math.round((ageMs / HOUR_MS) * 10) / 10,
    maxEventAgeHours: limitHours,
  };
}

/**
 * Thrown by `Actions.mutate` when the fleet breaker refuses the invocation's first mutating call. It is not a
 * {@link HandlerError} on purpose: a core that catches API errors (`instanceof HandlerError`) lets it through, and the
 * framework turns it into the `skipped`/`circuit-open` result. Cores must not swallow it.
 */
export class CircuitOpenError extends Error {
  override readonly name = 'CircuitOpenError';
  /** Actions the automation took in the hour before this one. */
  readonly actionsLastHour: number;
  readonly limit: number;

  constructor(message: string, details: { actionsLastHour: number; limit: number; cause?: unknown }) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.actionsLastHour = details.actionsLastHour;
    this.limit = details.limit;
  }
}

/** Options of {@link claimAction}. */
export interface BreakerOptions {
  readonly store: ObjectStore;
  readonly automation: string;
  /** `maxActionsPerHour`. */
  readonly limit: number;
  /** The event's digest (commons/idempotency.ts): deliveries of one event count as one action. */
  readonly digest: string;
  readonly eventId: string;
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  /** @default {@link BREAKER_SETTLE_MS} */
  readonly settleMs?: number;
}

/**
 * How long a claim waits between its write and the listing that ranks it. Half of it bounds the write (a claim whose
 * write took longer is withdrawn and the invocation retried), the other half covers clock differences between
 * function instances. See {@link claimAction} for why this makes the count exact.
 */
export const BREAKER_SETTLE_MS = 500;

/** `<yyyymmddhh>/`: the UTC hour folder of a claim. */
export function hourFolder(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 13).replace(/[-T]/g, '')}/`;
}

const CLAIM = /^(\d{13})-([0-9a-f]{32})(\.refused)?\.json$/;

/**
 * The fleet breaker's count: may this invocation act? Called once per invocation, at its first mutating call.
 *
 * The count is kept in the archive bucket as one claim object per action, `state/breaker/<automation>/<hour>/
 * <epochMs>-<digest>.json`. The invocation (1) writes its claim, (2) waits until {@link BREAKER_SETTLE_MS} after the
 * time in its key, (3) lists the claims of the last hour (OSS ListObjects is strongly consistent: a listing shows every
 * object whose write finished before it began) and (4) acts only if its claim ranks below the limit, ordering claims
 * by time, then digest. A refused claim is marked `<claim>.refused.json` and no longer counts.
 *
 * Why concurrent invocations cannot overshoot: take the acting claim with the largest key. Every other acting claim
 * has an earlier time, and its write finished within half the settle time of that time (else it would have been
 * withdrawn), so, with clocks at most half the settle time apart, before this claim's listing began. That listing
 * therefore saw every other acting claim ranked before it, and it acts only when they are fewer than the limit.
 * The margin is thus 0 while the function instances' clocks differ by less than 250 ms (UNCONFIRMED for FC: hosts are
 * NTP-synchronised, typically to milliseconds; this is the assumption we chose); a larger skew lets through at most
 * the claims written within that skew of each other. The opposite error (refusing too much) happens only when a
 * claim is withdrawn after others counted it: safe side.
 * Deliveries of one event share a digest and count once.
 *
 * @returns `admitted`, or the count of actions of the last hour when refused (the refusal is recorded).
 * @throws RetryableError when the claim's write was too slow to be counted exactly (the claim is withdrawn first).
 */
export async function claimAction(
  options: BreakerOptions,
): Promise<{ readonly admitted: true } | { readonly admitted: false; readonly actionsLastHour: number }> {
  const { store, now, limit } = options;
  const settleMs = options.settleMs ?? BREAKER_SETTLE_MS;
  const prefix = breakerPrefix(options.automation);
  const stamp = now();
  const name = `${String(stamp).padStart(13, '0')}-${options.digest.slice(0, 32)}`;
  const claimKey = `${prefix}${hourFolder(stamp)}${name}`;
  const json = { contentType: 'application/json' };
  await store.putObject(`${claimKey}.json`, JSON.stringify({ eventId: options.eventId, at: stamp }), json);
  const writeMs = now() - stamp;
  if (writeMs > settleMs / 2) {
    await store.putObject(`${claimKey}.refused.json`, JSON.stringify({ withdrawn: 'slow-write', writeMs }), json);
    throw new RetryableError(
      `fleet breaker of ${options.automation}: the claim took ${writeMs} ms to write (at most ${settleMs / 2} ms keeps the count exact); withdrawn, retrying`,
    );
  }
  await options.sleep(Math.max(0, stamp + settleMs - now()));
  const keys = [
    ...(await store.listObjects(`${prefix}${hourFolder(stamp - HOUR_MS)}`)),
    ...(await store.listObjects(`${prefix}${hourFolder(stamp)}`)),
  ];
  const claims = new Map<string, { at: number; digest: string }>();
  const refused = new Set<string>();
  for (const key of keys) {
    const match = CLAIM.exec(key.slice(key.lastIndexOf('/') + 1));
    if (match === null) continue;
    const claimName = `${match[1]}-${match[2]}`;
    if (match[3] !== undefined) refused.add(claimName);
    else claims.set(claimName, { at: Number(match[1]), digest: match[2] });
  }
  // One entry per event: its earliest claim that still counts, within the hour before this claim.
  const earliest = new Map<string, number>();
  for (const [claimName, claim] of claims) {
    if (refused.has(claimName) || claim.at <= stamp - HOUR_MS) continue;
    const before = earliest.get(claim.digest);
    if (before === undefined || claim.at < before) earliest.set(claim.digest, claim.at);
  }
  const mine = options.digest.slice(0, 32);
  const myAt = earliest.get(mine) ?? stamp;
  const ahead = [...earliest].filter(([digest, at]) => at < myAt || (at === myAt && digest < mine)).length;
  if (ahead < limit) return { admitted: true };
  await store.putObject(`${claimKey}.refused.json`, JSON.stringify({ refused: 'circuit-open', ahead }), json);
  return { admitted: false, actionsLastHour: ahead };
}

/**
 * Whether this refusal is the one that alerts for the open period (the UTC hour): each refusal writes an alert claim
 * `state/breaker/<automation>/alerts/<hour>/claim-<epochMs>-<digest>.json`, waits the settle time and lists the
 * claims of the hour; the one with the smallest key alerts. By the argument of {@link claimAction}, concurrent
 * refusals agree on it unless a claim write is slower than half the settle time, when two may alert.
 */
export async function claimAlert(
  options: Pick<BreakerOptions, 'store' | 'automation' | 'digest' | 'eventId' | 'now' | 'sleep' | 'settleMs'>,
): Promise<boolean> {
  const settleMs = options.settleMs ?? BREAKER_SETTLE_MS;
  const stamp = options.now();
  const folder = `${breakerPrefix(options.automation)}alerts/${hourFolder(stamp)}`;
  const key = `${folder}claim-${String(stamp).padStart(13, '0')}-${options.digest.slice(0, 32)}.json`;
  await options.store.putObject(key, JSON.stringify({ eventId: options.eventId, at: stamp }), {
    contentType: 'application/json',
  });
  await options.sleep(Math.max(0, stamp + settleMs - options.now()));
  const claims = (await options.store.listObjects(`${folder}claim-`)).sort();
  return claims[0] === key;
}

/** The `skipped`/`circuit-open` result. */
export function circuitOpenResult(automation: string, error: CircuitOpenError): HandlerResult {
  return {
    outcome: 'skipped',
    reason: 'circuit-open',
    actionsLastHour: error.actionsLastHour,
    maxActionsPerHour: error.limit,
    warning: `fleet breaker of ${automation}: ${error.actionsLastHour} actions in the last hour reach the limit of ${error.limit} (${SAFETY_ENV.maxActionsPerHour}); not acting`,
  };
}

/** The alert sent once per automation and hour while the breaker is open. */
export interface BreakerAlert {
  readonly kind: 'fleet-breaker';
  readonly severity: 'critical';
  readonly title: string;
  readonly automation: string;
  readonly region: string;
  readonly limit: number;
  readonly actionsLastHour: number;
  readonly eventId: string;
  readonly openedAt: string;
  readonly recommendedAction: string;
  readonly [field: string]: JsonValue;
}

/** Builds the alert of an open breaker. */
export function breakerAlert(
  automation: string,
  region: string,
  error: CircuitOpenError,
  eventId: string,
  nowMs: number,
): BreakerAlert {
  return {
    kind: 'fleet-breaker',
    severity: 'critical',
    title: `[CRITICAL] ${automation} stopped acting: ${error.actionsLastHour} actions in the last hour (limit ${error.limit}, ${region})`,
    automation,
    region,
    limit: error.limit,
    actionsLastHour: error.actionsLastHour,
    eventId,
    openedAt: new Date(nowMs).toISOString(),
    recommendedAction: `find out why so many events arrive; the ledger lists every event skipped (record: ledger, automation: ${automation}, reason: circuit-open)`,
  };
}
