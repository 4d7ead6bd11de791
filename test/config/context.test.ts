import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { ConfigError, loadConfig } from '../../lib/config';
import {
  type ContextFiles,
  deepMerge,
  MAX_CONTEXT_DEPTH,
  mergeContextSources,
  parseContextFlags,
  readContextFiles,
  resolveAppConfig,
  shapeProblems,
} from '../../lib/config/context';

const FILES: ContextFiles = {
  projectConfig: {
    'ecs-event-ops': { regions: ['cn-hangzhou'], namePrefix: 'acme-ops', autoRestart: { tagKey: 'restart' } },
  },
  projectContext: { 'ecs-event-ops': { autoRestart: { maxRestartsPerHour: 5 } } },
};

/** The configuration the app builds from `flags` over FILES, as the CLI passes them. */
function resolved(flags: Record<string, string>, files: ContextFiles = FILES): unknown {
  return resolveAppConfig(mergeContextSources(files, flags), files);
}

/** A value nested `depth` levels deep. */
function nested(depth: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
}

function configProblems(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    return error.problems.map((p) => `${p.path}: ${p.allowed}`);
  }
  assert.fail('expected a ConfigError');
}

describe('context sources, merged as the ros-cdk CLI merges them', () => {
  test('merges objects key by key and replaces lists, without changing the inputs', () => {
    const base = { a: { b: 1, c: [1, 2] }, d: 'x' };
    const override = { a: { c: [3] }, e: true };
    assert.deepEqual(deepMerge(base, override), { a: { b: 1, c: [3] }, d: 'x', e: true });
    assert.deepEqual(base, { a: { b: 1, c: [1, 2] }, d: 'x' });
  });

  test('keeps cdk.context.json keys that cdk.json does not set, under cdk.json and the flags', () => {
    const config = loadConfig(resolved({}));
    assert.equal(config.namePrefix, 'acme-ops');
    assert.equal(config.regions[0].autoRestart.maxRestartsPerHour, 5);
    assert.equal(config.regions[0].autoRestart.tagKey, 'restart');
  });

  test('merges a whole-key JSON override over the files, key by key, instead of replacing their block', () => {
    const config = loadConfig(
      resolved({ 'ecs-event-ops': '{"regions":["cn-shanghai"],"autoRestart":{"enabled":false}}' }),
    );
    assert.deepEqual(
      config.regions.map((r) => r.region),
      ['cn-shanghai'],
    );
    assert.equal(config.namePrefix, 'acme-ops');
    assert.equal(config.regions[0].autoRestart.enabled, false);
    assert.equal(config.regions[0].autoRestart.tagKey, 'restart');
  });

  test('understands dotted keys: JSON values parsed, other text kept, longer paths refining shorter ones', () => {
    const config = loadConfig(
      resolved({
        'ecs-event-ops.regions': '["cn-shanghai","cn-beijing"]',
        'ecs-event-ops.cn-beijing': '{"autoRestart":{"enabled":false}}',
        'ecs-event-ops.cn-beijing.autoRestart.maxRestartsPerHour': '7',
        'ecs-event-ops.namePrefix': 'team-ops',
      }),
    );
    assert.deepEqual(
      config.regions.map((r) => [r.region, r.namePrefix, r.autoRestart.enabled, r.autoRestart.maxRestartsPerHour]),
      [
        ['cn-shanghai', 'team-ops', true, 5],
        ['cn-beijing', 'team-ops', false, 7],
      ],
    );
  });

  test('refuses a dotted key under ecs-event-ops that the app does not know, naming the nearest known key', () => {
    const found = configProblems(() => loadConfig(resolved({ 'ecs-event-ops.autoRestrat.enabled': 'false' })));
    assert.equal(found.length, 1);
    assert.match(found[0], /^ecs-event-ops\.autoRestrat: no such key; .*did you mean autoRestart\?/);
  });

  test('refuses a dotted path through a value that is not an object, naming the flag', () => {
    const found = configProblems(() => resolved({ 'ecs-event-ops.namePrefix.x': '1' }));
    assert.match(found[0], /^ecs-event-ops\.namePrefix\.x: a path through objects only/);
  });

  test('parses flags as the CLI does: first "=" splits, values stay strings, aliyun: keys refused', () => {
    assert.deepEqual(parseContextFlags(['a=b=c', 'ecs-event-ops.x=1']), { a: 'b=c', 'ecs-event-ops.x': '1' });
    assert.throws(() => parseContextFlags(['aliyun:region=cn-hangzhou']), /reserved/);
    assert.throws(() => parseContextFlags(['=x']), /expected key=value/);
  });

  test('names the file when cdk.json or cdk.context.json is not an object', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eeo-ctx-'));
    fs.writeFileSync(path.join(dir, 'cdk.json'), '{"context": []}');
    assert.throws(() => readContextFiles(dir), /cdk\.json "context" must be an object, got \[\]/);
    fs.writeFileSync(path.join(dir, 'cdk.json'), '{}');
    fs.writeFileSync(path.join(dir, 'cdk.context.json'), '[1]');
    assert.throws(() => readContextFiles(dir), /cdk\.context\.json must hold a JSON object/);
  });
});

describe('hostile configuration', () => {
  test('refuses keys named after built-in object members at every level, with their path, and changes no prototype', () => {
    for (const key of ['constructor', 'toString', 'valueOf', 'hasOwnProperty']) {
      const found = configProblems(() => loadConfig({ [key]: {} }));
      assert.equal(found.length, 1, key);
      assert.match(found[0], new RegExp(`^ecs-event-ops\\.${key}: (no such key|no key named)`));
      const inner = configProblems(() => loadConfig({ autoRestart: { [key]: 1 } }));
      assert.match(inner[0], new RegExp(`^ecs-event-ops\\.autoRestart\\.${key}: (no such key|no key named)`));
    }
    const polluted = JSON.parse('{"__proto__": {"polluted": true}, "autoRestart": {"__proto__": {"enabled": false}}}');
    const found = configProblems(() => loadConfig(polluted));
    assert.ok(found.some((p) => p.startsWith('ecs-event-ops.__proto__: no key named "__proto__"')));
    assert.ok(found.some((p) => p.startsWith('ecs-event-ops.autoRestart.__proto__')));
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  test('a __proto__ key in a flag or file is refused before any merge touches a prototype', () => {
    const files: ContextFiles = {
      projectConfig: JSON.parse('{"ecs-event-ops": {"__proto__": {"x": 1}}}'),
      projectContext: {},
    };
    assert.throws(() => resolved({}, files), ConfigError);
    assert.throws(() => resolved({ 'ecs-event-ops.__proto__.x': '1' }), /non-empty keys, none named __proto__/);
    assert.throws(() => resolved({ 'ecs-event-ops': '{"__proto__": {"regions": []}}' }), ConfigError);
    assert.equal(({} as Record<string, unknown>).x, undefined);
  });

  test('refuses a deeply nested value with its path, without overflowing the stack', () => {
    const found = configProblems(() => loadConfig({ archive: nested(100_000) }));
    assert.equal(found.length, 1);
    assert.match(
      found[0],
      new RegExp(`^ecs-event-ops\\.archive(\\.a)+: at most ${MAX_CONTEXT_DEPTH} levels of nesting$`),
    );
    assert.equal(shapeProblems(nested(MAX_CONTEXT_DEPTH - 1), 'x').length, 0);
  });

  test('renders huge and odd values shortly in messages', () => {
    const found = configProblems(() => loadConfig({ namePrefix: `ops${'\u202e'.repeat(10)}${'x'.repeat(1_000_000)}` }));
    assert.equal(found.length, 1);
    const error = (() => {
      try {
        loadConfig({ namePrefix: 'x'.repeat(1_000_000) });
      } catch (e) {
        return e as Error;
      }
      return undefined;
    })();
    assert.ok(error !== undefined && error.message.length < 600);
  });
});
