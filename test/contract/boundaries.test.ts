import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import * as contract from '../../contract';
import { lintAs } from '../support/lint';

const ROOT = path.resolve(__dirname, '../..');

function sourceFiles(folder: string): string[] {
  return fs
    .readdirSync(path.join(ROOT, folder), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => path.join(folder, f));
}

/** The files `file` imports, resolved relative to the repository root. */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
  return [...text.matchAll(/\bfrom '([^']+)'/g)].map((m) =>
    m[1].startsWith('.') ? path.relative(ROOT, path.resolve(path.dirname(path.join(ROOT, file)), m[1])) : m[1],
  );
}

test('no handler imports lib/, ops/ or tools/', () => {
  const crossing = sourceFiles('lambda-src').flatMap((file) =>
    importsOf(file)
      .filter((target) => /^(lib|ops|tools|bin)(\/|$)/.test(target))
      .map((target) => `${file} -> ${target}`),
  );
  assert.deepEqual(crossing, []);
});

test('the contract imports nothing outside contract/ but Node built-ins', () => {
  // Both sides run on Node 20, so a built-in (node:crypto for the OSS signature) adds no dependency to either.
  const crossing = sourceFiles('contract').flatMap((file) =>
    importsOf(file)
      .filter((target) => !target.startsWith('contract/') && !target.startsWith('node:'))
      .map((target) => `${file} -> ${target}`),
  );
  assert.deepEqual(crossing, []);
});

test('the linter refuses a handler that imports lib/', () => {
  const result = lintAs(
    'lambda-src/example.ts',
    "import { loadConfig } from '../lib/config';\nexport const x = loadConfig;\n",
  );
  assert.notEqual(result.status, 0);
  assert.match(result.output, /noRestrictedImports/);
});

test('the linter refuses a contract file that imports a package or lib/', () => {
  for (const [file, source] of [
    ['contract/example.ts', "import { zipSync } from 'fflate';\nexport const y = zipSync;\n"],
    ['contract/env/example.ts', "import { x } from '../../lib/config';\nexport const z = x;\n"],
  ]) {
    const result = lintAs(file, source);
    assert.notEqual(result.status, 0, file);
    assert.match(result.output, /noRestrictedImports/, file);
  }
});

test('the linter accepts a handler that imports the contract', () => {
  const result = lintAs(
    'lambda-src/example.ts',
    "import { COMMON_ENV } from '../contract/env/common';\n\nexport const x = COMMON_ENV;\n",
  );
  assert.equal(result.status, 0, result.output);
});

test('every environment variable name of the contract is spelled in exactly one source file', () => {
  const names = [
    ...Object.values(contract.COMMON_ENV),
    ...Object.values(contract.ENDPOINT_ENV),
    ...Object.values(contract.ALERT_CHANNEL_SECRETS),
    contract.SECRET_STORE_ENV,
    ...Object.values(contract.AUTO_RESTART_ENV),
    ...Object.values(contract.SPOT_DRAIN_ENV),
    ...Object.values(contract.NOTIFY_ENV),
    ...Object.values(contract.SCALE_OUT_ENV),
    ...Object.values(contract.DLQ_CHECK_ENV),
  ];
  // The operator side (ops/, tools/) counts too: drill, the fake cloud and assets:publish name the same variables.
  const files = ['contract', 'lib', 'lambda-src', 'ops', 'tools', 'bin'].flatMap(sourceFiles);
  const texts = new Map(files.map((f) => [f, fs.readFileSync(path.join(ROOT, f), 'utf8')]));
  const spelledTwice = names.flatMap((name) => {
    const quoted = new RegExp(`['"\`]${name}['"\`]`);
    const where = files.filter((f) => quoted.test(texts.get(f) ?? ''));
    return where.length === 1 ? [] : [`${name}: ${where.join(', ') || 'nowhere'}`];
  });
  assert.deepEqual(spelledTwice, []);
});

test('no endpoint override variable name is written outside the contract, in any form', () => {
  // Catches what the quoted-name check above cannot: `env.EEO_OSS_ENDPOINT`, object keys, names in comments.
  const files = ['lib', 'lambda-src', 'ops', 'tools', 'bin'].flatMap(sourceFiles);
  const spelled = files.flatMap((file) =>
    [...fs.readFileSync(path.join(ROOT, file), 'utf8').matchAll(/EEO_[A-Z]+_ENDPOINT/g)].map((m) => `${file}: ${m[0]}`),
  );
  assert.deepEqual(spelled, []);
});
