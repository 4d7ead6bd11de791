import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatLedgerLine, type LedgerRecord, parseLedgerLine } from '../../contract/ledger';

const RECORD: LedgerRecord = {
  eventId: 'e-1',
  automation: 'spot-drain',
  decision: 'dry-run',
  reason: 'done',
  calls: [{ api: 'SetBackendServers', target: 'lb-1', result: 'dry-run' }],
  durationMs: 12,
  dryRun: true,
};

describe('the action ledger line', () => {
  it('reads back exactly the record it was written from, marked as a ledger line', () => {
    const line = formatLedgerLine(RECORD);

    assert.equal(JSON.parse(line).record, 'ledger');
    assert.deepEqual(parseLedgerLine(line), RECORD);
  });

  it('is not read from an invocation log line, a malformed line or a record with an unknown decision', () => {
    assert.equal(parseLedgerLine(JSON.stringify({ level: 'info', handler: 'notify' })), undefined);
    assert.equal(parseLedgerLine('{not json'), undefined);
    assert.equal(
      parseLedgerLine(formatLedgerLine(RECORD).replace('"dry-run","reason"', '"maybe","reason"')),
      undefined,
    );
    assert.equal(parseLedgerLine(JSON.stringify({ ...JSON.parse(formatLedgerLine(RECORD)), calls: [1] })), undefined);
  });
});
