import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type * as ros from '@alicloud/ros-cdk-core';
import { DeadLetterQueue } from '../../lib/constructs/dead-letter-queue';
import { FunctionLogs } from '../../lib/constructs/function-logs';
import { HandlerFunction } from '../../lib/constructs/handler-function';
import { ScheduleTrigger } from '../../lib/constructs/schedule-trigger';
import { synthStack, type Template } from '../support/synth';

function synthSchedule(intervalMinutes: number): Template {
  return synthStack((stack: ros.Stack) => {
    const handler = new HandlerFunction(stack, 'Fn', {
      handler: 'lifecycle-audit',
      serviceName: 'ops-check',
      functionName: 'check',
      roleName: 'ops-check-cn-hangzhou',
      deadLetterQueue: new DeadLetterQueue(stack, 'Dlq', { queueName: 'ops-dlq' }),
      logs: new FunctionLogs(stack, 'Logs', { namePrefix: 'ops', retentionDays: 7 }),
    });
    new ScheduleTrigger(stack, 'Schedule', { handler, intervalMinutes });
  });
}

describe('ScheduleTrigger', () => {
  test('runs the function every n minutes with an enabled timer trigger and an empty payload', () => {
    const trigger = synthSchedule(30).Resources.Schedule;
    assert.equal(trigger.Type, 'ALIYUN::FC::Trigger');
    assert.deepEqual(trigger.Properties, {
      ServiceName: { 'Fn::GetAtt': ['Fn', 'ServiceName'] },
      FunctionName: { 'Fn::GetAtt': ['Fn', 'FunctionName'] },
      TriggerName: 'schedule',
      TriggerType: 'timer',
      TriggerConfig: { cronExpression: '@every 30m', enable: true, payload: '' },
    });
  });

  test('refuses an interval that is not a whole number of minutes from 1 to 1440', () => {
    for (const minutes of [0, 1.5, 1441]) {
      assert.throws(() => synthSchedule(minutes), /intervalMinutes .* is not an integer from 1 to 1440/);
    }
  });
});
