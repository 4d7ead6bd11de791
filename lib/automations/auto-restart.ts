import { statePrefix } from '../../contract/archive';
import { formatAutoRestartEnv } from '../../contract/env/auto-restart';
import { instanceStateChange } from '../events/ecs-patterns';
import { safetyPlan } from './safety';
import type { AutomationUnit } from './unit';

/** Restarts stopped instances that carry the opt-in tag (seed scenario 2). Config: `autoRestart`. */
export const autoRestart: AutomationUnit = {
  kind: 'automation',
  name: 'auto-restart',
  id: 'AutoRestart',
  settings: ['autoRestart', 'notifications'],
  plan: (region, feed) => {
    const settings = region.config.autoRestart;
    if (!settings.enabled) return undefined;
    const description = `Restarts stopped instances tagged ${settings.tagKey}=${settings.tagValue} (seed scenario 2)`;
    const { archive } = region;
    const safety = safetyPlan(region, 'auto-restart', settings);
    return {
      description,
      rules: [
        { id: 'AutoRestartRule', name: 'auto-restart', description, pattern: instanceStateChange(['Stopped']) },
        ...feed.rules,
      ],
      statements: [
        ...region.idempotency,
        // DescribeInstances has no resource-level permission: it is a read, and RAM users without it get an empty list.
        { actions: ['ecs:DescribeInstances'], resources: ['*'] },
        // Only instances that carry the opt-in tag, also when the handler is wrong about the tag. acs:ResourceTag/<key>
        // is the documented condition key for "the requested resource must have the specified tag" on ECS instances:
        // https://www.alibabacloud.com/help/en/ram/use-cases/use-tags-to-control-access-to-ecs-resources-1 and
        // https://www.alibabacloud.com/help/en/ecs/user-guide/manage-resource-permissions-with-tags . The condition-key
        // column of the StartInstance API reference lists no key of its own (UNCONFIRMED that StartInstance evaluates
        // it: we chose to rely on the ECS tag documentation, with autoRestart.ramTagCondition: false as the way out if
        // it does not; the handler re-checks the tag either way, see README).
        {
          actions: ['ecs:StartInstance'],
          resources: [region.arn('ecs', 'instance/*')],
          ...(settings.ramTagCondition
            ? { conditions: { StringEquals: { [`acs:ResourceTag/${settings.tagKey}`]: settings.tagValue } } }
            : {}),
        },
        { actions: ['oss:GetObject', 'oss:PutObject'], resources: [archive.objectsArn(statePrefix('auto-restart'))] },
        { actions: ['oss:ListObjects'], resources: [archive.bucketArn] },
        ...safety.statements,
      ],
      environment: { ...formatAutoRestartEnv(settings), ...safety.environment },
    };
  },
};
