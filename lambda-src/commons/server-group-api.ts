import { PermanentError } from './errors';
import type { RpcClient } from './openapi';

/**
 * The server-group calls of ALB (2020-06-16) and NLB (2022-04-30): the two APIs share names and shapes for what a
 * drain needs (`ListServerGroups`, `ListServerGroupServers`, `UpdateServerGroupServersAttribute`,
 * `RemoveServersFromServerGroup`), answered as flat JSON arrays (`ServerGroups[]`, `Servers[]`) paged by `NextToken`.
 * Lists travel as RPC repeat lists (`Servers.1.ServerId`, `ServerIds.1`), as the generated SDKs send them.
 *
 * Both writes are asynchronous and answer a `JobId`: the service applies them in the background (the server goes
 * `Configuring` → `Available`, or `Removing` → gone).
 * @see https://www.alibabacloud.com/help/en/slb/application-load-balancer/developer-reference/api-alb-2020-06-16-updateservergroupserversattribute
 * @see https://www.alibabacloud.com/help/en/slb/api-updateservergroupserversattribute-nlb
 * @see https://www.alibabacloud.com/help/en/slb/api-removeserversfromservergroup-nlb
 */

/** A server of an ALB or NLB server group. */
export interface GroupServer {
  readonly serverId: string;
  /** `Ecs`, `Eni`, `Eci`, `Ip` (or `Fc` on ALB). */
  readonly serverType: string;
  readonly port: number;
  readonly weight: number;
  /** `Adding`, `Available`, `Configuring` or `Removing`. */
  readonly status?: string;
  /** Set for `Eni`/`Eci`/`Ip` servers. */
  readonly serverIp?: string;
}

/** The ALB or NLB server-group calls of a drain. */
export interface ServerGroupApi {
  /** `alb` or `nlb`. */
  readonly kind: 'alb' | 'nlb';
  /** Every server group id of the region (`ListServerGroups`, all pages). */
  serverGroupIds(): Promise<string[]>;
  /** The entries of `serverId` in a group (`ListServerGroupServers` with `ServerGroupId` and `ServerIds`). */
  serversOf(serverGroupId: string, serverId: string): Promise<GroupServer[]>;
  /** `UpdateServerGroupServersAttribute`; at most {@link MAX_SERVERS_PER_UPDATE} servers. Resolves to the JobId. */
  setWeights(serverGroupId: string, servers: readonly GroupServer[]): Promise<string | undefined>;
  /** `RemoveServersFromServerGroup`; at most {@link MAX_SERVERS_PER_UPDATE} servers. Resolves to the JobId. */
  removeServers(serverGroupId: string, servers: readonly GroupServer[]): Promise<string | undefined>;
}

/**
 * Servers per write call. ALB's UpdateServerGroupServersAttribute takes at most 40; NLB's SDK says 200 where an older
 * doc page says 40, so 40 for both (and for the removals, which allow 200).
 */
export const MAX_SERVERS_PER_UPDATE = 40;
const PAGE_SIZE = 100;

/**
 * An ALB (`kind: 'alb'`) or NLB (`kind: 'nlb'`) client. NLB takes `RegionId` on every call; ALB's requests have no
 * such parameter (its endpoint is regional), so none is sent.
 */
export function serverGroupApi(kind: 'alb' | 'nlb', client: RpcClient, region: string): ServerGroupApi {
  const regionParam = kind === 'nlb' ? { RegionId: region } : {};
  const where = (action: string) => `${kind}:${action}`;
  return {
    kind,
    async serverGroupIds() {
      const ids: string[] = [];
      let token: string | undefined;
      do {
        const body = await client.call('ListServerGroups', { ...regionParam, MaxResults: PAGE_SIZE, NextToken: token });
        for (const group of records(body.ServerGroups, where('ListServerGroups'), 'ServerGroups')) {
          if (typeof group.ServerGroupId === 'string') ids.push(group.ServerGroupId);
        }
        token = typeof body.NextToken === 'string' && body.NextToken !== '' ? body.NextToken : undefined;
      } while (token !== undefined);
      return ids;
    },
    async serversOf(serverGroupId, serverId) {
      const servers: GroupServer[] = [];
      let token: string | undefined;
      do {
        const body = await client.call('ListServerGroupServers', {
          ...regionParam,
          ServerGroupId: serverGroupId,
          ServerIds: [serverId],
          MaxResults: PAGE_SIZE,
          NextToken: token,
        });
        for (const server of records(body.Servers, where('ListServerGroupServers'), 'Servers')) {
          // The filter is the service's; checking again costs nothing and guards against a wider answer.
          if (server.ServerId !== serverId) continue;
          const port = Number(server.Port);
          if (!Number.isInteger(port) || typeof server.ServerType !== 'string') {
            throw new PermanentError(
              `${where('ListServerGroupServers')} returned server ${serverId} without ServerType/Port in ${serverGroupId}`,
            );
          }
          servers.push({
            serverId,
            serverType: server.ServerType,
            port,
            weight: server.Weight === undefined ? 100 : Number(server.Weight),
            status: typeof server.Status === 'string' ? server.Status : undefined,
            serverIp: typeof server.ServerIp === 'string' && server.ServerIp !== '' ? server.ServerIp : undefined,
          });
        }
        token = typeof body.NextToken === 'string' && body.NextToken !== '' ? body.NextToken : undefined;
      } while (token !== undefined);
      return servers;
    },
    async setWeights(serverGroupId, servers) {
      const body = await client.call('UpdateServerGroupServersAttribute', {
        ...regionParam,
        ServerGroupId: serverGroupId,
        Servers: serversParam(where('UpdateServerGroupServersAttribute'), servers, true),
      });
      return typeof body.JobId === 'string' ? body.JobId : undefined;
    },
    async removeServers(serverGroupId, servers) {
      const body = await client.call('RemoveServersFromServerGroup', {
        ...regionParam,
        ServerGroupId: serverGroupId,
        Servers: serversParam(where('RemoveServersFromServerGroup'), servers, false),
      });
      return typeof body.JobId === 'string' ? body.JobId : undefined;
    },
  };
}

function serversParam(action: string, servers: readonly GroupServer[], withWeight: boolean) {
  if (servers.length === 0 || servers.length > MAX_SERVERS_PER_UPDATE) {
    throw new PermanentError(`${action} takes 1-${MAX_SERVERS_PER_UPDATE} servers, got ${servers.length}`);
  }
  return servers.map((s) => ({
    ServerId: s.serverId,
    ServerType: s.serverType,
    Port: s.port,
    ...(withWeight ? { Weight: s.weight } : {}),
    ...(s.serverIp === undefined ? {} : { ServerIp: s.serverIp }),
  }));
}

function records(value: unknown, action: string, field: string): Record<string, unknown>[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'object' && v !== null && !Array.isArray(v))) {
    throw new PermanentError(`${action} returned "${field}" that is not an array of objects`);
  }
  return value as Record<string, unknown>[];
}
