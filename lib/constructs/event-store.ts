import * as ros from '@alicloud/ros-cdk-core';
import * as ram from '@alicloud/ros-cdk-ram';
import * as sls from '@alicloud/ros-cdk-sls';
import { ECS_SOURCE, ESS_SOURCE } from '../../contract/events';
import { EVENT_CONTENT_FIELD, EVENTS_LOGSTORE } from '../../contract/observability';
import { inRange, RANGES } from '../config/ranges';
import { EVENT_KEYS } from '../observability/fields';
import { dependOn } from '../private/depend-on';
import { DeadLetterQueue } from './dead-letter-queue';
import { EventRule } from './event-rule';
import type { FunctionLogs } from './function-logs';
import { SlsLogstoreTarget } from './sls-logstore-target';

/** Props of {@link EventStore}. */
export interface EventStoreProps {
  /** The function logs: the event store is a logstore of their SLS project. */
  readonly logs: FunctionLogs;
  /** Name of the rule that feeds it (1 to 127 letters, digits and hyphens). */
  readonly ruleName: string;
  /** Name of the rule's dead-letter queue. */
  readonly deadLetterQueueName: string;
  /** Name of the RAM role EventBridge assumes to write to the logstore (RAM names are account-wide: add the region). */
  readonly roleName: string;
  /** Days events are kept: 1 to 3600 (the SLS logstore TTL limit). @default 30 */
  readonly retentionDays?: number;
}

/**
 * The event store: an `events` logstore fed by an EventBridge rule that takes every `acs.ecs` and `acs.ess` event to
 * SLS, with a dead-letter queue and retries like every rule, and a field index on the event's source, type, subject,
 * instance id, region, status and id (JSON keys of `content`, analytics on). The OSS archive stays the cold,
 * long-term copy.
 *
 * The role: the SLS target needs a `RoleName`, and EventBridge has no service-linked role for an SLS target (its
 * SLRs cover FC, MNS, SMS, DirectMail, RocketMQ, RabbitMQ, Kafka, RDS, SAE). UNCONFIRMED: the role's exact trust and
 * permissions; we create a role trusted by `eventbridge.aliyuncs.com` allowed `log:PostLogStoreLogs` on this
 * logstore only. If EventBridge turns out to need more, widen the statement here.
 *
 * @see https://www.alibabacloud.com/help/en/eventbridge/user-guide/event-target-parameters (SLS target, RoleName)
 * @see https://help.aliyun.com/document_detail/181425.htm (EventBridge service-linked roles)
 * @see https://www.alibabacloud.com/help/en/ros/developer-reference/aliyun-sls-index
 */
export class EventStore extends ros.Construct {
  readonly logstoreName = EVENTS_LOGSTORE;
  readonly retentionDays: number;
  readonly rule: EventRule;
  readonly role: ram.Role;

  constructor(scope: ros.Construct, id: string, props: EventStoreProps) {
    super(scope, id);
    const retentionDays = props.retentionDays ?? 30;
    const range = RANGES['eventStore.retentionDays'];
    if (!inRange(retentionDays, range)) {
      throw new Error(
        `EventStore ${this.node.path}: retentionDays ${retentionDays} is not an integer from ${range.min} to ${range.max}`,
      );
    }
    this.retentionDays = retentionDays;
    const stack = ros.Stack.of(this);
    const { projectName } = props.logs;
    const logstore = new sls.Logstore(this, `${id}Logstore`, {
      projectName,
      logstoreName: EVENTS_LOGSTORE,
      ttl: retentionDays,
    });
    const index = new sls.Index(this, `${id}Index`, {
      projectName,
      logstoreName: logstore.attrLogstoreName,
      fullTextIndex: { enable: true },
      keyIndices: [
        {
          name: EVENT_CONTENT_FIELD,
          type: 'json',
          jsonKeyIndices: EVENT_KEYS.map((k) => ({ name: k.name, type: k.type, enableAnalytics: true })),
        },
      ],
    });
    const logstoreArn = ros.Fn.join('', [
      'acs:log:',
      stack.region,
      ':',
      stack.account,
      ':project/',
      projectName,
      `/logstore/${EVENTS_LOGSTORE}`,
    ]);
    this.role = new ram.Role(this, `${id}Role`, {
      roleName: props.roleName,
      description: 'Lets EventBridge write ECS and Auto Scaling events to the events logstore (ecs-event-ops)',
      assumeRolePolicyDocument: {
        version: '1',
        statement: [
          { action: 'sts:AssumeRole', effect: 'Allow', principal: { service: ['eventbridge.aliyuncs.com'] } },
        ],
      },
      policies: [
        {
          policyName: `${props.roleName}-policy`.slice(0, 128),
          policyDocument: {
            version: '1',
            statement: [{ effect: 'Allow', action: ['log:PostLogStoreLogs'], resource: [logstoreArn] }],
          },
        },
      ],
    });
    this.rule = new EventRule(this, `${id}Rule`, {
      ruleName: props.ruleName,
      description: 'Every ECS and Auto Scaling event, into the events logstore',
      pattern: { source: [ECS_SOURCE, ESS_SOURCE] },
      targets: [
        new SlsLogstoreTarget(this, {
          projectName,
          logstoreName: EVENTS_LOGSTORE,
          roleName: props.roleName,
        }),
      ],
      deadLetterQueue: new DeadLetterQueue(this, `${id}DeadLetterQueue`, { queueName: props.deadLetterQueueName }),
    });
    // The role name is a plain string in the target, so the order is explicit: index and role before the rule.
    dependOn(this.rule.resource, [index, this.role]);
  }
}
