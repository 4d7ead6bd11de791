#!/usr/bin/env node
/**
 * `npm run bench [-- --quick] [-- --json]`: what our users feel, measured in one run so that ratios hold on a noisy
 * machine: handler bundle size and cold module load time (against a naive full-SDK baseline), synth time by number
 * of regions, and matcher throughput. Targets are in BENCHMARKS.md; this prints numbers and never asserts them.
 *
 * `--quick` (for CI, to check the harness works) takes fewer samples: well under two minutes on 2 cores.
 */
import * as os from 'node:os';
import { parseArgs } from 'node:util';
import { type BundlesResult, runBundlesBenchmark } from './bundles';
import { runMatcherBenchmark } from './matcher';
import { runSynthBenchmark, type SynthResult } from './synth';

/** The `--json` output, exactly. */
export interface BenchResult {
  readonly bundles: BundlesResult;
  readonly synth: SynthResult;
  readonly matcher: {
    readonly byPatternCount: readonly { readonly patterns: number; readonly eventsPerSecond: number }[];
  };
  readonly machine: { readonly cpus: number; readonly node: string };
}

/** Runs every benchmark. */
export function runBench(quick: boolean): BenchResult {
  const bundles = runBundlesBenchmark(quick ? 5 : 11);
  const synth = runSynthBenchmark([1, 4, 16], quick ? 1 : 3);
  const matcher = runMatcherBenchmark({ durationMs: quick ? 300 : 2000 }).map(({ patterns, eventsPerSecond }) => ({
    patterns,
    eventsPerSecond,
  }));
  return {
    bundles,
    synth,
    matcher: { byPatternCount: matcher },
    machine: { cpus: os.cpus().length, node: process.version },
  };
}

/** The result as Markdown tables. */
export function formatBench(result: BenchResult): string {
  const { bundles, synth, matcher, machine } = result;
  const kb = (bytes: number) => (bytes / 1000).toFixed(1);
  const lines = [
    `Machine: ${machine.cpus} CPUs (${os.cpus()[0]?.model ?? 'unknown'}), Node ${machine.node}`,
    '',
    '| Bundle | KB | gzip KB | load ms (median) |',
    '| --- | ---: | ---: | ---: |',
    ...bundles.handlers.map((h) => `| ${h.name} | ${kb(h.bytes)} | ${kb(h.gzipBytes)} | ${h.loadMs.toFixed(1)} |`),
    `| naive full ECS SDK (auto-restart logic) | ${kb(bundles.naiveSdk.bytes)} | | ${bundles.naiveSdk.loadMs.toFixed(1)} |`,
    '',
    `Load time, naive SDK ÷ auto-restart: ${bundles.loadTimeRatioVsNaiveSdk}x`,
    '',
    '| Regions | synth ms |',
    '| ---: | ---: |',
    ...synth.byRegions.map((r) => `| ${r.regions} | ${r.ms} |`),
    '',
    `Per extra region stack: ${synth.msPerRegionStack} ms; bundling: ${synth.bundlingMs} ms (once per handler)`,
    '',
    '| Patterns | events/s (incl. JSON.parse) |',
    '| ---: | ---: |',
    ...matcher.byPatternCount.map(
      (r) => `| ${r.patterns} | ${Math.round(r.eventsPerSecond).toLocaleString('en-US')} |`,
    ),
  ];
  const [first, last] = [matcher.byPatternCount[0], matcher.byPatternCount[matcher.byPatternCount.length - 1]];
  lines.push(
    '',
    `Matcher slowdown ${first.patterns} → ${last.patterns} patterns: ${(first.eventsPerSecond / last.eventsPerSecond).toFixed(2)}x`,
    '',
  );
  return lines.join('\n');
}

function main(argv: readonly string[]): number {
  let values: { quick?: boolean; json?: boolean };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: { quick: { type: 'boolean' }, json: { type: 'boolean' } },
      strict: true,
    }));
  } catch (cause) {
    process.stderr.write(`bench: ${(cause as Error).message}. Usage: npm run bench -- [--quick] [--json]\n`);
    return 1;
  }
  const result = runBench(values.quick === true);
  process.stdout.write(values.json ? `${JSON.stringify(result, null, 2)}\n` : formatBench(result));
  return 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
