import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { createFcHandler } from '../../lambda-src/commons/handler';
import { clearSecretCache } from '../../lambda-src/commons/secrets';
import { spec } from '../../lambda-src/notify';
import { activeMute, loadAlertPolicy } from '../../lambda-src/notify/alert-policy';
import type { FakeCloud } from '../../ops/fake-cloud';
import {
  BUCKET,
  context,
  INSTANCE_ID,
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

// 2026-11-22 02:16 UTC is 10:16 on a Sunday in Asia/Shanghai.
const NOW = Date.parse('2026-11-22T02:16:00Z');
const WAVE = 40;

let cloud: FakeCloud | undefined;
let sinks: HttpSink[] = [];
afterEach(async () => {
  clearSecretCache();
  await cloud?.stop();
  cloud = undefined;
  for (const sink of sinks) await sink.stop();
  sinks = [];
});

const waveInstance = (i: number) => `i-bp1wave${String(i).padStart(13, '0')}`;

/** The reboot fixture for instance `i` of a maintenance wave: its own event id and system event id. */
function waveEvent(i: number, change: (event: MutableEvent) => void = () => {}): Buffer {
  return variantOf('acs.ecs', 'instance-systemmaintenance-reboot', (e) => {
    const instanceId = waveInstance(i);
    e.id = `7adc8c1a-645d-4476-bdef-5d6fb57f${String(i).padStart(4, '0')}`;
    e.subject = `acs:ecs:cn-hangzhou:1234567890123456:instance/${instanceId}`;
    e.data!.instanceId = instanceId;
    e.data!.eventId = `e-bp1wave${String(i).padStart(11, '0')}`;
    // A wave: the same maintenance, notBefore a few minutes apart.
    e.data!.notBefore = `2026-11-25T01:${String(i % 60).padStart(2, '0')}:00Z`;
    change(e);
  });
}

/**
 * A fake cloud with WAVE instances, DingTalk and webhook sinks, and the handler with the policy `env`.
 * `sleep` replaces the handler's waits (a grouping leader's wait included).
 */
async function setup(env: Record<string, string>, sleep: (ms: number) => Promise<void> = async () => {}) {
  const dingTalk = await HttpSink.start({ status: 200, body: '{"errcode":0,"errmsg":"ok"}' });
  const webhook = await HttpSink.start({ status: 200, body: '{}' });
  sinks.push(dingTalk, webhook);
  const secrets = {
    DINGTALK_WEBHOOK_URL: dingTalk.url('/robot/send?access_token=t'),
    DINGTALK_SECRET: 'SEC-x',
    WEBHOOK_URL: webhook.url('/hooks/ecs'),
  };
  const instances = [
    { id: INSTANCE_ID, status: 'Running' as const, tags: {}, name: 'web-01' },
    ...Array.from({ length: WAVE }, (_, i) => ({
      id: waveInstance(i),
      status: 'Running' as const,
      tags: {},
      name: `node-${i}`,
    })),
  ];
  const started = await startCloud(world({ instances }), {
    REGION_TIME_ZONE: 'Asia/Shanghai',
    ...secretEnv(secrets),
    ...env,
  });
  cloud = started.cloud;
  seedSecrets(started.cloud, secrets);
  const logs = logCapture();
  const handler = createFcHandler(spec, started.env, { log: logs.sink, now: () => NOW, retry: { sleep } });
  return { cloud: started.cloud, handler, logs, dingTalk, webhook };
}

const body = (sink: HttpSink, i: number) => JSON.parse(sink.requests[i].body) as Record<string, unknown>;

/**
 * Invokes as FC's asynchronous invocation does: a retryable failure is invoked again (a member that finds its window
 * closing fails retryably until the leader's roster tells it whether it is in), at most 3 times.
 */
async function asFunctionCompute<T>(invoke: () => Promise<T>): Promise<{ result: T; retries: number }> {
  for (let retries = 0; ; retries++) {
    try {
      return { result: await invoke(), retries };
    } catch (error) {
      if (retries >= 3 || (error as Error).name !== 'RetryableError') throw error;
    }
  }
}

/** Resolves when `check` holds (polled), or rejects after `timeoutMs`. */
async function until(check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('notify alert policy', () => {
  it('sends one grouped alert per channel for a burst of 40 concurrent system events of one maintenance wave', async () => {
    let members = () => 0;
    const { handler, logs, dingTalk, webhook } = await setup({ ALERT_GROUPING_WINDOW_SECONDS: '30' }, () =>
      // The leader's wait ends once every event of the burst has joined its window.
      until(() => members() >= WAVE),
    );
    members = () => cloud!.listKeys(BUCKET, 'state/notify/groups/').filter((k) => k.includes('/members/')).length;

    const results = await Promise.all(
      Array.from({ length: WAVE }, (_, i) => asFunctionCompute(() => handler(waveEvent(i), context('notify')))),
    );

    assert.equal(dingTalk.requests.length, 1);
    assert.equal(webhook.requests.length, 1);
    const markdown = JSON.parse(dingTalk.requests[0].body).markdown;
    assert.equal(markdown.title, '[CRITICAL] SystemMaintenance.Reboot Scheduled on 40 instances (cn-hangzhou)');
    for (let i = 0; i < WAVE; i++) assert.ok(markdown.text.includes(waveInstance(i)), waveInstance(i));
    const grouped = body(webhook, 0);
    assert.equal(grouped.grouped, true);
    assert.equal(grouped.count, WAVE);
    assert.deepEqual(
      (grouped.alerts as { instanceId: string }[]).map((a) => a.instanceId).sort(),
      Array.from({ length: WAVE }, (_, i) => waveInstance(i)).sort(),
    );
    assert.deepEqual(results.map((r) => r.result.outcome).sort(), [...Array(WAVE - 1).fill('skipped'), 'ok'].sort());
    // Ledger: one acted record with both sends, every other one skipped as grouped; every alert archived.
    const acted = logs.ledger.filter((r) => r.decision === 'acted');
    assert.equal(acted.length, 1);
    assert.deepEqual(
      acted[0].calls.map((c) => [c.api, c.target, c.result]),
      [
        ['SendAlert', 'dingtalk', 'ok'],
        ['SendAlert', 'webhook', 'ok'],
      ],
    );
    assert.equal(logs.ledger.filter((r) => r.decision === 'skipped' && r.reason === 'grouped').length, WAVE - 1);
    assert.equal(cloud!.listKeys(BUCKET, 'archive/alerts/').length, WAVE);
  });

  it('loses no grouped alert when the leader fails to send: its retry sends the same roster once', async () => {
    let members = () => 0;
    const { handler, logs, dingTalk, webhook } = await setup({ ALERT_GROUPING_WINDOW_SECONDS: '30' }, () =>
      until(() => members() >= 5),
    );
    members = () => cloud!.listKeys(BUCKET, 'state/notify/groups/').filter((k) => k.includes('/members/')).length;
    // The webhook is down when the leader sends: the leader's invocation fails.
    webhook.answerNext({ status: 503, body: 'down' });

    const results = await Promise.all(
      Array.from({ length: 5 }, (_, i) => asFunctionCompute(() => handler(waveEvent(i), context('notify')))),
    );

    // Every invocation ends ok or grouped; the leader's needed FC's retry.
    assert.deepEqual(results.map((r) => r.result.outcome).sort(), ['ok', 'skipped', 'skipped', 'skipped', 'skipped']);
    assert.ok(results.find((r) => r.result.outcome === 'ok')!.retries >= 1);
    // DingTalk got the group once (the retry does not repeat it); the webhook got the same roster twice (503, then ok).
    assert.equal(dingTalk.requests.length, 1);
    assert.equal(webhook.requests.length, 2);
    assert.equal(webhook.requests[0].body, webhook.requests[1].body);
    assert.equal((JSON.parse(webhook.requests[1].body) as { count: number }).count, 5);
    assert.deepEqual(
      logs.ledger
        .filter((r) => r.decision === 'failed' && r.calls.length > 0)
        .map((r) => r.calls.map((c) => `${c.api} ${c.target}: ${c.result}`)),
      [['SendAlert dingtalk: ok', 'SendAlert webhook: RetryableError']],
    );
  });

  it('pages once per system event and status: a second form of the same event is skipped as already-alerted', async () => {
    const { handler, logs, webhook } = await setup({});

    const first = await handler(waveEvent(1), context('notify'));
    const twin = await handler(
      waveEvent(1, (e) => {
        e.id = 'another-delivery-of-the-same-system-event';
        e.type = 'ecs:Instance:SystemMaintenance.Reboot:Scheduled';
      }),
      context('notify'),
    );

    assert.equal(first.outcome, 'ok');
    assert.equal(twin.outcome, 'skipped');
    assert.equal(twin.reason, 'already-alerted');
    assert.equal(webhook.requests.length, 1);
    assert.deepEqual(
      logs.ledger.map((r) => [r.decision, r.reason, r.calls.length]),
      [
        ['acted', 'done', 2],
        ['skipped', 'already-alerted', 0],
      ],
    );
    assert.equal(cloud!.listKeys(BUCKET, 'archive/alerts/').length, 2);
  });

  it('sends a status change of the same system event as an update of the first alert, with one thread key', async () => {
    const { handler, dingTalk, webhook } = await setup({});

    await handler(waveEvent(2), context('notify'));
    const update = await handler(
      waveEvent(2, (e) => {
        e.id = 'the-executed-event';
        e.data!.eventStatus = 'Executed';
      }),
      context('notify'),
    );

    assert.equal(update.outcome, 'ok');
    assert.equal(update.update, true);
    const [scheduled, executed] = [body(webhook, 0), body(webhook, 1)];
    assert.equal(executed.threadKey, scheduled.threadKey);
    assert.equal(scheduled.updateOf, null);
    assert.deepEqual(executed.updateOf, {
      title: scheduled.title,
      status: 'Scheduled',
      sentAt: '2026-11-22T02:16:00.000Z',
    });
    const robot = JSON.parse(dingTalk.requests[1].body).markdown;
    assert.match(robot.title, /^Update: \[INFO\] SystemMaintenance\.Reboot Executed on i-bp1wave/);
    // markdownText writes brackets full-width (commons/text.ts).
    assert.match(robot.text, /\*\*Update of\*\*: ［CRITICAL］ SystemMaintenance\.Reboot Scheduled on i-bp1wave/);
  });

  it('sends each event type only to the channels whose lists let it through, and skips it as excluded when none do', async () => {
    const { handler, logs, dingTalk, webhook } = await setup({
      ALERT_EVENT_TYPES: JSON.stringify({
        webhook: { exclude: ['Disk:*'] },
        dingtalk: { include: ['SystemMaintenance.*', 'ecs:Disk:ErrorDetected'] },
      }),
    });

    const stalled = await handler(
      variantOf('acs.ecs', 'disk-stalled', () => {}),
      context('notify'),
    );
    const reboot = await handler(waveEvent(3), context('notify'));

    assert.equal(stalled.outcome, 'skipped');
    assert.equal(stalled.reason, 'excluded');
    assert.equal(stalled.excluded, 'dingtalk,webhook');
    assert.equal(reboot.channels, 'dingtalk,webhook');
    assert.equal(dingTalk.requests.length, 1);
    assert.equal(webhook.requests.length, 1);
    assert.deepEqual(
      logs.ledger.map((r) => [r.decision, r.reason]),
      [
        ['skipped', 'excluded'],
        ['acted', 'done'],
      ],
    );
  });

  it('sends an alert to one channel when the other excludes its type, and says which in the log', async () => {
    const { handler, logs, dingTalk, webhook } = await setup({
      ALERT_EVENT_TYPES: JSON.stringify({ webhook: { exclude: ['SystemMaintenance.Reboot'] } }),
    });

    const result = await handler(waveEvent(4), context('notify'));

    assert.equal(result.channels, 'dingtalk');
    assert.equal(result.excluded, 'webhook');
    assert.equal(dingTalk.requests.length, 1);
    assert.equal(webhook.requests.length, 0);
    assert.deepEqual(
      logs.ledger[0].calls.map((c) => c.target),
      ['dingtalk'],
    );
  });

  it('archives and records a muted alert without sending it, and sends outside the mute window', async () => {
    const muted = await setup({
      ALERT_MUTE_WINDOWS: JSON.stringify([{ start: '09:00', end: '11:00', timeZone: 'Asia/Shanghai', days: ['sun'] }]),
    });

    const result = await muted.handler(waveEvent(5), context('notify'));

    assert.equal(result.outcome, 'skipped');
    assert.equal(result.reason, 'muted');
    assert.equal(result.mute, '09:00-11:00 Asia/Shanghai');
    assert.equal(muted.dingTalk.requests.length + muted.webhook.requests.length, 0);
    assert.equal(cloud!.listKeys(BUCKET, 'archive/alerts/').length, 1);
    assert.deepEqual([muted.logs.ledger[0].decision, muted.logs.ledger[0].reason], ['skipped', 'muted']);

    await cloud?.stop();
    // The same window on weekdays only does not cover a Sunday.
    const open = await setup({
      ALERT_MUTE_WINDOWS: JSON.stringify([
        { start: '09:00', end: '11:00', timeZone: 'Asia/Shanghai', days: ['mon', 'tue', 'wed', 'thu', 'fri'] },
      ]),
    });
    const sent = await open.handler(waveEvent(5), context('notify'));
    assert.equal(sent.outcome, 'ok');
    assert.equal(open.webhook.requests.length, 1);
  });

  it('refuses a malformed policy variable at container start, naming it', async () => {
    const { handler } = await setup({ ALERT_MUTE_WINDOWS: '[{"start":"9:00","end":"11:00","timeZone":"UTC"}]' });

    const error = await rejection(handler(payload({}), context('notify')));

    assert.equal(error.name, 'ConfigurationError');
    assert.match(error.message, /ALERT_MUTE_WINDOWS", item 0: start "9:00" and end "11:00" must be times HH:MM/);
  });
});

describe('activeMute', () => {
  const policy = loadAlertPolicy({
    ALERT_MUTE_WINDOWS: JSON.stringify([{ start: '22:00', end: '07:00', timeZone: 'Asia/Shanghai', days: ['fri'] }]),
  });

  it('covers a range over midnight on the day it starts and the morning after, and nothing else', () => {
    // Friday 2026-11-20 23:30 and Saturday 06:59 in Shanghai are muted; Saturday 07:00 and 23:30 are not.
    const at = (iso: string) => activeMute(policy, Date.parse(iso)) !== undefined;
    assert.equal(at('2026-11-20T15:30:00Z'), true);
    assert.equal(at('2026-11-20T22:59:00Z'), true);
    assert.equal(at('2026-11-20T23:00:00Z'), false);
    assert.equal(at('2026-11-21T15:30:00Z'), false);
    assert.equal(at('2026-11-20T13:59:00Z'), false);
  });
});
