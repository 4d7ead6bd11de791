import { LIFECYCLE_RESULTS, type LifecycleResult, SCALE_IN_HOOK_ENV } from '../contract/env/scale-in-hook';
import { idPattern } from '../contract/ids';
import { formatLedgerLine } from '../contract/ledger';
import { recordActions } from './commons/actions';
import { systemClock } from './commons/clock';
import { type CommonConfig, type Env, loadCommonConfig, readInteger, readList } from './commons/config';
import type { FcContext, HandlerResult } from './commons/context';
import { type DrainDeps, type DrainSettings, drainInstance, loadDrainSettings } from './commons/drain';
import { ecsApiFor } from './commons/ecs-api';
import { ConfigurationError, ForeignEventError, PermanentError } from './commons/errors';
import {
  type BaseDeps,
  errorFields,
  type FcHandler,
  type HandlerOptions,
  ledgerRecord,
  loadAtContainerStart,
  logOutcome,
} from './commons/handler';
import { consoleSink, writeLog } from './commons/logger';
import { ALB, createRpcClient, ECS, ESS, NLB, SLB } from './commons/openapi';
import { createOssClient } from './commons/oss';
import { DEFAULT_RETRY_SCOPE, deadlineOf, type RetryScope, withRetryScope } from './commons/retry';
import { loadSafetyConfig } from './commons/safety';
import { serverGroupApi } from './commons/server-group-api';
import { slbApi } from './commons/slb-api';
import { lifecycleApi, snapshotApi } from './scale-in-hook/cloud';
import { type DrainReport, handle, type ScaleInHookDeps, type ScaleInHookSettings } from './scale-in-hook/core';
import { type LifecycleNotice, parseNotification } from './scale-in-hook/notification';

/**
 * scale-in-hook: the handler of the ESS scale-in lifecycle hook. ESS publishes the hook's notification to an MNS
 * topic; the function's MNS topic trigger invokes it with that message (see ./scale-in-hook/notification.ts). The
 * core (./scale-in-hook/core.ts) drains the instance, snapshots its data disks, keeps the hook alive with heartbeats
 * and completes the lifecycle action.
 *
 * This adapter follows the conventions of `createFcHandler` (configuration checked at container start, events of
 * another account or region refused before any call, one log line and one ledger record per invocation, typed errors
 * rethrown), for a payload that is not an EventBridge event. Idempotency is the core's own, by lifecycle action (its
 * state object), not by event id: a notification must be handled again until its action completes.
 */

/** Settings of this function. */
export interface ScaleInHookConfig extends CommonConfig {
  readonly hook: ScaleInHookSettings;
  /** How the instance is drained: spot-drain's settings (`spotDrain.*`), passed through the same variables. */
  readonly drain: DrainSettings;
  /**
   * `SAFETY_ENV.dryRun` (`autoScaling.dryRun`, shared with scale-out): drain, snapshot, heartbeat and completion are
   * recorded, not made, and no state is kept; ESS then applies the hook's default result when it times out.
   *
   * The other rails do not apply here (a choice): a lifecycle action has its own age limit (it expires after the
   * heartbeat timeout, and the handler completes it with the default result after `maxWaitMinutes`), and a fleet
   * breaker would only hold instances until ESS applies that default, while the scaling group sets the pace of
   * scale-ins itself.
   */
  readonly dryRun: boolean;
}

const SCALING_GROUP_ID = idPattern('scalingGroup');
const ENV = SCALE_IN_HOOK_ENV;

/** Reads the environment of this function. */
export function loadConfig(env: Env): ScaleInHookConfig {
  const raw = env[ENV.scalingGroupIds] ?? '';
  const ids = readList(env, ENV.scalingGroupIds);
  if (ids.length === 0 || ids.some((id) => !SCALING_GROUP_ID.test(id))) {
    throw new ConfigurationError(
      `environment variable "${ENV.scalingGroupIds}": "${raw}" is not a comma-separated list of scaling group ids (asg-…); it must name the groups whose hook this function serves`,
    );
  }
  const result = env[ENV.defaultResult] ?? 'CONTINUE';
  if (!(LIFECYCLE_RESULTS as readonly string[]).includes(result)) {
    throw new ConfigurationError(
      `environment variable "${ENV.defaultResult}": "${result}" is not allowed; expected ${LIFECYCLE_RESULTS.join(' or ')}`,
    );
  }
  const disks = env[ENV.snapshotDataDisks] ?? 'true';
  if (disks !== 'true' && disks !== 'false') {
    throw new ConfigurationError(`environment variable "${ENV.snapshotDataDisks}": "${disks}" is not true or false`);
  }
  const retention = env[ENV.snapshotRetentionDays];
  return {
    ...loadCommonConfig(env),
    drain: loadDrainSettings(env),
    dryRun: loadSafetyConfig(env).dryRun,
    hook: {
      scalingGroupIds: ids,
      defaultResult: result as LifecycleResult,
      heartbeatTimeoutSeconds: readInteger(env, ENV.heartbeatTimeoutSeconds, 600, { min: 30, max: 21600 }),
      snapshotDataDisks: disks === 'true',
      snapshotRetentionDays:
        retention === undefined || retention === ''
          ? undefined
          : readInteger(env, ENV.snapshotRetentionDays, 30, { min: 1, max: 65536 }),
      maxWaitMinutes: readInteger(env, ENV.maxWaitMinutes, 120, { min: 5, max: 1440 }),
    },
  };
}

/**
 * The drain of the instance: the shared graceful drain (commons/drain.ts: weight 0 in every CLB, ALB and NLB group
 * that holds it, one wait of `spotDrain.drainSeconds`, removal), with spot-drain's group restrictions. ESS detaches the
 * instance from the groups attached to the scaling group itself; the drain tolerates an instance already gone there.
 */
export function hookDrain(deps: DrainDeps, settings: DrainSettings): (instanceId: string) => Promise<DrainReport> {
  return async (instanceId) => {
    const report = await drainInstance(instanceId, deps, {
      drainSeconds: settings.drainSeconds,
      restrict: {
        vServerGroupIds: settings.vServerGroupIds,
        albServerGroupIds: settings.albServerGroupIds,
        nlbServerGroupIds: settings.nlbServerGroupIds,
      },
    });
    return {
      drainedFrom: report.groups.map((group) => `${group.kind}:${group.id}`),
      waitedMs: report.waitedMs,
    };
  };
}

/** Builds the core's dependencies from the function's context. */
export function buildDeps(
  config: ScaleInHookConfig,
  context: FcContext,
  base: BaseDeps,
  extra: { readonly deadline: number; readonly sleep: (ms: number) => Promise<void>; readonly pollIntervalMs?: number },
): ScaleInHookDeps {
  const rpc = (product: typeof ECS, endpoint: URL | undefined) =>
    createRpcClient({ product, credentials: context.credentials, region: context.region, endpoint });
  const ecs = ecsApiFor(context, config.endpoints.ecs);
  return {
    ...base,
    ...extra,
    settings: config.hook,
    lifecycle: lifecycleApi(rpc(ESS, config.endpoints.ess), context.region),
    snapshots: snapshotApi(rpc(ECS, config.endpoints.ecs), context.region),
    disksOf: (instanceId) => ecs.disksOf(instanceId),
    drain: hookDrain(
      {
        slb: slbApi(rpc(SLB, config.endpoints.slb), context.region),
        alb: serverGroupApi('alb', rpc(ALB, config.endpoints.alb), context.region),
        nlb: serverGroupApi('nlb', rpc(NLB, config.endpoints.nlb), context.region),
        actions: base.actions,
        sleep: extra.sleep,
        now: base.now,
      },
      config.drain,
    ),
  };
}

/** Test seams of {@link createScaleInHookHandler}. */
export interface ScaleInHookOptions extends HandlerOptions {
  /** Waits (the drain, between snapshot polls). @default the system clock's sleep (commons/clock.ts) */
  readonly sleep?: (ms: number) => Promise<void>;
  /** @default 15000 */
  readonly pollIntervalMs?: number;
}

const NAME = 'scale-in-hook';

/** Refuses a notification of another account or region, before any call. */
function assertOwn(notice: LifecycleNotice, context: FcContext): void {
  for (const [field, account] of [
    ['TopicOwner', notice.topicOwner],
    ['Message.userId', notice.accountId],
  ] as const) {
    if (account !== undefined && account !== context.accountId) {
      throw new ForeignEventError(
        `handler "${NAME}": notification ${notice.deliveryId} field "${field}" names account "${account}", but this function belongs to account ${context.accountId}; it only acts on its own account`,
      );
    }
  }
  if (notice.regionId !== undefined && notice.regionId !== context.region) {
    throw new PermanentError(
      `notification ${notice.deliveryId} comes from region "${notice.regionId}" but this function runs in "${context.region}"; it only acts on its own region`,
    );
  }
}

/** Assembles the FC handler (see the module comment). */
export function createScaleInHookHandler(env: Env, options: ScaleInHookOptions = {}): FcHandler {
  const sink = options.log ?? consoleSink;
  const now = options.now ?? Date.now;
  // The system clock: a real wait in FC, a simulated one when replay installed it (commons/clock.ts).
  const sleep = options.sleep ?? systemClock.sleep;
  const { config, configError } = loadAtContainerStart(NAME, () => loadConfig(env), sink);

  return (payload, context) => {
    const started = now();
    const deadline = deadlineOf(started, context.function.timeout);
    const scope: RetryScope = { ...DEFAULT_RETRY_SCOPE, now, ...options.retry, deadline };
    return withRetryScope(scope, () => invoke(payload, context, started, deadline));
  };

  async function invoke(
    payload: Buffer,
    context: FcContext,
    started: number,
    deadline: number | undefined,
  ): Promise<HandlerResult> {
    let notice: LifecycleNotice | undefined;
    const actions = recordActions({ dryRun: config?.dryRun ?? false });
    const fields = () => ({
      handler: NAME,
      requestId: context.requestId,
      eventId: notice?.deliveryId,
      type: 'ess:LifecycleHook:ScaleIn (MNS)',
      instanceId: notice?.instanceIds.join(','),
      region: context.region,
    });
    try {
      if (config === undefined) throw configError ?? new ConfigurationError('configuration missing');
      notice = parseNotification(payload);
      assertOwn(notice, context);
      const store = createOssClient({
        bucket: config.archiveBucket,
        region: context.region,
        credentials: context.credentials,
        endpoint: config.endpoints.oss,
      });
      const deps = buildDeps(
        config,
        context,
        { store, now, region: context.region, actions },
        // Without a timeout in the context (tests), one minute: the default function timeout.
        { deadline: deadline ?? started + 60_000, sleep, pollIntervalMs: options.pollIntervalMs },
      );
      const result = await handle(notice, deps);
      const level = result.warning === undefined ? ('info' as const) : ('warn' as const);
      logOutcome(sink, { level, ...fields(), outcome: result.outcome, durationMs: now() - started }, result);
      sink(formatLedgerLine(ledgerRecord(NAME, notice.deliveryId, actions, result, now() - started)));
      return result;
    } catch (error) {
      writeLog(sink, { level: 'error', ...fields(), durationMs: now() - started, ...errorFields(error) });
      sink(formatLedgerLine(ledgerRecord(NAME, notice?.deliveryId ?? '-', actions, error, now() - started)));
      throw error;
    }
  }
}

/** FC entry point (`index.handler`). */
export const handler = createScaleInHookHandler(process.env);
