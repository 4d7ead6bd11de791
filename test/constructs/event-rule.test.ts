import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DeadLetterQueue } from '../../lib/constructs/dead-letter-queue';
import { EventRule, type IRuleTarget, RetryStrategy } from '../../lib/constructs/event-rule';
import { FcFunctionTarget } from '../../lib/constructs/fc-function-target';
import { FunctionLogs } from '../../lib/constructs/function-logs';
import { HandlerFunction } from '../../lib/constructs/handler-function';
import { instanceStateChange } from '../../lib/events/ecs-patterns';
import { synthStack } from '../support/synth';

const httpTarget: IRuleTarget = {
  bind: () => ({
    type: 'https',
    endpoint: 'https://example.com/hook',
    paramList: [{ resourceKey: 'url', form: 'CONSTANT', value: 'https://example.com/hook' }],
  }),
};

type Target = Record<string, unknown>;

describe('EventRule', () => {
  test('gives every target exponential retries, a dead-letter queue and fault tolerance by default', () => {
    const template = synthStack((stack) => {
      new EventRule(stack, 'Rule', {
        ruleName: 'ops-rule',
        pattern: instanceStateChange(['Stopped']),
        targets: [httpTarget, httpTarget],
      });
    });
    const rule = template.Resources.Rule.Properties;
    assert.equal(template.Resources.RuleDeadLetterQueue.Properties.QueueName, 'ops-rule-dlq');
    assert.equal(rule.EventBusName, 'default');
    assert.equal(rule.Status, 'ENABLE');
    assert.deepEqual(rule.FilterPattern, {
      source: ['acs.ecs'],
      type: ['ecs:Instance:StateChange'],
      data: { state: ['Stopped'] },
    });
    const targets = rule.Targets as Target[];
    assert.deepEqual(
      targets.map((t) => t.Id),
      ['target-1', 'target-2'],
    );
    for (const target of targets) {
      assert.equal(target.PushRetryStrategy, 'EXPONENTIAL_DECAY_RETRY');
      assert.equal(target.ErrorsTolerance, 'ALL');
      assert.deepEqual(target.DeadLetterQueue, { Arn: { 'Fn::GetAtt': ['RuleDeadLetterQueue', 'ARN.WithSlash'] } });
    }
  });

  test('uses a given dead-letter queue and retry strategy', () => {
    const template = synthStack((stack) => {
      const deadLetterQueue = new DeadLetterQueue(stack, 'Shared', { queueName: 'shared' });
      new EventRule(stack, 'Rule', {
        ruleName: 'ops-rule',
        pattern: instanceStateChange(),
        targets: [httpTarget],
        deadLetterQueue,
        retryStrategy: RetryStrategy.BACKOFF,
        enabled: false,
      });
    });
    const [target] = template.Resources.Rule.Properties.Targets as Target[];
    assert.deepEqual(target.DeadLetterQueue, { Arn: { 'Fn::GetAtt': ['Shared', 'ARN.WithSlash'] } });
    assert.equal(target.PushRetryStrategy, 'BACKOFF_RETRY');
    assert.equal(template.Resources.Rule.Properties.Status, 'DISABLE');
    assert.equal(template.Resources.RuleDeadLetterQueue, undefined);
  });

  test('fails synth when an escape hatch leaves a target without a dead-letter queue', () => {
    assert.throws(
      () =>
        synthStack((stack) => {
          const rule = new EventRule(stack, 'Rule', {
            ruleName: 'ops-rule',
            pattern: instanceStateChange(),
            targets: [httpTarget],
          });
          rule.resource.targets = [{ identity: 'raw', type: 'https', endpoint: 'https://example.com', paramList: [] }];
        }),
      /target raw has no dead-letter queue; every target needs one[\s\S]*target raw has no retry strategy/,
    );
  });

  test('refuses an invalid rule name and a wrong number of targets', () => {
    assert.throws(
      () =>
        synthStack(
          (stack) =>
            new EventRule(stack, 'Rule', {
              ruleName: 'bad name',
              pattern: instanceStateChange(),
              targets: [httpTarget],
            }),
        ),
      /ruleName "bad name" is not valid/,
    );
    assert.throws(
      () =>
        synthStack(
          (stack) => new EventRule(stack, 'Rule', { ruleName: 'r', pattern: instanceStateChange(), targets: [] }),
        ),
      /0 targets given; a rule takes 1 to 5/,
    );
  });

  test('invokes an FC function asynchronously with the whole event as the body', () => {
    const template = synthStack((stack) => {
      const deadLetterQueue = new DeadLetterQueue(stack, 'Dlq', { queueName: 'dlq' });
      const handler = new HandlerFunction(stack, 'Fn', {
        handler: 'lifecycle-audit',
        serviceName: 'svc',
        functionName: 'fn',
        roleName: 'role',
        deadLetterQueue,
        logs: new FunctionLogs(stack, 'Logs'),
      });
      new EventRule(stack, 'Rule', {
        ruleName: 'r',
        pattern: instanceStateChange(),
        targets: [new FcFunctionTarget(handler)],
        deadLetterQueue,
      });
    });
    const [target] = template.Resources.Rule.Properties.Targets as Target[];
    assert.equal(target.Type, 'acs.fc.function');
    assert.deepEqual(target.Endpoint, {
      'Fn::Join': ['', ['acs:fc:cn-hangzhou:', { Ref: 'ALIYUN::AccountId' }, ':services/svc.LATEST/functions/fn']],
    });
    assert.deepEqual(target.ParamList, [
      { ResourceKey: 'serviceName', Form: 'CONSTANT', Value: 'svc' },
      { ResourceKey: 'functionName', Form: 'CONSTANT', Value: 'fn' },
      { ResourceKey: 'Qualifier', Form: 'CONSTANT', Value: 'LATEST' },
      { ResourceKey: 'InvocationType', Form: 'CONSTANT', Value: 'Async' },
      { ResourceKey: 'DataFormat', Form: 'CONSTANT', Value: 'Object' },
      { ResourceKey: 'Body', Form: 'ORIGINAL', Value: '' },
    ]);
  });
});
