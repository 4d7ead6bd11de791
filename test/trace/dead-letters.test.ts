import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import { BUILT_IN_UNITS } from '../../lib/automations';
import { loadConfig } from '../../lib/config';
import { RegionStack } from '../../lib/stacks/region-stack';
import { bufferIo, runTool } from '../../ops/cli';
import { runReplayCli } from '../../ops/replay';
import type { ReplayStoreFile } from '../../ops/replay/store';
import { createTraceTool, deadLetterQueueNames, type Timeline } from '../../ops/trace';
import { freshFixtureFile, INSTANCE_ID, world } from '../support/harness';
import { testApp } from '../support/synth';

// Timed now: auto-restart skips an event older than its age limit (24 h) as stale.
const STOPPED = freshFixtureFile(
  path.join(__dirname, '..', 'fixtures', 'events', 'acs.ecs', 'instance-statechange-stopped.json'),
);
const STOPPED_ID = (JSON.parse(fs.readFileSync(STOPPED, 'utf8')) as { id: string }).id;
const RESTART_DLQ = 'ecs-event-ops-auto-restart-dlq';

let assembly = '';
let store = '';

async function run(argv: string[]) {
  const io = bufferIo();
  const code = await runTool(createTraceTool(), argv, io, { env: {} });
  return { code, stdout: io.out(), stderr: io.err() };
}

before(async () => {
  // A real assembly and a local replay in which auto-restart keeps failing (ECS answers 503 every time), so that after
  // FC's retries the event lands in its dead-letter queue (the function's OnFailure destination).
  const app = testApp();
  const config = loadConfig({});
  for (const region of config.regions)
    new RegionStack(app, { config: region, assetsQualifier: config.assetsQualifier, units: BUILT_IN_UNITS });
  assembly = app.synth().directory;
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'eeo-trace-dlq-'));
  store = path.join(scratch, 'store');
  const worldFile = path.join(scratch, 'world.json');
  fs.writeFileSync(
    worldFile,
    JSON.stringify({
      ...world({ instances: [{ id: INSTANCE_ID, status: 'Stopped', tags: { 'auto-restart': 'true' } }] }),
      faults: [{ action: 'DescribeInstances', status: 503, code: 'ServiceUnavailable', times: 50 }],
    }),
  );
  const replayed = await runReplayCli(['--assembly', assembly, '--world', worldFile, '--store', store, STOPPED], {
    stdout: () => undefined,
    stderr: () => undefined,
  });
  assert.equal(replayed, 1, 'the replay reports the dead-lettered delivery');
});

describe('npm run trace shows dead-lettered copies', () => {
  test('the replay store keeps the dead letter in the automation’s queue', () => {
    const [file] = fs.readdirSync(store).map((name) => JSON.parse(fs.readFileSync(path.join(store, name), 'utf8')));

    const letters = (file as ReplayStoreFile).deadLetters?.[RESTART_DLQ] ?? [];

    assert.equal(letters.length, 1);
    assert.match(letters[0], new RegExp(`"requestPayload":".*${STOPPED_ID}`));
  });

  test('prints the dead-lettered copy under the event, with its queue, producer and why', async () => {
    const result = await run(['--assembly', assembly, '--store', store, '--instance', INSTANCE_ID, '--since', '1h']);

    assert.equal(result.code, 0, result.stderr);
    assert.match(
      result.stdout,
      new RegExp(
        `id ${STOPPED_ID}[\\s\\S]*\\n {2}dead-lettered in ${RESTART_DLQ}: fc-failure message [0-9A-F]+ at \\S+ ` +
          '\\(RetriesExhausted; UnhandledInvocationError; RetryableError: ecs:DescribeInstances failed .*; after 3 attempts\\)\\n',
      ),
    );
  });

  test('writes the dead-lettered copy in --json, and only under the event it is a copy of', async () => {
    const result = await run(['--assembly', assembly, '--store', store, '--event-id', STOPPED_ID, '--json']);

    const timeline = JSON.parse(result.stdout) as Timeline;
    assert.equal(result.code, 0, result.stderr);
    assert.equal(timeline.events.length, 1);
    const [letter] = timeline.events[0].deadLetters;
    assert.deepEqual(
      { queue: letter.queue, kind: letter.kind, count: timeline.events[0].deadLetters.length },
      { queue: RESTART_DLQ, kind: 'fc-failure', count: 1 },
    );
    assert.match(letter.why ?? '', /after 3 attempts/);
    assert.match(letter.messageId, /^[0-9A-F]+$/);
  });

  test('peeks without consuming: a second trace finds the same copy', async () => {
    const first = await run(['--assembly', assembly, '--store', store, '--event-id', STOPPED_ID, '--json']);
    const second = await run(['--assembly', assembly, '--store', store, '--event-id', STOPPED_ID, '--json']);

    const count = (out: string) => (JSON.parse(out) as Timeline).events[0].deadLetters.length;
    assert.deepEqual([count(first.stdout), count(second.stdout)], [1, 1]);
  });

  test('reads the dead-letter queues of a stack from its template: targets and function failure destinations', () => {
    const template = JSON.parse(
      fs.readFileSync(path.join(assembly, 'ecs-event-ops-cn-hangzhou.template.json'), 'utf8'),
    );

    const names = deadLetterQueueNames(template);

    assert.ok(names.includes(RESTART_DLQ), names.join(', '));
    assert.ok(
      names.includes('ecs-event-ops-dlq-check-dlq'),
      'the timer-driven function has only a failure destination',
    );
  });
});
