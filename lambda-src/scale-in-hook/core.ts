import { createHash } from 'node:crypto';
import { statePrefix } from '../../contract/archive';
import type { LifecycleResult } from '../../contract/env/scale-in-hook';
import { LIFECYCLE_TRANSITIONS } from '../../contract/env/scale-in-hook';
import type { HandlerResult, JsonValue } from '../commons/context';
import type { DiskInfo } from '../commons/ecs-api';
import { isRecord } from '../commons/envelope';
import { isRetryable, RetryableError } from '../commons/errors';
import type { BaseDeps } from '../commons/handler';
import type { LifecycleApi, SnapshotApi, SnapshotState } from './cloud';
import { MAX_SNAPSHOTS_PER_DESCRIBE } from './cloud';
import type { LifecycleNotice } from './notification';

/**
 * The core of scale-in-hook: for a scale-in lifecycle action of a watched group, for each instance ESS is about to
 * release,
 * 1. drains it from the load balancers ESS does not manage itself (the injected {@link ScaleInHookDeps.drain}; ESS
 *    detaches it from the groups attached to the scaling group, before or after the wait: documented both ways, so the
 *    drain must tolerate an instance that is already gone);
 * 2. snapshots its data disks (`CreateSnapshot`, one per disk, with a `ClientToken` derived from the lifecycle action
 *    token and the disk, so a redelivered notification, or two concurrent ones, create one snapshot per disk);
 * 3. waits for the snapshots, polling `DescribeSnapshots` within the invocation and recording
 *    `RecordLifecycleActionHeartbeat` so the instance stays in `Removing:Wait`. When the invocation's time runs out
 *    first, it records a heartbeat and fails with a RetryableError: the retry (MNS's push retries and FC's
 *    asynchronous retries) runs this core again, which finds its progress in the state object and only checks the
 *    snapshots again;
 * 4. completes the lifecycle action: `CONTINUE` when every snapshot is `accomplished`; the configured default result
 *    when the drain or a snapshot fails permanently, or when `maxWaitMinutes` have passed since the first delivery.
 *    If every retry fails, the hook's own timeout applies the same default result (the hook is declared with it).
 *
 * Progress lives in the archive bucket under `state/scale-in-hook/<sha256(hook id + token)>.json` (the token itself
 * is not stored). A notification for an action already completed is answered `duplicate` without any call.
 */

/** What a drain reports (logged in the result). */
export type DrainReport = { readonly [field: string]: JsonValue };

/** Settings of the core (from the environment, contract/env/scale-in-hook.ts). */
export interface ScaleInHookSettings {
  readonly scalingGroupIds: readonly string[];
  readonly defaultResult: LifecycleResult;
  readonly heartbeatTimeoutSeconds: number;
  readonly snapshotDataDisks: boolean;
  /** undefined keeps the snapshots until deleted. */
  readonly snapshotRetentionDays?: number;
  readonly maxWaitMinutes: number;
}

/** Dependencies of {@link handle}. */
export interface ScaleInHookDeps extends BaseDeps {
  readonly settings: ScaleInHookSettings;
  readonly lifecycle: LifecycleApi;
  readonly snapshots: SnapshotApi;
  /** Every disk attached to an instance (ECS `DescribeDisks`). */
  readonly disksOf: (instanceId: string) => Promise<DiskInfo[]>;
  /**
   * Takes the instance out of the load balancers ESS does not manage; must tolerate an instance that is not (or no
   * longer) in a group. Its mutating calls go through `actions` like the core's.
   */
  readonly drain: (instanceId: string) => Promise<DrainReport>;
  /** When the invocation must have returned (epoch ms): polling stops in time to record a heartbeat and fail. */
  readonly deadline: number;
  /** Waits between two DescribeSnapshots polls. */
  readonly sleep: (ms: number) => Promise<void>;
  /** @default 15000 */
  readonly pollIntervalMs?: number;
}

/** A snapshot the handler created. */
interface TakenSnapshot {
  readonly instanceId: string;
  readonly diskId: string;
  readonly snapshotId: string;
}

/** The progress of one lifecycle action, kept between invocations. */
interface HookState {
  readonly version: 1;
  readonly lifecycleHookId: string;
  readonly scalingGroupId: string;
  readonly startedAt: number;
  readonly drained: string[];
  /** Instances whose data disks all have a snapshot. */
  readonly snapshotted: string[];
  readonly snapshots: TakenSnapshot[];
  completed?: { readonly result: LifecycleResult; readonly reason: string; readonly at: number };
}

const DEFAULT_POLL_INTERVAL_MS = 15_000;
/** Time kept free at the end of an invocation for the heartbeat, the state write and the log lines. */
const END_MARGIN_MS = 5_000;
/** Tag on every snapshot the handler takes. */
export const SNAPSHOT_TAG = { key: 'ecs-event-ops', value: 'scale-in-hook' } as const;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** The state object of a lifecycle action. */
export function stateKey(lifecycleHookId: string, token: string): string {
  return `${statePrefix('scale-in-hook')}${sha256(`${lifecycleHookId}\n${token}`)}.json`;
}

/** The CreateSnapshot `ClientToken` of a disk in a lifecycle action: 64 hex characters (the API's limit). */
export function snapshotClientToken(token: string, diskId: string): string {
  return sha256(`snapshot\n${token}\n${diskId}`);
}

async function loadState(deps: ScaleInHookDeps, key: string, notice: LifecycleNotice): Promise<HookState> {
  const text = await deps.store.getObject(key);
  if (text !== undefined) {
    const value: unknown = JSON.parse(text);
    if (isRecord(value) && value.version === 1) return value as unknown as HookState;
  }
  return {
    version: 1,
    lifecycleHookId: notice.lifecycleHookId,
    scalingGroupId: notice.scalingGroupId,
    startedAt: deps.now(),
    drained: [],
    snapshotted: [],
    snapshots: [],
  };
}

async function saveState(deps: ScaleInHookDeps, key: string, state: HookState): Promise<void> {
  // A dry run changes nothing, its own progress included.
  if (deps.actions.dryRun) return;
  await deps.store.putObject(key, JSON.stringify(state), { contentType: 'application/json' });
}

/** Core. */
export async function handle(notice: LifecycleNotice, deps: ScaleInHookDeps): Promise<HandlerResult> {
  const { settings } = deps;
  if (notice.transition === LIFECYCLE_TRANSITIONS.scaleOut) {
    return { outcome: 'skipped', reason: 'not-scale-in', lifecycleHookId: notice.lifecycleHookId };
  }
  if (!settings.scalingGroupIds.includes(notice.scalingGroupId)) {
    return { outcome: 'skipped', reason: 'group-not-watched', scalingGroupId: notice.scalingGroupId };
  }
  const key = stateKey(notice.lifecycleHookId, notice.lifecycleActionToken);
  const state = await loadState(deps, key, notice);
  if (state.completed !== undefined) {
    return {
      outcome: 'duplicate',
      reason: 'already-completed',
      lifecycleHookId: notice.lifecycleHookId,
      result: state.completed.result,
    };
  }
  const drains: Record<string, JsonValue> = {};
  const summary = () => ({
    lifecycleHookId: notice.lifecycleHookId,
    scalingGroupId: notice.scalingGroupId,
    instanceIds: [...notice.instanceIds],
    drains,
    snapshots: state.snapshots.map((s) => ({ ...s })),
  });

  const finish = async (result: LifecycleResult, reason: string, detail?: string): Promise<HandlerResult> => {
    await deps.actions.mutate('CompleteLifecycleAction', notice.lifecycleHookId, () =>
      deps.lifecycle.complete(
        notice.lifecycleHookId,
        notice.lifecycleActionToken,
        result,
        sha256(`complete\n${notice.lifecycleActionToken}`).slice(0, 64),
      ),
    );
    state.completed = { result, reason, at: deps.now() };
    await saveState(deps, key, state);
    const warning =
      reason === 'snapshots-accomplished'
        ? undefined
        : `lifecycle action of ${notice.instanceIds.join(', ')} completed with ${result}: ${reason}${detail === undefined ? '' : ` (${detail})`}`;
    return { outcome: 'ok', reason, result, ...summary(), ...(warning === undefined ? {} : { warning }) };
  };

  // 1 and 2: drain, then snapshot, each step once per lifecycle action.
  try {
    for (const instanceId of notice.instanceIds) {
      if (state.drained.includes(instanceId)) continue;
      drains[instanceId] = await deps.drain(instanceId);
      state.drained.push(instanceId);
      await saveState(deps, key, state);
    }
    if (settings.snapshotDataDisks) {
      for (const instanceId of notice.instanceIds) {
        if (state.snapshotted.includes(instanceId)) continue;
        const dataDisks = (await deps.disksOf(instanceId)).filter((disk) => disk.type === 'data');
        for (const disk of dataDisks) {
          if (state.snapshots.some((s) => s.diskId === disk.diskId)) continue;
          const snapshotId = await deps.actions.mutate('CreateSnapshot', disk.diskId, () =>
            deps.snapshots.create({
              diskId: disk.diskId,
              name: `scale-in-${instanceId}-${disk.diskId}`.slice(0, 128),
              description: `ecs-event-ops: data disk ${disk.diskId} of ${instanceId}, before scale-in of ${notice.scalingGroupId} (hook ${notice.lifecycleHookId})`,
              retentionDays: settings.snapshotRetentionDays,
              clientToken: snapshotClientToken(notice.lifecycleActionToken, disk.diskId),
              tags: { [SNAPSHOT_TAG.key]: SNAPSHOT_TAG.value, 'ecs-event-ops:instance-id': instanceId },
            }),
          );
          if (snapshotId !== undefined) state.snapshots.push({ instanceId, diskId: disk.diskId, snapshotId });
        }
        state.snapshotted.push(instanceId);
        await saveState(deps, key, state);
      }
    }
  } catch (error) {
    if (isRetryable(error)) throw error;
    return finish(
      settings.defaultResult,
      'drain-or-snapshot-failed',
      error instanceof Error ? error.message : String(error),
    );
  }

  // 3 and 4: wait for the snapshots, keeping the hook alive, then complete.
  const pollMs = deps.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  const heartbeatMs = settings.heartbeatTimeoutSeconds * 1000;
  let lastHeartbeat: number | undefined;
  const heartbeat = () =>
    deps.actions
      .mutate('RecordLifecycleActionHeartbeat', notice.lifecycleHookId, () =>
        deps.lifecycle.recordHeartbeat(
          notice.lifecycleHookId,
          notice.lifecycleActionToken,
          settings.heartbeatTimeoutSeconds,
        ),
      )
      .then(() => {
        lastHeartbeat = deps.now();
      });
  for (;;) {
    const states = await describeAll(
      deps.snapshots,
      state.snapshots.map((s) => s.snapshotId),
    );
    const failed = state.snapshots.filter((s) => {
      const found = states.find((x) => x.snapshotId === s.snapshotId);
      return found === undefined || found.status === 'failed';
    });
    if (failed.length > 0) {
      return finish(
        settings.defaultResult,
        'snapshot-failed',
        failed.map((s) => `${s.snapshotId} of ${s.diskId}`).join(', '),
      );
    }
    const pending = states.filter((s) => s.status === 'progressing').map((s) => s.snapshotId);
    if (pending.length === 0) return finish('CONTINUE', 'snapshots-accomplished');
    if (deps.now() - state.startedAt >= settings.maxWaitMinutes * 60_000) {
      return finish(
        settings.defaultResult,
        'timeout',
        `still progressing after ${settings.maxWaitMinutes} minutes: ${pending.join(', ')}`,
      );
    }
    if (lastHeartbeat === undefined || deps.now() - lastHeartbeat >= heartbeatMs / 2) await heartbeat();
    if (deps.now() + pollMs + END_MARGIN_MS > deps.deadline) {
      if (deps.now() - (lastHeartbeat ?? 0) > pollMs) await heartbeat();
      throw new RetryableError(
        `scale-in hook ${notice.lifecycleHookId}: snapshots ${pending.join(', ')} are still progressing; recorded a heartbeat (the instance waits ${settings.heartbeatTimeoutSeconds} s more) and fail so that the retry checks them again`,
      );
    }
    await deps.sleep(pollMs);
  }
}

async function describeAll(api: SnapshotApi, ids: readonly string[]): Promise<SnapshotState[]> {
  const found: SnapshotState[] = [];
  for (let i = 0; i < ids.length; i += MAX_SNAPSHOTS_PER_DESCRIBE) {
    found.push(...(await api.describe(ids.slice(i, i + MAX_SNAPSHOTS_PER_DESCRIBE))));
  }
  return found;
}
