import { TAG_KEY, TAG_KEY_ALLOWED, TAG_VALUE } from '../../contract/ids';
import { POLICY_RULE_IDS } from '../policy/rule-ids';
import { didYouMean } from '../private/did-you-mean';
import { deepMerge, isPlainObject, shapeProblems } from './context';
import { ConfigError, type ConfigProblem, render } from './errors';
import { type IdKind, idProblem } from './ids';
import { RANGES, type RangeKey } from './ranges';
import { DEFAULT_REGION, REGION_IDS } from './regions';
import {
  type AppConfig,
  CONTEXT_KEY,
  DEFAULT_ASSETS_QUALIFIER,
  DEFAULT_NAME_PREFIX,
  DEFAULT_SETTINGS,
  type PolicySuppression,
  type RegionConfig,
  type RegionSettings,
} from './schema';

/** A value checker: returns the value when valid, or records a problem and returns undefined. */
type Check = (value: unknown, path: string, problems: ConfigProblem[]) => unknown;

const integer =
  (min: number, max: number, extra?: { multipleOf?: number; nullable?: boolean }): Check =>
  (value, path, problems) => {
    if (extra?.nullable && value === null) return null;
    const ok =
      typeof value === 'number' &&
      Number.isInteger(value) &&
      value >= min &&
      value <= max &&
      (extra?.multipleOf === undefined || value % extra.multipleOf === 0);
    if (ok) return value;
    const multiple = extra?.multipleOf ? `, a multiple of ${extra.multipleOf}` : '';
    const nullable = extra?.nullable ? ' (or null to turn it off)' : '';
    problems.push({ path, received: render(value), allowed: `an integer from ${min} to ${max}${multiple}${nullable}` });
    return undefined;
  };

/** An integer within the range {@link RANGES} has for `key`. */
const ranged = (key: RangeKey, extra?: { multipleOf?: number; nullable?: boolean }): Check =>
  integer(RANGES[key].min, RANGES[key].max, extra);

const boolean: Check = (value, path, problems) => {
  if (typeof value === 'boolean') return value;
  problems.push({ path, received: render(value), allowed: 'true or false' });
  return undefined;
};

const text =
  (pattern: RegExp, description: string): Check =>
  (value, path, problems) => {
    if (typeof value === 'string' && pattern.test(value)) return value;
    problems.push({ path, received: render(value), allowed: description });
    return undefined;
  };

const id =
  (kind: IdKind): Check =>
  (value, path, problems) => {
    const problem = idProblem(kind, value);
    if (problem === undefined) return value;
    problems.push({ path, received: render(value), allowed: problem });
    return undefined;
  };

const list =
  (item: Check, maxItems: number): Check =>
  (value, path, problems) => {
    if (!Array.isArray(value) || value.length > maxItems) {
      problems.push({ path, received: render(value), allowed: `a list of at most ${maxItems} items` });
      return undefined;
    }
    const before = problems.length;
    const items = value.map((v, i) => item(v, `${path}[${i}]`, problems));
    const seen = new Set<unknown>();
    value.forEach((v, i) => {
      if (seen.has(v)) problems.push({ path: `${path}[${i}]`, received: render(v), allowed: 'each item only once' });
      seen.add(v);
    });
    return problems.length === before ? items : undefined;
  };

/** `null`, or what `check` accepts. */
const nullable =
  (check: Check): Check =>
  (value, path, problems) =>
    value === null ? null : check(value, path, problems);

/**
 * An object block whose `keys` must all be given (no defaults can be guessed for them), with `defaults` for the
 * others. A missing key is reported by name.
 */
const required =
  (check: Check, keys: readonly string[], defaults: Record<string, unknown>): Check =>
  (value, path, problems) => {
    const checked = check(value, path, problems);
    if (checked === undefined || !isRecord(value)) return undefined;
    let complete = true;
    for (const key of keys) {
      if (!Object.hasOwn(value, key)) {
        problems.push({ path: `${path}.${key}`, received: 'undefined', allowed: `"${key}" is required here` });
        complete = false;
      }
    }
    return complete ? { ...defaults, ...(checked as Record<string, unknown>) } : undefined;
  };

const isRecord = isPlainObject;

/**
 * Checks the keys present in `value` against `shape` (all optional: this validates partial blocks that are merged
 * over defaults). Unknown keys are problems, with the nearest known key suggested.
 */
const section =
  (shape: Record<string, Check>): Check =>
  (value, path, problems) => {
    if (!isRecord(value)) {
      problems.push({ path, received: render(value), allowed: `an object with keys ${Object.keys(shape).join(', ')}` });
      return undefined;
    }
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      // Own keys only: `toString` or `constructor` must not find Object.prototype's members.
      const check = Object.hasOwn(shape, key) ? shape[key] : undefined;
      if (check === undefined) {
        problems.push({
          path: `${path}.${key}`,
          received: render(v),
          allowed: `no such key; known keys are ${Object.keys(shape).join(', ')}${didYouMean(key, Object.keys(shape))}`,
        });
        continue;
      }
      const checked = check(v, `${path}.${key}`, problems);
      if (checked !== undefined) out[key] = checked;
    }
    return out;
  };

const SETTINGS_SHAPE: Record<keyof RegionSettings, Check> = {
  archive: section({
    retentionDays: ranged('archive.retentionDays'),
    infrequentAccessAfterDays: ranged('archive.infrequentAccessAfterDays', { nullable: true }),
  }),
  functions: section({
    memoryMb: ranged('functions.memoryMb', { multipleOf: 64 }),
    timeoutSeconds: ranged('functions.timeoutSeconds'),
    asyncRetryAttempts: ranged('functions.asyncRetryAttempts'),
    bundleBudgetKb: ranged('functions.bundleBudgetKb'),
    logRetentionDays: ranged('functions.logRetentionDays'),
  }),
  autoRestart: section({
    enabled: boolean,
    tagKey: text(TAG_KEY, TAG_KEY_ALLOWED),
    tagValue: text(TAG_VALUE, 'an ECS tag value: 1 to 128 characters'),
    maxRestartsPerHour: ranged('autoRestart.maxRestartsPerHour'),
    ramTagCondition: boolean,
  }),
  spotDrain: section({ enabled: boolean, vServerGroupIds: list(id('vServerGroup'), 100) }),
  systemEvents: section({ enabled: boolean }),
  notifications: section({
    dingTalk: boolean,
    webhook: boolean,
    secretStore: (value, path, problems) => {
      if (value === 'oos' || value === 'kms') return value;
      problems.push({ path, received: render(value), allowed: '"oos" (OOS secret parameters) or "kms" (KMS secrets)' });
      return undefined;
    },
    kmsInstanceId: nullable(
      text(/^kst-[a-z0-9]{1,60}$/, 'a KMS instance id ("kst-" and lowercase letters or digits), or null'),
    ),
  }),
  deadLetterCheck: section({ enabled: boolean, intervalMinutes: ranged('deadLetterCheck.intervalMinutes') }),
  audit: section({ enabled: boolean }),
  snapshots: section({
    enabled: boolean,
    monitoringEndpoint: (value, path, problems) => {
      if (value === null) return null;
      if (typeof value === 'string' && /^https:\/\/[^\s/$.?#][^\s]*$/.test(value) && value.length <= 127) return value;
      problems.push({
        path,
        received: render(value),
        allowed: 'an https:// URL of at most 127 characters (the API destination limit), or null',
      });
      return undefined;
    },
    policy: nullable(
      required(
        section({
          timePoints: list(ranged('snapshots.policy.timePoints[]'), 24),
          repeatWeekdays: list(ranged('snapshots.policy.repeatWeekdays[]'), 7),
          retentionDays: (value, path, problems) =>
            value === -1 ? -1 : ranged('snapshots.policy.retentionDays')(value, path, problems),
          diskIds: list(id('disk'), 1000),
        }),
        ['timePoints', 'repeatWeekdays', 'retentionDays'],
        { diskIds: [] },
      ),
    ),
  }),
  autoScaling: section({
    scalingGroups: list(
      required(section({ id: id('scalingGroup'), protectedInstanceIds: list(id('instance'), 1000) }), ['id'], {
        protectedInstanceIds: [],
      }),
      10,
    ),
    protectTag: nullable(
      required(
        section({
          key: text(TAG_KEY, TAG_KEY_ALLOWED),
          value: text(TAG_VALUE, 'an ECS tag value: 1 to 128 characters'),
        }),
        ['key', 'value'],
        {},
      ),
    ),
    applySnapshotPolicy: boolean,
  }),
  activateServices: boolean,
};

const SETTING_KEYS = Object.keys(SETTINGS_SHAPE);
const GLOBAL_KEYS = ['regions', 'namePrefix', 'assetsQualifier', 'policy'];

const POLICY_SHAPE = section({
  suppressions: list((value, path, problems) => {
    const checked = section({
      rule: (v, p, pr) => {
        if (typeof v === 'string' && POLICY_RULE_IDS.includes(v)) return v;
        pr.push({
          path: p,
          received: render(v),
          allowed: `a policy rule id: ${POLICY_RULE_IDS.join(', ')}${typeof v === 'string' ? didYouMean(v, POLICY_RULE_IDS) : ''}`,
        });
        return undefined;
      },
      resource: text(/^([A-Za-z0-9-]+\/)?[A-Za-z0-9]+$/, 'a logical id, or <stack>/<logical id>'),
      reason: text(/\S{3,}/, 'a reason of a few words: it is printed in every policy report'),
    })(value, path, problems) as Record<string, unknown> | undefined;
    for (const key of ['rule', 'resource', 'reason']) {
      if (checked !== undefined && !Object.hasOwn(value as Record<string, unknown>, key)) {
        problems.push({ path: `${path}.${key}`, received: 'undefined', allowed: `a suppression needs "${key}"` });
      }
    }
    return checked;
  }, 100),
});

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

/**
 * Reads and validates the configuration from the raw context value of {@link CONTEXT_KEY}.
 *
 * The value may be an object (from `cdk.json` or `cdk.context.json`) or a JSON string (from `-c ecs-event-ops=...`).
 * Every problem is collected before failing, so one run shows them all.
 *
 * @throws ConfigError listing each problem with its context path, the value received and what is allowed.
 */
export function loadConfig(raw: unknown): AppConfig {
  const problems: ConfigProblem[] = [];
  let value = raw ?? {};
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch (cause) {
      throw new ConfigError([{ path: CONTEXT_KEY, received: render(raw), allowed: 'a JSON object' }], { cause });
    }
  }
  if (!isRecord(value)) {
    throw new ConfigError([{ path: CONTEXT_KEY, received: render(value), allowed: 'an object' }]);
  }
  // Before anything reads it: a hostile value (prototype keys, nesting deep enough to overflow a recursive reader)
  // is refused with its path.
  const shape = shapeProblems(value, CONTEXT_KEY);
  if (shape.length > 0) throw new ConfigError(shape);

  const regionsCheck = list((v, path, p) => {
    if (typeof v === 'string' && REGION_IDS.includes(v)) return v;
    const hint = typeof v === 'string' ? didYouMean(v, REGION_IDS) : '';
    p.push({
      path,
      received: render(v),
      allowed: `an Alibaba Cloud region id${hint}; known: ${REGION_IDS.join(', ')}`,
    });
    return undefined;
  }, REGION_IDS.length);
  const regions = (
    value.regions === undefined ? [DEFAULT_REGION] : regionsCheck(value.regions, `${CONTEXT_KEY}.regions`, problems)
  ) as string[] | undefined;
  if (regions !== undefined && regions.length === 0) {
    problems.push({ path: `${CONTEXT_KEY}.regions`, received: '[]', allowed: 'at least one region id' });
  }
  const namePrefix = (
    value.namePrefix === undefined
      ? DEFAULT_NAME_PREFIX
      : text(
          /^[a-z][a-z0-9-]{1,19}$/,
          'lowercase letters, digits and hyphens, starting with a letter, 2 to 20 characters',
        )(value.namePrefix, `${CONTEXT_KEY}.namePrefix`, problems)
  ) as string;
  const assetsQualifier = (
    value.assetsQualifier === undefined
      ? DEFAULT_ASSETS_QUALIFIER
      : text(/^[a-z0-9]{2,10}$/, 'lowercase letters and digits, 2 to 10 characters')(
          value.assetsQualifier,
          `${CONTEXT_KEY}.assetsQualifier`,
          problems,
        )
  ) as string;

  const policy = (value.policy === undefined ? {} : POLICY_SHAPE(value.policy, `${CONTEXT_KEY}.policy`, problems)) as
    | { suppressions?: PolicySuppression[] }
    | undefined;

  const shared: Record<string, unknown> = {};
  const blocks: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (GLOBAL_KEYS.includes(key)) continue;
    const path = `${CONTEXT_KEY}.${key}`;
    if (Object.hasOwn(SETTINGS_SHAPE, key)) {
      const checked = SETTINGS_SHAPE[key as keyof RegionSettings](v, path, problems);
      if (checked !== undefined) shared[key] = checked;
    } else if (REGION_IDS.includes(key)) {
      if (regions !== undefined && !regions.includes(key)) {
        problems.push({
          path,
          received: render(v),
          allowed: `a block only for a region listed in "regions" (${regions.join(', ')})`,
        });
      }
      blocks[key] = section(SETTINGS_SHAPE)(v, path, problems);
    } else {
      const known = [...GLOBAL_KEYS, ...SETTING_KEYS];
      problems.push({
        path,
        received: render(v),
        allowed: `no such key; known keys are ${known.join(', ')}, or a region id${didYouMean(key, [...known, ...REGION_IDS])}`,
      });
    }
  }

  const regionConfigs: RegionConfig[] = [];
  for (const region of regions ?? []) {
    const settings = merge(merge(DEFAULT_SETTINGS, shared), blocks[region]);
    checkRegion(settings, blocks[region] === undefined ? CONTEXT_KEY : `${CONTEXT_KEY}.${region}`, problems);
    regionConfigs.push({ region, namePrefix, ...settings });
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return { regions: regionConfigs, namePrefix, assetsQualifier, policySuppressions: policy?.suppressions ?? [] };
}
