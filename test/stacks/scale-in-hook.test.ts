import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { resourcesOfType, synthRegions } from '../support/synth';

const GROUP = 'asg-bp1abcdefghij0123';
const OTHER = 'asg-bp1abcdefghij0456';
const ON = {
  autoScaling: {
    scalingGroups: [{ id: GROUP }, { id: OTHER }],
    protectTag: null,
    scaleInHook: { enabled: true, scalingGroupIds: [GROUP], defaultResult: 'ABANDON', heartbeatTimeoutSeconds: 900 },
  },
};

describe('scale-in-hook stack', () => {
  test('declares nothing for the hook by default', () => {
    const template = synthRegions({ autoScaling: { scalingGroups: [{ id: GROUP }] } })['ecs-event-ops-cn-hangzhou'];

    assert.deepEqual(Object.keys(resourcesOfType(template, 'ALIYUN::ESS::LifecycleHook')), []);
    assert.deepEqual(Object.keys(resourcesOfType(template, 'ALIYUN::MNS::Topic')), []);
    assert.equal(resourcesOfType(template, 'ALIYUN::FC::Function').ScaleInHookFunction, undefined);
  });

  test('declares the hook on the chosen group, notifying a topic whose trigger runs the function with a dead-letter queue', () => {
    const template = synthRegions(ON)['ecs-event-ops-cn-hangzhou'];

    const hooks = resourcesOfType(template, 'ALIYUN::ESS::LifecycleHook');
    assert.deepEqual(Object.keys(hooks), ['ScaleInHookOfasgbp1abcdefghij0123']);
    const hook = hooks.ScaleInHookOfasgbp1abcdefghij0123.Properties as Record<string, unknown>;
    assert.equal(hook.ScalingGroupId, GROUP);
    assert.equal(hook.LifecycleTransition, 'SCALE_IN');
    assert.equal(hook.DefaultResult, 'ABANDON');
    assert.equal(hook.HeartbeatTimeout, 900);
    assert.deepEqual(hook.NotificationArn, {
      'Fn::Join': ['', ['acs:ess:cn-hangzhou:', { Ref: 'ALIYUN::AccountId' }, ':topic/ecs-event-ops-scale-in-hook']],
    });
    assert.deepEqual(resourcesOfType(template, 'ALIYUN::MNS::Topic').ScaleInHookTopic.Properties, {
      TopicName: 'ecs-event-ops-scale-in-hook',
      LoggingEnabled: false,
    });
    const trigger = resourcesOfType(template, 'ALIYUN::FC::Trigger').ScaleInHookTrigger.Properties as Record<
      string,
      unknown
    >;
    assert.equal(trigger.TriggerType, 'mns_topic');
    assert.deepEqual(trigger.SourceArn, { 'Fn::GetAtt': ['ScaleInHookTopic', 'ARN.WithSlash'] });
    assert.deepEqual(trigger.TriggerConfig, { notifyContentFormat: 'JSON', notifyStrategy: 'EXPONENTIAL_DECAY_RETRY' });
    const fn = resourcesOfType(template, 'ALIYUN::FC::Function').ScaleInHookFunction.Properties as Record<
      string,
      unknown
    >;
    assert.match(JSON.stringify(fn.AsyncConfiguration), /ScaleInHookDeadLetterQueue/);
    assert.equal((fn.EnvironmentVariables as Record<string, string>).HOOK_SCALING_GROUP_IDS, GROUP);
    // The drain is spot-drain's, with its settings: drainSeconds 60 by default, so the timeout is at least 90 s.
    assert.equal((fn.EnvironmentVariables as Record<string, string>).DRAIN_SECONDS, '60');
    assert.ok((fn.Timeout as number) >= 90);
    assert.ok(resourcesOfType(template, 'ALIYUN::MNS::Queue').ScaleInHookDeadLetterQueue);
  });

  test('lets the function complete lifecycle actions and snapshot disks, and MNS invoke only this function', () => {
    const template = synthRegions(ON)['ecs-event-ops-cn-hangzhou'];
    const roles = resourcesOfType(template, 'ALIYUN::RAM::Role');
    const text = (id: string) => JSON.stringify(roles[id]);

    assert.match(text('ScaleInHookFunctionRole'), /ess:CompleteLifecycleAction/);
    assert.match(text('ScaleInHookFunctionRole'), /ecs:CreateSnapshot/);
    for (const action of [
      'slb:SetVServerGroupAttribute',
      'alb:UpdateServerGroupServersAttribute',
      'nlb:RemoveServersFromServerGroup',
    ]) {
      assert.match(text('ScaleInHookFunctionRole'), new RegExp(action));
    }
    const invoker = text('ScaleInHookTriggerRole');
    assert.match(invoker, /mns\.aliyuncs\.com/);
    assert.match(invoker, /"fc:InvokeFunction"\]/);
    assert.match(invoker, /:services\/ecs-event-ops-scale-in-hook\/functions\/scale-in-hook"/);
  });

  test('refuses a hook group that is not a configured scaling group', () => {
    assert.throws(
      () =>
        synthRegions({
          autoScaling: { scalingGroups: [{ id: GROUP }], scaleInHook: { enabled: true, scalingGroupIds: [OTHER] } },
        }),
      /autoScaling\.scaleInHook\.scalingGroupIds\[0\]/,
    );
  });
});
