#!/usr/bin/env node
import { formatBench, runBench } from '../../ops/bench';
/**
 * `npm run bench [-- --quick] [--json]`: what our users feel, measured in one run so that ratios hold on a noisy
 * machine: handler bundle size and cold module load time (against a naive full-SDK baseline), synth time by number
 * of regions, matcher throughput, and the spot wave (drain under throttling, in simulated time). Targets are in BENCHMARKS.md; this prints numbers and never asserts them.
 *
 * `--quick` (for CI, to check the harness works) takes fewer samples: well under two minutes on 2 cores.
 */
import { defineTool, runMain } from '../../ops/cli';

/** The `npm run bench` tool. */
export const benchTool = defineTool({
  name: 'bench',
  summary:
    'Measures handler bundle size and cold load time, synth time by number of regions, matcher throughput, and a ' +
    'spot wave (200 notices, throttled load-balancer APIs, simulated time), ' +
    'in one run; prints numbers and never asserts them (targets are in BENCHMARKS.md).',
  usage: '[--quick] [--json]',
  examples: ['npm run bench', 'npm run bench -- --quick --json'],
  json: true,
  configure: (command) => command.option('--quick', 'fewer samples, to check the harness works (CI)'),
  run: async (context) => {
    const result = await runBench(context.options.flag('quick'), context.progress);
    if (context.json) context.printJson(result);
    else context.io.stdout(formatBench(result));
    return 0;
  },
});

if (require.main === module) runMain(benchTool);
