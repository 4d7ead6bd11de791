import type { Unit } from '../../lib/automations/unit';
import { tagAudit } from '../tag-audit/unit';

/**
 * What a team's `custom/index.ts` looks like once it lists its own automation (here the worked example; in your
 * fork the import is `./tag-audit/unit` or wherever you put it). test/examples/tag-audit.test.ts builds the registry
 * from this list, the way `UNITS` is built from custom/index.ts.
 */
export const CUSTOM_UNITS: readonly Unit[] = [tagAudit({ requiredTags: ['owner'] })];
