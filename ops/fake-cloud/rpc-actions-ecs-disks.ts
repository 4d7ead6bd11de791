import { randomUUID } from 'node:crypto';
import { FakeApiError, type RpcAction } from './rpc-actions';

/**
 * ECS 2014-05-26 disk actions of the fake: `DescribeDisks` (from each instance's `diskIds`: the first disk is the
 * system disk, the others are data disks) and `ApplyAutoSnapshotPolicy` (records the disks under the policy in
 * `world.autoSnapshotPolicies`). Merged into the ECS actions by fake-cloud.ts.
 */

const requestId = () => randomUUID().toUpperCase();

/** ECS disk actions. */
export const ECS_DISK_ACTIONS: Readonly<Record<string, RpcAction>> = {
  DescribeDisks(world, params) {
    if (params.RegionId !== undefined && params.RegionId !== world.region) {
      throw new FakeApiError(400, 'InvalidRegionId.NotFound', `RegionId ${params.RegionId} is not ${world.region}`);
    }
    const number = Number(params.PageNumber ?? '1');
    const size = Number(params.PageSize ?? '10');
    if (!Number.isInteger(size) || size < 1 || size > 100) {
      throw new FakeApiError(400, 'InvalidParameter.PageSize', 'PageSize must be an integer from 1 to 100');
    }
    const instances = world.instances.filter((i) => params.InstanceId === undefined || i.id === params.InstanceId);
    const policyOf = (diskId: string) => world.autoSnapshotPolicies?.find((p) => p.diskIds.includes(diskId))?.id;
    const disks = instances.flatMap((instance) =>
      (instance.diskIds ?? []).map((diskId, index) => ({
        DiskId: diskId,
        InstanceId: instance.id,
        RegionId: world.region,
        Type: index === 0 ? 'system' : 'data',
        Category: 'cloud_essd',
        Status: 'In_use',
        Size: index === 0 ? 40 : 100,
        EnableAutoSnapshot: policyOf(diskId) !== undefined,
        AutoSnapshotPolicyId: policyOf(diskId) ?? '',
      })),
    );
    return {
      RequestId: requestId(),
      TotalCount: disks.length,
      PageNumber: number,
      PageSize: size,
      Disks: { Disk: disks.slice((number - 1) * size, number * size) },
    };
  },

  ApplyAutoSnapshotPolicy(world, params) {
    const policyId = params.autoSnapshotPolicyId;
    if (policyId === undefined || policyId === '') {
      throw new FakeApiError(400, 'MissingAutoSnapshotPolicyId', 'autoSnapshotPolicyId is mandatory');
    }
    let diskIds: unknown;
    try {
      diskIds = JSON.parse(params.diskIds ?? '');
    } catch {
      diskIds = undefined;
    }
    if (!Array.isArray(diskIds) || diskIds.length === 0 || diskIds.length > 1000) {
      throw new FakeApiError(400, 'InvalidParameter.DiskIds', 'diskIds must be a JSON array of 1 to 1000 disk ids');
    }
    const policy = world.autoSnapshotPolicies?.find((p) => p.id === policyId);
    if (policy === undefined) {
      throw new FakeApiError(404, 'InvalidAutoSnapshotPolicyId.NotFound', `The policy ${policyId} does not exist`);
    }
    const known = new Set(world.instances.flatMap((i) => i.diskIds ?? []));
    const unknown = diskIds.find((id) => typeof id !== 'string' || !known.has(id));
    if (unknown !== undefined) {
      throw new FakeApiError(404, 'InvalidDiskId.NotFound', `The disk ${String(unknown)} does not exist`);
    }
    // A disk has at most one automatic snapshot policy: applying another moves it.
    for (const other of world.autoSnapshotPolicies ?? []) {
      other.diskIds = other.diskIds.filter((id) => !diskIds.includes(id));
    }
    policy.diskIds.push(...(diskIds as string[]));
    return { RequestId: requestId() };
  },
};
