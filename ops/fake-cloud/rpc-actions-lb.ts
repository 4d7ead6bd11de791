import { randomUUID } from 'node:crypto';
import { FakeApiError, type RpcAction } from './rpc-actions';
import type { World, WorldServerGroup } from './world';

/**
 * ALB (2020-06-16) and NLB (2022-04-30) server-group actions of the fake, over `world.albServerGroups` and
 * `world.nlbServerGroups`. Both products answer flat arrays (`ServerGroups[]`, `Servers[]`) paged by `NextToken`,
 * and their writes answer a `JobId`: the fake applies a write at once (the real service applies it asynchronously).
 * Lists arrive as RPC repeat lists (`Servers.1.ServerId`, `ServerIds.1`).
 * @see https://www.alibabacloud.com/help/en/slb/application-load-balancer/developer-reference/api-alb-2020-06-16-updateservergroupserversattribute
 * @see https://www.alibabacloud.com/help/en/slb/api-removeserversfromservergroup-nlb
 */

const requestId = () => randomUUID().toUpperCase();

/** Entries of a repeat list of objects: `Servers.1.ServerId=…` → `[{ ServerId: … }]`, in index order. */
function objectList(params: Readonly<Record<string, string>>, name: string): Record<string, string>[] {
  const byIndex = new Map<number, Record<string, string>>();
  for (const [key, value] of Object.entries(params)) {
    const match = /^(.+)\.(\d+)\.(.+)$/.exec(key);
    if (match === null || match[1] !== name) continue;
    const entry = byIndex.get(Number(match[2])) ?? {};
    entry[match[3]] = value;
    byIndex.set(Number(match[2]), entry);
  }
  return [...byIndex.entries()].sort(([a], [b]) => a - b).map(([, entry]) => entry);
}

function scalarList(params: Readonly<Record<string, string>>, name: string): string[] {
  return Object.entries(params)
    .map(([key, value]) => [/^(.+)\.(\d+)$/.exec(key), value] as const)
    .filter(([match]) => match !== null && match[1] === name)
    .sort(([a], [b]) => Number(a?.[2]) - Number(b?.[2]))
    .map(([, value]) => value);
}

function page<T>(items: readonly T[], params: Readonly<Record<string, string>>): { items: T[]; next?: string } {
  const max = Number(params.MaxResults ?? '20');
  if (!Number.isInteger(max) || max < 1 || max > 100) {
    throw new FakeApiError(400, 'IllegalParam.MaxResults', `MaxResults ${params.MaxResults} is not 1-100`);
  }
  const start = Number(params.NextToken ?? '0');
  const slice = items.slice(start, start + max);
  return { items: slice, next: start + max < items.length ? String(start + max) : undefined };
}

function actionsOver(groupsOf: (world: World) => WorldServerGroup[], product: string): Record<string, RpcAction> {
  const groupOf = (world: World, params: Readonly<Record<string, string>>) => {
    const id = params.ServerGroupId;
    if (id === undefined || id === '')
      throw new FakeApiError(400, 'MissingParam.ServerGroupId', 'ServerGroupId is mandatory');
    const group = groupsOf(world).find((g) => g.id === id);
    if (group === undefined) {
      throw new FakeApiError(
        404,
        'ResourceNotFound.ServerGroup',
        `The specified ${product} server group ${id} does not exist.`,
      );
    }
    return group;
  };
  const servers = (params: Readonly<Record<string, string>>, max: number) => {
    const entries = objectList(params, 'Servers');
    if (entries.length === 0 || entries.length > max) {
      throw new FakeApiError(400, 'IllegalParam.Servers', `Servers takes 1-${max} entries, got ${entries.length}`);
    }
    return entries.map((e) => {
      if (e.ServerId === undefined || e.ServerType === undefined) {
        throw new FakeApiError(400, 'MissingParam.Servers', 'each server needs ServerId and ServerType');
      }
      return {
        serverId: e.ServerId,
        port: Number(e.Port ?? '0'),
        weight: e.Weight === undefined ? undefined : Number(e.Weight),
      };
    });
  };
  return {
    ListServerGroups(world, params) {
      const wanted = scalarList(params, 'ServerGroupIds');
      const all = groupsOf(world).filter((g) => wanted.length === 0 || wanted.includes(g.id));
      const { items, next } = page(all, params);
      return {
        RequestId: requestId(),
        TotalCount: all.length,
        MaxResults: Number(params.MaxResults ?? '20'),
        ...(next === undefined ? {} : { NextToken: next }),
        ServerGroups: items.map((g) => ({
          ServerGroupId: g.id,
          ServerGroupName: g.id,
          ServerGroupStatus: 'Available',
        })),
      };
    },
    ListServerGroupServers(world, params) {
      const ids = scalarList(params, 'ServerIds');
      const groups = params.ServerGroupId === undefined ? groupsOf(world) : [groupOf(world, params)];
      const all = groups.flatMap((g) =>
        g.servers.filter((s) => ids.length === 0 || ids.includes(s.serverId)).map((s) => ({ group: g.id, server: s })),
      );
      const { items, next } = page(all, params);
      return {
        RequestId: requestId(),
        TotalCount: all.length,
        ...(next === undefined ? {} : { NextToken: next }),
        Servers: items.map(({ group, server }) => ({
          ServerGroupId: group,
          ServerId: server.serverId,
          ServerType: server.serverType ?? 'Ecs',
          Port: server.port,
          Weight: server.weight,
          Status: 'Available',
        })),
      };
    },
    UpdateServerGroupServersAttribute(world, params) {
      const group = groupOf(world, params);
      for (const entry of servers(params, 40)) {
        const member = group.servers.find((s) => s.serverId === entry.serverId && s.port === entry.port);
        if (member === undefined) {
          throw new FakeApiError(
            400,
            'ResourceNotFound.BackendServer',
            `${entry.serverId}:${entry.port} is not in ${group.id}`,
          );
        }
        if (entry.weight !== undefined) {
          if (!(Number.isInteger(entry.weight) && entry.weight >= 0 && entry.weight <= 100)) {
            throw new FakeApiError(400, 'IllegalParam.Weight', `Weight ${entry.weight} is not 0-100`);
          }
          member.weight = entry.weight;
        }
      }
      return { RequestId: requestId(), JobId: randomUUID(), ServerGroupId: group.id };
    },
    RemoveServersFromServerGroup(world, params) {
      const group = groupOf(world, params);
      const gone = servers(params, 200).map((e) => `${e.serverId}:${e.port}`);
      group.servers = group.servers.filter((s) => !gone.includes(`${s.serverId}:${s.port}`));
      return { RequestId: requestId(), JobId: randomUUID(), ServerGroupId: group.id };
    },
  };
}

/** ALB 2020-06-16. */
export const ALB_ACTIONS: Readonly<Record<string, RpcAction>> = actionsOver(
  (world) => world.albServerGroups ?? [],
  'ALB',
);

/** NLB 2022-04-30 (every call may carry RegionId; the fake serves one region). */
export const NLB_ACTIONS: Readonly<Record<string, RpcAction>> = actionsOver(
  (world) => world.nlbServerGroups ?? [],
  'NLB',
);
