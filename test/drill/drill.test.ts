import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { bufferIo } from '../../ops/cli';
import { type Clock, type DrillReport, runDrillCli, staticCredentials } from '../../ops/drill';
import { FakeCloud, TEST_CREDENTIALS } from '../../ops/fake-cloud';
import type { FakeSystemEvent } from '../../ops/fake-cloud/simulated-events';
import { fixture, INSTANCE_ID, REGION, world } from '../support/harness';

const BUCKET = 'ecs-event-ops-archive-1234567890123456-cn-hangzhou';
const ROOT = join(__dirname, '..', '..');

let cloud: FakeCloud | undefined;
afterEach(async () => {
  await cloud?.stop();
  cloud = undefined;
});

async function start(): Promise<FakeCloud> {
  cloud = await FakeCloud.start({ world: world({ instances: [{ id: INSTANCE_ID, status: 'Running', tags: {} }] }) });
  return cloud;
}

/** Plays the deployed pipeline: EventBridge delivers the event, the audit handler archives it (tutorial form). */
function archiveOnCreate(fake: FakeCloud, options: { type?: string; delayMs?: number } = {}): void {
  fake.systemEvents.onCreate = (event: FakeSystemEvent) => {
    setTimeout(() => {
      const original = fixture('acs.ecs', 'instance-systemmaintenance-reboot') as Record<string, unknown> & {
        data: Record<string, unknown>;
      };
      const type = options.type ?? 'ecs:SystemEvent:Scheduled';
      const now = new Date();
      original.id = `cloudevent-${event.eventId}`;
      original.type = type;
      original.time = now.toISOString();
      original.aliyunpublishtime = now.toISOString();
      original.data.eventId = event.eventId;
      const key = `archive/acs.ecs/${type}/region=${REGION}/date=${now.toISOString().slice(0, 10)}/instance=${event.instanceId}/${original.id}.json`;
      // A neighbour of another event, which the drill must read and skip.
      fake.putObject(
        BUCKET,
        key.replace(`${original.id}.json`, 'other.json'),
        JSON.stringify({ original: { data: { eventId: 'e-other' } } }),
      );
      fake.putObject(BUCKET, key, JSON.stringify({ normalized: { archivedAt: new Date().toISOString() }, original }));
    }, options.delayMs ?? 30);
  };
}

/** A clock whose sleeps pass at once: a 15-minute timeout takes milliseconds. */
function instantClock(): Clock {
  let now = Date.now();
  return {
    now: () => now,
    sleep: async (ms, signal) => {
      signal?.throwIfAborted();
      now += ms;
      await new Promise((resolve) => setImmediate(resolve));
      signal?.throwIfAborted();
    },
  };
}

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t) } };
}

function environment(fake: FakeCloud, extra: { clock?: Clock; signal?: AbortSignal } = {}) {
  const url = new URL(fake.url);
  return {
    credentials: staticCredentials(TEST_CREDENTIALS),
    endpoints: { ecs: url, oss: url, sts: url },
    ...extra,
  };
}

const BASE_ARGS = ['--region', REGION, '--instance', INSTANCE_ID, '--type', 'SystemMaintenance.Reboot'];

describe('drill', () => {
  it('passes when the pipeline archives the simulated event, with timings, and cancels the event', async () => {
    const fake = await start();
    archiveOnCreate(fake);
    const { out, io } = capture();

    const code = await runDrillCli(
      [...BASE_ARGS, '--bucket', BUCKET, '--poll-interval', '10ms', '--timeout', '5s', '--json'],
      io,
      environment(fake),
    );

    const report = JSON.parse(out.join('')) as DrillReport;
    assert.equal(code, 0);
    assert.equal(report.verdict, 'handled');
    assert.equal(report.status, 'Scheduled');
    assert.match(report.archiveKey ?? '', /^archive\/acs\.ecs\/ecs:SystemEvent:Scheduled\/region=cn-hangzhou\/date=/);
    assert.equal(report.archivedType, 'ecs:SystemEvent:Scheduled');
    assert.equal(typeof report.timings.createdToHandledMs, 'number');
    assert.equal(typeof report.timings.deliveredAt, 'string');
    assert.deepEqual(report.cancel, { result: 'canceled', statusBefore: 'Scheduled' });
    assert.equal(fake.systemEvents.events[0].status, 'Canceled');
    const ecs = fake.calls('ecs').map((c) => c.action);
    assert.deepEqual(
      [ecs[0], ecs[1], ...ecs.slice(-2)],
      [
        'CreateSimulatedSystemEvents',
        'DescribeInstanceHistoryEvents',
        'DescribeInstanceHistoryEvents',
        'CancelSimulatedSystemEvents',
      ],
    );
    const create = fake.calls('ecs')[0].params;
    assert.match(create.NotBefore, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    assert.equal(create['InstanceId.1'], INSTANCE_ID);
    assert.ok(fake.calls().every((c) => c.signed && c.securityToken === TEST_CREDENTIALS.securityToken));
  });

  it('finds the event under the status-in-type form too, and prints a human report', async () => {
    const fake = await start();
    archiveOnCreate(fake, { type: 'ecs:Instance:SystemMaintenance.Reboot:Scheduled' });
    const { out, io } = capture();

    const code = await runDrillCli(
      [...BASE_ARGS, '--bucket', BUCKET, '--poll-interval', '10ms'],
      io,
      environment(fake),
    );

    const text = out.join('');
    assert.equal(code, 0);
    assert.match(text, /PASS: the pipeline archived the event/);
    assert.match(text, /ecs:Instance:SystemMaintenance\.Reboot:Scheduled/);
    assert.match(text, /cancel +canceled/);
  });

  it('times out when nothing is archived, exits 1 and still cancels the event', async () => {
    const fake = await start();
    const { out, io } = capture();

    const code = await runDrillCli(
      [...BASE_ARGS, '--bucket', BUCKET, '--timeout', '15m', '--json'],
      io,
      environment(fake, { clock: instantClock() }),
    );

    const report = JSON.parse(out.join('')) as DrillReport;
    assert.equal(code, 1);
    assert.equal(report.verdict, 'timeout');
    assert.equal(report.cancel.result, 'canceled');
    assert.equal(fake.systemEvents.events[0].status, 'Canceled');
    // 15 minutes at the default 10 s interval: about 90 looks into the archive.
    assert.ok(fake.calls('oss').length > 90 * 15);
  });

  it('cancels the event when the drill fails midway (the archive cannot be read)', async () => {
    const fake = await start();
    fake.failNext('ListObjectsV2', {
      status: 403,
      code: 'AccessDenied',
      message: 'You have no right to access this object.',
    });
    const { out, err, io } = capture();

    const code = await runDrillCli([...BASE_ARGS, '--bucket', BUCKET, '--json'], io, environment(fake));

    const report = JSON.parse(out.join('')) as DrillReport;
    assert.equal(code, 1);
    assert.equal(report.verdict, 'failed');
    assert.match(report.error ?? '', /ListObjectsV2 .*HTTP 403, AccessDenied/);
    assert.equal(report.cancel.result, 'canceled');
    assert.equal(fake.systemEvents.events[0].status, 'Canceled');
    assert.match(err.join(''), /AccessDenied/);
  });

  it('cancels the event when interrupted (the abort signal the main wires to SIGINT) and exits 130', async () => {
    const fake = await start();
    const controller = new AbortController();
    const out: string[] = [];
    const io = {
      stdout: (text: string) => {
        out.push(text);
      },
      stderr: (text: string) => {
        if (text.startsWith('waiting for the archived copy')) setTimeout(() => controller.abort(), 20);
      },
    };

    const code = await runDrillCli(
      [...BASE_ARGS, '--bucket', BUCKET, '--poll-interval', '10ms', '--timeout', '1h'],
      io,
      environment(fake, { signal: controller.signal }),
    );

    assert.equal(code, 130);
    assert.match(out.join(''), /INTERRUPTED/);
    assert.equal(fake.systemEvents.events[0].status, 'Canceled');
  });

  it('exits 1 and prints the manual cancel command when the cancel fails', async () => {
    const fake = await start();
    archiveOnCreate(fake);
    fake.failNext('CancelSimulatedSystemEvents', { status: 403, code: 'Forbidden.RAM', message: 'not authorized' });
    const { out, err, io } = capture();

    const code = await runDrillCli(
      [...BASE_ARGS, '--bucket', BUCKET, '--poll-interval', '10ms'],
      io,
      environment(fake),
    );

    assert.equal(code, 1);
    assert.match(
      out.join(''),
      /cancel +FAILED: .*Forbidden\.RAM.*aliyun ecs CancelSimulatedSystemEvents --RegionId cn-hangzhou --EventId\.1 e-/,
    );
    assert.match(err.join(''), /^error: the simulated event e-\w+ may still be pending: /m);
    assert.equal(fake.systemEvents.events[0].status, 'Scheduled');
  });

  it('does not cancel an event that is already final', async () => {
    const fake = await start();
    archiveOnCreate(fake);
    // The event executes (NotBefore passes) while the drill waits.
    fake.systemEvents.onCreate = ((inner) => (event: FakeSystemEvent) => {
      inner(event);
      fake.systemEvents.now = () => Date.now() + 3_600_000;
    })(fake.systemEvents.onCreate);
    const { out, io } = capture();

    const code = await runDrillCli(
      [...BASE_ARGS, '--bucket', BUCKET, '--poll-interval', '10ms', '--json'],
      io,
      environment(fake),
    );

    const report = JSON.parse(out.join('')) as DrillReport;
    assert.equal(code, 0);
    assert.deepEqual(report.cancel, { result: 'not-needed', statusBefore: 'Executed' });
    assert.ok(!fake.calls('ecs').some((c) => c.action === 'CancelSimulatedSystemEvents'));
  });

  it('reports a failed create with nothing to cancel', async () => {
    const fake = await start();
    const { out, io } = capture();

    const code = await runDrillCli(
      [
        '--region',
        REGION,
        '--instance',
        'i-bp1doesnotexist00000',
        '--type',
        'SystemFailure.Reboot',
        '--bucket',
        BUCKET,
        '--json',
      ],
      io,
      environment(fake),
    );

    const report = JSON.parse(out.join('')) as DrillReport;
    assert.equal(code, 1);
    assert.equal(report.verdict, 'failed');
    assert.match(report.error ?? '', /InvalidInstanceId\.NotFound/);
    assert.deepEqual(report.cancel, { result: 'not-created' });
  });

  it('names the archive bucket from the account id of the credentials (STS GetCallerIdentity)', async () => {
    const fake = await start();
    archiveOnCreate(fake);
    const { io } = capture();

    const code = await runDrillCli([...BASE_ARGS, '--poll-interval', '10ms', '--json'], io, environment(fake));

    assert.equal(code, 0);
    assert.equal(fake.calls('sts')[0].action, 'GetCallerIdentity');
    assert.equal(fake.calls('oss')[0].params.bucket, BUCKET);
  });

  it('prints the create / describe / cancel plan on --dry-run and calls nothing', async () => {
    const fake = await start();
    const { out, io } = capture();

    const code = await runDrillCli(['--dry-run', ...BASE_ARGS], io, environment(fake));

    const text = out.join('');
    assert.equal(code, 0);
    assert.match(
      text,
      /ecs CreateSimulatedSystemEvents RegionId=cn-hangzhou EventType=SystemMaintenance\.Reboot NotBefore=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ InstanceId\.1=i-bp1abcdefghij0123456/,
    );
    assert.match(text, /ecs DescribeInstanceHistoryEvents .*InstanceEventCycleStatus\.1=Scheduled/);
    assert.match(
      text,
      /ecs CancelSimulatedSystemEvents RegionId=cn-hangzhou EventId\.1=<EventId from CreateSimulatedSystemEvents>/,
    );
    assert.deepEqual(fake.calls(), []);
  });

  it('prints the plan as JSON on --dry-run --json', async () => {
    const { out, io } = capture();

    const code = await runDrillCli(['--dry-run', '--json', '--account-id', '1234567890123456', ...BASE_ARGS], io, {});

    const plan = JSON.parse(out.join('')) as { calls: { action: string; params: Record<string, string> }[] };
    assert.equal(code, 0);
    assert.deepEqual(
      plan.calls.map((c) => c.action),
      [
        'CreateSimulatedSystemEvents',
        'DescribeInstanceHistoryEvents',
        'ListObjectsV2',
        'GetObject',
        'DescribeInstanceHistoryEvents',
        'CancelSimulatedSystemEvents',
      ],
    );
    assert.equal(plan.calls[2].params.bucket, BUCKET);
  });

  it('refuses a bad type and a bad instance id with helpful messages, exit 2, before calling anything', async () => {
    const fake = await start();
    const { err, io } = capture();

    const code = await runDrillCli(
      ['--region', REGION, '--instance', 'i-123', '--type', 'SystemMaintenance.Rebot'],
      io,
      environment(fake),
    );

    const text = err.join('');
    assert.equal(code, 2);
    assert.match(
      text,
      /^error: --type "SystemMaintenance\.Rebot" is not a simulatable system event type \(did you mean SystemMaintenance\.Reboot\?\); simulatable types: SystemMaintenance\.Reboot, .*InstanceFailure\.Reboot/m,
    );
    assert.match(text, /^error: --instance "i-123": expected an instance id like i-bp1abcdefghij0123456/m);
    assert.deepEqual(fake.calls(), []);
  });

  it('refuses an unknown region, a local NotBefore and a NotBefore in the past', async () => {
    const { err, io } = capture();

    const local = await runDrillCli(
      [
        '--region',
        'cn-hangzou',
        '--instance',
        INSTANCE_ID,
        '--type',
        'SystemFailure.Stop',
        '--not-before',
        '2099-03-01T10:00:00',
      ],
      io,
      {},
    );
    const past = await runDrillCli([...BASE_ARGS, '--not-before', '2020-01-01T00:00:00Z'], io, {});

    const text = err.join('');
    assert.equal(local, 2);
    assert.equal(past, 2);
    assert.match(text, /--region "cn-hangzou" is not an Alibaba Cloud region id \(did you mean cn-hangzhou\?\)/);
    assert.match(
      text,
      /--not-before "2099-03-01T10:00:00" has no time zone; NotBefore is UTC: write 2099-03-01T10:00:00Z/,
    );
    assert.match(text, /--not-before "2020-01-01T00:00:00Z" is not in the future/);
  });

  for (const [signal, exitCode] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const) {
    it(`the real main cancels the event on ${signal} and exits ${exitCode}`, async () => {
      const fake = await start();
      const child = spawnDrill(fake, [...BASE_ARGS, '--bucket', BUCKET, '--poll-interval', '50ms', '--timeout', '1h']);
      let stderr = '';
      let stdout = '';
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
      });
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (stderr.includes('waiting for the archived copy') && !child.killed) child.kill(signal);
      });

      const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));

      assert.equal(code, exitCode, stderr);
      assert.match(stderr, new RegExp(`drill: ${signal}; canceling the simulated event`));
      assert.match(stderr, /canceled e-/);
      assert.match(stdout, /INTERRUPTED/);
      assert.equal(fake.systemEvents.events[0].status, 'Canceled');
    });
  }

  it('cancels an event whose create answered 500 after creating it', async () => {
    const fake = await start();
    fake.failNext('CreateSimulatedSystemEvents', { status: 500, code: 'InternalError', afterAction: true });
    const { out, io } = capture();

    const code = await runDrillCli([...BASE_ARGS, '--bucket', BUCKET, '--json'], io, environment(fake));

    const report = JSON.parse(out.join('')) as DrillReport;
    const [event] = fake.systemEvents.events;
    assert.equal(code, 1);
    assert.equal(report.verdict, 'failed');
    assert.match(report.error ?? '', /InternalError/);
    assert.equal(event.status, 'Canceled');
    assert.equal(report.eventId, event.eventId);
    assert.deepEqual(report.cancel, {
      result: 'canceled',
      statusBefore: 'Scheduled',
      lookedUp: true,
      eventIds: [event.eventId],
    });
    const lookup = fake.calls('ecs')[1];
    assert.equal(lookup.action, 'DescribeInstanceHistoryEvents');
    assert.equal(lookup.params['InstanceEventType.1'], 'SystemMaintenance.Reboot');
    assert.equal(lookup.params['NotBefore.Start'], fake.calls('ecs')[0].params.NotBefore);
  });

  it('leaves alone an active event of another NotBefore when the create answered 500 without creating', async () => {
    const fake = await start();
    // Another operator's pending drill on the same instance, due in an hour (its own NotBefore).
    const notBefore = new Date(Date.now() + 3_600_000).toISOString().replace(/\.\d+Z$/, 'Z');
    fake.systemEvents.events.push({
      eventId: 'e-someone-else',
      instanceId: INSTANCE_ID,
      eventType: 'SystemMaintenance.Reboot',
      status: 'Scheduled',
      notBefore,
      publishTime: notBefore,
    });
    fake.failNext('CreateSimulatedSystemEvents', { status: 503, code: 'ServiceUnavailable' });
    const { out, io } = capture();

    const code = await runDrillCli([...BASE_ARGS, '--bucket', BUCKET, '--json'], io, environment(fake));

    const report = JSON.parse(out.join('')) as DrillReport;
    assert.equal(code, 1);
    assert.deepEqual(report.cancel, { result: 'not-created', lookedUp: true });
    assert.equal(fake.systemEvents.events[0].status, 'Scheduled');
    assert.ok(!fake.calls('ecs').some((c) => c.action === 'CancelSimulatedSystemEvents'));
  });

  it('says that no credentials were found and where it looked, instead of a network error', async () => {
    const fake = await start();
    const home = mkdtempSync(join(tmpdir(), 'eeo-no-credentials-'));
    const child = spawnDrill(fake, [...BASE_ARGS, '--poll-interval', '50ms'], {
      HOME: home,
      ALIBABA_CLOUD_ACCESS_KEY_ID: undefined,
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: undefined,
      ALIBABA_CLOUD_SECURITY_TOKEN: undefined,
      ALIBABA_CLOUD_ECS_METADATA_DISABLED: 'true',
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });

    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));

    assert.equal(code, 1);
    assert.equal(stderr.split('\n').length, 2, stderr);
    assert.match(
      stderr,
      /^error: no Alibaba Cloud credentials found\. Looked in, in order: the environment variables ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET/,
    );
    assert.match(stderr, /~\/\.aliyun\/config\.json/);
    assert.match(stderr, /~\/\.alibabacloud\/credentials/);
    assert.doesNotMatch(stderr, /undefined|network error/);
    assert.deepEqual(fake.calls(), []);
  });

  it('answers --help with the usage and examples, and refuses an unknown flag with exit 2 and one line', async () => {
    const help = capture();
    const unknown = capture();

    const helpCode = await runDrillCli(['--help'], help.io);
    const unknownCode = await runDrillCli([...BASE_ARGS, '--dryrun'], unknown.io);

    assert.equal(helpCode, 0);
    assert.match(help.out.join(''), /^Usage: npm run drill -- --region R --instance i-\.\.\. --type T/);
    assert.match(help.out.join(''), /Examples:\n {2}npm run drill -- --region cn-hangzhou/);
    assert.equal(unknownCode, 2);
    assert.equal(
      unknown.err.join(''),
      "error: unknown option '--dryrun' (did you mean --dry-run?) (see npm run drill -- --help)\n",
    );
  });
});

/** The real main, in a child process, against the fake (credentials from the environment, as in real use). */
function spawnDrill(fake: FakeCloud, args: string[], env: Record<string, string | undefined> = {}) {
  const merged: Record<string, string | undefined> = {
    ...process.env,
    ...fake.endpointEnv(),
    ALIBABA_CLOUD_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
    ALIBABA_CLOUD_ACCESS_KEY_SECRET: TEST_CREDENTIALS.accessKeySecret,
    ALIBABA_CLOUD_SECURITY_TOKEN: TEST_CREDENTIALS.securityToken,
    ...env,
  };
  // An undefined value removes the variable.
  for (const [key, value] of Object.entries(merged)) if (value === undefined) delete merged[key];
  return spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'tools', 'drill.ts'), ...args], {
    cwd: ROOT,
    env: merged,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

describe('drill reads the app configuration', () => {
  it('with namePrefix "acme-ops" in cdk.json, a dry run names the acme-ops archive bucket with no extra flag', async () => {
    const project = mkdtempSync(join(tmpdir(), 'eeo-drill-project-'));
    writeFileSync(
      join(project, 'cdk.json'),
      JSON.stringify({ context: { 'ecs-event-ops': { regions: ['cn-hangzhou'], namePrefix: 'acme-ops' } } }),
    );
    const io = bufferIo();

    const code = await runDrillCli(['--dry-run', '--json', '--account-id', '1234567890123456', ...BASE_ARGS], io, {
      projectRoot: project,
    });

    assert.equal(code, 0, io.err());
    assert.match(io.out(), /acme-ops-archive-1234567890123456-cn-hangzhou/);
    assert.doesNotMatch(io.out(), /ecs-event-ops-archive/);
  });
});
