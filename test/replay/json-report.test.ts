import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type EventReport, JsonReportWriter } from '../../ops/replay';

const EVENT: EventReport = {
  file: 'events/a.json',
  eventId: 'id-1',
  type: 'ecs:Instance:StateChange',
  deliveries: [
    {
      stack: 'ecs-event-ops-cn-hangzhou',
      rule: 'ecs-event-ops-auto-restart',
      target: { type: 'acs.fc.function', function: 'svc/fn' },
      outcome: 'ok',
      attempts: 1,
      calls: [{ service: 'ecs', action: 'StartInstance', params: { InstanceId: 'i-1', Note: 'a\nb' } }],
      ledger: [
        {
          eventId: 'id-1',
          automation: 'auto-restart',
          decision: 'acted',
          reason: 'done',
          calls: [{ api: 'StartInstance', target: 'i-1', result: 'ok' }],
          durationMs: 3,
          dryRun: false,
        },
      ],
    },
  ],
};
const BROKEN: EventReport = {
  file: 'events/b.json',
  eventId: null,
  type: null,
  deliveries: [],
  error: 'not valid JSON',
};

describe('the streamed --json report', () => {
  for (const [name, events] of [
    ['no event', []],
    ['one event', [EVENT]],
    ['several events', [EVENT, BROKEN, EVENT]],
  ] as const) {
    test(`is byte for byte the whole report as JSON.stringify writes it (${name})`, () => {
      let out = '';
      const writer = new JsonReportWriter((text) => {
        out += text;
      });

      for (const event of events) writer.write(event);
      writer.end();

      assert.equal(out, `${JSON.stringify({ events }, null, 2)}\n`);
    });
  }
});
