import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseEvent } from '../../lambda-src/commons/envelope';
import { EventFileError, fromCloudMonitor, parseEventText } from '../../ops/replay';
import { fixture } from '../support/harness';

describe('replay event formats', () => {
  test('converts a Cloud Monitor event to the EventBridge form of its twin', () => {
    const twin = fixture('acs.ecs', 'instance-statechange-stopped');

    const converted = fromCloudMonitor(fixture('acs.ecs', 'instance-statechange-stopped.cms'));

    assert.deepEqual(
      { ...converted, id: twin.id, datacontenttype: twin.datacontenttype },
      Object.fromEntries(
        Object.entries(twin).filter(
          ([key]) => !['aliyunpublishtime', 'aliyuneventbusname', 'aliyunpublishaddr'].includes(key),
        ),
      ),
    );
  });

  test('drops the status of a system event from the type, as the handlers do', () => {
    const cms = fixture('acs.ecs', 'instance-systemmaintenance-reboot-scheduled.cms');

    const converted = fromCloudMonitor(cms);

    assert.equal(converted.type, 'ecs:Instance:SystemMaintenance.Reboot');
    assert.equal(converted.source, 'acs.ecs');
    assert.equal(converted.time, '2024-05-20T10:15:30.123+08:00');
    assert.deepEqual(converted.data, cms.content);
    // The handlers' own parser sees the same envelope in both forms.
    const direct = parseEvent(Buffer.from(JSON.stringify(cms)));
    const viaReplay = parseEvent(Buffer.from(JSON.stringify(converted)));
    for (const key of ['id', 'source', 'type', 'region', 'accountId', 'timeMs'] as const) {
      assert.equal(viaReplay[key], direct[key], key);
    }
  });

  test('refuses an event nested deeper than 64 levels, naming where', () => {
    const event = fixture('acs.ecs', 'instance-statechange-stopped');
    // The event is level 1 and `data` level 2: 63 nested lists make 65 levels, 62 make 64.
    let deep: unknown = 1;
    for (let i = 0; i < 63; i++) deep = [deep];
    const shallower = JSON.stringify({ ...event, data: { list: (deep as unknown[])[0] } });

    assert.throws(
      () => parseEventText(JSON.stringify({ ...event, data: { list: deep } })),
      (error: unknown) =>
        error instanceof EventFileError &&
        /nested deeper than 64 levels \(at \$\.data\.list\[0\]\[0\]/.test(error.message),
    );
    assert.equal(parseEventText(shallower).event.id, event.id);
  });

  test('keeps an EventBridge event as it is', () => {
    const event = fixture('acs.ecs', 'instance-preemptibleinstanceinterruption');

    const parsed = parseEventText(JSON.stringify(event));

    assert.equal(parsed.format, 'eventbridge');
    assert.deepEqual(parsed.event, event);
  });

  const invalid: [string, string, RegExp][] = [
    ['text that is not JSON', '{', /^not valid JSON/],
    ['a JSON array', '[]', /must hold a JSON object, got an array/],
    [
      'an EventBridge event without a type',
      JSON.stringify({ specversion: '1.0', id: 'a', source: 'acs.ecs' }),
      /field "type" must be a non-empty string, got nothing/,
    ],
    [
      'a Cloud Monitor event with a bad name',
      JSON.stringify({ product: 'ECS', name: 'StateChange', id: 'a', content: {} }),
      /field "name": "StateChange" is not an event name/,
    ],
    [
      'a Cloud Monitor event without content',
      JSON.stringify({ product: 'ECS', name: 'Instance:StateChange', id: 'a' }),
      /field "content" must be a JSON object/,
    ],
  ];
  for (const [name, text, message] of invalid) {
    test(`refuses ${name}`, () => {
      assert.throws(
        () => parseEventText(text),
        (error: unknown) => error instanceof EventFileError && message.test(error.message),
      );
    });
  }
});
