import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { createRpcClient, ECS, KMS, OOS, SLB } from '../../lambda-src/commons/openapi';
import { DEFAULT_RETRY_POLICY, DEFAULT_RETRY_SCOPE, withRetryScope } from '../../lambda-src/commons/retry';
import { FakeCloud, parseWorld, TEST_CREDENTIALS } from '../../ops/fake-cloud';
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

  it('serves OOS GetSecretParameter (decrypted only on request) and KMS GetSecretValue, and refuses a bad signature', async () => {
    cloud = await FakeCloud.start({ world: world() });
    cloud.secrets.parameters.set('eeo-token', 'oos-value');
    cloud.secrets.kmsSecrets.set('eeo-token', 'kms-value');
    const client = (product: typeof OOS, secret = TEST_CREDENTIALS.accessKeySecret) =>
      createRpcClient({
        product,
        credentials: { ...TEST_CREDENTIALS, accessKeySecret: secret },
        region: 'cn-hangzhou',
        // Clients are cached per key id and endpoint: the forged one gets its own (same server, other host name).
        endpoint: new URL(
          secret === 'forged' ? (cloud as FakeCloud).url.replace('127.0.0.1', 'localhost') : (cloud as FakeCloud).url,
        ),
      });

    const forged = await rejection(
      client(OOS, 'forged').call('GetSecretParameter', { Name: 'eeo-token', WithDecryption: true }),
    );
    const decrypted = await client(OOS).call('GetSecretParameter', { Name: 'eeo-token', WithDecryption: true });
    const encrypted = await client(OOS).call('GetSecretParameter', { Name: 'eeo-token' });
    const kms = await client(KMS).call('GetSecretValue', { SecretName: 'eeo-token' });
    const missing = await rejection(client(OOS).call('GetSecretParameter', { Name: 'nope', WithDecryption: true }));

    assert.equal((decrypted.Parameter as Record<string, unknown>).Value, 'oos-value');
    assert.equal((encrypted.Parameter as Record<string, unknown>).Value, null);
    assert.equal(kms.SecretData, 'kms-value');
    assert.match(missing.message, /EntityNotExists\.SecretParameter/);
    assert.match(forged.message, /SignatureDoesNotMatch/);
    assert.deepEqual(
      cloud.calls().map((c) => [c.service, c.action, c.signed, c.status]),
      [
        ['oos', 'GetSecretParameter', false, 400],
        ['oos', 'GetSecretParameter', true, 200],
        ['oos', 'GetSecretParameter', true, 200],
        ['kms', 'GetSecretValue', true, 200],
        ['oos', 'GetSecretParameter', true, 404],
      ],
    );
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

    // One attempt per call: the fault is answered to this call, the next call is served.
    const once = { ...DEFAULT_RETRY_SCOPE, policy: { ...DEFAULT_RETRY_POLICY, attempts: 1 } };
    const error = await rejection(withRetryScope(once, () => ecs.call('StartInstance', { InstanceId: INSTANCE_ID })));
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
