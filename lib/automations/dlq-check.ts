import { statePrefix } from '../../contract/archive';
import { formatDlqCheckEnv } from '../../contract/env/dlq-check';
import { deadLetterQueueName, EVENT_STORE_NAME } from '../../contract/naming';
import type { AutomationUnit } from './unit';

/**
 * Know when something is stuck: a timer reads the message counts of the dead-letter queues of every automation
 * planned before it (it is the registry's last) and of the event store. Each check writes one depth record per queue
 * (the SLS dashboard and, with `deadLetterCheck.alertVia: "sls"`, the SLS alert read them); it pages itself only with
 * `alertVia: "function"`. Config: `deadLetterCheck`, `eventStore`, `notifications`.
 */
export const dlqCheck: AutomationUnit = {
  kind: 'automation',
  name: 'dlq-check',
  id: 'DlqCheck',
  settings: ['deadLetterCheck', 'eventStore', 'notifications'],
  plan: (region, feed) => {
    const { config, archive } = region;
    if (!config.deadLetterCheck.enabled) return undefined;
    const watched = [...region.planned(), ...(config.eventStore.enabled ? [EVENT_STORE_NAME] : [])];
    const queueNames = watched.map((name) => deadLetterQueueName(config.namePrefix, name));
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
      environment: {
        ...formatDlqCheckEnv({ queueNames, page: config.deadLetterCheck.alertVia === 'function' }),
        ...channels.environment,
      },
      scheduleMinutes: config.deadLetterCheck.intervalMinutes,
    };
  },
};
