import { SCALE_OUT_ENV } from '../contract/env/scale-out';
import { ESS_SOURCE } from '../contract/events';
import { idPattern, TAG_KEY, TAG_KEY_ALLOWED, TAG_VALUE } from '../contract/ids';
import { type CommonConfig, type Env, loadCommonConfig, readList } from './commons/config';
import type { HandlerResult } from './commons/context';
import { type EcsApi, ecsApiFor, MAX_DISKS_PER_POLICY_CALL, MAX_INSTANCES_PER_DESCRIBE } from './commons/ecs-api';
import type { ScalingActivityEvent } from './commons/envelope';
import { ConfigurationError, PermanentError } from './commons/errors';
import { chunks, type EssApi, essApiFor } from './commons/ess-api';
import { type BaseDeps, createFcHandler, type HandlerSpec } from './commons/handler';
import { ACTION_RAILS } from './commons/rails';

/**
 * scale-out: when a scale-out activity of a watched Auto Scaling group succeeds (`ess:ScalingActivity:ScaleOutSuccess`,
 * and `ScaleOutPartialSuccess`, whose joined instances need the same care), for each joined instance:
 * (a) protects it from scale-in when it carries the tag `SCALE_OUT_ENV.protectTagKey` = `.protectTagValue` (`DescribeInstances`,
 *     `SetInstancesProtection`);
 * (b) applies the automatic snapshot policy `SCALE_OUT_ENV.snapshotPolicyId` to its system and data disks (`DescribeDisks`,
 *     `ApplyAutoSnapshotPolicy`).
 * Groups not in `SCALE_OUT_ENV.scalingGroupIds` are skipped. Protection comes first: a scale-in can follow quickly.
 *
 * Which instances joined: the `data` of Auto Scaling events is not documented (UNCONFIRMED). The handler uses
 * `data.instanceIds` when the event lists them; otherwise it asks ESS: `DescribeScalingInstances` with
 * `ScalingGroupId` and `ScalingActivityId` (the group comes from `data.scalingGroupId`, or from
 * `DescribeScalingActivities` with the activity id when the event has only that). Both steps are idempotent
 * (protecting a protected instance is skipped, re-applying the same policy leaves it applied).
 */

/** Settings of this function. */
export interface ScaleOutConfig extends CommonConfig {
  /** `SCALE_OUT_ENV.scalingGroupIds`, comma-separated `asg-…`; required. */
  readonly scalingGroupIds: readonly string[];
  /** `SCALE_OUT_ENV.protectTagKey` / `.protectTagValue`; undefined = no protection step. */
  readonly protectTag?: { readonly key: string; readonly value: string };
  /** `SCALE_OUT_ENV.snapshotPolicyId` (`sp-…`); undefined = no snapshot-policy step. */
  readonly snapshotPolicyId?: string;
}

/** Dependencies of {@link handle}. */
export interface ScaleOutDeps extends BaseDeps {
  readonly ecs: EcsApi;
  readonly ess: EssApi;
  readonly scalingGroupIds: readonly string[];
  readonly protectTag?: { readonly key: string; readonly value: string };
  readonly snapshotPolicyId?: string;
}

const SCALING_GROUP_ID = idPattern('scalingGroup');
const SNAPSHOT_POLICY_ID = idPattern('snapshotPolicy');
const ENV = SCALE_OUT_ENV;

/** Activities whose joined instances this function looks after. */
export const SCALE_OUT_ACTIVITIES = ['ScaleOutSuccess', 'ScaleOutPartialSuccess'] as const;

/** Reads the environment of this function. */
export function loadConfig(env: Env): ScaleOutConfig {
  const raw = env[ENV.scalingGroupIds] ?? '';
  const ids = readList(env, ENV.scalingGroupIds);
  if (ids.length === 0) {
    throw new ConfigurationError(
      `environment variable "${ENV.scalingGroupIds}" is not set; it must list the scaling groups to look after, comma-separated (asg-…)`,
    );
  }
  const bad = ids.find((id) => !SCALING_GROUP_ID.test(id));
  if (bad !== undefined) {
    throw new ConfigurationError(
      `environment variable "${ENV.scalingGroupIds}": "${raw}" contains "${bad}", which is not a scaling group id; expected comma-separated ids like asg-bp1abc`,
    );
  }
  const key = env[ENV.protectTagKey] === '' ? undefined : env[ENV.protectTagKey];
  const value = env[ENV.protectTagValue] === '' ? undefined : env[ENV.protectTagValue];
  if ((key === undefined) !== (value === undefined)) {
    throw new ConfigurationError(
      `environment variables "${ENV.protectTagKey}" and "${ENV.protectTagValue}" must be set together (or both left unset to skip protection)`,
    );
  }
  if (key !== undefined && !TAG_KEY.test(key)) {
    throw new ConfigurationError(`environment variable "${ENV.protectTagKey}": "${key}" is not ${TAG_KEY_ALLOWED}`);
  }
  if (value !== undefined && !TAG_VALUE.test(value)) {
    throw new ConfigurationError(`environment variable "${ENV.protectTagValue}": "${value}" is not an ECS tag value`);
  }
  const policy = env[ENV.snapshotPolicyId] === '' ? undefined : env[ENV.snapshotPolicyId];
  if (policy !== undefined && !SNAPSHOT_POLICY_ID.test(policy)) {
    throw new ConfigurationError(
      `environment variable "${ENV.snapshotPolicyId}": "${policy}" is not an automatic snapshot policy id (sp-…)`,
    );
  }
  return {
    ...loadCommonConfig(env),
    scalingGroupIds: ids,
    protectTag: key === undefined || value === undefined ? undefined : { key, value },
    snapshotPolicyId: policy,
  };
}

/** The group and the joined instances of an activity event. */
async function joinedInstances(
  event: ScalingActivityEvent,
  ess: EssApi,
): Promise<{ groupId: string | undefined; instanceIds: string[]; source: string }> {
  let groupId = event.scalingGroupId;
  if (groupId === undefined && event.scalingActivityId !== undefined) {
    groupId = await ess.groupOfActivity(event.scalingActivityId);
  }
  if (event.instanceIds !== undefined) return { groupId, instanceIds: [...event.instanceIds], source: 'event' };
  if (groupId === undefined || event.scalingActivityId === undefined) {
    return { groupId, instanceIds: [], source: 'none' };
  }
  const members = await ess.scalingInstances(groupId, { scalingActivityId: event.scalingActivityId });
  return { groupId, instanceIds: members.map((m) => m.instanceId), source: 'DescribeScalingInstances' };
}

/** Core. */
export async function handle(event: ScalingActivityEvent, deps: ScaleOutDeps): Promise<HandlerResult> {
  if (!(SCALE_OUT_ACTIVITIES as readonly string[]).includes(event.activity)) {
    return { outcome: 'skipped', reason: 'not-a-scale-out-success', activity: event.activity };
  }
  // A group named by the event can be checked before any call.
  if (event.scalingGroupId !== undefined && !deps.scalingGroupIds.includes(event.scalingGroupId)) {
    return { outcome: 'skipped', reason: 'group-not-watched', scalingGroupId: event.scalingGroupId };
  }
  const joined = await joinedInstances(event, deps.ess);
  if (joined.groupId === undefined) {
    throw new PermanentError(
      `scaling activity ${event.scalingActivityId ?? '?'} was not found (DescribeScalingActivities), so its group is unknown`,
    );
  }
  if (!deps.scalingGroupIds.includes(joined.groupId)) {
    return { outcome: 'skipped', reason: 'group-not-watched', scalingGroupId: joined.groupId };
  }
  const groupId = joined.groupId;

  // (a) Protection of the tagged instances.
  let protectedIds: string[] = [];
  let untagged: string[] = [];
  if (deps.protectTag !== undefined && joined.instanceIds.length > 0) {
    const tag = deps.protectTag;
    const tagged: string[] = [];
    for (const chunk of chunks(joined.instanceIds, MAX_INSTANCES_PER_DESCRIBE)) {
      for (const instance of await deps.ecs.describeInstances(chunk)) {
        if (instance.tags[tag.key] === tag.value) tagged.push(instance.instanceId);
      }
    }
    untagged = joined.instanceIds.filter((id) => !tagged.includes(id));
    if (tagged.length > 0) {
      const state = await deps.ess.scalingInstances(groupId, { instanceIds: tagged });
      const toProtect = state.filter((m) => m.lifecycleState !== 'Protected').map((m) => m.instanceId);
      if (toProtect.length > 0) {
        await deps.actions.mutate('SetInstancesProtection', `${groupId}/${toProtect.join(',')}`, () =>
          deps.ess.setProtection(groupId, toProtect, true),
        );
      }
      // Instances that left the group in the meantime are not reported as protected.
      protectedIds = state.map((m) => m.instanceId);
    }
  }

  // (b) Automatic snapshot policy on every disk of every joined instance.
  const disks: { instanceId: string; diskIds: string[] }[] = [];
  if (deps.snapshotPolicyId !== undefined) {
    for (const instanceId of joined.instanceIds) {
      const diskIds = (await deps.ecs.disksOf(instanceId)).map((d) => d.diskId);
      for (const chunk of chunks(diskIds, MAX_DISKS_PER_POLICY_CALL)) {
        const policyId = deps.snapshotPolicyId;
        await deps.actions.mutate('ApplyAutoSnapshotPolicy', `${policyId}/${chunk.join(',')}`, () =>
          deps.ecs.applyAutoSnapshotPolicy(policyId, chunk),
        );
      }
      disks.push({ instanceId, diskIds });
    }
  }

  return {
    outcome: 'ok',
    scalingGroupId: groupId,
    instancesFrom: joined.source,
    joined: joined.instanceIds,
    protected: protectedIds,
    notTagged: deps.protectTag === undefined ? null : untagged,
    snapshotPolicyId: deps.snapshotPolicyId ?? null,
    disksWithPolicy: disks,
  };
}

/** Wiring of this function. */
export const spec: HandlerSpec<'ScalingActivity', ScaleOutConfig, ScaleOutDeps> = {
  name: 'scale-out',
  kind: 'ScalingActivity',
  safety: ACTION_RAILS,
  sources: [ESS_SOURCE],
  loadConfig,
  buildDeps: (config, context, base) => ({
    ...base,
    ecs: ecsApiFor(context, config.endpoints.ecs),
    ess: essApiFor(context, config.endpoints.ess),
    scalingGroupIds: config.scalingGroupIds,
    protectTag: config.protectTag,
    snapshotPolicyId: config.snapshotPolicyId,
  }),
  handle,
};

/** FC entry point (`index.handler`). */
export const handler = createFcHandler(spec, process.env);
