import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { createRpcClient, ECS, SLB } from '../../lambda-src/commons/openapi';
import { FakeCloud, parseWorld, TEST_CREDENTIALS } from '../../tools/fake-cloud';
import { INSTANCE_ID, rejection, world } from '../support/harness';

let cloud: FakeCloud | undefined;
afterEach(async () => {
  await cloud?.stop();
  cloud = undefined;
});

describe('fake cloud', () => {
  it('serves DescribeInstances in the real response shape to the real SDK', async () => {
    cloud = await FakeCloud.start({ world: world() });
    const ecs = createRpcClient({
      product: ECS,
      credentials: TEST_CREDENTIALS,
      region: 'cn-hangzhou',
      endpoint: new URL(cloud.url),
    });

    const body = await ecs.call('DescribeInstances', {
      RegionId: 'cn-hangzhou',
      InstanceIds: JSON.stringify([INSTANCE_ID]),
    });

    assert.equal(typeof body.RequestId, 'string');
    assert.equal(body.TotalCount, 1);
    assert.deepEqual(body.Instances, {
      Instance: [
        {
          InstanceId: INSTANCE_ID,
          RegionId: 'cn-hangzhou',
          Status: 'Stopped',
          Tags: { Tag: [{ TagKey: 'auto-restart', TagValue: 'true' }] },
        },
      ],
    });
    assert.deepEqual(cloud.calls(), [
      {
        service: 'ecs',
        action: 'DescribeInstances',
        params: { RegionId: 'cn-hangzhou', InstanceIds: JSON.stringify([INSTANCE_ID]) },
        signed: true,
        securityToken: TEST_CREDENTIALS.securityToken,
        status: 200,
      },
    ]);
  });

  it('tells ECS and SLB apart by API version', async () => {
    cloud = await FakeCloud.start({ world: world() });
    const slb = createRpcClient({
      product: SLB,
      credentials: TEST_CREDENTIALS,
      region: 'cn-hangzhou',
      endpoint: new URL(cloud.url),
    });

    const body = await slb.call('DescribeLoadBalancers', { RegionId: 'cn-hangzhou' });

    assert.equal(body.TotalCount, 0);
    assert.equal(cloud.calls()[0].service, 'slb');
  });

  it('rejects an RPC call signed with the wrong secret with SignatureDoesNotMatch', async () => {
    cloud = await FakeCloud.start({ world: world() });
    const ecs = createRpcClient({
      product: ECS,
      credentials: { ...TEST_CREDENTIALS, accessKeySecret: 'not-the-secret' },
      region: 'cn-hangzhou',
      endpoint: new URL(cloud.url),
    });

    const error = await rejection(ecs.call('DescribeInstances', { RegionId: 'cn-hangzhou' }));

    assert.equal(error.name, 'PermanentError');
    assert.match(error.message, /SignatureDoesNotMatch/);
    assert.equal(cloud.calls()[0].signed, false);
  });

  it('answers injected faults once, then serves normally', async () => {
    cloud = await FakeCloud.start({ world: world() });
    const ecs = createRpcClient({
      product: ECS,
      credentials: TEST_CREDENTIALS,
      region: 'cn-hangzhou',
      endpoint: new URL(cloud.url),
    });
    cloud.failNext('StartInstance', { status: 500, code: 'InternalError' });

    const error = await rejection(ecs.call('StartInstance', { InstanceId: INSTANCE_ID }));
    await ecs.call('StartInstance', { InstanceId: INSTANCE_ID });

    assert.equal(error.name, 'RetryableError');
    assert.equal(cloud.world.instances[0].status, 'Running');
  });

  it('answers unknown instances and wrong states with the real error codes', async () => {
    cloud = await FakeCloud.start({ world: world() });
    const ecs = createRpcClient({
      product: ECS,
      credentials: TEST_CREDENTIALS,
      region: 'cn-hangzhou',
      endpoint: new URL(cloud.url),
    });
    cloud.world.instances[0].status = 'Running';

    const wrongState = await rejection(ecs.call('StartInstance', { InstanceId: INSTANCE_ID }));
    const unknown = await rejection(ecs.call('StartInstance', { InstanceId: 'i-bp1doesnotexist' }));

    assert.match(wrongState.message, /IncorrectInstanceStatus/);
    assert.match(unknown.message, /InvalidInstanceId\.NotFound/);
  });

  it('loads a world file and fills in empty collections', () => {
    const w = parseWorld({ region: 'cn-hangzhou', accountId: '1', instances: [{ id: 'i-a', status: 'Running' }] });

    assert.deepEqual(w.loadBalancers, []);
    assert.deepEqual(w.instances[0].tags, {});
    assert.throws(() => parseWorld({ region: 'cn-hangzhou' }), /world\.accountId: missing/);
  });
});
