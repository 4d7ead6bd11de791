import { randomUUID } from 'node:crypto';
import { FakeApiError, type RpcAction } from './rpc-actions';
import type { World, WorldStackGroup, WorldStackGroupOperation, WorldStackInstance } from './world';

/**
 * ROS 2019-09-10 stack-group actions of the fake, over `world.stackGroups`, reachable as `cloud.ros`: ListStackInstances,
 * DetectStackGroupDrift, GetStackGroupOperation, ListStackGroupOperations, ListStackGroupOperationResults and
 * ListStackResourceDrifts. Calls come through the fake's RPC front door, so their ACS3 signature and security token are
 * verified like every other RPC action.
 *
 * An operation answers `RUNNING` for its first `pollsUntilDone` GetStackGroupOperation calls, then its final status.
 * A drift detection (DetectStackGroupDrift) is a new `DETECT_DRIFT` operation; when it completes, each instance with
 * `driftedResources` is `DRIFTED`, every other one `IN_SYNC`.
 *
 * ListStackResourceDrifts finds only stacks of the fake's own account (`world.accountId`): an instance in another
 * account answers `StackNotFound`. This models the fleet tool's assumption that the administration account cannot read
 * the stacks in member accounts with its own credentials (UNCONFIRMED; the tool works either way). The error codes
 * `StackGroupNotFound`, `StackNotFound` and `StackGroupOperationNotFound` are the fake's reading of the API reference's
 * error list (UNCONFIRMED).
 * Response shapes follow the SDK models of `@alicloud/ros20190910` (src/models/*ResponseBody.ts).
 * @see https://www.alibabacloud.com/help/en/ros/developer-reference/api-ros-2019-09-10-liststackinstances
 * @see https://www.alibabacloud.com/help/en/ros/developer-reference/api-ros-2019-09-10-detectstackgroupdrift
 */
export class FakeRos {
  /** The actions, keyed by name. */
  readonly actions: Readonly<Record<string, RpcAction>>;
  /** GetStackGroupOperation calls so far, by operation id. */
  private readonly polls = new Map<string, number>();
  /** Drift results of completed detections, by `<group>/<account>/<region>`. */
  private readonly drift = new Map<string, { readonly status: 'DRIFTED' | 'IN_SYNC'; readonly time: string }>();
  private driftDetections = 0;
  /** Drift detections whose results were recorded. */
  private readonly completedDrifts = new Set<string>();

  constructor() {
    this.actions = {
      ListStackInstances: (world, params) => {
        const group = groupOf(world, params);
        const { number, size } = page(params, 50);
        const rows = group.instances
          .filter((i) => params.StackInstanceAccountId === undefined || i.accountId === params.StackInstanceAccountId)
          .filter((i) => params.StackInstanceRegionId === undefined || i.regionId === params.StackInstanceRegionId)
          .map((i) => {
            const drift = this.drift.get(instanceKey(group, i));
            return {
              AccountId: i.accountId,
              RegionId: i.regionId,
              ...(i.rdFolderId === undefined ? {} : { RdFolderId: i.rdFolderId }),
              StackGroupId: groupId(group),
              StackGroupName: group.name,
              // As documented: the stack id only in the CURRENT state, the reason only in OUTDATED.
              ...(i.status === 'CURRENT' ? { StackId: stackIdOf(i) } : {}),
              Status: i.status,
              ...(i.status === 'OUTDATED' && i.statusReason !== undefined ? { StatusReason: i.statusReason } : {}),
              StackDriftStatus: drift?.status ?? 'NOT_CHECKED',
              ...(drift === undefined ? {} : { DriftDetectionTime: drift.time }),
            };
          });
        return {
          RequestId: requestId(),
          TotalCount: rows.length,
          PageNumber: number,
          PageSize: size,
          StackInstances: rows.slice((number - 1) * size, number * size),
        };
      },

      DetectStackGroupDrift: (world, params) => {
        const group = groupOf(world, params);
        if (group.operations.some((o) => this.running(o))) {
          throw new FakeApiError(
            409,
            'StackGroupOperationInProgress',
            `another operation of stack group ${group.name} is running`,
          );
        }
        this.driftDetections += 1;
        const id = `drift-${this.driftDetections}-${randomUUID().slice(0, 8)}`;
        group.operations.push({
          id,
          action: 'DETECT_DRIFT',
          status: 'SUCCEEDED',
          pollsUntilDone: group.driftPollsUntilDone ?? 1,
          createTime: isoSeconds(new Date()),
          results: group.instances.map((i) => ({ accountId: i.accountId, regionId: i.regionId, status: 'SUCCEEDED' })),
        });
        return { RequestId: requestId(), OperationId: id };
      },

      GetStackGroupOperation: (world, params) => {
        const { group, operation } = operationOf(world, params);
        this.polls.set(operation.id, (this.polls.get(operation.id) ?? 0) + 1);
        const running = this.running(operation);
        if (!running && operation.action === 'DETECT_DRIFT') this.completeDrift(group, operation);
        return {
          RequestId: requestId(),
          StackGroupOperation: {
            OperationId: operation.id,
            Action: operation.action,
            Status: running ? 'RUNNING' : operation.status,
            StackGroupName: group.name,
            StackGroupId: groupId(group),
            CreateTime: operation.createTime ?? DEFAULT_CREATE_TIME,
            ...(running ? {} : { EndTime: operation.createTime ?? DEFAULT_CREATE_TIME }),
            ...(operation.action === 'DETECT_DRIFT'
              ? { StackGroupDriftDetectionDetail: this.driftDetail(group, running) }
              : {}),
          },
        };
      },

      ListStackGroupOperations: (world, params) => {
        const group = groupOf(world, params);
        const { number, size } = page(params, 50);
        const rows = [...group.operations]
          .sort((a, b) => (b.createTime ?? DEFAULT_CREATE_TIME).localeCompare(a.createTime ?? DEFAULT_CREATE_TIME))
          .map((o) => ({
            OperationId: o.id,
            Action: o.action,
            Status: this.running(o) ? 'RUNNING' : o.status,
            CreateTime: o.createTime ?? DEFAULT_CREATE_TIME,
            StackGroupName: group.name,
            StackGroupId: groupId(group),
          }));
        return {
          RequestId: requestId(),
          TotalCount: rows.length,
          PageNumber: number,
          PageSize: size,
          StackGroupOperations: rows.slice((number - 1) * size, number * size),
        };
      },

      ListStackGroupOperationResults: (world, params) => {
        const { operation } = operationOf(world, params);
        const { number, size } = page(params, 50);
        const running = this.running(operation);
        const rows = operation.results.map((r) => ({
          AccountId: r.accountId,
          RegionId: r.regionId,
          ...(r.rdFolderId === undefined ? {} : { RdFolderId: r.rdFolderId }),
          Status: running ? 'RUNNING' : r.status,
          ...(running || r.statusReason === undefined ? {} : { StatusReason: r.statusReason }),
        }));
        return {
          RequestId: requestId(),
          TotalCount: rows.length,
          PageNumber: number,
          PageSize: size,
          StackGroupOperationResults: rows.slice((number - 1) * size, number * size),
        };
      },

      ListStackResourceDrifts: (world, params) => {
        const stackId = required(params, 'StackId');
        required(params, 'RegionId');
        const found = (world.stackGroups ?? [])
          .flatMap((group) => group.instances.map((instance) => ({ group, instance })))
          .find(({ instance }) => stackIdOf(instance) === stackId && instance.status === 'CURRENT');
        if (found === undefined || found.instance.accountId !== world.accountId) {
          throw new FakeApiError(404, 'StackNotFound', `The Stack (${stackId}) could not be found.`);
        }
        const drift = this.drift.get(instanceKey(found.group, found.instance));
        const rows =
          drift === undefined
            ? []
            : (found.instance.driftedResources ?? []).map((r) => ({
                StackId: stackId,
                LogicalResourceId: r.logicalResourceId,
                ResourceType: r.resourceType,
                ...(r.physicalResourceId === undefined ? {} : { PhysicalResourceId: r.physicalResourceId }),
                ResourceDriftStatus: r.status ?? 'MODIFIED',
                DriftDetectionTime: drift.time,
                PropertyDifferences: (r.propertyPaths ?? []).map((path) => ({
                  PropertyPath: path,
                  DifferenceType: 'NOT_EQUAL',
                })),
              }));
        return { RequestId: requestId(), ResourceDrifts: rows };
      },
    };
  }

  private running(operation: WorldStackGroupOperation): boolean {
    return (this.polls.get(operation.id) ?? 0) <= (operation.pollsUntilDone ?? 0);
  }

  private completeDrift(group: WorldStackGroup, operation: WorldStackGroupOperation): void {
    if (this.completedDrifts.has(operation.id)) return;
    this.completedDrifts.add(operation.id);
    const time = operation.createTime ?? DEFAULT_CREATE_TIME;
    for (const instance of group.instances) {
      const drifted = (instance.driftedResources ?? []).length > 0;
      this.drift.set(instanceKey(group, instance), { status: drifted ? 'DRIFTED' : 'IN_SYNC', time });
    }
  }

  private driftDetail(group: WorldStackGroup, running: boolean) {
    const drifted = group.instances.filter((i) => (i.driftedResources ?? []).length > 0).length;
    const total = group.instances.length;
    return {
      DriftDetectionStatus: running ? 'IN_PROGRESS' : 'COMPLETED',
      StackGroupDriftStatus: running ? 'NOT_CHECKED' : drifted > 0 ? 'DRIFTED' : 'IN_SYNC',
      TotalStackInstancesCount: total,
      DriftedStackInstancesCount: running ? 0 : drifted,
      InSyncStackInstancesCount: running ? 0 : total - drifted,
      InProgressStackInstancesCount: running ? total : 0,
      FailedStackInstancesCount: 0,
      CancelledStackInstancesCount: 0,
    };
  }
}

const DEFAULT_CREATE_TIME = '2025-01-01T00:00:00';

const requestId = () => randomUUID().toUpperCase();

/** `2025-01-01T00:00:00`: the time format of the ROS API (seconds, no zone). */
function isoSeconds(date: Date): string {
  return date.toISOString().slice(0, 19);
}

function required(params: Readonly<Record<string, string>>, name: string): string {
  const value = params[name];
  if (value === undefined || value === '') throw new FakeApiError(400, 'MissingParameter', `${name} is mandatory`);
  return value;
}

function checkRegion(world: World, params: Readonly<Record<string, string>>): void {
  const region = required(params, 'RegionId');
  if (region !== world.region) {
    throw new FakeApiError(
      400,
      'InvalidRegionId.NotFound',
      `RegionId ${region} is not the fake's region ${world.region}`,
    );
  }
}

function groupOf(world: World, params: Readonly<Record<string, string>>): WorldStackGroup {
  checkRegion(world, params);
  const name = required(params, 'StackGroupName');
  const group = (world.stackGroups ?? []).find((g) => g.name === name);
  if (group === undefined) {
    throw new FakeApiError(404, 'StackGroupNotFound', `The StackGroup (${name}) could not be found.`);
  }
  return group;
}

function operationOf(
  world: World,
  params: Readonly<Record<string, string>>,
): { group: WorldStackGroup; operation: WorldStackGroupOperation } {
  checkRegion(world, params);
  const id = required(params, 'OperationId');
  for (const group of world.stackGroups ?? []) {
    const operation = group.operations.find((o) => o.id === id);
    if (operation !== undefined) return { group, operation };
  }
  throw new FakeApiError(404, 'StackGroupOperationNotFound', `The StackGroupOperation (${id}) could not be found.`);
}

function page(params: Readonly<Record<string, string>>, max: number): { number: number; size: number } {
  const number = Number(params.PageNumber ?? '1');
  const size = Number(params.PageSize ?? '10');
  if (!Number.isInteger(size) || size < 1 || size > max) {
    throw new FakeApiError(400, 'InvalidParameter', `PageSize must be an integer from 1 to ${max}`);
  }
  if (!Number.isInteger(number) || number < 1) {
    throw new FakeApiError(400, 'InvalidParameter', 'PageNumber must be an integer from 1');
  }
  return { number, size };
}

function groupId(group: WorldStackGroup): string {
  return `sg-${group.name}`;
}

function stackIdOf(instance: WorldStackInstance): string {
  return instance.stackId ?? `stack-${instance.accountId}-${instance.regionId}`;
}

function instanceKey(group: WorldStackGroup, instance: WorldStackInstance): string {
  return `${group.name}/${instance.accountId}/${instance.regionId}`;
}
