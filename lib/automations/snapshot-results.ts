import { snapshotCompleted } from '../events/ecs-patterns';
import type { RuleSetUnit } from './unit';

/** Every snapshot result, into the archive. Config: `snapshots.enabled`. */
export const snapshotResults: RuleSetUnit = {
  kind: 'rules',
  name: 'snapshot-results',
  feeds: 'event-archive',
  settings: ['snapshots'],
  rules: (region) =>
    region.config.snapshots.enabled
      ? [
          {
            id: 'SnapshotResultsRule',
            name: 'snapshot-results',
            description: 'Every snapshot result',
            pattern: snapshotCompleted(),
          },
        ]
      : [],
};
