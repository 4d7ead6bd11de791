import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import { FAIL_EXIT_CODE, parseDiffArgs, runDiff, UsageError } from '../../lib/diff';
import { capture, copyAssembly, editedCopy, STACK, synthAssembly } from './assemblies';

const ROOT = path.resolve(__dirname, '..', '..');

function diff(argv: string[], synthHead: () => string = () => assert.fail('synthHead called')) {
  return capture((io) => runDiff(argv, { ...io, synthHead }));
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
    test(`exits ${expected} on ${what} with ${failOn === undefined ? 'the default' : `--fail-on ${failOn}`}`, () => {
      const argv = ['--base', base, '--head', head(), ...(failOn === undefined ? [] : ['--fail-on', failOn])];

      const { code, stderr } = diff(argv);

      assert.equal(code, expected, stderr);
      if (expected === FAIL_EXIT_CODE) assert.match(stderr, new RegExp(`--fail-on ${failOn}: \\d+ changes? fail`));
    });
  }

  test('refuses an unknown policy with exit code 1', () => {
    const { code, stderr } = diff(['--base', base, '--head', base, '--fail-on', 'sometimes']);

    assert.equal(code, 1);
    assert.match(stderr, /--fail-on "sometimes" is not valid: one of replace, delete, any, never/);
  });
});

describe('runDiff', () => {
  test('prints the JSON report with --format json', () => {
    const { code, stdout } = diff(['--base', base, '--head', noSpotDrain, '--format', 'json']);

    assert.equal(code, 0);
    const report = JSON.parse(stdout) as { stacks: { stack: string; status: string }[] };
    assert.deepEqual(
      report.stacks.map((s) => [s.stack, s.status]),
      [[STACK, 'changed']],
    );
  });

  test('prints "No changes." for identical assemblies', () => {
    assert.equal(diff(['--base', base, '--head', copyAssembly(base)]).stdout, 'No changes.\n');
  });

  test('synthesizes the working tree when --head is not given', () => {
    let calls = 0;
    const { code, stdout } = diff(['--base', base], () => {
      calls += 1;
      return noSpotDrain;
    });

    assert.equal(code, 0);
    assert.equal(calls, 1);
    assert.match(stdout, /SpotDrainRule/);
  });

  test('names the folder when an assembly does not exist', () => {
    const missing = path.join(os.tmpdir(), 'eeo-no-such-assembly');

    const { code, stdout, stderr } = diff(['--base', missing, '--head', base]);

    assert.equal(code, 1);
    assert.equal(stdout, '');
    assert.equal(stderr, `diff: no cloud assembly at ${missing}: the folder does not exist\n`);
  });

  test('names manifest.json when a folder holds no assembly', () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'eeo-empty-'));

    const { code, stderr } = diff(['--base', base, '--head', empty]);

    assert.equal(code, 1);
    assert.match(stderr, new RegExp(`no cloud assembly at ${empty}: ${path.join(empty, 'manifest.json')} is missing`));
  });

  test('names the file that is not valid JSON', () => {
    const badManifest = copyAssembly(base);
    fs.writeFileSync(path.join(badManifest, 'manifest.json'), '{ "version": ');
    const badTemplate = copyAssembly(base);
    fs.writeFileSync(path.join(badTemplate, `${STACK}.template.json`), 'not json');

    const manifest = diff(['--base', badManifest, '--head', base]);
    const template = diff(['--base', base, '--head', badTemplate]);

    assert.equal(manifest.code, 1);
    assert.match(manifest.stderr, new RegExp(`${path.join(badManifest, 'manifest.json')} is not valid JSON`));
    assert.equal(template.code, 1);
    assert.match(template.stderr, new RegExp(`${path.join(badTemplate, `${STACK}.template.json`)} is not valid JSON`));
  });

  test('requires --base and refuses unknown options', () => {
    assert.throws(() => parseDiffArgs([]), UsageError);
    assert.throws(() => parseDiffArgs(['--base', 'a', '--colour']), /Unknown option '--colour'/);
    assert.throws(() => parseDiffArgs(['--base', 'a', '--format', 'html']), /--format "html" is not valid/);
    assert.equal(diff([]).code, 1);
  });
});

describe('tools/diff.ts', () => {
  test('exits 1 with the path when run on a missing assembly', () => {
    const missing = path.join(os.tmpdir(), 'eeo-no-such-assembly');

    const run = spawnSync(process.execPath, ['--import', 'tsx', 'tools/diff.ts', '--base', missing, '--head', base], {
      cwd: ROOT,
      encoding: 'utf8',
    });

    assert.equal(run.status, 1);
    assert.match(run.stderr, new RegExp(`diff: no cloud assembly at ${missing}`));
  });

  test('exits 2 with --fail-on replace on a replaced bucket and prints the report', () => {
    const run = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'tools/diff.ts', '--base', base, '--head', renamedBucket, '--fail-on', 'replace'],
      { cwd: ROOT, encoding: 'utf8' },
    );

    assert.equal(run.status, FAIL_EXIT_CODE, run.stderr);
    assert.match(run.stdout, /^> \[!CAUTION\]/);
  });
});
