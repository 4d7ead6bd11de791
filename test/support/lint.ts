import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const BIOME = path.join(ROOT, 'node_modules/.bin/biome');

/**
 * Lints `source` as the file `file` of a scratch copy of the project (its biome.json only), so that the probe never
 * lands in the source tree; returns biome's exit status and output.
 */
export function lintAs(file: string, source: string): { status: number | null; output: string } {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'eeo-lint-'));
  try {
    fs.copyFileSync(path.join(ROOT, 'biome.json'), path.join(scratch, 'biome.json'));
    fs.mkdirSync(path.dirname(path.join(scratch, file)), { recursive: true });
    fs.writeFileSync(path.join(scratch, file), source);
    const run = spawnSync(BIOME, ['lint', file], { cwd: scratch, encoding: 'utf8' });
    return { status: run.status, output: run.stdout + run.stderr };
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}
