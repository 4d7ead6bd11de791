import * as ros from '@alicloud/ros-cdk-core';
import * as rosRos from '@alicloud/ros-cdk-ros';
import { IDEMPOTENCY_WINDOW_SECONDS } from '../../contract/retention';
import { HandlerCode } from '../code/handler-code';
import { TemplateOnlySynthesizer } from '../code/template-only-synthesizer';
import { KNOWN_REGIONS, type RegionConfig } from '../config';
import { ApiDestinationTarget } from '../constructs/api-destination-target';
import { DeadLetterQueue } from '../constructs/dead-letter-queue';
import { ARCHIVE_PREFIXES, EventArchiveBucket } from '../constructs/event-archive-bucket';
import { EventRule, type IRuleTarget } from '../constructs/event-rule';
import { FcFunctionTarget } from '../constructs/fc-function-target';
import { FunctionLogs } from '../constructs/function-logs';
import { HandlerFunction, type PolicyStatement } from '../constructs/handler-function';
import { InstanceProtection } from '../constructs/instance-protection';
import { RegionGuard } from '../constructs/region-guard';
import { ScheduleTrigger } from '../constructs/schedule-trigger';
import { SecretParameter } from '../constructs/secret-parameter';
import { SnapshotPolicy } from '../constructs/snapshot-policy';
import { StoredSecret } from '../constructs/stored-secret';
import {
  ECS_SOURCE,
  ESS_SOURCE,
  instanceStateChange,
  preemptibleInstanceInterruption,
  snapshotCompleted,
  systemEvents,
} from '../events/ecs-patterns';
import type { EventPattern } from '../events/pattern';
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
}

/** A rule feeding an automation. */
interface RuleSpec {
  /** Construct id, PascalCase. Part of the logical ids: renaming it replaces resources. */
  readonly id: string;
  /** Suffix of the rule name. */
  readonly name: string;
  readonly description: string;
  readonly pattern: EventPattern;
  /** Targets besides the automation's function. @default none */
  readonly extraTargets?: readonly IRuleTarget[];
}

/** One automation: a handler, its dead-letter queue and the rules that feed it. */
interface AutomationSpec {
  /** Kebab-case name: the handler file, and the suffix of every resource name. */
  readonly name: string;
  /** Construct id prefix, PascalCase. Part of the logical ids: renaming it replaces resources. */
  readonly id: string;
  readonly description: string;
  readonly rules: readonly RuleSpec[];
  readonly statements: readonly PolicyStatement[];
  readonly environment: Readonly<Record<string, string>>;
  /** Run the function on a timer as well (or instead of rules), every this many minutes. @default - no timer */
  readonly scheduleMinutes?: number;
}

/** Instance-health events that are not system events but call for an operator's attention (max 5 per field). */
const HEALTH_TYPES = [
  'ecs:Instance:LiveMigrationAcrossDDH',
  'ecs:Instance:PerformanceModeChange',
  'ecs:Instance:BurstablePerformanceRestricted',
  'ecs:Disk:ErrorDetected',
  'ecs:Disk:Stalled',
];

/**
 * The ecs-event-ops stack of one region: the archive bucket, the function logs, and for each enabled automation a
 * handler function, its dead-letter queue, and the EventBridge rules on the default bus that route events to it.
 */
export class RegionStack extends ros.Stack {
  /** The archive bucket. */
  readonly archive: EventArchiveBucket;
  /** The automations deployed, by name. */
  readonly automations: ReadonlyMap<
    string,
    { readonly handler: HandlerFunction; readonly rules: readonly EventRule[] }
  >;

  constructor(scope: ros.Construct, props: RegionStackProps) {
    const { config } = props;
    super(scope, `${config.namePrefix}-${config.region}`, {
      env: { region: config.region },
      description: `ecs-event-ops automations for ECS events in ${config.region}`,
      // No asset manifest for the ros-cdk CLI to publish or delete: the code goes through HandlerCode.
      synthesizer: new TemplateOnlySynthesizer(),
      tags: { 'ecs-event-ops': config.region },
    });
    new HandlerCode(this, { qualifier: props.assetsQualifier });
    const guard =
      (props.regionGuard ?? true) ? new RegionGuard(this, 'RegionGuard', { region: config.region }) : undefined;
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

    const archive = this.archive;
    const idempotency: PolicyStatement[] = [
      { actions: ['oss:GetObject', 'oss:PutObject'], resources: [archive.objectsArn(ARCHIVE_PREFIXES.idempotency)] },
    ];
    const arn = (service: string, resource: string) =>
      ros.Fn.join('', [`acs:${service}:`, this.region, ':', this.account, `:${resource}`]);
    const instances = arn('ecs', 'instance/*');
    const scalingGroups = config.autoScaling.scalingGroups.map((g) => arn('ess', `scalinggroup/${g.id}`));

    const specs: AutomationSpec[] = [
      {
        name: 'lifecycle-audit',
        id: 'LifecycleAudit',
        description: 'Archives every ECS instance state change (seed scenario 1)',
        rules: [
          {
            id: 'LifecycleAuditRule',
            name: 'lifecycle-audit',
            description: 'Every instance state change',
            pattern: instanceStateChange(),
          },
        ],
        statements: [
          ...idempotency,
          { actions: ['oss:PutObject'], resources: [archive.objectsArn(ARCHIVE_PREFIXES.archive)] },
        ],
        environment: {},
      },
    ];
    if (config.autoRestart.enabled) {
      const description = `Restarts stopped instances tagged ${config.autoRestart.tagKey}=${config.autoRestart.tagValue} (seed scenario 2)`;
      specs.push({
        name: 'auto-restart',
        id: 'AutoRestart',
        description,
        rules: [
          { id: 'AutoRestartRule', name: 'auto-restart', description, pattern: instanceStateChange(['Stopped']) },
        ],
        statements: [
          ...idempotency,
          // DescribeInstances has no resource-level permission: it is a read, and RAM users without it get an empty list.
          { actions: ['ecs:DescribeInstances'], resources: ['*'] },
          // Only instances that carry the opt-in tag, also when the handler is wrong about the tag. acs:ResourceTag/<key>
          // is the documented condition key for "the requested resource must have the specified tag" on ECS instances:
          // https://www.alibabacloud.com/help/en/ram/use-cases/use-tags-to-control-access-to-ecs-resources-1 and
          // https://www.alibabacloud.com/help/en/ecs/user-guide/manage-resource-permissions-with-tags . The condition-key
          // column of the StartInstance API reference lists no key of its own (UNCONFIRMED that StartInstance evaluates
          // it: we chose to rely on the ECS tag documentation; the handler still re-checks the tag, see README).
          {
            actions: ['ecs:StartInstance'],
            resources: [instances],
            conditions: {
              StringEquals: { [`acs:ResourceTag/${config.autoRestart.tagKey}`]: config.autoRestart.tagValue },
            },
          },
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
      const description = 'Removes spot instances about to be reclaimed from SLB vServer groups (seed scenario 3)';
      specs.push({
        name: 'spot-drain',
        id: 'SpotDrain',
        description,
        rules: [{ id: 'SpotDrainRule', name: 'spot-drain', description, pattern: preemptibleInstanceInterruption() }],
        statements: [
          ...idempotency,
          {
            actions: ['slb:DescribeLoadBalancers', 'slb:DescribeVServerGroups', 'slb:DescribeVServerGroupAttribute'],
            resources: ['*'],
          },
          { actions: ['slb:RemoveVServerGroupBackendServers'], resources: [arn('slb', 'loadbalancer/*'), instances] },
        ],
        environment: { DRAIN_VSERVER_GROUP_IDS: config.spotDrain.vServerGroupIds.join(',') },
      });
    }

    // Alerts: system events, instance health, failed snapshots.
    const notifyRules: RuleSpec[] = [];
    if (config.systemEvents.enabled) {
      notifyRules.push(
        {
          id: 'SystemEventsRule',
          name: 'system-events',
          description: 'ECS system events, all three documented forms',
          pattern: systemEvents(),
        },
        {
          id: 'InstanceHealthRule',
          name: 'instance-health',
          description: 'Live migration, performance mode and disk health',
          pattern: { source: [ECS_SOURCE], type: HEALTH_TYPES },
        },
      );
    }
    if (config.snapshots.enabled) {
      const monitoring =
        config.snapshots.monitoringEndpoint === null
          ? []
          : [
              new ApiDestinationTarget(this, 'Monitoring', {
                name: `${config.namePrefix}-monitoring`,
                endpoint: config.snapshots.monitoringEndpoint,
                bearerToken: new SecretParameter(this, 'MonitoringToken', {
                  description: 'Bearer token of the external monitoring endpoint (snapshots.monitoringEndpoint)',
                }).value,
              }),
            ];
      notifyRules.push({
        id: 'SnapshotFailedRule',
        name: 'snapshot-failed',
        description: 'Failed snapshots: alert, and forward to the monitoring endpoint when configured',
        pattern: snapshotCompleted('failed'),
        extraTargets: monitoring,
      });
    }
    // The alert channels, shared by notify and dlq-check: one set of NoEcho parameters, each kept in the secret store
    // (created when first needed). A function's environment holds the secrets' names only; it reads the values at
    // run time, with a role that may read these secrets and no other.
    let channelAccess: { environment: Record<string, string>; statements: PolicyStatement[] } | undefined;
    const alertChannels = () => {
      if (channelAccess !== undefined) return channelAccess;
      const { secretStore, kmsInstanceId } = config.notifications;
      const environment: Record<string, string> = {};
      const statements: PolicyStatement[] = [];
      const secret = (variable: string, id: string, suffix: string, description: string, allowedPattern?: string) => {
        const stored = new StoredSecret(this, id, {
          secretName: `${config.namePrefix}-${suffix}`,
          description,
          allowedPattern,
          store: secretStore,
          kmsInstanceId: kmsInstanceId ?? undefined,
        });
        environment[`${variable}_SECRET_NAME`] = stored.secretName;
        statements.push(...stored.readStatements);
      };
      if (config.notifications.dingTalk) {
        secret(
          'DINGTALK_WEBHOOK_URL',
          'DingTalkWebhookUrl',
          'dingtalk-webhook-url',
          'DingTalk custom robot webhook URL (with its access_token)',
          '^https://.+',
        );
        secret('DINGTALK_SECRET', 'DingTalkSecret', 'dingtalk-secret', 'DingTalk robot signing secret (SEC…)');
      }
      if (config.notifications.webhook) {
        secret('WEBHOOK_URL', 'WebhookUrl', 'webhook-url', 'HTTPS webhook that receives alerts', '^https://.+');
        secret('WEBHOOK_TOKEN', 'WebhookToken', 'webhook-token', 'Bearer token sent to the alert webhook');
      }
      if (statements.length > 0) environment.SECRET_STORE = secretStore;
      channelAccess = { environment, statements };
      return channelAccess;
    };
    if (notifyRules.length > 0) {
      const { environment: channels, statements: secretReads } = alertChannels();
      specs.push({
        name: 'notify',
        id: 'Notify',
        description: 'Turns system events, instance-health events and failed snapshots into alerts',
        rules: notifyRules,
        statements: [
          ...idempotency,
          { actions: ['ecs:DescribeInstances'], resources: ['*'] },
          { actions: ['oss:PutObject'], resources: [archive.objectsArn(`${ARCHIVE_PREFIXES.archive}alerts/`)] },
          ...secretReads,
          // Per-channel delivery records, so that a retry does not resend to a channel that already got the alert.
          ...(Object.keys(channels).length === 0
            ? []
            : [
                {
                  actions: ['oss:GetObject', 'oss:PutObject'],
                  resources: [archive.objectsArn(`${ARCHIVE_PREFIXES.state}notify/`)],
                },
                { actions: ['oss:ListObjects'], resources: [archive.bucketArn] },
              ]),
        ],
        environment: { REGION_TIME_ZONE: KNOWN_REGIONS[config.region].timeZone, ...channels },
      });
    }

    // The audit trail: every ECS and Auto Scaling event, in the archive.
    const archiveRules: RuleSpec[] = [];
    if (config.snapshots.enabled) {
      archiveRules.push({
        id: 'SnapshotResultsRule',
        name: 'snapshot-results',
        description: 'Every snapshot result',
        pattern: snapshotCompleted(),
      });
    }
    if (config.audit.enabled) {
      // State changes are archived by lifecycle-audit, snapshot results by their own rule: not twice.
      const elsewhere = [
        'ecs:Instance:StateChange',
        ...(config.snapshots.enabled ? ['ecs:Snapshot:CreateSnapshotCompleted'] : []),
      ];
      archiveRules.push({
        id: 'AuditRule',
        name: 'audit',
        description: 'Every other ECS and Auto Scaling event',
        pattern: { source: [ECS_SOURCE, ESS_SOURCE], type: [{ 'anything-but': elsewhere }] },
      });
    }
    if (archiveRules.length > 0) {
      specs.push({
        name: 'event-archive',
        id: 'EventArchive',
        description: 'Archives ECS and Auto Scaling events to OSS',
        rules: archiveRules,
        statements: [
          ...idempotency,
          { actions: ['oss:PutObject'], resources: [archive.objectsArn(ARCHIVE_PREFIXES.archive)] },
        ],
        environment: {},
      });
    }

    // Auto Scaling: snapshot policy, protection of configured instances, and of the instances that join.
    const snapshotPolicy =
      config.snapshots.policy === null
        ? undefined
        : new SnapshotPolicy(this, 'SnapshotPolicy', {
            name: `${config.namePrefix}-disks`,
            ...config.snapshots.policy,
          });
    const groups = config.autoScaling.scalingGroups;
    const scaleOutActions = config.autoScaling.protectTag !== null || config.autoScaling.applySnapshotPolicy;
    if (groups.length > 0 && scaleOutActions) {
      const tag = config.autoScaling.protectTag;
      specs.push({
        name: 'scale-out',
        id: 'ScaleOut',
        description: 'Protects tagged instances joining a scaling group and applies the snapshot policy to their disks',
        rules: [
          {
            id: 'ScaleOutRule',
            name: 'scale-out',
            description: 'Successful scale-outs (the handler keeps the configured groups)',
            pattern: { source: [ESS_SOURCE], type: ['ess:ScalingActivity:ScaleOutSuccess'] },
          },
        ],
        statements: [
          ...idempotency,
          {
            actions: [
              'ecs:DescribeInstances',
              'ecs:DescribeDisks',
              'ess:DescribeScalingActivities',
              'ess:DescribeScalingInstances',
            ],
            resources: ['*'],
          },
          ...(tag === null ? [] : [{ actions: ['ess:SetInstancesProtection'], resources: scalingGroups }]),
          // The stack's own policy only. Disks stay disk/*: they are not known before they join, and the API reference
          // lists no condition key for ApplyAutoSnapshotPolicy (https://alibabacloud.com/help/en/doc-detail/25531.htm).
          ...(config.autoScaling.applySnapshotPolicy && snapshotPolicy
            ? [
                {
                  actions: ['ecs:ApplyAutoSnapshotPolicy'],
                  resources: [
                    ros.Fn.join('', [
                      'acs:ecs:',
                      this.region,
                      ':',
                      this.account,
                      ':snapshotpolicy/',
                      snapshotPolicy.policyId,
                    ]),
                    arn('ecs', 'disk/*'),
                  ],
                },
              ]
            : []),
        ],
        environment: {
          SCALING_GROUP_IDS: groups.map((g) => g.id).join(','),
          ...(tag === null ? {} : { PROTECT_TAG_KEY: tag.key, PROTECT_TAG_VALUE: tag.value }),
          ...(config.autoScaling.applySnapshotPolicy && snapshotPolicy
            ? { SNAPSHOT_POLICY_ID: snapshotPolicy.policyId }
            : {}),
        },
      });
    }
    const protectedGroups = groups.filter((g) => g.protectedInstanceIds.length > 0);
    if (protectedGroups.length > 0) {
      specs.push({
        name: 'protect-instances',
        id: 'ProtectInstances',
        description: 'Custom resource provider: protects configured instances of scaling groups from scale-in',
        rules: [],
        statements: [
          ...idempotency,
          { actions: ['ess:DescribeScalingInstances'], resources: ['*'] },
          // Every group of the region, not only the configured ones: removing a group from the configuration must
          // still unprotect its instances (the custom resource's Update or Delete runs after the config changed).
          { actions: ['ess:SetInstancesProtection'], resources: [arn('ess', 'scalinggroup/*')] },
        ],
        environment: {},
      });
    }

    // Know when something is stuck: a timer reads the message counts of every other dead-letter queue.
    if (config.deadLetterCheck.enabled) {
      const queueNames = specs.map((spec) => `${config.namePrefix}-${spec.name}-dlq`);
      const { environment: channels, statements: secretReads } = alertChannels();
      specs.push({
        name: 'dlq-check',
        id: 'DlqCheck',
        description: `Alerts when a dead-letter queue holds messages (every ${config.deadLetterCheck.intervalMinutes} minutes)`,
        rules: [],
        statements: [
          // GetQueueAttributes is authorized per queue: acs:mns:<region>:<account>:/queues/<name> (MNS RAM reference).
          { actions: ['mns:GetQueueAttributes'], resources: queueNames.map((name) => arn('mns', `/queues/${name}`)) },
          ...secretReads,
          {
            actions: ['oss:GetObject', 'oss:PutObject'],
            resources: [archive.objectsArn(`${ARCHIVE_PREFIXES.state}dlq-check/`)],
          },
          // Per-channel delivery records (under state/dlq-check/deliveries/) are listed before a retry.
          ...(Object.keys(channels).length === 0
            ? []
            : [{ actions: ['oss:ListObjects'], resources: [archive.bucketArn] }]),
        ],
        environment: { DLQ_QUEUE_NAMES: queueNames.join(','), ...channels },
        scheduleMinutes: config.deadLetterCheck.intervalMinutes,
      });
    }

    const automations = new Map<string, { handler: HandlerFunction; rules: EventRule[] }>();
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
        environment: {
          ARCHIVE_BUCKET: archive.bucketName,
          IDEMPOTENCY_WINDOW_SECONDS: String(IDEMPOTENCY_WINDOW_SECONDS),
          ...spec.environment,
        },
        memoryMb: config.functions.memoryMb,
        timeoutSeconds: config.functions.timeoutSeconds,
        asyncRetryAttempts: config.functions.asyncRetryAttempts,
        bundleBudgetKb: config.functions.bundleBudgetKb,
      });
      dependOn(handler, services);
      dependOn(deadLetterQueue, services);
      const rules = spec.rules.map(
        (rule) =>
          new EventRule(this, rule.id, {
            ruleName: `${config.namePrefix}-${rule.name}`,
            description: rule.description,
            pattern: rule.pattern,
            targets: [new FcFunctionTarget(handler), ...(rule.extraTargets ?? [])],
            // One queue per automation: undeliverable events and events the handler failed on land in the same place.
            deadLetterQueue,
          }),
      );
      if (spec.scheduleMinutes !== undefined) {
        new ScheduleTrigger(this, `${spec.id}Schedule`, { handler, intervalMinutes: spec.scheduleMinutes });
      }
      automations.set(spec.name, { handler, rules });
    }
    const provider = automations.get('protect-instances')?.handler;
    for (const group of provider ? protectedGroups : []) {
      new InstanceProtection(this, `Protection${group.id.replace(/[^a-zA-Z0-9]/g, '')}`, {
        provider: provider as HandlerFunction,
        scalingGroupId: group.id,
        instanceIds: group.protectedInstanceIds,
      });
    }
    this.automations = automations;
    guard?.protect();
  }
}
