/**
 * The typed configuration of ecs-event-ops, read from the CDK context key {@link CONTEXT_KEY}: zod schemas, and the
 * types inferred from them (so the types and the checks cannot drift).
 *
 * Shape of the context value (every key optional):
 * ```json
 * { "regions": ["cn-hangzhou"], "namePrefix": "ecs-event-ops", "assetsQualifier": "eeo",
 *   "archive": { ... }, "functions": { ... }, "autoRestart": { ... }, "spotDrain": { ... }, "rules": [ ... ],
 *   "cn-shanghai": { "spotDrain": { "vServerGroupIds": ["rsp-..."] } } }
 * ```
 * Settings at the top level are shared by every region; a block keyed by a region id overrides them for that
 * region (objects merge key by key, lists replace). Defaults are in {@link DEFAULT_SETTINGS}, applied once by
 * `loadConfig` (lib/config/validate.ts), which also maps zod's issues to the messages of {@link ConfigProblem}.
 *
 * Every schema carries the message of its own problems (`allowed` of a `ConfigProblem`): zod's own wording never
 * reaches the user.
 */
import { z } from 'zod';
import { TAG_KEY, TAG_KEY_ALLOWED, TAG_VALUE } from '../../contract/ids';
import { declaredRuleName } from '../../contract/naming';
import type { EventPattern } from '../events/pattern';
import { validatePattern } from '../patterns/validate';
import { POLICY_RULE_IDS } from '../policy/rule-ids';
import { didYouMean } from '../private/did-you-mean';
import { idSchema } from './ids';
import { RANGES, RULE_NAME_MAX_LENGTH, rangedInteger } from './ranges';
import { REGION_IDS } from './regions';

/** The context key that holds the whole configuration. */
export const CONTEXT_KEY = 'ecs-event-ops';

/** A message for every problem a schema raises. */
const says = (allowed: string) => ({ error: allowed });

const boolean = (description: string) => z.boolean(says('true or false')).describe(description);

/**
 * A string matching `pattern`; `allowed` is the message of every problem.
 * @param allowed what is allowed, in words
 */
function text(pattern: RegExp, allowed: string): z.ZodString {
  return z.string(says(allowed)).regex(pattern, says(allowed));
}

/** A list of at most `maxItems` items, each once (`what` names the item in the duplicate message). */
function list<T extends z.ZodType>(item: T, maxItems: number, what = 'each item only once') {
  return z
    .array(item, says(`a list of at most ${maxItems} items`))
    .max(maxItems, says(`a list of at most ${maxItems} items`))
    .superRefine((values, ctx) => {
      const seen = new Set<unknown>();
      values.forEach((value, i) => {
        if (seen.has(value)) ctx.addIssue({ code: 'custom', path: [i], message: what });
        seen.add(value);
      });
    });
}

/**
 * An object with exactly the keys of `shape` (an unknown key is a problem, with the nearest known key suggested by
 * `loadConfig`); `allowed` when the value is not an object.
 */
function section<S extends z.ZodRawShape>(shape: S) {
  return z.strictObject(shape, { error: objectError(Object.keys(shape)) });
}

/**
 * The message of an object schema's problems: for unknown keys, the known keys joined by `, ` (which `loadConfig`
 * turns into "no such key; known keys are …" with a suggestion); else what the value must be.
 */
export function objectError(keys: readonly string[]) {
  return (issue: { code?: string }) =>
    issue.code === 'unrecognized_keys' ? keys.join(', ') : `an object with keys ${keys.join(', ')}`;
}

const tagValue = text(TAG_VALUE, 'an ECS tag value: 1 to 128 characters');

/** The OSS archive bucket. */
const archive = section({
  retentionDays: rangedInteger('archive.retentionDays').describe('Days after which archived events expire.'),
  infrequentAccessAfterDays: rangedInteger('archive.infrequentAccessAfterDays', { nullable: true })
    .nullable()
    .describe('Days after which archived events move to the IA storage class; null keeps them Standard.'),
});

/** Every Function Compute handler of the region. */
const functions = section({
  memoryMb: rangedInteger('functions.memoryMb', { multipleOf: 64 }).describe(
    'Memory per instance, MB, a multiple of 64 (FC 2.0 limits).',
  ),
  timeoutSeconds: rangedInteger('functions.timeoutSeconds').describe('Timeout, seconds.'),
  asyncRetryAttempts: rangedInteger('functions.asyncRetryAttempts').describe(
    'FC asynchronous-invocation retries after a handler error, before the event goes to the DLQ.',
  ),
  bundleBudgetKb: rangedInteger('functions.bundleBudgetKb').describe(
    'Largest allowed handler bundle, KB. Synth fails above it.',
  ),
  logRetentionDays: rangedInteger('functions.logRetentionDays').describe("Days the functions' logs are kept in SLS."),
});

/** Scenario 2: restart instances that stop, when they opted in by tag. */
const autoRestart = section({
  enabled: boolean('Restart stopped instances that carry the tag.'),
  tagKey: text(TAG_KEY, TAG_KEY_ALLOWED).describe('Tag key an instance must carry to be restarted.'),
  tagValue: tagValue.describe('Value the tag must have.'),
  maxRestartsPerHour: rangedInteger('autoRestart.maxRestartsPerHour').describe(
    'Restarts allowed per instance in any sliding hour (the restart-loop breaker).',
  ),
  ramTagCondition: boolean(
    // Whether StartInstance evaluates acs:ResourceTag is not confirmed by its API reference; the handler re-checks.
    "Scope the role's ecs:StartInstance to instances carrying the tag (acs:ResourceTag/<tagKey>); turn off if tagged instances get Forbidden.RAM.",
  ),
});

/** Scenario 3: take spot instances out of SLB vServer groups when they are about to be reclaimed. */
const spotDrain = section({
  enabled: boolean('Drain spot instances about to be reclaimed.'),
  vServerGroupIds: list(idSchema('vServerGroup'), 100).describe(
    'Restrict draining to these vServer groups (rsp-…); empty means discover them through the SLB API.',
  ),
});

/** System events and instance-health events, turned into alerts by the notify function. */
const systemEvents = section({ enabled: boolean('Alert on ECS system events and instance-health events.') });

/**
 * Alert channels. Each one turned on adds NoEcho ROS parameters that take its URL and secret at deploy time; the
 * stack keeps each value in a secret store, and the functions read it from there at run time.
 */
const notifications = section({
  dingTalk: boolean('DingTalk custom robot: parameters DingTalkWebhookUrl and DingTalkSecret.'),
  webhook: boolean('Generic HTTPS webhook: parameters WebhookUrl and WebhookToken (sent as a bearer token).'),
  secretStore: z
    .enum(['oos', 'kms'], says('"oos" (OOS secret parameters) or "kms" (KMS secrets)'))
    .describe('Where the channel secrets are kept: oos (OOS secret parameters) or kms (KMS generic secrets).'),
  kmsInstanceId: text(/^kst-[a-z0-9]{1,60}$/, 'a KMS instance id ("kst-" and lowercase letters or digits), or null')
    .nullable()
    .describe('KMS instance (kst-…) of the kms store; ignored by oos.'),
});

/** The scheduled check that alerts when a dead-letter queue holds messages (the `dlq-check` automation). */
const deadLetterCheck = section({
  enabled: boolean('Deploy the check (a function run by an FC timer trigger).'),
  intervalMinutes: rangedInteger('deadLetterCheck.intervalMinutes').describe('Minutes between two checks.'),
});

/** The all-events audit trail. */
const audit = section({ enabled: boolean('Archive every acs.ecs and acs.ess event.') });

/** An automatic snapshot policy (`ALIYUN::ECS::AutoSnapshotPolicy`): every key but `diskIds` is required. */
const snapshotPolicy = section({
  timePoints: list(rangedInteger('snapshots.policy.timePoints[]'), 24).describe(
    'Hours of the day (0 to 23, UTC+8 per ECS) at which snapshots are taken.',
  ),
  repeatWeekdays: list(rangedInteger('snapshots.policy.repeatWeekdays[]'), 7).describe(
    'Days of the week, 1 (Monday) to 7.',
  ),
  retentionDays: z
    .union(
      [z.literal(-1), rangedInteger('snapshots.policy.retentionDays')],
      says(
        `an integer from ${RANGES['snapshots.policy.retentionDays'].min} to ${RANGES['snapshots.policy.retentionDays'].max}`,
      ),
    )
    .describe('Days snapshots are kept, or -1 for ever.'),
  diskIds: list(idSchema('disk'), 1000).default([]).describe('Disks (d-…) the policy applies to at deploy.'),
});

/** Snapshot results and policies. */
const snapshots = section({
  enabled: boolean('Archive every snapshot result and alert on failed ones.'),
  monitoringEndpoint: z
    .string(says('an https:// URL of at most 127 characters (the API destination limit), or null'))
    .regex(
      /^https:\/\/[^\s/$.?#][^\s]*$/,
      says('an https:// URL of at most 127 characters (the API destination limit), or null'),
    )
    .max(127, says('an https:// URL of at most 127 characters (the API destination limit), or null'))
    .nullable()
    .describe('HTTPS endpoint that receives failed-snapshot events through an EventBridge API destination.'),
  policy: snapshotPolicy.nullable().describe('An automatic snapshot policy; null for none.'),
});

/** A scaling group and the instances to protect from scale-in. */
const scalingGroup = section({
  id: idSchema('scalingGroup').describe('asg-…'),
  protectedInstanceIds: list(idSchema('instance'), 1000)
    .default([])
    .describe('Instances (i-…) protected from scale-in at deploy, unprotected when removed.'),
});

/** The scale-in lifecycle hook (scale-in-hook automation). */
const scaleInHook = section({
  enabled: boolean('Declare an ESS scale-in lifecycle hook on the groups; its handler drains and snapshots.'),
  scalingGroupIds: list(idSchema('scalingGroup'), 10)
    .nullable()
    .describe('Groups (asg-…, among scalingGroups) that get the hook; null for every configured group.'),
  heartbeatTimeoutSeconds: rangedInteger('autoScaling.scaleInHook.heartbeatTimeoutSeconds').describe(
    'HeartbeatTimeout of the hook and of each heartbeat, seconds.',
  ),
  defaultResult: z
    .enum(['CONTINUE', 'ABANDON'], says('"CONTINUE" or "ABANDON"'))
    .describe('Result on timeout, and what the handler completes with when the drain or a snapshot fails.'),
  snapshotDataDisks: boolean('Snapshot the data disks of the instance before it is released.'),
  snapshotRetentionDays: rangedInteger('autoScaling.scaleInHook.snapshotRetentionDays', { nullable: true })
    .nullable()
    .describe('Days the snapshots are kept (CreateSnapshot RetentionDays); null keeps them until deleted.'),
  maxWaitMinutes: rangedInteger('autoScaling.scaleInHook.maxWaitMinutes').describe(
    'Longest the handler holds an instance for its snapshots before completing with defaultResult.',
  ),
});

/** Auto Scaling: instance protection and backups of the instances that join. */
const autoScaling = section({
  scalingGroups: list(scalingGroup, 10).describe('Existing scaling groups of the region.'),
  protectTag: section({ key: text(TAG_KEY, TAG_KEY_ALLOWED), value: tagValue })
    .nullable()
    .describe('Instances joining a group with this tag are protected from scale-in; null turns it off.'),
  applySnapshotPolicy: boolean('Apply snapshots.policy to every disk of the instances that join a group.'),
  scaleInHook,
});

/** The longest `namePrefix`. */
export const NAME_PREFIX_MAX_LENGTH = 20;

/**
 * The longest name of a declared rule: its EventBridge rule is named `<namePrefix>-rule-<name>`, which must fit in
 * {@link RULE_NAME_MAX_LENGTH} with the longest prefix.
 */
export const DECLARED_RULE_NAME_MAX_LENGTH =
  RULE_NAME_MAX_LENGTH - declaredRuleName('p'.repeat(NAME_PREFIX_MAX_LENGTH), '').length;

/** Kebab-case: lowercase words of letters and digits joined by single hyphens, starting with a letter. */
const KEBAB_CASE = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** The most rules a region may declare: our bound, to keep a region's rules reviewable (not a service quota). */
export const MAX_DECLARED_RULES = 50;

/** Target names of a declared rule that are not the automation's own name. */
export const DECLARED_TARGET_ALIASES: Readonly<Record<string, string>> = { archive: 'event-archive' };

/**
 * The logical id of a declared rule's EventBridge rule, deterministic from its name: `DeclaredRule` and the name in
 * PascalCase (`ess-activity` → `DeclaredRuleEssActivity`).
 */
export function declaredRuleId(name: string): string {
  return `DeclaredRule${name
    .split('-')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('')}`;
}

/** Splits a pattern problem's path (`data.state[0]`) into zod path segments. */
function patternPath(path: string): (string | number)[] {
  return path
    .split(/\.|(?=\[)/)
    .filter((s) => s !== '')
    .map((s) => (s.startsWith('[') ? Number(s.slice(1, -1)) : s));
}

/** A rule's filter pattern, checked against the grammar and the event catalogue like the built-in rules' patterns. */
const declaredPattern = z
  .record(z.string(), z.unknown(), says('an EventBridge event pattern: an object such as {"source": ["acs.ecs"]}'))
  .superRefine((pattern, ctx) => {
    for (const problem of validatePattern(pattern)) {
      ctx.addIssue({ code: 'custom', path: patternPath(problem.path), message: problem.message });
    }
  })
  .describe('EventBridge event pattern, checked against the event catalogue (lib/events/catalogue.ts).') as unknown as
  // Checked by validatePattern above: a pattern that passes it is an EventPattern (a type-only narrowing).
  z.ZodType<EventPattern>;

const TARGETS_ALLOWED = `a list of 1 to ${RANGES['EventRule.targets'].max} automation names: notify, archive, or the name of a custom automation (custom/index.ts)`;

/** A rule users declare: its own EventBridge rule, delivering to the functions of the automations it targets. */
const declaredRule = section({
  name: text(
    new RegExp(`^(?=.{1,${DECLARED_RULE_NAME_MAX_LENGTH}}$)${KEBAB_CASE.source.slice(1)}`),
    `a kebab-case name (lowercase letters, digits, single hyphens, starting with a letter) of 1 to ${DECLARED_RULE_NAME_MAX_LENGTH} characters`,
  ).describe('Kebab-case name, unique in the region; the rule is named <namePrefix>-rule-<name>.'),
  description: z.string(says('a string')).optional().describe("The rule's description."),
  pattern: declaredPattern,
  targets: list(text(KEBAB_CASE, TARGETS_ALLOWED), RANGES['EventRule.targets'].max)
    .min(1, says(TARGETS_ALLOWED))
    .describe('Automations that receive the events: notify, archive, or a custom automation.'),
});

/** The rules a region declares: names unique, and unique once turned into logical ids. */
const rules = list(declaredRule, MAX_DECLARED_RULES)
  .superRefine((values, ctx) => {
    const ids = new Map<string, string>();
    values.forEach((rule, i) => {
      const id = declaredRuleId(rule.name);
      const first = ids.get(id);
      if (first !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: [i, 'name'],
          message:
            first === rule.name
              ? 'each rule name only once in a region'
              : `a name that does not collide with "${first}" (both give the logical id ${id})`,
        });
      }
      ids.set(id, rule.name);
    });
  })
  .describe("Rules users declare: each becomes an EventBridge rule. A region block's list replaces the top-level one.");

/** The settings that may be shared or set per region, each complete (defaults applied). */
export const regionSettingsSchema = z.strictObject({
  archive,
  functions,
  autoRestart,
  spotDrain,
  systemEvents,
  notifications,
  deadLetterCheck,
  audit,
  snapshots,
  autoScaling,
  rules,
  activateServices: boolean('Activate FC, MNS, SLS and OSS on a fresh account (ALIYUN::ROS::AutoEnableService).'),
});

/** The keys of the settings. */
export const SETTING_KEYS = Object.keys(regionSettingsSchema.shape) as readonly (keyof RegionSettings)[];

/**
 * A block of settings as written (top level or per region): every key optional, and within each object section
 * every key optional too (the block is merged over the defaults and the shared settings).
 */
export const settingsBlockSchema = z.strictObject(
  Object.fromEntries(
    Object.entries(regionSettingsSchema.shape).map(([key, schema]) => [
      key,
      // autoScaling.scaleInHook is the one nested section with defaults of its own: a block may set some of its keys.
      key === 'autoScaling'
        ? autoScaling.extend({ scaleInHook: scaleInHook.partial() }).partial().optional()
        : (schema instanceof z.ZodObject ? schema.partial() : schema).optional(),
    ]),
  ) as {
    [K in keyof typeof regionSettingsSchema.shape]: z.ZodOptional<
      (typeof regionSettingsSchema.shape)[K] extends z.ZodObject<infer S, infer C>
        ? z.ZodObject<{ [P in keyof S]: z.ZodOptional<S[P]> }, C>
        : (typeof regionSettingsSchema.shape)[K]
    >;
  },
  { error: objectError(Object.keys(regionSettingsSchema.shape)) },
);

/** A deliberate exception to a synth-time policy rule: every key required. */
const suppression = section({
  rule: z
    .enum(POLICY_RULE_IDS as [string, ...string[]], {
      error: (issue) =>
        `a policy rule id: ${POLICY_RULE_IDS.join(', ')}${typeof issue.input === 'string' ? didYouMean(issue.input, POLICY_RULE_IDS) : ''}`,
    })
    .describe('Policy rule id, e.g. ram-least-privilege.'),
  resource: text(/^([A-Za-z0-9-]+\/)?[A-Za-z0-9]+$/, 'a logical id, or <stack>/<logical id>').describe(
    '<stack>/<logicalId>, or <logicalId> for every region.',
  ),
  reason: text(/\S{3,}/, 'a reason of a few words: it is printed in every policy report').describe(
    'Why the exception is safe: shown in every policy report.',
  ),
});

/** The app-wide keys. */
const appShape = {
  regions: list(
    z.enum(REGION_IDS as [string, ...string[]], {
      error: (issue) =>
        `an Alibaba Cloud region id${typeof issue.input === 'string' ? didYouMean(issue.input, REGION_IDS) : ''}; known: ${REGION_IDS.join(', ')}`,
    }),
    REGION_IDS.length,
  )
    .min(1, says('at least one region id'))
    .describe('Regions to deploy to, one stack each.'),
  namePrefix: text(
    new RegExp(`^[a-z][a-z0-9-]{1,${NAME_PREFIX_MAX_LENGTH - 1}}$`),
    `lowercase letters, digits and hyphens, starting with a letter, 2 to ${NAME_PREFIX_MAX_LENGTH} characters`,
  ).describe('Prefix of every resource name.'),
  assetsQualifier: text(/^[a-z0-9]{2,10}$/, 'lowercase letters and digits, 2 to 10 characters').describe(
    'Qualifier of the asset bucket cdk-<qualifier>-assets-<region> the ROS CDK CLI uploads code to.',
  ),
  policy: section({ suppressions: list(suppression, 100).describe('Suppressed policy findings.') }).partial(),
};

/** The app-wide keys of the context value. */
export const GLOBAL_KEYS = Object.keys(appShape);

/**
 * The whole context value as written: the app-wide keys, the shared settings, and a settings block per region id.
 * `loadConfig` parses with it; `npm run schema` exports it as JSON Schema.
 */
export const contextSchema = z.strictObject(
  {
    ...Object.fromEntries(Object.entries(appShape).map(([key, schema]) => [key, schema.optional()])),
    ...settingsBlockSchema.shape,
    ...Object.fromEntries(REGION_IDS.map((region) => [region, settingsBlockSchema.optional()])),
  },
  says('an object'),
);

/** A type whose every property and list is read-only, all the way down. */
type DeepReadonly<T> = T extends readonly (infer U)[]
  ? readonly DeepReadonly<U>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;

/** Settings that may be shared or set per region. */
export type RegionSettings = DeepReadonly<z.output<typeof regionSettingsSchema>>;
/** The OSS archive bucket. */
export type ArchiveSettings = RegionSettings['archive'];
/** Every Function Compute handler of the region. */
export type FunctionSettings = RegionSettings['functions'];
/** Scenario 2: restart instances that stop, when they opted in by tag. */
export type AutoRestartSettings = RegionSettings['autoRestart'];
/** Scenario 3: drain spot instances. */
export type SpotDrainSettings = RegionSettings['spotDrain'];
/** System events and instance-health alerts. */
export type SystemEventSettings = RegionSettings['systemEvents'];
/** Alert channels. */
export type NotificationSettings = RegionSettings['notifications'];
/** The dead-letter queue check. */
export type DeadLetterCheckSettings = RegionSettings['deadLetterCheck'];
/** The all-events audit trail. */
export type AuditSettings = RegionSettings['audit'];
/** Snapshot results and policies. */
export type SnapshotSettings = RegionSettings['snapshots'];
/** An automatic snapshot policy. */
export type SnapshotPolicySettings = NonNullable<SnapshotSettings['policy']>;
/** Auto Scaling. */
export type AutoScalingSettings = RegionSettings['autoScaling'];
/** A scaling group and the instances to protect from scale-in. */
export type ScalingGroupSettings = AutoScalingSettings['scalingGroups'][number];
/** The scale-in lifecycle hook of `autoScaling.scaleInHook`. */
export type ScaleInHookSettings = AutoScalingSettings['scaleInHook'];
/** A rule users declare (`rules[]`). */
export type DeclaredRuleSettings = RegionSettings['rules'][number];
/** A deliberate exception to a synth-time policy rule. */
export type PolicySuppression = DeepReadonly<z.output<typeof suppression>>;

/** The settings of one region stack, with the app-wide names it needs. */
export interface RegionConfig extends RegionSettings {
  /** Region id, e.g. `cn-hangzhou`. */
  readonly region: string;
  /** Prefix of every resource name. */
  readonly namePrefix: string;
}

/** The whole validated configuration. */
export interface AppConfig {
  /** Suppressed policy findings. @default [] */
  readonly policySuppressions: readonly PolicySuppression[];
  /** One entry per deployed region, in the order of `regions`. */
  readonly regions: readonly RegionConfig[];
  /** Qualifier of the asset bucket `cdk-<qualifier>-assets-<region>` the ROS CDK CLI uploads code to. */
  readonly assetsQualifier: string;
  /** Prefix of every resource name. */
  readonly namePrefix: string;
}

/** Defaults applied under the shared settings and region blocks (once, by `loadConfig`). */
export const DEFAULT_SETTINGS: RegionSettings = {
  archive: { retentionDays: 365, infrequentAccessAfterDays: 30 },
  functions: { memoryMb: 256, timeoutSeconds: 60, asyncRetryAttempts: 2, bundleBudgetKb: 350, logRetentionDays: 30 },
  autoRestart: {
    enabled: true,
    tagKey: 'auto-restart',
    tagValue: 'true',
    maxRestartsPerHour: 3,
    ramTagCondition: true,
  },
  spotDrain: { enabled: true, vServerGroupIds: [] },
  systemEvents: { enabled: true },
  notifications: { dingTalk: false, webhook: false, secretStore: 'oos', kmsInstanceId: null },
  deadLetterCheck: { enabled: true, intervalMinutes: 15 },
  audit: { enabled: true },
  snapshots: { enabled: true, monitoringEndpoint: null, policy: null },
  autoScaling: {
    scalingGroups: [],
    protectTag: { key: 'protect', value: 'true' },
    applySnapshotPolicy: false,
    scaleInHook: {
      enabled: false,
      scalingGroupIds: null,
      heartbeatTimeoutSeconds: 600,
      defaultResult: 'CONTINUE',
      snapshotDataDisks: true,
      snapshotRetentionDays: 30,
      maxWaitMinutes: 120,
    },
  },
  rules: [],
  activateServices: false,
};

/** Default name prefix. */
export const DEFAULT_NAME_PREFIX = 'ecs-event-ops';

/**
 * Default asset qualifier. OSS bucket names are global, so teams sharing a region with other users of this
 * project should set their own (README, "Configuration").
 */
export const DEFAULT_ASSETS_QUALIFIER = 'eeo';
