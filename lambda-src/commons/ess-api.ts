import type { FcContext } from './context';
import { list } from './ecs-api';
import { PermanentError } from './errors';
import { createRpcClient, ESS, listParam, type RpcClient } from './openapi';

/** An instance of a scaling group (`DescribeScalingInstances`). */
export interface ScalingInstance {
  readonly instanceId: string;
  readonly scalingGroupId: string;
  /** `InService`, `Protected`, `Standby`, `Pending`, `Removing`, … */
  readonly lifecycleState: string;
}

/** The Auto Scaling calls our handlers make (API version 2014-08-28). */
export interface EssApi {
  /**
   * Instances of a group (`DescribeScalingInstances`, all pages), optionally restricted to some instance ids
   * (queried {@link MAX_INSTANCES_PER_ESS_CALL} at a time) or to the instances of one scaling activity.
   */
  scalingInstances(
    scalingGroupId: string,
    filter?: { readonly instanceIds?: readonly string[]; readonly scalingActivityId?: string },
  ): Promise<ScalingInstance[]>;
  /** The group of a scaling activity (`DescribeScalingActivities`); undefined when the activity is unknown. */
  groupOfActivity(scalingActivityId: string): Promise<string | undefined>;
  /** `SetInstancesProtection`, {@link MAX_INSTANCES_PER_ESS_CALL} instances per call. */
  setProtection(scalingGroupId: string, instanceIds: readonly string[], protect: boolean): Promise<void>;
}

/** `InstanceIds` of DescribeScalingInstances and SetInstancesProtection take at most 20 ids. */
export const MAX_INSTANCES_PER_ESS_CALL = 20;
const PAGE_SIZE = 100;

/**
 * Auto Scaling over an RPC client. List parameters use the repeat-list encoding (`InstanceIds.1`), what the
 * generated SDKs send for arrays.
 *
 * @see https://www.alibabacloud.com/help/doc-detail/71517.htm (SetInstancesProtection)
 * @see https://www.alibabacloud.com/help/en/auto-scaling/developer-reference/api-ess-2014-08-28-describescalinginstances
 */
export function essApi(client: RpcClient, region: string): EssApi {
  async function describe(scalingGroupId: string, extra: Record<string, string>): Promise<ScalingInstance[]> {
    const found: ScalingInstance[] = [];
    for (let page = 1; ; page++) {
      const body = await client.call('DescribeScalingInstances', {
        RegionId: region,
        ScalingGroupId: scalingGroupId,
        PageNumber: page,
        PageSize: PAGE_SIZE,
        ...extra,
      });
      const items = list(body, 'ScalingInstances', 'ScalingInstance', 'DescribeScalingInstances');
      for (const item of items) {
        if (typeof item.InstanceId !== 'string') {
          throw new PermanentError('ess:DescribeScalingInstances returned an instance without InstanceId');
        }
        found.push({
          instanceId: item.InstanceId,
          scalingGroupId: typeof item.ScalingGroupId === 'string' ? item.ScalingGroupId : scalingGroupId,
          lifecycleState: typeof item.LifecycleState === 'string' ? item.LifecycleState : 'unknown',
        });
      }
      const total = typeof body.TotalCount === 'number' ? body.TotalCount : 0;
      if (items.length < PAGE_SIZE || page * PAGE_SIZE >= total) return found;
    }
  }

  return {
    async scalingInstances(scalingGroupId, filter = {}) {
      const activity: Record<string, string> =
        filter.scalingActivityId === undefined ? {} : { ScalingActivityId: filter.scalingActivityId };
      if (filter.instanceIds === undefined) return describe(scalingGroupId, activity);
      const found: ScalingInstance[] = [];
      for (const chunk of chunks(filter.instanceIds, MAX_INSTANCES_PER_ESS_CALL)) {
        found.push(...(await describe(scalingGroupId, { ...activity, ...listParam('InstanceIds', chunk) })));
      }
      return found;
    },
    async groupOfActivity(scalingActivityId) {
      const body = await client.call('DescribeScalingActivities', {
        RegionId: region,
        ...listParam('ScalingActivityIds', [scalingActivityId]),
      });
      const activity = list(body, 'ScalingActivities', 'ScalingActivity', 'DescribeScalingActivities').find(
        (item) => item.ScalingActivityId === scalingActivityId,
      );
      return typeof activity?.ScalingGroupId === 'string' ? activity.ScalingGroupId : undefined;
    },
    async setProtection(scalingGroupId, instanceIds, protect) {
      for (const chunk of chunks(instanceIds, MAX_INSTANCES_PER_ESS_CALL)) {
        await client.call('SetInstancesProtection', {
          RegionId: region,
          ScalingGroupId: scalingGroupId,
          ProtectedFromScaleIn: protect,
          ...listParam('InstanceIds', chunk),
        });
      }
    },
  };
}

/** Splits a list into chunks of at most `size`. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += size) result.push(items.slice(i, i + size));
  return result;
}

/** The ESS API of `region` (the function's own by default), with the function's credentials. */
export function essApiFor(context: FcContext, endpoint: URL | undefined, region: string = context.region): EssApi {
  return essApi(createRpcClient({ product: ESS, credentials: context.credentials, region, endpoint }), region);
}
