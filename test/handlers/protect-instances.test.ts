import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { createProtectHandler, responseBody } from '../../lambda-src/protect-instances';
import { FakeCloud, type World } from '../../ops/fake-cloud';
import { context, INSTANCE_ID, logCapture, payload, rejection, world } from '../support/harness';
import { HttpSink } from '../support/http-sink';

const GROUP = 'asg-bp1group000000000001';
const OTHER_GROUP = 'asg-bp1group000000000002';
const I2 = 'i-bp1abcdefghij0123457';
const I3 = 'i-bp1abcdefghij0123458';
const STRANGER = 'i-bp1notinthegroup00001';

type Request = Record<string, unknown> & { ResourceProperties: Record<string, unknown> };

/** The Create request fixture, pointed at the sink; `change` builds other requests from it. */
function request(sink: HttpSink, change: (r: Request) => void = () => {}): Buffer {
  const file = join(__dirname, '..', 'fixtures', 'custom-resource', 'protect-instances-create.json');
  const r = JSON.parse(readFileSync(file, 'utf8')) as Request;
  r.ResponseURL = sink.url('/ros/response?signature=abc');
  r.IntranetResponseURL = sink.url('/ros/intranet-response?signature=abc');
  change(r);
  return payload(r);
}

function groups(): World['scalingGroups'] {
  return [
    { id: GROUP, instanceIds: [INSTANCE_ID, I2, I3], protectedInstanceIds: [] },
    { id: OTHER_GROUP, instanceIds: [STRANGER], protectedInstanceIds: [] },
  ];
}

let cloud: FakeCloud | undefined;
let sink: HttpSink | undefined;
afterEach(async () => {
  await cloud?.stop();
  await sink?.stop();
  cloud = undefined;
  sink = undefined;
});

async function setup(scalingGroups = groups()) {
  cloud = await FakeCloud.start({ world: world({ scalingGroups }) });
  sink = await HttpSink.start({ status: 200, body: '{}' });
  const logs = logCapture();
  const waits: number[] = [];
  const handler = createProtectHandler(
    { EEO_ESS_ENDPOINT: cloud.url },
    { log: logs.sink, sleep: async (ms) => void waits.push(ms) },
  );
  return { cloud, sink, handler, logs, waits };
}

const answers = (s: HttpSink) => s.requests.map((r) => JSON.parse(r.body) as Record<string, unknown>);
const essActions = (c: FakeCloud) => c.calls('ess').map((call) => call.action);

describe('protect-instances', () => {
  it('protects every listed instance on Create and answers SUCCESS with a stable physical id', async () => {
    const { cloud, sink, handler, logs } = await setup();

    await handler(request(sink), context('protect-instances'));

    assert.deepEqual(cloud.world.scalingGroups[0].protectedInstanceIds, [INSTANCE_ID, I2]);
    assert.deepEqual(essActions(cloud), ['DescribeScalingInstances', 'SetInstancesProtection']);
    const [describe, set] = cloud.calls('ess');
    assert.equal(describe.params.ScalingGroupId, GROUP);
    assert.deepEqual([describe.params['InstanceIds.1'], describe.params['InstanceIds.2']], [INSTANCE_ID, I2]);
    assert.equal(set.params.ProtectedFromScaleIn, 'true');
    assert.deepEqual([set.params['InstanceIds.1'], set.params['InstanceIds.2']], [INSTANCE_ID, I2]);
    assert.ok(cloud.calls('ess').every((c) => c.signed && c.securityToken === 'test-security-token'));
    // The answer: POST, JSON, Date header, the request's ids copied.
    assert.equal(sink.requests.length, 1);
    const sent = sink.requests[0];
    assert.equal(sent.method, 'POST');
    assert.equal(sent.url.pathname, '/ros/response');
    assert.equal(sent.headers['content-type'], 'application/json');
    assert.ok(!Number.isNaN(Date.parse(String(sent.headers.date))));
    assert.deepEqual(JSON.parse(sent.body), {
      Status: 'SUCCESS',
      PhysicalResourceId: `protection/${GROUP}`,
      StackId: '8acc3dcd-cf48-4fa1-863e-7c767b61fe42',
      RequestId: 'B288A0BE-D927-4888-B0F7-B35EF84B6E6F',
      LogicalResourceId: 'InstanceProtection',
      Data: { ScalingGroupId: GROUP },
    });
    assert.equal(logs.lines.length, 1);
    assert.equal(logs.lines[0].status, 'SUCCESS');
    assert.deepEqual(logs.lines[0].protected, [INSTANCE_ID, I2]);
  });

  it('answers FAILED naming the instance that is not in the group, and protects nothing', async () => {
    const { cloud, sink, handler, logs } = await setup();

    await handler(
      request(sink, (r) => {
        r.ResourceProperties.InstanceIds = [INSTANCE_ID, STRANGER];
      }),
      context('protect-instances'),
    );

    const [answer] = answers(sink);
    assert.equal(answer.Status, 'FAILED');
    assert.equal(answer.Reason, `instance ${STRANGER} is not in scaling group ${GROUP}`);
    assert.equal(answer.PhysicalResourceId, 'protection-failed/B288A0BE-D927-4888-B0F7-B35EF84B6E6F');
    assert.deepEqual(essActions(cloud), ['DescribeScalingInstances']);
    assert.deepEqual(cloud.world.scalingGroups[0].protectedInstanceIds, []);
    assert.equal(logs.lines[0].level, 'warn');
  });

  it('does nothing on the rollback Delete of a failed Create, so it never unprotects what it did not protect', async () => {
    const { cloud, sink, handler } = await setup();
    cloud.world.scalingGroups[0].protectedInstanceIds = [INSTANCE_ID];

    await handler(
      request(sink, (r) => {
        r.RequestType = 'Delete';
        r.PhysicalResourceId = 'protection-failed/B288A0BE-D927-4888-B0F7-B35EF84B6E6F';
      }),
      context('protect-instances'),
    );

    assert.equal(answers(sink)[0].Status, 'SUCCESS');
    assert.deepEqual(cloud.calls('ess'), []);
    assert.deepEqual(cloud.world.scalingGroups[0].protectedInstanceIds, [INSTANCE_ID]);
  });

  it('answers a resent Create again without protecting twice', async () => {
    const { cloud, sink, handler } = await setup();
    await handler(request(sink), context('protect-instances'));

    await handler(request(sink), context('protect-instances'));

    assert.deepEqual(
      answers(sink).map((a) => a.Status),
      ['SUCCESS', 'SUCCESS'],
    );
    assert.equal(essActions(cloud).filter((a) => a === 'SetInstancesProtection').length, 1);
  });

  it('protects at most 20 instances per SetInstancesProtection call', async () => {
    const many = Array.from({ length: 25 }, (_, i) => `i-bp1many${String(i).padStart(13, '0')}`);
    const { cloud, sink, handler } = await setup([{ id: GROUP, instanceIds: many, protectedInstanceIds: [] }]);

    await handler(
      request(sink, (r) => {
        r.ResourceProperties.InstanceIds = many;
      }),
      context('protect-instances'),
    );

    const sets = cloud.calls('ess').filter((c) => c.action === 'SetInstancesProtection');
    assert.deepEqual(
      sets.map((c) => Object.keys(c.params).filter((k) => k.startsWith('InstanceIds.')).length),
      [20, 5],
    );
    assert.equal(cloud.world.scalingGroups[0].protectedInstanceIds.length, 25);
    assert.equal(answers(sink)[0].Status, 'SUCCESS');
  });

  it('on Update protects the added instance, unprotects the removed one, and keeps the physical id', async () => {
    const { cloud, sink, handler } = await setup();
    cloud.world.scalingGroups[0].protectedInstanceIds = [INSTANCE_ID, I2];

    await handler(
      request(sink, (r) => {
        r.RequestType = 'Update';
        r.PhysicalResourceId = `protection/${GROUP}`;
        r.OldResourceProperties = { ...r.ResourceProperties };
        r.ResourceProperties = { ...r.ResourceProperties, InstanceIds: [INSTANCE_ID, I3] };
      }),
      context('protect-instances'),
    );

    assert.deepEqual(cloud.world.scalingGroups[0].protectedInstanceIds.sort(), [INSTANCE_ID, I3].sort());
    const [answer] = answers(sink);
    assert.equal(answer.Status, 'SUCCESS');
    assert.equal(answer.PhysicalResourceId, `protection/${GROUP}`);
    const unprotect = cloud
      .calls('ess')
      .find((c) => c.action === 'SetInstancesProtection' && c.params.ProtectedFromScaleIn === 'false');
    assert.equal(unprotect?.params['InstanceIds.1'], I2);
  });

  it('on Update to another group unprotects every old instance in the old group', async () => {
    const { cloud, sink, handler } = await setup();
    cloud.world.scalingGroups[0].protectedInstanceIds = [INSTANCE_ID, I2];

    await handler(
      request(sink, (r) => {
        r.RequestType = 'Update';
        r.PhysicalResourceId = `protection/${GROUP}`;
        r.OldResourceProperties = { ...r.ResourceProperties };
        r.ResourceProperties = { ScalingGroupId: OTHER_GROUP, InstanceIds: [STRANGER] };
      }),
      context('protect-instances'),
    );

    assert.deepEqual(cloud.world.scalingGroups[0].protectedInstanceIds, []);
    assert.deepEqual(cloud.world.scalingGroups[1].protectedInstanceIds, [STRANGER]);
    assert.equal(answers(sink)[0].PhysicalResourceId, `protection/${GROUP}`);
  });

  it('refuses an Update to an instance outside the group before changing anything', async () => {
    const { cloud, sink, handler } = await setup();
    cloud.world.scalingGroups[0].protectedInstanceIds = [INSTANCE_ID, I2];

    await handler(
      request(sink, (r) => {
        r.RequestType = 'Update';
        r.PhysicalResourceId = `protection/${GROUP}`;
        r.OldResourceProperties = { ...r.ResourceProperties };
        r.ResourceProperties = { ...r.ResourceProperties, InstanceIds: [STRANGER] };
      }),
      context('protect-instances'),
    );

    const [answer] = answers(sink);
    assert.equal(answer.Status, 'FAILED');
    assert.equal(answer.PhysicalResourceId, `protection/${GROUP}`);
    assert.deepEqual(cloud.world.scalingGroups[0].protectedInstanceIds, [INSTANCE_ID, I2]);
  });

  it('on Delete unprotects the instances still in the group and is fine with one that is gone', async () => {
    const { cloud, sink, handler } = await setup();
    cloud.world.scalingGroups[0].protectedInstanceIds = [INSTANCE_ID];
    cloud.world.scalingGroups[0].instanceIds = [INSTANCE_ID, I3];

    await handler(
      request(sink, (r) => {
        r.RequestType = 'Delete';
        r.PhysicalResourceId = `protection/${GROUP}`;
      }),
      context('protect-instances'),
    );

    assert.equal(answers(sink)[0].Status, 'SUCCESS');
    assert.deepEqual(cloud.world.scalingGroups[0].protectedInstanceIds, []);
  });

  it('on Delete answers SUCCESS when the scaling group itself is gone', async () => {
    const { sink, handler } = await setup([]);

    await handler(
      request(sink, (r) => {
        r.RequestType = 'Delete';
        r.PhysicalResourceId = `protection/${GROUP}`;
      }),
      context('protect-instances'),
    );

    assert.equal(answers(sink)[0].Status, 'SUCCESS');
  });

  it('retries throttling inside the invocation and then succeeds', async () => {
    const { cloud, sink, handler, waits } = await setup();
    cloud.failNext('SetInstancesProtection', { status: 400, code: 'Throttling.User' });

    await handler(request(sink), context('protect-instances'));

    assert.equal(answers(sink)[0].Status, 'SUCCESS');
    // One jittered backoff of the call itself (under the 200 ms base), no retry of the whole operation.
    assert.equal(waits.length, 1);
    assert.ok(waits[0] >= 0 && waits[0] < 200);
    assert.equal(cloud.calls('ess').filter((c) => c.action === 'SetInstancesProtection').length, 2);
    assert.deepEqual(cloud.world.scalingGroups[0].protectedInstanceIds, [INSTANCE_ID, I2]);
  });

  it('answers FAILED with the API error as the reason when access is denied, without retrying', async () => {
    const { cloud, sink, handler, waits } = await setup();
    cloud.failNext('DescribeScalingInstances', { status: 403, code: 'Forbidden.RAM', message: 'not authorized' });

    await handler(request(sink), context('protect-instances'));

    const [answer] = answers(sink);
    assert.equal(answer.Status, 'FAILED');
    assert.match(String(answer.Reason), /ess:DescribeScalingInstances failed \(Forbidden\.RAM, HTTP 403/);
    assert.deepEqual(waits, []);
  });

  it('answers FAILED with a clear reason when the properties are wrong', async () => {
    const { cloud, sink, handler } = await setup();

    await handler(
      request(sink, (r) => {
        r.ResourceProperties = { ScalingGroupId: 'sg-123', InstanceIds: [INSTANCE_ID] };
      }),
      context('protect-instances'),
    );

    assert.equal(
      answers(sink)[0].Reason,
      'ResourceProperties.ScalingGroupId: "sg-123" is not a scaling group id (asg-…)',
    );
    assert.deepEqual(cloud.calls(), []);
  });

  it('answers FAILED, not nothing, when the ESS endpoint override is invalid', async () => {
    sink = await HttpSink.start();
    const handler = createProtectHandler({ EEO_ESS_ENDPOINT: 'not a url' }, { log: () => {} });

    await handler(request(sink), context('protect-instances'));

    assert.equal(answers(sink)[0].Status, 'FAILED');
    assert.match(String(answers(sink)[0].Reason), /EEO_ESS_ENDPOINT/);
  });

  it('retries a 500 from the response URL and falls back to the intranet URL when the public one refuses', async () => {
    const { sink, handler } = await setup();
    sink.answerNext({ status: 500, body: 'oops' });
    sink.answerNext({ status: 500, body: 'oops' });
    sink.answerNext({ status: 403, body: 'expired' });

    await handler(request(sink), context('protect-instances'));

    assert.deepEqual(
      sink.requests.map((r) => r.url.pathname),
      ['/ros/response', '/ros/response', '/ros/response', '/ros/intranet-response'],
    );
  });

  it('throws a RetryableError when no response URL can be reached, so FC runs the request again', async () => {
    const { handler, logs } = await setup();

    const error = await rejection(
      handler(
        request(sink as HttpSink, (r) => {
          r.ResponseURL = 'http://127.0.0.1:9/unreachable';
          delete r.IntranetResponseURL;
        }),
        context('protect-instances'),
      ),
    );

    assert.equal(error.name, 'RetryableError');
    assert.equal(logs.lines[0].outcome, 'response-failed');
  });

  it('fails without answering only when the request has no usable ResponseURL', async () => {
    const { cloud, handler } = await setup();

    const missing = await rejection(
      handler(
        request(sink as HttpSink, (r) => {
          delete r.ResponseURL;
        }),
        context('protect-instances'),
      ),
    );
    const plain = await rejection(
      handler(
        request(sink as HttpSink, (r) => {
          r.ResponseURL = 'http://ros.example.com/response';
        }),
        context('protect-instances'),
      ),
    );

    assert.equal(missing.name, 'MalformedEventError');
    assert.match(missing.message, /"ResponseURL" is missing/);
    assert.match(plain.message, /only https/);
    assert.deepEqual(cloud.calls(), []);
  });

  it('keeps the response body within 4096 bytes', () => {
    const body = responseBody({
      Status: 'FAILED',
      Reason: 'x'.repeat(10_000),
      PhysicalResourceId: 'protection-failed/r',
      StackId: 's',
      RequestId: 'r',
      LogicalResourceId: 'l',
    });

    assert.ok(Buffer.byteLength(body) <= 4096);
    assert.equal(JSON.parse(body).Status, 'FAILED');
  });
});
