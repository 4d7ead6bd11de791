import { DRAIN_SECONDS, SPOT_DRAIN_ENV } from '../../contract/env/spot-drain';
import { type IdKind, idPattern } from '../../contract/ids';
import type { Actions } from './actions';
import { type Env, readInteger, readList } from './config';
import { ConfigurationError } from './errors';
import { DISCOVERY_CONCURRENCY, mapPool } from './pool';
import { type RetryPolicy, retryScope, withBackoff } from './retry';
import { type GroupServer, MAX_SERVERS_PER_UPDATE, type ServerGroupApi } from './server-group-api';
import { type BackendServer, MAX_BACKENDS_PER_CALL, type SlbApi } from './slb-api';

/**
 * Graceful drain of one ECS instance from every load balancer group that holds it, as Alibaba's own OOS template for
 * spot instances does it: set its weight to 0 everywhere, wait, then remove it everywhere. Shared by spot-drain and
 * the scale-in lifecycle hook.
 *
 * - Groups: classic SLB (CLB) vServer groups and each CLB's default server group, ALB server groups and NLB server
 *   groups; discovered through their APIs with at most {@link DISCOVERY_CONCURRENCY} lookups in flight per kind, or
 *   restricted by configuration (per kind: a non-empty list replaces that kind's discovery).
 * - Weight 0 stops new requests ("If you set the weight of a backend server to 0, no requests are forwarded to the
 *   backend server") while established connections finish; the wait of `drainSeconds` happens **once**, after every
 *   group was set, not per group.
 * - ALB and NLB writes are asynchronous and answer a JobId. The JobIds are reported, not polled: the wait starts
 *   when every change was accepted, and a wait of tens of seconds dwarfs the propagation the docs describe
 *   (`Configuring` → `Available`); polling would add calls per group under the very throttling a spot wave brings.
 *   The removal is likewise accepted asynchronously; a retry finds the server `Removing` or gone.
 * - Idempotent: entries already at weight 0 are not set again, and entries already gone are simply not found, so an
 *   invocation retried after a partial drain finishes the job (it waits once more: the earlier attempt's wait may not
 *   have completed).
 * - Every write goes through `deps.actions.mutate` (ledger, dry run). A dry run reads, records the writes it would
 *   make, and does not wait.
 * @see https://www.alibabacloud.com/help/en/slb/classic-load-balancer/developer-reference/api-slb-2014-05-15-setvservergroupattribute
 * @see https://api.alibabacloud.com/document/Slb/2014-05-15/RemoveVServerGroupBackendServers
 * @see https://www.alibabacloud.com/help/en/slb/application-load-balancer/developer-reference/api-alb-2020-06-16-updateservergroupserversattribute
 * @see https://www.alibabacloud.com/help/en/slb/api-removeserversfromservergroup-nlb
 */

/** What a drain needs. */
export interface DrainDeps {
  readonly slb: SlbApi;
  readonly alb: ServerGroupApi;
  readonly nlb: ServerGroupApi;
  /** Every write goes through it. */
  readonly actions: Actions;
  /** Waits; in Function Compute a real wait, in replay and tests a simulated one. */
  readonly sleep: (ms: number) => Promise<void>;
  /** Epoch milliseconds. */
  readonly now: () => number;
}

/** Groups to look in instead of discovering them, per kind; an empty or absent list means discover that kind. */
export interface DrainRestriction {
  /** CLB vServer groups (`rsp-…`). A non-empty list also skips the CLB default server groups. */
  readonly vServerGroupIds?: readonly string[];
  /** ALB server groups (`sgp-…`). */
  readonly albServerGroupIds?: readonly string[];
  /** NLB server groups (`sgp-…`). */
  readonly nlbServerGroupIds?: readonly string[];
}

/** Options of {@link drainInstance}. */
export interface DrainOptions {
  /** Seconds between weight 0 and removal. */
  readonly drainSeconds: number;
  /** @default - discover every kind */
  readonly restrict?: DrainRestriction;
}

/** A kind of group. */
export type DrainGroupKind = 'clb-vserver-group' | 'clb-default-group' | 'alb-server-group' | 'nlb-server-group';

/** One group that held the instance. */
export interface DrainedGroup {
  readonly kind: DrainGroupKind;
  /** The group id; for a CLB default server group, the load balancer id. */
  readonly id: string;
  /** The ports the instance was registered on (0 for a CLB default server group). */
  readonly ports: readonly number[];
  /** JobIds of the asynchronous ALB/NLB writes (weight, then removal), as answered. */
  readonly jobIds: readonly string[];
}

/** What {@link drainInstance} did. */
export interface DrainReport {
  /** Per kind, whether the groups were `configured` or `discovered`. */
  readonly discovery: { readonly clb: Discovery; readonly alb: Discovery; readonly nlb: Discovery };
  /** Groups looked into. */
  readonly groupsChecked: number;
  /** Groups that held the instance, in the order they were drained. */
  readonly groups: readonly DrainedGroup[];
  /** Milliseconds waited between weight 0 and removal (0 when nothing held the instance, or in a dry run). */
  readonly waitedMs: number;
}

/** How the groups of a kind were found. */
export type Discovery = 'configured' | 'discovered';

interface ClbMembership {
  readonly kind: 'clb-vserver-group' | 'clb-default-group';
  readonly id: string;
  readonly servers: BackendServer[];
}

interface ServerGroupMembership {
  readonly kind: 'alb-server-group' | 'nlb-server-group';
  readonly id: string;
  readonly api: ServerGroupApi;
  readonly servers: GroupServer[];
}

type Membership = ClbMembership | ServerGroupMembership;

function isServerGroup(m: Membership): m is ServerGroupMembership {
  return m.kind === 'alb-server-group' || m.kind === 'nlb-server-group';
}

/**
 * Drains `instanceId`: weight 0 in every group that holds it, one wait of `drainSeconds`, then removal from them all.
 *
 * @example
 * const report = await drainInstance('i-bp1…', deps, { drainSeconds: 60 });
 */
export async function drainInstance(instanceId: string, given: DrainDeps, options: DrainOptions): Promise<DrainReport> {
  const restrict = options.restrict ?? {};
  const deps = { ...given, slb: patientSlb(given.slb), alb: patientGroups(given.alb), nlb: patientGroups(given.nlb) };
  const [clb, alb, nlb] = await Promise.all([
    findClb(instanceId, deps.slb, restrict.vServerGroupIds ?? []),
    findServerGroups(instanceId, deps.alb, restrict.albServerGroupIds ?? []),
    findServerGroups(instanceId, deps.nlb, restrict.nlbServerGroupIds ?? []),
  ]);
  const held = [...clb.held, ...alb.held, ...nlb.held];
  const jobIds = new Map<Membership, string[]>(held.map((m) => [m, []]));

  await mapPool(held, DISCOVERY_CONCURRENCY, async (m) => {
    for (const job of await setWeightZero(instanceId, m, deps.actions, deps.slb)) jobIds.get(m)?.push(job);
  });

  let waitedMs = 0;
  if (held.length > 0 && !deps.actions.dryRun) {
    const started = deps.now();
    await deps.sleep(options.drainSeconds * 1000);
    waitedMs = deps.now() - started;
  }

  await mapPool(held, DISCOVERY_CONCURRENCY, async (m) => {
    for (const job of await remove(instanceId, m, deps.actions, deps.slb)) jobIds.get(m)?.push(job);
  });

  return {
    discovery: { clb: clb.discovery, alb: alb.discovery, nlb: nlb.discovery },
    groupsChecked: clb.checked + alb.checked + nlb.checked,
    groups: held.map((m) => ({
      kind: m.kind,
      id: m.id,
      ports: m.servers.map((s) => s.port),
      jobIds: jobIds.get(m) ?? [],
    })),
    waitedMs,
  };
}

/**
 * The patience of a drain's calls, on top of each client call's own retries: a spot wave throttles the load-balancer
 * APIs (per-second flow control), and a drain has minutes, not milliseconds, so a call still throttled after the
 * client's quick retries is tried again after about a second, then longer, never past the invocation's deadline.
 * Measured with the spot-wave bench: without it, most notices of a throttled wave went to the dead-letter queue.
 */
export const DRAIN_CALL_POLICY: RetryPolicy = { attempts: 6, baseMs: 1000, capMs: 8000 };

function patient<T>(work: () => Promise<T>): Promise<T> {
  return withBackoff(work, { ...retryScope(), policy: DRAIN_CALL_POLICY });
}

/** The load-balancer APIs with every call made {@link patient}. */
function patientSlb(slb: SlbApi): SlbApi {
  return Object.fromEntries(
    Object.entries(slb).map(([name, fn]) => [
      name,
      (...args: unknown[]) => patient(() => (fn as (...a: unknown[]) => Promise<unknown>)(...args)),
    ]),
  ) as unknown as SlbApi;
}

function patientGroups(api: ServerGroupApi): ServerGroupApi {
  return {
    kind: api.kind,
    serverGroupIds: () => patient(() => api.serverGroupIds()),
    serversOf: (id, serverId) => patient(() => api.serversOf(id, serverId)),
    setWeights: (id, servers) => patient(() => api.setWeights(id, servers)),
    removeServers: (id, servers) => patient(() => api.removeServers(id, servers)),
  };
}

interface Found {
  readonly discovery: Discovery;
  readonly checked: number;
  readonly held: Membership[];
}

async function findClb(instanceId: string, slb: SlbApi, configured: readonly string[]): Promise<Found> {
  const inVServerGroup = async (id: string): Promise<Membership> => ({
    kind: 'clb-vserver-group',
    id,
    servers: (await slb.vServerGroupBackends(id)).filter((s) => s.serverId === instanceId),
  });
  if (configured.length > 0) {
    const all = await mapPool(configured, DISCOVERY_CONCURRENCY, inVServerGroup);
    return { discovery: 'configured', checked: configured.length, held: all.filter(holds) };
  }
  // DescribeLoadBalancers with ServerId names the load balancers the instance "is added to"; whether that includes
  // an instance that is only in a vServer group is UNCONFIRMED by the API reference. We rely on it (the fake cloud
  // answers both ways alike) and keep `vServerGroupIds` as the way to name groups outright.
  const loadBalancerIds = await slb.loadBalancersWithServer(instanceId);
  const perLoadBalancer = await mapPool(loadBalancerIds, DISCOVERY_CONCURRENCY, async (lb) => ({
    lb,
    groups: await slb.vServerGroupIds(lb),
    defaults: (await slb.defaultGroupBackends(lb)).filter((s) => s.serverId === instanceId),
  }));
  const groupIds = [...new Set(perLoadBalancer.flatMap((p) => p.groups))];
  const vServer = await mapPool(groupIds, DISCOVERY_CONCURRENCY, inVServerGroup);
  const defaults: Membership[] = perLoadBalancer.map((p) => ({
    kind: 'clb-default-group',
    id: p.lb,
    servers: p.defaults,
  }));
  return {
    discovery: 'discovered',
    checked: groupIds.length + loadBalancerIds.length,
    held: [...vServer, ...defaults].filter(holds),
  };
}

async function findServerGroups(
  instanceId: string,
  api: ServerGroupApi,
  configured: readonly string[],
): Promise<Found> {
  // Every group, then the instance's entries group by group: ListServerGroupServers without ServerGroupId (one call
  // for all groups) is allowed by the SDK model but UNCONFIRMED by the docs, so we do not rely on it.
  const ids = configured.length > 0 ? [...configured] : await api.serverGroupIds();
  const kind = api.kind === 'alb' ? 'alb-server-group' : 'nlb-server-group';
  const all = await mapPool(
    ids,
    DISCOVERY_CONCURRENCY,
    async (id): Promise<Membership> => ({
      kind,
      id,
      api,
      servers: await api.serversOf(id, instanceId),
    }),
  );
  return {
    discovery: configured.length > 0 ? 'configured' : 'discovered',
    checked: ids.length,
    held: all.filter(holds),
  };
}

function holds(m: Membership): boolean {
  return m.servers.length > 0;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Sets weight 0 on the entries not yet at 0; the JobIds of ALB/NLB. */
async function setWeightZero(instanceId: string, m: Membership, actions: Actions, slb: SlbApi): Promise<string[]> {
  const target = `${m.id}/${instanceId}`;
  const jobs: string[] = [];
  if (isServerGroup(m)) {
    const pending = m.servers.filter((s) => s.weight !== 0).map((s) => ({ ...s, weight: 0 }));
    for (const batch of chunks(pending, MAX_SERVERS_PER_UPDATE)) {
      const job = await actions.mutate('UpdateServerGroupServersAttribute', target, () =>
        m.api.setWeights(m.id, batch),
      );
      if (job !== undefined) jobs.push(job);
    }
    return jobs;
  }
  const pending = m.servers.filter((s) => s.weight !== 0).map((s) => ({ ...s, weight: 0 }));
  for (const batch of chunks(pending, MAX_BACKENDS_PER_CALL)) {
    if (m.kind === 'clb-vserver-group') {
      await actions.mutate('SetVServerGroupAttribute', target, () => slb.setVServerGroupWeights(m.id, batch));
    } else {
      await actions.mutate('SetBackendServers', target, () => slb.setDefaultGroupWeights(m.id, batch));
    }
  }
  return jobs;
}

/** Removes the entries; the JobIds of ALB/NLB. */
async function remove(instanceId: string, m: Membership, actions: Actions, slb: SlbApi): Promise<string[]> {
  const target = `${m.id}/${instanceId}`;
  const jobs: string[] = [];
  if (isServerGroup(m)) {
    for (const batch of chunks(m.servers, MAX_SERVERS_PER_UPDATE)) {
      const job = await actions.mutate('RemoveServersFromServerGroup', target, () => m.api.removeServers(m.id, batch));
      if (job !== undefined) jobs.push(job);
    }
    return jobs;
  }
  for (const batch of chunks(m.servers, MAX_BACKENDS_PER_CALL)) {
    if (m.kind === 'clb-vserver-group') {
      await actions.mutate('RemoveVServerGroupBackendServers', target, () =>
        slb.removeVServerGroupBackends(m.id, batch),
      );
    } else {
      await actions.mutate('RemoveBackendServers', target, () => slb.removeDefaultGroupBackends(m.id, batch));
    }
  }
  return jobs;
}

/** The drain's settings, read from `SPOT_DRAIN_ENV` (contract/env/spot-drain.ts) by spot-drain and scale-in-hook. */
export interface DrainSettings {
  /** `SPOT_DRAIN_ENV.vServerGroupIds`; empty = discover the CLB groups (vServer and default). */
  readonly vServerGroupIds: readonly string[];
  /** `SPOT_DRAIN_ENV.albServerGroupIds`; empty = every ALB server group of the region. */
  readonly albServerGroupIds: readonly string[];
  /** `SPOT_DRAIN_ENV.nlbServerGroupIds`; empty = every NLB server group of the region. */
  readonly nlbServerGroupIds: readonly string[];
  /** `SPOT_DRAIN_ENV.drainSeconds`. @default 60 */
  readonly drainSeconds: number;
}

function readIds(env: Env, name: string, kind: IdKind, example: string): string[] {
  const raw = env[name] ?? '';
  const ids = readList(env, name);
  const pattern = idPattern(kind);
  const bad = ids.find((id) => !pattern.test(id));
  if (bad !== undefined) {
    throw new ConfigurationError(
      `environment variable "${name}": "${raw}" contains "${bad}", which is not ${kind === 'vServerGroup' ? 'a vServer group id' : 'a server group id'}; expected comma-separated ids like ${example}, or empty to discover groups`,
    );
  }
  return ids;
}

/** Reads the drain's settings; throws a ConfigurationError naming the variable. */
export function loadDrainSettings(env: Env): DrainSettings {
  return {
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
