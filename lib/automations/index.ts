import { CUSTOM_UNITS } from '../../custom';
import { unitsWith } from './registry';
import type { Unit } from './unit';

export { UnitRegistryError, unitsWith } from './registry';
export type {
  AutomationPlan,
  AutomationUnit,
  ChannelAccess,
  Feed,
  RegionResources,
  RuleSetUnit,
  RuleSpec,
  Unit,
} from './unit';

/**
 * Every unit, in deployment order: the built-in units with the team's own (custom/index.ts) before dlq-check, so
 * that it watches their dead-letter queues too (see {@link unitsWith}).
 */
export const UNITS: readonly Unit[] = unitsWith(CUSTOM_UNITS);

/** The names of every automation (units with a function), for the tools that list them. */
export const AUTOMATION_NAMES: readonly string[] = UNITS.filter((u) => u.kind === 'automation').map((u) => u.name);
