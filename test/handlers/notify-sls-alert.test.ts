import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { createFcHandler } from '../../lambda-src/commons/handler';
import { clearSecretCache } from '../../lambda-src/commons/secrets';
import { spec } from '../../lambda-src/notify';
import type { FakeCloud } from '../../ops/fake-cloud';
import {
  BUCKET,
  context,
  fixture,
  logCapture,
  type MutableEvent,
  payload,
  rejection,
  secretEnv,
  seedSecrets,
  startCloud,
  variantOf,
  world,
} from '../support/harness';
import { HttpSink } from '../support/http-sink';

/**
 * SLS alerts routed SLS -> EventBridge -> notify. The fixture follows the SLS event format
 * (https://help.aliyun.com/zh/sls/product-overview/events) for the project's `actions-failing` alert.
 */

const NOW = Date.parse('2026-11-22T02:16:00Z');
const FIRING = 'sls-alert-firing';

let cloud: FakeCloud | undefined;
let sinks: HttpSink[] = [];
afterEach(async () => {
  clearSecretCache();
  await cloud?.stop();
  cloud = undefined;
  for (const sink of sinks) await sink.stop();
  sinks = [];
});

async function setup() {
  const dingTalk = await HttpSink.start({ status: 200, body: '{"errcode":0,"errmsg":"ok"}' });
  const webhook = await HttpSink.start({ status: 200, body: '{}' });
  sinks.push(dingTalk, webhook);
  const secrets = {
    DINGTALK_WEBHOOK_URL: dingTalk.url('/robot/send?access_token=t'),
    DINGTALK_SECRET: 'SEC-x',
    WEBHOOK_URL: webhook.url('/hooks/ecs'),
  };
  const started = await startCloud(world({ instances: [] }), {
    REGION_TIME_ZONE: 'Asia/Shanghai',
    ...secretEnv(secrets),
  });
  cloud = started.cloud;
  seedSecrets(started.cloud, secrets);
  const logs = logCapture();
  const handler = createFcHandler(spec, started.env, { log: logs.sink, now: () => NOW });
  return { cloud: started.cloud, handler, logs, dingTalk, webhook };
}

/** The resolution of the fixture's alert: a new event of the same alert and first firing. */
function resolved(event: MutableEvent): void {
  event.id = '5f0c2a9e-3b1d-4c6e-9a7f-2d8e4b6c0002';
  event.data!.status = 'resolved';
  event.data!.resolve_time = 1795314000;
}

const body = (sink: HttpSink, i: number) => JSON.parse(sink.requests[i].body) as Record<string, unknown>;

describe('notify with SLS alerts', () => {
  it('sends one DingTalk and one webhook message for a firing SLS alert, with its name, status, severity and annotations', async () => {
    const { cloud, handler, logs, dingTalk, webhook } = await setup();
    const original = fixture('acs.sls', FIRING);

    const result = await handler(payload(original), context('notify'));

    assert.equal(result.outcome, 'ok');
    assert.equal(result.severity, 'critical');
    assert.equal(result.channels, 'dingtalk,webhook');
    assert.equal(dingTalk.requests.length, 1);
    const robot = JSON.parse(dingTalk.requests[0].body).markdown;
    assert.equal(robot.title, '[CRITICAL] ecs-event-ops-actions-failing firing (cn-hangzhou)');
    assert.match(
      robot.text,
      /\*\*Alert\*\*: ecs-event-ops: actions failing \(ecs-event-ops-actions-failing, project ecs-event-ops-logs-1234567890123456-cn-hangzhou\)/,
    );
    assert.match(robot.text, /\*\*desc\*\*: A ledger record with decision failed in the last 5 minutes/);
    assert.match(robot.text, /\*\*failed\*\*: 3/);
    assert.match(robot.text, /\*\*Fired at\*\*: 2026-11-22T02:15:00\.000Z/);
    assert.equal(webhook.requests.length, 1);
    const alert = body(webhook, 0);
    assert.equal(alert.type, 'sls.alert');
    assert.equal(alert.status, 'firing');
    assert.equal(alert.instanceId, null);
    assert.deepEqual(alert.sls, {
      project: 'ecs-event-ops-logs-1234567890123456-cn-hangzhou',
      alertId: 'ecs-event-ops-actions-failing',
      alertName: 'ecs-event-ops: actions failing',
      slsSeverity: 8,
      firedAt: '2026-11-22T02:15:00.000Z',
      resolvedAt: null,
      labels: { app: 'ecs-event-ops', alert: 'actions-failing' },
      annotations: {
        __count__: '1',
        failed: '3',
        title: 'ecs-event-ops: actions failing',
        desc: 'A ledger record with decision failed in the last 5 minutes',
      },
      queryUrl: original.subject,
    });
    // Archived like every alert; no ECS call (an SLS alert names no instance); each send is in the ledger.
    const key = `archive/alerts/region=cn-hangzhou/date=2026-11-22/${original.id}.json`;
    assert.deepEqual(JSON.parse(cloud.getObject(BUCKET, key) ?? 'null').alert, alert);
    assert.deepEqual(cloud.calls('ecs'), []);
    assert.deepEqual(
      logs.ledger[0].calls.map((c) => [c.api, c.result]),
      [
        ['SendAlert', 'ok'],
        ['SendAlert', 'ok'],
      ],
    );
  });

  it('sends the resolution of the same alert as an update of the first message, in one thread', async () => {
    const { handler, dingTalk, webhook } = await setup();

    await handler(payload(fixture('acs.sls', FIRING)), context('notify'));
    const update = await handler(variantOf('acs.sls', FIRING, resolved), context('notify'));

    assert.equal(update.outcome, 'ok');
    assert.equal(update.update, true);
    const [firing, resolution] = [body(webhook, 0), body(webhook, 1)];
    assert.equal(resolution.threadKey, firing.threadKey);
    assert.equal(resolution.severity, 'info');
    assert.deepEqual(resolution.updateOf, {
      title: firing.title,
      status: 'firing',
      sentAt: '2026-11-22T02:16:00.000Z',
    });
    assert.equal((resolution.sls as { resolvedAt: string }).resolvedAt, '2026-11-22T02:20:00.000Z');
    assert.equal(
      JSON.parse(dingTalk.requests[1].body).markdown.title,
      'Update: [INFO] ecs-event-ops-actions-failing resolved (cn-hangzhou)',
    );
  });

  it('skips a repeated notification of the same firing alert as already alerted', async () => {
    const { handler, webhook } = await setup();

    await handler(payload(fixture('acs.sls', FIRING)), context('notify'));
    const repeat = await handler(
      variantOf('acs.sls', FIRING, (e) => {
        e.id = '5f0c2a9e-3b1d-4c6e-9a7f-2d8e4b6c0003';
        e.data!.alert_time = 1795317300;
      }),
      context('notify'),
    );

    assert.equal(repeat.outcome, 'skipped');
    assert.equal(repeat.reason, 'already-alerted');
    assert.equal(webhook.requests.length, 1);
  });

  it('takes the account and region from EventBridge fields when the bus adds them, and either source spelling', async () => {
    const { handler, webhook } = await setup();

    const result = await handler(
      variantOf('acs.sls', FIRING, (e) => {
        e.source = 'acs.sls';
        e.aliyunaccountid = '1234567890123456';
        e.aliyunregionid = 'cn-hangzhou';
      }),
      context('notify'),
    );

    assert.equal(result.outcome, 'ok');
    assert.equal(webhook.requests.length, 1);
  });

  it('refuses a malformed SLS alert naming the field, and sends nothing', async () => {
    const { cloud, handler, webhook } = await setup();
    const refused = async (change: (e: MutableEvent) => void) =>
      rejection(handler(variantOf('acs.sls', FIRING, change), context('notify')));

    const status = await refused((e) => {
      e.data!.status = 'burning';
    });
    const severity = await refused((e) => {
      e.data!.severity = '8';
    });
    const missing = await refused((e) => {
      delete e.data!.alert_id;
    });
    const annotation = await refused((e) => {
      (e.data!.annotations as Record<string, unknown>).failed = 3;
    });
    const fireTime = await refused((e) => {
      e.data!.fire_time = 1795313700000;
    });
    const resolvedWithoutTime = await refused((e) => {
      e.data!.status = 'resolved';
    });

    assert.equal(status.name, 'MalformedEventError');
    assert.match(status.message, /"data\.status": "burning" is not one of firing, resolved/);
    assert.match(severity.message, /"data\.severity": "8" is not an SLS severity/);
    assert.match(missing.message, /"data\.alert_id" is missing/);
    assert.match(annotation.message, /"data\.annotations\.failed" must be a string, got number 3/);
    assert.match(fireTime.message, /"data\.fire_time": number 1795313700000 is not a UNIX time in whole seconds/);
    assert.match(resolvedWithoutTime.message, /"data\.resolve_time" is missing or 0/);
    assert.equal(webhook.requests.length, 0);
    assert.deepEqual(cloud.calls(), []);
  });

  it("refuses another account's alert, an alert without the project's label, and contradicting regions", async () => {
    const { handler, webhook } = await setup();
    const refused = async (change: (e: MutableEvent) => void) =>
      rejection(handler(variantOf('acs.sls', FIRING, change), context('notify')));

    const foreign = await refused((e) => {
      e.data!.aliuid = '9999999999999999';
    });
    const unlabelled = await refused((e) => {
      e.data!.labels = { app: 'billing' };
    });
    const region = await refused((e) => {
      e.aliyunregionid = 'cn-beijing';
    });

    assert.equal(foreign.name, 'ForeignEventError');
    assert.match(foreign.message, /names account "9999999999999999"/);
    assert.equal(unlabelled.name, 'PermanentError');
    assert.match(unlabelled.message, /"data\.labels\.app": "billing" is not "ecs-event-ops"/);
    assert.match(region.message, /"data\.region": "cn-hangzhou" contradicts "aliyunregionid" "cn-beijing"/);
    assert.equal(webhook.requests.length, 0);
  });
});
