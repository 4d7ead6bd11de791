import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import { readAssembly } from '../../lib/assembly';
import { compilePattern } from '../../lib/patterns/matcher';
import type { VerifyReport } from '../../lib/patterns/rules-verify';
import { bufferIo } from '../../ops/cli';
import { staticCredentials } from '../../ops/drill';
import { FakeCloud, TEST_CREDENTIALS } from '../../ops/fake-cloud';
import { rulesOfStack, runRulesVerifyCli, stackOfRegion } from '../../ops/rules-verify';
import { STACK, synthAssembly } from '../diff/assemblies';
import { world } from '../support/harness';

const ROOT = path.resolve(__dirname, '../..');
const FIXTURES = path.join(ROOT, 'test/fixtures/events');

let assembly: string;
let events: string;
let cloud: FakeCloud | undefined;

before(() => {
  assembly = synthAssembly();
  // A few sample events, one of them in Cloud Monitor form, so that each run stays short.
  events = fs.mkdtempSync(path.join(os.tmpdir(), 'eeo-rules-verify-'));
  for (const file of [
    'acs.ecs/instance-statechange-stopped.json',
    'acs.ecs/instance-systemmaintenance-reboot-scheduled.cms.json',
    'acs.ess/scalingactivity-scaleoutsuccess.json',
  ]) {
    fs.mkdirSync(path.join(events, path.dirname(file)), { recursive: true });
    fs.copyFileSync(path.join(FIXTURES, file), path.join(events, file));
  }
});
after(() => fs.rmSync(events, { recursive: true, force: true }));
afterEach(async () => {
  await cloud?.stop();
  cloud = undefined;
});

async function run(argv: readonly string[]) {
  cloud = await FakeCloud.start({ world: world() });
  const url = new URL(cloud.url);
  const io = bufferIo();
  const code = await runRulesVerifyCli(argv, io, {
    credentials: staticCredentials(TEST_CREDENTIALS),
    endpoints: { sts: url, eventbridge: url },
    projectRoot: ROOT,
  });
  return { code, out: io.out(), err: io.err(), fake: cloud };
}

describe('npm run rules:verify', () => {
  test('exits 0 when the cloud and the local matcher agree on every pattern and sample event', async () => {
    const stack = stackOfRegion(readAssembly(assembly), 'cn-hangzhou');
    const patterns = new Set(rulesOfStack(stack).map((r) => JSON.stringify(r.pattern))).size;

    const { code, out, err, fake } = await run([
      '--cloud',
      '--region',
      'cn-hangzhou',
      '--assembly',
      assembly,
      '--events',
      events,
      '--json',
    ]);

    assert.equal(code, 0, err);
    const report = JSON.parse(out) as VerifyReport;
    assert.deepEqual(report, { cases: patterns * 3, disagreements: [] });
    const calls = fake.calls('eventbridge').filter((c) => c.action === 'TestEventPattern');
    assert.equal(calls.length, patterns * 3);
    assert.ok(calls.every((c) => c.signed));
    // The account id came from STS, and the progress went to stderr.
    assert.equal(fake.calls('sts').length, 1);
    assert.match(
      err,
      /rules:verify: \d+ rules \(\d+ distinct patterns\) of ecs-event-ops-cn-hangzhou × 3 sample events/,
    );
  });

  test('exits 1 and names the stack, rule and event when the cloud disagrees on one pattern', async () => {
    const [rule] = rulesOfStack(stackOfRegion(readAssembly(assembly), 'cn-hangzhou'));
    const forced = JSON.stringify(rule.pattern);
    cloud = await FakeCloud.start({ world: world() });
    const fake = cloud;
    fake.eventBridge.testEventPatternAnswer = (pattern, event) =>
      JSON.stringify(pattern) === forced ? !compilePattern(pattern)(event) : undefined;
    const url = new URL(fake.url);
    const argv = [
      '--cloud',
      '--region',
      'cn-hangzhou',
      '--assembly',
      assembly,
      '--events',
      events,
      '--account-id',
      '1234567890123456',
    ];
    const environment = {
      credentials: staticCredentials(TEST_CREDENTIALS),
      endpoints: { eventbridge: url },
      projectRoot: ROOT,
    };

    const json = bufferIo();
    const jsonCode = await runRulesVerifyCli([...argv, '--json'], json, environment);
    const human = bufferIo();
    const humanCode = await runRulesVerifyCli(argv, human, environment);

    assert.equal(jsonCode, 1);
    const report = JSON.parse(json.out()) as VerifyReport;
    assert.ok(report.disagreements.length >= 3);
    const ofRule = report.disagreements.filter((d) => d.ruleName === rule.ruleName);
    assert.deepEqual(
      ofRule.map((d) => d.event),
      [
        'acs.ecs/instance-statechange-stopped',
        'acs.ecs/instance-systemmaintenance-reboot-scheduled.cms',
        'acs.ess/scalingactivity-scaleoutsuccess',
      ],
    );
    assert.ok(report.disagreements.every((d) => d.stack === STACK && d.cloud !== d.local));
    assert.equal(humanCode, 1);
    assert.match(
      human.out(),
      new RegExp(`DISAGREE stack ${STACK} rule ${rule.ruleName} event acs\\.ecs/instance-statechange-stopped: `),
    );
    assert.match(human.out(), /FAIL: \d+ disagreements in \d+ cases of ecs-event-ops-cn-hangzhou/);
    assert.equal(fake.calls('sts').length, 0);
  });

  test('refuses to run without --cloud, with a usage message (exit 2) and no call', async () => {
    const { code, out, err, fake } = await run(['--region', 'cn-hangzhou', '--assembly', assembly]);

    assert.equal(code, 2);
    assert.equal(out, '');
    assert.match(err, /^error: rules:verify calls EventBridge TestEventPattern in a real account: pass --cloud/);
    assert.equal(fake.calls().length, 0);
  });

  test('names the regions of the assembly when the region has no stack', async () => {
    const { code, err } = await run(['--cloud', '--region', 'cn-shanghai', '--assembly', assembly]);

    assert.equal(code, 1);
    assert.match(
      err,
      /--region "cn-shanghai": the cloud assembly .* has no stack of that region; its regions: cn-hangzhou/,
    );
  });

  test('checks every sample event of test/fixtures/events by default', async () => {
    const { code, out, err } = await run(['--cloud', '--region', 'cn-hangzhou', '--assembly', assembly, '--json']);

    assert.equal(code, 0, err);
    const count = fs
      .readdirSync(FIXTURES, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.json')).length;
    assert.match(err, new RegExp(`× ${count} sample events`));
    assert.equal((JSON.parse(out) as VerifyReport).disagreements.length, 0);
  });

  test('reports a call the service refuses (a wrong secret) as a failure naming TestEventPattern', async () => {
    cloud = await FakeCloud.start({ world: world() });
    const io = bufferIo();

    const code = await runRulesVerifyCli(
      [
        '--cloud',
        '--region',
        'cn-hangzhou',
        '--assembly',
        assembly,
        '--events',
        events,
        '--account-id',
        '1234567890123456',
      ],
      io,
      {
        credentials: staticCredentials({ ...TEST_CREDENTIALS, accessKeySecret: 'not-the-secret' }),
        endpoints: { eventbridge: new URL(cloud.url) },
        projectRoot: ROOT,
      },
    );

    assert.equal(code, 1);
    assert.equal(io.out(), '');
    assert.match(io.err(), /error: eventbridge:TestEventPattern failed \(SignatureDoesNotMatch\) for pattern \{/);
  });

  test('says that no credentials were found and where it looked, instead of a network error', async () => {
    cloud = await FakeCloud.start({ world: world() });
    const env: Record<string, string | undefined> = {
      ...process.env,
      ...cloud.endpointEnv(),
      HOME: fs.mkdtempSync(path.join(os.tmpdir(), 'eeo-no-credentials-')),
      ALIBABA_CLOUD_ECS_METADATA_DISABLED: 'true',
    };
    for (const key of Object.keys(env))
      if (key.startsWith('ALIBABA_CLOUD_ACCESS_KEY') || key === 'ALIBABA_CLOUD_SECURITY_TOKEN') delete env[key];

    const run = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        path.join(ROOT, 'tools', 'rules-verify.ts'),
        '--cloud',
        '--region',
        'cn-hangzhou',
        '--assembly',
        assembly,
      ],
      { cwd: ROOT, env, encoding: 'utf8' },
    );

    assert.equal(run.status, 1);
    assert.match(run.stderr, /^error: no Alibaba Cloud credentials found\. Looked in, in order: /);
    assert.equal(run.stderr.split('\n').length, 2, run.stderr);
    assert.deepEqual(cloud.calls(), []);
  });
});
