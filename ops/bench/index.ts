/**
 * The benchmark harness behind `npm run bench` (tools/bench/index.ts): runs every benchmark in one process so that
 * ratios hold on a noisy machine, and formats the result.
 */
import * as os from 'node:os';
import { type BundlesResult, runBundlesBenchmark } from './bundles';
import { runMatcherBenchmark } from './matcher';
import { runSpotWave, type SpotWaveResult } from './spot-wave';
import { runSynthBenchmark, type SynthResult } from './synth';

/** The `--json` output, exactly. */
export interface BenchResult {
  readonly bundles: BundlesResult;
  readonly synth: SynthResult;
  readonly matcher: {
    readonly byPatternCount: readonly { readonly patterns: number; readonly eventsPerSecond: number }[];
  };
  /** 200 spot notices over 50 load balancers with the load-balancer APIs throttled (ops/bench/spot-wave.ts). */
  readonly spotWave: SpotWaveResult;
  readonly machine: { readonly cpus: number; readonly node: string };
}

/**
 * Runs every benchmark; `progress` hears one line per step (each takes from seconds to a minute).
 */
export async function runBench(
  quick: boolean,
  progress: (line: string) => void = () => undefined,
): Promise<BenchResult> {
  progress('bench: 1/4 handler bundles: size and cold module load time');
  const bundles = runBundlesBenchmark(quick ? 5 : 11);
  progress('bench: 2/4 synth time by number of regions (1, 4, 16)');
  const synth = runSynthBenchmark([1, 4, 16], quick ? 1 : 3);
  progress('bench: 3/4 matcher throughput by number of patterns');
  const matcher = runMatcherBenchmark({ durationMs: quick ? 300 : 2000 }).map(({ patterns, eventsPerSecond }) => ({
    patterns,
    eventsPerSecond,
  }));
  progress('bench: 4/4 spot wave: 200 notices, 50 load balancers, throttled load-balancer APIs (simulated time)');
  const spotWave = await runSpotWave();
  return {
    bundles,
    synth,
    matcher: { byPatternCount: matcher },
    spotWave,
    machine: { cpus: os.cpus().length, node: process.version },
  };
}

/** The result as Markdown tables. */
export function formatBench(result: BenchResult): string {
  const { bundles, synth, matcher, spotWave, machine } = result;
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
    `Spot wave: ${spotWave.notices} notices over ${spotWave.loadBalancers.clb} CLB, ${spotWave.loadBalancers.alb} ALB and ${spotWave.loadBalancers.nlb} NLB load balancers, slb/alb/nlb throttled at ${spotWave.throttleCallsPerSecond} calls per simulated second`,
    '',
    '| API calls per notice | throttled per notice | drain latency p50 s | max s | lost | dead-lettered |',
    '| ---: | ---: | ---: | ---: | ---: | ---: |',
    `| ${spotWave.apiCallsPerNotice} | ${spotWave.throttledPerNotice} | ${spotWave.drainLatencySeconds.p50} | ${spotWave.drainLatencySeconds.max} | ${spotWave.lost} | ${spotWave.deadLettered} |`,
    '',
  );
  return lines.join('\n');
}
