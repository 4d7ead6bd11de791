import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parameterReferences } from '../../lib/policy/rules/no-secret-in-function-environment';
import { resourcesOfType, synthRegions, type Template } from '../support/synth';

type WithParameters = Template & { Parameters?: Record<string, Record<string, unknown>> };
interface Statement {
  Action: string[];
  Resource: unknown[];
}

const CHANNELS = { notifications: { dingTalk: true, webhook: true } };

function statements(template: Template, role: string): Statement[] {
  return (template.Resources[role].Properties.Policies as { PolicyDocument: { Statement: Statement[] } }[])[0]
    .PolicyDocument.Statement;
}

/** The statements of a role that touch OOS or KMS, as [action, resource] pairs. */
function secretGrants(template: Template, role: string): [string, string][] {
  return statements(template, role)
    .filter((s) => s.Action.some((a) => a.startsWith('oos:') || a.startsWith('kms:')))
    .flatMap((s) => s.Action.flatMap((a) => s.Resource.map((r) => [a, JSON.stringify(r)] as [string, string])));
}

const arn = (service: string, resource: string) =>
  JSON.stringify({
    'Fn::Join': ['', [`acs:${service}:cn-hangzhou:`, { Ref: 'ALIYUN::AccountId' }, `:${resource}`]],
  });

describe('alert secrets', () => {
  test('no function environment references a NoEcho parameter: each holds the names of its secrets only', () => {
    const template = synthRegions(CHANNELS)['ecs-event-ops-cn-hangzhou'] as WithParameters;
    const noEcho = Object.entries(template.Parameters ?? {}).filter(([, p]) => p.NoEcho === true);
    assert.equal(noEcho.length, 4);

    for (const [id, fn] of Object.entries(resourcesOfType(template, 'ALIYUN::FC::Function'))) {
      const refs = parameterReferences(fn.Properties.EnvironmentVariables, 'EnvironmentVariables').map((r) => r.name);
      assert.deepEqual(
        refs.filter((name) => noEcho.some(([p]) => p === name)),
        [],
        id,
      );
    }
    const env = template.Resources.NotifyFunction.Properties.EnvironmentVariables as Record<string, unknown>;
    assert.deepEqual(
      Object.keys(env).filter((k) => /SECRET|TOKEN|WEBHOOK|DINGTALK/.test(k)),
      [
        'DINGTALK_WEBHOOK_URL_SECRET_NAME',
        'DINGTALK_SECRET_SECRET_NAME',
        'WEBHOOK_URL_SECRET_NAME',
        'WEBHOOK_TOKEN_SECRET_NAME',
        'SECRET_STORE',
      ],
    );
  });

  test('lets notify, dlq-check and the action automations (whose fleet breaker alerts) read the four secrets and nothing else; other functions get no secret access', () => {
    const template = synthRegions(CHANNELS)['ecs-event-ops-cn-hangzhou'];
    const expected: [string, string][] = [];
    for (const name of ['dingtalk-webhook-url', 'dingtalk-secret', 'webhook-url', 'webhook-token']) {
      expected.push(['oos:GetSecretParameter', arn('oos', `secretparameter/ecs-event-ops-${name}`)]);
      expected.push(['kms:GetSecretValue', arn('kms', `secret/oos/ecs-event-ops-${name}`)]);
    }
    const alerting = ['NotifyFunctionRole', 'DlqCheckFunctionRole', 'AutoRestartFunctionRole', 'SpotDrainFunctionRole'];
    for (const role of alerting) assert.deepEqual(secretGrants(template, role), expected, role);
    for (const role of Object.keys(resourcesOfType(template, 'ALIYUN::RAM::Role'))) {
      if (alerting.includes(role)) continue;
      assert.deepEqual(secretGrants(template, role), [], role);
    }
  });

  test('declares one OOS secret parameter per channel parameter, with the parameter as its value and its pattern as a constraint', () => {
    const template = synthRegions(CHANNELS)['ecs-event-ops-cn-hangzhou'];
    assert.deepEqual(template.Resources.WebhookUrlStore, {
      Type: 'ALIYUN::OOS::SecretParameter',
      DependsOn: ['RegionGuard'],
      Properties: {
        SecretParameterName: 'ecs-event-ops-webhook-url',
        Value: { Ref: 'WebhookUrl' },
        Constraints: { MinLength: 1, AllowedPattern: '^https://.+' },
        Description: 'HTTPS webhook that receives alerts',
      },
    });
  });

  test('with secretStore kms, keeps the secrets in KMS (in the given instance) and grants kms:GetSecretValue on each', () => {
    const template = synthRegions({
      notifications: { webhook: true, secretStore: 'kms', kmsInstanceId: 'kst-hzz65f176a0ogplgq0001' },
    })['ecs-event-ops-cn-hangzhou'];
    assert.deepEqual(resourcesOfType(template, 'ALIYUN::OOS::SecretParameter'), {});
    assert.deepEqual(template.Resources.WebhookTokenStore, {
      Type: 'ALIYUN::KMS::Secret',
      DependsOn: ['RegionGuard'],
      Properties: {
        SecretName: 'ecs-event-ops-webhook-token',
        SecretData: { Ref: 'WebhookToken' },
        SecretDataType: 'text',
        SecretType: 'Generic',
        VersionId: 'v1',
        DKMSInstanceId: 'kst-hzz65f176a0ogplgq0001',
        Description: 'Bearer token sent to the alert webhook',
        ForceDeleteWithoutRecovery: true,
      },
    });
    assert.deepEqual(secretGrants(template, 'NotifyFunctionRole'), [
      ['kms:GetSecretValue', arn('kms', 'secret/ecs-event-ops-webhook-url')],
      ['kms:GetSecretValue', arn('kms', 'secret/ecs-event-ops-webhook-token')],
    ]);
    const env = template.Resources.NotifyFunction.Properties.EnvironmentVariables as Record<string, unknown>;
    assert.equal(env.SECRET_STORE, 'kms');
    assert.deepEqual(env.WEBHOOK_TOKEN_SECRET_NAME, { 'Fn::GetAtt': ['WebhookTokenStore', 'SecretName'] });
  });

  test('without a channel, there is no secret, no SECRET_STORE and no secret access', () => {
    const template = synthRegions({})['ecs-event-ops-cn-hangzhou'] as WithParameters;
    assert.deepEqual(Object.keys(template.Parameters ?? {}), ['StackRegion']);
    assert.deepEqual(resourcesOfType(template, 'ALIYUN::OOS::SecretParameter'), {});
    const env = template.Resources.NotifyFunction.Properties.EnvironmentVariables as Record<string, unknown>;
    assert.equal(env.SECRET_STORE, undefined);
    assert.deepEqual(secretGrants(template, 'NotifyFunctionRole'), []);
  });
});
