import * as ros from '@alicloud/ros-cdk-core';
import * as fc from '@alicloud/ros-cdk-fc';
import * as ram from '@alicloud/ros-cdk-ram';
import type { HandlerFunction } from './handler-function';
import type { MnsTopic } from './mns-topic';

/** Props of {@link MnsTopicTrigger}. */
export interface MnsTopicTriggerProps {
  readonly handler: HandlerFunction;
  readonly topic: MnsTopic;
  /** Name of the role MNS assumes to invoke the function: at most 64 letters, digits, "." or "-". */
  readonly invocationRoleName: string;
  /** Trigger name, unique within the function. @default "mns-topic" */
  readonly triggerName?: string;
}

/**
 * Runs a {@link HandlerFunction} for every message of an MNS topic: an FC 2.0 MNS topic trigger
 * (`ALIYUN::FC::Trigger`, `TriggerType: mns_topic`), the message passed as JSON (`notifyContentFormat: JSON`), MNS
 * retrying a failed hand-over with `notifyStrategy: EXPONENTIAL_DECAY_RETRY` (176 retries over one day, as every EventBridge target
 * of this project). Failed executions go, like every invocation of the function, through FC's asynchronous retries
 * to the function's dead-letter queue (its `AsyncConfiguration`). The invocation role trusts `mns.aliyuncs.com` and
 * may invoke this function only.
 *
 * @see https://www.alibabacloud.com/help/en/ros/developer-reference/aliyun-fc-trigger (`mns_topic`, `InvocationRole`, `SourceArn`)
 * @see https://www.alibabacloud.com/help/doc-detail/415695.htm (MnsTopicTriggerConfig: filterTag, notifyContentFormat, notifyStrategy)
 */
export class MnsTopicTrigger extends ros.Construct {
  readonly resource: fc.RosTrigger;
  readonly invocationRole: ram.Role;

  constructor(scope: ros.Construct, id: string, props: MnsTopicTriggerProps) {
    super(scope, id);
    if (props.invocationRoleName.length > 64 || !/^[a-zA-Z0-9.-]+$/.test(props.invocationRoleName)) {
      throw new Error(
        `MnsTopicTrigger ${this.node.path}: invocationRoleName "${props.invocationRoleName}" is not valid: at most 64 letters, digits, "." or "-"`,
      );
    }
    const stack = ros.Stack.of(this);
    const fn = props.handler.function;
    this.invocationRole = new ram.Role(this, `${id}Role`, {
      roleName: props.invocationRoleName,
      description: `MNS topic ${props.topic.topicName} invokes ${props.handler.serviceName}/${props.handler.functionName} (ecs-event-ops)`,
      assumeRolePolicyDocument: {
        version: '1',
        statement: [{ action: 'sts:AssumeRole', effect: 'Allow', principal: { service: ['mns.aliyuncs.com'] } }],
      },
      policies: [
        {
          policyName: `${props.invocationRoleName}-policy`.slice(0, 128),
          policyDocument: {
            version: '1',
            statement: [
              {
                effect: 'Allow',
                action: ['fc:InvokeFunction'],
                resource: [
                  ros.Fn.join('', [
                    'acs:fc:',
                    stack.region,
                    ':',
                    stack.account,
                    ':services/',
                    props.handler.serviceName,
                    '/functions/',
                    props.handler.functionName,
                  ]),
                ],
              },
            ],
          },
        },
      ],
    });
    this.resource = new fc.RosTrigger(
      this,
      id,
      {
        serviceName: fn.attrServiceName,
        functionName: fn.attrFunctionName,
        triggerName: props.triggerName ?? 'mns-topic',
        triggerType: 'mns_topic',
        sourceArn: props.topic.arn,
        invocationRole: this.invocationRole.attrArn,
        // Keys as the FC API's MnsTopicTriggerConfig spells them (ROS passes the map through, as for the timer trigger).
        triggerConfig: { notifyContentFormat: 'JSON', notifyStrategy: 'EXPONENTIAL_DECAY_RETRY' },
      },
      true,
    );
  }
}
