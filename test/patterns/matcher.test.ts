import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { instanceStateChange, preemptibleInstanceInterruption } from '../../lib/events/ecs-patterns';
import {
  compilePattern,
  type JsonValue,
  matchesPattern,
  PatternIndex,
  PatternSyntaxError,
} from '../../lib/patterns/matcher';
import { fixture } from '../support/harness';

type JsonObject = { [k: string]: JsonValue };

/** The sample event of the event-pattern documentation, with the fields its examples test added under `data`. */
const DOC_EVENT: JsonObject = {
  id: '7adc8c1a-645d-4476-bdef-5d6fb57f****',
  source: 'acs.oss',
  specversion: '1.0',
  type: 'oss:ObjectCreated:PostObject',
  datacontenttype: 'application/json',
  dataschema: 'http://example.com/test.json',
  subject: 'acs:oss:cn-hangzhou:1234567:xls-papk/game_apk/123.jpg',
  time: '2020-08-17T16:04:46.149Asia/Shanghai',
  data: {
    name: 'test',
    scope: 100,
    state: 'running',
    'source-ip': '10.0.0.123',
    'c-count': 5,
    'x-limit': 301.8,
    eventVersion: '',
    responseElements: null,
  },
};

/** A clone of the documentation event with `change` applied to it. */
function docEvent(change: (event: JsonObject & { data: JsonObject }) => void = () => {}): JsonObject {
  const event = structuredClone(DOC_EVENT) as JsonObject & { data: JsonObject };
  change(event);
  return event;
}

const COMBINED = {
  source: [{ prefix: 'acs.' }],
  data: {
    state: [{ 'anything-but': 'initializing' }],
    'source-ip': [{ cidr: '10.0.0.0/24' }],
    'c-count': [{ numeric: ['>', 0, '<=', 5] }],
  },
};

interface Case {
  readonly name: string;
  readonly pattern: unknown;
  readonly event: JsonObject;
  readonly matches: boolean;
}

const DOC_CASES: Case[] = [
  // The combined example of the documentation.
  { name: 'combined example: the sample event', pattern: COMBINED, event: docEvent(), matches: true },
  {
    name: 'combined example: source without the prefix',
    pattern: COMBINED,
    event: docEvent((e) => {
      e.source = 'custom.app';
    }),
    matches: false,
  },
  {
    name: 'combined example: state is the excluded value',
    pattern: COMBINED,
    event: docEvent((e) => {
      e.data.state = 'initializing';
    }),
    matches: false,
  },
  {
    name: 'combined example: address outside the block',
    pattern: COMBINED,
    event: docEvent((e) => {
      e.data['source-ip'] = '10.0.1.5';
    }),
    matches: false,
  },
  {
    name: 'combined example: count at the exclusive lower bound',
    pattern: COMBINED,
    event: docEvent((e) => {
      e.data['c-count'] = 0;
    }),
    matches: false,
  },
  {
    name: 'combined example: count above the inclusive upper bound',
    pattern: COMBINED,
    event: docEvent((e) => {
      e.data['c-count'] = 6;
    }),
    matches: false,
  },
  {
    name: 'combined example: count as a string is not a number',
    pattern: COMBINED,
    event: docEvent((e) => {
      e.data['c-count'] = '5';
    }),
    matches: false,
  },
  {
    name: 'combined example: state missing (anything-but needs the field)',
    pattern: COMBINED,
    event: docEvent((e) => {
      delete e.data.state;
    }),
    matches: false,
  },
  // Exact values.
  { name: 'exact source', pattern: { source: ['acs.oss'] }, event: docEvent(), matches: true },
  { name: 'exact values are case-sensitive', pattern: { source: ['ACS.OSS'] }, event: docEvent(), matches: false },
  {
    name: 'OR within a list',
    pattern: { source: ['acs.ecs', 'acs.oss'] },
    event: docEvent(),
    matches: true,
  },
  {
    name: 'AND across keys',
    pattern: { source: ['acs.oss'], type: ['oss:ObjectCreated:PutObject'] },
    event: docEvent(),
    matches: false,
  },
  {
    name: 'the event must hold every pattern field',
    pattern: { source: ['acs.oss'], data: { bucket: ['xls-papk'] } },
    event: docEvent(),
    matches: false,
  },
  { name: 'exact number', pattern: { data: { scope: [100] } }, event: docEvent(), matches: true },
  {
    name: 'an exact string matches the number with the same JSON text (EqualCondition compares text)',
    pattern: { data: { scope: ['100'] } },
    event: docEvent(),
    matches: true,
  },
  {
    name: 'an exact number matches the string with the same text',
    pattern: { data: { scope: [100] } },
    event: docEvent((e) => {
      e.data.scope = '100';
    }),
    matches: true,
  },
  {
    name: '300.0 in an event is the number 300',
    pattern: { data: { scope: [300] } },
    event: JSON.parse('{"data":{"scope":300.0}}') as JsonObject,
    matches: true,
  },
  {
    name: 'exact boolean',
    pattern: { data: { on: [true] } },
    event: docEvent((e) => {
      e.data.on = true;
    }),
    matches: true,
  },
  {
    name: 'boolean true matches the string "true" (same text)',
    pattern: { data: { on: [true] } },
    event: docEvent((e) => {
      e.data.on = 'true';
    }),
    matches: true,
  },
  // Empty string and null.
  { name: 'empty string', pattern: { data: { eventVersion: [''] } }, event: docEvent(), matches: true },
  { name: 'null', pattern: { data: { responseElements: [null] } }, event: docEvent(), matches: true },
  {
    name: 'null does not match ""',
    pattern: { data: { eventVersion: [null] } },
    event: docEvent(),
    matches: false,
  },
  {
    name: '"" does not match null',
    pattern: { data: { responseElements: [''] } },
    event: docEvent(),
    matches: false,
  },
  {
    name: 'null does not match a missing field',
    pattern: { data: { missing: [null] } },
    event: docEvent(),
    matches: false,
  },
  // prefix / suffix / contains; several in one list are ORed.
  ...[
    ['acs:oss:cn-hangzhou:1234567:xls-papk/game_apk/123.jpg', true],
    ['acs:oss:cn-shanghai:1234567:other/readme.txt', true],
    ['acs:oss:cn-shanghai:1234567:other/image.png', false],
    ['acs:oss:cn-hangzhou:1234567:xls-papk/image.png', true],
  ].map(
    ([subject, matches]): Case => ({
      name: `multiple prefix/suffix: ${subject}`,
      pattern: {
        subject: [{ prefix: 'acs:oss:cn-hangzhou:1234567:xls-papk/' }, { suffix: '.txt' }, { suffix: '.jpg' }],
      },
      event: docEvent((e) => {
        e.subject = subject as string;
      }),
      matches: matches as boolean,
    }),
  ),
  { name: 'contains', pattern: { type: [{ contains: 'Created' }] }, event: docEvent(), matches: true },
  {
    name: 'contains is case-sensitive',
    pattern: { type: [{ contains: 'created' }] },
    event: docEvent(),
    matches: false,
  },
  {
    name: 'prefix applies to strings only',
    pattern: { data: { scope: [{ prefix: '1' }] } },
    event: docEvent(),
    matches: false,
  },
  // anything-but forms.
  {
    name: 'anything-but a string',
    pattern: { data: { state: [{ 'anything-but': 'initializing' }] } },
    event: docEvent(),
    matches: true,
  },
  {
    name: 'anything-but a number',
    pattern: { data: { scope: [{ 'anything-but': 123 }] } },
    event: docEvent(),
    matches: true,
  },
  {
    name: 'anything-but a number: the number',
    pattern: { data: { scope: [{ 'anything-but': 100 }] } },
    event: docEvent(),
    matches: false,
  },
  {
    name: 'anything-but a list: a listed value',
    pattern: { data: { state: [{ 'anything-but': ['stopped', 'running'] }] } },
    event: docEvent(),
    matches: false,
  },
  {
    name: 'anything-but a list: another value',
    pattern: { data: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } },
    event: docEvent(),
    matches: true,
  },
  {
    name: 'anything-but a list of numbers',
    pattern: { data: { scope: [{ 'anything-but': [100, 200, 300] }] } },
    event: docEvent(),
    matches: false,
  },
  {
    name: 'anything-but a prefix: a value with the prefix',
    pattern: { data: { state: [{ 'anything-but': { prefix: 'run' } }] } },
    event: docEvent(),
    matches: false,
  },
  {
    name: 'anything-but a prefix: a value without it',
    pattern: { data: { state: [{ 'anything-but': { prefix: 'init' } }] } },
    event: docEvent(),
    matches: true,
  },
  {
    name: 'anything-but needs the field to exist',
    pattern: { data: { missing: [{ 'anything-but': 'x' }] } },
    event: docEvent(),
    matches: false,
  },
  // numeric.
  {
    name: 'numeric =',
    pattern: { data: { 'x-limit': [{ numeric: ['=', 301.8] }] } },
    event: docEvent(),
    matches: true,
  },
  ...(
    [
      [0, false],
      [0.000001, true],
      [5, true],
      [5.1, false],
      [-3, false],
    ] as const
  ).map(
    ([count, matches]): Case => ({
      name: `numeric range > 0, <= 5: ${count}`,
      pattern: { data: { 'c-count': [{ numeric: ['>', 0, '<=', 5] }] } },
      event: docEvent((e) => {
        e.data['c-count'] = count;
      }),
      matches,
    }),
  ),
  {
    name: 'numeric < alone',
    pattern: { data: { 'c-count': [{ numeric: ['<', 5] }] } },
    event: docEvent(),
    matches: false,
  },
  {
    name: 'numeric >= (not documented by Alibaba, accepted)',
    pattern: { data: { 'c-count': [{ numeric: ['>=', 5] }] } },
    event: docEvent(),
    matches: true,
  },
  // cidr.
  ...(
    [
      ['10.0.0.0', false],
      ['10.0.0.1', true],
      ['10.0.0.254', true],
      ['10.0.0.255', false],
      ['10.0.1.0', false],
      ['9.255.255.255', false],
      ['10.0.0.256', false],
      ['not an ip', false],
    ] as const
  ).map(
    ([ip, matches]): Case => ({
      name: `cidr 10.0.0.0/24: ${ip}`,
      pattern: { data: { 'source-ip': [{ cidr: '10.0.0.0/24' }] } },
      event: docEvent((e) => {
        e.data['source-ip'] = ip;
      }),
      matches,
    }),
  ),
  {
    name: 'cidr /0 matches every IPv4 address',
    pattern: { data: { 'source-ip': [{ cidr: '0.0.0.0/0' }] } },
    event: docEvent(),
    matches: true,
  },
  {
    name: 'cidr /32 matches no address (SubnetUtils has no usable host in a /32)',
    pattern: { data: { 'source-ip': [{ cidr: '10.0.0.123/32' }] } },
    event: docEvent(),
    matches: false,
  },
  {
    name: 'cidr without a mask is one address, IPv6 included',
    pattern: { data: { 'source-ip': [{ cidr: '2001:db8::1' }] } },
    event: docEvent((e) => {
      e.data['source-ip'] = '2001:0db8:0:0:0:0:0:1';
    }),
    matches: true,
  },
  // exists.
  {
    name: 'exists true: present',
    pattern: { data: { state: [{ exists: true }] } },
    event: docEvent(),
    matches: true,
  },
  {
    name: 'exists true: null counts as present',
    pattern: { data: { responseElements: [{ exists: true }] } },
    event: docEvent(),
    matches: true,
  },
  {
    name: 'exists true: absent',
    pattern: { data: { missing: [{ exists: true }] } },
    event: docEvent(),
    matches: false,
  },
  {
    name: 'exists false: absent field',
    pattern: { source: ['acs.oss'], data: { missing: [{ exists: false }] } },
    event: docEvent(),
    matches: true,
  },
  {
    name: 'exists false: present field',
    pattern: { data: { state: [{ exists: false }] } },
    event: docEvent(),
    matches: false,
  },
  {
    name: 'exists false: the whole parent object is absent',
    pattern: { source: ['acs.oss'], data: { missing: { deeper: [{ exists: false }] } } },
    event: docEvent(),
    matches: true,
  },
  {
    name: 'a data pattern never matches an event without data, even with exists false',
    pattern: { data: { missing: [{ exists: false }] } },
    event: docEvent((e) => {
      delete (e as { data?: unknown }).data;
    }),
    matches: false,
  },
  {
    name: 'exists false ORed with a value',
    pattern: { data: { state: [{ exists: false }, 'running'] } },
    event: docEvent(),
    matches: true,
  },
  // Arrays in the event.
  {
    name: 'array field: one element matches',
    pattern: { data: { tags: ['prod'] } },
    event: docEvent((e) => {
      e.data.tags = ['dev', 'prod'];
    }),
    matches: true,
  },
  {
    name: 'array field: no element matches',
    pattern: { data: { tags: ['prod', 'stage'] } },
    event: docEvent((e) => {
      e.data.tags = ['dev', 'test'];
    }),
    matches: false,
  },
  {
    name: 'array field: numeric on any element',
    pattern: { data: { ports: [{ numeric: ['>', 1024] }] } },
    event: docEvent((e) => {
      e.data.ports = [80, 443, 8080];
    }),
    matches: true,
  },
  {
    name: 'array field: empty array matches no value',
    pattern: { data: { tags: ['prod'] } },
    event: docEvent((e) => {
      e.data.tags = [];
    }),
    matches: false,
  },
  {
    name: 'array of objects: one element must match the whole nested pattern',
    pattern: { data: { disks: { category: ['cloud_essd'], size: [{ numeric: ['>', 100] }] } } },
    event: docEvent((e) => {
      e.data.disks = [
        { category: 'cloud_essd', size: 40 },
        { category: 'cloud_efficiency', size: 500 },
      ];
    }),
    matches: false,
  },
  {
    name: 'array of objects: a nested pattern does not look inside the elements (the engine reads $.disks.category)',
    pattern: { data: { disks: { category: ['cloud_essd'], size: [{ numeric: ['>', 100] }] } } },
    event: docEvent((e) => {
      e.data.disks = [
        { category: 'cloud_efficiency', size: 40 },
        { category: 'cloud_essd', size: 500 },
      ];
    }),
    matches: false,
  },
  // Nesting mirrors the event.
  {
    name: 'deeper nesting',
    pattern: { data: { placement: { zone: [{ prefix: 'cn-hangzhou-' }] } } },
    event: docEvent((e) => {
      e.data.placement = { zone: 'cn-hangzhou-h' };
    }),
    matches: true,
  },
  {
    name: 'a nested pattern does not match a flat value',
    pattern: { data: { placement: { zone: ['cn-hangzhou-h'] } } },
    event: docEvent((e) => {
      e.data.placement = 'cn-hangzhou-h';
    }),
    matches: false,
  },
  {
    name: 'keys inherited from Object.prototype are not fields',
    pattern: { data: { constructor: [{ exists: true }] } },
    event: docEvent(),
    matches: false,
  },
  { name: 'an empty pattern matches every event', pattern: {}, event: docEvent(), matches: true },
];

describe('matchesPattern: documented examples', () => {
  for (const c of DOC_CASES) {
    test(`${c.matches ? 'matches' : 'does not match'}: ${c.name}`, () => {
      assert.equal(matchesPattern(c.pattern, c.event), c.matches);
    });
  }

  test('routes the ECS fixtures like the deployed rules', () => {
    const stopped = fixture('acs.ecs', 'instance-statechange-stopped');
    const running = fixture('acs.ecs', 'instance-statechange-running');
    const spot = fixture('acs.ecs', 'instance-preemptibleinstanceinterruption');

    assert.equal(matchesPattern(instanceStateChange(), stopped), true);
    assert.equal(matchesPattern(instanceStateChange(['Stopped']), stopped), true);
    assert.equal(matchesPattern(instanceStateChange(['Stopped']), running), false);
    assert.equal(matchesPattern(preemptibleInstanceInterruption(), spot), true);
    assert.equal(matchesPattern(preemptibleInstanceInterruption(), stopped), false);
  });

  test('does not match an event that is not an object', () => {
    for (const event of [null, 'acs.ecs', 42, [{ source: 'acs.ecs' }], undefined]) {
      assert.equal(matchesPattern({ source: ['acs.ecs'] }, event), false);
    }
  });
});

describe('matchesPattern: patterns it cannot interpret', () => {
  const invalid: [string, unknown, RegExp][] = [
    ['a pattern that is not an object', ['acs.ecs'], /"\$": a pattern is a JSON object, got \["acs.ecs"\]/],
    ['a bare value instead of a list', { source: 'acs.ecs' }, /"source": a field's matchers are a list/],
    ['a nested object outside data', { source: { prefix: 'acs.' } }, /"source": .*only "data" holds nested fields/],
    ['an unknown top-level key', { detail: { state: ['x'] } }, /"detail": "detail" is an AWS EventBridge key/],
    ['an empty list', { source: [] }, /"source": an empty list matches nothing/],
    ['an empty nested object', { data: {} }, /"data": an empty object is not valid/],
    [
      'equals-ignore-case (AWS only)',
      { source: [{ 'equals-ignore-case': 'ACS.ECS' }] },
      /"equals-ignore-case" is not supported by Alibaba EventBridge/,
    ],
    [
      'wildcard (AWS only)',
      { subject: [{ wildcard: 'acs:*' }] },
      /"subject\[0\]\.wildcard": "wildcard" is not supported/,
    ],
    ['anything-but with cidr', { type: [{ 'anything-but': { cidr: '10.0.0.1' } }] }, /"anything-but" with cidr/],
    ['an operator object with two keys', { type: [{ prefix: 'a', suffix: 'b' }] }, /exactly one operator/],
    ['prefix with a number', { type: [{ prefix: 1 }] }, /"prefix" takes a string/],
    ['an empty prefix', { type: [{ prefix: '' }] }, /"prefix" takes a non-empty string/],
    [
      'numeric with an unknown operator',
      { data: { n: [{ numeric: ['==', 1] }] } },
      /"data.n\[0\]\.numeric\[0\]".*not a numeric operator/,
    ],
    ['numeric with a string bound', { data: { n: [{ numeric: ['>', '1'] }] } }, /"1" is not a number/],
    ['numeric beyond 1e9', { data: { n: [{ numeric: ['>', 1e10] }] } }, /not a number within -1e9\.\.1e9/],
    [
      'numeric with three comparisons',
      { data: { n: [{ numeric: ['>', 0, '<', 5, '=', 3] }] } },
      /"numeric" takes one or two/,
    ],
    ['cidr with an IPv6 block', { data: { ip: [{ cidr: '2001:db8::/32' }] } }, /IPv6 blocks are not supported/],
    ['cidr with a host name', { data: { ip: [{ cidr: 'example.com' }] } }, /"cidr" takes an IPv4 block/],
    ['exists with a string', { data: { ip: [{ exists: 'true' }] } }, /"exists" takes true or false/],
    ['a list inside a list', { source: [['acs.ecs']] }, /"source\[0\]"/],
  ];
  for (const [name, pattern, message] of invalid) {
    test(`throws PatternSyntaxError for ${name}`, () => {
      assert.throws(
        () => matchesPattern(pattern, DOC_EVENT),
        (error: unknown) =>
          error instanceof PatternSyntaxError && error.name === 'PatternSyntaxError' && message.test(error.message),
      );
    });
  }

  test('PatternIndex names the entry holding the bad pattern', () => {
    assert.throws(
      () =>
        new PatternIndex([
          { id: 'good', pattern: { source: ['acs.ecs'] } },
          { id: 'bad', pattern: { source: ['acs.ecs'], type: [{ wildcard: 'ecs:*' }] } },
        ]),
      (error: unknown) =>
        error instanceof PatternSyntaxError &&
        /^entries\[1\] \(bad\): pattern field "type\[0\]\.wildcard": "wildcard" is not supported/.test(error.message),
    );
  });
});

// -----------------------------------------------------------------------------------------------------------------
// Properties. Small alphabets so that random patterns and events share values often enough to match.

const KEYS = ['source', 'type', 'state', 'ip', 'n', 'tags'];
const STRINGS = ['acs.ecs', 'acs.oss', 'ecs:Instance:StateChange', 'Stopped', 'Running', '', '10.0.0.7', '10.1.2.3'];

const leaf = fc.oneof(
  fc.constantFrom(...STRINGS),
  fc.string({ maxLength: 4 }),
  fc.integer({ min: -5, max: 5 }),
  fc.double({ min: -10, max: 10, noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
);

const dataObject: fc.Arbitrary<JsonObject> = fc.letrec<{ object: JsonObject; value: JsonValue }>((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, fc.array(leaf, { maxLength: 3 }), tie('object')),
  object: fc.dictionary(fc.constantFrom(...KEYS), tie('value'), { maxKeys: 4 }),
})).object;

/** Only `data` nests, so the random objects are the event's `data`. */
const eventObject: fc.Arbitrary<JsonObject> = dataObject.map((data) => ({ data }));

const matcher = fc.oneof(
  leaf,
  fc.record({ prefix: fc.constantFrom('acs.', 'ecs:', 'Sto', '10.') }),
  fc.record({ suffix: fc.constantFrom('.ecs', 'Change', 'ped', '7') }),
  fc.record({ contains: fc.constantFrom('Instance', 'un', '.') }),
  fc.record({ 'anything-but': fc.oneof(fc.constantFrom(...STRINGS), fc.integer({ min: -5, max: 5 })) }),
  fc.record({
    'anything-but': fc.array(fc.oneof(fc.constantFrom(...STRINGS), fc.integer({ min: -5, max: 5 })), {
      minLength: 1,
      maxLength: 3,
    }),
  }),
  fc.record({ 'anything-but': fc.record({ prefix: fc.constantFrom('acs.', 'Run') }) }),
  fc.record({ numeric: fc.tuple(fc.constantFrom('=', '>', '<', '<=', '>='), fc.integer({ min: -5, max: 5 })) }),
  fc.record({
    numeric: fc
      .tuple(
        fc.constantFrom('>', '>='),
        fc.integer({ min: -5, max: 0 }),
        fc.constantFrom('<', '<='),
        fc.integer({ min: 0, max: 5 }),
      )
      .map((t) => [...t]),
  }),
  fc.record({ cidr: fc.constantFrom('10.0.0.0/24', '10.0.0.0/8', '0.0.0.0/0') }),
  fc.record({ exists: fc.boolean() }),
);

type Pattern = { [k: string]: unknown };

const patternObject: fc.Arbitrary<Pattern> = fc.letrec<{ object: Pattern; field: unknown }>((tie) => ({
  field: fc.oneof({ depthSize: 'small' }, fc.array(matcher, { minLength: 1, maxLength: 3 }), tie('object')),
  object: fc.dictionary(fc.constantFrom(...KEYS), tie('field'), { minKeys: 1, maxKeys: 3 }),
})).object;

/** A pattern made of the event's own exact values: for each field a leaf, one array element, or the nested object. */
function selfPattern(event: JsonObject, pick: number): Pattern {
  const pattern: Pattern = {};
  for (const [key, value] of Object.entries(event)) {
    if (Array.isArray(value)) {
      if (value.length > 0) pattern[key] = [value[pick % value.length]];
    } else if (value !== null && typeof value === 'object') {
      const nested = selfPattern(value, pick);
      if (Object.keys(nested).length > 0) pattern[key] = nested;
    } else {
      pattern[key] = [value];
    }
  }
  return pattern;
}

const RUNS = { numRuns: 300 };

describe('matchesPattern: properties', () => {
  test('an event matches the pattern built from its own exact values', () => {
    fc.assert(
      fc.property(eventObject, fc.nat(), (event, pick) => matchesPattern(selfPattern(event, pick), event)),
      RUNS,
    );
  });

  test('adding a field the event lacks makes it not match (unless the field is tested with exists: false)', () => {
    const notExistsFalse = matcher.filter(
      (m) => !(typeof m === 'object' && m !== null && 'exists' in m && m.exists === false),
    );
    fc.assert(
      fc.property(
        eventObject,
        fc.nat(),
        fc.array(notExistsFalse, { minLength: 1, maxLength: 3 }),
        (event, pick, list) => {
          const own = selfPattern(event, pick);
          const data = (own.data ?? {}) as Pattern;
          const pattern = { ...own, data: { ...data, absent: list } };
          const existsFalse = { ...own, data: { ...data, absent: [{ exists: false }] } };
          return !matchesPattern(pattern, event) && matchesPattern(existsFalse, event);
        },
      ),
      RUNS,
    );
  });

  test('anything-but [v] is the negation of [v] when the field holds a value', () => {
    const operand = fc.oneof(fc.constantFrom(...STRINGS), fc.integer({ min: -5, max: 5 }));
    fc.assert(
      fc.property(leaf, operand, fc.boolean(), (value, v, asList) => {
        const event = { data: { field: value } };
        const but = matchesPattern({ data: { field: [{ 'anything-but': asList ? [v] : v }] } }, event);
        return but === !matchesPattern({ data: { field: [v] } }, event);
      }),
      RUNS,
    );
  });

  test('a list matches when any of its matchers matches alone (OR within a key)', () => {
    fc.assert(
      fc.property(
        eventObject,
        fc.constantFrom(...KEYS),
        fc.array(matcher, { minLength: 1, maxLength: 4 }),
        (event, key, list) => {
          const any = list.some((m) => matchesPattern({ data: { [key]: [m] } }, event));
          return matchesPattern({ data: { [key]: list } }, event) === any;
        },
      ),
      RUNS,
    );
  });

  test('PatternIndex.match equals filtering with matchesPattern, in insertion order', () => {
    const sourceField = fc.oneof(
      fc.array(fc.constantFrom('acs.ecs', 'acs.oss', 'acs.ess'), { minLength: 1, maxLength: 2 }),
      fc.array(matcher, { minLength: 1, maxLength: 2 }),
    );
    const typeField = fc.oneof(
      fc.array(fc.constantFrom('t1', 't2', 't3'), { minLength: 1, maxLength: 2 }),
      fc.array(matcher, { minLength: 1, maxLength: 2 }),
    );
    const indexedPattern = fc
      .tuple(fc.option(sourceField), fc.option(typeField), fc.option(patternObject))
      .map(([source, type, rest]) => ({
        ...(rest === null ? {} : { data: rest }),
        ...(source === null ? {} : { source }),
        ...(type === null ? {} : { type }),
      }));
    const scalarOrArray = (values: string[]) =>
      fc.oneof(fc.constantFrom(...values), fc.array(fc.constantFrom(...values), { maxLength: 3 }), leaf);
    const indexedEvent = fc
      .tuple(
        eventObject,
        fc.option(scalarOrArray(['acs.ecs', 'acs.oss', 'acs.ess'])),
        fc.option(scalarOrArray(['t1', 't2', 't3'])),
      )
      .map(([event, source, type]) => ({
        ...event,
        ...(source === null ? {} : { source }),
        ...(type === null ? {} : { type }),
      }));
    fc.assert(
      fc.property(
        fc.array(indexedPattern, { maxLength: 12 }),
        fc.array(indexedEvent, { minLength: 1, maxLength: 5 }),
        (patterns, events) => {
          const index = new PatternIndex(patterns.map((pattern, id) => ({ id, pattern })));
          for (const event of events) {
            const expected = patterns.flatMap((p, id) => (matchesPattern(p, event) ? [id] : []));
            assert.deepEqual(index.match(event), expected);
          }
        },
      ),
      RUNS,
    );
  });
});

describe('PatternIndex', () => {
  test('returns the ids of the matching patterns in insertion order, indexed or not', () => {
    const index = new PatternIndex([
      { id: 'all-ecs-by-prefix', pattern: { source: [{ prefix: 'acs.e' }] } },
      { id: 'stopped', pattern: instanceStateChange(['Stopped']) },
      { id: 'spot', pattern: preemptibleInstanceInterruption() },
      { id: 'all-ecs', pattern: { source: ['acs.ecs'] } },
      { id: 'state-changes', pattern: instanceStateChange() },
    ]);

    assert.deepEqual(index.match(fixture('acs.ecs', 'instance-statechange-stopped')), [
      'all-ecs-by-prefix',
      'stopped',
      'all-ecs',
      'state-changes',
    ]);
    assert.deepEqual(index.match(fixture('acs.ecs', 'instance-preemptibleinstanceinterruption')), [
      'all-ecs-by-prefix',
      'spot',
      'all-ecs',
    ]);
    assert.deepEqual(index.match({ source: 'acs.oss', type: 'oss:ObjectCreated:PutObject' }), []);
  });

  test('reports an id once when the event reaches it through several array values', () => {
    const index = new PatternIndex([{ id: 'p', pattern: { source: ['a', 'b'], type: ['x', 'y'] } }]);

    assert.deepEqual(index.match({ source: ['a', 'b'], type: ['x', 'y'] }), ['p']);
  });

  test('reports an id once when an exact value and a prefix of the same list both reach it', () => {
    const index = new PatternIndex([
      { id: 'p', pattern: { source: ['acs.ecs', { prefix: 'acs.' }, { prefix: 'acs.e' }], type: [{ exists: true }] } },
    ]);

    assert.deepEqual(index.match({ source: 'acs.ecs', type: 'ecs:Instance:StateChange' }), ['p']);
    assert.deepEqual(index.match({ source: 'acs.oss', type: 'x' }), ['p']);
    assert.deepEqual(index.match({ source: 'custom', type: 'x' }), []);
  });

  test('an index without entries matches nothing', () => {
    assert.deepEqual(new PatternIndex([]).match({ source: 'acs.ecs' }), []);
  });

  test('compilePattern gives the same answer as matchesPattern', () => {
    const compiled = compilePattern(COMBINED);
    assert.equal(compiled(docEvent()), true);
    assert.equal(
      compiled(
        docEvent((e) => {
          e.data.state = 'initializing';
        }),
      ),
      false,
    );
  });
});
