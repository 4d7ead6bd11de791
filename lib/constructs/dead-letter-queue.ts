import * as ros from '@alicloud/ros-cdk-core';
import { DLQ_RETENTION_SECONDS } from '../../contract/retention';

/** Seven days, in seconds: the retention every dead-letter queue of this project gets (from the contract). */
export { DLQ_RETENTION_SECONDS };

/**
 * Typed properties of `ALIYUN::MNS::Queue`, the subset this project uses.
 * `@alicloud/ros-cdk-mns` is not available to us, so the resource is declared through `ros.RosResource`.
 *
 * @see https://www.alibabacloud.com/help/en/ros/developer-reference/aliyun-mns-queue
 */
interface MnsQueueProperties {
  /** 1 to 120 characters: letters, digits and hyphens, starting with a letter. */
  readonly QueueName: string;
  /** 60 to 1296000 seconds. */
  readonly MessageRetentionPeriod: number;
  /** 1 to 43200 seconds. */
  readonly VisibilityTimeout: number;
  readonly LoggingEnabled: boolean;
}

/** Props of {@link DeadLetterQueue}. */
export interface DeadLetterQueueProps {
  /** Queue name: 1 to 120 characters, letters, digits and hyphens, starting with a letter. Not updatable. */
  readonly queueName: string;
  /**
   * How long a message stays visible to nobody else after a consumer received it (redrive tools), seconds.
   * @default 60
   */
  readonly visibilityTimeoutSeconds?: number;
}

const QUEUE_NAME = /^[a-zA-Z][a-zA-Z0-9-]{0,119}$/;

/**
 * An MNS queue that keeps, for 7 days, the events a rule target or a function could not process.
 *
 * Exposes the two ARN forms the platform expects: {@link arn} (`acs:mns:<region>:<account>:/queues/<name>`, the
 * EventBridge `DeadLetterQueue.Arn` form, from the `ARN.WithSlash` attribute) and {@link fcDestinationArn} (the
 * FC 2.0 asynchronous-invocation destination form, `…:/queues/<name>/messages`).
 *
 * @see https://www.alibabacloud.com/help/en/eventbridge/user-guide/event-target-parameters (DLQ ARN)
 * @example new DeadLetterQueue(stack, 'AutoRestartDlq', { queueName: 'ecs-event-ops-auto-restart-dlq' })
 */
export class DeadLetterQueue extends ros.Construct {
  /** The queue name. */
  readonly queueName: string;
  /** `acs:mns:<region>:<account>:/queues/<name>`: the ARN EventBridge takes for a dead-letter queue. */
  readonly arn: string;
  /** `acs:mns:<region>:<account>:/queues/<name>/messages`: the ARN FC takes as an async failure destination. */
  readonly fcDestinationArn: string;
  /** The underlying ROS resource, for escape hatches. */
  readonly resource: ros.RosResource;

  constructor(scope: ros.Construct, id: string, props: DeadLetterQueueProps) {
    super(scope, id);
    if (!ros.Token.isUnresolved(props.queueName) && !QUEUE_NAME.test(props.queueName)) {
      throw new Error(
        `DeadLetterQueue ${this.node.path}: queueName "${props.queueName}" is not valid: 1 to 120 letters, digits and hyphens, starting with a letter`,
      );
    }
    const visibility = props.visibilityTimeoutSeconds ?? 60;
    if (!Number.isInteger(visibility) || visibility < 1 || visibility > 43200) {
      throw new Error(
        `DeadLetterQueue ${this.node.path}: visibilityTimeoutSeconds ${visibility} is not an integer from 1 to 43200`,
      );
    }
    const properties: MnsQueueProperties = {
      QueueName: props.queueName,
      MessageRetentionPeriod: DLQ_RETENTION_SECONDS,
      VisibilityTimeout: visibility,
      LoggingEnabled: false,
    };
    this.resource = new ros.RosResource(this, id, { type: 'ALIYUN::MNS::Queue', properties: { ...properties } });
    this.queueName = props.queueName;
    this.arn = ros.Token.asString(this.resource.getAtt('ARN.WithSlash'));
    this.fcDestinationArn = ros.Fn.join('', [this.arn, '/messages']);
  }
}
