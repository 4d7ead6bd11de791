import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import * as autoRestart from '../../lambda-src/auto-restart';
import { createFcHandler, type FcHandler } from '../../lambda-src/commons/handler';
import * as eventArchive from '../../lambda-src/event-archive';
import * as lifecycleAudit from '../../lambda-src/lifecycle-audit';
import * as notify from '../../lambda-src/notify';
import { createProtectHandler } from '../../lambda-src/protect-instances';
import * as scaleOut from '../../lambda-src/scale-out';
import * as spotDrain from '../../lambda-src/spot-drain';
import type { FakeCloud } from '../../ops/fake-cloud';
import {
  context,
  fixture,
  logCapture,
  type MutableEvent,
  payload,
  rejection,
  startCloud,
  variantOf,
  world,
} from '../support/harness';
import { HttpSink } from '../support/http-sink';

const OWN = '1234567890123456';
const FOREIGN = '9999999999999999';

let cloud: FakeCloud | undefined;
let sink: HttpSink | undefined;
afterEach(async () => {
  await cloud?.stop();
  await sink?.stop();
  cloud = undefined;
  sink = undefined;
});

/** Every event handler that acts or archives, with a fixture it would act on and the environment it needs. */
const HANDLERS: {
  name: string;
  build: (env: Record<string, string>) => FcHandler;
  fixture: string;
  env?: Record<string, string>;
}[] = [
  {
    name: 'auto-restart',
    build: (env) => createFcHandler(autoRestart.spec, env, { log: () => {} }),
    fixture: 'acs.ecs/instance-statechange-stopped',
  },
  {
    name: 'spot-drain',
    build: (env) => createFcHandler(spotDrain.spec, env, { log: () => {} }),
    fixture: 'acs.ecs/instance-preemptibleinstanceinterruption',
  },
  {
    name: 'scale-out',
    build: (env) => createFcHandler(scaleOut.spec, env, { log: () => {} }),
    fixture: 'acs.ess/scalingactivity-scaleoutsuccess',
    env: { SCALING_GROUP_IDS: 'asg-bp1group000000000001', SNAPSHOT_POLICY_ID: 'sp-bp1policy0000000001' },
  },
  {
    name: 'notify',
    build: (env) => createFcHandler(notify.spec, env, { log: () => {} }),
    fixture: 'acs.ecs/instance-systemmaintenance-reboot',
  },
  {
    name: 'lifecycle-audit',
    build: (env) => createFcHandler(lifecycleAudit.spec, env, { log: () => {} }),
    fixture: 'acs.ecs/instance-statechange-stopped',
  },
  {
    name: 'event-archive',
    build: (env) => createFcHandler(eventArchive.spec, env, { log: () => {} }),
    fixture: 'acs.ecs/instance-vswitchchanged',
  },
];

/** The ways an event can claim another account, or none. */
const FOREIGN_VARIANTS: { what: string; change: (event: MutableEvent) => void; message: RegExp }[] = [
  {
    what: 'aliyunaccountid names another account',
    change: (e) => {
      e.aliyunaccountid = FOREIGN;
    },
    message:
      /"aliyunaccountid" names account "9999999999999999", but this function belongs to account 1234567890123456/,
  },
  {
    what: 'the subject ARN names another account',
    change: (e) => {
      e.subject = String(e.subject).replace(OWN, FOREIGN);
    },
    message: /"subject" names account "9999999999999999"/,
  },
  { what: 'aliyunaccountid is missing', change: (e) => void delete e.aliyunaccountid, message: /names no account/ },
];

describe('events from another account', () => {
  for (const h of HANDLERS) {
    for (const variant of FOREIGN_VARIANTS) {
      it(`${h.name} refuses an event where ${variant.what} as a permanent ForeignEventError, calling nothing`, async () => {
        const started = await startCloud(world(), h.env ?? {});
        cloud = started.cloud;
        const handler = h.build(started.env);
        const [source, name] = h.fixture.split('/');

        const error = await rejection(handler(variantOf(source, name, variant.change), context(h.name)));

        assert.equal(error.name, 'ForeignEventError');
        assert.equal((error as { retryable?: boolean }).retryable, false);
        assert.match(error.message, variant.message);
        assert.deepEqual(cloud.calls(), [], 'no cloud call, not even the idempotency marker read');
      });
    }
  }

  it('auto-restart refuses a Cloud Monitor event whose userId names another account, calling nothing', async () => {
    const started = await startCloud(world());
    cloud = started.cloud;
    const handler = createFcHandler(autoRestart.spec, started.env, { log: () => {} });
    const event = fixture('acs.ecs', 'instance-statechange-stopped.cms');
    event.userId = FOREIGN;

    const error = await rejection(handler(payload(event), context('auto-restart')));

    assert.equal(error.name, 'ForeignEventError');
    assert.match(error.message, /"userId" names account "9999999999999999"/);
    assert.deepEqual(cloud.calls(), []);
  });

  it('auto-restart refuses a Cloud Monitor event whose resourceId ARN names another account', async () => {
    const started = await startCloud(world());
    cloud = started.cloud;
    const handler = createFcHandler(autoRestart.spec, started.env, { log: () => {} });
    const event = fixture('acs.ecs', 'instance-statechange-stopped.cms');
    event.resourceId = String(event.resourceId).replace(OWN, FOREIGN);

    const error = await rejection(handler(payload(event), context('auto-restart')));

    assert.equal(error.name, 'ForeignEventError');
    assert.match(error.message, /"resourceId" names account "9999999999999999"/);
    assert.equal(cloud.world.instances[0].status, 'Stopped');
  });

  it('still acts on the same event from its own account', async () => {
    const started = await startCloud(world());
    cloud = started.cloud;
    const handler = createFcHandler(autoRestart.spec, started.env, { log: () => {} });

    const result = await handler(payload(fixture('acs.ecs', 'instance-statechange-stopped')), context('auto-restart'));

    assert.equal(result.action, 'started');
  });

  for (const [what, owner] of [
    ['another account', FOREIGN],
    ['no account', undefined],
  ] as const) {
    it(`protect-instances refuses a request of a stack owned by ${what}, without answering it or calling ESS`, async () => {
      const started = await startCloud(world());
      cloud = started.cloud;
      sink = await HttpSink.start();
      const logs = logCapture();
      const handler = createProtectHandler({ EEO_ESS_ENDPOINT: cloud.url }, { log: logs.sink, sleep: async () => {} });
      const file = join(__dirname, '..', 'fixtures', 'custom-resource', 'protect-instances-create.json');
      const request = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
      request.ResponseURL = sink.url('/ros/response');
      if (owner === undefined) delete request.ResourceOwnerId;
      else request.ResourceOwnerId = owner;

      const error = await rejection(handler(payload(request), context('protect-instances')));

      assert.equal(error.name, 'ForeignEventError');
      assert.match(error.message, /ResourceOwnerId/);
      assert.deepEqual(cloud.calls(), []);
      assert.equal(sink.requests.length, 0);
      assert.equal(logs.lines[0].errorName, 'ForeignEventError');
    });
  }
});
