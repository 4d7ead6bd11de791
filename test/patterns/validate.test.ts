import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EventRule, type IRuleTarget, UNCATALOGUED_METADATA_KEY } from '../../lib/constructs/event-rule';
import {
  allEventsOf,
  ECS_SOURCE,
  ESS_SOURCE,
  instanceStateChange,
  preemptibleInstanceInterruption,
  snapshotCompleted,
  systemEvents,
} from '../../lib/events/ecs-patterns';
import type { EventPattern } from '../../lib/events/pattern';
import { validatePattern } from '../../lib/patterns/validate';
import { synthStack } from '../support/synth';

const target: IRuleTarget = {
  bind: () => ({
    type: 'https',
    endpoint: 'https://example.com',
    paramList: [{ resourceKey: 'url', form: 'CONSTANT', value: 'https://example.com' }],
  }),
};

/** Synthesizes a rule with `pattern` and returns the error message, failing when synth succeeds. */
function synthError(pattern: unknown): string {
  try {
    synthStack(
      (stack) =>
        new EventRule(stack, 'Rule', { ruleName: 'ops-rule', pattern: pattern as EventPattern, targets: [target] }),
    );
  } catch (error) {
    return (error as Error).message;
  }
  assert.fail('expected synth to fail');
}

describe('synth fails on a bad pattern, naming the rule, the path and the alternative', () => {
  const cases: [string, unknown, RegExp][] = [
    [
      'an AWS detail-type key (seed 003)',
      { source: ['acs.ecs'], 'detail-type': ['ECS Snapshot Status Change'] },
      /at "detail-type": "detail-type" is an AWS EventBridge key; Alibaba events carry "type"/,
    ],
    [
      'an AWS detail key',
      { source: ['acs.ecs'], detail: { status: ['failed'] } },
      /at "detail": "detail" is an AWS EventBridge key; the payload of Alibaba events is under "data"/,
    ],
    [
      'a type ECS never emits (seed 003)',
      { source: ['acs.ecs'], type: ['ecs:Snapshot:CreateSnapshotFailed'] },
      /at "type\[0\]": .*no CreateSnapshotFailed type: match "ecs:Snapshot:CreateSnapshotCompleted" with data\.result \["failed"\]/,
    ],
    [
      'a misspelled type',
      { source: ['acs.ecs'], type: ['ecs:Instance:StateChanged'] },
      /at "type\[0\]": "ecs:Instance:StateChanged" is not an event type of the catalogue \(did you mean ecs:Instance:StateChange\?\)/,
    ],
    [
      'the non-existent ecs:SystemEvent namespace with a wrong status',
      { source: ['acs.ecs'], type: ['ecs:SystemEvent:Schedule'] },
      /did you mean ecs:SystemEvent:Scheduled\?/,
    ],
    [
      'an AWS source',
      { source: ['aws.ecs'] },
      /at "source\[0\]": "aws\.ecs" is not a source of the event catalogue .*source "acs\.ecs"/,
    ],
    ['a pattern without source', { type: ['ecs:Instance:StateChange'] }, /at "source": a pattern needs "source"/],
    [
      'a data field the type does not have',
      { source: ['acs.ecs'], type: ['ecs:Instance:StateChange'], data: { status: ['Stopped'] } },
      /at "data\.status": the selected event types have no data field "status"; .*\(did you mean state\?\)/,
    ],
    [
      'a value with the wrong case',
      { source: ['acs.ecs'], type: ['ecs:Instance:StateChange'], data: { state: ['stopped'] } },
      /at "data\.state\[0\]": "stopped" is not a documented value .*\(did you mean Stopped\?\)/,
    ],
    [
      'the wildcard operator',
      { source: ['acs.ecs'], subject: [{ wildcard: 'acs:ecs:*' }] },
      /at "subject\[0\]\.wildcard": "wildcard" is not supported by Alibaba EventBridge: use "prefix", "suffix" or "contains"/,
    ],
    [
      'equals-ignore-case',
      { source: [{ 'equals-ignore-case': 'ACS.ECS' }] },
      /"equals-ignore-case" is not supported .*case-sensitive/,
    ],
    [
      '$or',
      { source: ['acs.ecs'], $or: [{ type: ['a'] }] },
      /at "\$or": "\$or" is not supported by Alibaba EventBridge/,
    ],
    [
      'anything-but with an operator other than prefix or suffix',
      { source: ['acs.ecs'], subject: [{ 'anything-but': { 'equals-ignore-case': 'x' } }] },
      /"anything-but" with equals-ignore-case is not supported/,
    ],
    ['an empty prefix', { source: [{ prefix: '' }] }, /at "source\[0\]\.prefix": "prefix" takes a non-empty string/],
    [
      'a misspelled operator',
      { source: [{ prefx: 'acs.' }] },
      /"prefx" is not an operator; .*\(did you mean prefix\?\)/,
    ],
    [
      'more than five expressions in a field',
      { source: ['acs.ecs'], subject: ['a', 'b', 'c', 'd', 'e', 'f'] },
      /at "subject": 6 matchers; Alibaba allows at most 5 per field/,
    ],
    ['an empty list', { source: ['acs.ecs'], subject: [] }, /at "subject": an empty list matches nothing/],
    ['a bare value instead of a list', { source: 'acs.ecs' }, /at "source": a field's matchers are a list/],
    [
      'an unknown numeric operator',
      { source: ['acs.ecs'], data: { n: [{ numeric: ['==', 1] }] } },
      /"==" is not a numeric operator; allowed: =, !=, >, >=, <, <=/,
    ],
    ['a nested object outside data', { source: { prefix: 'acs.' } }, /only "data" holds nested fields/],
    [
      'a numeric value out of range',
      { source: ['acs.ecs'], data: { n: [{ numeric: ['<', 2e9] }] } },
      /2000000000 is not a number within -1e9\.\.1e9/,
    ],
    ['an IPv6 cidr', { source: ['acs.ecs'], data: { ip: [{ cidr: '::1/128' }] } }, /"cidr" takes an IPv4 block/],
    [
      'a prefix that selects no type',
      { source: ['acs.ecs'], type: [{ prefix: 'ecs:Instanse:' }] },
      /\{"prefix":"ecs:Instanse:"\} selects no known event type/,
    ],
    [
      'an unknown top-level field',
      { source: ['acs.ecs'], typ: ['x'] },
      /at "typ": "typ" is not a field of Alibaba events \(did you mean type\?\)/,
    ],
  ];
  for (const [what, pattern, message] of cases) {
    test(`for ${what}`, () => {
      const error = synthError(pattern);
      assert.match(error, /^EventRule ops-rule \(test-stack\/Rule\): the pattern has \d+ problems?:/);
      assert.match(error, message);
    });
  }
});

describe('valid patterns pass', () => {
  const cases: [string, unknown][] = [
    ['every builder of the stack', instanceStateChange(['Stopped', 'Running'])],
    ['the spot notice', preemptibleInstanceInterruption()],
    [
      'system events in all three forms',
      systemEvents({ categories: ['SystemMaintenance'], statuses: ['Scheduled', 'Executed'] }),
    ],
    ['failed snapshots', snapshotCompleted('failed')],
    ['every ECS and ESS event', allEventsOf([ECS_SOURCE, ESS_SOURCE])],
    [
      'the documentation combined example, on an uncatalogued source-less data shape',
      {
        source: [{ prefix: 'acs.' }],
        data: {
          state: [{ 'anything-but': 'initializing' }],
          'source-ip': [{ cidr: '10.0.0.0/24' }],
          'c-count': [{ numeric: ['>', 0, '<=', 5] }],
        },
      },
    ],
    [
      'exists, null and the empty string',
      { source: ['acs.ecs'], subject: [{ exists: true }], data: { a: [null, ''], b: [{ exists: false }] } },
    ],
    [
      "the reference engine's operators: >=, !=, anything-but suffix and an empty list, cidr on one address",
      {
        source: ['acs.ecs'],
        subject: [{ 'anything-but': { suffix: '-test' } }, { 'anything-but': [] }],
        data: { n: [{ numeric: ['>=', 1, '!=', 3] }], ip: [{ cidr: '2001:db8::1' }], big: [2e9] },
      },
    ],
    [
      'anything-but with a list and with a prefix',
      {
        source: ['acs.ecs'],
        type: [{ 'anything-but': ['ecs:Instance:StateChange'] }, { 'anything-but': { prefix: 'ecs:Disk:' } }],
      },
    ],
  ];
  for (const [what, pattern] of cases) {
    test(`for ${what}`, () => assert.deepEqual(validatePattern(pattern), []));
  }
});

describe('the escape hatch for types newer than the catalogue', () => {
  const pattern = {
    source: ['acs.ecs'],
    type: ['ecs:Instance:BrandNewEvent'],
    data: { anything: ['x'] },
  } as unknown as EventPattern;

  test('refuses the unknown type without it', () => {
    assert.match(synthError(pattern), /"ecs:Instance:BrandNewEvent" is not an event type of the catalogue/);
  });

  test('accepts it when listed with a reason, and records both in the template and as a synth warning', () => {
    let warnings: unknown[] = [];
    const template = synthStack((stack) => {
      const rule = new EventRule(stack, 'Rule', {
        ruleName: 'ops-rule',
        pattern,
        targets: [target],
        uncataloguedTypes: {
          types: ['ecs:Instance:BrandNewEvent'],
          reason: 'announced 2026-11-01, not yet in the ECS event list',
        },
      });
      warnings = rule.node.metadata.filter((m) => m.type === 'aliyun:ros:warning').map((m) => m.data);
    });
    const rule = template.Resources.Rule as unknown as { Metadata: Record<string, unknown> };
    assert.deepEqual(rule.Metadata[UNCATALOGUED_METADATA_KEY], {
      types: ['ecs:Instance:BrandNewEvent'],
      reason: 'announced 2026-11-01, not yet in the ECS event list',
    });
    assert.deepEqual(warnings, [
      'EventRule ops-rule: accepts uncatalogued types ecs:Instance:BrandNewEvent (announced 2026-11-01, not yet in the ECS event list)',
    ]);
  });

  test('refuses an escape hatch without a reason', () => {
    assert.throws(
      () =>
        synthStack(
          (stack) =>
            new EventRule(stack, 'Rule', {
              ruleName: 'ops-rule',
              pattern,
              targets: [target],
              uncataloguedTypes: { types: ['x'], reason: ' ' },
            }),
        ),
      /uncataloguedTypes needs at least one type and a reason/,
    );
  });
});
