import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SEARCHABLE_FIELDS } from '../../lib/observability/fields';
import {
  ALERT_QUERIES,
  CHARTS,
  eventByIdQuery,
  eventLedgerQuery,
  instanceActionsQuery,
  instanceEventsQuery,
  type NamedQuery,
  SAVED_SEARCHES,
  skipsWithReasonQuery,
} from '../../lib/observability/queries';
import { checkQuery } from '../../lib/observability/query-grammar';

const ALL: NamedQuery[] = [...Object.values(SAVED_SEARCHES), ...Object.values(CHARTS), ...Object.values(ALERT_QUERIES)];

describe('SLS queries', () => {
  for (const q of ALL) {
    it(`${q.name} follows the SLS grammar subset and names only indexed fields of the ${q.logstore} logstore`, () => {
      assert.deepEqual(checkQuery(q.query, SEARCHABLE_FIELDS[q.logstore]), []);
    });
  }

  it('builds the parameterised queries within the grammar, quoting the values', () => {
    const functions = SEARCHABLE_FIELDS.functions;

    assert.deepEqual(checkQuery(instanceEventsQuery('i-bp1abc'), SEARCHABLE_FIELDS.events), []);
    assert.deepEqual(checkQuery(instanceActionsQuery('i-bp1abc'), functions), []);
    assert.deepEqual(checkQuery(eventLedgerQuery('7adc8c1a-645d'), functions), []);
    assert.deepEqual(checkQuery(eventByIdQuery('7adc8c1a-645d'), SEARCHABLE_FIELDS.events), []);
    assert.equal(
      skipsWithReasonQuery('restart-limit'),
      'message.record: ledger and message.decision: skipped and message.reason: "restart-limit"',
    );
    assert.deepEqual(checkQuery(skipsWithReasonQuery('say "hi"'), functions), []);
  });
});

describe('the SLS query checker', () => {
  const fields = SEARCHABLE_FIELDS.functions;
  const problems = (query: string) => checkQuery(query, fields).map((p) => p.message);

  it('accepts a search with a SQL part on indexed fields', () => {
    assert.deepEqual(
      problems('message.decision: failed | SELECT "message.reason" AS r, count(*) AS n GROUP BY r LIMIT 10'),
      [],
    );
  });

  it('fails a field that has no index, in the search and in the SQL', () => {
    assert.match(problems('message.instance: i-1')[0], /field "message.instance" has no index/);
    assert.match(problems('* | SELECT "message.nope" AS x')[0], /field "message.nope" has no index with analytics/);
  });

  it('fails a comparison on a text field and a comparison with no number', () => {
    assert.match(problems('message.reason > 3')[0], /compares a text field/);
    assert.match(problems('message.total > many')[0], /a comparison takes a number/);
  });

  it('fails an empty search, two pipes, a dangling operator and unbalanced parentheses', () => {
    assert.match(problems(' | SELECT count(*) AS n')[0], /empty/);
    assert.match(problems('* | SELECT 1 | SELECT 2')[0], /the grammar allows one/);
    assert.match(problems('message.decision: failed and')[0], /ends with an operator/);
    assert.match(problems('(message.decision: failed')[0], /not balanced/);
  });

  it('fails SQL without SELECT, with FROM or ";", with a double-quoted literal, or grouped without LIMIT', () => {
    assert.match(problems('* | count(*)')[0], /must start with SELECT/);
    assert.match(problems('* | SELECT count(*) AS n FROM log')[0], /no FROM/);
    assert.match(problems('* | SELECT count(*) AS n;')[0], /no ";"/);
    assert.match(problems('* | SELECT count(*) AS n WHERE "message.decision" = "failed"')[0], /"failed" has no index/);
    assert.match(problems('* | SELECT "message.decision" AS d, count(*) AS n GROUP BY d')[0], /trailing LIMIT/);
  });
});
