import { type CommonConfig, type Env, loadCommonConfig } from '../../lambda-src/commons/config';
import type { HandlerResult } from '../../lambda-src/commons/context';
import { type EcsApi, ecsApiFor } from '../../lambda-src/commons/ecs-api';
import type { InstanceStateChangeEvent } from '../../lambda-src/commons/envelope';
import { ConfigurationError } from '../../lambda-src/commons/errors';
import { type BaseDeps, createFcHandler, type HandlerSpec } from '../../lambda-src/commons/handler';
import { DEFAULT_REQUIRED_TAGS, findingKey, parseRequiredTags, TAG_AUDIT, TAG_AUDIT_ENV } from './contract';

/**
 * tag-audit: when an ECS instance starts running without a required tag, writes a finding to
 * `state/tag-audit/<instanceId>.json` in the archive bucket and logs the outcome line at level `warn`.
 *
 * Built on the handler kit of lambda-src/commons/handler.ts like every built-in handler, so it gets the same rails:
 * the envelope (EventBridge or Cloud Monitor format) is parsed and checked before any side effect, an event of
 * another account or region is refused (and lands in the dead-letter queue), the same event delivered twice acts
 * once (idempotency marker by event id), and one JSON line is logged per invocation. A failed ECS or OSS call is
 * classified by its error code (contract/api-failure.ts): a retryable one is retried by FC, then the dead-letter queue
 * keeps the event.
 *
 * Like the files of lambda-src/, it never imports lib/ (biome.json): what it shares with its unit is in ./contract.ts.
 */

/** Settings of this function. */
export interface TagAuditConfig extends CommonConfig {
  /** `TAG_AUDIT_ENV.requiredTags`. @default ["owner"] */
  readonly requiredTags: readonly string[];
}

/** Dependencies of {@link handle}. */
export interface TagAuditDeps extends BaseDeps {
  readonly ecs: EcsApi;
  readonly requiredTags: readonly string[];
}

/** Reads the environment of this function; throws a {@link ConfigurationError} naming the variable. */
export function loadConfig(env: Env): TagAuditConfig {
  const name = TAG_AUDIT_ENV.requiredTags;
  const raw = env[name];
  let requiredTags = DEFAULT_REQUIRED_TAGS;
  if (raw !== undefined && raw !== '') {
    const parsed = parseRequiredTags(raw);
    if ('problem' in parsed) throw new ConfigurationError(`environment variable "${name}": ${raw}: ${parsed.problem}`);
    requiredTags = parsed.tags;
  }
  return { ...loadCommonConfig(env), requiredTags };
}

/** Core: reads the instance's tags and records a finding when a required one is missing or empty. */
export async function handle(event: InstanceStateChangeEvent, deps: TagAuditDeps): Promise<HandlerResult> {
  if (event.state !== 'Running') return { outcome: 'skipped', reason: 'not-running-event', state: event.state };
  const instance = await deps.ecs.describeInstance(event.instanceId);
  // Released since the event: nothing left to tag.
  if (instance === undefined) return { outcome: 'skipped', reason: 'instance-not-found' };
  const missingTags = deps.requiredTags.filter((key) => (instance.tags[key] ?? '') === '');
  if (missingTags.length === 0) return { outcome: 'ok', action: 'none' };

  const key = findingKey(event.instanceId);
  const finding = {
    instanceId: event.instanceId,
    instanceName: instance.instanceName ?? null,
    region: event.region ?? deps.region,
    missingTags,
    tags: instance.tags,
    eventId: event.id,
    eventTime: event.time ?? null,
    recordedAt: new Date(deps.now()).toISOString(),
  };
  await deps.store.putObject(key, JSON.stringify(finding), { contentType: 'application/json' });
  const listed = missingTags.map((tag) => `"${tag}"`).join(', ');
  return {
    outcome: 'ok',
    action: 'recorded',
    missingTags,
    findingKey: key,
    warning: `instance ${event.instanceId} is running without the tag ${listed}; finding written to ${key}`,
  };
}

/** Wiring of this function. */
export const spec: HandlerSpec<'InstanceStateChange', TagAuditConfig, TagAuditDeps> = {
  name: TAG_AUDIT,
  kind: 'InstanceStateChange',
  loadConfig,
  buildDeps: (config, context, base) => ({
    ...base,
    ecs: ecsApiFor(context, config.endpoints.ecs),
    requiredTags: config.requiredTags,
  }),
  handle,
};

/** FC entry point (`index.handler`). */
export const handler = createFcHandler(spec, process.env);
