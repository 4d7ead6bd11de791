import * as ros from '@alicloud/ros-cdk-core';
import { LIFECYCLE_TRANSITIONS, type LifecycleTransition } from '../../contract/env/scale-in-hook';
import { inRange, RANGES } from '../config/ranges';
import type { MnsTopic } from './mns-topic';

/**
 * Typed properties of `ALIYUN::ESS::LifecycleHook`, the subset this project uses. `@alicloud/ros-cdk-ess` is not
 * available to us, so the resource is declared through `ros.RosResource`.
 * @see https://help.aliyun.com/zh/ros/developer-reference/aliyun-ess-lifecyclehook
 */
interface LifecycleHookProperties {
  readonly ScalingGroupId: string;
  readonly LifecycleTransition: LifecycleTransition;
  readonly DefaultResult: 'CONTINUE' | 'ABANDON';
  /** 30 to 21600 seconds. */
  readonly HeartbeatTimeout: number;
  /** 2 to 40 characters (ROS doc; the ESS API allows 64). */
  readonly LifecycleHookName: string;
  /** `acs:ess:<region>:<account>:topic/<name>` (the ROS form; the ESS API's own form is `acs:mns:…`). */
  readonly NotificationArn: string;
}

/** Props of {@link ScaleInLifecycleHook}. */
export interface ScaleInLifecycleHookProps {
  /** An existing scaling group (`asg-…`). */
  readonly scalingGroupId: string;
  /** The topic ESS notifies when an instance enters `Removing:Wait`. */
  readonly topic: MnsTopic;
  /** 2 to 40 letters, digits, "_", "-" or ".", starting with a letter or digit. */
  readonly hookName: string;
  /** Seconds the instance waits without a heartbeat. @default 600 */
  readonly heartbeatTimeoutSeconds?: number;
  /** What ESS does when the wait times out. @default 'CONTINUE' */
  readonly defaultResult?: 'CONTINUE' | 'ABANDON';
}

const HOOK_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{1,39}$/;

/**
 * A scale-in lifecycle hook on an existing scaling group, notifying an MNS topic (`ALIYUN::ESS::LifecycleHook`,
 * `LifecycleTransition: SCALE_IN`). ROS documents only OOS templates and MNS queues or topics as its
 * `NotificationArn` (EventBridge is not listed for ROS), under the `acs:ess:` prefix.
 * @see https://help.aliyun.com/zh/ros/developer-reference/aliyun-ess-lifecyclehook
 */
export class ScaleInLifecycleHook extends ros.Construct {
  /** The underlying ROS resource. */
  readonly resource: ros.RosResource;
  /** `LifecycleHookId`. */
  readonly hookId: string;

  constructor(scope: ros.Construct, id: string, props: ScaleInLifecycleHookProps) {
    super(scope, id);
    const heartbeat = props.heartbeatTimeoutSeconds ?? 600;
    const range = RANGES['autoScaling.scaleInHook.heartbeatTimeoutSeconds'];
    if (!inRange(heartbeat, range)) {
      throw new Error(
        `ScaleInLifecycleHook ${this.node.path}: heartbeatTimeoutSeconds ${heartbeat} is not an integer from ${range.min} to ${range.max}`,
      );
    }
    if (!HOOK_NAME.test(props.hookName)) {
      throw new Error(
        `ScaleInLifecycleHook ${this.node.path}: hookName "${props.hookName}" is not valid: 2 to 40 letters, digits, "_", "-" or ".", starting with a letter or digit`,
      );
    }
    const stack = ros.Stack.of(this);
    const properties: LifecycleHookProperties = {
      ScalingGroupId: props.scalingGroupId,
      LifecycleTransition: LIFECYCLE_TRANSITIONS.scaleIn,
      DefaultResult: props.defaultResult ?? 'CONTINUE',
      HeartbeatTimeout: heartbeat,
      LifecycleHookName: props.hookName,
      NotificationArn: ros.Fn.join('', [
        'acs:ess:',
        stack.region,
        ':',
        stack.account,
        ':topic/',
        props.topic.topicName,
      ]),
    };
    this.resource = new ros.RosResource(this, id, {
      type: 'ALIYUN::ESS::LifecycleHook',
      properties: { ...properties },
    });
    this.resource.addDependsOn(props.topic.resource);
    this.hookId = ros.Token.asString(this.resource.getAtt('LifecycleHookId'));
  }
}
