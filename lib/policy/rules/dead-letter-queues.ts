import { DLQ_RETENTION_SECONDS as SEVEN_DAYS } from '../../../contract/retention';
import { isRecord, referencedIds, resourcesOfType } from '../template';
import type { Finding, PolicyRule, RosTemplate } from '../types';

/** Logical ids of the queues used as dead-letter queues: by a rule target or as an FC failure destination. */
export function deadLetterQueueIds(template: RosTemplate): Set<string> {
  const ids = new Set<string>();
  for (const [, rule] of resourcesOfType(template, 'ALIYUN::EventBridge::Rule')) {
    const targets = rule.Properties?.Targets;
    for (const t of Array.isArray(targets) ? targets : []) {
      if (isRecord(t)) for (const id of referencedIds(t.DeadLetterQueue)) ids.add(id);
    }
  }
  for (const [, fn] of resourcesOfType(template, 'ALIYUN::FC::Function')) {
    const async = fn.Properties?.AsyncConfiguration;
    if (isRecord(async)) for (const id of referencedIds(async.Destination)) ids.add(id);
  }
  return ids;
}

/** Dead-letter queues keep messages 7 days. Queues that are not dead-letter queues are not checked. */
export const deadLetterQueueRetention: PolicyRule = {
  id: 'dlq-retention',
  description: 'Every queue used as a dead-letter queue keeps messages for 7 days.',
  check({ stack, template }) {
    const findings: Finding[] = [];
    for (const id of deadLetterQueueIds(template)) {
      const queue = template.Resources?.[id];
      if (queue?.Type !== 'ALIYUN::MNS::Queue') continue;
      const retention = queue.Properties?.MessageRetentionPeriod;
      if (retention !== SEVEN_DAYS) {
        findings.push({
          rule: this.id,
          stack,
          resource: id,
          message: `MessageRetentionPeriod is ${String(retention ?? 'the default (4 days)')}, not ${SEVEN_DAYS} (7 days)`,
        });
      }
    }
    return findings;
  },
};

/** A rule never delivers to the queue that is also its dead-letter queue: failures would loop back into it. */
export const deadLetterQueueNoSelfChain: PolicyRule = {
  id: 'dlq-no-self-chain',
  description: 'No rule target delivers to the queue that is its own dead-letter queue.',
  check({ stack, template }) {
    return resourcesOfType(template, 'ALIYUN::EventBridge::Rule').flatMap(([id, rule]) => {
      const targets = rule.Properties?.Targets;
      return (Array.isArray(targets) ? targets : []).flatMap((t) => {
        if (!isRecord(t)) return [];
        const dlq = new Set(referencedIds(t.DeadLetterQueue));
        const chained = referencedIds([t.Endpoint, t.ParamList]).filter((ref) => dlq.has(ref));
        return chained.length === 0
          ? []
          : [
              {
                rule: this.id,
                stack,
                resource: id,
                message: `target ${String(t.Id)} delivers to ${chained[0]}, which is also its dead-letter queue`,
              },
            ];
      });
    });
  },
};
