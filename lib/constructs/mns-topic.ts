import * as ros from '@alicloud/ros-cdk-core';

/** Props of {@link MnsTopic}. */
export interface MnsTopicProps {
  /** Topic name: 1 to 256 letters, digits and hyphens, starting with a letter or digit. Not updatable. */
  readonly topicName: string;
}

const TOPIC_NAME = /^[a-zA-Z0-9][a-zA-Z0-9-]{0,255}$/;

/**
 * An MNS topic (`ALIYUN::MNS::Topic`, through `ros.RosResource`: `@alicloud/ros-cdk-mns` is not available to us),
 * with logging off and the default 64 KB message size.
 *
 * @see https://www.alibabacloud.com/help/en/ros/developer-reference/aliyun-mns-topic (`TopicName`, `LoggingEnabled`,
 *   attribute `ARN.WithSlash`)
 * @example new MnsTopic(stack, 'ScaleInHookTopic', { topicName: 'ecs-event-ops-scale-in-hook' })
 */
export class MnsTopic extends ros.Construct {
  readonly topicName: string;
  /** `acs:mns:<region>:<account>:/topics/<name>`: the form the FC MNS topic trigger takes as `SourceArn`. */
  readonly arn: string;
  /** The underlying ROS resource. */
  readonly resource: ros.RosResource;

  constructor(scope: ros.Construct, id: string, props: MnsTopicProps) {
    super(scope, id);
    if (!ros.Token.isUnresolved(props.topicName) && !TOPIC_NAME.test(props.topicName)) {
      throw new Error(
        `MnsTopic ${this.node.path}: topicName "${props.topicName}" is not valid: 1 to 256 letters, digits and hyphens, starting with a letter or digit`,
      );
    }
    this.resource = new ros.RosResource(this, id, {
      type: 'ALIYUN::MNS::Topic',
      properties: { TopicName: props.topicName, LoggingEnabled: false },
    });
    this.topicName = props.topicName;
    this.arn = ros.Token.asString(this.resource.getAtt('ARN.WithSlash'));
  }
}
