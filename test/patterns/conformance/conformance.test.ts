/**
 * The test suite of the reference engine (Apache RocketMQ EventBridge, the open-source engine of Alibaba Cloud
 * EventBridge) run against our matcher and validator. Cases: `rocketmq-eventbridge.json`, one per upstream assertion,
 * each naming its upstream file and test. The only case allowed to differ is marked `jsonParseLoss` (README, limits).
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { compilePattern, PatternSyntaxError } from '../../../lib/patterns/matcher';
import { checkGrammar } from '../../../lib/patterns/validate';

interface GrammarCase {
  readonly upstream: string;
  readonly test: string;
  readonly pattern: string;
  readonly valid: boolean;
  readonly upstreamIgnored?: boolean;
}

interface MatchingCase {
  readonly upstream: string;
  readonly test: string;
  readonly part: 'attributes' | 'data';
  readonly pattern: string;
  readonly event: string;
  readonly matches: boolean;
  readonly jsonParseLoss?: string;
}

const suite = JSON.parse(fs.readFileSync(path.join(__dirname, 'rocketmq-eventbridge.json'), 'utf8')) as {
  readonly grammar: readonly GrammarCase[];
  readonly matching: readonly MatchingCase[];
};

/** The pattern text parsed, or undefined when it is not JSON (the engine's INVALID_JSON_STRING). */
function parseText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function matcherAccepts(pattern: unknown): boolean {
  try {
    compilePattern(pattern);
    return true;
  } catch (error) {
    if (error instanceof PatternSyntaxError) return false;
    throw error;
  }
}

/** The event and pattern the upstream assertion evaluates: the attribute map, or the data alone. */
function evaluated(c: MatchingCase): { pattern: Record<string, unknown>; event: Record<string, unknown> } {
  const pattern = JSON.parse(c.pattern) as Record<string, unknown>;
  const value = JSON.parse(c.event) as Record<string, unknown>;
  if (c.part === 'attributes') {
    const { data: _data, ...attributes } = pattern;
    return { pattern: attributes, event: value };
  }
  return { pattern: pattern.data === undefined ? {} : { data: pattern.data }, event: { data: value } };
}

const label = (c: { upstream: string; test: string }, i: number) => `${path.basename(c.upstream)} ${c.test} #${i}`;

describe('reference suite: grammar', () => {
  suite.grammar.forEach((c, i) => {
    const verdict = c.valid ? 'accepts' : 'refuses';
    test(`the matcher ${verdict} the pattern of ${label(c, i)}`, () => {
      const pattern = parseText(c.pattern);
      assert.equal(pattern !== undefined && matcherAccepts(pattern), c.valid, c.pattern);
    });
    test(`the validator ${verdict} the pattern of ${label(c, i)}`, () => {
      const pattern = parseText(c.pattern);
      assert.equal(pattern !== undefined && checkGrammar(pattern).length === 0, c.valid, c.pattern);
    });
  });
});

describe('reference suite: matching', () => {
  suite.matching.forEach((c, i) => {
    const { pattern, event } = evaluated(c);
    if (c.jsonParseLoss !== undefined) {
      test(`differs, as documented, on ${label(c, i)}: ${c.jsonParseLoss}`, () => {
        assert.equal(compilePattern(pattern)(event), !c.matches);
      });
      return;
    }
    test(`${c.matches ? 'matches' : 'does not match'} as the engine does: ${label(c, i)}`, () => {
      assert.equal(compilePattern(pattern)(event), c.matches, `${c.pattern} against ${c.event}`);
    });
  });

  test('runs every upstream assertion (80 of the two upstream files)', () => {
    assert.equal(suite.grammar.length + suite.matching.length, 80);
  });
});
