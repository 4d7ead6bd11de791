import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type * as ros from '@alicloud/ros-cdk-core';
import { ApiDestinationTarget } from '../../lib/constructs/api-destination-target';
import { DeadLetterQueue } from '../../lib/constructs/dead-letter-queue';
import { EventRule } from '../../lib/constructs/event-rule';
import { FunctionLogs } from '../../lib/constructs/function-logs';
import { HandlerFunction } from '../../lib/constructs/handler-function';
import { InstanceProtection } from '../../lib/constructs/instance-protection';
import { SecretParameter } from '../../lib/constructs/secret-parameter';
import { SnapshotPolicy } from '../../lib/constructs/snapshot-policy';
import { snapshotCompleted } from '../../lib/events/ecs-patterns';
import { synthStack, type Template } from '../support/synth';

type WithParameters = Template & { Parameters?: Record<string, Record<string, unknown>> };

function provider(stack: ros.Stack): HandlerFunction {
  return new HandlerFunction(stack, 'Provider', {
    handler: 'lifecycle-audit',
    serviceName: 'svc',
    functionName: 'protect',
    roleName: 'role',
    deadLetterQueue: new DeadLetterQueue(stack, 'Dlq', { queueName: 'dlq' }),
    logs: new FunctionLogs(stack, 'Logs'),
  });
}

describe('SecretParameter', () => {
  test('is a NoEcho string parameter without a default', () => {
    const template = synthStack((stack) => {
      new SecretParameter(stack, 'DingTalkSecret', { description: 'robot secret' });
    }) as WithParameters;
    assert.deepEqual(template.Parameters?.DingTalkSecret, {
      Type: 'String',
      Description: 'robot secret',
      NoEcho: true,
      MinLength: 1,
    });
  });
});

describe('InstanceProtection', () => {
  test('declares a custom resource backed by the provider function, with the sorted instance list', () => {
    const template = synthStack((stack) => {
      new InstanceProtection(stack, 'Protect', {
        provider: provider(stack),
        scalingGroupId: 'asg-bp1abcdefghij0123',
        instanceIds: ['i-bp1bbbbbbbbbbbbbbbbb', 'i-bp1aaaaaaaaaaaaaaaaa'],
      });
    });
    const resource = template.Resources.Protect as unknown as {
      Type: string;
      Properties: Record<string, unknown>;
      DependsOn: string[];
    };
    assert.equal(resource.Type, 'ALIYUN::ROS::CustomResource');
    assert.deepEqual(resource.Properties.ServiceToken, { 'Fn::GetAtt': ['Provider', 'ARN'] });
    assert.equal(resource.Properties.Timeout, 300);
    assert.deepEqual(resource.Properties.Parameters, {
      ScalingGroupId: 'asg-bp1abcdefghij0123',
      InstanceIds: ['i-bp1aaaaaaaaaaaaaaaaa', 'i-bp1bbbbbbbbbbbbbbbbb'],
      RegionId: 'cn-hangzhou',
    });
    assert.ok(resource.DependsOn.includes('Provider'));
  });

  test('refuses malformed ids and an empty list, naming each', () => {
    assert.throws(
      () =>
        synthStack((stack) => {
          new InstanceProtection(stack, 'Protect', {
            provider: provider(stack),
            scalingGroupId: 'sg-123',
            instanceIds: ['i-x'],
          });
        }),
      /scalingGroupId "sg-123": expected a scaling group id like asg-.*; instance "i-x": expected an instance id like i-/,
    );
    assert.throws(
      () =>
        synthStack(
          (stack) =>
            new InstanceProtection(stack, 'Protect', {
              provider: provider(stack),
              scalingGroupId: 'asg-bp1abcdefghij0123',
              instanceIds: [],
            }),
        ),
      /0 instances given; give 1 to 1000/,
    );
  });
});

describe('SnapshotPolicy', () => {
  test('declares the policy with sorted hours and weekdays, applied to the given disks', () => {
    const template = synthStack((stack) => {
      new SnapshotPolicy(stack, 'Policy', {
        name: 'ops-disks',
        timePoints: [14, 2],
        repeatWeekdays: [7, 1],
        retentionDays: 30,
        diskIds: ['d-bp1abcdefghij0123456'],
      });
    });
    assert.deepEqual(template.Resources.Policy, {
      Type: 'ALIYUN::ECS::AutoSnapshotPolicy',
      Properties: {
        AutoSnapshotPolicyName: 'ops-disks',
        TimePoints: [2, 14],
        RepeatWeekdays: [1, 7],
        RetentionDays: 30,
        DiskIds: ['d-bp1abcdefghij0123456'],
      },
    });
  });

  test('refuses out-of-range hours, weekdays and retention, and malformed disk ids', () => {
    assert.throws(
      () =>
        synthStack(
          (stack) =>
            new SnapshotPolicy(stack, 'Policy', {
              name: 'p1',
              timePoints: [24],
              repeatWeekdays: [0],
              retentionDays: 0,
              diskIds: ['vol-1'],
            }),
        ),
      /timePoints \[24\] must be distinct integers from 0 to 23.*repeatWeekdays \[0\].*retentionDays 0 must be -1 or.*disk "vol-1": expected a disk id/,
    );
  });
});

describe('ApiDestinationTarget', () => {
  test('sends failed-snapshot events to an API destination whose connection carries the bearer token', () => {
    const template = synthStack((stack) => {
      const token = new SecretParameter(stack, 'MonitoringToken', { description: 't' }).value;
      const target = new ApiDestinationTarget(stack, 'Monitoring', {
        name: 'ops-monitoring',
        endpoint: 'https://monitor.example.com/hooks/ecs',
        bearerToken: token,
      });
      new EventRule(stack, 'Rule', {
        ruleName: 'ops-snapshot-failed',
        pattern: snapshotCompleted('failed'),
        targets: [target],
      });
    });
    const connection = template.Resources.MonitoringConnection.Properties;
    assert.deepEqual(connection.AuthParameters, {
      AuthorizationType: 'API_KEY_AUTH',
      ApiKeyAuthParameters: {
        ApiKeyName: 'Authorization',
        ApiKeyValue: { 'Fn::Join': ['', ['Bearer ', { Ref: 'MonitoringToken' }]] },
      },
    });
    assert.deepEqual(template.Resources.MonitoringDestination.Properties.HttpApiParameters, {
      Endpoint: 'https://monitor.example.com/hooks/ecs',
      Method: 'POST',
    });
    const [target] = template.Resources.Rule.Properties.Targets as Record<string, unknown>[];
    assert.equal(target.Type, 'acs.api.destination');
    assert.equal(target.PushRetryStrategy, 'EXPONENTIAL_DECAY_RETRY');
    assert.ok(target.DeadLetterQueue);
    assert.doesNotMatch(JSON.stringify(template), /Bearer [A-Za-z0-9]{8,}/);
  });

  test('refuses an endpoint that is not https or too long for ROS', () => {
    assert.throws(
      () =>
        synthStack(
          (stack) =>
            new ApiDestinationTarget(stack, 'M', { name: 'ops-m', endpoint: 'http://x.example.com', bearerToken: 't' }),
        ),
      /endpoint "http:\/\/x\.example\.com" must be an https:\/\/ URL of at most 127 characters/,
    );
  });
});
