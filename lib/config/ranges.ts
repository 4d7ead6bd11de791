/**
 * Every integer range of the configuration and of the construct props that end up in a template, written once.
 *
 * A value that ends in a ROS property is checked again at synth time by the generated validator of the installed
 * `@alicloud/ros-cdk-*` package (`lib/*.generated.js`, `ros.validateRange` / `ros.validateLength`). A range here that
 * is wider than that one lets a value through the configuration that then crashes synth with a resolution error, so
 * each such range names the validator it must stay within ({@link RosPropertyRef}); `test/config/ranges.test.ts` reads
 * the installed validators and fails when a range here leaves theirs. A range may be narrower than ROS's: `note` says
 * why.
 */

/** An inclusive integer range. */
export interface IntegerRange {
  readonly min: number;
  readonly max: number;
}

/** The generated validator of an installed ROS CDK package that checks a property at synth time. */
export interface RosPropertyRef {
  /** npm package, e.g. `@alicloud/ros-cdk-sls`. */
  readonly package: string;
  /** Validator function in the package's `lib/*.generated.js`, e.g. `RosLogstorePropsValidator`. */
  readonly validator: string;
  /** Property as the validator names it, e.g. `ttl`. */
  readonly property: string;
}

/** One range and where its values go. */
export interface RangeSpec extends IntegerRange {
  /** The ROS property the value is written to; `null` when it goes to no ROS property (then `note` says where). */
  readonly ros: RosPropertyRef | null;
  /** Why the range is narrower than ROS's, or where the value goes when no ROS property carries it. */
  readonly note?: string;
}

import { z } from 'zod';
import { MAX_ACTIONS_PER_HOUR, MAX_EVENT_AGE_HOURS } from '../../contract/env/safety';
import { DRAIN_SECONDS } from '../../contract/env/spot-drain';

const FC = '@alicloud/ros-cdk-fc';

/**
 * The ranges of the safety settings of an action automation's section (`safetyShape` of lib/config/schema.ts): the
 * same for every such section, written once here.
 */
export function safetyRanges<S extends string>(
  section: S,
): Record<`${S}.maxEventAgeHours` | `${S}.maxActionsPerHour`, RangeSpec> {
  return {
    [`${section}.maxEventAgeHours`]: {
      min: 1,
      max: MAX_EVENT_AGE_HOURS,
      ros: null,
      note: 'SAFETY_MAX_EVENT_AGE_HOURS of the function; at most the dead-letter retention (7 days): nothing older is re-delivered',
    },
    [`${section}.maxActionsPerHour`]: {
      min: 1,
      max: MAX_ACTIONS_PER_HOUR,
      ros: null,
      note: 'SAFETY_MAX_ACTIONS_PER_HOUR of the function (the fleet breaker)',
    },
  } as Record<`${S}.maxEventAgeHours` | `${S}.maxActionsPerHour`, RangeSpec>;
}

/**
 * The ranges, keyed by configuration path (`functions.logRetentionDays`) or, for construct props that no
 * configuration key sets, by `Construct.prop`.
 */
export const RANGES = {
  'archive.retentionDays': {
    min: 1,
    max: 36500,
    ros: { package: '@alicloud/ros-cdk-oss', validator: 'RosBucket_ExpirationPropertyValidator', property: 'days' },
    note: 'a hundred years: ROS sets no upper bound',
  },
  'archive.infrequentAccessAfterDays': {
    min: 1,
    max: 36500,
    ros: { package: '@alicloud/ros-cdk-oss', validator: 'RosBucket_TransitionPropertyValidator', property: 'days' },
    note: 'below archive.retentionDays as well',
  },
  'functions.memoryMb': {
    min: 128,
    max: 3072,
    ros: { package: FC, validator: 'RosFunctionPropsValidator', property: 'memorySize' },
    note: 'FC 2.0 elastic instances: at most 3072 MB, a multiple of 64 (larger sizes need performance instances)',
  },
  'functions.timeoutSeconds': {
    min: 10,
    max: 600,
    ros: { package: FC, validator: 'RosFunctionPropsValidator', property: 'timeout' },
    note: 'under 10 s a cold start with one API call can time out; over 600 s an event-driven handler is stuck',
  },
  'functions.asyncRetryAttempts': {
    min: 0,
    max: 8,
    ros: {
      package: FC,
      validator: 'RosFunction_AsyncConfigurationPropertyValidator',
      property: 'maxAsyncRetryAttempts',
    },
  },
  'notifications.groupingWindowSeconds': {
    min: 0,
    max: 300,
    ros: null,
    note: 'the leader of a window waits it out inside one invocation; the handler cuts the wait short 10 s before functions.timeoutSeconds',
  },
  'functions.bundleBudgetKb': { min: 50, max: 5000, ros: null, note: 'a synth-time budget of the handler bundles' },
  'functions.logRetentionDays': {
    min: 1,
    max: 3600,
    ros: { package: '@alicloud/ros-cdk-sls', validator: 'RosLogstorePropsValidator', property: 'ttl' },
  },
  'spotDrain.drainSeconds': {
    min: DRAIN_SECONDS.min,
    max: DRAIN_SECONDS.max,
    ros: null,
    note: 'the spot-drain handler environment; within the ~5-minute interruption notice (contract/env/spot-drain.ts)',
  },
  'eventStore.retentionDays': {
    min: 1,
    max: 3600,
    ros: { package: '@alicloud/ros-cdk-sls', validator: 'RosLogstorePropsValidator', property: 'ttl' },
  },
  'autoRestart.maxRestartsPerHour': { min: 1, max: 20, ros: null, note: 'the auto-restart handler environment' },
  ...safetyRanges('autoRestart'),
  ...safetyRanges('spotDrain'),
  ...safetyRanges('autoScaling'),
  'deadLetterCheck.intervalMinutes': {
    min: 5,
    max: 1440,
    ros: null,
    note: 'an FC timer trigger, "@every <n>m" in its TriggerConfig map, which ROS does not validate',
  },
  'snapshots.policy.timePoints[]': {
    min: 0,
    max: 23,
    ros: null,
    note: 'hours of the day; ROS checks only that TimePoints is a list',
  },
  'snapshots.policy.repeatWeekdays[]': {
    min: 1,
    max: 7,
    ros: null,
    note: 'days of the week; ROS checks only that RepeatWeekdays is a list of numbers',
  },
  'snapshots.policy.retentionDays': {
    // -1 (keep for ever) is accepted besides this range.
    min: 1,
    max: 65536,
    ros: {
      package: '@alicloud/ros-cdk-ecs',
      validator: 'RosAutoSnapshotPolicyPropsValidator',
      property: 'retentionDays',
    },
    note: 'or -1 for ever; 0 is not a retention',
  },
  // ALIYUN::ESS::LifecycleHook is declared through ros.RosResource (@alicloud/ros-cdk-ess is not installed), so no
  // generated validator checks these; the ranges are those of the ROS and ESS documentation.
  'autoScaling.scaleInHook.heartbeatTimeoutSeconds': {
    min: 30,
    max: 21600,
    ros: null,
    note: 'HeartbeatTimeout of ALIYUN::ESS::LifecycleHook and heartbeatTimeout of RecordLifecycleActionHeartbeat: 30 to 21600 s (https://help.aliyun.com/zh/ros/developer-reference/aliyun-ess-lifecyclehook)',
  },
  'autoScaling.scaleInHook.maxWaitMinutes': {
    min: 5,
    max: 1440,
    ros: null,
    note: 'our bound on how long the handler holds an instance for its snapshots before completing with defaultResult; no ROS property',
  },
  'autoScaling.scaleInHook.snapshotRetentionDays': {
    min: 1,
    max: 65536,
    ros: null,
    note: 'RetentionDays of ECS CreateSnapshot, 1 to 65536 (https://www.alibabacloud.com/help/en/ecs/api-createsnapshot); no ROS property',
  },
  'InstanceProtection.timeoutSeconds': {
    min: 60,
    max: 3600,
    ros: { package: '@alicloud/ros-cdk-ros', validator: 'RosCustomResourcePropsValidator', property: 'timeout' },
    note: 'the provider answers within its own function timeout (at most 600 s); an hour covers ROS retries',
  },
  'fleet.maxConcurrentPercentage': {
    min: 1,
    max: 100,
    ros: null,
    note: 'StackInstances OperationPreferences.MaxConcurrentPercentage, which the ROS CDK does not validate; range of the CreateStackInstances API (@alicloud/ros20190910 CreateStackInstancesRequest)',
  },
  'fleet.failureToleranceCount': {
    min: 0,
    max: 20,
    ros: null,
    note: 'StackInstances OperationPreferences.FailureToleranceCount, which the ROS CDK does not validate; range of the CreateStackInstances API (@alicloud/ros20190910 CreateStackInstancesRequest)',
  },
  'EventRule.targets': {
    min: 1,
    max: 5,
    ros: { package: '@alicloud/ros-cdk-eventbridge', validator: 'RosRulePropsValidator', property: 'targets' },
  },
} as const satisfies Readonly<Record<string, RangeSpec>>;

/** A key of {@link RANGES}. */
export type RangeKey = keyof typeof RANGES;

/**
 * Longest EventBridge rule name: 127 characters (EventBridge API reference, CreateRule `RuleName`,
 * https://www.alibabacloud.com/help/en/eventbridge/developer-reference/api-eventbridge-2020-04-01-createrule; the ROS
 * CDK's generated `RosRulePropsValidator` checks only that it is a string).
 */
export const RULE_NAME_MAX_LENGTH = 127;

/** What {@link rangedInteger} adds to a range. */
export interface RangedIntegerOptions {
  /** The value must be a multiple of this. @default - any integer */
  readonly multipleOf?: number;
  /** `null` is accepted too (it turns the setting off). @default false */
  readonly nullable?: boolean;
}

/**
 * The schema of an integer within the range {@link RANGES} has for `key`, with one message for every way to miss it:
 * `an integer from <min> to <max>[, a multiple of <n>][ (or null to turn it off)]`.
 */
export function rangedInteger(key: RangeKey, options: RangedIntegerOptions = {}): z.ZodType<number> {
  const { min, max } = RANGES[key];
  const multiple = options.multipleOf ? `, a multiple of ${options.multipleOf}` : '';
  const nullable = options.nullable ? ' (or null to turn it off)' : '';
  const error = { error: `an integer from ${min} to ${max}${multiple}${nullable}` };
  const schema = z.number(error).int(error).min(min, error).max(max, error);
  return options.multipleOf === undefined ? schema : schema.multipleOf(options.multipleOf, error);
}

/** Whether `value` is an integer within `range`. */
export function inRange(value: unknown, range: IntegerRange): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= range.min && value <= range.max;
}
