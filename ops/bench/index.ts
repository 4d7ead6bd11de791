/**
 * The benchmark harness behind `npm run bench` (tools/bench/index.ts): runs every benchmark in one process so that
 * ratios hold on a noisy machine, and formats the result.
 */
import * as os from 'node:os';
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

/**
 * Runs every benchmark; `progress` hears one line per step (each takes from seconds to a minute).
 */
export function runBench(quick: boolean, progress: (line: string) => void = () => undefined): BenchResult {
  progress('bench: 1/3 handler bundles: size and cold module load time');
  const bundles = runBundlesBenchmark(quick ? 5 : 11);
  progress('bench: 2/3 synth time by number of regions (1, 4, 16)');
  const synth = runSynthBenchmark([1, 4, 16], quick ? 1 : 3);
  progress('bench: 3/3 matcher throughput by number of patterns');
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
