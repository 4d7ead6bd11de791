import * as ros from '@alicloud/ros-cdk-core';
import type { RegionConfig } from '../config';
import { DeadLetterQueue } from '../constructs/dead-letter-queue';
import { ARCHIVE_PREFIXES, EventArchiveBucket } from '../constructs/event-archive-bucket';
import { EventRule } from '../constructs/event-rule';
import { FcFunctionTarget } from '../constructs/fc-function-target';
import { FunctionLogs } from '../constructs/function-logs';
import { HandlerFunction, type PolicyStatement } from '../constructs/handler-function';
import { instanceStateChange, preemptibleInstanceInterruption } from '../events/ecs-patterns';
import type { EventPattern } from '../events/pattern';

/** Props of {@link RegionStack}. */
export interface RegionStackProps {
  /** The validated settings of this region. */
  readonly config: RegionConfig;
  /** Synthesizer qualifier: fixed, so that synth is deterministic (the default one is random). */
  readonly assetsQualifier: string;
}

/** One automation: a handler, its dead-letter queue and the rule that feeds it. */
interface AutomationSpec {
  /** Kebab-case name: the handler file, and the suffix of every resource name. */
  readonly name: string;
  /** Construct id prefix, PascalCase. Part of the logical ids: renaming it replaces resources. */
  readonly id: string;
  readonly description: string;
  readonly pattern: EventPattern;
  readonly statements: readonly PolicyStatement[];
  readonly environment: Readonly<Record<string, string>>;
}

/**
 * The ecs-event-ops stack of one region: the archive bucket, and for each enabled automation a handler function,
 * its dead-letter queue, and the EventBridge rule on the default bus that routes ECS events to it.
 */
export class RegionStack extends ros.Stack {
  /** The archive bucket. */
  readonly archive: EventArchiveBucket;
  /** The automations deployed, by name. */
  readonly automations: ReadonlyMap<string, { readonly handler: HandlerFunction; readonly rule: EventRule }>;

  constructor(scope: ros.Construct, props: RegionStackProps) {
    const { config } = props;
    super(scope, `${config.namePrefix}-${config.region}`, {
      env: { region: config.region },
      description: `ecs-event-ops automations for ECS events in ${config.region}`,
      synthesizer: new ros.DefaultStackSynthesizer({ qualifier: props.assetsQualifier }),
      tags: { 'ecs-event-ops': config.region },
    });
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
    const archive = this.archive;
    const idempotency: PolicyStatement[] = [
      { actions: ['oss:GetObject', 'oss:PutObject'], resources: [archive.objectsArn(ARCHIVE_PREFIXES.idempotency)] },
    ];
    const instances = ros.Fn.join('', ['acs:ecs:', this.region, ':', this.account, ':instance/*']);
    const loadBalancers = ros.Fn.join('', ['acs:slb:', this.region, ':', this.account, ':loadbalancer/*']);

    const specs: AutomationSpec[] = [
      {
        name: 'lifecycle-audit',
        id: 'LifecycleAudit',
        description: 'Archives every ECS instance state change (seed scenario 1)',
        pattern: instanceStateChange(),
        statements: [
          ...idempotency,
          { actions: ['oss:PutObject'], resources: [archive.objectsArn(ARCHIVE_PREFIXES.archive)] },
        ],
        environment: {},
      },
    ];
    if (config.autoRestart.enabled) {
      specs.push({
        name: 'auto-restart',
        id: 'AutoRestart',
        description: `Restarts stopped instances tagged ${config.autoRestart.tagKey}=${config.autoRestart.tagValue} (seed scenario 2)`,
        pattern: instanceStateChange(['Stopped']),
        statements: [
          ...idempotency,
          // DescribeInstances has no resource-level permission: it is a read, and RAM users without it get an empty list.
          { actions: ['ecs:DescribeInstances'], resources: ['*'] },
          { actions: ['ecs:StartInstance'], resources: [instances] },
          {
            actions: ['oss:GetObject', 'oss:PutObject'],
            resources: [archive.objectsArn(`${ARCHIVE_PREFIXES.state}auto-restart/`)],
          },
          { actions: ['oss:ListObjects'], resources: [archive.bucketArn] },
        ],
        environment: {
          RESTART_TAG_KEY: config.autoRestart.tagKey,
          RESTART_TAG_VALUE: config.autoRestart.tagValue,
          RESTART_MAX_PER_HOUR: String(config.autoRestart.maxRestartsPerHour),
        },
      });
    }
    if (config.spotDrain.enabled) {
      specs.push({
        name: 'spot-drain',
        id: 'SpotDrain',
        description: 'Removes spot instances about to be reclaimed from SLB vServer groups (seed scenario 3)',
        pattern: preemptibleInstanceInterruption(),
        statements: [
          ...idempotency,
          {
            actions: ['slb:DescribeLoadBalancers', 'slb:DescribeVServerGroups', 'slb:DescribeVServerGroupAttribute'],
            resources: ['*'],
          },
          { actions: ['slb:RemoveVServerGroupBackendServers'], resources: [loadBalancers, instances] },
        ],
        environment: { DRAIN_VSERVER_GROUP_IDS: config.spotDrain.vServerGroupIds.join(',') },
      });
    }

    const automations = new Map<string, { handler: HandlerFunction; rule: EventRule }>();
    for (const spec of specs) {
      const resourceName = `${config.namePrefix}-${spec.name}`;
      const deadLetterQueue = new DeadLetterQueue(this, `${spec.id}DeadLetterQueue`, {
        queueName: `${resourceName}-dlq`,
      });
      const handler = new HandlerFunction(this, `${spec.id}Function`, {
        handler: spec.name,
        serviceName: resourceName,
        functionName: spec.name,
        roleName: `${resourceName}-${config.region}`,
        description: spec.description,
        deadLetterQueue,
        logs,
        statements: spec.statements,
        environment: { ARCHIVE_BUCKET: archive.bucketName, IDEMPOTENCY_WINDOW_SECONDS: '86400', ...spec.environment },
        memoryMb: config.functions.memoryMb,
        timeoutSeconds: config.functions.timeoutSeconds,
        asyncRetryAttempts: config.functions.asyncRetryAttempts,
        bundleBudgetKb: config.functions.bundleBudgetKb,
      });
      const rule = new EventRule(this, `${spec.id}Rule`, {
        ruleName: resourceName,
        description: spec.description,
        pattern: spec.pattern,
        targets: [new FcFunctionTarget(handler)],
        // One queue per automation: undeliverable events and events the handler failed on land in the same place.
        deadLetterQueue,
      });
      automations.set(spec.name, { handler, rule });
    }
    this.automations = automations;
  }
}
