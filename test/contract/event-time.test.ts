import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { zoneParts } from '../../contract/event-time';

/** The fields Intl gives for an instant in a zone: what zoneParts must agree with. */
function intlParts(zone: string, instant: number): Record<string, string> {
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
  const parts: Record<string, string> = {};
  for (const part of format.formatToParts(instant)) {
    if (part.type !== 'literal') parts[part.type] = part.value;
  }
  return parts;
}

describe('zoneParts', () => {
  it('gives the same UTC wall clock as Intl, without Intl, for any instant from 1970 to 2200', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Date.UTC(2200, 0, 1) }), (instant) => {
        assert.deepEqual(zoneParts('UTC', instant), intlParts('UTC', instant));
      }),
      { numRuns: 2000 },
    );
  });

  it('still reads other zones through Intl, and answers undefined for a zone Intl does not know', () => {
    const instant = Date.UTC(2026, 10, 29, 16, 5, 9);

    const { literal: _, ...shanghai } = zoneParts('Asia/Shanghai', instant) ?? {};
    assert.deepEqual(shanghai, intlParts('Asia/Shanghai', instant));
    assert.equal(zoneParts('Asia/Shanghai', instant)?.hour, '00');
    assert.equal(zoneParts('Mars/Olympus_Mons', instant), undefined);
  });
});
