import type { z } from 'zod';
import { didYouMean } from '../private/did-you-mean';
import { pathText, zodProblems } from '../private/zod-problems';
import { deepMerge, isPlainObject, shapeProblems } from './context';
import { ConfigError, type ConfigProblem, render } from './errors';
import { DEFAULT_REGION, REGION_IDS } from './regions';
import {
  type AppConfig,
  CONTEXT_KEY,
  contextSchema,
  DEFAULT_ASSETS_QUALIFIER,
  DEFAULT_NAME_PREFIX,
  DEFAULT_SETTINGS,
  GLOBAL_KEYS,
  type RegionConfig,
  type RegionSettings,
  SETTING_KEYS,
} from './schema';

/**
 * Turns zod's issues into problems in today's format (path, value received, what is allowed), in the order of the
 * value as written (lib/private/zod-problems.ts). The message of each issue is the schema's own `allowed` text
 * (lib/config/schema.ts); an unknown key gets the known keys and the nearest one, a missing key the key's name.
 */
function problemsOf(issues: readonly z.core.$ZodIssue[], root: unknown): ConfigProblem[] {
  return zodProblems(issues, root).map((problem): ConfigProblem => {
    if (problem.kind === 'unknown-key') {
      const path = pathText(CONTEXT_KEY, [...problem.at, problem.key]);
      const known = problem.at.length === 0 ? [...GLOBAL_KEYS, ...SETTING_KEYS] : problem.message.split(', ');
      const allowed =
        problem.at.length === 0
          ? `${known.join(', ')}, or a region id${didYouMean(problem.key, [...known, ...REGION_IDS])}`
          : `${problem.message}${didYouMean(problem.key, known)}`;
      return { path, received: render(problem.value), allowed: `no such key; known keys are ${allowed}` };
    }
    if (problem.kind === 'missing') {
      const { at, key } = problem;
      const suppression = at.length === 3 && at[0] === 'policy' && at[1] === 'suppressions';
      return {
        path: pathText(CONTEXT_KEY, [...at, key]),
        received: 'undefined',
        allowed: suppression ? `a suppression needs "${key}"` : `"${key}" is required here`,
      };
    }
    return { path: pathText(CONTEXT_KEY, problem.at), received: render(problem.value), allowed: problem.message };
  });
}

/** Objects merge key by key; everything else (lists included) is replaced: the CLI's merge of context sources. */
function merge<T>(base: T, override: unknown): T {
  return deepMerge(base, override) as T;
}

/** Cross-field rules, on the merged settings of one region. */
function checkRegion(settings: RegionSettings, path: string, problems: ConfigProblem[]): void {
  if (settings.autoScaling.applySnapshotPolicy && settings.snapshots.policy === null) {
    problems.push({
      path: `${path}.snapshots.policy`,
      received: 'null',
      allowed:
        'a snapshot policy ({ timePoints, repeatWeekdays, retentionDays }): autoScaling.applySnapshotPolicy is on',
    });
  }
  if (settings.autoScaling.applySnapshotPolicy && settings.autoScaling.scalingGroups.length === 0) {
    problems.push({
      path: `${path}.autoScaling.scalingGroups`,
      received: '[]',
      allowed: 'at least one scaling group: autoScaling.applySnapshotPolicy is on',
    });
  }
  const groups = settings.autoScaling.scalingGroups.map((g) => g.id);
  const hook = settings.autoScaling.scaleInHook;
  if (hook.enabled && groups.length === 0) {
    problems.push({
      path: `${path}.autoScaling.scalingGroups`,
      received: '[]',
      allowed: 'at least one scaling group: autoScaling.scaleInHook is on',
    });
  }
  (hook.scalingGroupIds ?? []).forEach((id, i) => {
    if (!groups.includes(id)) {
      problems.push({
        path: `${path}.autoScaling.scaleInHook.scalingGroupIds[${i}]`,
        received: render(id),
        allowed: `a group of autoScaling.scalingGroups (${groups.join(', ') || 'none configured'})`,
      });
    }
  });
  groups.forEach((group, i) => {
    if (groups.indexOf(group) !== i) {
      problems.push({
        path: `${path}.autoScaling.scalingGroups[${i}].id`,
        received: render(group),
        allowed: 'each scaling group only once',
      });
    }
  });
  const { retentionDays, infrequentAccessAfterDays } = settings.archive;
  if (infrequentAccessAfterDays !== null && infrequentAccessAfterDays >= retentionDays) {
    problems.push({
      path: `${path}.archive.infrequentAccessAfterDays`,
      received: render(infrequentAccessAfterDays),
      allowed: `fewer days than archive.retentionDays (${retentionDays}), or null`,
    });
  }
}

/** The keys of `value` that are settings, with their (validated) values. */
function settingsOf(value: Readonly<Record<string, unknown>> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of SETTING_KEYS) if (value?.[key] !== undefined) out[key] = value[key];
  return out;
}

/**
 * Reads and validates the configuration from the raw context value of {@link CONTEXT_KEY}.
 *
 * The value may be an object (from `cdk.json` or `cdk.context.json`) or a JSON string (from `-c ecs-event-ops=...`).
 * It is checked by the zod schema of lib/config/schema.ts; every problem is collected before failing, so one run
 * shows them all. Defaults ({@link DEFAULT_SETTINGS}) are applied here, once: shared settings over them, a region's
 * block over those; then the cross-field rules run on each region's merged settings.
 *
 * @throws ConfigError listing each problem with its context path, the value received and what is allowed.
 */
export function loadConfig(raw: unknown): AppConfig {
  let value = raw ?? {};
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch (cause) {
      throw new ConfigError([{ path: CONTEXT_KEY, received: render(raw), allowed: 'a JSON object' }], { cause });
    }
  }
  if (!isPlainObject(value)) {
    throw new ConfigError([{ path: CONTEXT_KEY, received: render(value), allowed: 'an object' }]);
  }
  // Before anything reads it: a hostile value (prototype keys, nesting deep enough to overflow a recursive reader)
  // is refused with its path.
  const shape = shapeProblems(value, CONTEXT_KEY);
  if (shape.length > 0) throw new ConfigError(shape);

  const parsed = contextSchema.safeParse(value);
  if (!parsed.success) throw new ConfigError(problemsOf(parsed.error.issues, value));
  const data = parsed.data as Record<string, unknown> & {
    regions?: string[];
    namePrefix?: string;
    assetsQualifier?: string;
    policy?: { suppressions?: AppConfig['policySuppressions'] };
  };

  const problems: ConfigProblem[] = [];
  const regions = data.regions ?? [DEFAULT_REGION];
  const namePrefix = data.namePrefix ?? DEFAULT_NAME_PREFIX;
  for (const key of Object.keys(value)) {
    if (REGION_IDS.includes(key) && !regions.includes(key)) {
      problems.push({
        path: `${CONTEXT_KEY}.${key}`,
        received: render(value[key]),
        allowed: `a block only for a region listed in "regions" (${regions.join(', ')})`,
      });
    }
  }
  const shared = merge(DEFAULT_SETTINGS, settingsOf(data));
  const regionConfigs: RegionConfig[] = regions.map((region) => {
    const block = data[region] as Record<string, unknown> | undefined;
    const settings = merge(shared, settingsOf(block));
    checkRegion(settings, block === undefined ? CONTEXT_KEY : `${CONTEXT_KEY}.${region}`, problems);
    return { region, namePrefix, ...settings };
  });
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    regions: regionConfigs,
    namePrefix,
    assetsQualifier: data.assetsQualifier ?? DEFAULT_ASSETS_QUALIFIER,
    policySuppressions: data.policy?.suppressions ?? [],
  };
}
