import { statePrefix } from '../../contract/archive';
import { SAFETY_ENV } from '../../contract/env/safety';
import { formatScaleInHookEnv } from '../../contract/env/scale-in-hook';
import { formatSpotDrainEnv, SPOT_DRAIN_TIMEOUT_MARGIN_SECONDS } from '../../contract/env/spot-drain';
import { prefixedName } from '../../contract/naming';
import { ScaleInLifecycleHook } from '../constructs/lifecycle-hook';
import { MnsTopic } from '../constructs/mns-topic';
import { MnsTopicTrigger } from '../constructs/mns-topic-trigger';
import { drainStatements } from './spot-drain';
import type { AutomationUnit } from './unit';

/**
 * Guaranteed disk backups before scale-in (seed 003): an ESS scale-in lifecycle hook on the configured groups
 * notifies an MNS topic, whose FC trigger runs the handler; it drains the instance, snapshots its data disks, keeps
 * the hook alive with heartbeats and completes the lifecycle action. Config: `autoScaling.scaleInHook`.
 *
 * The hook's MNS notification documents the lifecycle action token; whether the EventBridge event
 * `ess:LifecycleHook:ScaleIn` carries it is UNCONFIRMED, so no rule is declared: we chose the MNS path. An
 * EventBridge rule could be added here once a parser for that event exists (lambda-src/scale-in-hook/notification.ts).
 */
export const scaleInHook: AutomationUnit = {
  kind: 'automation',
  name: 'scale-in-hook',
  id: 'ScaleInHook',
  settings: ['autoScaling', 'spotDrain'],
  plan: (region, feed) => {
    const { config } = region;
    const hook = config.autoScaling.scaleInHook;
    if (!hook.enabled) return undefined;
    const groupIds = hook.scalingGroupIds ?? config.autoScaling.scalingGroups.map((g) => g.id);
    if (groupIds.length === 0) return undefined;
    return {
      description: 'Drains and snapshots instances before scale-in (ESS lifecycle hook through MNS)',
      rules: [...feed.rules],
      statements: [
        ...region.idempotency,
        {
          actions: ['oss:GetObject', 'oss:PutObject'],
          resources: [region.archive.objectsArn(statePrefix('scale-in-hook'))],
        },
        // Reads without resource-level permission.
        {
          actions: ['ecs:DescribeDisks', 'ecs:DescribeSnapshots'],
          resources: ['*'],
        },
        // CreateSnapshot is authorized on the disk and the new snapshot (ECS RAM reference).
        { actions: ['ecs:CreateSnapshot'], resources: [region.arn('ecs', 'disk/*'), region.arn('ecs', 'snapshot/*')] },
        // The drain is spot-drain's (weight 0, wait, removal on CLB, ALB and NLB), with its settings.
        ...drainStatements(region),
        // The resource type ESS authorizes the lifecycle action calls on is not documented (UNCONFIRMED; its docs
        // grant them on "*"): every ESS resource of this account in this region, not "*".
        {
          actions: ['ess:RecordLifecycleActionHeartbeat', 'ess:CompleteLifecycleAction'],
          resources: [region.arn('ess', '*')],
        },
      ],
      environment: {
        ...formatSpotDrainEnv(config.spotDrain),
        // Only the dry run of the Auto Scaling rails (the handler says why the others do not apply to a hook).
        [SAFETY_ENV.dryRun]: String(config.autoScaling.dryRun),
        ...formatScaleInHookEnv({
          scalingGroupIds: groupIds,
          defaultResult: hook.defaultResult,
          heartbeatTimeoutSeconds: hook.heartbeatTimeoutSeconds,
          snapshotDataDisks: hook.snapshotDataDisks,
          snapshotRetentionDays: hook.snapshotRetentionDays,
          maxWaitMinutes: hook.maxWaitMinutes,
        }),
      },
      minTimeoutSeconds: config.spotDrain.drainSeconds + SPOT_DRAIN_TIMEOUT_MARGIN_SECONDS,
      afterDeploy: (handler) => {
        const { stack } = region;
        const topic = new MnsTopic(stack, 'ScaleInHookTopic', {
          topicName: prefixedName(config.namePrefix, 'scale-in-hook'),
        });
        new MnsTopicTrigger(stack, 'ScaleInHookTrigger', {
          handler,
          topic,
          invocationRoleName: prefixedName(config.namePrefix, `scale-in-hook-mns-${config.region}`).slice(0, 64),
        });
        for (const scalingGroupId of groupIds) {
          // Keyed by the group, so that adding or reordering groups replaces no other hook.
          new ScaleInLifecycleHook(stack, `ScaleInHookOf${scalingGroupId.replace(/[^a-zA-Z0-9]/g, '')}`, {
            scalingGroupId,
            topic,
            hookName: prefixedName(config.namePrefix, 'scale-in').slice(0, 40),
            heartbeatTimeoutSeconds: hook.heartbeatTimeoutSeconds,
            defaultResult: hook.defaultResult,
          });
        }
      },
    };
  },
};
