import { ALERTS_PREFIX, statePrefix } from '../../contract/archive';
import { formatNotifyEnv } from '../../contract/env/notify';
import { ECS_SOURCE } from '../../contract/events';
import { prefixedName } from '../../contract/naming';
import type { RegionConfig } from '../config';
import { ApiDestinationTarget } from '../constructs/api-destination-target';
import { SecretParameter } from '../constructs/secret-parameter';
import { snapshotCompleted, systemEvents } from '../events/ecs-patterns';
import { slsAlerts } from '../events/sls-patterns';
import type { AutomationUnit, RuleSpec } from './unit';

/** Instance-health events that are not system events but call for an operator's attention (max 5 per field). */
const HEALTH_TYPES = [
  'ecs:Instance:LiveMigrationAcrossDDH',
  'ecs:Instance:PerformanceModeChange',
  'ecs:Instance:BurstablePerformanceRestricted',
  'ecs:Disk:ErrorDetected',
  'ecs:Disk:Stalled',
];

/** A channel's event type lists, both present. */
function filterOf(filter: { readonly include?: readonly string[]; readonly exclude?: readonly string[] } | undefined) {
  return filter === undefined ? undefined : { include: filter.include ?? [], exclude: filter.exclude ?? [] };
}

/**
 * Whether the region declares SLS alert rules (lib/stacks/region-stack.ts): `slsAlerts` on, or the dead-letter alert
 * of `deadLetterCheck.alertVia: "sls"`. Their events then need a rule to notify.
 */
export function declaresSlsAlerts(config: RegionConfig): boolean {
  return config.slsAlerts.enabled || (config.deadLetterCheck.enabled && config.deadLetterCheck.alertVia === 'sls');
}

/**
 * Turns system events, instance-health events, failed snapshots and the rules that target `notify` into alerts.
 * Config: `systemEvents`, `snapshots` (failed snapshots, the monitoring endpoint), `notifications`. Deployed when
 * any rule feeds it.
 */
export const notify: AutomationUnit = {
  kind: 'automation',
  name: 'notify',
  id: 'Notify',
  settings: ['systemEvents', 'snapshots', 'notifications', 'slsAlerts'],
  plan: (region, feed) => {
    const { config, stack, archive } = region;
    const rules: RuleSpec[] = [];
    if (config.systemEvents.enabled) {
      rules.push(
        {
          id: 'SystemEventsRule',
          name: 'system-events',
          description: 'ECS system events, all three documented forms',
          pattern: systemEvents(),
        },
        {
          id: 'InstanceHealthRule',
          name: 'instance-health',
          description: 'Live migration, performance mode and disk health',
          pattern: { source: [ECS_SOURCE], type: HEALTH_TYPES },
        },
      );
    }
    if (config.snapshots.enabled) {
      const endpoint = config.snapshots.monitoringEndpoint;
      const monitoring =
        endpoint === null
          ? []
          : [
              new ApiDestinationTarget(stack, 'Monitoring', {
                name: prefixedName(config.namePrefix, 'monitoring'),
                endpoint,
                bearerToken: new SecretParameter(stack, 'MonitoringToken', {
                  description: 'Bearer token of the external monitoring endpoint (snapshots.monitoringEndpoint)',
                }).value,
              }),
            ];
      rules.push({
        id: 'SnapshotFailedRule',
        name: 'snapshot-failed',
        description: 'Failed snapshots: alert, and forward to the monitoring endpoint when configured',
        pattern: snapshotCompleted('failed'),
        extraTargets: monitoring,
      });
    }
    if (declaresSlsAlerts(config)) {
      rules.push({
        id: 'SlsAlertsRule',
        name: 'sls-alerts',
        description: 'SLS alerts of this project (label app=ecs-event-ops), routed SLS -> EventBridge -> notify',
        pattern: slsAlerts(),
      });
    }
    rules.push(...feed.rules);
    if (rules.length === 0 && feed.declared === 0) return undefined;
    const channels = region.alertChannels();
    const delivering = Object.keys(channels.environment).length > 0;
    return {
      description: 'Turns system events, instance-health events and failed snapshots into alerts',
      rules,
      statements: [
        ...region.idempotency,
        { actions: ['ecs:DescribeInstances'], resources: ['*'] },
        { actions: ['oss:PutObject'], resources: [archive.objectsArn(ALERTS_PREFIX)] },
        ...channels.statements,
        // Per-channel delivery records, so that a retry does not resend to a channel that already got the alert.
        ...(delivering
          ? [
              { actions: ['oss:GetObject', 'oss:PutObject'], resources: [archive.objectsArn(statePrefix('notify'))] },
              { actions: ['oss:ListObjects'], resources: [archive.bucketArn] },
            ]
          : []),
      ],
      environment: {
        ...formatNotifyEnv({
          timeZone: region.timeZone,
          groupingWindowSeconds: config.notifications.groupingWindowSeconds,
          eventTypes: {
            dingtalk: filterOf(config.notifications.eventTypes.dingTalk),
            webhook: filterOf(config.notifications.eventTypes.webhook),
          },
          muteWindows: config.notifications.muteWindows,
        }),
        ...channels.environment,
      },
    };
  },
};
