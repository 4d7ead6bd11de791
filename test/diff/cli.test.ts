import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import { UsageError } from '../../ops/cli';
import { diffOptions, FAIL_EXIT_CODE, runDiff } from '../../ops/diff';
import { copyAssembly, editedCopy, STACK, synthAssembly } from './assemblies';

const ROOT = path.resolve(__dirname, '..', '..');

async function diff(argv: string[], synthHead: () => string = () => assert.fail('synthHead called')) {
  let stdout = '';
  let stderr = '';
  const code = await runDiff(argv, {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    synthHead,
  });
  return { code, stdout, stderr };
}

let base: string;
let renamedBucket: string;
let noSpotDrain: string;
let newCode: string;
before(() => {
  base = synthAssembly();
  renamedBucket = editedCopy(base, (t) => {
    t.Resources.Archive.Properties.BucketName = 'acme-event-archive';
  });
  noSpotDrain = synthAssembly({ spotDrain: { enabled: false } });
  newCode = editedCopy(base, (t) => {
    (t.Resources.SpotDrainFunction.Properties.Code as { OssObjectName: string }).OssObjectName = 'f'.repeat(64);
  });
});

describe('--fail-on', () => {
  const cases: [string, () => string, string | undefined, number][] = [
    ['a replacement', () => renamedBucket, undefined, 0],
    ['a replacement', () => renamedBucket, 'never', 0],
    ['a replacement', () => renamedBucket, 'replace', FAIL_EXIT_CODE],
    ['a replacement', () => renamedBucket, 'delete', 0],
    ['a replacement', () => renamedBucket, 'any', FAIL_EXIT_CODE],
    ['a deletion', () => noSpotDrain, 'replace', FAIL_EXIT_CODE],
    ['a deletion', () => noSpotDrain, 'delete', FAIL_EXIT_CODE],
    ['an in-place update', () => newCode, 'replace', 0],
    ['an in-place update', () => newCode, 'delete', 0],
    ['an in-place update', () => newCode, 'any', FAIL_EXIT_CODE],
    ['no change', () => copyAssembly(base), 'any', 0],
  ];
  for (const [what, head, failOn, expected] of cases) {
    test(`exits ${expected} on ${what} with ${failOn === undefined ? 'the default' : `--fail-on ${failOn}`}`, async () => {
      const argv = ['--base', base, '--head', head(), ...(failOn === undefined ? [] : ['--fail-on', failOn])];

      const { code, stderr } = await diff(argv);

      assert.equal(code, expected, stderr);
      if (expected === FAIL_EXIT_CODE) assert.match(stderr, new RegExp(`--fail-on ${failOn}: \\d+ changes? fail`));
    });
  }

  test('refuses an unknown policy with the usage exit code and one error line', async () => {
    const { code, stderr } = await diff(['--base', base, '--head', base, '--fail-on', 'sometimes']);

    assert.equal(code, 2);
    assert.equal(stderr, 'error: --fail-on "sometimes" is not valid: one of replace, delete, any, never\n');
  });
});

describe('runDiff', () => {
  test('prints the JSON report with --format json', async () => {
    const { code, stdout } = await diff(['--base', base, '--head', noSpotDrain, '--format', 'json']);

    assert.equal(code, 0);
    const report = JSON.parse(stdout) as { stacks: { stack: string; status: string }[] };
    assert.deepEqual(
      report.stacks.map((s) => [s.stack, s.status]),
      [[STACK, 'changed']],
    );
  });

  test('prints "No changes." for identical assemblies', async () => {
    assert.equal((await diff(['--base', base, '--head', copyAssembly(base)])).stdout, 'No changes.\n');
  });

  test('synthesizes the working tree when --head is not given', async () => {
    let calls = 0;
    const { code, stdout } = await diff(['--base', base], () => {
      calls += 1;
      return noSpotDrain;
    });

    assert.equal(code, 0);
    assert.equal(calls, 1);
    assert.match(stdout, /SpotDrainRule/);
  });

  test('names the folder when an assembly does not exist', async () => {
    const missing = path.join(os.tmpdir(), 'eeo-no-such-assembly');

    const { code, stdout, stderr } = await diff(['--base', missing, '--head', base]);

    assert.equal(code, 1);
    assert.equal(stdout, '');
    assert.equal(stderr, `error: no cloud assembly at ${missing}: the folder does not exist\n`);
  });

  test('names manifest.json when a folder holds no assembly', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'eeo-empty-'));

    const { code, stderr } = await diff(['--base', base, '--head', empty]);

    assert.equal(code, 1);
    assert.match(stderr, new RegExp(`no cloud assembly at ${empty}: ${path.join(empty, 'manifest.json')} is missing`));
  });

  test('names the file that is not valid JSON', async () => {
    const badManifest = copyAssembly(base);
    fs.writeFileSync(path.join(badManifest, 'manifest.json'), '{ "version": ');
    const badTemplate = copyAssembly(base);
    fs.writeFileSync(path.join(badTemplate, `${STACK}.template.json`), 'not json');

    const manifest = await diff(['--base', badManifest, '--head', base]);
    const template = await diff(['--base', base, '--head', badTemplate]);

    assert.equal(manifest.code, 1);
    assert.match(manifest.stderr, new RegExp(`${path.join(badManifest, 'manifest.json')} is not valid JSON`));
    assert.equal(template.code, 1);
    assert.match(template.stderr, new RegExp(`${path.join(badTemplate, `${STACK}.template.json`)} is not valid JSON`));
  });

  test('requires --base and refuses unknown options and values with exit 2 and one line each', async () => {
    assert.throws(() => diffOptions({}), UsageError);
    assert.throws(() => diffOptions({ base: 'a', format: 'html' }), /--format "html" is not valid/);
    const missing = await diff([]);
    const unknown = await diff(['--base', 'a', '--colour']);

    assert.equal(missing.code, 2);
    assert.equal(missing.stderr, 'error: --base is required: the cloud assembly before the change\n');
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /^error: unknown option '--colour' \(see npm run diff -- --help\)\n$/);
  });

  test('takes --json as --format json, and refuses both at odds', async () => {
    const json = await diff(['--base', base, '--head', noSpotDrain, '--json']);
    const both = await diff(['--base', base, '--head', base, '--json', '--format', 'markdown']);

    assert.equal(json.code, 0);
    assert.ok(Array.isArray((JSON.parse(json.stdout) as { stacks: unknown[] }).stacks));
    assert.equal(both.code, 2);
    assert.match(both.stderr, /--json contradicts --format markdown/);
  });

  test('answers --help with the usage and an example', async () => {
    const { code, stdout } = await diff(['--help']);

    assert.equal(code, 0);
    assert.match(stdout, /^Usage: npm run diff -- --base <cdk.out>/);
    assert.match(stdout, /Examples:\n {2}npm run diff -- --base cdk.out.base/);
  });
});

describe('tools/diff.ts', () => {
  test('exits 1 with the path when run on a missing assembly', async () => {
    const missing = path.join(os.tmpdir(), 'eeo-no-such-assembly');

    const run = spawnSync(process.execPath, ['--import', 'tsx', 'tools/diff.ts', '--base', missing, '--head', base], {
      cwd: ROOT,
      encoding: 'utf8',
    });

    assert.equal(run.status, 1);
    assert.equal(run.stderr, `error: no cloud assembly at ${missing}: the folder does not exist\n`);
  });

  test('exits 2 with --fail-on replace on a replaced bucket and prints the report', async () => {
    const run = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'tools/diff.ts', '--base', base, '--head', renamedBucket, '--fail-on', 'replace'],
      { cwd: ROOT, encoding: 'utf8' },
    );

    assert.equal(run.status, FAIL_EXIT_CODE, run.stderr);
    assert.match(run.stdout, /^> \[!CAUTION\]/);
  });

  test('exits quietly when the reader of its output goes away (diff | head)', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'tools/diff.ts', '--base', base, '--head', noSpotDrain], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    // The reader is gone before the report is written, as when `head` has read its lines and exited.
    child.stdout.destroy();

    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));

    assert.equal(stderr, '');
    assert.equal(code, 0);
  });
});
