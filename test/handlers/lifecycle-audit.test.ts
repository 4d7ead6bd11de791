import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { createFcHandler } from '../../lambda-src/commons/handler';
import { spec } from '../../lambda-src/lifecycle-audit';
import type { FakeCloud } from '../../ops/fake-cloud';
import {
  BUCKET,
  context,
  fixture,
  INSTANCE_ID,
  logCapture,
  payload,
  rejection,
  startCloud,
  variantOf,
  world,
} from '../support/harness';

let cloud: FakeCloud | undefined;
afterEach(async () => {
  await cloud?.stop();
  cloud = undefined;
});

async function setup() {
  const started = await startCloud(world());
  cloud = started.cloud;
  const logs = logCapture();
  return { cloud: started.cloud, handler: createFcHandler(spec, started.env, { log: logs.sink }), logs };
}

describe('lifecycle-audit', () => {
  it('archives a deletion under the documented key with the original envelope and logs lifecycle deleted', async () => {
    const { cloud, handler, logs } = await setup();
    const original = fixture('acs.ecs', 'instance-statechange-deleted');

    const result = await handler(payload(original), context('lifecycle-audit'));

    const key = `archive/acs.ecs/ecs:Instance:StateChange/region=cn-hangzhou/date=2024-05-20/instance=${INSTANCE_ID}/${original.id}.json`;
    assert.equal(result.outcome, 'ok');
    assert.equal(result.archiveKey, key);
    const archived = JSON.parse(cloud.getObject(BUCKET, key) ?? 'null');
    assert.deepEqual(archived.original, original);
    assert.equal(archived.normalized.state, 'Deleted');
    assert.equal(archived.normalized.timeIso, '2024-05-20T02:15:30.123Z');
    assert.equal(logs.lines[0].lifecycle, 'deleted');
    assert.ok(cloud.calls('oss').every((c) => c.signed && c.securityToken === 'test-security-token'));
    assert.deepEqual(cloud.calls('ecs'), []);
  });

  it('logs Pending and Created as lifecycle created', async () => {
    const { handler, logs } = await setup();
    await handler(payload(fixture('acs.ecs', 'instance-statechange-pending')), context('lifecycle-audit'));
    await handler(
      variantOf('acs.ecs', 'instance-statechange-pending', (e) => {
        e.id = 'created-event';
        e.data!.state = 'Created';
      }),
      context('lifecycle-audit'),
    );

    assert.deepEqual(
      logs.lines.map((l) => l.lifecycle),
      ['created', 'created'],
    );
  });

  it('archives other states without a lifecycle field', async () => {
    const { handler, logs } = await setup();

    const result = await handler(
      payload(fixture('acs.ecs', 'instance-statechange-running')),
      context('lifecycle-audit'),
    );

    assert.equal(result.outcome, 'ok');
    assert.equal(logs.lines[0].lifecycle, undefined);
  });

  it('archives the Cloud Monitor format under the same key scheme, dated by the CMS eventTime in UTC', async () => {
    const { cloud, handler } = await setup();
    const original = fixture('acs.ecs', 'instance-statechange-deleted.cms');

    await handler(payload(original), context('lifecycle-audit'));

    const keys = cloud.listKeys(BUCKET, 'archive/');
    assert.deepEqual(keys, [
      `archive/acs.ecs/ecs:Instance:StateChange/region=cn-hangzhou/date=2024-05-20/instance=${INSTANCE_ID}/${original.id}.json`,
    ]);
  });

  it('writes one archive object and answers duplicate for a repeated delivery', async () => {
    const { cloud, handler } = await setup();
    const event = payload(fixture('acs.ecs', 'instance-statechange-stopped'));
    await handler(event, context('lifecycle-audit'));

    const second = await handler(event, context('lifecycle-audit'));

    assert.equal(second.outcome, 'duplicate');
    assert.equal(
      cloud.calls('oss').filter((c) => c.action === 'PutObject' && c.params.key.startsWith('archive/')).length,
      1,
    );
  });

  it('keeps duplicate markers per function, so another function still processes the event', async () => {
    const { cloud, handler } = await setup();
    const event = payload(fixture('acs.ecs', 'instance-statechange-stopped'));
    await handler(event, context('lifecycle-audit'));

    const other = await handler(event, context('lifecycle-audit-copy'));

    assert.equal(other.outcome, 'ok');
    assert.equal(cloud.listKeys(BUCKET, 'idempotency/').length, 2);
  });

  it('rejects an unknown state with a MalformedEventError listing the allowed states, writing nothing', async () => {
    const { cloud, handler, logs } = await setup();
    const event = variantOf('acs.ecs', 'instance-statechange-stopped', (e) => {
      e.data!.state = 'Hibernating';
    });

    const error = await rejection(handler(event, context('lifecycle-audit')));

    assert.equal(error.name, 'MalformedEventError');
    assert.match(error.message, /"data\.state": "Hibernating" is not one of Pending, Created, Starting/);
    assert.deepEqual(cloud.calls(), []);
    assert.equal(logs.lines[0].errorName, 'MalformedEventError');
    assert.equal(logs.lines[0].retryable, false);
  });

  it('fails with a RetryableError when OSS answers 503, without an idempotency marker', async () => {
    const { cloud, handler } = await setup();
    cloud.failNext('PutObject', { status: 503, code: 'ServiceUnavailable' });

    const error = await rejection(
      handler(payload(fixture('acs.ecs', 'instance-statechange-stopped')), context('lifecycle-audit')),
    );

    assert.equal(error.name, 'RetryableError');
    assert.equal(cloud.listKeys(BUCKET, 'idempotency/').length, 0);
  });

  it('fails with a ConfigurationError naming ARCHIVE_BUCKET when it is missing', async () => {
    const logs = logCapture();
    const handler = createFcHandler(spec, {}, { log: logs.sink });

    const error = await rejection(
      handler(payload(fixture('acs.ecs', 'instance-statechange-stopped')), context('lifecycle-audit')),
    );

    assert.equal(error.name, 'ConfigurationError');
    assert.match(error.message, /"ARCHIVE_BUCKET" is not set/);
  });

  it('rejects an IDEMPOTENCY_WINDOW_SECONDS shorter than the dead-letter retention', async () => {
    const handler = createFcHandler(
      spec,
      { ARCHIVE_BUCKET: BUCKET, IDEMPOTENCY_WINDOW_SECONDS: '3600' },
      { log: () => {} },
    );

    const error = await rejection(
      handler(payload(fixture('acs.ecs', 'instance-statechange-stopped')), context('lifecycle-audit')),
    );

    assert.match(error.message, /"IDEMPOTENCY_WINDOW_SECONDS": "3600" is not an integer between 604800 and 2592000/);
  });
});
