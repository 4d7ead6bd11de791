import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { archivePrefixes, formatUtc, matchRecord, parseDuration, parseNotBefore, utcDays } from '../../ops/drill';

const NOW = Date.parse('2026-11-22T23:58:30.500Z');

describe('NotBefore', () => {
  it('turns a delay into a UTC time in whole seconds', () => {
    const parsed = parseNotBefore('+10m', NOW);

    assert.ok('ms' in parsed);
    assert.equal(formatUtc(parsed.ms), '2026-11-23T00:08:30Z');
  });

  it('converts a time with an offset to UTC', () => {
    const parsed = parseNotBefore('2026-11-23T10:00:00+08:00', NOW);

    assert.ok('ms' in parsed);
    assert.equal(formatUtc(parsed.ms), '2026-11-23T02:00:00Z');
  });

  it('refuses a time without a zone, a past time and garbage', () => {
    assert.match(String(Object.values(parseNotBefore('2026-11-23T10:00:00', NOW))[0]), /has no time zone/);
    assert.match(String(Object.values(parseNotBefore('2026-11-22T23:58:00Z', NOW))[0]), /not in the future/);
    assert.match(String(Object.values(parseNotBefore('tomorrow', NOW))[0]), /expected a delay like \+10m/);
    assert.match(String(Object.values(parseNotBefore('+0m', NOW))[0]), /must be in the future/);
  });

  it('reads durations', () => {
    assert.equal(parseDuration('15m'), 900_000);
    assert.equal(parseDuration('250ms'), 250);
    assert.equal(parseDuration('15 minutes'), undefined);
  });
});

describe('archive search', () => {
  it('looks under all three type forms for every UTC day of the window', () => {
    const prefixes = archivePrefixes({
      region: 'cn-hangzhou',
      instanceId: 'i-bp1abcdefghij0123456',
      eventType: 'SystemMaintenance.Reboot',
      fromMs: NOW,
      toMs: NOW + 120_000,
    });

    assert.deepEqual(utcDays(NOW, NOW + 120_000), ['2026-11-22', '2026-11-23']);
    assert.equal(prefixes.length, 2 * 15);
    for (const type of [
      'ecs:Instance:SystemMaintenance.Reboot',
      'ecs:Instance:SystemMaintenance.Reboot:Scheduled',
      'ecs:SystemEvent:Scheduled',
    ]) {
      assert.ok(
        prefixes.includes(
          `archive/acs.ecs/${type}/region=cn-hangzhou/date=2026-11-23/instance=i-bp1abcdefghij0123456/`,
        ),
        type,
      );
    }
  });

  it('identifies the archived copy by the ECS event id in data or content', () => {
    const cloudEvent = { original: { data: { eventId: 'e-1' }, aliyunpublishtime: '2026-11-22T10:15:00.321PRC' } };
    const cms = { original: { content: { eventId: 'e-1' }, eventTime: '20261122T101500.000+0800' } };

    assert.equal(matchRecord(JSON.stringify(cloudEvent), 'e-1')?.deliveredAtMs, Date.parse('2026-11-22T02:15:00.321Z'));
    assert.equal(matchRecord(JSON.stringify(cms), 'e-1')?.deliveredAtMs, Date.parse('2026-11-22T02:15:00Z'));
    assert.equal(matchRecord(JSON.stringify(cloudEvent), 'e-2'), undefined);
    assert.equal(matchRecord('not json', 'e-1'), undefined);
  });
});
