#!/usr/bin/env node
/**
 * Throughput of the local pattern matcher (run by `npm run bench`, tools/bench/index.ts).
 *
 * Measures events per second for `JSON.parse` of a realistic ~1 KB ECS event string plus `PatternIndex.match`, with
 * 1, 100 and 1,000 patterns, for a fixed time per size on one core (one thread; the process does nothing else).
 * Prints a Markdown table and the slowdown from 1 to 1,000 patterns; `--json` prints
 * `{ "byPatternCount": [ { "patterns", "eventsPerSecond" } ] }`; `--quick` runs 0.3 s per size instead of 2 s.
 *
 * The pattern sets are built to look like a large account's rules: mostly one rule per event type (exact `source`
 * and `type`) with a `data` condition, a few rules on the same type as the benchmark event, some `prefix` rules on
 * `type` (filed under their source) and on `source` (checked for every event).
 */
import { PatternIndex } from '../../lib/patterns/matcher';

/** One measurement. */
export interface MatcherBenchmarkRow {
  readonly patterns: number;
  readonly eventsPerSecond: number;
  /** Patterns the benchmark event matched (a sanity check that the work is real). */
  readonly matchedPerEvent: number;
}

/** Options of {@link runMatcherBenchmark}. */
export interface MatcherBenchmarkOptions {
  /** Measured time per pattern count, ms. @default 2000 */
  readonly durationMs?: number;
  /** Warm-up time per pattern count, ms (not measured). @default durationMs / 4 */
  readonly warmupMs?: number;
  /** @default [1, 100, 1000] */
  readonly patternCounts?: readonly number[];
}

/**
 * A ~1 KB `ecs:Instance:SystemMaintenance.Reboot` event in the EventBridge CloudEvents envelope, with the `aliyun*`
 * extensions and the system-event payload of the ECS documentation.
 */
export const BENCHMARK_EVENT = JSON.stringify({
  specversion: '1.0',
  id: '2256A988-0B26-4E2B-820A-8A1B2C3D0200',
  source: 'acs.ecs',
  type: 'ecs:Instance:SystemMaintenance.Reboot',
  subject: 'acs:ecs:cn-hangzhou:1234567890123456:instance/i-bp1abcdefghij0123456',
  time: '2024-05-20T10:15:30.123+08:00',
  datacontenttype: 'application/json; charset=utf-8',
  data: {
    eventId: 'e-bp11trdabcdefpqum2',
    publishTime: '2024-05-20T02:15:30Z',
    notBefore: '2024-05-23T01:01:01Z',
    instanceId: 'i-bp1abcdefghij0123456',
    eventType: 'SystemMaintenance.Reboot',
    eventStatus: 'Scheduled',
    resourceId: 'i-bp1abcdefghij0123456',
    resourceType: 'ALIYUN::ECS::Instance',
    reason: 'Host maintenance: the instance will be rebooted.',
    instanceType: 'ecs.g7.large',
    zoneId: 'cn-hangzhou-h',
    privateIpAddress: ['172.16.3.21'],
    tags: [
      { tagKey: 'auto-restart', tagValue: 'true' },
      { tagKey: 'team', tagValue: 'payments' },
    ],
    extensions: { inaccessibleDisks: [], localDiskIds: [], cpuCount: 2, memoryMb: 8192 },
  },
  aliyunaccountid: '1234567890123456',
  aliyunpublishtime: '2024-05-20T10:15:30.456PRC',
  aliyuneventbusname: 'default',
  aliyunregionid: 'cn-hangzhou',
  aliyunpublishaddr: '10.0.0.1',
});

const SOURCES = ['acs.ecs', 'acs.ess', 'acs.oss', 'acs.rds', 'acs.slb', 'acs.vpc', 'acs.cms', 'acs.fc', 'acs.ack'];
const STATES = ['Pending', 'Starting', 'Running', 'Stopping', 'Stopped', 'Deleted'];

/** A small deterministic PRNG (mulberry32), so every run benchmarks the same pattern set. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `count` realistic patterns. The first always matches the benchmark event (a system-event alert rule); from 100
 * patterns on, three more rules watch the benchmark event's type with other `data` conditions (two of them match);
 * the rest are 85 % one distinct type each with a `data` condition, 10 % `prefix` on `type`, 5 % `prefix` on `source`
 * (with an exact `type`).
 */
export function benchmarkPatterns(count: number): unknown[] {
  const next = random(42);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)];
  const patterns: unknown[] = [
    {
      source: ['acs.ecs'],
      type: ['ecs:Instance:SystemMaintenance.Reboot'],
      data: { eventStatus: ['Scheduled', 'Executing'] },
    },
  ];
  if (count >= 100) {
    patterns.push(
      { source: ['acs.ecs'], type: ['ecs:Instance:SystemMaintenance.Reboot'], data: { eventStatus: ['Executed'] } },
      {
        source: ['acs.ecs'],
        type: ['ecs:Instance:SystemMaintenance.Reboot'],
        data: { zoneId: [{ prefix: 'cn-hangzhou-' }] },
      },
      {
        source: ['acs.ecs'],
        type: ['ecs:Instance:SystemMaintenance.Reboot'],
        data: { tags: { tagKey: ['team'], tagValue: [{ 'anything-but': 'platform' }] } },
      },
    );
  }
  for (let i = patterns.length; i < count; i++) {
    const source = pick(SOURCES);
    const service = source.slice('acs.'.length);
    const type = `${service}:Resource${i % 37}:Event${i}`;
    const roll = next();
    if (roll < 0.85) {
      const data = pick([
        { state: [pick(STATES), pick(STATES)] },
        { instanceId: [{ prefix: 'i-bp1' }] },
        { eventStatus: [{ 'anything-but': ['Canceled', 'Avoided'] }] },
        { extensions: { cpuCount: [{ numeric: ['>=', 2, '<', 64] }] } },
        { zoneId: [{ prefix: 'cn-hangzhou-' }], tags: { tagKey: ['auto-restart'] } },
      ]);
      patterns.push({ source: [source], type: [type], data });
    } else if (roll < 0.95) {
      patterns.push({ source: [source], type: [{ prefix: `${service}:Resource${i % 37}:` }] });
    } else {
      patterns.push({ source: [{ prefix: `acs.${service.slice(0, 2)}` }], type: [type] });
    }
  }
  return patterns;
}

/** Runs the benchmark and returns one row per pattern count. */
export function runMatcherBenchmark(options: MatcherBenchmarkOptions = {}): MatcherBenchmarkRow[] {
  const durationMs = options.durationMs ?? 2000;
  const warmupMs = options.warmupMs ?? durationMs / 4;
  const rows: MatcherBenchmarkRow[] = [];
  for (const patterns of options.patternCounts ?? [1, 100, 1000]) {
    const index = new PatternIndex(benchmarkPatterns(patterns).map((pattern, id) => ({ id, pattern })));
    const matchedPerEvent = index.match(JSON.parse(BENCHMARK_EVENT)).length;
    loop(index, warmupMs);
    const { events, elapsedNs } = loop(index, durationMs);
    rows.push({ patterns, eventsPerSecond: Math.round(events / (elapsedNs / 1e9)), matchedPerEvent });
  }
  return rows;
}

/** Parses and matches the event for `ms` milliseconds; the clock is read once per batch of 256 events. */
function loop(index: PatternIndex<number>, ms: number): { events: number; elapsedNs: number } {
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(Math.round(ms * 1e6));
  let events = 0;
  let sink = 0;
  let now = start;
  while (now < deadline) {
    for (let i = 0; i < 256; i++) sink += index.match(JSON.parse(BENCHMARK_EVENT)).length;
    events += 256;
    now = process.hrtime.bigint();
  }
  // Keeps the matches observable, so the work cannot be optimized away.
  if (sink < 0) console.log(sink);
  return { events, elapsedNs: Number(now - start) };
}

/** The Markdown table and the slowdown from the smallest to the largest pattern count. */
export function formatMatcherBenchmark(rows: readonly MatcherBenchmarkRow[]): string {
  const format = (n: number) => n.toLocaleString('en-US');
  const lines = [
    '| Patterns | Events/s (JSON.parse + match) | µs/event | Matched per event |',
    '| ---: | ---: | ---: | ---: |',
    ...rows.map(
      (r) =>
        `| ${format(r.patterns)} | ${format(r.eventsPerSecond)} | ${(1e6 / r.eventsPerSecond).toFixed(2)} | ${r.matchedPerEvent} |`,
    ),
  ];
  if (rows.length > 1) {
    const first = rows[0];
    const last = rows[rows.length - 1];
    lines.push(
      '',
      `Slowdown ${format(first.patterns)} → ${format(last.patterns)} patterns: ${(first.eventsPerSecond / last.eventsPerSecond).toFixed(2)}x`,
    );
  }
  lines.push('', `Node ${process.version}, ${process.platform}/${process.arch}, one thread.`);
  return lines.join('\n');
}
