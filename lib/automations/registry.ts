import { audit } from './audit';
import { autoRestart } from './auto-restart';
import { dlqCheck } from './dlq-check';
import { eventArchive } from './event-archive';
import { lifecycleAudit } from './lifecycle-audit';
import { notify } from './notify';
import { protectInstances } from './protect-instances';
import { scaleInHook } from './scale-in-hook';
import { scaleOut } from './scale-out';
import { snapshotResults } from './snapshot-results';
import { spotDrain } from './spot-drain';
import type { Unit } from './unit';

/** A unit name: kebab-case, as it ends every resource name of the automation. */
const UNIT_NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
/** A construct id prefix: PascalCase. */
const UNIT_ID = /^[A-Z][A-Za-z0-9]*$/;

/** A registry that cannot be assembled: a unit's name or id is malformed or taken, or a rule set feeds nothing. */
export class UnitRegistryError extends Error {
  override readonly name = 'UnitRegistryError';
}

/**
 * The registry: every built-in unit, in deployment order, with `custom` (a team's own units) placed before
 * dlq-check, so that it watches their dead-letter queues too. The order is part of the template (resources appear
 * in it), and a rule set comes before the automation it feeds.
 *
 * `UNITS` (index.ts) is `unitsWith(CUSTOM_UNITS)`; tests and examples pass other units, e.g. the worked example's.
 *
 * @throws UnitRegistryError when a name is not kebab-case or taken, an automation's id is not PascalCase or taken, or
 *   a rule set feeds no automation of the registry; the message names the unit and what is allowed.
 * @example new RegionStack(app, { config, assetsQualifier, units: unitsWith([tagAudit()]) })
 */
export function unitsWith(custom: readonly Unit[]): readonly Unit[] {
  const units: readonly Unit[] = [
    lifecycleAudit,
    autoRestart,
    spotDrain,
    notify,
    snapshotResults,
    audit,
    eventArchive,
    scaleOut,
    scaleInHook,
    protectInstances,
    ...custom,
    dlqCheck,
  ];
  const names = new Set<string>();
  const ids = new Set<string>();
  for (const unit of units) {
    if (!UNIT_NAME.test(unit.name)) {
      throw new UnitRegistryError(
        `unit "${unit.name}": the name is not valid: kebab-case (lowercase letters and digits joined by "-"), e.g. "tag-audit"`,
      );
    }
    if (names.has(unit.name)) {
      throw new UnitRegistryError(`unit "${unit.name}": the name is taken by another unit; choose another name`);
    }
    names.add(unit.name);
    if (unit.kind === 'rules') continue;
    if (!UNIT_ID.test(unit.id)) {
      throw new UnitRegistryError(`unit "${unit.name}": id "${unit.id}" is not valid: PascalCase, e.g. "TagAudit"`);
    }
    if (ids.has(unit.id)) {
      throw new UnitRegistryError(`unit "${unit.name}": id "${unit.id}" is taken by another unit; choose another id`);
    }
    ids.add(unit.id);
  }
  const automations = units.filter((u) => u.kind === 'automation').map((u) => u.name);
  for (const unit of units) {
    if (unit.kind === 'rules' && !automations.includes(unit.feeds)) {
      throw new UnitRegistryError(
        `rule set "${unit.name}": feeds "${unit.feeds}", which is no automation of the registry (${automations.join(', ')})`,
      );
    }
  }
  return units;
}
