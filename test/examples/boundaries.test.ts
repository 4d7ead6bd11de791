import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { lintAs } from '../support/lint';

/** A module importing `name` from `from` and exporting it, formatted as biome wants it. */
const importing = (name: string, from: string) => `import { ${name} } from '${from}';\n\nexport const x = ${name};\n`;

describe('the linter keeps the handler side of custom automations off lib/', () => {
  test('refuses a handler file, or any other non-unit file, of custom/ or examples/ that imports lib/ or ops/', () => {
    for (const [file, source] of [
      ['examples/tag-audit/handler.ts', importing('loadConfig', '../../lib/config')],
      ['custom/my-check/handler.ts', importing('loadConfig', '../../lib/config')],
      ['custom/my-check/core.ts', importing('replayEvents', '../../ops/replay')],
      ['custom/automations/my-check/handler.ts', importing('UNITS', '../../../lib/automations')],
    ]) {
      const result = lintAs(file, source);
      assert.notEqual(result.status, 0, file);
      assert.match(result.output, /noRestrictedImports/, file);
    }
  });

  test('accepts a handler that imports the handler kit and its contract file', () => {
    for (const [file, source] of [
      ['custom/my-check/handler.ts', importing('createFcHandler', '../../lambda-src/commons/handler')],
      ['custom/my-check/handler.ts', importing('TAG', './contract')],
      ['examples/tag-audit/handler.ts', importing('COMMON_ENV', '../../contract/env/common')],
    ]) {
      const result = lintAs(file, source);
      assert.equal(result.status, 0, `${file}: ${result.output}`);
    }
  });

  test('accepts lib/ imports in units, custom/index.ts and tests (the synth side)', () => {
    for (const [file, source] of [
      ['custom/my-check/unit.ts', importing('instanceStateChange', '../../lib/events/ecs-patterns')],
      ['custom/index.ts', importing('UNITS', '../lib/automations')],
      ['custom/my-check/my-check.test.ts', importing('loadConfig', '../../lib/config')],
    ]) {
      const result = lintAs(file, source);
      assert.equal(result.status, 0, `${file}: ${result.output}`);
    }
  });

  test('refuses a contract file beside a custom automation that imports a package or lib/', () => {
    for (const [file, source] of [
      ['custom/my-check/contract.ts', importing('zipSync', 'fflate')],
      ['examples/tag-audit/contract.ts', importing('loadConfig', '../../lib/config')],
      ['custom/my-check/contract.ts', importing('createFcHandler', '../../lambda-src/commons/handler')],
    ]) {
      const result = lintAs(file, source);
      assert.notEqual(result.status, 0, file);
      assert.match(result.output, /noRestrictedImports/, file);
    }
  });

  test('accepts a contract file that imports contract/ and Node built-ins', () => {
    for (const [file, source] of [
      ['custom/my-check/contract.ts', importing('statePrefix', '../../contract/archive')],
      ['custom/my-check/contract.ts', importing('ENDPOINT_ENV', '../../contract/env/endpoints')],
      ['custom/my-check/contract.ts', importing('createHash', 'node:crypto')],
    ]) {
      const result = lintAs(file, source);
      assert.equal(result.status, 0, `${file}: ${result.output}`);
    }
  });
});
