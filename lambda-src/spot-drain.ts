import { DRAIN_SECONDS, SPOT_DRAIN_ENV } from '../contract/env/spot-drain';
import { type IdKind, idPattern } from '../contract/ids';
import { systemClock } from './commons/clock';
import { type CommonConfig, type Env, loadCommonConfig, readInteger } from './commons/config';
import type { HandlerResult, JsonValue } from './commons/context';
import { type DrainDeps, drainInstance } from './commons/drain';
import type { PreemptibleInstanceInterruptionEvent } from './commons/envelope';
import { ConfigurationError } from './commons/errors';
import { type BaseDeps, createFcHandler, type HandlerSpec } from './commons/handler';
import { ALB, createRpcClient, NLB, SLB } from './commons/openapi';
import { serverGroupApi } from './commons/server-group-api';
import { slbApi } from './commons/slb-api';

/**
 * spot-drain: drains a spot instance from every load balancer group it serves in (CLB vServer and default server
 * groups, ALB and NLB server groups) when ECS announces its release (~5 minutes ahead): weight 0 everywhere, one wait
 * of `drainSeconds`, then removal (commons/drain.ts), so clients are not sent to a dying backend and connections in
 * flight can finish (seed scenario 3).
 */

/** Settings of this function. */
export interface SpotDrainConfig extends CommonConfig {
  /** `SPOT_DRAIN_ENV.vServerGroupIds`; empty = discover the CLB groups (vServer and default). */
  readonly vServerGroupIds: readonly string[];
  /** `SPOT_DRAIN_ENV.albServerGroupIds`; empty = every ALB server group of the region. */
  readonly albServerGroupIds: readonly string[];
  /** `SPOT_DRAIN_ENV.nlbServerGroupIds`; empty = every NLB server group of the region. */
  readonly nlbServerGroupIds: readonly string[];
  /** `SPOT_DRAIN_ENV.drainSeconds`. @default 60 */
  readonly drainSeconds: number;
}

/** Dependencies of {@link handle}. */
export interface SpotDrainDeps extends BaseDeps, DrainDeps {
  readonly vServerGroupIds: readonly string[];
  readonly albServerGroupIds: readonly string[];
  readonly nlbServerGroupIds: readonly string[];
  readonly drainSeconds: number;
}

function readIds(env: Env, name: string, kind: IdKind, example: string): string[] {
  const raw = env[name] ?? '';
  const ids = [
    ...new Set(
      raw
        .split(',')
        .map((id) => id.trim())
        .filter((id) => id !== ''),
    ),
  ];
  const pattern = idPattern(kind);
  const bad = ids.find((id) => !pattern.test(id));
  if (bad !== undefined) {
    throw new ConfigurationError(
      `environment variable "${name}": "${raw}" contains "${bad}", which is not ${kind === 'vServerGroup' ? 'a vServer group id' : 'a server group id'}; expected comma-separated ids like ${example}, or empty to discover groups`,
    );
  }
  return ids;
}

/** Reads the environment of this function. */
export function loadConfig(env: Env): SpotDrainConfig {
  return {
    ...loadCommonConfig(env),
    vServerGroupIds: readIds(env, SPOT_DRAIN_ENV.vServerGroupIds, 'vServerGroup', 'rsp-bp1abc'),
    albServerGroupIds: readIds(env, SPOT_DRAIN_ENV.albServerGroupIds, 'serverGroup', 'sgp-bp1abc'),
    nlbServerGroupIds: readIds(env, SPOT_DRAIN_ENV.nlbServerGroupIds, 'serverGroup', 'sgp-bp1abc'),
    drainSeconds: readInteger(env, SPOT_DRAIN_ENV.drainSeconds, DRAIN_SECONDS.default, {
      min: DRAIN_SECONDS.min,
      max: DRAIN_SECONDS.max,
      why: 'the wait must end well within the ~5-minute notice before the instance is released',
    }),
  };
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
  safety: true,
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
