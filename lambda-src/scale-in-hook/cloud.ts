import { list } from '../commons/ecs-api';
import { PermanentError } from '../commons/errors';
import type { RpcClient } from '../commons/openapi';

/**
 * The cloud calls of scale-in-hook that no other handler makes: the ESS lifecycle action calls (2014-08-28) and ECS
 * CreateSnapshot / DescribeSnapshots (2014-05-26).
 */

/** A lifecycle action result sent to `CompleteLifecycleAction`. */
export type LifecycleActionResult = 'CONTINUE' | 'ABANDON';

/** The ESS lifecycle action calls. */
export interface LifecycleApi {
  /** `RecordLifecycleActionHeartbeat`: the instance stays in `Removing:Wait` for `heartbeatTimeoutSeconds` more. */
  recordHeartbeat(hookId: string, token: string, heartbeatTimeoutSeconds: number): Promise<void>;
  /** `CompleteLifecycleAction` with `result`; `clientToken` makes a repeated call one. */
  complete(hookId: string, token: string, result: LifecycleActionResult, clientToken: string): Promise<void>;
}

/**
 * ESS lifecycle calls over an RPC client (product ESS, 2014-08-28).
 *
 * RecordLifecycleActionHeartbeat takes **lower-camel** wire names (`lifecycleHookId`, `lifecycleActionToken`,
 * `heartbeatTimeout`), unlike every other ESS action: `static names()` of
 * `ess-20220222/src/models/RecordLifecycleActionHeartbeatRequest.ts` (aliyun/alibabacloud-typescript-sdk), and the
 * 2014-08-28 reference https://www.alibabacloud.com/help/en/auto-scaling/developer-reference/api-ess-2014-08-28-recordlifecycleactionheartbeat.
 * CompleteLifecycleAction takes PascalCase (`LifecycleHookId`, `LifecycleActionToken`, `LifecycleActionResult`,
 * `ClientToken`): `ess-20220222/src/models/CompleteLifecycleActionRequest.ts`.
 */
export function lifecycleApi(client: RpcClient, region: string): LifecycleApi {
  return {
    async recordHeartbeat(hookId, token, heartbeatTimeoutSeconds) {
      await client.call('RecordLifecycleActionHeartbeat', {
        RegionId: region,
        lifecycleHookId: hookId,
        lifecycleActionToken: token,
        heartbeatTimeout: heartbeatTimeoutSeconds,
      });
    },
    async complete(hookId, token, result, clientToken) {
      await client.call('CompleteLifecycleAction', {
        RegionId: region,
        LifecycleHookId: hookId,
        LifecycleActionToken: token,
        LifecycleActionResult: result,
        ClientToken: clientToken,
      });
    },
  };
}

/** `Status` of a snapshot (DescribeSnapshots). */
export type SnapshotStatus = 'progressing' | 'accomplished' | 'failed';

/** A snapshot's state. */
export interface SnapshotState {
  readonly snapshotId: string;
  readonly status: SnapshotStatus;
}

/** What a snapshot is created with. */
export interface SnapshotRequest {
  readonly diskId: string;
  readonly name: string;
  readonly description: string;
  /** `RetentionDays`; undefined keeps it until deleted. */
  readonly retentionDays?: number;
  /** `ClientToken` (at most 64 ASCII characters): the same token creates one snapshot, however often it is sent. */
  readonly clientToken: string;
  /** Tags (`Tag.N.Key` / `Tag.N.Value`). */
  readonly tags: Readonly<Record<string, string>>;
}

/** The ECS snapshot calls. */
export interface SnapshotApi {
  /** `CreateSnapshot`; resolves to the snapshot id. */
  create(request: SnapshotRequest): Promise<string>;
  /** `DescribeSnapshots` for up to {@link MAX_SNAPSHOTS_PER_DESCRIBE} ids; a snapshot that does not exist is absent. */
  describe(snapshotIds: readonly string[]): Promise<SnapshotState[]>;
}

/** `SnapshotIds` of DescribeSnapshots takes up to 100 ids. */
export const MAX_SNAPSHOTS_PER_DESCRIBE = 100;

const STATUSES: readonly string[] = ['progressing', 'accomplished', 'failed'];

/**
 * ECS snapshots over an RPC client (product ECS, 2014-05-26).
 * @see https://www.alibabacloud.com/help/en/ecs/api-createsnapshot (DiskId, SnapshotName, RetentionDays, ClientToken, Tag.N)
 * @see https://www.alibabacloud.com/help/en/ecs/developer-reference/api-ecs-2014-05-26-describesnapshots (SnapshotIds as a JSON array, Status)
 */
export function snapshotApi(client: RpcClient, region: string): SnapshotApi {
  return {
    async create(request) {
      const tags = Object.entries(request.tags).flatMap(([key, value], i) => [
        [`Tag.${i + 1}.Key`, key],
        [`Tag.${i + 1}.Value`, value],
      ]);
      const body = await client.call('CreateSnapshot', {
        DiskId: request.diskId,
        SnapshotName: request.name,
        Description: request.description,
        ClientToken: request.clientToken,
        ...(request.retentionDays === undefined ? {} : { RetentionDays: request.retentionDays }),
        ...Object.fromEntries(tags),
      });
      if (typeof body.SnapshotId !== 'string' || body.SnapshotId === '') {
        throw new PermanentError(`ecs:CreateSnapshot of disk ${request.diskId} returned no SnapshotId`);
      }
      return body.SnapshotId;
    },
    async describe(snapshotIds) {
      if (snapshotIds.length === 0) return [];
      if (snapshotIds.length > MAX_SNAPSHOTS_PER_DESCRIBE) {
        throw new PermanentError(`DescribeSnapshots takes at most 100 snapshot ids, got ${snapshotIds.length}`);
      }
      const body = await client.call('DescribeSnapshots', {
        RegionId: region,
        SnapshotIds: JSON.stringify(snapshotIds),
        PageSize: MAX_SNAPSHOTS_PER_DESCRIBE,
      });
      return list(body, 'Snapshots', 'Snapshot', 'DescribeSnapshots').map((item) => {
        if (typeof item.SnapshotId !== 'string' || typeof item.Status !== 'string' || !STATUSES.includes(item.Status)) {
          throw new PermanentError(
            `ecs:DescribeSnapshots returned a snapshot without SnapshotId or with Status ${JSON.stringify(item.Status)}; expected ${STATUSES.join(', ')}`,
          );
        }
        return { snapshotId: item.SnapshotId, status: item.Status as SnapshotStatus };
      });
    },
  };
}
