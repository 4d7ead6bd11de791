import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REGION_IDS } from '../../lib/config';
import { PROJECT_ROOT } from '../../lib/private/bundle';

/** The synth benchmark. */
export interface SynthResult {
  /** Whole-process time of `npm run synth`'s work (the wrapper, the app, the policy), median of the runs. */
  readonly byRegions: readonly { readonly regions: number; readonly ms: number }[];
  /** Marginal cost of one more region stack: (ms at the most regions − ms at 1) ÷ (regions − 1). */
  readonly msPerRegionStack: number;
  /** Time spent in esbuild in the largest run: once per handler, whatever the number of regions. */
  readonly bundlingMs: number;
}

function median(values: readonly number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
}

/** Synthesizes the app with the first `regions` region ids, `runs` times, in a temporary output folder. */
function synthOnce(regions: number): { ms: number; bundlingMs: number } {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'eeo-bench-synth-'));
  const timings = path.join(out, 'timings.json');
  const context = JSON.stringify({ regions: REGION_IDS.slice(0, regions) });
  const started = process.hrtime.bigint();
  const run = spawnSync(
    process.execPath,
    ['--import', 'tsx', 'tools/synth.ts', '-q', '-o', path.join(out, 'cdk.out'), '-c', `ecs-event-ops=${context}`],
    {
      cwd: PROJECT_ROOT,
      encoding: 'utf8',
      env: { ...process.env, EEO_SYNTH_TIMINGS: timings },
    },
  );
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (run.status !== 0) throw new Error(`synth of ${regions} regions failed: ${run.stderr}`);
  const { bundlingMs } = JSON.parse(fs.readFileSync(timings, 'utf8')) as { bundlingMs: number };
  fs.rmSync(out, { recursive: true, force: true });
  return { ms, bundlingMs };
}

/** Times synth at each region count. */
export function runSynthBenchmark(regionCounts: readonly number[], runs: number): SynthResult {
  const rows = regionCounts.map((regions) => {
    const samples = Array.from({ length: runs }, () => synthOnce(regions));
    return {
      regions,
      ms: Math.round(median(samples.map((s) => s.ms))),
      bundlingMs: median(samples.map((s) => s.bundlingMs)),
    };
  });
  const [first, last] = [rows[0], rows[rows.length - 1]];
  return {
    byRegions: rows.map(({ regions, ms }) => ({ regions, ms })),
    msPerRegionStack:
      last.regions > first.regions ? Math.round((last.ms - first.ms) / (last.regions - first.regions)) : last.ms,
    bundlingMs: Math.round(last.bundlingMs),
  };
}
