import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { createFcHandler } from '../../lambda-src/commons/handler';
import { spec } from '../../lambda-src/scale-out';
import type { FakeCloud, World } from '../../ops/fake-cloud';
import {
  BUCKET,
  context,
  failEveryAttempt,
  fixture,
  INSTANCE_ID,
  instantRetries,
  logCapture,
  payload,
  rejection,
  startCloud,
  variantOf,
  world,
} from '../support/harness';

const GROUP = 'asg-bp1group000000000001';
const ACTIVITY = 'asa-bp1activity000000001';
const POLICY = 'sp-bp1policy0000000001';
const UNTAGGED = 'i-bp1abcdefghij0123457';
const OLD = 'i-bp1abcdefghij0123458';
const SCALE_OUT = payload(fixture('acs.ess', 'scalingactivity-scaleoutsuccess'));

function scaleWorld(): World {
  return world({
    instances: [
      { id: INSTANCE_ID, status: 'Running', tags: { protect: 'true' }, diskIds: ['d-bp1sys0001', 'd-bp1data0001'] },
      { id: UNTAGGED, status: 'Running', tags: {}, diskIds: ['d-bp1sys0002'] },
      { id: OLD, status: 'Running', tags: { protect: 'true' }, diskIds: ['d-bp1sys0003'] },
    ],
    scalingGroups: [
      {
        id: GROUP,
        instanceIds: [INSTANCE_ID, UNTAGGED, OLD],
        protectedInstanceIds: [],
        activities: [{ id: ACTIVITY, instanceIds: [INSTANCE_ID, UNTAGGED] }],
      },
    ],
    autoSnapshotPolicies: [{ id: POLICY, diskIds: [] }],
  });
}

const FULL_ENV = {
  SCALING_GROUP_IDS: `${GROUP}, asg-bp1group000000000009`,
  PROTECT_TAG_KEY: 'protect',
  PROTECT_TAG_VALUE: 'true',
  SNAPSHOT_POLICY_ID: POLICY,
};

let cloud: FakeCloud | undefined;
afterEach(async () => {
  await cloud?.stop();
  cloud = undefined;
});

async function setup(env: Record<string, string> = FULL_ENV, w: World = scaleWorld()) {
  const started = await startCloud(w, env);
  cloud = started.cloud;
  const logs = logCapture();
  const handler = createFcHandler(spec, started.env, { log: logs.sink, retry: instantRetries().retry });
  return { cloud: started.cloud, handler, logs };
}

const actions = (c: FakeCloud) =>
  c
    .calls()
    .filter((call) => call.service !== 'oss')
    .map((call) => call.action);

describe('scale-out', () => {
  it('protects the tagged joined instance and applies the snapshot policy to every disk of every joined instance', async () => {
    const { cloud, handler, logs } = await setup();

    const result = await handler(SCALE_OUT, context('scale-out'));

    assert.equal(result.outcome, 'ok');
    assert.equal(result.instancesFrom, 'DescribeScalingInstances');
    assert.deepEqual(result.joined, [INSTANCE_ID, UNTAGGED]);
    assert.deepEqual(result.protected, [INSTANCE_ID]);
    assert.deepEqual(result.notTagged, [UNTAGGED]);
    assert.deepEqual(result.disksWithPolicy, [
      { instanceId: INSTANCE_ID, diskIds: ['d-bp1sys0001', 'd-bp1data0001'] },
      { instanceId: UNTAGGED, diskIds: ['d-bp1sys0002'] },
    ]);
    assert.deepEqual(cloud.world.scalingGroups[0].protectedInstanceIds, [INSTANCE_ID]);
    assert.deepEqual(cloud.world.autoSnapshotPolicies?.[0].diskIds, ['d-bp1sys0001', 'd-bp1data0001', 'd-bp1sys0002']);
    assert.deepEqual(actions(cloud), [
      'DescribeScalingInstances',
      'DescribeInstances',
      'DescribeScalingInstances',
      'SetInstancesProtection',
      'DescribeDisks',
      'ApplyAutoSnapshotPolicy',
      'DescribeDisks',
      'ApplyAutoSnapshotPolicy',
    ]);
    const byActivity = cloud.calls('ess')[0];
    assert.equal(byActivity.params.ScalingGroupId, GROUP);
    assert.equal(byActivity.params.ScalingActivityId, ACTIVITY);
    const apply = cloud.calls('ecs').find((c) => c.action === 'ApplyAutoSnapshotPolicy');
    assert.equal(apply?.params.autoSnapshotPolicyId, POLICY);
    assert.equal(apply?.params.diskIds, JSON.stringify(['d-bp1sys0001', 'd-bp1data0001']));
    assert.ok(cloud.calls().every((c) => c.signed && c.securityToken === 'test-security-token'));
    assert.equal(logs.lines.length, 1);
    assert.deepEqual(logs.lines[0].protected, [INSTANCE_ID]);
  });

  it('uses data.instanceIds when the event lists them', async () => {
    const { cloud, handler } = await setup();
    const event = variantOf('acs.ess', 'scalingactivity-scaleoutsuccess', (e) => {
      e.data!.instanceIds = [OLD];
    });

    const result = await handler(event, context('scale-out'));

    assert.equal(result.instancesFrom, 'event');
    assert.deepEqual(result.protected, [OLD]);
    assert.ok(!cloud.calls('ess').some((c) => c.params.ScalingActivityId !== undefined));
  });

  it('finds the group of an event that names only the activity with DescribeScalingActivities', async () => {
    const { cloud, handler } = await setup();
    const event = variantOf('acs.ess', 'scalingactivity-scaleoutsuccess', (e) => {
      delete e.data!.scalingGroupId;
    });

    const result = await handler(event, context('scale-out'));

    assert.equal(result.scalingGroupId, GROUP);
    const describe = cloud.calls('ess')[0];
    assert.equal(describe.action, 'DescribeScalingActivities');
    assert.equal(describe.params['ScalingActivityIds.1'], ACTIVITY);
  });

  it('fails permanently when an activity-only event names an unknown activity', async () => {
    const { handler } = await setup();
    const event = variantOf('acs.ess', 'scalingactivity-scaleoutsuccess', (e) => {
      delete e.data!.scalingGroupId;
      e.data!.scalingActivityId = 'asa-bp1unknown00000001';
    });

    const error = await rejection(handler(event, context('scale-out')));

    assert.equal(error.name, 'PermanentError');
    assert.match(error.message, /asa-bp1unknown00000001 was not found/);
  });

  it('skips a group that is not in SCALING_GROUP_IDS without calling anything', async () => {
    const { cloud, handler } = await setup({ ...FULL_ENV, SCALING_GROUP_IDS: 'asg-bp1group000000000009' });

    const result = await handler(SCALE_OUT, context('scale-out'));

    assert.equal(result.outcome, 'skipped');
    assert.equal(result.reason, 'group-not-watched');
    assert.deepEqual(actions(cloud), []);
  });

  it('skips scaling activities other than a scale-out success', async () => {
    const { cloud, handler } = await setup();

    const result = await handler(payload(fixture('acs.ess', 'scalingactivity-scaleinsuccess')), context('scale-out'));

    assert.equal(result.reason, 'not-a-scale-out-success');
    assert.deepEqual(actions(cloud), []);
  });

  it('only applies the snapshot policy when no protect tag is configured, and only protects without a policy', async () => {
    const policyOnly = await setup({ SCALING_GROUP_IDS: GROUP, SNAPSHOT_POLICY_ID: POLICY });
    const first = await policyOnly.handler(SCALE_OUT, context('scale-out'));
    assert.deepEqual(first.protected, []);
    assert.equal(first.notTagged, null);
    assert.ok(!actions(policyOnly.cloud).includes('SetInstancesProtection'));
    await policyOnly.cloud.stop();

    const protectOnly = await setup({
      SCALING_GROUP_IDS: GROUP,
      PROTECT_TAG_KEY: 'protect',
      PROTECT_TAG_VALUE: 'true',
    });
    const second = await protectOnly.handler(SCALE_OUT, context('scale-out'));
    assert.deepEqual(second.protected, [INSTANCE_ID]);
    assert.equal(second.snapshotPolicyId, null);
    assert.ok(!actions(protectOnly.cloud).includes('DescribeDisks'));
  });

  it('does not protect an instance again that is already protected', async () => {
    const w = scaleWorld();
    w.scalingGroups[0].protectedInstanceIds = [INSTANCE_ID];
    const { cloud, handler } = await setup(FULL_ENV, w);

    const result = await handler(SCALE_OUT, context('scale-out'));

    assert.deepEqual(result.protected, [INSTANCE_ID]);
    assert.ok(!actions(cloud).includes('SetInstancesProtection'));
  });

  it('fails permanently when the snapshot policy does not exist, without an idempotency marker', async () => {
    const { cloud, handler, logs } = await setup({ ...FULL_ENV, SNAPSHOT_POLICY_ID: 'sp-bp1missing000000001' });

    const error = await rejection(handler(SCALE_OUT, context('scale-out')));

    assert.equal(error.name, 'PermanentError');
    assert.match(error.message, /InvalidAutoSnapshotPolicyId\.NotFound/);
    assert.equal(logs.lines[0].errorCode, 'InvalidAutoSnapshotPolicyId.NotFound');
    assert.equal(cloud.listKeys(BUCKET, 'idempotency/').length, 0);
  });

  it('fails with a RetryableError when ESS throttles, and a retry completes the work', async () => {
    const { cloud, handler } = await setup();
    failEveryAttempt(cloud, 'SetInstancesProtection', { status: 400, code: 'Throttling' });

    const error = await rejection(handler(SCALE_OUT, context('scale-out')));
    const retry = await handler(SCALE_OUT, context('scale-out'));

    assert.equal(error.name, 'RetryableError');
    assert.equal(retry.outcome, 'ok');
    assert.deepEqual(cloud.world.scalingGroups[0].protectedInstanceIds, [INSTANCE_ID]);
  });

  it('fails permanently on Forbidden.RAM from DescribeDisks', async () => {
    const { cloud, handler } = await setup();
    cloud.failNext('DescribeDisks', { status: 403, code: 'Forbidden.RAM' });

    const error = await rejection(handler(SCALE_OUT, context('scale-out')));

    assert.equal(error.name, 'PermanentError');
  });

  it('answers a repeated delivery as duplicate', async () => {
    const { cloud, handler } = await setup();
    await handler(SCALE_OUT, context('scale-out'));
    const before = actions(cloud).length;

    const second = await handler(SCALE_OUT, context('scale-out'));

    assert.equal(second.outcome, 'duplicate');
    assert.equal(actions(cloud).length, before);
  });

  it('refuses malformed scaling events and events of other products before any call', async () => {
    const { cloud, handler } = await setup();
    const badGroup = variantOf('acs.ess', 'scalingactivity-scaleoutsuccess', (e) => {
      e.data!.scalingGroupId = 'sg-123';
    });
    const noIds = variantOf('acs.ess', 'scalingactivity-scaleoutsuccess', (e) => {
      e.data = {};
    });

    const first = await rejection(handler(badGroup, context('scale-out')));
    const second = await rejection(handler(noIds, context('scale-out')));
    const third = await rejection(
      handler(payload(fixture('acs.ecs', 'instance-statechange-stopped')), context('scale-out')),
    );

    assert.equal(first.name, 'MalformedEventError');
    assert.match(first.message, /"data\.scalingGroupId": "sg-123" is not a scaling group id/);
    assert.match(second.message, /are both missing/);
    assert.equal(third.name, 'PermanentError');
    assert.deepEqual(cloud.calls(), []);
  });

  it('refuses a missing SCALING_GROUP_IDS, a half-set protect tag and a bad policy id at container start', async () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{}, /"SCALING_GROUP_IDS" is not set/],
      [{ SCALING_GROUP_IDS: 'group-1' }, /"group-1", which is not a scaling group id/],
      [{ SCALING_GROUP_IDS: GROUP, PROTECT_TAG_KEY: 'protect' }, /must be set together/],
      [
        { SCALING_GROUP_IDS: GROUP, SNAPSHOT_POLICY_ID: 'policy-1' },
        /"policy-1" is not an automatic snapshot policy id/,
      ],
    ];
    for (const [env, message] of cases) {
      const handler = createFcHandler(spec, { ARCHIVE_BUCKET: BUCKET, ...env }, { log: () => {} });
      const error = await rejection(handler(SCALE_OUT, context('scale-out')));
      assert.equal(error.name, 'ConfigurationError');
      assert.match(error.message, message);
    }
  });
});
