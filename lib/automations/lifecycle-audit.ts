import { ARCHIVE_PREFIXES } from '../../contract/archive';
import { instanceStateChange } from '../events/ecs-patterns';
import type { AutomationUnit } from './unit';

/** Archives every ECS instance state change (seed scenario 1). Always on. */
export const lifecycleAudit: AutomationUnit = {
  kind: 'automation',
  name: 'lifecycle-audit',
  id: 'LifecycleAudit',
  settings: [],
  plan: (region, feed) => ({
    description: 'Archives every ECS instance state change (seed scenario 1)',
    rules: [
      {
        id: 'LifecycleAuditRule',
        name: 'lifecycle-audit',
        description: 'Every instance state change',
        pattern: instanceStateChange(),
      },
      ...feed.rules,
    ],
    statements: [
      ...region.idempotency,
      { actions: ['oss:PutObject'], resources: [region.archive.objectsArn(ARCHIVE_PREFIXES.archive)] },
    ],
    environment: {},
  }),
};
