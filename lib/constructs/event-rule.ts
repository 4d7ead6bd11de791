import * as ros from '@alicloud/ros-cdk-core';
import * as eventbridge from '@alicloud/ros-cdk-eventbridge';
import { inRange, RANGES } from '../config/ranges';
import type { EventPattern } from '../events/pattern';
import { validatePattern } from '../patterns/validate';
import { DeadLetterQueue } from './dead-letter-queue';

/** How EventBridge retries a target that fails to accept an event. */
export enum RetryStrategy {
  /** Up to 176 retries with exponential backoff (1 s … 512 s) over one day. */
  EXPONENTIAL_DECAY = 'EXPONENTIAL_DECAY_RETRY',
  /** Up to 3 retries, 10 to 20 s apart. */
  BACKOFF = 'BACKOFF_RETRY',
}

/** What a target contributes to a rule's `Targets` entry. */
export interface RuleTargetConfig {
  /** Target type, e.g. `acs.fc.function`. */
  readonly type: string;
  /** Target endpoint ARN or URL. */
  readonly endpoint: string;
  /** The target's `ParamList`. */
  readonly paramList: readonly eventbridge.RosRule.ParamListProperty[];
}

/** Something a rule can deliver events to. */
export interface IRuleTarget {
  /** Renders the target for `rule`. */
  bind(rule: EventRule): RuleTargetConfig;
}

/** Props of {@link EventRule}. */
export interface EventRuleProps {
  /** Rule name: letters, digits and hyphens, starting with a letter or digit, at most 127 characters. Not updatable. */
  readonly ruleName: string;
  /** The filter pattern. */
  readonly pattern: EventPattern;
  /** Targets: 1 to 5. */
  readonly targets: readonly IRuleTarget[];
  /**
   * Queue for events that could not be delivered after the retries.
   * @default - a new queue named `<ruleName>-dlq`
   */
  readonly deadLetterQueue?: DeadLetterQueue;
  /** @default RetryStrategy.EXPONENTIAL_DECAY */
  readonly retryStrategy?: RetryStrategy;
  /** @default "default" (the bus ECS and Auto Scaling publish to) */
  readonly eventBusName?: string;
  /** @default true */
  readonly enabled?: boolean;
  /** @default - none */
  readonly description?: string;
  /**
   * Escape hatch for event types Alibaba added after the catalogue was written: these exact `type` values are
   * accepted although the catalogue does not know them, and their `data` is not checked. The types and the reason
   * are written into the rule's template metadata (`EcsEventOps::UncataloguedTypes`, visible in every diff), and
   * synth prints a warning. Prefer adding the type to `lib/events/catalogue.ts`.
   * @default - every type must be in the catalogue
   */
  readonly uncataloguedTypes?: UncataloguedTypes;
}

/** Types accepted outside the catalogue, and why. */
export interface UncataloguedTypes {
  readonly types: readonly string[];
  /** Why the catalogue cannot be used (e.g. a link to the announcement of the new type). Required. */
  readonly reason: string;
}

/** Template metadata key under which a rule records its uncatalogued types. */
export const UNCATALOGUED_METADATA_KEY = 'EcsEventOps::UncataloguedTypes';

const RULE_NAME = /^[a-zA-Z0-9][a-zA-Z0-9-]{0,126}$/;

/**
 * An EventBridge rule whose every target has a retry strategy and a dead-letter queue.
 *
 * Targets are rendered with `ErrorsTolerance: ALL`: an event that still fails after the retries goes to the
 * dead-letter queue and does not block the events behind it. Synth fails if any target ends up without a dead-letter
 * queue or a retry strategy (for example after an escape-hatch edit).
 *
 * @see https://www.alibabacloud.com/help/en/ros/developer-reference/aliyun-eventbridge-rule
 * @example
 * new EventRule(stack, 'AutoRestartRule', { ruleName: 'ecs-event-ops-auto-restart',
 *   pattern: instanceStateChange(['Stopped']), targets: [new FcFunctionTarget(autoRestart)] });
 */
export class EventRule extends ros.Construct {
  /** Rule name. */
  readonly ruleName: string;
  /** The dead-letter queue shared by the rule's targets. */
  readonly deadLetterQueue: DeadLetterQueue;
  /** The pattern, as declared. */
  readonly pattern: EventPattern;
  /** The ROS resource, for escape hatches. */
  readonly resource: eventbridge.RosRule;

  constructor(scope: ros.Construct, id: string, props: EventRuleProps) {
    super(scope, id);
    if (!RULE_NAME.test(props.ruleName) || props.ruleName.startsWith('eventbridge-reserved-')) {
      throw new Error(
        `EventRule ${this.node.path}: ruleName "${props.ruleName}" is not valid: 1 to 127 letters, digits and hyphens, starting with a letter or digit`,
      );
    }
    const targetCount = RANGES['EventRule.targets'];
    if (!inRange(props.targets.length, targetCount)) {
      throw new Error(
        `EventRule ${this.node.path}: ${props.targets.length} targets given; a rule takes ${targetCount.min} to ${targetCount.max}`,
      );
    }
    const hatch = props.uncataloguedTypes;
    if (hatch !== undefined && (hatch.types.length === 0 || hatch.reason.trim() === '')) {
      throw new Error(`EventRule ${props.ruleName}: uncataloguedTypes needs at least one type and a reason`);
    }
    const problems = validatePattern(props.pattern, { uncataloguedTypes: hatch?.types });
    if (problems.length > 0) {
      throw new Error(
        `EventRule ${props.ruleName} (${this.node.path}): the pattern has ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n` +
          problems.map((p) => `  - at "${p.path || '(pattern)'}": ${p.message}`).join('\n'),
      );
    }
    this.ruleName = props.ruleName;
    this.pattern = props.pattern;
    this.deadLetterQueue =
      props.deadLetterQueue ??
      new DeadLetterQueue(this, `${id}DeadLetterQueue`, { queueName: `${props.ruleName}-dlq` });
    const retry = props.retryStrategy ?? RetryStrategy.EXPONENTIAL_DECAY;
    const targets = props.targets.map((target, index): eventbridge.RosRule.TargetsProperty => {
      const config = target.bind(this);
      return {
        identity: `target-${index + 1}`,
        type: config.type,
        endpoint: config.endpoint,
        paramList: [...config.paramList],
        pushRetryStrategy: retry,
        deadLetterQueue: { arn: this.deadLetterQueue.arn },
        errorsTolerance: 'ALL',
      };
    });
    this.resource = new eventbridge.RosRule(
      this,
      id,
      {
        ruleName: props.ruleName,
        eventBusName: props.eventBusName ?? 'default',
        // The ROS type wants a plain map; the typed pattern is JSON already.
        filterPattern: JSON.parse(JSON.stringify(props.pattern)),
        targets,
        status: props.enabled === false ? 'DISABLE' : 'ENABLE',
        description: props.description,
      },
      true,
    );
    if (hatch !== undefined) {
      this.resource.addMetaData(UNCATALOGUED_METADATA_KEY, { types: [...hatch.types], reason: hatch.reason });
      this.node.addWarning(
        `EventRule ${props.ruleName}: accepts uncatalogued types ${hatch.types.join(', ')} (${hatch.reason})`,
      );
    }
  }

  protected override validate(): string[] {
    const targets = this.resource.targets;
    if (!Array.isArray(targets)) return [];
    const errors: string[] = [];
    for (const target of targets as (eventbridge.RosRule.TargetsProperty | ros.IResolvable)[]) {
      if (ros.Tokenization.isResolvable(target)) continue;
      const t = target as eventbridge.RosRule.TargetsProperty;
      if (t.deadLetterQueue === undefined) {
        errors.push(
          `EventRule ${this.ruleName}: target ${String(t.identity)} has no dead-letter queue; every target needs one`,
        );
      }
      if (t.pushRetryStrategy === undefined) {
        errors.push(
          `EventRule ${this.ruleName}: target ${String(t.identity)} has no retry strategy; every target needs one`,
        );
      }
    }
    return errors;
  }
}
