import { ARCHIVE_PREFIXES } from '../../contract/archive';
import type { AutomationUnit } from './unit';

/**
 * Archives ECS and Auto Scaling events to OSS: the rules of `snapshot-results`, `audit` and those declared with the
 * target `archive`. Deployed when any rule feeds it.
 */
export const eventArchive: AutomationUnit = {
  kind: 'automation',
  name: 'event-archive',
  id: 'EventArchive',
  settings: [],
  plan: (region, feed) =>
    feed.rules.length === 0 && feed.declared === 0
      ? undefined
      : {
          description: 'Archives ECS and Auto Scaling events to OSS',
          rules: feed.rules,
          statements: [
            ...region.idempotency,
            { actions: ['oss:PutObject'], resources: [region.archive.objectsArn(ARCHIVE_PREFIXES.archive)] },
          ],
          environment: {},
        },
};
