import { statePrefix } from '../contract/archive';
import { AUTO_RESTART_ENV } from '../contract/env/auto-restart';
import { TAG_KEY, TAG_KEY_ALLOWED, TAG_VALUE } from '../contract/ids';
import { type CommonConfig, type Env, loadCommonConfig, readInteger, readString } from './commons/config';
import type { HandlerResult } from './commons/context';
import { type EcsApi, ecsApiFor } from './commons/ecs-api';
import type { InstanceStateChangeEvent } from './commons/envelope';
import { HandlerError, RetryableError } from './commons/errors';
import { type BaseDeps, createFcHandler, type HandlerSpec } from './commons/handler';
import { eventDigest } from './commons/idempotency';
import { ACTION_RAILS } from './commons/rails';

/**
 * auto-restart: starts an opted-in ECS instance again when it stops (seed scenario 2).
 *
 * Safety rails the seed lacked:
 * - opt-in by tag (`AUTO_RESTART_ENV.tagKey` = `.tagValue`), so deliberate stops of other instances are respected;
 * - reads the current status first, never starts an instance that is already running or released;
 * - a status still in transition (`Stopping`, `Starting`, `Pending`: anything but `Running` and `Stopped`) is not
 *   settled yet: the invocation fails with a RetryableError (no idempotency marker), so FC retries it and the retry
 *   sees where the instance ended up, instead of marking the event done while the instance is still stopping;
 * - restart-loop breaker: at most `AUTO_RESTART_ENV.maxRestartsPerHour` restarts per instance in a sliding hour, tracked as
 *   `state/auto-restart/<instanceId>/<epochMillis>-<event digest>.json` objects in the archive bucket, counted once
 *   per event (see {@link restartsInLastHour}).
 */

/** Settings of this function. */
export interface AutoRestartConfig extends CommonConfig {
  /** `AUTO_RESTART_ENV.tagKey`. @default auto-restart */
  readonly tagKey: string;
  /** `AUTO_RESTART_ENV.tagValue`. @default true */
  readonly tagValue: string;
  /** `AUTO_RESTART_ENV.maxRestartsPerHour`. @default 3 */
  readonly maxRestartsPerHour: number;
}

/** Dependencies of {@link handle}. */
export interface AutoRestartDeps extends BaseDeps {
  readonly ecs: EcsApi;
  readonly tagKey: string;
  readonly tagValue: string;
  readonly maxRestartsPerHour: number;
}

/** Reads the environment of this function. */
export function loadConfig(env: Env): AutoRestartConfig {
  return {
    ...loadCommonConfig(env),
    tagKey: readString(env, AUTO_RESTART_ENV.tagKey, 'auto-restart', TAG_KEY, TAG_KEY_ALLOWED),
    tagValue: readString(env, AUTO_RESTART_ENV.tagValue, 'true', TAG_VALUE, 'an ECS tag value (1-128 chars)'),
    maxRestartsPerHour: readInteger(env, AUTO_RESTART_ENV.maxRestartsPerHour, 3, { min: 1, max: 60 }),
  };
}

const HOUR_MS = 3_600_000;

/** Prefix of the restart records of an instance. */
export function restartPrefix(instanceId: string): string {
  return `${statePrefix('auto-restart')}${instanceId}/`;
}

/** The key of the restart record of one event: `<prefix><epochMillis>-<event digest>.json`. */
export function restartRecordKey(
  instanceId: string,
  startedAtMs: number,
  event: { source: string; id: string },
): string {
  // The first 32 hex digits of the event's digest (commons/idempotency.ts) are plenty to tell events apart.
  return `${restartPrefix(instanceId)}${startedAtMs}-${eventDigest(event).slice(0, 32)}.json`;
}

/**
 * How many distinct events restarted the instance within the hour before `nowMs`, from the record keys.
 *
 * Records are counted per event digest, not per object. Two concurrent deliveries of one event can both pass the
 * idempotency check and both reach this point (the marker is written after the work): each writes its own record,
 * with its own time, but both records carry the same digest, so they count as one restart. A conditional write
 * (`x-oss-forbid-overwrite`) could not give this guarantee here: the archive bucket is versioned, and OSS ignores
 * that header on versioned buckets (see commons/idempotency.ts). Keys of the older `<epochMillis>.json` form count
 * one each.
 */
export function restartsInLastHour(keys: readonly string[], nowMs: number): number {
  const events = new Set<string>();
  for (const key of keys) {
    const name = key.slice(key.lastIndexOf('/') + 1, -'.json'.length);
    const dash = name.indexOf('-');
    const at = Number(dash === -1 ? name : name.slice(0, dash));
    if (Number.isFinite(at) && nowMs - at < HOUR_MS) events.add(dash === -1 ? name : name.slice(dash + 1));
  }
  return events.size;
}

/** Instance statuses that are settled; anything else is in transition. */
const SETTLED_STATUSES = new Set(['Running', 'Stopped']);

/** Core. */
export async function handle(event: InstanceStateChangeEvent, deps: AutoRestartDeps): Promise<HandlerResult> {
  if (event.state !== 'Stopped') return { outcome: 'skipped', reason: 'not-stopped-event', state: event.state };

  const instance = await deps.ecs.describeInstance(event.instanceId);
  if (instance === undefined) return { outcome: 'skipped', reason: 'instance-not-found' };
  const tagValue = instance.tags[deps.tagKey];
  if (tagValue !== deps.tagValue) {
    return {
      outcome: 'skipped',
      reason: 'not-opted-in',
      detail: `tag "${deps.tagKey}" is ${tagValue === undefined ? 'absent' : `"${tagValue}"`}, restart needs "${deps.tagValue}"`,
    };
  }
  if (!SETTLED_STATUSES.has(instance.status)) throw unsettled(event.instanceId, instance.status);
  if (instance.status === 'Running') return { outcome: 'skipped', reason: 'already-running', status: instance.status };

  const now = deps.now();
  const recent = restartsInLastHour(await deps.store.listObjects(restartPrefix(event.instanceId)), now);
  if (recent >= deps.maxRestartsPerHour) {
    return {
      outcome: 'skipped',
      reason: 'restart-limit',
      restartsLastHour: recent,
      warning: `restart loop breaker: ${event.instanceId} was restarted ${recent} times in the last hour (limit ${deps.maxRestartsPerHour}); leaving it stopped`,
    };
  }

  let action = 'started';
  try {
    await deps.actions.mutate('StartInstance', event.instanceId, () => deps.ecs.startInstance(event.instanceId));
  } catch (error) {
    // IncorrectInstanceStatus: someone else started it between our read and our call. Success if it is starting.
    if (!(error instanceof HandlerError) || error.api?.code !== 'IncorrectInstanceStatus') throw error;
    const again = await deps.ecs.describeInstance(event.instanceId);
    if (again?.status === 'Stopping' || again?.status === 'Pending') throw unsettled(event.instanceId, again.status);
    if (again === undefined || (again.status !== 'Starting' && again.status !== 'Running')) throw error;
    action = 'already-starting';
  }
  // A dry run made no call: it writes no restart record (a record would count against the limit once live).
  if (deps.actions.dryRun) return { outcome: 'ok', action: 'would-start', restartsLastHour: recent };
  // Recorded only after a successful start, so failed attempts do not count against the limit.
  await deps.store.putObject(
    restartRecordKey(event.instanceId, now, event),
    JSON.stringify({ instanceId: event.instanceId, eventId: event.id, startedAt: new Date(now).toISOString() }),
    { contentType: 'application/json' },
  );
  return { outcome: 'ok', action, restartsLastHour: recent + 1 };
}

function unsettled(instanceId: string, status: string): RetryableError {
  return new RetryableError(
    `instance ${instanceId} is "${status}", not settled yet (expected Stopped or Running after a Stopped event); retrying later`,
  );
}

/** Wiring of this function. */
export const spec: HandlerSpec<'InstanceStateChange', AutoRestartConfig, AutoRestartDeps> = {
  name: 'auto-restart',
  kind: 'InstanceStateChange',
  safety: ACTION_RAILS,
  loadConfig,
  buildDeps: (config, context, base) => ({
    ...base,
    ecs: ecsApiFor(context, config.endpoints.ecs),
    tagKey: config.tagKey,
    tagValue: config.tagValue,
    maxRestartsPerHour: config.maxRestartsPerHour,
  }),
  handle,
};

/** FC entry point (`index.handler`). */
export const handler = createFcHandler(spec, process.env);
