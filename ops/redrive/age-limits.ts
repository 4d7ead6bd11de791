import * as ros from '@alicloud/ros-cdk-core';
import { SAFETY_ENV } from '../../contract/env/safety';
import { UNITS, type Unit } from '../../lib/automations';
import { regionResources } from '../../lib/automations/region';
import type { RegionConfig } from '../../lib/config';
import { EventArchiveBucket } from '../../lib/constructs/event-archive-bucket';

/**
 * The age limit (`<automation>.maxEventAgeHours`) of every automation deployed in one region, per automation name:
 * hours, or `null` for an automation without one (notify, event-archive, the audits: only action automations have
 * an age limit). An automation the region does not deploy (disabled) has no entry.
 */
export type AgeLimits = Readonly<Record<string, number | null>>;

/**
 * Reads the age limits of `config`'s region exactly as synth computes them: each automation unit plans itself on a
 * throwaway stack (no code is bundled, nothing is written) and the limit is the `SAFETY_ENV.maxEventAgeHours`
 * variable its function would get. So there is no second list of which automation is an action automation or which
 * configuration section holds its setting (custom units included), and a region block's own value wins, as in synth.
 *
 * @example readAgeLimits(loadProjectConfig(root).regions[0])['auto-restart'] // 24
 */
export function readAgeLimits(config: RegionConfig, units: readonly Unit[] = UNITS): AgeLimits {
  const app = new ros.App({ stackTraces: false });
  const stack = new ros.Stack(app, 'AgeLimits');
  const archive = new EventArchiveBucket(stack, 'Archive', {
    namePrefix: config.namePrefix,
    retentionDays: config.archive.retentionDays,
    infrequentAccessAfterDays: config.archive.infrequentAccessAfterDays,
  });
  const planned: string[] = [];
  const region = regionResources(stack, config, archive, () => planned);
  const limits: Record<string, number | null> = {};
  for (const unit of units) {
    if (unit.kind !== 'automation') continue;
    // The feed only adds rules; the environment does not depend on it.
    const plan = unit.plan(region, { rules: [], declared: 0 });
    if (plan === undefined) continue;
    planned.push(unit.name);
    const raw = plan.environment[SAFETY_ENV.maxEventAgeHours];
    limits[unit.name] = raw === undefined ? null : Number(raw);
  }
  return limits;
}
