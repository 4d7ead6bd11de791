import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { IDEMPOTENCY_WINDOW_SECONDS } from '../../contract/retention';
import { spec } from '../../lambda-src/auto-restart';
import { createFcHandler } from '../../lambda-src/commons/handler';
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

const STOPPED = payload(fixture('acs.ecs', 'instance-statechange-stopped'));
const STOPPED_CMS = payload(fixture('acs.ecs', 'instance-statechange-stopped.cms'));

let cloud: FakeCloud | undefined;
afterEach(async () => {
  await cloud?.stop();
  cloud = undefined;
});

async function setup(w: World = world(), extraEnv: Record<string, string> = {}, now?: () => number) {
  const started = await startCloud(w, extraEnv);
  cloud = started.cloud;
  const logs = logCapture();
  const { retry, waits } = instantRetries();
  const handler = createFcHandler(spec, started.env, { log: logs.sink, now, retry });
  return { cloud: started.cloud, handler, logs, waits };
}

const ecsActions = (c: FakeCloud) => c.calls('ecs').map((call) => call.action);

describe('auto-restart', () => {
  it('starts an opted-in stopped instance, with signed requests carrying the STS token', async () => {
    const { cloud, handler, logs } = await setup();

    const result = await handler(STOPPED, context('auto-restart'));

    assert.equal(result.outcome, 'ok');
    assert.equal(result.action, 'started');
    assert.deepEqual(ecsActions(cloud), ['DescribeInstances', 'StartInstance']);
    const [describe, start] = cloud.calls('ecs');
    assert.equal(describe.params.RegionId, 'cn-hangzhou');
    assert.equal(describe.params.InstanceIds, JSON.stringify([INSTANCE_ID]));
    assert.equal(start.params.InstanceId, INSTANCE_ID);
    for (const call of cloud.calls()) {
      assert.equal(call.signed, true, `${call.service}:${call.action} was signed`);
      assert.equal(call.securityToken, 'test-security-token');
    }
    assert.equal(cloud.world.instances[0].status, 'Running');
    assert.equal(cloud.listKeys(BUCKET, `state/auto-restart/${INSTANCE_ID}/`).length, 1);
    assert.equal(logs.lines.length, 1);
    assert.equal(logs.lines[0].level, 'info');
    assert.equal(logs.lines[0].outcome, 'ok');
    assert.equal(logs.lines[0].instanceId, INSTANCE_ID);
    assert.equal(logs.lines[0].handler, 'auto-restart');
    assert.equal(typeof logs.lines[0].durationMs, 'number');
    assert.equal(logs.ledger.length, 1);
    assert.deepEqual(
      { ...logs.ledger[0], durationMs: 0 },
      {
        eventId: JSON.parse(STOPPED.toString()).id,
        automation: 'auto-restart',
        decision: 'acted',
        reason: 'done',
        calls: [{ api: 'StartInstance', target: INSTANCE_ID, result: 'ok' }],
        durationMs: 0,
        dryRun: false,
      },
    );
  });

  it('accepts the Cloud Monitor format of the same event', async () => {
    const { cloud, handler } = await setup();

    const result = await handler(STOPPED_CMS, context('auto-restart'));

    assert.equal(result.outcome, 'ok');
    assert.deepEqual(ecsActions(cloud), ['DescribeInstances', 'StartInstance']);
  });

  it('answers a second delivery of the same event as duplicate without starting again', async () => {
    const { cloud, handler } = await setup();
    await handler(STOPPED, context('auto-restart'));
    cloud.world.instances[0].status = 'Stopped';

    const second = await handler(STOPPED, context('auto-restart'));

    assert.equal(second.outcome, 'duplicate');
    assert.equal(second.firstOutcome, 'ok');
    assert.deepEqual(ecsActions(cloud), ['DescribeInstances', 'StartInstance']);
  });

  it('still answers a redelivery 6 days later (from a dead-letter queue) as duplicate, with the default window', async () => {
    let clock = Date.parse('2024-05-20T00:00:00Z');
    const { cloud, handler } = await setup(world(), {}, () => clock);
    await handler(STOPPED, context('auto-restart'));
    cloud.world.instances[0].status = 'Stopped';
    clock += 6 * 86_400_000;

    const redelivered = await handler(STOPPED, context('auto-restart'));

    assert.equal(redelivered.outcome, 'duplicate');
    assert.equal(ecsActions(cloud).filter((a) => a === 'StartInstance').length, 1);
  });

  it('runs again for real once the idempotency window has passed', async () => {
    let clock = Date.parse('2024-05-20T00:00:00Z');
    const { cloud, handler } = await setup(world(), {}, () => clock);
    await handler(STOPPED, context('auto-restart'));
    cloud.world.instances[0].status = 'Stopped';
    clock += IDEMPOTENCY_WINDOW_SECONDS * 1000 + 1;

    const again = await handler(STOPPED, context('auto-restart'));

    assert.equal(again.outcome, 'ok');
    assert.equal(ecsActions(cloud).filter((a) => a === 'StartInstance').length, 2);
  });

  it('does not start an instance without the opt-in tag', async () => {
    const { cloud, handler } = await setup(
      world({ instances: [{ id: INSTANCE_ID, status: 'Stopped', tags: { 'auto-restart': 'false' } }] }),
    );

    const result = await handler(STOPPED, context('auto-restart'));

    assert.equal(result.outcome, 'skipped');
    assert.equal(result.reason, 'not-opted-in');
    assert.deepEqual(ecsActions(cloud), ['DescribeInstances']);
  });

  it('honours a custom opt-in tag from RESTART_TAG_KEY and RESTART_TAG_VALUE', async () => {
    const { cloud, handler } = await setup(
      world({ instances: [{ id: INSTANCE_ID, status: 'Stopped', tags: { ops: 'restart' } }] }),
      { RESTART_TAG_KEY: 'ops', RESTART_TAG_VALUE: 'restart' },
    );

    const result = await handler(STOPPED, context('auto-restart'));

    assert.equal(result.outcome, 'ok');
    assert.deepEqual(ecsActions(cloud), ['DescribeInstances', 'StartInstance']);
  });

  it('does not start an instance that is already running', async () => {
    const { cloud, handler } = await setup(
      world({ instances: [{ id: INSTANCE_ID, status: 'Running', tags: { 'auto-restart': 'true' } }] }),
    );

    const result = await handler(STOPPED, context('auto-restart'));

    assert.equal(result.outcome, 'skipped');
    assert.equal(result.reason, 'already-running');
    assert.deepEqual(ecsActions(cloud), ['DescribeInstances']);
  });

  for (const status of ['Stopping', 'Starting', 'Pending'] as const) {
    it(`fails a Stopped event with a RetryableError while the API still reports ${status}, and marks nothing done`, async () => {
      const { cloud, handler, logs } = await setup(
        world({ instances: [{ id: INSTANCE_ID, status, tags: { 'auto-restart': 'true' } }] }),
      );

      const error = await rejection(handler(STOPPED, context('auto-restart')));

      assert.equal(error.name, 'RetryableError');
      assert.match(error.message, new RegExp(`"${status}", not settled yet`));
      assert.equal(logs.lines[0].retryable, true);
      assert.equal(cloud.listKeys(BUCKET, 'idempotency/').length, 0);
      assert.deepEqual(ecsActions(cloud), ['DescribeInstances']);
    });
  }

  it('restarts the instance on the retry once a Stopping instance has settled as Stopped', async () => {
    const { cloud, handler } = await setup(
      world({ instances: [{ id: INSTANCE_ID, status: 'Stopping', tags: { 'auto-restart': 'true' } }] }),
    );
    await rejection(handler(STOPPED, context('auto-restart')));
    cloud.world.instances[0].status = 'Stopped';

    const retry = await handler(STOPPED, context('auto-restart'));

    assert.equal(retry.action, 'started');
    assert.equal(cloud.world.instances[0].status, 'Running');
  });

  it('counts two concurrent deliveries of one event as one restart against the loop guard', async () => {
    let clock = Date.parse('2024-05-20T00:00:00Z');
    const { cloud, handler } = await setup(world(), { RESTART_MAX_PER_HOUR: '2' }, () => clock++);

    const both = await Promise.all([
      handler(STOPPED, context('auto-restart')),
      handler(STOPPED, context('auto-restart')),
    ]);
    cloud.world.instances[0].status = 'Stopped';
    const next = await handler(
      variantOf('acs.ecs', 'instance-statechange-stopped', (e) => {
        e.id = 'a-later-stop';
      }),
      context('auto-restart'),
    );

    assert.deepEqual(
      both.map((r) => r.outcome),
      ['ok', 'ok'],
    );
    assert.equal(ecsActions(cloud).filter((a) => a === 'StartInstance').length, 3, 'both deliveries raced to start');
    assert.equal(cloud.listKeys(BUCKET, `state/auto-restart/${INSTANCE_ID}/`).length, 3);
    assert.equal(next.action, 'started');
    assert.equal(next.restartsLastHour, 2);
  });

  it('skips an instance that no longer exists', async () => {
    const { cloud, handler } = await setup(world({ instances: [] }));

    const result = await handler(STOPPED, context('auto-restart'));

    assert.equal(result.outcome, 'skipped');
    assert.equal(result.reason, 'instance-not-found');
    assert.deepEqual(ecsActions(cloud), ['DescribeInstances']);
  });

  it('skips state changes other than Stopped without calling ECS', async () => {
    const { cloud, handler } = await setup();

    const result = await handler(payload(fixture('acs.ecs', 'instance-statechange-running')), context('auto-restart'));

    assert.equal(result.outcome, 'skipped');
    assert.deepEqual(ecsActions(cloud), []);
  });

  it('allows RESTART_MAX_PER_HOUR restarts in an hour and breaks the loop at the next one with a warning', async () => {
    let clock = Date.parse('2024-05-20T00:00:00Z');
    const { cloud, handler, logs } = await setup(world(), { RESTART_MAX_PER_HOUR: '2' }, () => clock);
    const stopEvent = (n: number) =>
      variantOf('acs.ecs', 'instance-statechange-stopped', (e) => {
        e.id = `loop-event-${n}`;
      });

    const outcomes: unknown[] = [];
    for (let n = 1; n <= 3; n++) {
      cloud.world.instances[0].status = 'Stopped';
      clock += 60_000;
      outcomes.push((await handler(stopEvent(n), context('auto-restart'))).reason ?? 'started');
    }

    assert.deepEqual(outcomes, ['started', 'started', 'restart-limit']);
    assert.equal(ecsActions(cloud).filter((a) => a === 'StartInstance').length, 2);
    assert.equal(cloud.world.instances[0].status, 'Stopped');
    assert.equal(logs.lines[2].level, 'warn');
    assert.equal(logs.lines[2].reason, 'restart-limit');
  });

  it('counts only the restarts of the last hour', async () => {
    const now = Date.parse('2024-05-20T12:00:00Z');
    const { cloud, handler } = await setup(world(), { RESTART_MAX_PER_HOUR: '1' }, () => now);
    cloud.putObject(BUCKET, `state/auto-restart/${INSTANCE_ID}/${now - 3_600_001}.json`, '{}');

    const result = await handler(STOPPED, context('auto-restart'));

    assert.equal(result.outcome, 'ok');
    assert.equal(result.action, 'started');
  });

  it('follows ListObjectsV2 continuation tokens when counting restarts', async () => {
    const now = Date.parse('2024-05-20T12:00:00Z');
    const started = await startCloud(world(), { RESTART_MAX_PER_HOUR: '3' }, { ossListPageSize: 1 });
    cloud = started.cloud;
    for (const ago of [1000, 2000, 3000]) {
      cloud.putObject(BUCKET, `state/auto-restart/${INSTANCE_ID}/${now - ago}.json`, '{}');
    }
    const handler = createFcHandler(spec, started.env, { log: () => {}, now: () => now });

    const result = await handler(STOPPED, context('auto-restart'));

    assert.equal(result.reason, 'restart-limit');
    const lists = cloud.calls('oss').filter((c) => c.action === 'ListObjectsV2');
    assert.equal(lists.length, 3);
    assert.ok(lists.slice(1).every((c) => c.params['continuation-token'] !== undefined && c.signed));
  });

  it('treats IncorrectInstanceStatus as success when the instance is already starting', async () => {
    const { cloud, handler } = await setup();
    cloud.failNext('StartInstance', {
      status: 403,
      code: 'IncorrectInstanceStatus',
      mutate: (w) => {
        w.instances[0].status = 'Starting';
      },
    });

    const result = await handler(STOPPED, context('auto-restart'));

    assert.equal(result.outcome, 'ok');
    assert.equal(result.action, 'already-starting');
  });

  it('retries a throttled StartInstance inside the invocation, with a jittered backoff under 200 ms, and restarts', async () => {
    const { cloud, handler, waits } = await setup();
    cloud.failNext('StartInstance', { status: 400, code: 'Throttling.User' });

    const result = await handler(STOPPED, context('auto-restart'));

    assert.equal(result.outcome, 'ok');
    assert.equal(cloud.calls('ecs').filter((c) => c.action === 'StartInstance').length, 2);
    assert.equal(waits.length, 1);
    assert.ok(waits[0] >= 0 && waits[0] < 200);
    assert.equal(cloud.world.instances[0].status, 'Running');
  });

  it('fails with a RetryableError when every attempt is throttled and writes no idempotency marker', async () => {
    const { cloud, handler, logs, waits } = await setup();
    failEveryAttempt(cloud, 'StartInstance', { status: 400, code: 'Throttling.User' });

    const error = await rejection(handler(STOPPED, context('auto-restart')));

    assert.equal(error.name, 'RetryableError');
    assert.equal(waits.length, 2);
    assert.match(error.message, /Throttling\.User/);
    assert.equal(cloud.listKeys(BUCKET, 'idempotency/').length, 0);
    assert.equal(logs.lines[0].level, 'error');
    assert.equal(logs.lines[0].retryable, true);
    assert.equal(logs.lines[0].errorCode, 'Throttling.User');
    assert.deepEqual(
      logs.ledger.map((record) => [record.decision, record.reason, record.calls]),
      [['failed', 'RetryableError', [{ api: 'StartInstance', target: INSTANCE_ID, result: 'Throttling.User' }]]],
    );

    const retry = await handler(STOPPED, context('auto-restart'));
    assert.equal(retry.outcome, 'ok');
  });

  it('fails with a PermanentError on a 4xx such as Forbidden.RAM', async () => {
    const { cloud, handler, logs } = await setup();
    cloud.failNext('DescribeInstances', { status: 403, code: 'Forbidden.RAM' });

    const error = await rejection(handler(STOPPED, context('auto-restart')));

    assert.equal(error.name, 'PermanentError');
    assert.equal(logs.lines[0].retryable, false);
  });

  it('rejects a preemptible-interruption event with a PermanentError naming both types and calls nothing', async () => {
    const { cloud, handler } = await setup();

    const error = await rejection(
      handler(payload(fixture('acs.ecs', 'instance-preemptibleinstanceinterruption')), context('auto-restart')),
    );

    assert.equal(error.name, 'PermanentError');
    assert.match(
      error.message,
      /handles "ecs:Instance:StateChange" events, got "ecs:Instance:PreemptibleInstanceInterruption"/,
    );
    assert.deepEqual(cloud.calls(), []);
  });

  it('rejects a malformed event with MalformedEventError and calls nothing', async () => {
    const { cloud, handler, logs } = await setup();

    const error = await rejection(handler(Buffer.from('{not json'), context('auto-restart')));

    assert.equal(error.name, 'MalformedEventError');
    assert.deepEqual(cloud.calls(), []);
    assert.equal(logs.lines[0].retryable, false);
  });

  it('rejects an event from another region without calling anything', async () => {
    const { cloud, handler } = await setup();
    const event = variantOf('acs.ecs', 'instance-statechange-stopped', (e) => {
      e.aliyunregionid = 'cn-beijing';
    });

    const error = await rejection(handler(event, context('auto-restart')));

    assert.equal(error.name, 'PermanentError');
    assert.match(error.message, /cn-beijing/);
    assert.deepEqual(cloud.calls(), []);
  });

  it('fails every invocation with a ConfigurationError naming RESTART_MAX_PER_HOUR when it is invalid', async () => {
    const logs = logCapture();
    const handler = createFcHandler(spec, { ARCHIVE_BUCKET: BUCKET, RESTART_MAX_PER_HOUR: 'lots' }, { log: logs.sink });

    const error = await rejection(handler(STOPPED, context('auto-restart')));

    assert.equal(error.name, 'ConfigurationError');
    assert.match(error.message, /"RESTART_MAX_PER_HOUR": "lots" is not an integer between 1 and 60/);
    assert.equal(logs.lines.length, 2);
  });
});
