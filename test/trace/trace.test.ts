import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import { EVENTS_LOGSTORE } from '../../contract/observability';
import { BUILT_IN_UNITS } from '../../lib/automations';
import { loadConfig } from '../../lib/config';
import { RegionStack } from '../../lib/stacks/region-stack';
import { bufferIo, runTool } from '../../ops/cli';
import { staticCredentials } from '../../ops/drill/cloud';
import { FakeCloud, TEST_CREDENTIALS } from '../../ops/fake-cloud';
import { runReplayCli } from '../../ops/replay';
import type { ReplayStoreFile } from '../../ops/replay/store';
import { createSlsReader, createTraceTool, LogQueryError, type Timeline } from '../../ops/trace';
import { freshFixtureFile, INSTANCE_ID, world } from '../support/harness';
import { testApp } from '../support/synth';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'events', 'acs.ecs');
// Timed now: auto-restart skips an event older than its age limit (24 h) as stale.
const STOPPED = freshFixtureFile(path.join(FIXTURES, 'instance-statechange-stopped.json'));
const MAINTENANCE = path.join(FIXTURES, 'instance-systemmaintenance-reboot.json');
const STOPPED_ID = (JSON.parse(fs.readFileSync(STOPPED, 'utf8')) as { id: string }).id;
const MAINTENANCE_ID = (JSON.parse(fs.readFileSync(MAINTENANCE, 'utf8')) as { id: string }).id;

let assembly = '';
let store = '';

async function run(tool: ReturnType<typeof createTraceTool>, argv: string[]) {
  const io = bufferIo();
  const code = await runTool(tool, argv, io, { env: {} });
  return { code, stdout: io.out(), stderr: io.err() };
}

before(async () => {
  // A real assembly, then a real local replay of two events about one instance, leaving its store.
  const app = testApp();
  const config = loadConfig({});
  for (const region of config.regions)
    new RegionStack(app, { config: region, assetsQualifier: config.assetsQualifier, units: BUILT_IN_UNITS });
  assembly = app.synth().directory;
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'eeo-trace-'));
  store = path.join(scratch, 'store');
  const worldFile = path.join(scratch, 'world.json');
  fs.writeFileSync(
    worldFile,
    JSON.stringify(world({ instances: [{ id: INSTANCE_ID, status: 'Stopped', tags: { 'auto-restart': 'true' } }] })),
  );
  const replayed = await runReplayCli(
    ['--assembly', assembly, '--world', worldFile, '--store', store, '--json', STOPPED, MAINTENANCE],
    { stdout: () => undefined, stderr: () => undefined },
  );
  assert.equal(replayed, 0);
});

describe('npm run trace after a local replay', () => {
  test('prints the instance timeline with matched rules and each automation’s ledger record', async () => {
    // Arrange
    const tool = createTraceTool();

    // Act
    const result = await run(tool, [
      '--assembly',
      assembly,
      '--store',
      store,
      '--instance',
      INSTANCE_ID,
      '--since',
      '1h',
    ]);

    // Assert
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, new RegExp(`instance ${INSTANCE_ID}, .*: 2 event\\(s\\)`));
    assert.match(result.stdout, new RegExp(`ecs:Instance:StateChange  id ${STOPPED_ID}  ${INSTANCE_ID}  \\[sls\\]`));
    assert.match(result.stdout, /rules: .*ecs-event-ops-auto-restart/);
    assert.match(result.stdout, /auto-restart: acted \(done\)/);
    assert.match(result.stdout, new RegExp(`StartInstance ${INSTANCE_ID}: ok`));
    assert.match(result.stdout, /notify: acted \(done\)/);
  });

  test('writes the same timeline as JSON with --json', async () => {
    // Arrange
    const tool = createTraceTool();

    // Act
    const result = await run(tool, ['--assembly', assembly, '--store', store, '--event-id', STOPPED_ID, '--json']);

    // Assert
    assert.equal(result.code, 0, result.stderr);
    const timeline = JSON.parse(result.stdout) as Timeline;
    assert.deepEqual(timeline.subject, { eventId: STOPPED_ID });
    assert.equal(timeline.events.length, 1);
    const [event] = timeline.events;
    assert.equal(event.foundIn, 'sls');
    assert.ok(event.rules.includes('ecs-event-ops-auto-restart'));
    const restart = event.actions.find((a) => a.automation === 'auto-restart');
    assert.equal(restart?.decision, 'acted');
    assert.deepEqual(restart?.calls, [{ api: 'StartInstance', target: INSTANCE_ID, result: 'ok' }]);
  });

  test('falls back to the OSS archive when the events logstore has nothing', async () => {
    // Arrange: a copy of the store whose events logstore lost the events (retention), the archive kept them.
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'eeo-trace-archive-'));
    for (const name of fs.readdirSync(store)) {
      const file = JSON.parse(fs.readFileSync(path.join(store, name), 'utf8')) as ReplayStoreFile;
      const logstores = Object.fromEntries(
        Object.entries(file.sls.logstores).filter(([id]) => !id.endsWith(`/${EVENTS_LOGSTORE}`)),
      );
      fs.writeFileSync(path.join(copy, name), JSON.stringify({ ...file, sls: { logstores } }));
    }

    // Act
    const result = await run(createTraceTool(), [
      '--assembly',
      assembly,
      '--store',
      copy,
      '--instance',
      INSTANCE_ID,
      '--since',
      '3000d',
      '--json',
    ]);

    // Assert
    assert.equal(result.code, 0, result.stderr);
    const timeline = JSON.parse(result.stdout) as Timeline;
    const archived = timeline.events.find((e) => e.id === MAINTENANCE_ID);
    assert.equal(archived?.foundIn, 'oss-archive');
    assert.ok(archived?.actions.some((a) => a.automation === 'event-archive' && a.decision === 'acted'));
  });

  test('refuses a command line with neither --event-id nor --instance (exit 2)', async () => {
    const result = await run(createTraceTool(), ['--assembly', assembly, '--store', store]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /^error: give exactly one of --event-id <id> and --instance/);
  });

  test('refuses a malformed --since with the flag, the value and what is allowed (exit 2)', async () => {
    const result = await run(createTraceTool(), ['--store', store, '--instance', INSTANCE_ID, '--since', '1 hour']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /--since.*"1 hour".*30m, 1h, 7d/);
  });
});

describe('the fake SLS', () => {
  test('answers GetLogs of the official SDK with the logs of the field terms in the range', async () => {
    // Arrange
    const cloud = await FakeCloud.start({ world: world() });
    try {
      cloud.sls.append('p', 'events', { id: 'a', instanceId: INSTANCE_ID }, 1_000);
      cloud.sls.append('p', 'events', { id: 'b', instanceId: 'i-other' }, 1_000);
      cloud.sls.append('p', 'events', { id: 'c', instanceId: INSTANCE_ID }, 2_000);
      const reader = createSlsReader({
        region: 'cn-hangzhou',
        credentials: staticCredentials(TEST_CREDENTIALS),
        endpoint: new URL(cloud.url),
      });

      // Act
      const logs = await reader.search({
        project: 'p',
        logstore: 'events',
        query: `instanceId: "${INSTANCE_ID}"`,
        from: 900,
        to: 2_000,
      });

      // Assert
      assert.deepEqual(
        logs.map((l) => [l.id, l.__time__]),
        [['a', '1000']],
      );
      assert.equal(cloud.calls('sls')[0]?.signed, true);
    } finally {
      await cloud.stop();
    }
  });

  test('refuses a request signed with another secret', async () => {
    // Arrange
    const cloud = await FakeCloud.start({ world: world() });
    try {
      cloud.sls.append('p', 'events', { id: 'a' }, 1_000);
      const reader = createSlsReader({
        region: 'cn-hangzhou',
        credentials: staticCredentials({ ...TEST_CREDENTIALS, accessKeySecret: 'wrong' }),
        endpoint: new URL(cloud.url),
      });

      // Act
      const error = await reader.search({ project: 'p', logstore: 'events', query: '*', from: 0, to: 2_000 }).then(
        () => undefined,
        (e: unknown) => e,
      );

      // Assert
      assert.ok(error instanceof LogQueryError);
      assert.match(error.message, /SignatureNotMatch/);
    } finally {
      await cloud.stop();
    }
  });
});
