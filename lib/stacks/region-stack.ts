import * as ros from '@alicloud/ros-cdk-core';
import * as rosRos from '@alicloud/ros-cdk-ros';
import { formatCommonEnv } from '../../contract/env/common';
import {
  automationResourceName,
  deadLetterQueueName,
  EVENT_STORE_NAME,
  functionRoleName,
  ruleName,
} from '../../contract/naming';
import { IDEMPOTENCY_WINDOW_SECONDS } from '../../contract/retention';
import {
  type AutomationPlan,
  type AutomationUnit,
  NOT_DECLARABLE,
  type RuleSpec,
  UNITS,
  type Unit,
} from '../automations';
import { declaredFeeds, deployDeclaredRules } from '../automations/declared-rules';
import { regionResources } from '../automations/region';
import { type FleetCode, HandlerCode } from '../code/handler-code';
import { TemplateOnlySynthesizer } from '../code/template-only-synthesizer';
import type { RegionConfig } from '../config';
import { RANGES } from '../config/ranges';
import { KNOWN_REGIONS } from '../config/regions';
import { DeadLetterQueue } from '../constructs/dead-letter-queue';
import { EventArchiveBucket } from '../constructs/event-archive-bucket';
import { EventRule } from '../constructs/event-rule';
import { EventStore } from '../constructs/event-store';
import { FcFunctionTarget } from '../constructs/fc-function-target';
import { FunctionLogs } from '../constructs/function-logs';
import { HandlerFunction } from '../constructs/handler-function';
import { LOG_ALERTS, type LogAlertSpec, LogInsights } from '../constructs/log-insights';
import { RegionGuard } from '../constructs/region-guard';
import { ScheduleTrigger } from '../constructs/schedule-trigger';
import { dependOn } from '../private/depend-on';

/** Props of {@link RegionStack}. */
export interface RegionStackProps {
  /** The validated settings of this region. */
  readonly config: RegionConfig;
  /** Names the code bucket `cdk-<qualifier>-assets-<region>` the handlers' code is published to. */
  readonly assetsQualifier: string;
  /**
   * Refuse to deploy in any region but `config.region` (a `StackRegion` parameter and an assert every resource depends
   * on). A template meant for every region leaves it out.
   * @default true
   */
  readonly regionGuard?: boolean;
  /**
   * Build the one template of a ROS stack group (lib/fleet/) instead of a region's stack: it names no literal region or
   * account (pseudo parameters `ALIYUN::Region` and `ALIYUN::AccountId`), has no region guard, and takes the settings
   * that may differ per region as template parameters ({@link FLEET_TEMPLATE_PARAMETERS}), whose defaults are
   * `config`'s values. `config` is the canary region's settings (lib/config checks that every fleet region has the
   * same, but for those parameters).
   * @default - a stack for `config.region`
   */
  readonly fleet?: RegionTemplateFleet;
  /**
   * The units to assemble, in deployment order.
   * @default UNITS (lib/automations/index.ts: the built-in units and those of custom/index.ts); `unitsWith(custom)`
   * gives the built-in units with other units of your own in their place
   */
  readonly units?: readonly Unit[];
}

/** What makes a region stack the template of a stack group. */
export interface RegionTemplateFleet {
  /** The construct id (and artifact id) of the template's stack. */
  readonly stackId: string;
  /** Where member accounts read the handlers' code; the manifest lists every region for `npm run assets:publish`. */
  readonly code: FleetCode;
}

/**
 * The parameters of a stack group's template: what may differ per region (fleet regions' settings, and the region's
 * alert time zone), set per region by the fleet stack's `ParameterOverrides`.
 */
export const FLEET_TEMPLATE_PARAMETERS = {
  memoryMb: 'FunctionMemoryMb',
  timeoutSeconds: 'FunctionTimeoutSeconds',
  timeZone: 'AlertTimeZone',
} as const;

/** A deployed automation: its function, its dead-letter queue and its rules. */
export interface DeployedAutomation {
  readonly handler: HandlerFunction;
  readonly deadLetterQueue: DeadLetterQueue;
  readonly rules: readonly EventRule[];
}

/**
 * The ecs-event-ops stack of one region: the archive bucket, the function logs, and for each enabled automation unit
 * (lib/automations/) a handler function, its dead-letter queue, and the EventBridge rules on the default bus that route
 * events to it.
 */
export class RegionStack extends ros.Stack {
  /** The archive bucket. */
  readonly archive: EventArchiveBucket;
  /** The automations deployed, by name. */
  readonly automations: ReadonlyMap<string, DeployedAutomation>;
  /** The rules declared in the configuration (`rules`), in the order declared. */
  readonly declaredRules: readonly EventRule[];
  /** The SLS event store; undefined when `eventStore.enabled` is off. */
  readonly eventStore: EventStore | undefined;
  /** Saved searches, dashboard and SLS alert rules. */
  readonly insights: LogInsights;

  constructor(scope: ros.Construct, props: RegionStackProps) {
    const { config, fleet } = props;
    super(
      scope,
      fleet?.stackId ?? `${config.namePrefix}-${config.region}`,
      fleet === undefined
        ? {
            env: { region: config.region },
            description: `ecs-event-ops automations for ECS events in ${config.region}`,
            // No asset manifest for the ros-cdk CLI to publish or delete: the code goes through HandlerCode.
            synthesizer: new TemplateOnlySynthesizer(),
            tags: { 'ecs-event-ops': config.region },
          }
        : {
            // No env: the stack's region and account are the pseudo parameters, resolved in each member stack.
            description:
              'ecs-event-ops automations for ECS events (template of a ROS stack group: every account and region)',
            synthesizer: new TemplateOnlySynthesizer(),
            tags: { 'ecs-event-ops': 'fleet' },
          },
    );
    new HandlerCode(this, { qualifier: props.assetsQualifier, fleet: fleet?.code });
    const guard =
      fleet === undefined && (props.regionGuard ?? true)
        ? new RegionGuard(this, 'RegionGuard', { region: config.region })
        : undefined;
    const parameters = fleet === undefined ? undefined : templateParameters(this, config);
    const services = config.activateServices
      ? // EventBridge cannot be activated by ROS (not an AutoEnableService value): activate it once in the console.
        ['FC', 'MNS', 'SLS', 'OSS'].map(
          (name) => new rosRos.AutoEnableService(this, `Activate${name}`, { serviceName: name }),
        )
      : [];
    this.archive = new EventArchiveBucket(this, 'Archive', {
      namePrefix: config.namePrefix,
      retentionDays: config.archive.retentionDays,
      infrequentAccessAfterDays: config.archive.infrequentAccessAfterDays,
    });
    new ros.RosOutput(this, 'ArchiveBucketName', {
      value: this.archive.bucketName,
      description: 'OSS bucket holding the event archive',
    });
    const logs = new FunctionLogs(this, 'FunctionLogs', {
      namePrefix: config.namePrefix,
      retentionDays: config.functions.logRetentionDays,
    });
    dependOn(this.archive, services);
    dependOn(logs, services);
    this.eventStore = config.eventStore.enabled
      ? new EventStore(this, 'EventStore', {
          logs,
          retentionDays: config.eventStore.retentionDays,
          ruleName: ruleName(config.namePrefix, EVENT_STORE_NAME),
          deadLetterQueueName: deadLetterQueueName(config.namePrefix, EVENT_STORE_NAME),
          roleName: functionRoleName(
            config.namePrefix,
            EVENT_STORE_NAME,
            fleet === undefined ? config.region : this.region,
          ),
        })
      : undefined;
    if (this.eventStore !== undefined) dependOn(this.eventStore, services);
    const alerts: LogAlertSpec[] = [
      ...(config.slsAlerts.enabled ? [LOG_ALERTS.actionsFailing, LOG_ALERTS.noEvents] : []),
      // Never both: with alertVia "sls" dlq-check writes depth records only, and this rule pages.
      ...(config.deadLetterCheck.enabled && config.deadLetterCheck.alertVia === 'sls' ? [LOG_ALERTS.deadLetters] : []),
    ];
    this.insights = new LogInsights(this, 'Insights', {
      logs,
      namePrefix: config.namePrefix,
      eventStore: this.eventStore !== undefined,
      alerts,
      actionPolicyId: config.slsAlerts.actionPolicyId,
    });

    // Plan every unit in registry order (units create the shared resources they need as they plan), then deploy.
    const plans: { unit: AutomationUnit; plan: AutomationPlan }[] = [];
    const region = regionResources(
      this,
      config,
      this.archive,
      () => plans.map((p) => p.unit.name),
      parameters?.timeZone,
    );
    const fed = new Map<string, RuleSpec[]>();
    const declared = declaredFeeds(config);
    for (const unit of props.units ?? UNITS) {
      if (unit.kind === 'rules') {
        fed.set(unit.feeds, [...(fed.get(unit.feeds) ?? []), ...unit.rules(region)]);
        continue;
      }
      const plan = unit.plan(region, { rules: fed.get(unit.name) ?? [], declared: declared.get(unit.name) ?? 0 });
      if (plan !== undefined) plans.push({ unit, plan });
    }

    const automations = new Map<string, DeployedAutomation>();
    for (const { unit, plan } of plans) {
      const deadLetterQueue = new DeadLetterQueue(this, `${unit.id}DeadLetterQueue`, {
        queueName: deadLetterQueueName(config.namePrefix, unit.name),
      });
      const handler = new HandlerFunction(this, `${unit.id}Function`, {
        handler: unit.name,
        entry: unit.entry,
        serviceName: automationResourceName(config.namePrefix, unit.name),
        functionName: unit.name,
        roleName: functionRoleName(config.namePrefix, unit.name, fleet === undefined ? config.region : this.region),
        description: plan.description,
        deadLetterQueue,
        logs,
        statements: plan.statements,
        environment: {
          ...formatCommonEnv({
            archiveBucket: this.archive.bucketName,
            idempotencyWindowSeconds: IDEMPOTENCY_WINDOW_SECONDS,
          }),
          ...plan.environment,
        },
        memoryMb: parameters?.memoryMb ?? config.functions.memoryMb,
        // An automation with a minimum timeout (spot-drain: drainSeconds + 30 s) gets a fixed timeout, also in a stack
        // group's template: a parameter could be overridden below the minimum per region.
        timeoutSeconds:
          plan.minTimeoutSeconds === undefined
            ? (parameters?.timeoutSeconds ?? config.functions.timeoutSeconds)
            : Math.max(config.functions.timeoutSeconds, plan.minTimeoutSeconds),
        asyncRetryAttempts: config.functions.asyncRetryAttempts,
        bundleBudgetKb: config.functions.bundleBudgetKb,
      });
      dependOn(handler, services);
      dependOn(deadLetterQueue, services);
      const rules = plan.rules.map(
        (rule) =>
          new EventRule(this, rule.id, {
            ruleName: ruleName(config.namePrefix, rule.name),
            description: rule.description,
            pattern: rule.pattern,
            targets: [new FcFunctionTarget(handler), ...(rule.extraTargets ?? [])],
            // One queue per automation: undeliverable events and events the handler failed on land in the same place.
            deadLetterQueue,
          }),
      );
      if (plan.scheduleMinutes !== undefined) {
        new ScheduleTrigger(this, `${unit.id}Schedule`, { handler, intervalMinutes: plan.scheduleMinutes });
      }
      automations.set(unit.name, { handler, deadLetterQueue, rules });
    }
    this.declaredRules = deployDeclaredRules(this, config, automations, NOT_DECLARABLE);
    for (const { unit, plan } of plans) plan.afterDeploy?.(automations.get(unit.name)!.handler);
    this.automations = automations;
    guard?.protect();
  }
}

/** The parameters of a stack group's template ({@link FLEET_TEMPLATE_PARAMETERS}), defaults from `config`. */
function templateParameters(
  stack: ros.Stack,
  config: RegionConfig,
): { memoryMb: number; timeoutSeconds: number; timeZone: string } {
  const memory = RANGES['functions.memoryMb'];
  const timeout = RANGES['functions.timeoutSeconds'];
  const memoryMb = new ros.RosParameter(stack, FLEET_TEMPLATE_PARAMETERS.memoryMb, {
    type: ros.RosParameterType.NUMBER,
    defaultValue: config.functions.memoryMb,
    minValue: memory.min,
    maxValue: memory.max,
    description: `Memory of every function, MB: a multiple of 64 (configuration key functions.memoryMb).`,
  });
  const timeoutSeconds = new ros.RosParameter(stack, FLEET_TEMPLATE_PARAMETERS.timeoutSeconds, {
    type: ros.RosParameterType.NUMBER,
    defaultValue: config.functions.timeoutSeconds,
    minValue: timeout.min,
    maxValue: timeout.max,
    description: 'Timeout of every function, seconds (configuration key functions.timeoutSeconds).',
  });
  const zones = [...new Set(Object.values(KNOWN_REGIONS).map((r) => r.timeZone))].sort();
  const timeZone = new ros.RosParameter(stack, FLEET_TEMPLATE_PARAMETERS.timeZone, {
    type: ros.RosParameterType.STRING,
    defaultValue: KNOWN_REGIONS[config.region].timeZone,
    allowedValues: zones,
    description: "IANA time zone of alert times: the region's own, set per region by the fleet stack.",
  });
  return {
    memoryMb: ros.Token.asNumber(memoryMb.value),
    timeoutSeconds: ros.Token.asNumber(timeoutSeconds.value),
    timeZone: timeZone.valueAsString,
  };
}
