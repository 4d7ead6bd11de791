import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { REDRIVE_OVERRIDE_FIELD } from '../../contract/env/safety';
import { spec as autoRestartSpec } from '../../lambda-src/auto-restart';
import { createFcHandler } from '../../lambda-src/commons/handler';
import { loadConfig } from '../../lib/config';
import { bufferIo } from '../../ops/cli';
import { staticCredentials } from '../../ops/drill';
import { FakeCloud, TEST_CREDENTIALS } from '../../ops/fake-cloud';
import {
  functionOfQueue,
  parseDeadLetter,
  parseFunctionArn,
  type RedriveReport,
  readAgeLimits,
  runRedriveCli,
} from '../../ops/redrive';
import { synthAssembly } from '../diff/assemblies';
import { BUCKET, context, fixture, logCapture, world } from '../support/harness';

const QUEUE = 'ecs-event-ops-auto-restart-dlq';
const ROOT = join(__dirname, '..', '..');
const FUNCTION_ARN =
  'acs:fc:cn-hangzhou:1234567890123456:services/ecs-event-ops-auto-restart.LATEST/functions/auto-restart';

let cloud: FakeCloud | undefined;
afterEach(async () => {
  await cloud?.stop();
  cloud = undefined;
});

/** A minute ago: fresh for every age limit (the fixtures' own 2024 times are stale now). */
const FRESH = new Date(Date.now() - 60_000).toISOString();
const HOUR_MS = 3_600_000;

/** The original event of a dead letter, with its own id and a fresh `time` unless given. */
function event(id: string, time: string = FRESH): Record<string, unknown> {
  return { ...fixture('acs.ecs', 'instance-statechange-stopped'), id, time };
}

/** An FC asynchronous-invocation failure record (UNCONFIRMED shape, see lib/redrive/dead-letter.ts). */
function failureRecord(original: unknown): string {
  return JSON.stringify({
    timestamp: 1_732_000_000_000,
    requestContext: {
      requestId: 'c2e6e6c4-0000-4000-8000-000000000001',
      functionArn: FUNCTION_ARN,
      condition: 'UnhandledInvocationError',
      approximateInvokeCount: 3,
    },
    requestPayload: typeof original === 'string' ? original : JSON.stringify(original),
    responseContext: { statusCode: 200, functionError: 'UnhandledInvocationError' },
    responsePayload: JSON.stringify({
      errorType: 'RetryableError',
      errorMessage: 'ecs:StartInstance failed (Throttling.User)',
    }),
  });
}

async function start(): Promise<FakeCloud> {
  cloud = await FakeCloud.start({ world: world() });
  cloud.mns.createQueue(QUEUE);
  cloud.functionCompute.functions.add('ecs-event-ops-auto-restart/auto-restart');
  return cloud;
}

async function run(fake: FakeCloud, args: string[], now?: () => number) {
  const out: string[] = [];
  const err: string[] = [];
  const url = new URL(fake.url);
  const code = await runRedriveCli(
    ['--region', 'cn-hangzhou', '--queue', QUEUE, ...args],
    { stdout: (t) => out.push(t), stderr: (t) => err.push(t) },
    {
      credentials: staticCredentials(TEST_CREDENTIALS),
      endpoints: { sts: url, mns: url, eventbridge: url, fc: url },
      now,
    },
  );
  return { code, out: out.join(''), err: err.join('') };
}

describe('redrive', () => {
  it('re-publishes to EventBridge with --to eventbridge and deletes only what was re-delivered', async () => {
    const fake = await start();
    fake.mns.sendMessage(QUEUE, JSON.stringify(event('ev-plain')));
    fake.mns.sendMessage(QUEUE, Buffer.from(JSON.stringify(event('ev-base64'))).toString('base64'));
    fake.mns.sendMessage(QUEUE, failureRecord(event('ev-from-fc')));
    fake.mns.sendMessage(QUEUE, 'not a dead letter');

    const { code, out } = await run(fake, ['--to', 'eventbridge', '--json']);

    const report = JSON.parse(out) as RedriveReport;
    assert.equal(code, 1);
    assert.deepEqual(
      fake.eventBridge.published.map((p) => [p.bus, p.event.id, p.event.source, p.event.type]),
      [
        ['default', 'ev-plain', 'acs.ecs', 'ecs:Instance:StateChange'],
        ['default', 'ev-base64', 'acs.ecs', 'ecs:Instance:StateChange'],
        ['default', 'ev-from-fc', 'acs.ecs', 'ecs:Instance:StateChange'],
      ],
    );
    const republished = fake.eventBridge.published[0].event;
    assert.deepEqual(republished.data, event('x').data);
    assert.equal(republished.aliyunregionid, 'cn-hangzhou');
    assert.equal(republished.aliyunpublishtime, undefined);
    assert.deepEqual(fake.mns.bodies(QUEUE), ['not a dead letter']);
    assert.equal(report.deleted, 3);
    assert.equal(report.kept, 1);
    const fromFc = report.messages[2];
    assert.equal(fromFc.kind, 'fc-failure');
    assert.equal(fromFc.instanceId, 'i-bp1abcdefghij0123456');
    assert.match(fromFc.why ?? '', /UnhandledInvocationError.*RetryableError: ecs:StartInstance failed/);
    assert.ok(fake.calls().every((c) => c.signed && c.securityToken === TEST_CREDENTIALS.securityToken));
  });

  it('keeps a message whose re-delivery fails in the queue', async () => {
    const fake = await start();
    fake.mns.sendMessage(QUEUE, JSON.stringify(event('ev-refused')));
    fake.mns.sendMessage(QUEUE, JSON.stringify(event('ev-ok')));
    fake.eventBridge.rejectEvent = (e) => (e.id === 'ev-refused' ? 'EventSourceNotAllowed' : undefined);

    const { code, out } = await run(fake, ['--to', 'eventbridge']);

    assert.equal(code, 1);
    assert.match(
      out,
      /message \w+ \(eventbridge, \d+ s old\): ecs:Instance:StateChange ev-refused on i-bp1abcdefghij0123456\n {2}KEPT: re-delivery failed: .*EventSourceNotAllowed/,
    );
    assert.match(out, /re-delivered to eventbridge default, deleted/);
    assert.match(out, /1 re-delivered \(--to eventbridge\), 1 deleted, 1 kept/);
    assert.deepEqual(fake.mns.bodies(QUEUE), [JSON.stringify(event('ev-refused'))]);
    assert.deepEqual(
      fake.calls('mns').map((c) => c.action),
      ['ReceiveMessage', 'DeleteMessage', 'ReceiveMessage'],
    );
  });

  it('keeps the message when PutEvents itself fails', async () => {
    const fake = await start();
    fake.mns.sendMessage(QUEUE, JSON.stringify(event('ev-1')));
    fake.failNext('PutEvents', { status: 503, code: 'ServiceUnavailable' });

    const { code, out } = await run(fake, ['--to', 'eventbridge', '--json']);

    const report = JSON.parse(out) as RedriveReport;
    assert.equal(code, 1);
    assert.match(report.messages[0].reason ?? '', /ServiceUnavailable/);
    assert.equal(fake.mns.bodies(QUEUE).length, 1);
  });

  it('re-invokes the failed function with --to target, and the function that owns the queue for EventBridge messages', async () => {
    const fake = await start();
    const payload = JSON.stringify(event('ev-from-fc'));
    fake.mns.sendMessage(QUEUE, failureRecord(payload));
    fake.mns.sendMessage(QUEUE, JSON.stringify(event('ev-from-eventbridge')));

    const { code, out } = await run(fake, ['--to', 'target', '--json']);

    const report = JSON.parse(out) as RedriveReport;
    assert.equal(code, 0);
    const invocation = {
      service: 'ecs-event-ops-auto-restart',
      function: 'auto-restart',
      qualifier: 'LATEST',
      invocationType: 'Async',
    };
    assert.deepEqual(fake.functionCompute.invocations, [
      { ...invocation, payload },
      { ...invocation, payload: JSON.stringify(event('ev-from-eventbridge')) },
    ]);
    assert.deepEqual(
      report.messages.map((m) => [m.destination, m.deleted]),
      [
        ['fc ecs-event-ops-auto-restart/auto-restart.LATEST', true],
        ['fc ecs-event-ops-auto-restart/auto-restart.LATEST', true],
      ],
    );
    assert.deepEqual(fake.mns.bodies(QUEUE), []);
    assert.deepEqual(fake.eventBridge.published, []);
  });

  it('keeps a failure record whose function no longer exists', async () => {
    const fake = await start();
    fake.functionCompute.functions.clear();
    fake.mns.sendMessage(QUEUE, failureRecord(event('ev-1')));

    const { code, out } = await run(fake, ['--to', 'target', '--json']);

    const report = JSON.parse(out) as RedriveReport;
    assert.equal(code, 1);
    assert.match(report.messages[0].reason ?? '', /FunctionNotFound/);
    assert.equal(fake.mns.bodies(QUEUE).length, 1);
  });

  it('lists without changing anything on --dry-run', async () => {
    const fake = await start();
    fake.mns.sendMessage(QUEUE, failureRecord(event('ev-1')));
    fake.mns.sendMessage(QUEUE, JSON.stringify(event('ev-2')));

    const { code, out } = await run(fake, ['--dry-run', '--to', 'target']);

    assert.equal(code, 0);
    assert.match(out, /Dry run: peeked at ecs-event-ops-auto-restart-dlq/);
    assert.match(
      out,
      /ev-1 on i-bp1abcdefghij0123456\n {2}failed: UnhandledInvocationError.*\n {2}would re-deliver to fc ecs-event-ops-auto-restart\/auto-restart\.LATEST/,
    );
    assert.match(out, /ev-2 .*\n {2}would re-deliver to fc ecs-event-ops-auto-restart\/auto-restart\.LATEST/);
    assert.deepEqual(
      fake.calls('mns').map((c) => c.action),
      ['PeekMessage'],
    );
    assert.equal(fake.calls('eventbridge').length + fake.calls('fc').length, 0);
    assert.equal(fake.mns.bodies(QUEUE).length, 2);
  });

  it('handles at most --max messages', async () => {
    const fake = await start();
    for (let i = 0; i < 20; i++) fake.mns.sendMessage(QUEUE, JSON.stringify(event(`ev-${i}`)));

    const { code } = await run(fake, ['--max', '17']);

    assert.equal(code, 0);
    assert.equal(fake.functionCompute.invocations.length, 17);
    assert.equal(fake.mns.bodies(QUEUE).length, 3);
  });

  it('refuses bad flags with exit 2 and an error line each, before calling anything', async () => {
    const fake = await start();
    const out: string[] = [];
    const err: string[] = [];

    const code = await runRedriveCli(
      [
        ...['--region', 'cn-hangzhou', '--queue', 'ecs-event-ops-auto-restart_dlq', '--to', 'targt', '--max', '0'],
        ...['--assembly', synthAssembly()],
      ],
      { stdout: (t) => out.push(t), stderr: (t) => err.push(t) },
      {},
    );

    assert.equal(code, 2);
    const text = err.join('');
    assert.match(
      text,
      /^error: --queue "ecs-event-ops-auto-restart_dlq" is not an MNS queue name .*\(did you mean ecs-event-ops-auto-restart-dlq\?\)/,
    );
    assert.match(text, /--to "targt" is not allowed \(did you mean target\?\); allowed: eventbridge, target/);
    assert.match(text, /--max "0" must be a whole number from 1 to 1000/);
    assert.deepEqual(fake.calls(), []);
  });

  it('is refused by every fake when the request is signed with the wrong secret', async () => {
    const fake = await start();
    fake.mns.sendMessage(QUEUE, JSON.stringify(event('ev-1')));
    const url = new URL(fake.url);
    const wrong = staticCredentials({ ...TEST_CREDENTIALS, accessKeySecret: 'not-the-secret' });
    const err: string[] = [];

    const code = await runRedriveCli(
      ['--region', 'cn-hangzhou', '--queue', QUEUE, '--account-id', '1234567890123456'],
      { stdout: () => undefined, stderr: (t) => err.push(t) },
      { credentials: wrong, endpoints: { mns: url, eventbridge: url, fc: url } },
    );

    assert.equal(code, 1);
    assert.match(err.join(''), /SignatureDoesNotMatch/);
    assert.deepEqual(
      fake.calls().map((c) => [c.service, c.signed]),
      [['mns', false]],
    );
  });

  it('names the dead-letter queues when the queue does not exist', async () => {
    const fake = await start();

    const { code, err } = await run(fake, ['--queue', 'ecs-event-ops-auto-restrt-dlq', '--assembly', synthAssembly()]);

    assert.equal(code, 1);
    assert.match(err, /QueueNotExist.*did you mean ecs-event-ops-auto-restart-dlq\?/);
  });

  it('re-invokes the automation that failed by default, and publishes nothing to the bus', async () => {
    const fake = await start();
    fake.mns.sendMessage(QUEUE, JSON.stringify(event('ev-from-eventbridge')));
    fake.mns.sendMessage(QUEUE, failureRecord(event('ev-from-fc')));

    const { code, out } = await run(fake, ['--json']);

    const report = JSON.parse(out) as RedriveReport;
    assert.equal(code, 0);
    assert.equal(report.to, 'target');
    assert.deepEqual(fake.eventBridge.published, []);
    assert.deepEqual(
      fake.functionCompute.invocations.map((i) => [i.service, i.function, JSON.parse(i.payload).id]),
      [
        ['ecs-event-ops-auto-restart', 'auto-restart', 'ev-from-eventbridge'],
        ['ecs-event-ops-auto-restart', 'auto-restart', 'ev-from-fc'],
      ],
    );
    assert.deepEqual(fake.mns.bodies(QUEUE), []);
  });

  it('shows the age of each message in the listing and the JSON report', async () => {
    const fake = await start();
    const enqueued = Date.UTC(2026, 2, 1, 8, 0, 0);
    fake.mns.now = () => enqueued;
    fake.mns.sendMessage(QUEUE, JSON.stringify(event('ev-old')));
    fake.mns.now = Date.now;
    const now = () => enqueued + (2 * 24 + 3) * 3_600_000;

    const listing = await run(fake, ['--dry-run'], now);
    const json = await run(fake, ['--dry-run', '--json'], now);

    assert.equal(listing.code, 0);
    assert.match(listing.out, /message \w+ \(eventbridge, 2 d 3 h old\): ecs:Instance:StateChange ev-old/);
    const [message] = (JSON.parse(json.out) as RedriveReport).messages;
    assert.equal(message.enqueuedAt, '2026-03-01T08:00:00.000Z');
    assert.equal(message.ageMs, (2 * 24 + 3) * 3_600_000);
  });

  it('answers --help with the usage, the examples and the default destination', async () => {
    const out: string[] = [];

    const code = await runRedriveCli(['--help'], { stdout: (t) => out.push(t), stderr: () => undefined });

    assert.equal(code, 0);
    assert.match(out.join(''), /^Usage: npm run redrive -- --region R --queue <dlq>/);
    assert.match(
      out.join(''),
      /Examples:\n {2}npm run redrive -- --region cn-hangzhou --queue ecs-event-ops-auto-restart-dlq --dry-run/,
    );
    assert.match(out.join(''), /--to target \(the default\) re-invokes the function that failed/);
  });

  it('says that no credentials were found and where it looked, instead of a network error', async () => {
    const fake = await start();
    const env: Record<string, string | undefined> = {
      ...process.env,
      ...fake.endpointEnv(),
      HOME: mkdtempSync(join(tmpdir(), 'eeo-no-credentials-')),
      ALIBABA_CLOUD_ECS_METADATA_DISABLED: 'true',
    };
    for (const key of Object.keys(env))
      if (key.startsWith('ALIBABA_CLOUD_ACCESS_KEY') || key === 'ALIBABA_CLOUD_SECURITY_TOKEN') delete env[key];

    const run = spawnSync(
      process.execPath,
      ['--import', 'tsx', join(ROOT, 'tools', 'redrive.ts'), '--region', 'cn-hangzhou', '--queue', QUEUE],
      { cwd: ROOT, env, encoding: 'utf8' },
    );

    assert.equal(run.status, 1);
    assert.match(
      run.stderr,
      /^error: no Alibaba Cloud credentials found\. Looked in, in order: the environment variables ALIBABA_CLOUD_ACCESS_KEY_ID/,
    );
    assert.equal(run.stderr.split('\n').length, 2, run.stderr);
    assert.doesNotMatch(run.stderr, /undefined|network error/);
    assert.deepEqual(fake.calls(), []);
  });
});

describe('redrive and the age limit', () => {
  const threeDaysAgo = () => new Date(Date.now() - 72 * HOUR_MS).toISOString();

  it('lists a 3-day-old message as stale and leaves it in the queue by default', async () => {
    const fake = await start();
    const old = JSON.stringify(event('ev-old', threeDaysAgo()));
    fake.mns.sendMessage(QUEUE, old);
    fake.mns.sendMessage(QUEUE, JSON.stringify(event('ev-fresh')));

    const listing = await run(fake, ['--dry-run']);
    const { code, out } = await run(fake, ['--json']);

    assert.equal(listing.code, 0);
    assert.match(
      listing.out,
      /ev-old on i-\w+\n {2}would keep: stale: the event is 72 h old, older than the age limit of auto-restart \(24 h, maxEventAgeHours\); to act on it deliberately, redrive with --max-age-hours 73/,
    );
    assert.match(listing.out, /ev-fresh .*\n {2}would re-deliver to fc .* \(event 0 h old; age limit 24 h\)/);
    assert.match(listing.out, /1 stale message would be left in the queue/);
    const report = JSON.parse(out) as RedriveReport;
    assert.equal(code, 1);
    assert.equal(report.stale, 1);
    assert.deepEqual(
      report.messages.map((m) => [m.eventId, m.result, m.stale, m.eventAgeHours, m.maxEventAgeHours, m.deleted]),
      [
        ['ev-old', 'kept', true, 72, 24, false],
        ['ev-fresh', 'redelivered', false, 0, 24, true],
      ],
    );
    assert.deepEqual(
      fake.functionCompute.invocations.map((i) => JSON.parse(i.payload).id),
      ['ev-fresh'],
    );
    assert.deepEqual(fake.mns.bodies(QUEUE), [old]);
  });

  it('with --max-age-hours 96 re-invokes the function with the override, and the handler acts and records it in the ledger', async () => {
    const fake = await start();
    fake.mns.sendMessage(QUEUE, failureRecord(event('ev-old', threeDaysAgo())));

    const { code, out } = await run(fake, ['--max-age-hours', '96', '--json']);
    const [invocation] = fake.functionCompute.invocations;
    const logs = logCapture();
    const handler = createFcHandler(
      autoRestartSpec,
      { ARCHIVE_BUCKET: BUCKET, ...fake.endpointEnv(), SAFETY_MAX_EVENT_AGE_HOURS: '24' },
      { log: logs.sink },
    );
    const result = await handler(Buffer.from(invocation.payload), context('auto-restart'));

    const report = JSON.parse(out) as RedriveReport;
    assert.equal(code, 0);
    assert.deepEqual(
      report.messages.map((m) => [m.result, m.stale, m.maxEventAgeHours, m.ageOverrideHours]),
      [['redelivered', false, 96, 96]],
    );
    assert.deepEqual(JSON.parse(invocation.payload)[REDRIVE_OVERRIDE_FIELD], { maxEventAgeHours: 96 });
    assert.equal(result.outcome, 'ok');
    assert.deepEqual(
      fake.calls('ecs').map((c) => c.action),
      ['DescribeInstances', 'StartInstance'],
    );
    assert.equal(fake.world.instances[0].status, 'Running');
    assert.deepEqual(
      [logs.ledger[0].eventId, logs.ledger[0].decision, logs.ledger[0].ageOverrideHours],
      ['ev-old', 'acted', 96],
    );
    assert.deepEqual(fake.mns.bodies(QUEUE), []);
  });

  it('keeps a message older than --max-age-hours too', async () => {
    const fake = await start();
    fake.mns.sendMessage(QUEUE, JSON.stringify(event('ev-old', threeDaysAgo())));

    const { code, out } = await run(fake, ['--max-age-hours', '48']);

    assert.equal(code, 1);
    assert.match(out, /KEPT: stale: the event is 72 h old, older than --max-age-hours 48\n/);
    assert.deepEqual(fake.functionCompute.invocations, []);
    assert.equal(fake.mns.bodies(QUEUE).length, 1);
  });

  it('refuses --max-age-hours 500 with exit 2, naming the flag, the value and what is allowed', async () => {
    const fake = await start();
    fake.mns.sendMessage(QUEUE, JSON.stringify(event('ev-old', threeDaysAgo())));

    const { code, err } = await run(fake, ['--max-age-hours', '500']);

    assert.equal(code, 2);
    assert.match(
      err,
      /^error: --max-age-hours "500" must be a whole number of hours from 1 to 168 \(the dead-letter retention\)/,
    );
    assert.deepEqual(fake.calls(), []);
  });

  it('refuses --max-age-hours with --to eventbridge, where no handler would see the override', async () => {
    const fake = await start();

    const { code, err } = await run(fake, ['--max-age-hours', '96', '--to', 'eventbridge']);

    assert.equal(code, 2);
    assert.match(err, /--max-age-hours 96 is not allowed with --to eventbridge/);
    assert.deepEqual(fake.calls(), []);
  });

  it('re-delivers a 3-day-old message of notify, which has no age limit, as it is', async () => {
    const fake = await start();
    fake.mns.createQueue('ecs-event-ops-notify-dlq');
    fake.functionCompute.functions.add('ecs-event-ops-notify/notify');
    const old = JSON.stringify(event('ev-old', threeDaysAgo()));
    fake.mns.sendMessage('ecs-event-ops-notify-dlq', old);

    const { code, out } = await run(fake, ['--queue', 'ecs-event-ops-notify-dlq', '--dry-run']);
    const live = await run(fake, ['--queue', 'ecs-event-ops-notify-dlq', '--max-age-hours', '24', '--json']);

    assert.equal(code, 0);
    assert.match(
      out,
      /would re-deliver to fc ecs-event-ops-notify\/notify\.LATEST \(event 72 h old; notify has no age limit\)/,
    );
    assert.equal(live.code, 0);
    assert.deepEqual(
      fake.functionCompute.invocations.map((i) => i.payload),
      [old],
    );
  });
});

describe('a redriven message that failed again', () => {
  it("is judged by the event inside the old override, and re-wrapped only with this run's --max-age-hours", async () => {
    const fake = await start();
    const original = event('ev-old', new Date(Date.now() - 72 * HOUR_MS).toISOString());
    fake.mns.sendMessage(
      QUEUE,
      failureRecord(JSON.stringify({ [REDRIVE_OVERRIDE_FIELD]: { maxEventAgeHours: 96 }, event: original })),
    );

    const listing = await run(fake, ['--dry-run', '--json']);
    const { code } = await run(fake, ['--max-age-hours', '80']);

    const [message] = (JSON.parse(listing.out) as RedriveReport).messages;
    assert.deepEqual([message.eventId, message.stale, message.eventAgeHours], ['ev-old', true, 72]);
    assert.equal(code, 0);
    assert.deepEqual(JSON.parse(fake.functionCompute.invocations[0].payload), {
      [REDRIVE_OVERRIDE_FIELD]: { maxEventAgeHours: 80 },
      event: original,
    });
  });
});

describe('readAgeLimits', () => {
  it('reads the limit synth gives each function of the region, and none for automations without one', () => {
    const config = loadConfig({ regions: ['cn-hangzhou'], autoRestart: { maxEventAgeHours: 48 } });

    const limits = readAgeLimits(config.regions[0]);

    assert.equal(limits['auto-restart'], 48);
    assert.equal(limits['spot-drain'], 24);
    assert.equal(limits.notify, null);
  });
});

describe('dead-letter messages', () => {
  it('detects a base64-encoded CloudEvent', () => {
    const letter = parseDeadLetter(Buffer.from(JSON.stringify(event('ev-1'))).toString('base64'));

    assert.equal(letter.kind, 'eventbridge');
    assert.equal(letter.kind === 'eventbridge' && letter.base64, true);
    assert.equal(letter.summary.eventId, 'ev-1');
  });

  it('reads the failure reason of an FC record whose payload is an object', () => {
    const record = JSON.parse(failureRecord(event('ev-1'))) as Record<string, unknown>;
    record.requestPayload = event('ev-1');

    const letter = parseDeadLetter(JSON.stringify(record));

    assert.equal(letter.kind, 'fc-failure');
    assert.equal(letter.summary.eventId, 'ev-1');
    assert.match(letter.summary.why ?? '', /after 3 attempts/);
  });

  it('reports anything else as unknown', () => {
    assert.equal(parseDeadLetter('{"hello":"world"}').kind, 'unknown');
    assert.equal(parseDeadLetter('%%%').kind, 'unknown');
  });

  it('parses FC 2.0 function ARNs with and without a qualifier', () => {
    assert.deepEqual(parseFunctionArn('acs:fc:cn-hangzhou:1:services/svc/functions/fn'), {
      service: 'svc',
      function: 'fn',
    });
    assert.deepEqual(parseFunctionArn(FUNCTION_ARN), {
      service: 'ecs-event-ops-auto-restart',
      function: 'auto-restart',
      qualifier: 'LATEST',
    });
    assert.equal(parseFunctionArn('acs:fc:cn-hangzhou:1:functions/fn'), undefined);
  });
});

describe('functionOfQueue', () => {
  it('names the function that owns an automation queue of the configured prefix', () => {
    assert.deepEqual(functionOfQueue('ops-team-spot-drain-dlq', 'ops-team'), {
      service: 'ops-team-spot-drain',
      function: 'spot-drain',
      qualifier: 'LATEST',
    });
    assert.equal(functionOfQueue('some-other-queue', 'ops-team'), undefined);
    assert.equal(functionOfQueue('ops-team--dlq', 'ops-team'), undefined);
    assert.equal(functionOfQueue('ecs-event-ops-notify-dlq', 'ops-team'), undefined);
  });
});

describe('redrive reads the app configuration', () => {
  it('with namePrefix "acme-ops" in cdk.json, lists the acme-ops queues of the assembly and redrives to acme-ops functions with no extra flag', async () => {
    const project = mkdtempSync(join(tmpdir(), 'eeo-redrive-project-'));
    writeFileSync(
      join(project, 'cdk.json'),
      JSON.stringify({ context: { 'ecs-event-ops': { regions: ['cn-hangzhou'], namePrefix: 'acme-ops' } } }),
    );
    const assembly = join(project, 'cdk.out');
    const synth = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'tools/synth.ts', '-q', '-o', assembly, '-c', 'ecs-event-ops.namePrefix=acme-ops'],
      { cwd: ROOT, encoding: 'utf8' },
    );
    assert.equal(synth.status, 0, synth.stderr);
    cloud = await FakeCloud.start({ world: world() });
    cloud.mns.createQueue('acme-ops-auto-restart-dlq');
    cloud.functionCompute.functions.add('acme-ops-auto-restart/auto-restart');
    cloud.mns.sendMessage('acme-ops-auto-restart-dlq', JSON.stringify(event('ev-acme')));
    const url = new URL(cloud.url);
    const environment = {
      credentials: staticCredentials(TEST_CREDENTIALS),
      endpoints: { sts: url, mns: url, eventbridge: url, fc: url },
      projectRoot: project,
    };
    const missing = bufferIo();

    const usage = await runRedriveCli(['--region', 'cn-hangzhou'], missing, environment);
    const io = bufferIo();
    const code = await runRedriveCli(
      ['--region', 'cn-hangzhou', '--queue', 'acme-ops-auto-restart-dlq', '--json'],
      io,
      environment,
    );

    assert.equal(usage, 2);
    assert.match(missing.err(), /acme-ops-auto-restart-dlq/);
    assert.doesNotMatch(missing.err(), /ecs-event-ops-/);
    assert.equal(code, 0, io.err());
    const report = JSON.parse(io.out()) as RedriveReport;
    assert.equal(report.messages[0].destination, 'fc acme-ops-auto-restart/auto-restart.LATEST');
    assert.deepEqual(cloud.mns.bodies('acme-ops-auto-restart-dlq'), []);
  });
});
