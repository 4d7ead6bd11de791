import { CUSTOM_UNITS } from '../../custom';
import { audit } from './audit';
import { autoRestart } from './auto-restart';
import { dlqCheck } from './dlq-check';
import { eventArchive } from './event-archive';
import { lifecycleAudit } from './lifecycle-audit';
import { notify } from './notify';
import { protectInstances } from './protect-instances';
import { scaleOut } from './scale-out';
import { snapshotResults } from './snapshot-results';
import { spotDrain } from './spot-drain';
import type { Unit } from './unit';

export type { AutomationPlan, AutomationUnit, Feed, RegionResources, RuleSetUnit, RuleSpec, Unit } from './unit';

/**
 * Every unit, in deployment order: the order is part of the template (resources appear in it), and a rule set comes
 * before the automation it feeds. The team's own units (custom/index.ts) come before dlq-check, so that it watches
 * their dead-letter queues too.
 */
export const UNITS: readonly Unit[] = [
  lifecycleAudit,
  autoRestart,
  spotDrain,
  notify,
  snapshotResults,
  audit,
  eventArchive,
  scaleOut,
  protectInstances,
  ...CUSTOM_UNITS,
  dlqCheck,
];

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
  protectInstances,
  dlqCheck,
].map((u) => u.name);

/** The names of every automation (units with a function), for the tools that list them. */
export const AUTOMATION_NAMES: readonly string[] = UNITS.filter((u) => u.kind === 'automation').map((u) => u.name);
