import { randomUUID } from 'node:crypto';
import { FakeApiError, type RpcAction } from './rpc-actions';
import type { World, WorldScalingGroup } from './world';

/**
 * Auto Scaling (ESS) 2014-08-28 actions of the fake, over `world.scalingGroups`.
 *
 * List parameters are accepted in both encodings seen in Alibaba's SDKs and docs: the repeat list `InstanceIds.1`,
 * `InstanceIds.2` (what `OpenApiUtil.query` makes of an array) and the older `InstanceId.1`. Response shapes follow
 * the API reference (`ScalingInstances.ScalingInstance[]`, `ScalingActivities.ScalingActivity[]`); a protected
 * instance is reported with `LifecycleState` `Protected`.
 * @see https://www.alibabacloud.com/help/doc-detail/71517.htm (SetInstancesProtection)
 */

const requestId = () => randomUUID().toUpperCase();

/** Values of a repeat-list parameter (`Name.1`, `Name.2`, …), also accepting the `alias.N` spelling. */
function repeatList(params: Readonly<Record<string, string>>, name: string, alias?: string): string[] {
  const values: [number, string][] = [];
  for (const [key, value] of Object.entries(params)) {
    const match = /^(.+)\.(\d+)$/.exec(key);
    if (match !== null && (match[1] === name || match[1] === alias)) values.push([Number(match[2]), value]);
  }
  return values.sort(([a], [b]) => a - b).map(([, value]) => value);
}

function groupOf(world: World, params: Readonly<Record<string, string>>): WorldScalingGroup {
  const id = params.ScalingGroupId;
  if (id === undefined || id === '')
    throw new FakeApiError(400, 'MissingScalingGroupId', 'ScalingGroupId is mandatory');
  const group = world.scalingGroups.find((g) => g.id === id);
  if (group === undefined) {
    throw new FakeApiError(
      404,
      'InvalidScalingGroupId.NotFound',
      `The specified scaling group "${id}" does not exist.`,
    );
  }
  return group;
}

function checkRegion(world: World, params: Readonly<Record<string, string>>): void {
  if (params.RegionId !== undefined && params.RegionId !== world.region) {
    throw new FakeApiError(400, 'InvalidRegionId.NotFound', `RegionId ${params.RegionId} is not ${world.region}`);
  }
}

function page(params: Readonly<Record<string, string>>): { number: number; size: number } {
  const number = Number(params.PageNumber ?? '1');
  const size = Number(params.PageSize ?? '10');
  if (!Number.isInteger(size) || size < 1 || size > 100) {
    throw new FakeApiError(400, 'InvalidParameter', 'PageSize must be an integer from 1 to 100');
  }
  return { number, size };
}

/** ESS 2014-08-28. */
export const ESS_ACTIONS: Readonly<Record<string, RpcAction>> = {
  DescribeScalingInstances(world, params) {
    checkRegion(world, params);
    const groups = params.ScalingGroupId === undefined ? world.scalingGroups : [groupOf(world, params)];
    const ids = repeatList(params, 'InstanceIds', 'InstanceId');
    if (ids.length > 20) throw new FakeApiError(400, 'InvalidParameter', 'InstanceIds takes at most 20 ids');
    const activityId = params.ScalingActivityId;
    const { number, size } = page(params);
    const rows = groups.flatMap((group) => {
      const ofActivity =
        activityId === undefined ? undefined : (group.activities?.find((a) => a.id === activityId)?.instanceIds ?? []);
      return group.instanceIds
        .filter((id) => ids.length === 0 || ids.includes(id))
        .filter((id) => ofActivity === undefined || ofActivity.includes(id))
        .map((id) => ({
          InstanceId: id,
          ScalingGroupId: group.id,
          LifecycleState: group.protectedInstanceIds.includes(id) ? 'Protected' : 'InService',
          HealthStatus: 'Healthy',
          CreationType: 'AutoCreated',
          ScalingActivityId: group.activities?.find((a) => a.instanceIds.includes(id))?.id,
        }));
    });
    return {
      RequestId: requestId(),
      TotalCount: rows.length,
      PageNumber: number,
      PageSize: size,
      ScalingInstances: { ScalingInstance: rows.slice((number - 1) * size, number * size) },
    };
  },

  DescribeScalingActivities(world, params) {
    checkRegion(world, params);
    const ids = repeatList(params, 'ScalingActivityIds', 'ScalingActivityId');
    if (ids.length > 20) throw new FakeApiError(400, 'InvalidParameter', 'ScalingActivityIds takes at most 20 ids');
    const groups = params.ScalingGroupId === undefined ? world.scalingGroups : [groupOf(world, params)];
    if (params.ScalingGroupId === undefined && ids.length === 0) {
      throw new FakeApiError(400, 'InvalidParameter', 'ScalingGroupId or ScalingActivityIds is required');
    }
    const { number, size } = page(params);
    const rows = groups.flatMap((group) =>
      (group.activities ?? [])
        .filter((a) => ids.length === 0 || ids.includes(a.id))
        .map((a) => ({
          ScalingActivityId: a.id,
          ScalingGroupId: group.id,
          StatusCode: a.statusCode ?? 'Successful',
          Progress: 100,
          TotalCapacity: String(group.instanceIds.length),
          AttachedCapacity: '0',
          AutoCreatedCapacity: String(a.instanceIds.length),
          Cause: 'fake',
          Description: `Add "${a.instanceIds.length}" ECS instance(s)`,
        })),
    );
    return {
      RequestId: requestId(),
      TotalCount: rows.length,
      PageNumber: number,
      PageSize: size,
      ScalingActivities: { ScalingActivity: rows.slice((number - 1) * size, number * size) },
    };
  },

  SetInstancesProtection(world, params) {
    checkRegion(world, params);
    const group = groupOf(world, params);
    const ids = repeatList(params, 'InstanceIds', 'InstanceId');
    if (ids.length === 0 || ids.length > 20) {
      throw new FakeApiError(400, 'InvalidParameter', 'InstanceIds takes 1 to 20 instance ids');
    }
    const protect = params.ProtectedFromScaleIn;
    if (protect !== 'true' && protect !== 'false') {
      throw new FakeApiError(400, 'InvalidParameter', 'ProtectedFromScaleIn must be true or false');
    }
    const missing = ids.find((id) => !group.instanceIds.includes(id));
    if (missing !== undefined) {
      throw new FakeApiError(
        400,
        'InvalidParameter',
        `The specified instance "${missing}" does not belong to the scaling group "${group.id}".`,
      );
    }
    group.protectedInstanceIds =
      protect === 'true'
        ? [...new Set([...group.protectedInstanceIds, ...ids])]
        : group.protectedInstanceIds.filter((id) => !ids.includes(id));
    return { RequestId: requestId() };
  },
};
