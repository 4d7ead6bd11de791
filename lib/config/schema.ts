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
import { CLOCK_TIME, WEEKDAYS, type Weekday } from '../../contract/env/notify';
import { DRAIN_SECONDS } from '../../contract/env/spot-drain';
import { zoneParts } from '../../contract/event-time';
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

/**
 * The safety settings every action automation's section carries (issue #14): the age limit, the dry run and the
 * fleet breaker. One fragment, spread into each such section (`autoRestart`, `spotDrain`, `autoScaling`, and the
 * automations to come), with its defaults in {@link SAFETY_DEFAULTS}; the units pass it to their function through
 * `formatSafetyEnv` (contract/env/safety.ts).
 * @example const essHook = section({ enabled: boolean('…'), ...safetyShape('essHook', 'the hook') }); // add `...safetyRanges('essHook')` to RANGES and the section to the union
 */
export function safetyShape(section: 'autoRestart' | 'spotDrain' | 'autoScaling', what: string) {
  return {
    maxEventAgeHours: rangedInteger(`${section}.maxEventAgeHours`).describe(
      `Hours after which ${what} skips an event as stale (its "time"), at most 168 (the dead-letter retention).`,
    ),
    dryRun: boolean(
      `Run ${what} dry: read, decide and record the calls it would make, make none that change anything.`,
    ),
    maxActionsPerHour: rangedInteger(`${section}.maxActionsPerHour`).describe(
      `Fleet breaker: events ${what} may act on per sliding hour in the region; beyond it, it skips and alerts once.`,
    ),
  };
}

/**
 * The defaults of {@link safetyShape} per automation. The age limit is 24 hours everywhere: EventBridge's and FC's
 * retries give up within a day, so an older event comes from a dead-letter queue and is acted on only when a redrive
 * asks for it. The breaker limits are about ten times a busy normal hour of each automation, low enough to stop a
 * runaway in minutes:
 * - auto-restart 30: a healthy fleet has a few stops an hour outside deploys; 30 restarts in an hour means a loop or
 *   a mass stop, which a person should look at (each instance is also limited by `maxRestartsPerHour`);
 * - spot-drain 100: reclamation comes in waves of tens of instances; draining is harmless to repeat, and stopping
 *   too early sends traffic to dying backends, so the limit is higher;
 * - scale-out 60: one event per scale-out activity, each covering many instances; one a minute is already a group
 *   that flaps.
 */
export const SAFETY_DEFAULTS = {
  autoRestart: { maxEventAgeHours: 24, dryRun: false, maxActionsPerHour: 30 },
  spotDrain: { maxEventAgeHours: 24, dryRun: false, maxActionsPerHour: 100 },
  autoScaling: { maxEventAgeHours: 24, dryRun: false, maxActionsPerHour: 60 },
} as const;

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
  ...safetyShape('autoRestart', 'auto-restart'),
});

/** Scenario 3: drain spot instances from CLB, ALB and NLB groups when they are about to be reclaimed. */
const spotDrain = section({
  enabled: boolean('Drain spot instances about to be reclaimed.'),
  vServerGroupIds: list(idSchema('vServerGroup'), 100).describe(
    'Restrict CLB draining to these vServer groups (rsp-…); empty means discover the CLB vServer and default server groups through the SLB API.',
  ),
  albServerGroupIds: list(idSchema('serverGroup'), 100).describe(
    'Restrict ALB draining to these server groups (sgp-…); empty means look in every ALB server group of the region.',
  ),
  nlbServerGroupIds: list(idSchema('serverGroup'), 100).describe(
    'Restrict NLB draining to these server groups (sgp-…); empty means look in every NLB server group of the region.',
  ),
  drainSeconds: rangedInteger('spotDrain.drainSeconds').describe(
    "Seconds between weight 0 and removal (within the ~5-minute notice); the function's timeout is raised to at least this + 30.",
  ),
  ...safetyShape('spotDrain', 'spot-drain'),
});

/** System events and instance-health events, turned into alerts by the notify function. */
const systemEvents = section({ enabled: boolean('Alert on ECS system events and instance-health events.') });

/** An event type entry of a channel's list: an event name or type, optionally ending in `*` (a prefix). */
const eventTypeEntry = text(
  /^[A-Za-z0-9][A-Za-z0-9:._-]{0,127}\*?$/,
  'an event name (SystemMaintenance.Reboot, Disk:Stalled) or type (ecs:Instance:SystemMaintenance.Reboot), optionally ending in * (a prefix)',
);

/** Which event types one channel gets. */
const eventTypeFilter = section({
  include: list(eventTypeEntry, 50).describe('Only these event types (empty: every type).'),
  exclude: list(eventTypeEntry, 50).describe('Never these event types (wins over include).'),
}).partial();

const clockTime = text(CLOCK_TIME, 'a time HH:MM, 00:00 to 23:59');

/** A time range in which alerts are archived and recorded in the ledger but not sent. */
const muteWindow = section({
  start: clockTime.describe('Start, HH:MM in timeZone.'),
  end: clockTime.describe('End, HH:MM in timeZone; not after start = over midnight.'),
  timeZone: z
    .string(says('an IANA time zone, e.g. Asia/Shanghai'))
    .refine((zone) => zoneParts(zone, 0) !== undefined, says('an IANA time zone, e.g. Asia/Shanghai'))
    .describe('IANA time zone of start and end.'),
  days: list(z.enum(WEEKDAYS as [Weekday, ...Weekday[]], says(`a day: ${WEEKDAYS.join(', ')}`)), 7).describe(
    'Days the range starts on (mon … sun); empty: every day.',
  ),
});

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
  groupingWindowSeconds: rangedInteger('notifications.groupingWindowSeconds').describe(
    'Seconds notify waits for more alerts of the same wave (event type, status, notBefore day) to send them as one message; 0 sends each alert alone.',
  ),
  eventTypes: section({ dingTalk: eventTypeFilter, webhook: eventTypeFilter })
    .partial()
    .describe('Per channel: include and exclude lists of event types.'),
  muteWindows: list(muteWindow, 20).describe(
    'Time ranges in which alerts are archived and recorded in the ledger but not sent.',
  ),
});

/** The scheduled check that alerts when a dead-letter queue holds messages (the `dlq-check` automation). */
const deadLetterCheck = section({
  enabled: boolean('Deploy the check (a function run by an FC timer trigger).'),
  intervalMinutes: rangedInteger('deadLetterCheck.intervalMinutes').describe('Minutes between two checks.'),
  alertVia: z
    .enum(['function', 'sls'], says('"function" (dlq-check pages) or "sls" (an SLS alert rule pages)'))
    .describe(
      'Who pages when a dead-letter queue holds messages, never both: function (dlq-check sends the alert) or sls (dlq-check only writes depth records; an SLS alert rule reads them and pages through EventBridge and notify).',
    ),
});

/** The SLS event store: every acs.ecs and acs.ess event in an `events` logstore, indexed. */
const eventStore = section({
  enabled: boolean('Deliver every acs.ecs and acs.ess event to the events logstore (SLS), indexed field by field.'),
  retentionDays: rangedInteger('eventStore.retentionDays').describe(
    'Days events are kept in SLS (OSS keeps the archive).',
  ),
});

/** SLS alert rules as code (actions failing, no events for 24 h). */
const slsAlerts = section({
  enabled: boolean('Declare the SLS alert rules: actions failing, and no events at all for 24 h.'),
  actionPolicyId: text(
    /^[a-zA-Z0-9_.-]{1,128}$/,
    'an SLS alert action policy id: 1 to 128 letters, digits, "_", "." or "-"',
  ).describe(
    'SLS action policy the alerts notify through; create it once with an EventBridge channel (README, "Finding out what happened").',
  ),
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
  ...safetyShape('autoScaling', 'scale-out'),
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
  eventStore,
  slsAlerts,
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

/** A known region id, with the nearest one suggested. */
const regionId = z.enum(REGION_IDS as [string, ...string[]], {
  error: (issue) =>
    `an Alibaba Cloud region id${typeof issue.input === 'string' ? didYouMean(issue.input, REGION_IDS) : ''}; known: ${REGION_IDS.join(', ')}`,
});

/**
 * The most regions, accounts and folders of one stack-group operation: `RegionIds` at most 20, `AccountIds` at most 20
 * (the ROS resource doc; the CreateStackInstances API allows 50: the narrower bound is kept), `RdFolderIds` at most 20.
 * @see https://www.alibabacloud.com/help/en/ros/developer-reference/aliyun-ros-stackinstances
 */
export const FLEET_LIMITS = { regions: 20, accountIds: 20, folderIds: 20 } as const;

/**
 * Deploying one template to many accounts and regions through a ROS stack group (lib/fleet/). Exactly one of
 * `accountIds` (self-managed permissions) and `folderIds` (service-managed, Resource Directory folders) is required;
 * cross-field rules are in lib/config/validate.ts.
 */
const fleet = section({
  regions: list(regionId, FLEET_LIMITS.regions)
    .min(1, says('at least one region id'))
    .describe('Regions the stack group deploys to, in every target account.'),
  accountIds: list(
    text(/^[0-9]{6,20}$/, 'an Alibaba Cloud account id (UID): 6 to 20 digits'),
    FLEET_LIMITS.accountIds,
  ).describe('Target accounts (self-managed permissions: each has the AliyunROSStackGroupExecutionRole).'),
  folderIds: list(
    text(/^fd-[A-Za-z0-9]{1,64}$/, 'a Resource Directory folder id ("fd-" then letters or digits)'),
    FLEET_LIMITS.folderIds,
  ).describe('Target Resource Directory folders (service-managed permissions).'),
  maxConcurrentPercentage: rangedInteger('fleet.maxConcurrentPercentage').describe(
    'Percentage of target accounts deployed at the same time in a region (OperationPreferences).',
  ),
  failureToleranceCount: rangedInteger('fleet.failureToleranceCount').describe(
    'Failed accounts tolerated in a region before the operation stops (OperationPreferences).',
  ),
  canaryRegion: regionId.describe('Region deployed first, alone; one of fleet.regions.'),
  autoDeployment: boolean(
    'Folders only: deploy to accounts that join a target folder, delete the stacks of accounts that leave.',
  ),
  codeSource: z
    .enum(['inline', 'shared', 'per-account'], says('"inline", "shared" or "per-account"'))
    .describe(
      "Where member accounts get handler code: inline (base64 zips in the template), shared (the publishing account's cdk-<q>-assets-<region>) or per-account (cdk-<q>-assets-<account id>-<region>).",
    ),
}).partial({
  accountIds: true,
  folderIds: true,
  maxConcurrentPercentage: true,
  failureToleranceCount: true,
  canaryRegion: true,
  autoDeployment: true,
  codeSource: true,
});

/** The app-wide keys. */
const appShape = {
  regions: list(regionId, REGION_IDS.length)
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
  fleet: fleet.describe('Deploy through a ROS stack group to many accounts and regions (lib/fleet/).'),
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
/** The SLS event store. */
export type EventStoreSettings = RegionSettings['eventStore'];
/** The SLS alert rules. */
export type SlsAlertSettings = RegionSettings['slsAlerts'];
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

/** Where member accounts get the handlers' code (`fleet.codeSource`). */
export type FleetCodeSource = 'inline' | 'shared' | 'per-account';

/** The stack group's targets: accounts (self-managed permissions) or Resource Directory folders (service-managed). */
export type FleetTargets =
  | { readonly kind: 'accounts'; readonly accountIds: readonly string[] }
  | { readonly kind: 'folders'; readonly folderIds: readonly string[]; readonly autoDeployment: boolean };

/** The validated `fleet` block, defaults applied. */
export interface FleetConfig {
  /** The regions, canary region first, then the others in the order written. */
  readonly regions: readonly string[];
  readonly targets: FleetTargets;
  /** @default 25 */
  readonly maxConcurrentPercentage: number;
  /** @default 0 */
  readonly failureToleranceCount: number;
  /** @default - the first of `fleet.regions` */
  readonly canaryRegion: string;
  /** @default 'inline' */
  readonly codeSource: FleetCodeSource;
  /** The settings of the one template the group deploys (every fleet region has the same, checked by loadConfig). */
  readonly template: RegionConfig;
  /** Each fleet region's settings, in the order of `regions`: they differ only in FLEET_PARAMETER_SETTINGS. */
  readonly regionConfigs: readonly RegionConfig[];
}

/**
 * The settings a fleet region may set differently from the canary region: the stack group's template takes them as
 * parameters, and the fleet stack passes each region's value as a parameter override of that region's instances.
 */
export const FLEET_PARAMETER_SETTINGS = ['functions.memoryMb', 'functions.timeoutSeconds'] as const;

/** Defaults of the `fleet` block. */
export const DEFAULT_FLEET = {
  maxConcurrentPercentage: 25,
  failureToleranceCount: 0,
  autoDeployment: true,
  codeSource: 'inline',
} as const satisfies Partial<Record<keyof FleetConfig | 'autoDeployment', unknown>>;

/** The whole validated configuration. */
export interface AppConfig {
  /** The stack group deployment, when the context has a `fleet` block. @default - none */
  readonly fleet?: FleetConfig;
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
    ...SAFETY_DEFAULTS.autoRestart,
  },
  spotDrain: {
    enabled: true,
    vServerGroupIds: [],
    albServerGroupIds: [],
    nlbServerGroupIds: [],
    drainSeconds: DRAIN_SECONDS.default,
    ...SAFETY_DEFAULTS.spotDrain,
  },
  systemEvents: { enabled: true },
  notifications: {
    dingTalk: false,
    webhook: false,
    secretStore: 'oos',
    kmsInstanceId: null,
    groupingWindowSeconds: 30,
    eventTypes: {},
    muteWindows: [],
  },
  deadLetterCheck: { enabled: true, intervalMinutes: 15, alertVia: 'function' },
  eventStore: { enabled: true, retentionDays: 30 },
  slsAlerts: { enabled: true, actionPolicyId: 'ecs-event-ops-eventbridge' },
  audit: { enabled: true },
  snapshots: { enabled: true, monitoringEndpoint: null, policy: null },
  autoScaling: {
    scalingGroups: [],
    protectTag: { key: 'protect', value: 'true' },
    applySnapshotPolicy: false,
    ...SAFETY_DEFAULTS.autoScaling,
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
