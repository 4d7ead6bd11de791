import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { afterEach, describe, it } from 'node:test';
import { clearSecretCache } from '../../lambda-src/commons/secrets';
import { createTimerHandler } from '../../lambda-src/commons/timer';
import { spec } from '../../lambda-src/dlq-check';
import type { FakeCloud } from '../../ops/fake-cloud';
import {
  BUCKET,
  context,
  logCapture,
  payload,
  rejection,
  secretEnv,
  seedSecrets,
  startCloud,
  world,
} from '../support/harness';
import { HttpSink } from '../support/http-sink';

const QUEUES = ['ecs-event-ops-notify-dlq', 'ecs-event-ops-auto-restart-dlq'];
const START = Date.parse('2026-11-22T02:15:00Z');
const SECRET = 'SEC-test-secret';
const TIMER = { triggerTime: '2026-11-22T02:15:00Z', triggerName: 'dlq-check', payload: '' };

let cloud: FakeCloud | undefined;
let sinks: HttpSink[] = [];
afterEach(async () => {
  clearSecretCache();
  await cloud?.stop();
  cloud = undefined;
  for (const sink of sinks) await sink.stop();
  sinks = [];
});

async function sink(): Promise<HttpSink> {
  const started = await HttpSink.start({ status: 200, body: '{"errcode":0,"errmsg":"ok"}' });
  sinks.push(started);
  return started;
}

/** A fake cloud with the two queues, a webhook sink (and a DingTalk sink when asked), and a settable clock. */
async function setup(
  options: { webhook?: boolean; dingTalk?: boolean; queues?: readonly string[]; page?: string } = {},
) {
  const webhook = await sink();
  const dingTalk = await sink();
  const secrets: Record<string, string> = {};
  if (options.webhook ?? true) {
    secrets.WEBHOOK_URL = webhook.url('/hooks/dlq');
    secrets.WEBHOOK_TOKEN = 'hook-token';
  }
  if (options.dingTalk ?? false) {
    secrets.DINGTALK_WEBHOOK_URL = dingTalk.url('/robot/send?access_token=test-token');
    secrets.DINGTALK_SECRET = SECRET;
  }
  const started = await startCloud(world(), {
    DLQ_QUEUE_NAMES: (options.queues ?? QUEUES).join(','),
    ...(options.page === undefined ? {} : { DLQ_PAGE: options.page }),
    ...secretEnv(secrets),
  });
  cloud = started.cloud;
  seedSecrets(started.cloud, secrets);
  const queues = QUEUES.map((queue) => started.cloud.mns.createQueue(queue));
  const clock = { now: START };
  const logs = logCapture();
  const handler = createTimerHandler(spec, started.env, { log: logs.sink, now: () => clock.now });
  const run = () => handler(payload(TIMER), context('dlq-check'));
  return { cloud: started.cloud, queues, handler, run, clock, logs, webhook, dingTalk };
}

const bodyOf = (body: string) =>
  JSON.parse(body) as { title: string; severity: string; queues: { queue: string; total: number; trigger: string }[] };

describe('dlq-check', () => {
  it('sends nothing and writes nothing when every queue is empty, with signed GetQueueAttributes calls', async () => {
    const { cloud, run, logs, webhook } = await setup();

    const result = await run();

    assert.equal(result.outcome, 'ok');
    assert.equal(result.check, 'empty');
    assert.equal(webhook.requests.length, 0);
    assert.deepEqual(
      cloud.calls('mns').map((c) => [c.action, c.params.queue, c.signed, c.securityToken]),
      QUEUES.map((queue) => ['GetQueueAttributes', queue, true, 'test-security-token']),
    );
    assert.deepEqual(
      cloud.calls('oss').filter((c) => c.action === 'PutObject'),
      [],
    );
    assert.equal(logs.lines.length, 1);
    assert.deepEqual(
      [logs.lines[0].level, logs.lines[0].handler, logs.lines[0].triggerName, logs.lines[0].type],
      ['info', 'dlq-check', 'dlq-check', 'timer'],
    );
  });

  it('sends one critical alert naming the queue that holds a message, with the command that inspects it', async () => {
    const { cloud, run, logs, webhook } = await setup();
    cloud.mns.sendMessage(QUEUES[0], '{"id":"e-1"}');

    const result = await run();

    assert.equal(result.check, 'alerted');
    assert.equal(result.channels, 'webhook');
    assert.equal(webhook.requests.length, 1);
    assert.equal(webhook.requests[0].headers.authorization, 'Bearer hook-token');
    const alert = bodyOf(webhook.requests[0].body);
    assert.equal(alert.severity, 'critical');
    assert.equal(alert.title, '[CRITICAL] 1 message in dead-letter queue ecs-event-ops-notify-dlq (cn-hangzhou)');
    assert.deepEqual(alert.queues, [
      {
        queue: 'ecs-event-ops-notify-dlq',
        activeMessages: 1,
        inactiveMessages: 0,
        delayMessages: 0,
        total: 1,
        trigger: 'new',
        inspect: 'npm run redrive -- --region cn-hangzhou --queue ecs-event-ops-notify-dlq --dry-run',
      },
    ]);
    assert.match(
      JSON.stringify(alert),
      /inspect with `npm run redrive -- --region cn-hangzhou --queue ecs-event-ops-notify-dlq --dry-run`/,
    );
    const state = JSON.parse(cloud.getObject(BUCKET, 'state/dlq-check/ecs-event-ops-notify-dlq.json') ?? 'null');
    assert.deepEqual(state.counts, { active: 1, inactive: 0, delayed: 0 });
    assert.equal(state.alertedAt, '2026-11-22T02:15:00.000Z');
    assert.equal(logs.lines[0].level, 'warn');
  });

  it('does not alert again for the same counts, alerts when a count grew, and reminds after 24 hours', async () => {
    const { cloud, run, clock, webhook } = await setup();
    cloud.mns.sendMessage(QUEUES[0], '{"id":"e-1"}');
    await run();

    clock.now += 15 * 60_000;
    const same = await run();
    clock.now += 15 * 60_000;
    cloud.mns.sendMessage(QUEUES[0], '{"id":"e-2"}');
    const grew = await run();
    clock.now += 24 * 3600_000;
    const reminder = await run();

    assert.equal(same.check, 'unchanged');
    assert.equal(grew.check, 'alerted');
    assert.equal(reminder.check, 'alerted');
    assert.deepEqual(
      webhook.requests.map((r) => bodyOf(r.body).queues.map((q) => [q.total, q.trigger])),
      [[[1, 'new']], [[2, 'grew']], [[2, 'reminder']]],
    );
  });

  it('alerts again for a new message after the queue drained', async () => {
    const { cloud, queues, run, clock, webhook } = await setup();
    cloud.mns.sendMessage(QUEUES[1], 'a');
    cloud.mns.sendMessage(QUEUES[1], 'b');
    await run();
    // Re-delivered by an operator: the queue drains, then one new message arrives (fewer than before).
    queues[1].messages.length = 0;
    clock.now += 15 * 60_000;
    const drained = await run();
    cloud.mns.sendMessage(QUEUES[1], 'c');
    clock.now += 15 * 60_000;
    const again = await run();

    assert.equal(drained.check, 'empty');
    assert.equal(again.check, 'alerted');
    assert.deepEqual(
      webhook.requests.map((r) => bodyOf(r.body).queues.map((q) => [q.queue, q.total, q.trigger])),
      [[[QUEUES[1], 2, 'new']], [[QUEUES[1], 1, 'new']]],
    );
  });

  it('signs the DingTalk message and, when the webhook fails, retries without sending DingTalk twice', async () => {
    const { cloud, run, webhook, dingTalk } = await setup({ dingTalk: true });
    cloud.mns.sendMessage(QUEUES[0], 'x');
    cloud.mns.sendMessage(QUEUES[1], 'y');
    webhook.answerNext({ status: 503, body: 'busy' });

    const error = await rejection(run());
    const retry = await run();

    assert.equal(error.name, 'RetryableError');
    assert.match(error.message, /delivered: dingtalk/);
    assert.equal(retry.check, 'alerted');
    assert.equal(retry.channels, 'dingtalk,webhook');
    assert.equal(dingTalk.requests.length, 1);
    assert.equal(webhook.requests.length, 2);
    const robot = dingTalk.requests[0];
    const expected = createHmac('sha256', SECRET).update(`${START}\n${SECRET}`).digest('base64');
    assert.equal(robot.url.searchParams.get('sign'), expected);
    const text = JSON.parse(robot.body).markdown.text as string;
    assert.match(text, /^### \[CRITICAL\] 2 messages in 2 dead-letter queues \(cn-hangzhou\)/);
    assert.match(text, /ecs-event-ops-auto-restart-dlq\*\*: 1 active, 0 inactive, 0 delayed \(new\)/);
  });

  it('writes one depth record per queue at every check, empty queues included, before the invocation line', async () => {
    const { cloud, run, logs } = await setup();
    cloud.mns.sendMessage(QUEUES[1], '{"id":"e-1"}');
    cloud.mns.sendMessage(QUEUES[1], '{"id":"e-2"}');

    await run();

    assert.deepEqual(logs.records, [
      { record: 'dlq-depth', queue: QUEUES[0], active: 0, inactive: 0, delayed: 0, total: 0 },
      { record: 'dlq-depth', queue: QUEUES[1], active: 2, inactive: 0, delayed: 0, total: 2 },
    ]);
  });

  it('only writes depth records, and pages no channel, when the SLS alert rule pages (DLQ_PAGE=false)', async () => {
    const { cloud, run, logs, webhook } = await setup({ page: 'false' });
    cloud.mns.sendMessage(QUEUES[0], '{"id":"e-1"}');

    const result = await run();

    assert.equal(result.check, 'recorded');
    assert.equal(webhook.requests.length, 0);
    assert.deepEqual(
      cloud.calls('oss').filter((c) => c.action === 'PutObject'),
      [],
    );
    assert.deepEqual(
      logs.records.map((r) => [r.queue, r.total]),
      [
        [QUEUES[0], 1],
        [QUEUES[1], 0],
      ],
    );
    assert.equal(logs.lines[0].level, 'warn');
  });

  it('refuses a DLQ_PAGE that is neither true nor false at container start', async () => {
    const { run } = await setup({ page: 'yes' });

    const error = await rejection(run());

    assert.equal(error.name, 'ConfigurationError');
    assert.match(error.message, /"DLQ_PAGE": "yes" is not allowed; expected true or false/);
  });

  it('writes the alert in a log line at level error when no channel is configured', async () => {
    const { cloud, run, logs } = await setup({ webhook: false });
    cloud.mns.sendMessage(QUEUES[0], 'x');

    const result = await run();

    assert.equal(result.channels, 'none (log only)');
    assert.equal(logs.lines[0].level, 'error');
    assert.equal(logs.lines[0].outcome, 'ok');
    assert.match(String((logs.lines[0].alert as { title: string }).title), /ecs-event-ops-notify-dlq/);
    assert.equal(cloud.calls('oss').filter((c) => c.action === 'ListObjectsV2').length, 0);
  });

  it('throws a RetryableError when MNS answers 5xx', async () => {
    const { cloud, run, logs } = await setup();
    cloud.failNext('GetQueueAttributes', { status: 503, code: 'ServiceUnavailable' });

    const error = await rejection(run());

    assert.equal(error.name, 'RetryableError');
    assert.match(error.message, /mns:GetQueueAttributes failed \(ServiceUnavailable, HTTP 503/);
    assert.equal(logs.lines[0].retryable, true);
  });

  it('throws a ConfigurationError naming a queue that does not exist', async () => {
    const { run, webhook } = await setup({ queues: [QUEUES[0], 'ecs-event-ops-gone-dlq'] });

    const error = await rejection(run());

    assert.equal(error.name, 'ConfigurationError');
    assert.match(error.message, /"DLQ_QUEUE_NAMES".*queue "ecs-event-ops-gone-dlq" does not exist in cn-hangzhou/);
    assert.equal(webhook.requests.length, 0);
  });

  it('refuses a payload that is not a timer event, and a missing or malformed queue list at container start', async () => {
    const { handler } = await setup();
    const malformed = await rejection(handler(payload({ ...TIMER, triggerTime: 'soon' }), context('dlq-check')));
    assert.equal(malformed.name, 'MalformedEventError');
    assert.match(malformed.message, /"triggerTime": "soon" is not a time/);

    for (const [env, message] of [
      [{}, /"DLQ_QUEUE_NAMES" is not set/],
      [{ DLQ_QUEUE_NAMES: 'ok-dlq,1bad' }, /"DLQ_QUEUE_NAMES": "1bad" is not an MNS queue name/],
      [
        { DLQ_QUEUE_NAMES: 'a-dlq', WEBHOOK_TOKEN_SECRET_NAME: 't' },
        /"WEBHOOK_TOKEN_SECRET_NAME" is set but "WEBHOOK_URL_SECRET_NAME" is not/,
      ],
    ] as const) {
      const broken = createTimerHandler(spec, { ARCHIVE_BUCKET: BUCKET, ...env }, { log: () => {} });
      const error = await rejection(broken(payload(TIMER), context('dlq-check')));
      assert.equal(error.name, 'ConfigurationError');
      assert.match(error.message, message);
    }
  });
});
