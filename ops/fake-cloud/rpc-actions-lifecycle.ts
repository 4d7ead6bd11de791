import { randomUUID } from 'node:crypto';
import { FakeApiError, type RpcAction } from './rpc-actions';
import type { World, WorldLifecycleAction, WorldSnapshot } from './world';

/**
 * What the scale-in lifecycle hook needs of the fake, merged into its products by fake-cloud.ts:
 * - ESS 2014-08-28 `RecordLifecycleActionHeartbeat` (lower-camel `lifecycleHookId`, `lifecycleActionToken`,
 *   `heartbeatTimeout`, as in `ess-20220222/src/models/RecordLifecycleActionHeartbeatRequest.ts` of
 *   aliyun/alibabacloud-typescript-sdk: a PascalCase call is refused as missing its parameters) and
 *   `CompleteLifecycleAction` (`LifecycleHookId`, `LifecycleActionToken`, `LifecycleActionResult`, `ClientToken`),
 *   over `world.lifecycleActions`;
 * - ECS 2014-05-26 `CreateSnapshot` (idempotent by `ClientToken`) and `DescribeSnapshots` (`SnapshotIds` as a JSON
 *   array), over `world.snapshots`: a new snapshot stays `progressing` for `world.snapshotBehaviour.describesUntilDone`
 *   DescribeSnapshots calls, then becomes `accomplished`, or `failed` for a disk of `failingDiskIds`.
 * Error codes are the fake's own where the references list none for the case.
 */

const requestId = () => randomUUID().toUpperCase();

function required(params: Readonly<Record<string, string>>, name: string): string {
  const value = params[name];
  if (value === undefined || value === '')
    throw new FakeApiError(400, `Missing${name[0]?.toUpperCase()}${name.slice(1)}`, `${name} is mandatory`);
  return value;
}

function actionOf(world: World, hookId: string, token: string): WorldLifecycleAction {
  const action = world.lifecycleActions?.find((a) => a.lifecycleHookId === hookId && a.token === token);
  if (action === undefined) {
    throw new FakeApiError(
      404,
      'InvalidLifecycleActionToken.NotFound',
      `no lifecycle action of hook ${hookId} has this token`,
    );
  }
  return action;
}

/** ESS lifecycle action calls. */
export const ESS_LIFECYCLE_ACTIONS: Readonly<Record<string, RpcAction>> = {
  RecordLifecycleActionHeartbeat(world, params) {
    const action = actionOf(world, required(params, 'lifecycleHookId'), required(params, 'lifecycleActionToken'));
    const timeout = Number(params.heartbeatTimeout ?? '600');
    if (!Number.isInteger(timeout) || timeout < 30 || timeout > 21600) {
      throw new FakeApiError(400, 'InvalidParameter', 'heartbeatTimeout must be an integer from 30 to 21600');
    }
    if ((action.status ?? 'Pending') !== 'Pending') {
      throw new FakeApiError(400, 'IncorrectLifecycleActionStatus', `the lifecycle action is ${action.status}`);
    }
    action.heartbeats = [...(action.heartbeats ?? []), timeout];
    return { RequestId: requestId() };
  },

  CompleteLifecycleAction(world, params) {
    const action = actionOf(world, required(params, 'LifecycleHookId'), required(params, 'LifecycleActionToken'));
    const result = params.LifecycleActionResult ?? 'CONTINUE';
    if (!['CONTINUE', 'ABANDON', 'ROLLBACK'].includes(result)) {
      throw new FakeApiError(400, 'InvalidParameter', 'LifecycleActionResult must be CONTINUE, ABANDON or ROLLBACK');
    }
    if ((action.status ?? 'Pending') !== 'Pending') {
      if (params.ClientToken !== undefined && params.ClientToken === action.completedWith)
        return { RequestId: requestId() };
      throw new FakeApiError(400, 'IncorrectLifecycleActionStatus', `the lifecycle action is ${action.status}`);
    }
    action.status = 'Completed';
    action.result = result;
    action.completedWith = params.ClientToken;
    return { RequestId: requestId() };
  },
};

function tagsOf(params: Readonly<Record<string, string>>): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const [key, value] of Object.entries(params)) {
    const match = /^Tag\.(\d+)\.Key$/.exec(key);
    if (match !== null) tags[value] = params[`Tag.${match[1]}.Value`] ?? '';
  }
  return tags;
}

/** ECS snapshot calls. */
export const ECS_SNAPSHOT_ACTIONS: Readonly<Record<string, RpcAction>> = {
  CreateSnapshot(world, params) {
    const diskId = required(params, 'DiskId');
    if (!world.instances.some((i) => (i.diskIds ?? []).includes(diskId))) {
      throw new FakeApiError(404, 'InvalidDiskId.NotFound', `The disk ${diskId} does not exist`);
    }
    world.snapshots ??= [];
    const token = params.ClientToken;
    const again = token === undefined ? undefined : world.snapshots.find((s) => s.clientToken === token);
    if (again !== undefined) return { RequestId: requestId(), SnapshotId: again.id };
    const behaviour = world.snapshotBehaviour ?? { describesUntilDone: 0, failingDiskIds: [] };
    const finalStatus = behaviour.failingDiskIds.includes(diskId) ? 'failed' : 'accomplished';
    const retention = params.RetentionDays === undefined ? undefined : Number(params.RetentionDays);
    if (retention !== undefined && (!Number.isInteger(retention) || retention < 1 || retention > 65536)) {
      throw new FakeApiError(400, 'InvalidRetentionDays', 'RetentionDays must be an integer from 1 to 65536');
    }
    const snapshot: WorldSnapshot = {
      id: `s-${randomUUID().replace(/-/g, '').slice(0, 20)}`,
      diskId,
      status: behaviour.describesUntilDone > 0 ? 'progressing' : finalStatus,
      remainingDescribes: behaviour.describesUntilDone,
      finalStatus,
      clientToken: token,
      retentionDays: retention,
      tags: tagsOf(params),
    };
    world.snapshots.push(snapshot);
    return { RequestId: requestId(), SnapshotId: snapshot.id };
  },

  DescribeSnapshots(world, params) {
    let ids: unknown;
    try {
      ids = JSON.parse(params.SnapshotIds ?? '[]');
    } catch {
      ids = undefined;
    }
    if (!Array.isArray(ids) || ids.length > 100) {
      throw new FakeApiError(
        400,
        'InvalidParameter.SnapshotIds',
        'SnapshotIds must be a JSON array of at most 100 ids',
      );
    }
    const found = (world.snapshots ?? []).filter((s) => ids.length === 0 || ids.includes(s.id));
    const rows = found.map((s) => {
      const shown = {
        SnapshotId: s.id,
        SourceDiskId: s.diskId,
        Status: s.status,
        Progress: s.status === 'progressing' ? '50%' : '100%',
      };
      if (s.status === 'progressing') {
        s.remainingDescribes = Math.max(0, s.remainingDescribes - 1);
        if (s.remainingDescribes === 0) s.status = s.finalStatus ?? 'accomplished';
      }
      return shown;
    });
    return { RequestId: requestId(), TotalCount: rows.length, Snapshots: { Snapshot: rows } };
  },
};
