import { systemClock } from './commons/clock';
import { type CommonConfig, type Env, loadCommonConfig } from './commons/config';
import type { HandlerResult, JsonValue } from './commons/context';
import { type DrainDeps, type DrainSettings, drainInstance, loadDrainSettings } from './commons/drain';
import type { PreemptibleInstanceInterruptionEvent } from './commons/envelope';
import { type BaseDeps, createFcHandler, type HandlerSpec } from './commons/handler';
import { ALB, createRpcClient, NLB, SLB } from './commons/openapi';
import { ACTION_RAILS } from './commons/rails';
import { serverGroupApi } from './commons/server-group-api';
import { slbApi } from './commons/slb-api';

/**
 * spot-drain: drains a spot instance from every load balancer group it serves in (CLB vServer and default server
 * groups, ALB and NLB server groups) when ECS announces its release (~5 minutes ahead): weight 0 everywhere, one wait
 * of `drainSeconds`, then removal (commons/drain.ts), so clients are not sent to a dying backend and connections in
 * flight can finish (seed scenario 3).
 */

/** Settings of this function: the common ones and the drain's (commons/drain.ts). */
export interface SpotDrainConfig extends CommonConfig, DrainSettings {}

/** Dependencies of {@link handle}. */
export interface SpotDrainDeps extends BaseDeps, DrainDeps {
  readonly vServerGroupIds: readonly string[];
  readonly albServerGroupIds: readonly string[];
  readonly nlbServerGroupIds: readonly string[];
  readonly drainSeconds: number;
}

/** Reads the environment of this function. */
export function loadConfig(env: Env): SpotDrainConfig {
  return { ...loadCommonConfig(env), ...loadDrainSettings(env) };
}

/** Core. */
export async function handle(event: PreemptibleInstanceInterruptionEvent, deps: SpotDrainDeps): Promise<HandlerResult> {
  if (event.action !== 'delete') return { outcome: 'skipped', reason: 'not-delete-action', action: event.action };
  const report = await drainInstance(event.instanceId, deps, {
    drainSeconds: deps.drainSeconds,
    restrict: {
      vServerGroupIds: deps.vServerGroupIds,
      albServerGroupIds: deps.albServerGroupIds,
      nlbServerGroupIds: deps.nlbServerGroupIds,
    },
  });
  const drained: JsonValue[] = report.groups.map((g) => ({
    kind: g.kind,
    id: g.id,
    ports: [...g.ports],
    jobIds: [...g.jobIds],
  }));
  return {
    // Nothing held the instance: the ledger records a skip, not an action.
    outcome: report.groups.length === 0 ? 'skipped' : 'ok',
    reason: report.groups.length === 0 ? 'not-in-any-group' : 'drained',
    discovery: { ...report.discovery },
    groupsChecked: report.groupsChecked,
    drained,
    drainSeconds: deps.drainSeconds,
    waitedMs: report.waitedMs,
  };
}

/** Wiring of this function. */
export const spec: HandlerSpec<'PreemptibleInstanceInterruption', SpotDrainConfig, SpotDrainDeps> = {
  name: 'spot-drain',
  kind: 'PreemptibleInstanceInterruption',
  safety: ACTION_RAILS,
  loadConfig,
  buildDeps: (config, context, base) => {
    const client = (product: typeof SLB, endpoint: URL | undefined) =>
      createRpcClient({ product, credentials: context.credentials, region: context.region, endpoint });
    return {
      ...base,
      slb: slbApi(client(SLB, config.endpoints.slb), context.region),
      alb: serverGroupApi('alb', client(ALB, config.endpoints.alb), context.region),
      nlb: serverGroupApi('nlb', client(NLB, config.endpoints.nlb), context.region),
      // The system clock: in FC a real wait; under replay a simulated one (commons/clock.ts).
      sleep: systemClock.sleep,
      vServerGroupIds: config.vServerGroupIds,
      albServerGroupIds: config.albServerGroupIds,
      nlbServerGroupIds: config.nlbServerGroupIds,
      drainSeconds: config.drainSeconds,
    };
  },
  handle,
};

/** FC entry point (`index.handler`). */
export const handler = createFcHandler(spec, process.env);
