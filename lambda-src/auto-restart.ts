import { type CommonConfig, type Env, loadCommonConfig, readInteger, readString } from './commons/config';
import type { HandlerResult } from './commons/context';
import { type EcsApi, ecsApiFor } from './commons/ecs-api';
import type { InstanceStateChangeEvent } from './commons/envelope';
import { HandlerError } from './commons/errors';
import { type BaseDeps, createFcHandler, type HandlerSpec } from './commons/handler';

/**
 * auto-restart: starts an opted-in ECS instance again when it stops (seed scenario 2).
 *
 * Safety rails the seed lacked:
 * - opt-in by tag (`RESTART_TAG_KEY`=`RESTART_TAG_VALUE`), so deliberate stops of other instances are respected;
 * - reads the current status first, never starts an instance that is already starting/running or released;
 * - restart-loop breaker: at most `RESTART_MAX_PER_HOUR` restarts per instance in a sliding hour, tracked as
 *   `state/auto-restart/<instanceId>/<epochMillis>.json` objects in the archive bucket.
 */

/** Settings of this function. */
export interface AutoRestartConfig extends CommonConfig {
  /** `RESTART_TAG_KEY`. @default auto-restart */
  readonly tagKey: string;
  /** `RESTART_TAG_VALUE`. @default true */
  readonly tagValue: string;
  /** `RESTART_MAX_PER_HOUR`. @default 3 */
  readonly maxRestartsPerHour: number;
}

/** Dependencies of {@link handle}. */
export interface AutoRestartDeps extends BaseDeps {
  readonly ecs: EcsApi;
  readonly tagKey: string;
  readonly tagValue: string;
  readonly maxRestartsPerHour: number;
}

// ECS tag keys: up to 128 chars, no `aliyun`/`acs:` prefix, no `http://`; values up to 128 chars.
const TAG_KEY = /^(?!aliyun|acs:)(?!.*https?:\/\/).{1,128}$/;
const TAG_VALUE = /^(?!.*https?:\/\/).{1,128}$/;

/** Reads the environment of this function. */
export function loadConfig(env: Env): AutoRestartConfig {
  return {
    ...loadCommonConfig(env),
    tagKey: readString(
      env,
      'RESTART_TAG_KEY',
      'auto-restart',
      TAG_KEY,
      'an ECS tag key (1-128 chars, not starting with "aliyun" or "acs:")',
    ),
    tagValue: readString(env, 'RESTART_TAG_VALUE', 'true', TAG_VALUE, 'an ECS tag value (1-128 chars)'),
    maxRestartsPerHour: readInteger(env, 'RESTART_MAX_PER_HOUR', 3, { min: 1, max: 60 }),
  };
}

const HOUR_MS = 3_600_000;

/** Prefix of the restart records of an instance. */
export function restartPrefix(instanceId: string): string {
  return `state/auto-restart/${instanceId}/`;
}

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
  if (instance.status === 'Starting' || instance.status === 'Running') {
    return { outcome: 'ok', action: 'none', status: instance.status };
  }
  if (instance.status !== 'Stopped') return { outcome: 'skipped', reason: 'not-stopped', status: instance.status };

  const now = deps.now();
  const recent = (await deps.store.listObjects(restartPrefix(event.instanceId)))
    .map((key) => Number(key.slice(key.lastIndexOf('/') + 1, -'.json'.length)))
    .filter((at) => Number.isFinite(at) && now - at < HOUR_MS);
  if (recent.length >= deps.maxRestartsPerHour) {
    return {
      outcome: 'skipped',
      reason: 'restart-limit',
      restartsLastHour: recent.length,
      warning: `restart loop breaker: ${event.instanceId} was restarted ${recent.length} times in the last hour (limit ${deps.maxRestartsPerHour}); leaving it stopped`,
    };
  }

  let action = 'started';
  try {
    await deps.ecs.startInstance(event.instanceId);
  } catch (error) {
    // IncorrectInstanceStatus: someone else started it between our read and our call. Success if it is starting.
    if (!(error instanceof HandlerError) || error.api?.code !== 'IncorrectInstanceStatus') throw error;
    const again = await deps.ecs.describeInstance(event.instanceId);
    if (again === undefined || (again.status !== 'Starting' && again.status !== 'Running')) throw error;
    action = 'already-starting';
  }
  // Recorded only after a successful start, so failed attempts do not count against the limit.
  await deps.store.putObject(
    `${restartPrefix(event.instanceId)}${now}.json`,
    JSON.stringify({ instanceId: event.instanceId, eventId: event.id, startedAt: new Date(now).toISOString() }),
    { contentType: 'application/json' },
  );
  return { outcome: 'ok', action, restartsLastHour: recent.length + 1 };
}

/** Wiring of this function. */
export const spec: HandlerSpec<'InstanceStateChange', AutoRestartConfig, AutoRestartDeps> = {
  name: 'auto-restart',
  kind: 'InstanceStateChange',
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
