import { isRecord, resourcesOfType } from '../template';
import type { PolicyRule } from '../types';

/** Every EventBridge rule target has a dead-letter queue and a retry strategy. */
export const targetDlqRetry: PolicyRule = {
  id: 'target-dlq-retry',
  description: 'Every EventBridge rule target has a dead-letter queue and a retry strategy.',
  check({ stack, template }) {
    return resourcesOfType(template, 'ALIYUN::EventBridge::Rule').flatMap(([id, rule]) => {
      const targets = rule.Properties?.Targets;
      return (Array.isArray(targets) ? targets : []).flatMap((target) => {
        const t = isRecord(target) ? target : {};
        const missing = [
          ...(isRecord(t.DeadLetterQueue) && t.DeadLetterQueue.Arn !== undefined ? [] : ['dead-letter queue']),
          ...(typeof t.PushRetryStrategy === 'string' ? [] : ['retry strategy']),
        ];
        return missing.length === 0
          ? []
          : [
              {
                rule: this.id,
                stack,
                resource: id,
                message: `target ${String(t.Id)} has no ${missing.join(' and no ')}`,
              },
            ];
      });
    });
  },
};
