import { randomUUID } from 'node:crypto';
import type { World } from './world';

/** An API error the fake answers with. */
export class FakeApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** One RPC action over the world state. */
export type RpcAction = (world: World, params: Readonly<Record<string, string>>) => Record<string, unknown>;

/** Products the fake serves, keyed by API version. */
export const PRODUCT_BY_VERSION: Readonly<
  Record<string, 'ecs' | 'slb' | 'alb' | 'nlb' | 'ess' | 'oos' | 'kms' | 'ros'>
> = {
  '2014-05-26': 'ecs',
  '2014-05-15': 'slb',
  '2020-06-16': 'alb',
  '2022-04-30': 'nlb',
  '2014-08-28': 'ess',
  '2019-06-01': 'oos',
  '2016-01-20': 'kms',
  '2019-09-10': 'ros',
};

function required(params: Readonly<Record<string, string>>, name: string): string {
  const value = params[name];
  if (value === undefined || value === '') throw new FakeApiError(400, 'MissingParameter', `${name} is mandatory`);
  return value;
}

function checkRegion(world: World, params: Readonly<Record<string, string>>): void {
  const region = params.RegionId;
  if (region !== undefined && region !== world.region) {
    throw new FakeApiError(
      400,
      'InvalidRegionId.NotFound',
      `RegionId ${region} is not the fake's region ${world.region}`,
    );
  }
}

function jsonArray(params: Readonly<Record<string, string>>, name: string): unknown[] {
  try {
    const value: unknown = JSON.parse(required(params, name));
    if (Array.isArray(value)) return value;
  } catch {
    // fall through
  }
  throw new FakeApiError(400, `InvalidParameter.${name}`, `${name} must be a JSON array string`);
}

const requestId = () => randomUUID().toUpperCase();

/** ECS 2014-05-26. */
export const ECS_ACTIONS: Readonly<Record<string, RpcAction>> = {
  DescribeInstances(world, params) {
    checkRegion(world, params);
    const ids = params.InstanceIds === undefined ? undefined : jsonArray(params, 'InstanceIds');
    const found = world.instances.filter((i) => ids === undefined || ids.includes(i.id));
    return {
      RequestId: requestId(),
      TotalCount: found.length,
      PageNumber: 1,
      PageSize: 10,
      Instances: {
        Instance: found.map((i) => ({
          InstanceId: i.id,
          // Only when the world names the instance, so existing response-shape tests stay exact.
          ...(i.name === undefined ? {} : { InstanceName: i.name }),
          RegionId: world.region,
          Status: i.status,
          Tags: { Tag: Object.entries(i.tags).map(([TagKey, TagValue]) => ({ TagKey, TagValue })) },
        })),
      },
    };
  },
  StartInstance(world, params) {
    const id = required(params, 'InstanceId');
    const instance = world.instances.find((i) => i.id === id);
    if (instance === undefined) throw new FakeApiError(404, 'InvalidInstanceId.NotFound', `instance ${id} not found`);
    if (instance.status !== 'Stopped') {
      throw new FakeApiError(
        403,
        'IncorrectInstanceStatus',
        `the current status of ${id} (${instance.status}) does not support this operation`,
      );
    }
    instance.status = 'Running';
    return { RequestId: requestId() };
  },
};

function group(world: World, id: string) {
  for (const lb of world.loadBalancers) {
    const found = lb.vServerGroups.find((g) => g.id === id);
    if (found !== undefined) return { lb, group: found };
  }
  throw new FakeApiError(400, 'InvalidParameter', `The specified VServerGroupId ${id} does not exist`);
}

function backendList(servers: { serverId: string; port: number; weight: number; type?: string }[]) {
  return {
    BackendServer: servers.map((s) => ({
      ServerId: s.serverId,
      Port: s.port,
      Weight: s.weight,
      Type: s.type ?? 'ecs',
    })),
  };
}

function loadBalancer(world: World, id: string) {
  const lb = world.loadBalancers.find((l) => l.id === id);
  if (lb === undefined) throw new FakeApiError(404, 'InvalidLoadBalancerId.NotFound', `load balancer ${id} not found`);
  return lb;
}

function defaultBackendList(servers: { serverId: string; weight: number; type?: string }[]) {
  return {
    BackendServer: servers.map((s) => ({ ServerId: s.serverId, Weight: s.weight, Type: s.type ?? 'ecs' })),
  };
}

/** The `BackendServers` JSON string of the CLB writes: 1-20 entries with ServerId (and Port in vServer groups). */
function backendEntries(params: Readonly<Record<string, string>>, withPort = true) {
  const entries = jsonArray(params, 'BackendServers');
  if (entries.length === 0 || entries.length > 20) {
    throw new FakeApiError(400, 'InvalidParameter.BackendServers', 'BackendServers takes 1-20 entries');
  }
  return entries.map((entry) => {
    const e = entry as Record<string, unknown>;
    if (typeof e.ServerId !== 'string' || (withPort && e.Port === undefined)) {
      throw new FakeApiError(
        400,
        'InvalidParameter.BackendServers',
        withPort ? 'each entry needs ServerId and Port' : 'each entry needs ServerId',
      );
    }
    const weight = e.Weight === undefined ? undefined : Number(e.Weight);
    if (weight !== undefined && !(Number.isInteger(weight) && weight >= 0 && weight <= 100)) {
      throw new FakeApiError(400, 'InvalidParameter.Weight', `Weight ${String(e.Weight)} is not 0-100`);
    }
    return { serverId: e.ServerId, port: Number(e.Port), weight };
  });
}

/** Classic SLB 2014-05-15. */
export const SLB_ACTIONS: Readonly<Record<string, RpcAction>> = {
  DescribeLoadBalancers(world, params) {
    checkRegion(world, params);
    const serverId = params.ServerId;
    const pageNumber = Number(params.PageNumber ?? '1');
    const pageSize = Number(params.PageSize ?? '10');
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 100) {
      throw new FakeApiError(400, 'InvalidParameter.PageSize', 'PageSize must be 1-100');
    }
    // ServerId matches members of the default server group and of vServer groups alike (for vServer-group-only
    // members the real API's behaviour is UNCONFIRMED; the drain names such groups through configuration if needed).
    const matching = world.loadBalancers.filter(
      (lb) =>
        serverId === undefined ||
        lb.vServerGroups.some((g) => g.backendServers.some((s) => s.serverId === serverId)) ||
        (lb.backendServers ?? []).some((s) => s.serverId === serverId),
    );
    const page = matching.slice((pageNumber - 1) * pageSize, pageNumber * pageSize);
    return {
      RequestId: requestId(),
      TotalCount: matching.length,
      PageNumber: pageNumber,
      PageSize: pageSize,
      LoadBalancers: { LoadBalancer: page.map((lb) => ({ LoadBalancerId: lb.id, RegionId: world.region })) },
    };
  },
  DescribeVServerGroups(world, params) {
    checkRegion(world, params);
    const id = required(params, 'LoadBalancerId');
    const lb = world.loadBalancers.find((l) => l.id === id);
    if (lb === undefined)
      throw new FakeApiError(404, 'InvalidLoadBalancerId.NotFound', `load balancer ${id} not found`);
    return {
      RequestId: requestId(),
      VServerGroups: { VServerGroup: lb.vServerGroups.map((g) => ({ VServerGroupId: g.id, VServerGroupName: g.id })) },
    };
  },
  DescribeVServerGroupAttribute(world, params) {
    checkRegion(world, params);
    const found = group(world, required(params, 'VServerGroupId'));
    return {
      RequestId: requestId(),
      VServerGroupId: found.group.id,
      VServerGroupName: found.group.id,
      LoadBalancerId: found.lb.id,
      BackendServers: backendList(found.group.backendServers),
    };
  },
  SetVServerGroupAttribute(world, params) {
    checkRegion(world, params);
    const found = group(world, required(params, 'VServerGroupId'));
    // Only weights of existing members change (the API "only can be used to modify the weights of backend servers").
    for (const entry of backendEntries(params)) {
      const member = found.group.backendServers.find((s) => s.serverId === entry.serverId && s.port === entry.port);
      if (member === undefined) {
        throw new FakeApiError(
          400,
          'BackendServer.NotExist',
          `${entry.serverId}:${entry.port} is not in ${found.group.id}`,
        );
      }
      if (entry.weight !== undefined) member.weight = entry.weight;
    }
    return {
      RequestId: requestId(),
      VServerGroupId: found.group.id,
      BackendServers: backendList(found.group.backendServers),
    };
  },
  DescribeLoadBalancerAttribute(world, params) {
    checkRegion(world, params);
    const lb = loadBalancer(world, required(params, 'LoadBalancerId'));
    return {
      RequestId: requestId(),
      LoadBalancerId: lb.id,
      BackendServers: defaultBackendList(lb.backendServers ?? []),
    };
  },
  SetBackendServers(world, params) {
    checkRegion(world, params);
    const lb = loadBalancer(world, required(params, 'LoadBalancerId'));
    for (const entry of backendEntries(params, false)) {
      const member = (lb.backendServers ?? []).find((s) => s.serverId === entry.serverId);
      if (member === undefined) {
        throw new FakeApiError(
          400,
          'BackendServer.NotExist',
          `${entry.serverId} is not in the default group of ${lb.id}`,
        );
      }
      if (entry.weight !== undefined) member.weight = entry.weight;
    }
    return {
      RequestId: requestId(),
      LoadBalancerId: lb.id,
      BackendServers: defaultBackendList(lb.backendServers ?? []),
    };
  },
  RemoveBackendServers(world, params) {
    checkRegion(world, params);
    const lb = loadBalancer(world, required(params, 'LoadBalancerId'));
    const ids = backendEntries(params, false).map((e) => e.serverId);
    // Servers that are not members are ignored, as RemoveVServerGroupBackendServers documents for its own case.
    if (lb.backendServers !== undefined) lb.backendServers = lb.backendServers.filter((s) => !ids.includes(s.serverId));
    return {
      RequestId: requestId(),
      LoadBalancerId: lb.id,
      BackendServers: defaultBackendList(lb.backendServers ?? []),
    };
  },
  RemoveVServerGroupBackendServers(world, params) {
    checkRegion(world, params);
    const found = group(world, required(params, 'VServerGroupId'));
    const entries = jsonArray(params, 'BackendServers');
    if (entries.length === 0 || entries.length > 20) {
      throw new FakeApiError(400, 'InvalidParameter.BackendServers', 'BackendServers takes 1-20 entries');
    }
    const toRemove = entries.map((entry) => {
      const e = entry as Record<string, unknown>;
      if (typeof e.ServerId !== 'string' || e.Port === undefined) {
        throw new FakeApiError(400, 'InvalidParameter.BackendServers', 'each entry needs ServerId and Port');
      }
      return `${e.ServerId}:${Number(e.Port)}`;
    });
    // Like the real API, entries that are not members are silently ignored.
    found.group.backendServers = found.group.backendServers.filter(
      (s) => !toRemove.includes(`${s.serverId}:${s.port}`),
    );
    return {
      RequestId: requestId(),
      VServerGroupId: found.group.id,
      BackendServers: backendList(found.group.backendServers),
    };
  },
};
