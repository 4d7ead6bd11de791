import type { z } from 'zod';
import { didYouMean } from '../private/did-you-mean';
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

type Segment = PropertyKey;

/** `ecs-event-ops.a.b[0].c` from `['a', 'b', 0, 'c']`. */
function pathText(path: readonly Segment[]): string {
  return path.reduce<string>(
    (text, segment) => (typeof segment === 'number' ? `${text}[${segment}]` : `${text}.${String(segment)}`),
    CONTEXT_KEY,
  );
}

/** The value at `path` in `root`, or undefined when the path runs out. */
function valueAt(root: unknown, path: readonly Segment[]): unknown {
  let value = root;
  for (const segment of path) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, segment)) return undefined;
    value = (value as Record<PropertyKey, unknown>)[segment];
  }
  return value;
}

/**
 * Where `path` comes in `root` as written: at each level, the position of the key or index. A key that is missing
 * comes after those present, so that a missing required key is reported after the problems of the keys given.
 */
function positionOf(root: unknown, path: readonly Segment[]): number[] {
  const out: number[] = [];
  let value = root;
  for (const segment of path) {
    if (typeof segment === 'number') out.push(segment);
    else if (isPlainObject(value)) {
      const at = Object.keys(value).indexOf(String(segment));
      out.push(at === -1 ? Number.MAX_SAFE_INTEGER : at);
    } else out.push(Number.MAX_SAFE_INTEGER);
    value = valueAt(value, [segment]);
  }
  return out;
}

function compare(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

/**
 * Turns zod's issues into problems in today's format (path, value received, what is allowed), in the order of the
 * value as written. The message of each issue is the schema's own `allowed` text (lib/config/schema.ts); an unknown
 * key gets the known keys and the nearest one, a missing key the key's name.
 */
function problemsOf(issues: readonly z.core.$ZodIssue[], root: unknown): ConfigProblem[] {
  const found: { problem: ConfigProblem; position: number[] }[] = [];
  const add = (path: readonly Segment[], received: string, allowed: string) =>
    found.push({ problem: { path: pathText(path), received, allowed }, position: positionOf(root, path) });
  for (const issue of issues) {
    const parent = issue.path.slice(0, -1);
    const key = issue.path.at(-1);
    if (issue.code === 'unrecognized_keys') {
      for (const unknown of issue.keys) {
        const at = [...issue.path, unknown];
        if (issue.path.length === 0) {
          const known = [...GLOBAL_KEYS, ...SETTING_KEYS];
          add(
            at,
            render(valueAt(root, at)),
            `no such key; known keys are ${known.join(', ')}, or a region id${didYouMean(unknown, [...known, ...REGION_IDS])}`,
          );
        } else {
          const known = issue.message.split(', ');
          add(
            at,
            render(valueAt(root, at)),
            `no such key; known keys are ${issue.message}${didYouMean(unknown, known)}`,
          );
        }
      }
    } else if (
      // A key the value lacks (zod reports it by the type, or by a union, of the missing value).
      issue.code !== 'custom' &&
      typeof key === 'string' &&
      isPlainObject(valueAt(root, parent)) &&
      !Object.hasOwn(valueAt(root, parent) as object, key)
    ) {
      const suppression = parent.length === 3 && parent[0] === 'policy' && parent[1] === 'suppressions';
      add(issue.path, 'undefined', suppression ? `a suppression needs "${key}"` : `"${key}" is required here`);
    } else {
      add(issue.path, render(valueAt(root, issue.path)), issue.message);
    }
  }
  // A stable sort: problems at the same place keep zod's order. A value that fails several checks of one schema
  // (an integer below the minimum and not a multiple of 64) is one problem: every check has the same message.
  const seen = new Set<string>();
  return found
    .sort((a, b) => compare(a.position, b.position))
    .map((f) => f.problem)
    .filter((p) => {
      const key = `${p.path}\n${p.allowed}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
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
