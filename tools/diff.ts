#!/usr/bin/env node
/**
 * `npm run diff -- --base <cdk.out> [--head <cdk.out>] [--format markdown|json | --json] [--fail-on replace|delete|any|never]`:
 * compares two cloud assemblies stack by stack and reports the changes with their risk (see `lib/diff`). Without
 * `--head`, the working tree is synthesized into a temporary folder first, with the same command as `npm run synth`.
 * Exit code: 0; 2 when the report fails `--fail-on` or for a usage error; 1 for an unreadable assembly.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runMain } from '../ops/cli';
import { AssemblyError, createDiffTool } from '../ops/diff';

const ROOT = path.resolve(__dirname, '..');
const temporary: string[] = [];

/** Synthesizes the working tree into a new temporary folder; the synth's output goes to stderr. */
function synthHead(): string {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'eeo-diff-head-'));
  temporary.push(out);
  const run = spawnSync('npx', ['tsx', 'tools/synth.ts', '-o', out, '-q'], {
    cwd: ROOT,
    stdio: ['ignore', process.stderr, process.stderr],
  });
  if (run.status !== 0) throw new AssemblyError(`synth of the working tree into ${out} failed (exit ${run.status})`);
  return out;
}

if (require.main === module) {
  process.on('exit', () => {
    for (const dir of temporary) fs.rmSync(dir, { recursive: true, force: true });
  });
  runMain(createDiffTool({ synthHead }));
}
