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
}

/** API limit of `RemoveVServerGroupBackendServers`. */
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
        return {
          serverId: server.ServerId,
          port,
          weight: server.Weight === undefined ? 100 : Number(server.Weight),
          type: typeof server.Type === 'string' ? server.Type : 'ecs',
        };
      });
    },
    async removeVServerGroupBackends(vServerGroupId, servers) {
      if (servers.length === 0 || servers.length > MAX_BACKENDS_PER_CALL) {
        throw new PermanentError(`RemoveVServerGroupBackendServers takes 1-20 servers, got ${servers.length}`);
      }
      // The documented format: values as strings, e.g. [{"ServerId":"i-x","Port":"80","Weight":"100","Type":"ecs"}].
      const backendServers = JSON.stringify(
        servers.map((s) => ({ ServerId: s.serverId, Port: String(s.port), Weight: String(s.weight), Type: s.type })),
      );
      await client.call('RemoveVServerGroupBackendServers', {
        RegionId: region,
        VServerGroupId: vServerGroupId,
        BackendServers: backendServers,
      });
    },
  };
}
