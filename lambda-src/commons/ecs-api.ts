import type { FcContext } from './context';
import { isRecord } from './envelope';
import { PermanentError } from './errors';
import { createRpcClient, ECS, type RpcClient } from './openapi';

/** What handlers need to know about an instance. */
export interface InstanceInfo {
  readonly instanceId: string;
  /** `Pending`, `Running`, `Starting`, `Stopping`, `Stopped`. */
  readonly status: string;
  readonly tags: Readonly<Record<string, string>>;
  /** `InstanceName`, when set. */
  readonly instanceName?: string;
}

/** A disk attached to an instance (`DescribeDisks`). */
export interface DiskInfo {
  readonly diskId: string;
  /** `system` or `data`. */
  readonly type: string;
}

/** Most instance ids per `DescribeInstances` call (`InstanceIds` takes up to 100). */
export const MAX_INSTANCES_PER_DESCRIBE = 100;

/** The ECS calls our handlers make (API version 2014-05-26). */
export interface EcsApi {
  /** `DescribeInstances` for one id; undefined when the instance does not exist (released). */
  describeInstance(instanceId: string): Promise<InstanceInfo | undefined>;
  /** `StartInstance`. */
  startInstance(instanceId: string): Promise<void>;
  /** `DescribeInstances` for up to {@link MAX_INSTANCES_PER_DESCRIBE} ids; released instances are absent. */
  describeInstances(instanceIds: readonly string[]): Promise<InstanceInfo[]>;
  /** Every disk attached to an instance (`DescribeDisks` with `InstanceId`, all pages). */
  disksOf(instanceId: string): Promise<DiskInfo[]>;
  /** `ApplyAutoSnapshotPolicy` for up to {@link MAX_DISKS_PER_POLICY_CALL} disks. */
  applyAutoSnapshotPolicy(policyId: string, diskIds: readonly string[]): Promise<void>;
}

/** Disks per `ApplyAutoSnapshotPolicy` call; the API takes up to 1000, smaller calls fail less as a whole. */
export const MAX_DISKS_PER_POLICY_CALL = 100;
const DISK_PAGE_SIZE = 100;

/**
 * DescribeInstances of up to 100 instances: what each found instance is (status, tags, name).
 *
 * @see https://www.alibabacloud.com/help/en/ecs/developer-reference/api-describeinstances
 */
export async function describeInstances(
  client: RpcClient,
  region: string,
  instanceIds: readonly string[],
): Promise<InstanceInfo[]> {
  if (instanceIds.length === 0) return [];
  if (instanceIds.length > MAX_INSTANCES_PER_DESCRIBE) {
    throw new PermanentError(`DescribeInstances takes at most 100 instance ids, got ${instanceIds.length}`);
  }
  // InstanceIds is a JSON array string. RAM users lacking permission get an empty list, not an error: the
  // caller treats "not found" as released, which is why the infrastructure must grant ecs:DescribeInstances.
  // PageSize 100 so that every requested instance fits one page.
  const body = await client.call('DescribeInstances', {
    RegionId: region,
    InstanceIds: JSON.stringify(instanceIds),
    PageSize: MAX_INSTANCES_PER_DESCRIBE,
  });
  return list(body, 'Instances', 'Instance', 'DescribeInstances')
    .filter((item) => typeof item.InstanceId === 'string' && instanceIds.includes(item.InstanceId))
    .map((found) => {
      const tags: Record<string, string> = {};
      for (const tag of list(found, 'Tags', 'Tag', 'DescribeInstances')) {
        if (typeof tag.TagKey === 'string') tags[tag.TagKey] = typeof tag.TagValue === 'string' ? tag.TagValue : '';
      }
      if (typeof found.Status !== 'string') {
        throw new PermanentError(`ecs:DescribeInstances returned no Status for ${String(found.InstanceId)}`);
      }
      const name = found.InstanceName;
      return {
        instanceId: found.InstanceId as string,
        status: found.Status,
        tags,
        instanceName: typeof name === 'string' && name !== '' ? name : undefined,
      };
    });
}

/**
 * Only the instance reader of {@link ecsApi}, for a handler that reads and never acts (notify): its bundle then leaves
 * out the calls it does not make.
 */
export function instanceReaderFor(context: FcContext, endpoint: URL | undefined): Pick<EcsApi, 'describeInstance'> {
  const client = createRpcClient({ product: ECS, credentials: context.credentials, region: context.region, endpoint });
  return { describeInstance: async (instanceId) => (await describeInstances(client, context.region, [instanceId]))[0] };
}

/**
 * ECS over an RPC client.
 *
 * @see https://www.alibabacloud.com/help/en/ecs/developer-reference/api-describeinstances
 */
export function ecsApi(client: RpcClient, region: string): EcsApi {
  return {
    async describeInstance(instanceId) {
      return (await describeInstances(client, region, [instanceId]))[0];
    },
    describeInstances: (instanceIds) => describeInstances(client, region, instanceIds),
    async startInstance(instanceId) {
      await client.call('StartInstance', { InstanceId: instanceId });
    },
    async disksOf(instanceId) {
      const disks: DiskInfo[] = [];
      for (let page = 1; ; page++) {
        const body = await client.call('DescribeDisks', {
          RegionId: region,
          InstanceId: instanceId,
          PageNumber: page,
          PageSize: DISK_PAGE_SIZE,
        });
        const items = list(body, 'Disks', 'Disk', 'DescribeDisks');
        for (const item of items) {
          if (typeof item.DiskId !== 'string')
            throw new PermanentError('ecs:DescribeDisks returned a disk without DiskId');
          disks.push({ diskId: item.DiskId, type: typeof item.Type === 'string' ? item.Type : 'unknown' });
        }
        const total = typeof body.TotalCount === 'number' ? body.TotalCount : 0;
        if (items.length < DISK_PAGE_SIZE || page * DISK_PAGE_SIZE >= total) return disks;
      }
    },
    async applyAutoSnapshotPolicy(policyId, diskIds) {
      if (diskIds.length === 0 || diskIds.length > MAX_DISKS_PER_POLICY_CALL) {
        throw new PermanentError(
          `ApplyAutoSnapshotPolicy takes 1-${MAX_DISKS_PER_POLICY_CALL} disks here, got ${diskIds.length}`,
        );
      }
      // The documented parameter names are lower camel case, and diskIds is a JSON array string.
      await client.call('ApplyAutoSnapshotPolicy', {
        RegionId: region,
        autoSnapshotPolicyId: policyId,
        diskIds: JSON.stringify(diskIds),
      });
    },
  };
}

/**
 * Reads `body[outer][inner]` as an array of objects (`Instances.Instance[]`); a missing outer or inner key is an
 * empty list, as the APIs omit empty collections.
 */
export function list(
  body: Readonly<Record<string, unknown>>,
  outer: string,
  inner: string,
  action: string,
): Record<string, unknown>[] {
  const container = body[outer];
  if (container === undefined || container === null) return [];
  if (!isRecord(container)) throw new PermanentError(`${action} returned "${outer}" that is not an object`);
  const items = container[inner];
  if (items === undefined || items === null) return [];
  if (!Array.isArray(items) || !items.every(isRecord)) {
    throw new PermanentError(`${action} returned "${outer}.${inner}" that is not an array of objects`);
  }
  return items;
}

/** The ECS API of the function's region, with the function's credentials (and an endpoint override for tests). */
export function ecsApiFor(context: FcContext, endpoint: URL | undefined): EcsApi {
  return ecsApi(
    createRpcClient({ product: ECS, credentials: context.credentials, region: context.region, endpoint }),
    context.region,
  );
}
