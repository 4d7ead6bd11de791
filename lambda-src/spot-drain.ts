import { SPOT_DRAIN_ENV } from '../contract/env/spot-drain';
import { idPattern } from '../contract/ids';
import { type CommonConfig, type Env, loadCommonConfig } from './commons/config';
import type { HandlerResult } from './commons/context';
import type { PreemptibleInstanceInterruptionEvent } from './commons/envelope';
import { ConfigurationError } from './commons/errors';
import { type BaseDeps, createFcHandler, type HandlerSpec } from './commons/handler';
import { createRpcClient, SLB } from './commons/openapi';
import { DISCOVERY_CONCURRENCY, mapPool } from './commons/pool';
import { type BackendServer, MAX_BACKENDS_PER_CALL, type SlbApi, slbApi } from './commons/slb-api';

/**
 * spot-drain: removes a spot instance from every classic SLB vServer group it serves in, when ECS announces its
 * release (~5 minutes ahead), so clients are not sent to a dying backend (seed scenario 3).
 *
 * Fixes over the seed: every port the instance is registered on (not a hard-coded 80) and every group (discovered,
 * or the configured `SPOT_DRAIN_ENV.vServerGroupIds`), with the registered weight and type.
 */

/** Settings of this function. */
export interface SpotDrainConfig extends CommonConfig {
  /** `SPOT_DRAIN_ENV.vServerGroupIds`; empty = discover through DescribeLoadBalancers/DescribeVServerGroups. */
  readonly vServerGroupIds: readonly string[];
}

/** Dependencies of {@link handle}. */
export interface SpotDrainDeps extends BaseDeps {
  readonly slb: SlbApi;
  /** Restrict to these groups; empty = discover. */
  readonly vServerGroupIds: readonly string[];
}

const VSERVER_GROUP_ID = idPattern('vServerGroup');

/** Reads the environment of this function. */
export function loadConfig(env: Env): SpotDrainConfig {
  const raw = env[SPOT_DRAIN_ENV.vServerGroupIds] ?? '';
  const ids = [
    ...new Set(
      raw
        .split(',')
        .map((id) => id.trim())
        .filter((id) => id !== ''),
    ),
  ];
  const bad = ids.find((id) => !VSERVER_GROUP_ID.test(id));
  if (bad !== undefined) {
    throw new ConfigurationError(
      `environment variable "${SPOT_DRAIN_ENV.vServerGroupIds}": "${raw}" contains "${bad}", which is not a vServer group id; expected comma-separated ids like rsp-bp1abc, or empty to discover groups`,
    );
  }
  return { ...loadCommonConfig(env), vServerGroupIds: ids };
}

/** Core. */
export async function handle(event: PreemptibleInstanceInterruptionEvent, deps: SpotDrainDeps): Promise<HandlerResult> {
  if (event.action !== 'delete') return { outcome: 'skipped', reason: 'not-delete-action', action: event.action };

  const groups =
    deps.vServerGroupIds.length > 0 ? [...deps.vServerGroupIds] : await discoverGroups(deps.slb, event.instanceId);
  const removed: { vServerGroupId: string; ports: number[] }[] = [];
  for (const groupId of groups) {
    const mine = (await deps.slb.vServerGroupBackends(groupId)).filter((s) => s.serverId === event.instanceId);
    if (mine.length === 0) continue;
    for (let i = 0; i < mine.length; i += MAX_BACKENDS_PER_CALL) {
      await deps.slb.removeVServerGroupBackends(groupId, mine.slice(i, i + MAX_BACKENDS_PER_CALL));
    }
    removed.push({ vServerGroupId: groupId, ports: mine.map((s: BackendServer) => s.port) });
  }
  return {
    outcome: 'ok',
    discovery: deps.vServerGroupIds.length > 0 ? 'configured' : 'discovered',
    groupsChecked: groups.length,
    removed,
  };
}

async function discoverGroups(slb: SlbApi, instanceId: string): Promise<string[]> {
  // One lookup per load balancer, DISCOVERY_CONCURRENCY at a time: fast on a large fleet without throttling SLB.
  const loadBalancerIds = await slb.loadBalancersWithServer(instanceId);
  const groups = await mapPool(loadBalancerIds, DISCOVERY_CONCURRENCY, (id) => slb.vServerGroupIds(id));
  return [...new Set(groups.flat())];
}

/** Wiring of this function. */
export const spec: HandlerSpec<'PreemptibleInstanceInterruption', SpotDrainConfig, SpotDrainDeps> = {
  name: 'spot-drain',
  kind: 'PreemptibleInstanceInterruption',
  safety: true,
  loadConfig,
  buildDeps: (config, context, base) => ({
    ...base,
    slb: slbApi(
      createRpcClient({
        product: SLB,
        credentials: context.credentials,
        region: context.region,
        endpoint: config.endpoints.slb,
      }),
      context.region,
    ),
    vServerGroupIds: config.vServerGroupIds,
  }),
  handle,
};

/** FC entry point (`index.handler`). */
export const handler = createFcHandler(spec, process.env);
