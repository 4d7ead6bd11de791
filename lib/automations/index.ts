import { CUSTOM_UNITS } from '../../custom';
import { audit } from './audit';
import { autoRestart } from './auto-restart';
import { dlqCheck } from './dlq-check';
import { lifecycleAudit } from './lifecycle-audit';
import { protectInstances } from './protect-instances';
import { unitsWith } from './registry';
import { scaleInHook } from './scale-in-hook';
import { scaleOut } from './scale-out';
import { snapshotResults } from './snapshot-results';
import { spotDrain } from './spot-drain';
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

/** The built-in units only: what upstream's tests synthesize, so that a fork's own units cannot change their results. */
export const BUILT_IN_UNITS: readonly Unit[] = unitsWith([]);

/**
 * Built-in automations that rules declared in the configuration may not target: they act on the cloud and expect
 * their own events. `notify` and `event-archive` take any catalogue event (lib/automations/declared-rules.ts).
 */
export const NOT_DECLARABLE: readonly string[] = [
  lifecycleAudit,
  autoRestart,
  spotDrain,
  snapshotResults,
  audit,
  scaleOut,
  scaleInHook,
  protectInstances,
  dlqCheck,
].map((u) => u.name);

/** The names of every automation (units with a function), for the tools that list them. */
export const AUTOMATION_NAMES: readonly string[] = UNITS.filter((u) => u.kind === 'automation').map((u) => u.name);
