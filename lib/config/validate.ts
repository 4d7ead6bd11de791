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
  DEFAULT_FLEET,
  DEFAULT_NAME_PREFIX,
  DEFAULT_SETTINGS,
  FLEET_PARAMETER_SETTINGS,
  type FleetCodeSource,
  type FleetConfig,
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
    fleet?: FleetBlock;
  };

  const problems: ConfigProblem[] = [];
  // A fleet-only configuration (a `fleet` block, no `regions`) has no region stack: the default region would otherwise
  // get one in the administration account, deployed beside the stack group's instances (a double deploy when that
  // account is also a target).
  const regions = data.regions ?? (data.fleet === undefined ? [DEFAULT_REGION] : []);
  const namePrefix = data.namePrefix ?? DEFAULT_NAME_PREFIX;
  const fleetRegions = data.fleet?.regions ?? [];
  for (const key of Object.keys(value)) {
    if (REGION_IDS.includes(key) && !regions.includes(key) && !fleetRegions.includes(key)) {
      problems.push({
        path: `${CONTEXT_KEY}.${key}`,
        received: render(value[key]),
        allowed: `a block only for a region listed in "regions" (${regions.join(', ')})${fleetRegions.length > 0 ? ` or "fleet.regions" (${fleetRegions.join(', ')})` : ''}`,
      });
    }
  }
  const shared = merge(DEFAULT_SETTINGS, settingsOf(data));
  // Once per region: a region both in "regions" and in "fleet.regions" reports its problems once.
  const merged = new Map<string, RegionConfig>();
  const regionConfig = (region: string): RegionConfig => {
    const known = merged.get(region);
    if (known !== undefined) return known;
    const block = data[region] as Record<string, unknown> | undefined;
    const settings = merge(shared, settingsOf(block));
    checkRegion(settings, block === undefined ? CONTEXT_KEY : `${CONTEXT_KEY}.${region}`, problems);
    const config = { region, namePrefix, ...settings };
    merged.set(region, config);
    return config;
  };
  const regionConfigs: RegionConfig[] = regions.map(regionConfig);
  const fleet = data.fleet === undefined ? undefined : fleetConfig(data.fleet, regionConfig, problems);
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    ...(fleet === undefined ? {} : { fleet }),
    regions: regionConfigs,
    namePrefix,
    assetsQualifier: data.assetsQualifier ?? DEFAULT_ASSETS_QUALIFIER,
    policySuppressions: data.policy?.suppressions ?? [],
  };
}

/** The `fleet` block as parsed by the schema (every key but `regions` optional). */
interface FleetBlock {
  readonly regions: readonly string[];
  readonly accountIds?: readonly string[];
  readonly folderIds?: readonly string[];
  readonly maxConcurrentPercentage?: number;
  readonly failureToleranceCount?: number;
  readonly canaryRegion?: string;
  readonly autoDeployment?: boolean;
  readonly codeSource?: FleetCodeSource;
}

/** Where `a` and `b` differ: dotted paths of the differing leaves (objects compared key by key, lists whole). */
function differences(a: unknown, b: unknown, at: string): string[] {
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    return keys.flatMap((key) => differences(a[key], b[key], at === '' ? key : `${at}.${key}`));
  }
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [at];
}

/** A value at a dotted path. */
function at(value: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((v, key) => (isPlainObject(v) ? v[key] : undefined), value);
}

/**
 * The cross-field rules of the `fleet` block, and the settings of the one template the stack group deploys: the canary
 * region's. A stack group has a single template, so a fleet region may differ from the canary region only in the
 * settings that the template takes as parameters ({@link FLEET_PARAMETER_SETTINGS}); every other difference is a
 * problem naming the key.
 */
function fleetConfig(
  block: FleetBlock,
  regionConfig: (region: string) => RegionConfig,
  problems: ConfigProblem[],
): FleetConfig | undefined {
  const path = `${CONTEXT_KEY}.fleet`;
  const before = problems.length;
  const { accountIds, folderIds } = block;
  if ((accountIds === undefined) === (folderIds === undefined)) {
    problems.push({
      path: `${path}.accountIds`,
      received: accountIds === undefined ? 'undefined' : render(accountIds),
      allowed:
        'exactly one of "accountIds" (self-managed permissions) and "folderIds" (Resource Directory folders, service-managed)',
    });
  }
  for (const [key, list] of [
    ['accountIds', accountIds],
    ['folderIds', folderIds],
  ] as const) {
    if (list !== undefined && list.length === 0) {
      problems.push({ path: `${path}.${key}`, received: '[]', allowed: 'at least one id' });
    }
  }
  if (accountIds !== undefined && block.autoDeployment !== undefined) {
    problems.push({
      path: `${path}.autoDeployment`,
      received: render(block.autoDeployment),
      allowed: 'no value with "accountIds": automatic deployment is for Resource Directory folders ("folderIds")',
    });
  }
  const canaryRegion = block.canaryRegion ?? block.regions[0];
  if (canaryRegion === undefined) return undefined;
  if (!block.regions.includes(canaryRegion)) {
    problems.push({
      path: `${path}.canaryRegion`,
      received: render(canaryRegion),
      allowed: `one of fleet.regions (${block.regions.join(', ')})`,
    });
    return undefined;
  }
  const template = regionConfig(canaryRegion);
  const ordered = [canaryRegion, ...block.regions.filter((r) => r !== canaryRegion)];
  for (const region of ordered) {
    if (region === canaryRegion) continue;
    const settings = regionConfig(region);
    for (const key of differences(settingsOnly(template), settingsOnly(settings), '')) {
      if ((FLEET_PARAMETER_SETTINGS as readonly string[]).includes(key)) continue;
      problems.push({
        path: `${CONTEXT_KEY}.${region}.${key}`,
        received: render(at(settings, key)),
        allowed:
          `the fleet template's value (${canaryRegion}: ${render(at(template, key))}): a stack group deploys one ` +
          `template to every region, and only template parameters may differ per region (${FLEET_PARAMETER_SETTINGS.join(', ')})`,
      });
    }
  }
  // Ids of one account's resources mean nothing in the other accounts the one template is deployed to.
  const accountBound: [string, readonly string[]][] = [
    ['autoScaling.scalingGroups', template.autoScaling.scalingGroups.map((g) => g.id)],
    ['snapshots.policy.diskIds', template.snapshots.policy?.diskIds ?? []],
    ['spotDrain.vServerGroupIds', template.spotDrain.vServerGroupIds],
  ];
  for (const [key, ids] of accountBound) {
    if (ids.length === 0) continue;
    problems.push({
      path: `${CONTEXT_KEY}.${canaryRegion}.${key}`,
      received: render(ids),
      allowed:
        'no ids in a fleet region: they name resources of one account, and the stack group deploys the same template ' +
        'to every target account (use a region stack for that account)',
    });
  }
  if (problems.length > before) return undefined;
  const targets: FleetConfig['targets'] =
    accountIds !== undefined
      ? { kind: 'accounts', accountIds }
      : {
          kind: 'folders',
          folderIds: folderIds ?? [],
          autoDeployment: block.autoDeployment ?? DEFAULT_FLEET.autoDeployment,
        };
  return {
    regions: ordered,
    regionConfigs: ordered.map(regionConfig),
    targets,
    maxConcurrentPercentage: block.maxConcurrentPercentage ?? DEFAULT_FLEET.maxConcurrentPercentage,
    failureToleranceCount: block.failureToleranceCount ?? DEFAULT_FLEET.failureToleranceCount,
    canaryRegion,
    codeSource: block.codeSource ?? DEFAULT_FLEET.codeSource,
    template,
  };
}

/** The settings of a region config, without its region and prefix. */
function settingsOnly(config: RegionConfig): Record<string, unknown> {
  const { region: _region, namePrefix: _namePrefix, ...settings } = config;
  return settings;
}
