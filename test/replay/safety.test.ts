import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import type { LedgerRecord } from '../../contract/ledger';
import { BUILT_IN_UNITS } from '../../lib/automations';
import { loadConfig } from '../../lib/config';
import { RegionStack } from '../../lib/stacks/region-stack';
import { runReplayCli } from '../../ops/replay';
import { fixture, INSTANCE_ID, world } from '../support/harness';
import { testApp } from '../support/synth';

const RULE = 'ecs-event-ops-auto-restart';
const HOUR_MS = 3_600_000;

/** An assembly synthesized in-process with `context` (as bin/app.ts does). */
function assemblyWith(context: Record<string, unknown>): string {
  const app = testApp();
  const config = loadConfig(context);
  for (const region of config.regions)
    new RegionStack(app, { config: region, assetsQualifier: config.assetsQualifier, units: BUILT_IN_UNITS });
  return app.synth().directory;
}

/** Stopped events of `ids`, dated `ageHours` ago, and a world where every one of them is stopped and opted in. */
function scenario(ids: readonly string[], ageHours: number): { files: string[]; worldFile: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eeo-replay-safety-'));
  const time = new Date(Date.now() - ageHours * HOUR_MS).toISOString();
  const files = ids.map((id, i) => {
    const event = fixture('acs.ecs', 'instance-statechange-stopped');
    const file = path.join(dir, `stopped-${String(i).padStart(2, '0')}.json`);
    fs.writeFileSync(
      file,
      JSON.stringify({ ...event, id: `stopped-${i}`, time, data: { ...(event.data as object), resourceId: id } }),
    );
    return file;
  });
  const worldFile = path.join(dir, 'world.json');
  fs.writeFileSync(
    worldFile,
    JSON.stringify(
      world({ instances: ids.map((id) => ({ id, status: 'Stopped', tags: { 'auto-restart': 'true' } })) }),
    ),
  );
  return { files, worldFile };
}

interface Delivery {
  rule: string;
  calls: { service: string; action: string }[];
  ledger: LedgerRecord[];
}

async function replay(assembly: string, worldFile: string, files: string[]) {
  let stdout = '';
  let text = '';
  const io = (sink: (t: string) => void) => ({ stdout: sink, stderr: () => undefined });
  const code = await runReplayCli(
    ['--assembly', assembly, '--world', worldFile, '--json', ...files],
    io((t) => {
      stdout += t;
    }),
  );
  await runReplayCli(
    ['--assembly', assembly, '--world', worldFile, ...files],
    io((t) => {
      text += t;
    }),
  );
  const events = (JSON.parse(stdout) as { events: { deliveries: Delivery[] }[] }).events;
  const restarts = events.map((e) => e.deliveries.find((d) => d.rule === RULE) as Delivery);
  return { code, restarts, text };
}

describe('replay shows the safety rails in the ledger', () => {
  test('a 3-day-old Stopped event for an opted-in instance restarts nothing: skipped, stale', async () => {
    const { files, worldFile } = scenario([INSTANCE_ID], 72);

    const { code, restarts, text } = await replay(assemblyWith({}), worldFile, files);

    assert.equal(code, 0);
    assert.deepEqual(restarts[0].calls, []);
    assert.equal(restarts[0].ledger.length, 1);
    assert.equal(restarts[0].ledger[0].decision, 'skipped');
    assert.equal(restarts[0].ledger[0].reason, 'stale');
    assert.match(text, /ledger skipped stale\n/);
  });

  test('dryRun calls nothing mutating and shows the StartInstance it would have made', async () => {
    const { files, worldFile } = scenario([INSTANCE_ID], 0);

    const { restarts, text } = await replay(assemblyWith({ autoRestart: { dryRun: true } }), worldFile, files);

    assert.deepEqual(
      restarts[0].calls.filter((c) => c.service === 'ecs').map((c) => c.action),
      ['DescribeInstances'],
    );
    assert.equal(restarts[0].ledger[0].decision, 'dry-run');
    assert.equal(restarts[0].ledger[0].dryRun, true);
    assert.deepEqual(restarts[0].ledger[0].calls, [{ api: 'StartInstance', target: INSTANCE_ID, result: 'dry-run' }]);
    assert.match(text, new RegExp(`ledger dry-run done \\(dry run\\): StartInstance ${INSTANCE_ID} dry-run`));
  });

  test('maxActionsPerHour 5 lets exactly 5 of 12 restarts through in one replay, then circuit-open', async () => {
    const ids = Array.from({ length: 12 }, (_, i) => `i-bp1replay${String(i).padStart(11, '0')}`);
    const { files, worldFile } = scenario(ids, 0);

    const { restarts } = await replay(assemblyWith({ autoRestart: { maxActionsPerHour: 5 } }), worldFile, files);

    const started = restarts.filter((d) => d.calls.some((c) => c.action === 'StartInstance'));
    assert.equal(started.length, 5);
    assert.deepEqual(
      restarts.map((d) => `${d.ledger[0].decision}/${d.ledger[0].reason}`),
      [...Array(5).fill('acted/done'), ...Array(7).fill('skipped/circuit-open')],
    );
  });
});
