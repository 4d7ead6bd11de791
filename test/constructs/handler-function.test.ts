import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type * as ros from '@alicloud/ros-cdk-core';
import { DeadLetterQueue } from '../../lib/constructs/dead-letter-queue';
import { FunctionLogs } from '../../lib/constructs/function-logs';
import {
  HandlerFunction,
  type HandlerFunctionProps,
  type PolicyConditions,
} from '../../lib/constructs/handler-function';
import { synthStack, type Template } from '../support/synth';

function synthHandler(overrides: Partial<HandlerFunctionProps> = {}): Template {
  return synthStack((stack: ros.Stack) => {
    const deadLetterQueue = new DeadLetterQueue(stack, 'Dlq', { queueName: 'ops-dlq' });
    new HandlerFunction(stack, 'Fn', {
      handler: 'lifecycle-audit',
      serviceName: 'ops-lifecycle-audit',
      functionName: 'lifecycle-audit',
      roleName: 'ops-lifecycle-audit-cn-hangzhou',
      deadLetterQueue,
      logs: new FunctionLogs(stack, 'Logs', { namePrefix: 'ops', retentionDays: 7 }),
      statements: [{ actions: ['ecs:StartInstance'], resources: ['acs:ecs:cn-hangzhou:1:instance/*'] }],
      environment: { A: 'b' },
      ...overrides,
    });
  });
}

describe('HandlerFunction', () => {
  test('deploys a nodejs20 function with the documented defaults', () => {
    const fn = synthHandler().Resources.Fn;
    assert.equal(fn.Type, 'ALIYUN::FC::Function');
    assert.equal(fn.Properties.Runtime, 'nodejs20');
    assert.equal(fn.Properties.Handler, 'index.handler');
    assert.equal(fn.Properties.MemorySize, 256);
    assert.equal(fn.Properties.Timeout, 60);
    assert.deepEqual(fn.Properties.EnvironmentVariables, { A: 'b' });
  });

  test('routes asynchronous invocations that keep failing to the dead-letter queue', () => {
    const fn = synthHandler({ asyncRetryAttempts: 1 }).Resources.Fn;
    assert.deepEqual(fn.Properties.AsyncConfiguration, {
      MaxAsyncRetryAttempts: 1,
      MaxAsyncEventAgeInSeconds: 86400,
      Destination: { OnFailure: { 'Fn::Join': ['', [{ 'Fn::GetAtt': ['Dlq', 'ARN.WithSlash'] }, '/messages']] } },
    });
  });

  test('takes its code from a content-addressed object in the qualified code bucket of its region', () => {
    const code = synthHandler().Resources.Fn.Properties.Code as { OssBucketName: string; OssObjectName: string };
    assert.equal(code.OssBucketName, 'cdk-test-assets-cn-hangzhou');
    assert.match(code.OssObjectName, /^ecs-event-ops\/lifecycle-audit\/[0-9a-f]{64}\.zip$/);
  });

  test('runs in its own service with a role only FC can assume, holding exactly the granted statements', () => {
    const template = synthHandler();
    assert.deepEqual(template.Resources.FnService.Properties.Role, { 'Fn::GetAtt': ['FnRole', 'Arn'] });
    const role = template.Resources.FnRole.Properties as {
      RoleName: string;
      AssumeRolePolicyDocument: unknown;
      Policies: { PolicyDocument: { Statement: { Action: string[]; Resource: unknown[]; Effect: string }[] } }[];
    };
    assert.equal(role.RoleName, 'ops-lifecycle-audit-cn-hangzhou');
    assert.deepEqual(role.AssumeRolePolicyDocument, {
      Version: '1',
      Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: ['fc.aliyuncs.com'] } }],
    });
    const statements = role.Policies[0].PolicyDocument.Statement;
    assert.deepEqual(
      statements.map((s) => s.Action),
      [['ecs:StartInstance'], ['mns:SendMessage'], ['log:PostLogStoreLogs']],
    );
  });

  test('logs to the SLS logstore, kept the configured days and searchable by full text', () => {
    const template = synthHandler();
    assert.deepEqual(template.Resources.FnService.Properties.LogConfig, {
      Project: { 'Fn::GetAtt': ['LogsProject', 'Name'] },
      Logstore: 'functions',
      EnableRequestMetrics: true,
    });
    assert.equal(template.Resources.LogsLogstore.Properties.TTL, 7);
    // FC checks the log configuration when the service is created.
    assert.deepEqual((template.Resources.FnService as unknown as { DependsOn: string[] }).DependsOn, [
      'LogsProject',
      'LogsLogstore',
      'LogsIndex',
    ]);
    assert.deepEqual(template.Resources.LogsIndex.Properties.FullTextIndex, { Enable: true });
    assert.deepEqual(template.Resources.LogsProject.Properties.Name, {
      'Fn::Join': ['-', ['ops-logs', { Ref: 'ALIYUN::AccountId' }, 'cn-hangzhou']],
    });
  });

  test('refuses wildcard actions', () => {
    assert.throws(
      () => synthHandler({ statements: [{ actions: ['*'], resources: ['*'] }] }),
      /action "\*" is not allowed/,
    );
    assert.throws(
      () => synthHandler({ statements: [{ actions: ['ecs:*'], resources: ['*'] }] }),
      /action "ecs:\*" is not allowed/,
    );
  });

  test('renders the conditions of a statement into its RAM Condition, values as lists', () => {
    const template = synthHandler({
      statements: [
        {
          actions: ['ecs:StartInstance'],
          resources: ['acs:ecs:cn-hangzhou:1:instance/*'],
          conditions: {
            StringEquals: { 'acs:ResourceTag/auto-restart': 'true' },
            StringLike: { 'oss:Prefix': ['a/*'] },
          },
        },
      ],
    });
    const role = template.Resources.FnRole.Properties as {
      Policies: { PolicyDocument: { Statement: { Action: string[]; Condition?: unknown }[] } }[];
    };
    const [start, ...others] = role.Policies[0].PolicyDocument.Statement;
    assert.deepEqual(start.Condition, {
      StringEquals: { 'acs:ResourceTag/auto-restart': ['true'] },
      StringLike: { 'oss:Prefix': ['a/*'] },
    });
    assert.deepEqual(
      others.map((s) => s.Condition),
      [undefined, undefined],
    );
  });

  test('refuses a condition with another operator, a malformed key or an empty value, naming it', () => {
    const statement = (conditions: unknown) => ({
      statements: [
        {
          actions: ['ecs:StartInstance'],
          resources: ['acs:ecs:cn-hangzhou:1:instance/*'],
          conditions: conditions as PolicyConditions,
        },
      ],
    });
    assert.throws(
      () => synthHandler(statement({ StringNotEquals: { 'acs:ResourceTag/a': 'b' } })),
      /statement ecs:StartInstance: condition operator "StringNotEquals" is not allowed: use StringEquals or StringLike/,
    );
    assert.throws(
      () => synthHandler(statement({ StringEquals: { ResourceTag: 'b' } })),
      /condition key "ResourceTag" is not valid: "acs:<Key>" or "<service>:<Key>"/,
    );
    assert.throws(
      () => synthHandler(statement({ StringEquals: { 'acs:ResourceTag/a': '' } })),
      /condition StringEquals "acs:ResourceTag\/a": "" is not valid: a non-empty string or a non-empty list of them/,
    );
    assert.throws(
      () => synthHandler(statement({ StringEquals: { 'acs:ResourceTag/a': [] } })),
      /"acs:ResourceTag\/a": \[\] is not valid/,
    );
    assert.throws(() => synthHandler(statement({})), /conditions \{\} is empty/);
  });

  test('refuses out-of-range memory, timeout and retries', () => {
    assert.throws(() => synthHandler({ memoryMb: 100 }), /memoryMb 100 is not valid: 128 to 3072, a multiple of 64/);
    assert.throws(() => synthHandler({ timeoutSeconds: 3 }), /timeoutSeconds 3 is not valid/);
    assert.throws(() => synthHandler({ asyncRetryAttempts: 9 }), /asyncRetryAttempts 9 is not valid/);
    assert.throws(() => synthHandler({ roleName: 'x'.repeat(65) }), /roleName "x+" is not valid: at most 64/);
  });

  test('fails synth when the bundle is over its budget', () => {
    assert.throws(
      () => synthHandler({ bundleBudgetKb: 1 }),
      /the bundle of lambda-src\/lifecycle-audit\.ts is [\d.]+ KB, over its budget of 1 KB/,
    );
  });
});
