#!/usr/bin/env node
/**
 * `npm run bench:replay-memory -- [--events 100,2000,10000] [--assembly cdk.out] [--json]`: peak memory and wall time
 * of `npm run replay` as the number of events grows (ops/bench/replay-memory.ts; the figures of BENCHMARKS.md).
 * Prints numbers and never asserts them.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatReplayMemory, runReplayMemoryBenchmark } from '../../ops/bench/replay-memory';
import { defineTool, runMain, UsageError } from '../../ops/cli';

/** The `npm run bench:replay-memory` tool. */
export const replayMemoryTool = defineTool({
  name: 'bench:replay-memory',
  summary:
    'Replays growing numbers of events in a fresh process each and reports its peak memory and wall time ' +
    '(run npm run synth first).',
  usage: '[--events 100,2000,10000] [--assembly cdk.out] [--json]',
  examples: ['npm run bench:replay-memory', 'npm run bench:replay-memory -- --events 100,2000 --json'],
  json: true,
  configure: (command) =>
    command
      .option('--events <counts>', 'comma-separated event counts (default 100,2000,10000)')
      .option('--assembly <dir>', 'the cloud assembly written by npm run synth (default: cdk.out)'),
  run: (context) => {
    const text = context.options.string('events') ?? '100,2000,10000';
    const counts = text.split(',').map(Number);
    if (counts.some((n) => !Number.isInteger(n) || n < 1)) {
      throw new UsageError(`--events "${text}" must be a comma-separated list of positive integers`);
    }
    const assembly = path.resolve(context.options.string('assembly') ?? 'cdk.out');
    if (!fs.existsSync(path.join(assembly, 'manifest.json'))) {
      throw new UsageError(`--assembly "${assembly}" is not a cloud assembly; run npm run synth first`);
    }
    // Each replay runs synchronously in a child process, where no timer of a heartbeat could fire: progress is one
    // line on stderr per count, as it starts.
    const result = runReplayMemoryBenchmark(counts, assembly, context.progress);
    if (context.json) context.printJson(result);
    else context.io.stdout(formatReplayMemory(result));
    return 0;
  },
});

if (require.main === module) runMain(replayMemoryTool);
