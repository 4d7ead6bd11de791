import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import type * as ros from '@alicloud/ros-cdk-core';
import { BUILT_IN_UNITS } from '../../lib/automations';
import { loadConfig } from '../../lib/config';
import { checkStacks, formatPolicyReport, POLICY_RULES, type PolicyRule, type RosTemplate } from '../../lib/policy';
import { checkAssembly } from '../../lib/policy/check-assembly';
import { parameterReferences } from '../../lib/policy/rules/no-secret-in-function-environment';
import { RegionStack } from '../../lib/stacks/region-stack';
import { EVERY_FEATURE, testApp } from '../support/synth';

/** The findings of `rule` on `template` (code objects: `big.zip` is 400 KB, `small.zip` 10 KB). */
function findings(rule: PolicyRule, template: RosTemplate): string[] {
  const sizes: Record<string, number> = { 'big.zip': 400_000, 'small.zip': 10_000 };
  return rule
    .check({ stack: 's', template, bundleBudgetKb: 350, codeBytes: (h) => sizes[h] })
    .map((f) => `${f.resource}: ${f.message}`);
}

function rule(id: string): PolicyRule {
  const found = POLICY_RULES.find((r) => r.id === id);
  assert.ok(found, id);
  return found;
}

const DLQ = { Arn: { 'Fn::GetAtt': ['Dlq', 'ARN.WithSlash'] } };
const ruleWith = (target: Record<string, unknown>): RosTemplate => ({
  Resources: {
    Dlq: { Type: 'ALIYUN::MNS::Queue', Properties: { QueueName: 'q', MessageRetentionPeriod: 604800 } },
    Rule: { Type: 'ALIYUN::EventBridge::Rule', Properties: { Targets: [{ Id: 't1', ...target }] } },
  },
});
const goodBucket = {
  AccessControl: 'private',
  BlockPublicAccess: true,
  ServerSideEncryptionConfiguration: { SSEAlgorithm: 'AES256' },
  VersioningConfiguration: { Status: 'Enabled' },
};
const role = (statement: Record<string, unknown>): RosTemplate => ({
  Resources: {
    Role: {
      Type: 'ALIYUN::RAM::Role',
      Properties: { Policies: [{ PolicyDocument: { Statement: [{ Effect: 'Allow', ...statement }] } }] },
    },
  },
});
const fn = (props: Record<string, unknown>, logConfig?: unknown): RosTemplate => ({
  Resources: {
    Svc: { Type: 'ALIYUN::FC::Service', Properties: logConfig === undefined ? {} : { LogConfig: logConfig } },
    Fn: {
      Type: 'ALIYUN::FC::Function',
      Properties: { ServiceName: { 'Fn::GetAtt': ['Svc', 'ServiceName'] }, Timeout: 60, ...props },
    },
  },
});

describe('policy rules: each passes a good template and fails a bad one', () => {
  test('target-dlq-retry', () => {
    assert.deepEqual(
      findings(
        rule('target-dlq-retry'),
        ruleWith({ DeadLetterQueue: DLQ, PushRetryStrategy: 'EXPONENTIAL_DECAY_RETRY' }),
      ),
      [],
    );
    assert.deepEqual(findings(rule('target-dlq-retry'), ruleWith({})), [
      'Rule: target t1 has no dead-letter queue and no retry strategy',
    ]);
  });

  test('dlq-retention checks only queues used as dead-letter queues', () => {
    const template = ruleWith({ DeadLetterQueue: DLQ });
    assert.deepEqual(findings(rule('dlq-retention'), template), []);
    const short: RosTemplate = {
      Resources: {
        ...template.Resources,
        Dlq: { Type: 'ALIYUN::MNS::Queue', Properties: { MessageRetentionPeriod: 345600 } },
      },
    };
    assert.deepEqual(findings(rule('dlq-retention'), short), [
      'Dlq: MessageRetentionPeriod is 345600, not 604800 (7 days)',
    ]);
    const plainQueue: RosTemplate = { Resources: { Work: { Type: 'ALIYUN::MNS::Queue', Properties: {} } } };
    assert.deepEqual(findings(rule('dlq-retention'), plainQueue), []);
  });

  test('dlq-no-self-chain', () => {
    assert.deepEqual(findings(rule('dlq-no-self-chain'), ruleWith({ DeadLetterQueue: DLQ, Endpoint: 'acs:fc:x' })), []);
    const looped = ruleWith({
      DeadLetterQueue: DLQ,
      Type: 'acs.mns.queue',
      Endpoint: { 'Fn::Join': ['', ['acs:mns:', { 'Fn::GetAtt': ['Dlq', 'QueueName'] }]] },
    });
    assert.deepEqual(findings(rule('dlq-no-self-chain'), looped), [
      'Rule: target t1 delivers to Dlq, which is also its dead-letter queue',
    ]);
  });

  test('bucket-security', () => {
    assert.deepEqual(
      findings(rule('bucket-security'), { Resources: { B: { Type: 'ALIYUN::OSS::Bucket', Properties: goodBucket } } }),
      [],
    );
    assert.deepEqual(
      findings(rule('bucket-security'), {
        Resources: { B: { Type: 'ALIYUN::OSS::Bucket', Properties: { AccessControl: 'public-read' } } },
      }),
      [
        'B: AccessControl is public-read, not private',
        'B: BlockPublicAccess is not true',
        'B: no server-side encryption',
        'B: versioning is not enabled',
      ],
    );
  });

  test('ram-least-privilege', () => {
    assert.deepEqual(
      findings(rule('ram-least-privilege'), role({ Action: ['ecs:DescribeInstances'], Resource: ['*'] })),
      [],
    );
    assert.deepEqual(
      findings(
        rule('ram-least-privilege'),
        role({ Action: ['ecs:StartInstance'], Resource: ['acs:ecs:*:1:instance/*'] }),
      ),
      [],
    );
    assert.deepEqual(
      findings(rule('ram-least-privilege'), role({ Action: ['ecs:*', '*', 'ecs:StartInstance'], Resource: ['*'] })),
      [
        'Role: action "ecs:*" grants every action; name the actions',
        'Role: action "*" grants every action; name the actions',
        'Role: write action "ecs:StartInstance" on Resource "*"; scope it to ARNs',
      ],
    );
  });

  test('ram-least-privilege passes a tag-scoped statement and fails a negated tag condition or one without a value', () => {
    const start = { Action: ['ecs:StartInstance'], Resource: ['acs:ecs:*:1:instance/*'] };
    assert.deepEqual(
      findings(
        rule('ram-least-privilege'),
        role({ ...start, Condition: { StringEquals: { 'acs:ResourceTag/auto-restart': ['true'] } } }),
      ),
      [],
    );
    assert.deepEqual(
      findings(
        rule('ram-least-privilege'),
        role({
          ...start,
          Condition: { StringNotEquals: { 'acs:ResourceTag/auto-restart': ['true'] }, StringLike: { 'ecs:tag/x': [] } },
        }),
      ),
      [
        'Role: condition StringNotEquals "acs:ResourceTag/auto-restart" allows every resource without that tag; scope to the tag with StringEquals',
        'Role: condition StringLike "ecs:tag/x" has no value, so the statement never applies',
      ],
    );
  });

  test('no-plaintext-secrets', () => {
    const ok: RosTemplate = {
      Parameters: { DingTalkSecret: { Type: 'String', NoEcho: true } },
      Resources: {
        Fn: {
          Type: 'ALIYUN::FC::Function',
          Properties: { EnvironmentVariables: { WEBHOOK_SECRET: { Ref: 'DingTalkSecret' } } },
        },
      },
    };
    assert.deepEqual(findings(rule('no-plaintext-secrets'), ok), []);
    const bad: RosTemplate = {
      Parameters: { WebhookToken: { Type: 'String', Default: 'abc' } },
      Resources: {
        Fn: {
          Type: 'ALIYUN::FC::Function',
          Properties: {
            EnvironmentVariables: {
              API_TOKEN: 'hunter2',
              URL: 'https://oapi.dingtalk.com/robot/send?access_token=0123456789abcdef0123',
            },
          },
        },
      },
    };
    assert.deepEqual(findings(rule('no-plaintext-secrets'), bad), [
      'WebhookToken: parameter WebhookToken looks like a secret and is not NoEcho',
      'WebhookToken: parameter WebhookToken has a Default value; secrets are passed at deploy time',
      'Fn: Properties.EnvironmentVariables.API_TOKEN is a plaintext secret; pass it as a NoEcho parameter',
      'Fn: Properties.EnvironmentVariables.URL holds a secret-looking value; pass it as a NoEcho parameter',
    ]);
  });

  test('no-plaintext-secrets judges values: a header name is not a secret, a literal token value is', () => {
    const connection = (auth: Record<string, unknown>): RosTemplate => ({
      Parameters: { MonitoringToken: { Type: 'String', NoEcho: true } },
      Resources: {
        Connection: {
          Type: 'ALIYUN::EventBridge::Connection',
          Properties: { AuthParameters: { AuthorizationType: 'API_KEY_AUTH', ApiKeyAuthParameters: auth } },
        },
        Store: {
          Type: 'ALIYUN::OOS::SecretParameter',
          Properties: { SecretParameterName: 'eeo-webhook-token', Value: { Ref: 'MonitoringToken' } },
        },
        Fn: {
          Type: 'ALIYUN::FC::Function',
          Properties: {
            EnvironmentVariables: {
              WEBHOOK_TOKEN_SECRET_NAME: 'eeo-webhook-token',
              SECRET_STORE: 'oos',
              DINGTALK_SECRET_SECRET_NAME: { 'Fn::GetAtt': ['Store', 'SecretParameterName'] },
            },
          },
        },
      },
    });
    const fromParameter = { 'Fn::Join': ['', ['Bearer ', { Ref: 'MonitoringToken' }]] };

    assert.deepEqual(
      findings(rule('no-plaintext-secrets'), connection({ ApiKeyName: 'Authorization', ApiKeyValue: fromParameter })),
      [],
    );
    assert.deepEqual(
      findings(rule('no-plaintext-secrets'), connection({ ApiKeyName: 'Authorization', ApiKeyValue: 'hunter2-token' })),
      [
        'Connection: Properties.AuthParameters.ApiKeyAuthParameters.ApiKeyValue is a plaintext secret; pass it as a NoEcho parameter',
      ],
    );
    assert.deepEqual(
      findings(
        rule('no-plaintext-secrets'),
        connection({
          ApiKeyName: 'Authorization',
          ApiKeyValue: { 'Fn::Join': ['', ['Bearer abcdefghijklmnop0123', '']] },
        }),
      ),
      [
        'Connection: Properties.AuthParameters.ApiKeyAuthParameters.ApiKeyValue.Fn::Join[1][0] holds a secret-looking value; pass it as a NoEcho parameter',
      ],
    );
    const literalStore = connection({ ApiKeyName: 'Authorization', ApiKeyValue: fromParameter });
    (literalStore.Resources?.Store.Properties as Record<string, unknown>).Value = 'hunter2';
    assert.deepEqual(findings(rule('no-plaintext-secrets'), literalStore), [
      'Store: Properties.Value is a plaintext secret; pass it as a NoEcho parameter',
    ]);
  });

  test('no-secret-in-function-environment', () => {
    const withEnv = (environment: Record<string, unknown>): RosTemplate => ({
      Parameters: {
        WebhookToken: { Type: 'String', NoEcho: true },
        Tier: { Type: 'String' },
      },
      Resources: { Fn: { Type: 'ALIYUN::FC::Function', Properties: { EnvironmentVariables: environment } } },
    });
    assert.deepEqual(
      findings(
        rule('no-secret-in-function-environment'),
        withEnv({
          WEBHOOK_TOKEN_SECRET_NAME: { 'Fn::GetAtt': ['Store', 'SecretParameterName'] },
          TIER: { Ref: 'Tier' },
          // biome-ignore lint/suspicious/noTemplateCurlyInString: ROS Fn::Sub syntax, not a JS template
          LITERAL: { 'Fn::Sub': 'cost ${!WebhookToken}' },
        }),
      ),
      [],
    );
    const message = (path: string) =>
      `Fn: ${path} references the NoEcho parameter WebhookToken: its value would be readable in the function configuration; keep it in a secret store (OOS secret parameter or KMS secret) and pass the secret's name`;
    assert.deepEqual(
      findings(
        rule('no-secret-in-function-environment'),
        withEnv({
          DIRECT: { Ref: 'WebhookToken' },
          JOINED: { 'Fn::Join': ['', ['Bearer ', { Ref: 'WebhookToken' }]] },
          // biome-ignore lint/suspicious/noTemplateCurlyInString: ROS Fn::Sub syntax, not a JS template
          SUBSTITUTED: { 'Fn::Sub': 'Bearer ${WebhookToken}' },
          // biome-ignore lint/suspicious/noTemplateCurlyInString: ROS Fn::Sub syntax, not a JS template
          MAPPED: { 'Fn::Sub': ['Bearer ${T}', { T: { Ref: 'WebhookToken' } }] },
        }),
      ),
      [
        message('EnvironmentVariables.DIRECT'),
        message('EnvironmentVariables.JOINED.Fn::Join[1][1]'),
        message('EnvironmentVariables.SUBSTITUTED'),
        message('EnvironmentVariables.MAPPED.Fn::Sub.T'),
      ],
    );
  });

  test('function-logging-timeout', () => {
    assert.deepEqual(findings(rule('function-logging-timeout'), fn({}, { Project: 'p', Logstore: 'l' })), []);
    assert.deepEqual(findings(rule('function-logging-timeout'), fn({ Timeout: 3 })), [
      'Fn: Timeout is 3; set more than 3 s',
      'Fn: its service Svc has no LogConfig with Project and Logstore',
    ]);
  });

  test('bundle-budget', () => {
    assert.deepEqual(findings(rule('bundle-budget'), fn({ Code: { OssObjectName: 'small.zip' } }, {})), []);
    assert.deepEqual(findings(rule('bundle-budget'), fn({ Code: { OssObjectName: 'big.zip' } })), [
      'Fn: bundle is 400.0 KB, over the 350 KB budget',
    ]);
    assert.deepEqual(findings(rule('bundle-budget'), fn({ Code: { OssObjectName: 'gone.zip' } })), [
      'Fn: code object gone.zip is not in the assembly',
    ]);
  });
});

describe('policy over the project', () => {
  test('the project stacks pass every rule, in every region', () => {
    const app = testApp();
    const config = loadConfig({ regions: ['cn-hangzhou', 'eu-central-1'] });
    for (const region of config.regions)
      new RegionStack(app, { config: region, assetsQualifier: config.assetsQualifier, units: BUILT_IN_UNITS });
    const report = checkAssembly(app.synth().directory, config);
    assert.deepEqual(report, { findings: [], suppressed: [], unused: [] });
  });

  test('a synth with every optional feature on passes the full policy with no finding, and no function environment references a NoEcho parameter', () => {
    const app = testApp();
    const config = loadConfig(EVERY_FEATURE);
    for (const region of config.regions)
      new RegionStack(app, { config: region, assetsQualifier: config.assetsQualifier, units: BUILT_IN_UNITS });
    const assembly = app.synth();

    const report = checkAssembly(assembly.directory, config);

    assert.deepEqual(report, { findings: [], suppressed: [], unused: [] });
    assert.deepEqual(
      assembly.stacks.map((s) => s.stackName),
      ['ecs-event-ops-cn-hangzhou', 'ecs-event-ops-cn-shanghai'],
    );
    for (const stack of assembly.stacks) {
      const template = stack.template as RosTemplate;
      const noEcho = Object.entries(template.Parameters ?? {})
        .filter(([, p]) => p.NoEcho === true)
        .map(([name]) => name);
      assert.deepEqual(noEcho.sort(), [
        'DingTalkSecret',
        'DingTalkWebhookUrl',
        'MonitoringToken',
        'WebhookToken',
        'WebhookUrl',
      ]);
      const functions = Object.entries(template.Resources ?? {}).filter(([, r]) => r.Type === 'ALIYUN::FC::Function');
      assert.equal(functions.length, 8, stack.stackName);
      for (const [id, fn] of functions) {
        const refs = parameterReferences(fn.Properties?.EnvironmentVariables, 'EnvironmentVariables');
        assert.deepEqual(
          refs.filter((r) => noEcho.includes(r.name)),
          [],
          `${stack.stackName}/${id}`,
        );
      }
    }
  });

  test('an escape-hatch edit that breaks a rule is found, and a suppression accepts it with its reason shown', () => {
    const build = (suppressions: unknown[]) => {
      const app = testApp();
      const config = loadConfig({ policy: { suppressions } });
      const stack = new RegionStack(app, {
        config: config.regions[0],
        assetsQualifier: config.assetsQualifier,
        units: BUILT_IN_UNITS,
      });
      (stack.archive.bucket.node.findChild('Archive') as ros.RosResource).addOverride(
        'Properties.VersioningConfiguration.Status',
        'Suspended',
      );
      return checkAssembly(app.synth().directory, config);
    };
    const found = build([]);
    assert.deepEqual(
      found.findings.map((f) => `${f.rule} ${f.stack}/${f.resource}: ${f.message}`),
      ['bucket-security ecs-event-ops-cn-hangzhou/Archive: versioning is not enabled'],
    );
    const accepted = build([
      {
        rule: 'bucket-security',
        resource: 'ecs-event-ops-cn-hangzhou/Archive',
        reason: 'versioning is managed by the storage team',
      },
      { rule: 'ram-least-privilege', resource: 'Nothing', reason: 'left over from an old role' },
    ]);
    assert.deepEqual(accepted.findings, []);
    const text = formatPolicyReport(accepted);
    assert.match(
      text,
      /suppressed \[bucket-security\] ecs-event-ops-cn-hangzhou\/Archive: versioning is not enabled \(reason: versioning is managed by the storage team\)/,
    );
    assert.match(text, /unused suppression \[ram-least-privilege\] Nothing: it matches no finding; remove it/);
  });

  test('checkStacks reports a missing code object as a finding', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eeo-policy-'));
    const report = checkStacks(
      [
        {
          stack: 's',
          template: fn({ Code: { OssObjectName: 'abc.zip' } }, { Project: 'p', Logstore: 'l' }),
          bundleBudgetKb: 350,
        },
      ],
      dir,
    );
    assert.deepEqual(
      report.findings.map((f) => f.rule),
      ['bundle-budget'],
    );
  });

  test('the suppression config is validated', () => {
    assert.throws(
      () => loadConfig({ policy: { suppressions: [{ rule: 'bucket-securty', resource: 'Archive', reason: 'x' }] } }),
      /policy\.suppressions\[0\]\.rule": "bucket-securty" is not valid: a policy rule id: .*\(did you mean bucket-security\?\)[\s\S]*reason": "x" is not valid/,
    );
    assert.throws(
      () => loadConfig({ policy: { suppressions: [{ rule: 'bucket-security', resource: 'Archive' }] } }),
      /suppressions\[0\]\.reason": undefined is not valid: a suppression needs "reason"/,
    );
  });
});
