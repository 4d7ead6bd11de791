#!/usr/bin/env node
/**
 * `npm run diff -- --base <cdk.out> [--head <cdk.out>] [--format markdown|json] [--fail-on replace|delete|any|never]`:
 * compares two cloud assemblies stack by stack and reports the changes with their risk (see `lib/diff`). Without
 * `--head`, the working tree is synthesized into a temporary folder first, with the same command as `npm run synth`.
 * Exit code: 0, 2 when the report fails `--fail-on`, 1 for a usage error or an unreadable assembly.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AssemblyError, runDiff } from '../lib/diff';

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
  try {
    process.exitCode = runDiff(process.argv.slice(2), {
      stdout: (text) => process.stdout.write(text),
      stderr: (text) => process.stderr.write(text),
      synthHead,
    });
  } finally {
    for (const dir of temporary) fs.rmSync(dir, { recursive: true, force: true });
  }
}
