#!/usr/bin/env node
/**
 * `npm run bench:replay-memory -- [--events 100,2000,10000] [--assembly cdk.out] [--json]` (tools/bench/replay-memory.ts): peak memory and
 * wall time of `npm run replay` as the number of events grows. For each count it writes that many events (the
 * fixtures of `test/fixtures/events/`, cycled, each with a unique id) to a temporary folder, replays the folder in
 * a fresh Node process against `--assembly` with `examples/world.json`, and reads that process's peak resident set
 * size (`process.resourceUsage().maxRSS`, reported by the child as it exits). Run `npm run synth` first.
 *
 * Target (BENCHMARKS.md): flat memory, 2,000 events at most twice 100 events and under 600 MB; 10,000 events at
 * most twice 100 events. This prints numbers and never asserts them.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PROJECT_ROOT } from '../../lib/private/bundle';

/** One measured replay. */
export interface ReplayMemoryRow {
  readonly events: number;
  /** Peak resident set size of the replay process, MB (10^6 bytes). */
  readonly peakRssMb: number;
  /** Wall time of the whole process (start-up, assembly, replay, output), seconds. */
  readonly wallSeconds: number;
  /** Events in the `--json` report (a check that every event was replayed). */
  readonly reported: number;
}

/** The `--json` output. */
export interface ReplayMemoryResult {
  readonly rows: readonly ReplayMemoryRow[];
  readonly machine: { readonly cpus: number; readonly cpuModel: string; readonly node: string };
}

const FIXTURES = path.join(PROJECT_ROOT, 'test', 'fixtures', 'events');
const MARKER = 'replay-memory-bench maxRSS KiB ';
// Loaded into the child before tools/replay.ts: reports the process's peak RSS on stderr as it exits.
const REPORT_MAX_RSS = `data:text/javascript,process.on("exit",()=>process.stderr.write(${JSON.stringify(MARKER)}+process.resourceUsage().maxRSS+"\\n"))`;

function fixtureFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) =>
      entry.isDirectory()
        ? fixtureFiles(path.join(dir, entry.name))
        : entry.name.endsWith('.json')
          ? [path.join(dir, entry.name)]
          : [],
    )
    .sort();
}

/**
 * Writes `count` event files to `dir` (in sub-folders of 1,000): the fixtures in order, again and again, each copy
 * with its own `id` so that idempotency does not short-cut the handlers.
 */
export function writeEvents(dir: string, count: number): void {
  const fixtures = fixtureFiles(FIXTURES).map((file) => JSON.parse(fs.readFileSync(file, 'utf8')) as object);
  for (let i = 0; i < count; i++) {
    const sub = path.join(dir, String(Math.floor(i / 1000)).padStart(3, '0'));
    if (i % 1000 === 0) fs.mkdirSync(sub, { recursive: true });
    const event = { ...fixtures[i % fixtures.length], id: `bench-${String(i).padStart(6, '0')}` };
    fs.writeFileSync(path.join(sub, `${String(i).padStart(6, '0')}.json`), JSON.stringify(event));
  }
}

/** Replays `count` generated events in a fresh process and measures it. */
export function measureReplay(count: number, assembly: string): ReplayMemoryRow {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'eeo-bench-replay-'));
  try {
    const events = path.join(scratch, 'events');
    writeEvents(events, count);
    const out = path.join(scratch, 'report.json');
    const fd = fs.openSync(out, 'w');
    const started = process.hrtime.bigint();
    const run = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        '--import',
        REPORT_MAX_RSS,
        'tools/replay.ts',
        '--assembly',
        assembly,
        '--world',
        'examples/world.json',
        '--json',
        events,
      ],
      { cwd: PROJECT_ROOT, stdio: ['ignore', fd, 'pipe'], encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
    );
    const wallSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    fs.closeSync(fd);
    const line = run.stderr.split('\n').find((l) => l.startsWith(MARKER));
    if (line === undefined) {
      throw new Error(
        `replay of ${count} events ended (exit ${run.status}, ${run.signal ?? 'no signal'}) without a report: ${run.stderr.slice(-2000)}`,
      );
    }
    const report = JSON.parse(fs.readFileSync(out, 'utf8')) as { events: unknown[] };
    return {
      events: count,
      peakRssMb: Math.round((Number(line.slice(MARKER.length)) * 1024) / 1e5) / 10,
      wallSeconds: Math.round(wallSeconds * 10) / 10,
      reported: report.events.length,
    };
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

/** Measures every count, smallest first. */
export function runReplayMemoryBenchmark(
  counts: readonly number[],
  assembly: string,
  progress: (line: string) => void = () => undefined,
): ReplayMemoryResult {
  return {
    rows: counts.map((count, i) => {
      progress(`bench:replay-memory: ${i + 1}/${counts.length} replaying ${count} events`);
      return measureReplay(count, assembly);
    }),
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? 'unknown', node: process.version },
  };
}

/** The result as a Markdown table. */
export function formatReplayMemory(result: ReplayMemoryResult): string {
  const base = result.rows[0];
  return [
    `Machine: ${result.machine.cpus} CPUs (${result.machine.cpuModel}), Node ${result.machine.node}`,
    '',
    `| Events | peak RSS MB | × ${base?.events ?? '?'} events | wall s | reported |`,
    '| ---: | ---: | ---: | ---: | ---: |',
    ...result.rows.map(
      (r) =>
        `| ${r.events.toLocaleString('en-US')} | ${r.peakRssMb} | ${(r.peakRssMb / base.peakRssMb).toFixed(2)} | ${r.wallSeconds} | ${r.reported} |`,
    ),
    '',
  ].join('\n');
}
