import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { testPattern } from '../../lib/patterns/rules-test';

describe('rules:test', () => {
  test('reports a valid pattern that matches the event, with no warning', () => {
    const [result] = testPattern({ source: ['acs.ecs'] }, [{ source: 'acs.ecs' }]);
    assert.deepEqual(result, { valid: true, problems: [], warnings: [], matches: true });
  });

  test('separates the service grammar (problems) from the catalogue (warnings)', () => {
    const [bad] = testPattern({ source: [{ prefix: '' }] }, []);
    assert.equal(bad.valid, false);
    assert.equal(bad.matches, null);
    assert.match(bad.problems[0].message, /non-empty string/);
    const [unknown] = testPattern({ source: ['acs.unknown'] }, [{ source: 'acs.unknown' }]);
    assert.equal(unknown.valid, true);
    assert.equal(unknown.matches, true);
    assert.match(unknown.warnings[0].message, /not a source of the event catalogue/);
  });
});
