import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { BUILT_IN_UNITS } from '../../lib/automations';
import { loadConfig } from '../../lib/config';
import { RegionStack } from '../../lib/stacks/region-stack';
import { resourcesOfType, synthRegions, type Template, testApp } from '../support/synth';

type Full = Template & { Parameters?: Record<string, Record<string, unknown>> };

const FULL = {
  notifications: { dingTalk: true, webhook: true },
  snapshots: {
    monitoringEndpoint: 'https://monitor.example.com/hooks/ecs',
    policy: {
      timePoints: [2],
      repeatWeekdays: [1, 2, 3, 4, 5, 6, 7],
      retentionDays: 30,
      diskIds: ['d-bp1abcdefghij0123456'],
    },
  },
  autoScaling: {
    scalingGroups: [
      { id: 'asg-bp1abcdefghij0123', protectedInstanceIds: ['i-bp1abcdefghij0123456'] },
      { id: 'asg-bp1abcdefghij0456' },
    ],
    applySnapshotPolicy: true,
  },
  activateServices: true,
};

describe('operations coverage with everything configured', () => {
  const template = synthRegions(FULL)['ecs-event-ops-cn-hangzhou'] as Full;
  const env = (id: string) => template.Resources[id].Properties.EnvironmentVariables as Record<string, unknown>;

  test('takes every webhook, secret and token as a NoEcho parameter without a default', () => {
    const secrets = Object.entries(template.Parameters ?? {}).filter(([name]) => name !== 'StackRegion');
    assert.deepEqual(secrets.map(([name]) => name).sort(), [
      'DingTalkSecret',
      'DingTalkWebhookUrl',
      'MonitoringToken',
      'WebhookToken',
      'WebhookUrl',
    ]);
    for (const [, parameter] of secrets) {
      assert.equal(parameter.NoEcho, true);
      assert.equal(parameter.Default, undefined);
    }
    assert.deepEqual(
      {
        url: env('NotifyFunction').DINGTALK_WEBHOOK_URL_SECRET_NAME,
        secret: env('NotifyFunction').DINGTALK_SECRET_SECRET_NAME,
        store: env('NotifyFunction').SECRET_STORE,
        zone: env('NotifyFunction').REGION_TIME_ZONE,
      },
      {
        url: { 'Fn::GetAtt': ['DingTalkWebhookUrlStore', 'SecretParameterName'] },
        secret: { 'Fn::GetAtt': ['DingTalkSecretStore', 'SecretParameterName'] },
        store: 'oos',
        zone: 'Asia/Shanghai',
      },
    );
    // Each channel parameter goes to an OOS secret parameter; the monitoring token stays with its API destination.
    assert.deepEqual(
      Object.entries(resourcesOfType(template, 'ALIYUN::OOS::SecretParameter')).map(([id, r]) => [
        id,
        r.Properties.SecretParameterName,
        r.Properties.Value,
      ]),
      [
        ['DingTalkWebhookUrlStore', 'ecs-event-ops-dingtalk-webhook-url', { Ref: 'DingTalkWebhookUrl' }],
        ['DingTalkSecretStore', 'ecs-event-ops-dingtalk-secret', { Ref: 'DingTalkSecret' }],
        ['WebhookUrlStore', 'ecs-event-ops-webhook-url', { Ref: 'WebhookUrl' }],
        ['WebhookTokenStore', 'ecs-event-ops-webhook-token', { Ref: 'WebhookToken' }],
      ],
    );
  });

  test('sends failed snapshots to the notify function and to the monitoring API destination, each with retries and a DLQ', () => {
    const targets = template.Resources.SnapshotFailedRule.Properties.Targets as Record<string, unknown>[];
    assert.deepEqual(
      targets.map((t) => [t.Type, t.PushRetryStrategy, JSON.stringify(t.DeadLetterQueue)]),
      [
        [
          'acs.fc.function',
          'EXPONENTIAL_DECAY_RETRY',
          JSON.stringify({ Arn: { 'Fn::GetAtt': ['NotifyDeadLetterQueue', 'ARN.WithSlash'] } }),
        ],
        [
          'acs.api.destination',
          'EXPONENTIAL_DECAY_RETRY',
          JSON.stringify({ Arn: { 'Fn::GetAtt': ['NotifyDeadLetterQueue', 'ARN.WithSlash'] } }),
        ],
      ],
    );
    assert.equal(template.Resources.MonitoringDestination.Type, 'ALIYUN::EventBridge::ApiDestination');
  });

  test('protects the configured instances through a custom resource backed by the protect-instances function', () => {
    const protections = resourcesOfType(template, 'ALIYUN::ROS::CustomResource');
    assert.deepEqual(Object.keys(protections), ['Protectionasgbp1abcdefghij0123']);
    const [protection] = Object.values(protections);
    assert.deepEqual(protection.Properties.ServiceToken, { 'Fn::GetAtt': ['ProtectInstancesFunction', 'ARN'] });
    assert.deepEqual((protection.Properties.Parameters as Record<string, unknown>).InstanceIds, [
      'i-bp1abcdefghij0123456',
    ]);
  });

  test('declares the snapshot policy and hands it, with the watched groups and the protect tag, to the scale-out function', () => {
    assert.deepEqual(template.Resources.SnapshotPolicy.Properties.TimePoints, [2]);
    const scaleOutEnv = Object.fromEntries(
      Object.entries(env('ScaleOutFunction')).filter(
        ([key]) => !key.endsWith('_SECRET_NAME') && key !== 'SECRET_STORE',
      ),
    );
    assert.deepEqual(scaleOutEnv, {
      ARCHIVE_BUCKET: { 'Fn::GetAtt': ['Archive', 'Name'] },
      IDEMPOTENCY_WINDOW_SECONDS: '691200',
      SCALING_GROUP_IDS: 'asg-bp1abcdefghij0123,asg-bp1abcdefghij0456',
      PROTECT_TAG_KEY: 'protect',
      PROTECT_TAG_VALUE: 'true',
      SNAPSHOT_POLICY_ID: { 'Fn::GetAtt': ['SnapshotPolicy', 'AutoSnapshotPolicyId'] },
      SAFETY_MAX_EVENT_AGE_HOURS: '24',
      SAFETY_DRY_RUN: 'false',
      SAFETY_MAX_ACTIONS_PER_HOUR: '60',
    });
    assert.deepEqual(template.Resources.ScaleOutRule.Properties.FilterPattern, {
      source: ['acs.ess'],
      type: ['ess:ScalingActivity:ScaleOutSuccess'],
    });
  });

  test('activates FC, MNS, SLS and OSS before the resources that need them', () => {
    assert.deepEqual(Object.keys(resourcesOfType(template, 'ALIYUN::ROS::AutoEnableService')), [
      'ActivateFC',
      'ActivateMNS',
      'ActivateSLS',
      'ActivateOSS',
    ]);
    const dependsOn = (template.Resources.NotifyFunction as unknown as { DependsOn: string[] }).DependsOn;
    assert.ok(['ActivateFC', 'ActivateMNS', 'ActivateSLS', 'ActivateOSS'].every((id) => dependsOn.includes(id)));
  });

  test('no secret value appears in any synthesized file', () => {
    const app = testApp();
    const config = loadConfig(FULL);
    new RegionStack(app, { config: config.regions[0], assetsQualifier: config.assetsQualifier, units: BUILT_IN_UNITS });
    const dir = app.synth().directory;
    for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.json'))) {
      const text = fs.readFileSync(path.join(dir, file), 'utf8');
      // A literal token after "Bearer " (the template has only `"Bearer ", {"Ref": ...}`), a DingTalk token or secret.
      assert.doesNotMatch(text, /access_token=|SEC[0-9a-f]{20,}|"Bearer [A-Za-z0-9._~+/-]{8,}/, file);
    }
  });
});
