import { isRecord } from './envelope';
import { PermanentError } from './errors';
import type { RpcClient } from './openapi';

/** What handlers need to know about an instance. */
export interface InstanceInfo {
  readonly instanceId: string;
  /** `Pending`, `Running`, `Starting`, `Stopping`, `Stopped`. */
  readonly status: string;
  readonly tags: Readonly<Record<string, string>>;
}

/** The ECS calls our handlers make (API version 2014-05-26). */
export interface EcsApi {
  /** `DescribeInstances` for one id; undefined when the instance does not exist (released). */
  describeInstance(instanceId: string): Promise<InstanceInfo | undefined>;
  /** `StartInstance`. */
  startInstance(instanceId: string): Promise<void>;
}

/**
 * ECS over an RPC client.
 *
 * @see https://www.alibabacloud.com/help/en/ecs/developer-reference/api-describeinstances
 */
export function ecsApi(client: RpcClient, region: string): EcsApi {
  return {
    async describeInstance(instanceId) {
      // InstanceIds is a JSON array string. RAM users lacking permission get an empty list, not an error: the
      // caller treats "not found" as released, which is why the infrastructure must grant ecs:DescribeInstances.
      const body = await client.call('DescribeInstances', {
        RegionId: region,
        InstanceIds: JSON.stringify([instanceId]),
      });
      const instances = list(body, 'Instances', 'Instance', 'DescribeInstances');
      const found = instances.find((item) => item.InstanceId === instanceId);
      if (found === undefined) return undefined;
      const tags: Record<string, string> = {};
      for (const tag of list(found, 'Tags', 'Tag', 'DescribeInstances')) {
        if (typeof tag.TagKey === 'string') tags[tag.TagKey] = typeof tag.TagValue === 'string' ? tag.TagValue : '';
      }
      if (typeof found.Status !== 'string') {
        throw new PermanentError(`ecs:DescribeInstances returned no Status for ${instanceId}`);
      }
      return { instanceId, status: found.Status, tags };
    },
    async startInstance(instanceId) {
      await client.call('StartInstance', { InstanceId: instanceId });
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
