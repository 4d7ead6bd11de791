import { statePrefix } from '../../contract/archive';
import { formatDlqCheckEnv } from '../../contract/env/dlq-check';
import { deadLetterQueueName } from '../../contract/naming';
import type { AutomationUnit } from './unit';

/**
 * Know when something is stuck: a timer reads the message counts of the dead-letter queues of every automation
 * planned before it (it is the registry's last). Config: `deadLetterCheck`, `notifications`.
 */
export const dlqCheck: AutomationUnit = {
  kind: 'automation',
  name: 'dlq-check',
  id: 'DlqCheck',
  settings: ['deadLetterCheck', 'notifications'],
  plan: (region, feed) => {
    const { config, archive } = region;
    if (!config.deadLetterCheck.enabled) return undefined;
    const queueNames = region.planned().map((name) => deadLetterQueueName(config.namePrefix, name));
    const channels = region.alertChannels();
    return {
      description: `Alerts when a dead-letter queue holds messages (every ${config.deadLetterCheck.intervalMinutes} minutes)`,
      rules: [...feed.rules],
      statements: [
        // GetQueueAttributes is authorized per queue: acs:mns:<region>:<account>:/queues/<name> (MNS RAM reference).
        {
          actions: ['mns:GetQueueAttributes'],
          resources: queueNames.map((name) => region.arn('mns', `/queues/${name}`)),
        },
        ...channels.statements,
        { actions: ['oss:GetObject', 'oss:PutObject'], resources: [archive.objectsArn(statePrefix('dlq-check'))] },
        // Per-channel delivery records (under state/dlq-check/deliveries/) are listed before a retry.
        ...(Object.keys(channels.environment).length === 0
          ? []
          : [{ actions: ['oss:ListObjects'], resources: [archive.bucketArn] }]),
      ],
      environment: { ...formatDlqCheckEnv({ queueNames }), ...channels.environment },
      scheduleMinutes: config.deadLetterCheck.intervalMinutes,
    };
  },
};
