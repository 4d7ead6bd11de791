import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';
import { COMMON_ENV } from '../../contract/env/common';
import { archiveBucketNamePrefix, DEFAULT_NAME_PREFIX } from '../../contract/naming';
import { bundleHandler, bundleOptions, PROJECT_ROOT } from '../../lib/private/bundle';

/** Size and module load time of one bundle. */
export interface BundleRow {
  readonly name: string;
  readonly bytes: number;
  readonly gzipBytes: number;
  /** Median over `runs` fresh Node processes of the time `require()` of the bundle takes. */
  readonly loadMs: number;
}

/** The bundles benchmark. */
export interface BundlesResult {
  readonly handlers: readonly BundleRow[];
  readonly naiveSdk: { readonly bytes: number; readonly loadMs: number };
  /** Naive SDK load time ÷ auto-restart load time: the same logic, bundled the same way. */
  readonly loadTimeRatioVsNaiveSdk: number;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Median `require()` time of `file` over `runs` fresh processes, ms (the cold-start cost every idle container pays). */
export function loadMs(file: string, runs: number): number {
  const script = `const t=process.hrtime.bigint();require(${JSON.stringify(file)});process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6))`;
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    // Handlers validate their environment at load; give them a valid one so the measured path is the real one.
    const run = spawnSync(process.execPath, ['-e', script], {
      encoding: 'utf8',
      env: { ...process.env, [COMMON_ENV.archiveBucket]: `${archiveBucketNamePrefix(DEFAULT_NAME_PREFIX)}-bench` },
    });
    if (run.status !== 0) throw new Error(`loading ${file} failed: ${run.stderr}`);
    times.push(Number(run.stdout.trim().split('\n').pop()));
  }
  return median(times);
}

function row(name: string, file: string, runs: number): BundleRow {
  const code = fs.readFileSync(file);
  return { name, bytes: code.length, gzipBytes: gzipSync(code).length, loadMs: loadMs(file, runs) };
}

/** Bundles every handler of `lambda-src/` and the naive full-SDK baseline, and measures them. */
export function runBundlesBenchmark(runs: number): BundlesResult {
  const names = fs
    .readdirSync(path.join(PROJECT_ROOT, 'lambda-src'))
    .filter((f) => f.endsWith('.ts'))
    .map((f) => f.slice(0, -'.ts'.length))
    .sort();
  const handlers = names.map((name) => row(name, path.join(bundleHandler(name).directory, 'index.js'), runs));
  const naiveFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'eeo-bench-')), 'index.js');
  esbuild.buildSync(bundleOptions(path.join(PROJECT_ROOT, 'ops', 'bench', 'naive-auto-restart.ts'), naiveFile));
  const naive = row('naive-sdk', naiveFile, runs);
  const same = handlers.find((h) => h.name === 'auto-restart') ?? handlers[0];
  return {
    handlers,
    naiveSdk: { bytes: naive.bytes, loadMs: naive.loadMs },
    loadTimeRatioVsNaiveSdk: Math.round((naive.loadMs / same.loadMs) * 10) / 10,
  };
}
