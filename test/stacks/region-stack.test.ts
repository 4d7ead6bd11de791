import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { resourcesOfType, synthRegions, type Template } from '../support/synth';

type Statement = { Action: string[]; Resource: unknown[] };
type Target = { PushRetryStrategy?: string; DeadLetterQueue?: { Arn: unknown }; Type: string };

function statements(template: Template): Statement[] {
  return Object.values(resourcesOfType(template, 'ALIYUN::RAM::Role')).flatMap((role) =>
    (role.Properties.Policies as { PolicyDocument: { Statement: Statement[] } }[]).flatMap(
      (p) => p.PolicyDocument.Statement,
    ),
  );
}

describe('RegionStack RAM scope', () => {
  test('lets auto-restart start only instances that carry the configured opt-in tag', () => {
    const template = synthRegions({ autoRestart: { tagKey: 'ops:restart', tagValue: 'yes' } })[
      'ecs-event-ops-cn-hangzhou'
    ];
    const role = template.Resources.AutoRestartFunctionRole.Properties as {
      Policies: { PolicyDocument: { Statement: (Statement & { Condition?: unknown })[] } }[];
    };
    const starts = role.Policies[0].PolicyDocument.Statement.filter((s) => s.Action.includes('ecs:StartInstance'));
    assert.equal(starts.length, 1);
    assert.deepEqual(starts[0].Condition, { StringEquals: { 'acs:ResourceTag/ops:restart': ['yes'] } });
    assert.deepEqual(starts[0].Resource, [
      { 'Fn::Join': ['', ['acs:ecs:cn-hangzhou:', { Ref: 'ALIYUN::AccountId' }, ':instance/*']] },
    ]);
  });

  test('drops the tag condition, keeping the instance scope, when autoRestart.ramTagCondition is false', () => {
    const template = synthRegions({ autoRestart: { ramTagCondition: false } })['ecs-event-ops-cn-hangzhou'];
    const role = template.Resources.AutoRestartFunctionRole.Properties as {
      Policies: { PolicyDocument: { Statement: (Statement & { Condition?: unknown })[] } }[];
    };
    const starts = role.Policies[0].PolicyDocument.Statement.filter((s) => s.Action.includes('ecs:StartInstance'));
    assert.equal(starts.length, 1);
    assert.equal(starts[0].Condition, undefined);
    assert.deepEqual(starts[0].Resource, [
      { 'Fn::Join': ['', ['acs:ecs:cn-hangzhou:', { Ref: 'ALIYUN::AccountId' }, ':instance/*']] },
    ]);
  });

  test("lets scale-out apply only the stack's own snapshot policy", () => {
    const template = synthRegions({
      snapshots: { policy: { timePoints: [2], repeatWeekdays: [1], retentionDays: 7 } },
      autoScaling: { scalingGroups: [{ id: 'asg-bp1abcdefghij0123' }], applySnapshotPolicy: true },
    })['ecs-event-ops-cn-hangzhou'];
    const apply = statements(template).filter((s) => s.Action.includes('ecs:ApplyAutoSnapshotPolicy'));
    assert.equal(apply.length, 1);
    assert.deepEqual(apply[0].Resource, [
      {
        'Fn::Join': [
          '',
          [
            'acs:ecs:cn-hangzhou:',
            { Ref: 'ALIYUN::AccountId' },
            ':snapshotpolicy/',
            { 'Fn::GetAtt': ['SnapshotPolicy', 'AutoSnapshotPolicyId'] },
          ],
        ],
      },
      { 'Fn::Join': ['', ['acs:ecs:cn-hangzhou:', { Ref: 'ALIYUN::AccountId' }, ':disk/*']] },
    ]);
  });
});

describe('RegionStack', () => {
  const templates = synthRegions();
  const template = templates['ecs-event-ops-cn-hangzhou'];

  test('the zero-config app is one cn-hangzhou stack: bucket, log and event stores, six functions with their queues, ten rules, one timer', () => {
    assert.deepEqual(Object.keys(templates), ['ecs-event-ops-cn-hangzhou']);
    const count = (type: string) => Object.keys(resourcesOfType(template, type)).length;
    assert.equal(count('ALIYUN::OSS::Bucket'), 1);
    assert.equal(count('ALIYUN::SLS::Project'), 1);
    assert.equal(count('ALIYUN::SLS::Logstore'), 2);
    assert.deepEqual(Object.keys(resourcesOfType(template, 'ALIYUN::FC::Function')), [
      'LifecycleAuditFunction',
      'AutoRestartFunction',
      'SpotDrainFunction',
      'NotifyFunction',
      'EventArchiveFunction',
      'DlqCheckFunction',
    ]);
    assert.equal(count('ALIYUN::FC::Service'), 6);
    // The event store adds a role (EventBridge writes to SLS), a queue and a rule.
    assert.equal(count('ALIYUN::RAM::Role'), 7);
    assert.equal(count('ALIYUN::MNS::Queue'), 7);
    // Nine rules for ECS and Auto Scaling events, one for the SLS alerts of the stack (to notify).
    assert.equal(count('ALIYUN::EventBridge::Rule'), 10);
    assert.equal(count('ALIYUN::FC::Trigger'), 1);
    // Features that need ids, endpoints or secrets are off: no parameters, custom resources or policies.
    // No secret parameter without a channel; only the region guard's StackRegion.
    assert.deepEqual(Object.keys((template as { Parameters?: object }).Parameters ?? {}), ['StackRegion']);
    assert.equal(count('ALIYUN::ROS::CustomResource'), 0);
    assert.equal(count('ALIYUN::ECS::AutoSnapshotPolicy'), 0);
    assert.equal(count('ALIYUN::EventBridge::ApiDestination'), 0);
  });

  test('routes each kind of event to its automation', () => {
    const rules = resourcesOfType(template, 'ALIYUN::EventBridge::Rule');
    assert.deepEqual(
      Object.fromEntries(Object.values(rules).map((r) => [r.Properties.RuleName, r.Properties.FilterPattern])),
      {
        'ecs-event-ops-event-store': { source: ['acs.ecs', 'acs.ess'] },
        'ecs-event-ops-lifecycle-audit': { source: ['acs.ecs'], type: ['ecs:Instance:StateChange'] },
        'ecs-event-ops-auto-restart': {
          source: ['acs.ecs'],
          type: ['ecs:Instance:StateChange'],
          data: { state: ['Stopped'] },
        },
        'ecs-event-ops-spot-drain': { source: ['acs.ecs'], type: ['ecs:Instance:PreemptibleInstanceInterruption'] },
        'ecs-event-ops-system-events': {
          source: ['acs.ecs'],
          type: [
            { prefix: 'ecs:Instance:SystemMaintenance.' },
            { prefix: 'ecs:Instance:SystemFailure.' },
            { prefix: 'ecs:Instance:InstanceFailure.' },
            { prefix: 'ecs:SystemEvent:' },
          ],
          data: {
            eventType: [{ prefix: 'SystemMaintenance.' }, { prefix: 'SystemFailure.' }, { prefix: 'InstanceFailure.' }],
          },
        },
        'ecs-event-ops-instance-health': {
          source: ['acs.ecs'],
          type: [
            'ecs:Instance:LiveMigrationAcrossDDH',
            'ecs:Instance:PerformanceModeChange',
            'ecs:Instance:BurstablePerformanceRestricted',
            'ecs:Disk:ErrorDetected',
            'ecs:Disk:Stalled',
          ],
        },
        'ecs-event-ops-snapshot-failed': {
          source: ['acs.ecs'],
          type: ['ecs:Snapshot:CreateSnapshotCompleted'],
          data: { result: ['failed'] },
        },
        'ecs-event-ops-snapshot-results': { source: ['acs.ecs'], type: ['ecs:Snapshot:CreateSnapshotCompleted'] },
        'ecs-event-ops-audit': {
          source: ['acs.ecs', 'acs.ess'],
          type: [{ 'anything-but': ['ecs:Instance:StateChange', 'ecs:Snapshot:CreateSnapshotCompleted'] }],
        },
        'ecs-event-ops-sls-alerts': {
          source: ['acs.sls', 'acs:sls'],
          type: ['sls.alert'],
          data: { labels: { app: ['ecs-event-ops'] } },
        },
      },
    );
  });

  test('every rule target has a retry strategy and the dead-letter queue of its automation', () => {
    const queues = Object.keys(resourcesOfType(template, 'ALIYUN::MNS::Queue'));
    const rules = resourcesOfType(template, 'ALIYUN::EventBridge::Rule');
    for (const [logicalId, rule] of Object.entries(rules)) {
      for (const target of rule.Properties.Targets as Target[]) {
        assert.equal(target.PushRetryStrategy, 'EXPONENTIAL_DECAY_RETRY', logicalId);
        const queue = (target.DeadLetterQueue as { Arn: { 'Fn::GetAtt': [string, string] } }).Arn['Fn::GetAtt'];
        assert.ok(queues.includes(queue[0]) && queue[1] === 'ARN.WithSlash', logicalId);
      }
    }
    const [notifyTarget] = rules.SystemEventsRule.Properties.Targets as Target[];
    assert.deepEqual(notifyTarget.DeadLetterQueue, {
      Arn: { 'Fn::GetAtt': ['NotifyDeadLetterQueue', 'ARN.WithSlash'] },
    });
  });

  test('no RAM statement allows "*" or "service:*", and only reads use Resource "*"', () => {
    for (const statement of statements(template)) {
      for (const action of statement.Action) assert.doesNotMatch(action, /^\*$|:\*$/);
      if (statement.Resource.includes('*')) {
        // Reads as the ram-least-privilege policy rule counts them (Describe, List, Get, Query).
        for (const action of statement.Action) {
          assert.match(action, /:(Describe|List|Get|Query)/, `${action} on Resource "*"`);
        }
      }
    }
  });

  test('passes the restart and drain settings to the handlers', () => {
    const custom = synthRegions({
      regions: ['cn-shanghai'],
      autoRestart: { tagKey: 'restart', tagValue: 'yes', maxRestartsPerHour: 5 },
      spotDrain: { vServerGroupIds: ['rsp-bp1abcdefgh0123', 'rsp-bp1abcdefgh0456'] },
    })['ecs-event-ops-cn-shanghai'];
    const env = (id: string) => custom.Resources[id].Properties.EnvironmentVariables as Record<string, unknown>;
    assert.deepEqual(
      { ...env('AutoRestartFunction'), ARCHIVE_BUCKET: undefined },
      {
        ARCHIVE_BUCKET: undefined,
        IDEMPOTENCY_WINDOW_SECONDS: '691200',
        RESTART_TAG_KEY: 'restart',
        RESTART_TAG_VALUE: 'yes',
        RESTART_MAX_PER_HOUR: '5',
        SAFETY_MAX_EVENT_AGE_HOURS: '24',
        SAFETY_DRY_RUN: 'false',
        SAFETY_MAX_ACTIONS_PER_HOUR: '30',
      },
    );
    assert.equal(env('SpotDrainFunction').DRAIN_VSERVER_GROUP_IDS, 'rsp-bp1abcdefgh0123,rsp-bp1abcdefgh0456');
    assert.deepEqual(env('LifecycleAuditFunction').ARCHIVE_BUCKET, { 'Fn::GetAtt': ['Archive', 'Name'] });
  });

  test('raises the spot-drain timeout to drainSeconds + 30 and grants the ALB and NLB drain calls on server groups', () => {
    const stack = synthRegions({
      regions: ['cn-shanghai'],
      spotDrain: { drainSeconds: 120, albServerGroupIds: ['sgp-bp1abcdefgh0123'] },
    })['ecs-event-ops-cn-shanghai'];
    const fn = (id: string) => stack.Resources[id].Properties;

    assert.equal(fn('SpotDrainFunction').Timeout, 150);
    assert.equal(fn('AutoRestartFunction').Timeout, 60);
    const env = fn('SpotDrainFunction').EnvironmentVariables as Record<string, unknown>;
    assert.equal(env.DRAIN_SECONDS, '120');
    assert.equal(env.DRAIN_ALB_SERVER_GROUP_IDS, 'sgp-bp1abcdefgh0123');
    const policy = JSON.stringify(stack.Resources.SpotDrainFunctionRole.Properties);
    for (const action of [
      'alb:UpdateServerGroupServersAttribute',
      'nlb:RemoveServersFromServerGroup',
      'slb:SetBackendServers',
    ]) {
      assert.ok(policy.includes(action), `${action} is not granted`);
    }
    assert.ok(policy.includes(':servergroup/*'));
  });

  test('leaves out the automations a region turns off', () => {
    const off = synthRegions({
      regions: ['cn-hangzhou', 'cn-beijing'],
      'cn-beijing': {
        autoRestart: { enabled: false },
        spotDrain: { enabled: false },
        systemEvents: { enabled: false },
        snapshots: { enabled: false },
        audit: { enabled: false },
        deadLetterCheck: { enabled: false },
        // The SLS alerts reach their people through notify: with them on, notify stays.
        slsAlerts: { enabled: false },
      },
    });
    assert.equal(Object.keys(resourcesOfType(off['ecs-event-ops-cn-hangzhou'], 'ALIYUN::FC::Function')).length, 6);
    assert.equal(Object.keys(resourcesOfType(off['ecs-event-ops-cn-beijing'], 'ALIYUN::FC::Trigger')).length, 0);
    assert.deepEqual(Object.keys(resourcesOfType(off['ecs-event-ops-cn-beijing'], 'ALIYUN::FC::Function')), [
      'LifecycleAuditFunction',
    ]);
  });

  test('checks every other dead-letter queue on a timer, with read access to exactly those queues and its own state', () => {
    const trigger = resourcesOfType(template, 'ALIYUN::FC::Trigger').DlqCheckSchedule;
    assert.deepEqual(trigger.Properties, {
      ServiceName: { 'Fn::GetAtt': ['DlqCheckFunction', 'ServiceName'] },
      FunctionName: { 'Fn::GetAtt': ['DlqCheckFunction', 'FunctionName'] },
      TriggerName: 'schedule',
      TriggerType: 'timer',
      TriggerConfig: { cronExpression: '@every 15m', enable: true, payload: '' },
    });
    // The event store's queue last: it is watched like the automations' queues.
    const queues = ['lifecycle-audit', 'auto-restart', 'spot-drain', 'notify', 'event-archive', 'event-store'].map(
      (name) => `ecs-event-ops-${name}-dlq`,
    );
    const env = template.Resources.DlqCheckFunction.Properties.EnvironmentVariables as Record<string, unknown>;
    assert.equal(env.DLQ_QUEUE_NAMES, queues.join(','));
    const role = template.Resources.DlqCheckFunctionRole.Properties as {
      Policies: { PolicyDocument: { Statement: Statement[] } }[];
    };
    const grants = role.Policies[0].PolicyDocument.Statement.map((s) => [s.Action, JSON.stringify(s.Resource)]);
    assert.deepEqual(grants.slice(0, 2), [
      [
        ['mns:GetQueueAttributes'],
        JSON.stringify(
          queues.map((q) => ({
            'Fn::Join': ['', ['acs:mns:cn-hangzhou:', { Ref: 'ALIYUN::AccountId' }, `:/queues/${q}`]],
          })),
        ),
      ],
      [
        ['oss:GetObject', 'oss:PutObject'],
        JSON.stringify([
          {
            'Fn::Join': [
              '',
              [
                'acs:oss:*:',
                { Ref: 'ALIYUN::AccountId' },
                ':',
                { 'Fn::GetAtt': ['Archive', 'Name'] },
                '/state/dlq-check/*',
              ],
            ],
          },
        ]),
      ],
    ]);
    // Without a channel, no delivery records: no ListObjects.
    assert.ok(grants.every(([actions]) => !actions.includes('oss:ListObjects')));
    // No rule feeds it, and it does not watch its own queue.
    assert.doesNotMatch(JSON.stringify(resourcesOfType(template, 'ALIYUN::EventBridge::Rule')), /DlqCheck/);
  });

  test('gives the dead-letter check the alert channels of notify, from the same parameters, even with notify off', () => {
    const both = synthRegions({
      notifications: { dingTalk: true, webhook: true },
      deadLetterCheck: { intervalMinutes: 60 },
    })['ecs-event-ops-cn-hangzhou'] as Template & { Parameters?: Record<string, unknown> };
    const env = (id: string) => both.Resources[id].Properties.EnvironmentVariables as Record<string, unknown>;
    const channelKeys = [
      'SECRET_STORE',
      'DINGTALK_WEBHOOK_URL_SECRET_NAME',
      'DINGTALK_SECRET_SECRET_NAME',
      'WEBHOOK_URL_SECRET_NAME',
      'WEBHOOK_TOKEN_SECRET_NAME',
    ];
    for (const key of channelKeys) assert.deepEqual(env('DlqCheckFunction')[key], env('NotifyFunction')[key], key);
    assert.deepEqual(Object.keys(both.Parameters ?? {}).sort(), [
      'DingTalkSecret',
      'DingTalkWebhookUrl',
      'StackRegion',
      'WebhookToken',
      'WebhookUrl',
    ]);
    assert.equal(
      (
        resourcesOfType(both, 'ALIYUN::FC::Trigger').DlqCheckSchedule.Properties.TriggerConfig as {
          cronExpression: string;
        }
      ).cronExpression,
      '@every 60m',
    );
    const statementsOf = (t: Template) =>
      (t.Resources.DlqCheckFunctionRole.Properties.Policies as { PolicyDocument: { Statement: Statement[] } }[])[0]
        .PolicyDocument.Statement;
    assert.ok(statementsOf(both).some((s) => s.Action.includes('oss:ListObjects')));

    const notifyOff = synthRegions({
      notifications: { webhook: true },
      systemEvents: { enabled: false },
      snapshots: { enabled: false },
      slsAlerts: { enabled: false },
    })['ecs-event-ops-cn-hangzhou'] as Template & { Parameters?: Record<string, unknown> };
    assert.equal(notifyOff.Resources.NotifyFunction, undefined);
    assert.deepEqual(Object.keys(notifyOff.Parameters ?? {}).sort(), ['StackRegion', 'WebhookToken', 'WebhookUrl']);
    assert.deepEqual(
      (notifyOff.Resources.DlqCheckFunction.Properties.EnvironmentVariables as Record<string, unknown>)
        .WEBHOOK_URL_SECRET_NAME,
      { 'Fn::GetAtt': ['WebhookUrlStore', 'SecretParameterName'] },
    );
  });

  test('names resources per region, so that account-wide RAM role names do not collide', () => {
    const two = synthRegions({ regions: ['cn-hangzhou', 'ap-southeast-1'], namePrefix: 'ops' });
    assert.equal(
      two['ops-ap-southeast-1'].Resources.SpotDrainFunctionRole.Properties.RoleName,
      'ops-spot-drain-ap-southeast-1',
    );
    assert.equal(
      two['ops-cn-hangzhou'].Resources.SpotDrainFunctionRole.Properties.RoleName,
      'ops-spot-drain-cn-hangzhou',
    );
    assert.match(JSON.stringify(two['ops-ap-southeast-1'].Resources.SpotDrainRule), /acs:fc:ap-southeast-1:/);
  });
});
