import { ECS_SOURCE, ESS_SOURCE, EVENT_TYPES } from '../../contract/events';
import type { RuleSetUnit } from './unit';

/** The audit trail: every other ECS and Auto Scaling event, into the archive. Config: `audit.enabled`. */
export const audit: RuleSetUnit = {
  kind: 'rules',
  name: 'audit',
  feeds: 'event-archive',
  settings: ['audit', 'snapshots'],
  rules: ({ config }) => {
    if (!config.audit.enabled) return [];
    // State changes are archived by lifecycle-audit, snapshot results by their own rule: not twice.
    const elsewhere = [
      EVENT_TYPES.instanceStateChange,
      ...(config.snapshots.enabled ? [EVENT_TYPES.snapshotCompleted] : []),
    ];
    return [
      {
        id: 'AuditRule',
        name: 'audit',
        description: 'Every other ECS and Auto Scaling event',
        pattern: { source: [ECS_SOURCE, ESS_SOURCE], type: [{ 'anything-but': elsewhere }] },
      },
    ];
  },
};
