import { list } from './ecs-api';
import { PermanentError } from './errors';
import type { RpcClient } from './openapi';

/** A backend server entry of a vServer group. */
export interface BackendServer {
  readonly serverId: string;
  readonly port: number;
  readonly weight: number;
  /** `ecs`, `eni` or `eci`. */
  readonly type: string;
}

/** The classic SLB (CLB) calls our handlers make (API version 2014-05-15). */
export interface SlbApi {
  /** Ids of load balancers that have `serverId` as a backend (`DescribeLoadBalancers` with `ServerId`, all pages). */
  loadBalancersWithServer(serverId: string): Promise<string[]>;
  /** vServer group ids of a load balancer (`DescribeVServerGroups`). */
  vServerGroupIds(loadBalancerId: string): Promise<string[]>;
  /** Backend servers of a vServer group (`DescribeVServerGroupAttribute`). */
  vServerGroupBackends(vServerGroupId: string): Promise<BackendServer[]>;
  /** `RemoveVServerGroupBackendServers`; at most {@link MAX_BACKENDS_PER_CALL} entries. */
  removeVServerGroupBackends(vServerGroupId: string, servers: readonly BackendServer[]): Promise<void>;
  /** `SetVServerGroupAttribute` with new weights; at most {@link MAX_BACKENDS_PER_CALL} entries. */
  setVServerGroupWeights(vServerGroupId: string, servers: readonly BackendServer[]): Promise<void>;
  /** Backend servers of the default server group of a load balancer (`DescribeLoadBalancerAttribute`; port 0). */
  defaultGroupBackends(loadBalancerId: string): Promise<BackendServer[]>;
  /** `SetBackendServers` (default server group) with new weights; at most {@link MAX_BACKENDS_PER_CALL} entries. */
  setDefaultGroupWeights(loadBalancerId: string, servers: readonly BackendServer[]): Promise<void>;
  /** `RemoveBackendServers` (default server group); at most {@link MAX_BACKENDS_PER_CALL} entries. */
  removeDefaultGroupBackends(loadBalancerId: string, servers: readonly BackendServer[]): Promise<void>;
}

/**
 * API limit of `RemoveVServerGroupBackendServers`, `SetVServerGroupAttribute`, `SetBackendServers` and
 * `RemoveBackendServers`: 20 backend servers per call.
 */
export const MAX_BACKENDS_PER_CALL = 20;
const PAGE_SIZE = 100;

/**
 * Classic SLB over an RPC client.
 *
 * @see https://help.aliyun.com/zh/slb/classic-load-balancer/developer-reference/api-slb-2014-05-15-removevservergroupbackendservers
 */
export function slbApi(client: RpcClient, region: string): SlbApi {
  return {
    async loadBalancersWithServer(serverId) {
      const ids: string[] = [];
      for (let page = 1; ; page++) {
        const body = await client.call('DescribeLoadBalancers', {
          RegionId: region,
          ServerId: serverId,
          PageNumber: page,
          PageSize: PAGE_SIZE,
        });
        const items = list(body, 'LoadBalancers', 'LoadBalancer', 'DescribeLoadBalancers');
        for (const item of items) if (typeof item.LoadBalancerId === 'string') ids.push(item.LoadBalancerId);
        const total = typeof body.TotalCount === 'number' ? body.TotalCount : 0;
        if (items.length < PAGE_SIZE || page * PAGE_SIZE >= total) return ids;
      }
    },
    async vServerGroupIds(loadBalancerId) {
      const body = await client.call('DescribeVServerGroups', { RegionId: region, LoadBalancerId: loadBalancerId });
      return list(body, 'VServerGroups', 'VServerGroup', 'DescribeVServerGroups')
        .map((group) => group.VServerGroupId)
        .filter((id): id is string => typeof id === 'string');
    },
    async vServerGroupBackends(vServerGroupId) {
      const body = await client.call('DescribeVServerGroupAttribute', {
        RegionId: region,
        VServerGroupId: vServerGroupId,
      });
      return list(body, 'BackendServers', 'BackendServer', 'DescribeVServerGroupAttribute').map((server) => {
        const port = Number(server.Port);
        if (typeof server.ServerId !== 'string' || !Number.isInteger(port)) {
          throw new PermanentError(
            `slb:DescribeVServerGroupAttribute returned a backend without ServerId/Port in ${vServerGroupId}`,
          );
        }
        return backendOf(server, server.ServerId, port);
      });
    },
    async removeVServerGroupBackends(vServerGroupId, servers) {
      await client.call('RemoveVServerGroupBackendServers', {
        RegionId: region,
        VServerGroupId: vServerGroupId,
        BackendServers: backendServersParam('RemoveVServerGroupBackendServers', servers, true),
      });
    },
    async setVServerGroupWeights(vServerGroupId, servers) {
      // SetVServerGroupAttribute, not ModifyVServerGroupBackendServers: the latter replaces servers, the former
      // "only can be used to modify the weights of backend servers and names of vServer groups".
      // https://www.alibabacloud.com/help/en/slb/classic-load-balancer/developer-reference/api-slb-2014-05-15-setvservergroupattribute
      await client.call('SetVServerGroupAttribute', {
        RegionId: region,
        VServerGroupId: vServerGroupId,
        BackendServers: backendServersParam('SetVServerGroupAttribute', servers, true),
      });
    },
    async defaultGroupBackends(loadBalancerId) {
      const body = await client.call('DescribeLoadBalancerAttribute', {
        RegionId: region,
        LoadBalancerId: loadBalancerId,
      });
      // Default-group servers have no port of their own (they serve on each listener's backend port).
      return list(body, 'BackendServers', 'BackendServer', 'DescribeLoadBalancerAttribute').map((server) => {
        if (typeof server.ServerId !== 'string') {
          throw new PermanentError(
            `slb:DescribeLoadBalancerAttribute returned a backend without ServerId in ${loadBalancerId}`,
          );
        }
        return backendOf(server, server.ServerId, 0);
      });
    },
    async setDefaultGroupWeights(loadBalancerId, servers) {
      await client.call('SetBackendServers', {
        RegionId: region,
        LoadBalancerId: loadBalancerId,
        BackendServers: backendServersParam('SetBackendServers', servers, false),
      });
    },
    async removeDefaultGroupBackends(loadBalancerId, servers) {
      await client.call('RemoveBackendServers', {
        RegionId: region,
        LoadBalancerId: loadBalancerId,
        BackendServers: backendServersParam('RemoveBackendServers', servers, false),
      });
    },
  };
}

/**
 * The `BackendServers` parameter of the CLB calls: one string holding a JSON array, values as strings, e.g.
 * `[{"ServerId":"i-x","Port":"80","Weight":"100","Type":"ecs"}]`. In a vServer group a backend is its ServerId and
 * Port; the default server group has no Port.
 */
function backendServersParam(action: string, servers: readonly BackendServer[], withPort: boolean): string {
  if (servers.length === 0 || servers.length > MAX_BACKENDS_PER_CALL) {
    throw new PermanentError(`${action} takes 1-${MAX_BACKENDS_PER_CALL} servers, got ${servers.length}`);
  }
  return JSON.stringify(
    servers.map((s) => ({
      ServerId: s.serverId,
      ...(withPort ? { Port: String(s.port) } : {}),
      Weight: String(s.weight),
      Type: s.type,
    })),
  );
}

/** A backend server as the Describe calls answer it: the weight defaults to 100 and the type to `ecs`. */
function backendOf(server: Readonly<Record<string, unknown>>, serverId: string, port: number): BackendServer {
  return {
    serverId,
    port,
    weight: server.Weight === undefined ? 100 : Number(server.Weight),
    type: typeof server.Type === 'string' ? server.Type : 'ecs',
  };
}
