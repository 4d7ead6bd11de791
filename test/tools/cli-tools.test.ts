import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import type { PolicyReport } from '../../lib/policy';
import { bufferIo, runTool, type ToolSpec } from '../../ops/cli';
import { createDiffTool } from '../../ops/diff';
import { createDrillTool } from '../../ops/drill';
import { createFleetTool } from '../../ops/fleet';
import { createRedriveTool } from '../../ops/redrive';
import { createRulesVerifyTool } from '../../ops/rules-verify';
import { createTraceTool } from '../../ops/trace';
import { benchTool } from '../../tools/bench';
import { replayMemoryTool } from '../../tools/bench/replay-memory';
import { deployPlanTool } from '../../tools/deploy-plan';
import { policyTool } from '../../tools/policy';
import { type RulesReportJson, rulesReportTool } from '../../tools/rules-report';
import { rulesTestTool } from '../../tools/rules-test';
import { schemaTool } from '../../tools/schema';
import { synthAssembly } from '../diff/assemblies';

const ROOT = path.resolve(__dirname, '..', '..');

/** Every operator tool on the kit, with its entry point. */
const TOOLS: readonly [ToolSpec, string][] = [
  [rulesReportTool, 'tools/rules-report.ts'],
  [policyTool, 'tools/policy.ts'],
  [benchTool, 'tools/bench/index.ts'],
  [replayMemoryTool, 'tools/bench/replay-memory.ts'],
  [createDiffTool({ synthHead: () => assert.fail('synthHead called') }), 'tools/diff.ts'],
  [createDrillTool(), 'tools/drill.ts'],
  [createRedriveTool(), 'tools/redrive.ts'],
  [deployPlanTool, 'tools/deploy-plan.ts'],
  [createFleetTool(), 'tools/fleet.ts'],
  [rulesTestTool, 'tools/rules-test.ts'],
  [createRulesVerifyTool(), 'tools/rules-verify.ts'],
  [schemaTool, 'tools/schema.ts'],
  [createTraceTool(), 'tools/trace.ts'],
];

async function run(tool: ToolSpec, argv: string[]) {
  const io = bufferIo();
  const code = await runTool(tool, argv, io, { env: {} });
  return { code, out: io.out(), err: io.err() };
}

describe('every operator tool', () => {
  test('the list of tools tested here holds every tools/ main of the package.json scripts on the kit', () => {
    const scripts = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts as Record<
      string,
      string
    >;
    // synth, assets:publish and replay have their own --help and unknown-flag tests (test/tools/synth.test.ts,
    // test/code/publish.test.ts, test/replay/json-report.test.ts).
    const ownTests = ['tools/synth.ts', 'tools/assets-publish.ts', 'tools/replay.ts'];
    const entries = Object.values(scripts)
      .map((command) => /^tsx (tools\/\S+\.ts)$/.exec(command)?.[1])
      .filter((entry): entry is string => entry !== undefined && !ownTests.includes(entry));

    assert.deepEqual([...entries].sort(), TOOLS.map(([, entry]) => entry).sort());
  });

  for (const [tool] of TOOLS) {
    test(`${tool.name} answers --help with its usage line and an example`, async () => {
      const { code, out, err } = await run(tool, ['--help']);

      assert.equal(code, 0);
      assert.equal(err, '');
      assert.match(out, new RegExp(`^Usage: npm run ${tool.name} -- `));
      assert.match(out, new RegExp(`\\nExamples:\\n {2}npm run ${tool.name}`));
    });
  }

  test('every entry point refuses an unknown flag with exit 2 and one error line, without a stack trace', async () => {
    const results = await Promise.all(
      TOOLS.map(
        ([tool, entry]) =>
          new Promise<[string, number | null, string]>((resolve) => {
            const child = spawn(process.execPath, ['--import', 'tsx', entry, '--no-such-flag'], {
              cwd: ROOT,
              stdio: ['ignore', 'ignore', 'pipe'],
            });
            let stderr = '';
            child.stderr.on('data', (chunk: Buffer) => {
              stderr += chunk.toString();
            });
            child.on('exit', (code) => resolve([tool.name, code, stderr]));
          }),
      ),
    );

    for (const [name, code, stderr] of results) {
      assert.equal(code, 2, `${name}: ${stderr}`);
      assert.equal(
        stderr,
        `error: unknown option '--no-such-flag' (see npm run ${name} -- --help)\n`,
        `${name} wrote: ${stderr}`,
      );
    }
  });
});

describe('rules:report and policy', () => {
  const assembly = synthAssembly();

  test('rules:report --json prints the routes of every rule as JSON, and only that', async () => {
    const { code, out } = await run(rulesReportTool, ['--assembly', assembly, '--json']);

    const report = JSON.parse(out) as RulesReportJson;
    assert.equal(code, 0);
    assert.equal(report.stacks[0].name, 'ecs-event-ops-cn-hangzhou');
    const audit = report.stacks[0].rules.find((r) => r.name.endsWith('-lifecycle-audit'));
    assert.ok(audit !== undefined, JSON.stringify(report.stacks[0].rules.map((r) => r.name)));
    assert.ok(audit.routes.some((r) => r.type === 'ecs:Instance:StateChange'));
  });

  test('rules:report names the folder when there is no assembly, exit 1', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'eeo-empty-'));

    const { code, err } = await run(rulesReportTool, ['--assembly', empty]);

    assert.equal(code, 1);
    assert.equal(err, `error: no cloud assembly in ${empty}: run "npm run synth" first, or pass --assembly <dir>\n`);
  });

  test('policy --json prints the report as JSON, and its exit code follows the findings', async () => {
    const { code, out } = await run(policyTool, ['--assembly', assembly, '--json']);

    const report = JSON.parse(out) as PolicyReport;
    assert.ok(Array.isArray(report.findings) && Array.isArray(report.suppressed) && Array.isArray(report.unused));
    assert.equal(code, report.findings.length > 0 ? 1 : 0);
  });

  test('policy refuses a -c pair without "=" as a usage error', async () => {
    const { code, err } = await run(policyTool, ['--assembly', assembly, '-c', 'ecs-event-ops']);

    assert.equal(code, 2);
    assert.equal(err, 'error: --context "ecs-event-ops" is not valid: expected key=value\n');
  });
});
