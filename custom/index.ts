import type { Unit } from '../lib/automations/unit';

/**
 * Your team's own automations and rule sets: list their units here (see "Add your own automation" in README.md).
 * Upstream ships this list empty and never changes it, so a fork merges updates without conflicts.
 */
export const CUSTOM_UNITS: readonly Unit[] = [];
