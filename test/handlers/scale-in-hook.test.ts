import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { MalformedEventError } from '../../lambda-src/commons/errors';
import { createScaleInHookHandler } from '../../lambda-src/scale-in-hook';
import { snapshotClientToken, stateKey } from '../../lambda-src/scale-in-hook/core';
import type { FakeCloud, World } from '../../ops/fake-cloud';
import {
  BUCKET,
  context,
  INSTANCE_ID,
  instantRetries,
  logCapture,
  rejection,
  startCloud,
  world,
} from '../support/harness';

const GROUP = 'asg-bp1group000000000001';
const HOOK = 'ash-bp1hook0000000000001';
const TOKEN = '8E2B0E2C-1F5A-4A3D-9C7B-3E6F1A2B4C5D';
const LB = 'lb-bp1balancer000000001';
const VSG = 'rsp-bp1vsg00000000001';
const DATA_DISKS = ['d-bp1data0000000000001', 'd-bp1data0000000000002'];
const FIXTURE = join(__dirname, '..', 'fixtures', 'notifications', 'mns', 'lifecyclehook-scalein.json');

/** The MNS trigger payload of the fixture, with `change` applied to the parsed ESS message. */
function notification(change: (message: Record<string, unknown>) => void = () => {}): Buffer {
  const envelope = JSON.parse(readFileSync(FIXTURE, 'utf8')) as Record<string, unknown>;
  const message = JSON.parse(envelope.Message as string) as Record<string, unknown>;
  change(message);
  return Buffer.from(JSON.stringify({ ...envelope, Message: JSON.stringify(message) }));
}

function hookWorld(overrides: Partial<World> = {}): World {
  return world({
    instances: [{ id: INSTANCE_ID, status: 'Running', tags: {}, diskIds: ['d-bp1system00000000001', ...DATA_DISKS] }],
    loadBalancers: [
      {
        id: LB,
        vServerGroups: [
          {
            id: VSG,
            backendServers: [
              { serverId: INSTANCE_ID, port: 80, weight: 100 },
              { serverId: 'i-bp1other000000000001', port: 80, weight: 100 },
            ],
          },
        ],
      },
    ],
    scalingGroups: [{ id: GROUP, instanceIds: [INSTANCE_ID], protectedInstanceIds: [] }],
    lifecycleActions: [{ lifecycleHookId: HOOK, token: TOKEN, instanceIds: [INSTANCE_ID] }],
    ...overrides,
  });
}

const ENV = {
  HOOK_SCALING_GROUP_IDS: GROUP,
  HOOK_DEFAULT_RESULT: 'ABANDON',
  HEARTBEAT_TIMEOUT_SECONDS: '300',
  SNAPSHOT_DATA_DISKS: 'true',
  SNAPSHOT_RETENTION_DAYS: '30',
  MAX_WAIT_MINUTES: '60',
  // A short drain (spot-drain's DRAIN_SECONDS, default 60) leaves the 60 s test invocation room for snapshot polls.
  DRAIN_SECONDS: '10',
};

let cloud: FakeCloud | undefined;
afterEach(async () => {
  await cloud?.stop();
  cloud = undefined;
});

/** A handler on a simulated clock: `sleep` advances it, so polling never waits for real. */
async function setup(w: World = hookWorld(), env: Record<string, string> = ENV) {
  const started = await startCloud(w, env);
  cloud = started.cloud;
  const logs = logCapture();
  const clock = { now: Date.parse('2026-11-22T02:15:00Z') };
  const handler = createScaleInHookHandler(started.env, {
    log: logs.sink,
    now: () => clock.now,
    sleep: async (ms) => {
      clock.now += ms;
    },
    pollIntervalMs: 15_000,
    retry: instantRetries().retry,
  });
  return { cloud: started.cloud, handler, logs, clock };
}

const rpc = (c: FakeCloud) =>
  c
    .calls()
    .filter((call) => call.service !== 'oss')
    .map((call) => call.action);

/** A function context with a 60 s timeout: room for a few 15 s polls. */
const ctx = () => context('scale-in-hook', { function: { name: 'scale-in-hook', timeout: 60 } });

describe('scale-in-hook', () => {
  it('drains the instance (weight 0, wait, removal), snapshots its data disks, heartbeats while they run, then completes with CONTINUE', async () => {
    const { cloud, handler, logs } = await setup(
      hookWorld({ snapshotBehaviour: { describesUntilDone: 1, failingDiskIds: [] } }),
    );

    const result = await handler(notification(), ctx());

    assert.equal(result.outcome, 'ok');
    assert.equal(result.result, 'CONTINUE');
    assert.equal(result.reason, 'snapshots-accomplished');
    const action = cloud.world.lifecycleActions?.[0];
    assert.equal(action?.status, 'Completed');
    assert.equal(action?.result, 'CONTINUE');
    assert.deepEqual(action?.heartbeats, [300]);
    assert.deepEqual(
      cloud.world.loadBalancers[0].vServerGroups[0].backendServers.map((s) => s.serverId),
      ['i-bp1other000000000001'],
    );
    assert.deepEqual(
      cloud.world.snapshots?.map((s) => [s.diskId, s.status, s.retentionDays]),
      DATA_DISKS.map((d) => [d, 'accomplished', 30]),
    );
    // The drain (commons/drain.ts) discovers the groups of every load balancer kind, then weight 0, wait, removal.
    const drainReads = new Set(['DescribeLoadBalancers', 'DescribeVServerGroups', 'DescribeVServerGroupAttribute']);
    assert.deepEqual(
      rpc(cloud).filter((a) => !drainReads.has(a) && !/^(DescribeLoadBalancerAttribute|List)/.test(a)),
      [
        'SetVServerGroupAttribute',
        'RemoveVServerGroupBackendServers',
        'DescribeDisks',
        'CreateSnapshot',
        'CreateSnapshot',
        'DescribeSnapshots',
        'RecordLifecycleActionHeartbeat',
        'DescribeSnapshots',
        'CompleteLifecycleAction',
      ],
    );
    assert.deepEqual(
      logs.ledger[0]?.calls.map((c) => c.api),
      [
        'SetVServerGroupAttribute',
        'RemoveVServerGroupBackendServers',
        'CreateSnapshot',
        'CreateSnapshot',
        'RecordLifecycleActionHeartbeat',
        'CompleteLifecycleAction',
      ],
    );
    assert.equal(logs.ledger[0]?.decision, 'acted');
  });

  it('in a dry run (autoScaling.dryRun) records the drain, snapshots and completion it would make, and makes none', async () => {
    const { cloud, handler, logs } = await setup(
      hookWorld({ snapshotBehaviour: { describesUntilDone: 1, failingDiskIds: [] } }),
      { ...ENV, SAFETY_DRY_RUN: 'true' },
    );

    const result = await handler(notification(), ctx());

    assert.equal(result.outcome, 'ok');
    const writes = cloud.calls().filter((c) => !/^(Describe|List|Get)/.test(c.action));
    assert.deepEqual(
      writes.map((c) => c.action),
      [],
    );
    assert.notEqual(cloud.world.lifecycleActions?.[0]?.status, 'Completed');
    assert.deepEqual(cloud.world.lifecycleActions?.[0]?.heartbeats ?? [], []);
    assert.equal(cloud.listKeys(BUCKET, 'state/scale-in-hook/').length, 0);
    const [record] = logs.ledger;
    assert.equal(record.decision, 'dry-run');
    assert.ok(record.calls.some((c) => c.api === 'CreateSnapshot' && c.result === 'dry-run'));
    assert.ok(record.calls.some((c) => c.api === 'CompleteLifecycleAction' && c.result === 'dry-run'));
  });

  it('sends the heartbeat with the lower-camel wire names of RecordLifecycleActionHeartbeat', async () => {
    const { cloud, handler } = await setup(
      hookWorld({ snapshotBehaviour: { describesUntilDone: 1, failingDiskIds: [] } }),
    );

    await handler(notification(), ctx());

    const call = cloud.calls('ess').find((c) => c.action === 'RecordLifecycleActionHeartbeat');
    assert.equal(call?.params.lifecycleHookId, HOOK);
    assert.equal(call?.params.lifecycleActionToken, TOKEN);
    assert.equal(call?.params.heartbeatTimeout, '300');
  });

  it('keeps the hook alive and fails retryably when the snapshots outlast the invocation, and the retry completes without new snapshots', async () => {
    const { cloud, handler } = await setup(
      hookWorld({ snapshotBehaviour: { describesUntilDone: 6, failingDiskIds: [] } }),
    );

    const error = await rejection(handler(notification(), ctx()));

    assert.equal(error.name, 'RetryableError');
    assert.match(error.message, /still progressing/);
    assert.equal(cloud.world.lifecycleActions?.[0].status ?? 'Pending', 'Pending');
    assert.ok((cloud.world.lifecycleActions?.[0].heartbeats ?? []).length >= 1);
    assert.equal(cloud.world.snapshots?.length, 2);

    const retried = await handler(notification(), ctx());

    assert.equal(retried.result, 'CONTINUE');
    assert.equal(cloud.world.snapshots?.length, 2, 'no second set of snapshots');
    assert.equal(cloud.calls().filter((c) => c.action === 'CreateSnapshot').length, 2);
    assert.equal(cloud.calls().filter((c) => c.action === 'RemoveVServerGroupBackendServers').length, 1);
    assert.equal(cloud.world.lifecycleActions?.[0].result, 'CONTINUE');
  });

  it('completes with the configured default result when a snapshot fails', async () => {
    const { cloud, handler, logs } = await setup(
      hookWorld({ snapshotBehaviour: { describesUntilDone: 1, failingDiskIds: [DATA_DISKS[1] ?? ''] } }),
    );

    const result = await handler(notification(), ctx());

    assert.equal(result.result, 'ABANDON');
    assert.equal(result.reason, 'snapshot-failed');
    assert.match(String(result.warning), /completed with ABANDON: snapshot-failed/);
    assert.equal(cloud.world.lifecycleActions?.[0].result, 'ABANDON');
    assert.equal(logs.lines[0]?.level, 'warn');
  });

  it('completes with the default result when the snapshots are still running after maxWaitMinutes', async () => {
    const { cloud, handler, clock } = await setup(
      hookWorld({ snapshotBehaviour: { describesUntilDone: 1000, failingDiskIds: [] } }),
      { ...ENV, MAX_WAIT_MINUTES: '5' },
    );
    await rejection(handler(notification(), ctx()));
    clock.now += 5 * 60_000;

    const result = await handler(notification(), ctx());

    assert.equal(result.reason, 'timeout');
    assert.equal(cloud.world.lifecycleActions?.[0].result, 'ABANDON');
  });

  it('completes with the default result when a data disk cannot be snapshotted', async () => {
    const { cloud, handler } = await setup();
    cloud.failNext('CreateSnapshot', { status: 403, code: 'IncorrectDiskStatus' });

    const result = await handler(notification(), ctx());

    assert.equal(result.reason, 'drain-or-snapshot-failed');
    assert.equal(cloud.world.lifecycleActions?.[0].result, 'ABANDON');
  });

  it('answers a redelivered notification of a completed action as a duplicate, without any cloud call', async () => {
    const { cloud, handler } = await setup();
    await handler(notification(), ctx());
    const before = rpc(cloud).length;

    const again = await handler(notification(), ctx());

    assert.equal(again.outcome, 'duplicate');
    assert.equal(rpc(cloud).length, before);
  });

  it('creates each snapshot with a ClientToken of the action and the disk, so ECS makes one per disk', async () => {
    const { cloud, handler } = await setup();

    await handler(notification(), ctx());

    const tokens = cloud
      .calls('ecs')
      .filter((c) => c.action === 'CreateSnapshot')
      .map((c) => c.params.ClientToken);
    assert.deepEqual(
      tokens,
      DATA_DISKS.map((d) => snapshotClientToken(TOKEN, d)),
    );
    const state = cloud.calls('oss').find((c) => c.action === 'PutObject');
    assert.equal(state?.params.key, stateKey(HOOK, TOKEN));
    assert.equal(state?.params.bucket, BUCKET);
  });

  it('reads the lifecycle fields at the top level of the message as well as under content', async () => {
    const { cloud, handler } = await setup();

    const result = await handler(
      notification((m) => {
        Object.assign(m, m.content);
        delete m.content;
      }),
      ctx(),
    );

    assert.equal(result.result, 'CONTINUE');
    assert.equal(cloud.world.lifecycleActions?.[0].status, 'Completed');
  });

  it('skips a group it does not watch without completing the action', async () => {
    const { cloud, handler } = await setup();

    const result = await handler(
      notification((m) => {
        (m.content as Record<string, unknown>).scalingGroupId = 'asg-bp1othergroup0000001';
      }),
      ctx(),
    );

    assert.equal(result.outcome, 'skipped');
    assert.equal(result.reason, 'group-not-watched');
    assert.deepEqual(rpc(cloud), []);
  });

  it('refuses a hostile message before any call, naming the field', async () => {
    const { cloud, handler } = await setup();

    const error = await rejection(
      handler(
        notification((m) => {
          (m.content as Record<string, unknown>).instanceIds = ['i-bp1abc/../../x'];
        }),
        ctx(),
      ),
    );

    assert.ok(error instanceof MalformedEventError);
    assert.match(
      error.message,
      /"Message.content.instanceIds": \["i-bp1abc\/..\/..\/x"\] is not a list of 1 to 1000 instance ids/,
    );
    assert.deepEqual(cloud.calls(), []);
  });

  it('refuses a notification of a topic of another account before any call', async () => {
    const { cloud, handler } = await setup();
    const envelope = JSON.parse(notification().toString()) as Record<string, unknown>;

    const error = await rejection(handler(Buffer.from(JSON.stringify({ ...envelope, TopicOwner: '999' })), ctx()));

    assert.equal(error.name, 'ForeignEventError');
    assert.match(error.message, /"TopicOwner" names account "999"/);
    assert.deepEqual(cloud.calls(), []);
  });
});
