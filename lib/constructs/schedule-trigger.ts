import * as ros from '@alicloud/ros-cdk-core';
import * as fc from '@alicloud/ros-cdk-fc';
import type { HandlerFunction } from './handler-function';

/** Props of {@link ScheduleTrigger}. */
export interface ScheduleTriggerProps {
  /** The function to run. */
  readonly handler: HandlerFunction;
  /** Minutes between two runs: an integer from 1 to 1440. */
  readonly intervalMinutes: number;
  /** Trigger name, unique within the function. @default "schedule" */
  readonly triggerName?: string;
}

/**
 * Runs a {@link HandlerFunction} every `intervalMinutes` with a Function Compute 2.0 timer trigger
 * (`ALIYUN::FC::Trigger`, `TriggerType: timer`, `CronExpression: "@every <n>m"`, enabled, empty payload). The function
 * receives the timer event `{ "triggerTime", "triggerName", "payload" }`.
 *
 * @see https://www.alibabacloud.com/help/en/ros/developer-reference/aliyun-fc-trigger
 * @see https://www.alibabacloud.com/help/en/functioncompute/fc-2-0/user-guide/timer-trigger-overview
 * @example new ScheduleTrigger(stack, 'DlqCheckSchedule', { handler, intervalMinutes: 15 })
 */
export class ScheduleTrigger extends ros.Construct {
  /** The trigger resource. */
  readonly resource: fc.RosTrigger;

  constructor(scope: ros.Construct, id: string, props: ScheduleTriggerProps) {
    super(scope, id);
    const minutes = props.intervalMinutes;
    if (!Number.isInteger(minutes) || minutes < 1 || minutes > 1440) {
      throw new Error(`ScheduleTrigger ${this.node.path}: intervalMinutes ${minutes} is not an integer from 1 to 1440`);
    }
    this.resource = new fc.RosTrigger(
      this,
      id,
      {
        serviceName: props.handler.function.attrServiceName,
        functionName: props.handler.function.attrFunctionName,
        triggerName: props.triggerName ?? 'schedule',
        triggerType: 'timer',
        triggerConfig: { cronExpression: `@every ${minutes}m`, enable: true, payload: '' },
      },
      true,
    );
  }
}
