import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseEvent, parseEventTime } from '../../lambda-src/commons/envelope';
import { MalformedEventError } from '../../lambda-src/commons/errors';
import { fixture, INSTANCE_ID, payload, variantOf } from '../support/harness';

describe('envelope parsing', () => {
  it('reads an EventBridge state change into a typed event', () => {
    const event = parseEvent(payload(fixture('acs.ecs', 'instance-statechange-stopped')));

    assert.equal(event.kind, 'InstanceStateChange');
    assert.equal(event.format, 'eventbridge');
    assert.equal(event.source, 'acs.ecs');
    assert.equal(event.region, 'cn-hangzhou');
    assert.equal(event.accountId, '1234567890123456');
    if (event.kind !== 'InstanceStateChange') return;
    assert.equal(event.instanceId, INSTANCE_ID);
    assert.equal(event.state, 'Stopped');
  });

  it('maps the Cloud Monitor format to the same type, source, region and payload', () => {
    const cms = parseEvent(payload(fixture('acs.ecs', 'instance-statechange-stopped.cms')));
    const eb = parseEvent(payload(fixture('acs.ecs', 'instance-statechange-stopped')));

    assert.equal(cms.format, 'cloudmonitor');
    assert.equal(cms.type, eb.type);
    assert.equal(cms.source, eb.source);
    assert.equal(cms.region, eb.region);
    assert.deepEqual(cms.data, eb.data);
    assert.equal(cms.timeMs, Date.parse('2024-05-20T02:15:30.123Z'));
  });

  it('reads a spot interruption in both formats', () => {
    for (const variant of [
      'instance-preemptibleinstanceinterruption',
      'instance-preemptibleinstanceinterruption.cms',
    ]) {
      const event = parseEvent(payload(fixture('acs.ecs', variant)));
      assert.equal(event.kind, 'PreemptibleInstanceInterruption');
      if (event.kind === 'PreemptibleInstanceInterruption') assert.equal(event.action, 'delete');
    }
  });

  it('drops the status suffix of a Cloud Monitor system-event name', () => {
    const event = parseEvent(payload(fixture('acs.ecs', 'instance-systemmaintenance-reboot-scheduled.cms')));

    assert.equal(event.kind, 'SystemEvent');
    assert.equal(event.type, 'ecs:Instance:SystemMaintenance.Reboot');
    if (event.kind === 'SystemEvent') assert.equal(event.eventStatus, 'Scheduled');
  });

  it('rejects a masked documentation instance id', () => {
    const buffer = variantOf('acs.ecs', 'instance-statechange-stopped', (e) => {
      e.data!.resourceId = 'i-bp1ecr********5go2go';
    });

    assert.throws(
      () => parseEvent(buffer),
      /"data\.resourceId": "i-bp1ecr\*\*\*\*\*\*\*\*5go2go" is not an ECS instance id/,
    );
  });

  it('names the Cloud Monitor field path in errors', () => {
    const buffer = variantOf('acs.ecs', 'instance-statechange-stopped.cms', (e) => {
      e.content!.state = 42;
    });

    assert.throws(() => parseEvent(buffer), /"content\.state" must be a non-empty string, got number 42/);
  });

  it('rejects invalid JSON, non-objects and unknown envelopes with MalformedEventError', () => {
    for (const bad of ['{', '[]', '"text"', '{"hello":"world"}']) {
      assert.throws(() => parseEvent(Buffer.from(bad)), MalformedEventError, bad);
    }
  });

  it('rejects an envelope without an id', () => {
    const buffer = variantOf('acs.ecs', 'instance-statechange-stopped', (e) => {
      delete e.id;
    });

    assert.throws(() => parseEvent(buffer), /field "id" is missing/);
  });

  it('parses RFC 3339, Cloud Monitor and zone-name event times, and gives up on anything else', () => {
    assert.equal(parseEventTime('2020-11-19T21:04:41+08:00'), Date.parse('2020-11-19T13:04:41Z'));
    assert.equal(parseEventTime('20181226T220114.058+0800'), Date.parse('2018-12-26T14:01:14.058Z'));
    assert.equal(parseEventTime('2020-08-17T16:04:46.149Asia/Shanghai'), Date.parse('2020-08-17T08:04:46.149Z'));
    assert.equal(parseEventTime('2020-11-19T21:04:42.179PRC'), Date.parse('2020-11-19T13:04:42.179Z'));
    assert.equal(parseEventTime('yesterday'), undefined);
    assert.equal(parseEventTime('2020-08-17T16:04:46Mars/Olympus'), undefined);
  });

  it('keeps the raw time string when it cannot be parsed', () => {
    const event = parseEvent(
      variantOf('acs.ecs', 'instance-statechange-stopped', (e) => {
        e.time = 'sometime';
      }),
    );

    assert.equal(event.time, 'sometime');
    assert.equal(event.timeMs, undefined);
  });
});
