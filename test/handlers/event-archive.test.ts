import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { createFcHandler } from '../../lambda-src/commons/handler';
import { spec } from '../../lambda-src/event-archive';
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

const archiveKeys = (c: FakeCloud) => c.listKeys(BUCKET, 'archive/');
const FIXTURES = join(__dirname, '..', 'fixtures', 'events');

describe('event-archive', () => {
  it('archives every ECS and Auto Scaling fixture, in both formats, with its original envelope', async () => {
    const { cloud, handler } = await setup();
    const files = ['acs.ecs', 'acs.ess'].flatMap((source) =>
      readdirSync(join(FIXTURES, source)).map((file) => ({ source, variant: file.replace(/\.json$/, '') })),
    );

    for (const { source, variant } of files) {
      const original = fixture(source, variant);
      const result = await handler(payload(original), context('event-archive'));

      assert.equal(result.outcome, 'ok', variant);
      const archived = JSON.parse(cloud.getObject(BUCKET, String(result.archiveKey)) ?? 'null');
      assert.deepEqual(archived.original, original, variant);
    }
    assert.equal(archiveKeys(cloud).length, files.length);
  });

  it('files an instance event under its instance and date, like lifecycle-audit', async () => {
    const { cloud, handler, logs } = await setup();
    const original = fixture('acs.ecs', 'instance-systemmaintenance-reboot');

    const result = await handler(payload(original), context('event-archive'));

    const key = `archive/acs.ecs/ecs:Instance:SystemMaintenance.Reboot/region=cn-hangzhou/date=2026-11-22/instance=${INSTANCE_ID}/${original.id}.json`;
    assert.equal(result.archiveKey, key);
    const archived = JSON.parse(cloud.getObject(BUCKET, key) ?? 'null');
    assert.equal(archived.normalized.instanceId, INSTANCE_ID);
    assert.equal(archived.normalized.type, 'ecs:Instance:SystemMaintenance.Reboot');
    assert.equal(archived.normalized.timeIso, '2026-11-22T02:15:00.000Z');
    assert.equal(logs.lines[0].instanceId, INSTANCE_ID);
    assert.equal(logs.lines[0].handler, 'event-archive');
    assert.ok(cloud.calls('oss').every((c) => c.signed && c.securityToken === 'test-security-token'));
    assert.deepEqual(cloud.calls('ecs'), []);
  });

  it('takes the instance from data.resourceId of a state change and files the same key as lifecycle-audit', async () => {
    const { handler } = await setup();
    const original = fixture('acs.ecs', 'instance-statechange-deleted');

    const result = await handler(payload(original), context('event-archive'));

    assert.equal(
      result.archiveKey,
      `archive/acs.ecs/ecs:Instance:StateChange/region=cn-hangzhou/date=2024-05-20/instance=${INSTANCE_ID}/${original.id}.json`,
    );
  });

  it('files events that name no instance without the instance folder', async () => {
    const { handler } = await setup();

    const disk = await handler(payload(fixture('acs.ecs', 'snapshot-createsnapshotcompleted')), context('ea'));
    const scaling = await handler(payload(fixture('acs.ess', 'scalingactivity-scaleoutsuccess')), context('ea'));

    assert.match(
      String(disk.archiveKey),
      /^archive\/acs\.ecs\/ecs:Snapshot:CreateSnapshotCompleted\/region=cn-hangzhou\/date=\d{4}-\d{2}-\d{2}\/[^/=]+\.json$/,
    );
    assert.match(
      String(scaling.archiveKey),
      /^archive\/acs\.ess\/ess:ScalingActivity:ScaleOutSuccess\/region=cn-hangzhou\/date=2026-11-22\/[^/=]+\.json$/,
    );
  });

  it('does not take a resourceId that is not an instance as the instance', async () => {
    const { handler } = await setup();
    const event = variantOf('acs.ecs', 'instance-statechange-stopped', (e) => {
      e.data!.resourceId = 'd-bp1disk0000000000001';
    });

    const result = await handler(event, context('event-archive'));

    assert.doesNotMatch(String(result.archiveKey), /instance=/);
  });

  it('archives a type the catalogue does not know, and keeps a slash in it inside its folder', async () => {
    const { cloud, handler } = await setup();
    const event = variantOf('acs.ecs', 'instance-statechange-stopped', (e) => {
      e.type = 'ecs:Instance:Hibernated/Deep';
    });

    const result = await handler(event, context('event-archive'));

    assert.match(String(result.archiveKey), /^archive\/acs\.ecs\/ecs:Instance:Hibernated%2FDeep\/region=cn-hangzhou\//);
    assert.equal(archiveKeys(cloud).length, 1);
  });

  it('archives a known type whose payload the typed parser would refuse, rather than losing it', async () => {
    const { cloud, handler } = await setup();
    const event = variantOf('acs.ecs', 'instance-statechange-stopped', (e) => {
      e.data!.state = 'Hibernating';
    });

    const result = await handler(event, context('event-archive'));

    assert.equal(result.outcome, 'ok');
    const archived = JSON.parse(cloud.getObject(BUCKET, String(result.archiveKey)) ?? 'null');
    assert.equal(archived.original.data.state, 'Hibernating');
  });

  it('archives the Cloud Monitor twin of a system event under the EventBridge type', async () => {
    const { handler } = await setup();
    const original = fixture('acs.ecs', 'instance-systemmaintenance-reboot-scheduled.cms');

    const result = await handler(payload(original), context('event-archive'));

    assert.equal(
      result.archiveKey,
      `archive/acs.ecs/ecs:Instance:SystemMaintenance.Reboot/region=cn-hangzhou/date=2024-05-20/instance=${INSTANCE_ID}/${original.id}.json`,
    );
  });

  it('uses the function region when the event carries none', async () => {
    const { handler } = await setup();
    const event = variantOf('acs.ess', 'lifecyclehook-test', (e) => {
      delete e.aliyunregionid;
    });

    const result = await handler(event, context('event-archive'));

    assert.match(String(result.archiveKey), /\/region=cn-hangzhou\//);
  });

  it('answers a repeated delivery as duplicate and writes one archive object', async () => {
    const { cloud, handler } = await setup();
    const event = payload(fixture('acs.ess', 'lifecyclehook-scaleout'));
    await handler(event, context('event-archive'));

    const second = await handler(event, context('event-archive'));

    assert.equal(second.outcome, 'duplicate');
    assert.equal(
      cloud.calls('oss').filter((c) => c.action === 'PutObject' && c.params.key.startsWith('archive/')).length,
      1,
    );
  });

  it('refuses an event of another source with a PermanentError, writing nothing', async () => {
    const { cloud, handler } = await setup();
    const event = variantOf('acs.ecs', 'instance-statechange-stopped', (e) => {
      e.source = 'acs.oss';
    });

    const error = await rejection(handler(event, context('event-archive')));

    assert.equal(error.name, 'PermanentError');
    assert.match(error.message, /handles events from "acs\.ecs" or "acs\.ess", got source "acs\.oss"/);
    assert.deepEqual(cloud.calls(), []);
  });

  it('refuses a payload that is no envelope with a MalformedEventError', async () => {
    const { cloud, handler, logs } = await setup();

    const error = await rejection(handler(Buffer.from('{"hello":"world"}'), context('event-archive')));

    assert.equal(error.name, 'MalformedEventError');
    assert.deepEqual(cloud.calls(), []);
    assert.equal(logs.lines[0].retryable, false);
  });

  it('fails with a RetryableError when OSS answers 503, without an idempotency marker', async () => {
    const { cloud, handler } = await setup();
    cloud.failNext('PutObject', { status: 503, code: 'ServiceUnavailable' });

    const error = await rejection(handler(payload(fixture('acs.ess', 'lifecyclehook-test')), context('event-archive')));

    assert.equal(error.name, 'RetryableError');
    assert.equal(cloud.listKeys(BUCKET, 'idempotency/').length, 0);
  });

  it('fails with a PermanentError when OSS denies access', async () => {
    const { cloud, handler } = await setup();
    cloud.failNext('PutObject', { status: 403, code: 'AccessDenied' });

    const error = await rejection(handler(payload(fixture('acs.ess', 'lifecyclehook-test')), context('event-archive')));

    assert.equal(error.name, 'PermanentError');
  });

  it('fails with a ConfigurationError naming ARCHIVE_BUCKET when it is missing', async () => {
    const handler = createFcHandler(spec, {}, { log: () => {} });

    const error = await rejection(handler(payload(fixture('acs.ess', 'lifecyclehook-test')), context('event-archive')));

    assert.equal(error.name, 'ConfigurationError');
    assert.match(error.message, /"ARCHIVE_BUCKET" is not set/);
  });
});
