import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import type * as ros from '@alicloud/ros-cdk-core';
import * as ecs from '@alicloud/ros-cdk-ecs';
import * as eventbridge from '@alicloud/ros-cdk-eventbridge';
import * as fc from '@alicloud/ros-cdk-fc';
import * as rosRos from '@alicloud/ros-cdk-ros';
import * as sls from '@alicloud/ros-cdk-sls';
import { ConfigError, DEFAULT_SETTINGS, loadConfig, REGION_IDS } from '../../lib/config';
import { type IntegerRange, RANGES, type RangeKey, type RosPropertyRef } from '../../lib/config/ranges';
import { DeadLetterQueue } from '../../lib/constructs/dead-letter-queue';
import { EventRule, type IRuleTarget } from '../../lib/constructs/event-rule';
import { FunctionLogs } from '../../lib/constructs/function-logs';
import { HandlerFunction } from '../../lib/constructs/handler-function';
import { InstanceProtection } from '../../lib/constructs/instance-protection';
import { SnapshotPolicy } from '../../lib/constructs/snapshot-policy';
import { synthRegions, synthStack } from '../support/synth';

/**
 * The range that the generated validator `ref.validator` of the installed package checks `ref.property` against, read
 * from its `lib/*.generated.js`: `ros.validateRange` (numbers) or `ros.validateLength` (strings and lists), with
 * `undefined` bounds read as unbounded. Fails when the validator or the property is not in the package, so a renamed
 * property does not silently drop out of the check.
 */
function generatedRange(ref: RosPropertyRef): { min: number; max: number } {
  const lib = path.join(path.dirname(require.resolve(`${ref.package}/package.json`)), 'lib');
  const sources = fs
    .readdirSync(lib)
    .filter((f) => f.endsWith('.generated.js'))
    .map((f) => fs.readFileSync(path.join(lib, f), 'utf8'));
  const header = `function ${ref.validator}(properties) {`;
  const source = sources.find((s) => s.includes(header));
  assert.ok(source, `${ref.package} has no generated validator ${ref.validator}`);
  const start = source.indexOf(header);
  const body = source.slice(start, source.indexOf('\n}\n', start));
  assert.ok(
    body.includes(`ros.propertyValidator('${ref.property}',`),
    `${ref.package} ${ref.validator} does not validate a property "${ref.property}"`,
  );
  const bound = (text: string | undefined) => (text === undefined || text === 'undefined' ? undefined : Number(text));
  const match = new RegExp(
    `ros\\.propertyValidator\\('${ref.property}', ros\\.validate(?:Range|Length)\\)\\(\\{\\s*data: [^\\n]+\\n\\s*min: (-?\\d+|undefined),\\s*max: (-?\\d+|undefined),`,
  ).exec(body);
  return { min: bound(match?.[1]) ?? Number.NEGATIVE_INFINITY, max: bound(match?.[2]) ?? Number.POSITIVE_INFINITY };
}

const entries = Object.entries(RANGES) as [RangeKey, (typeof RANGES)[RangeKey]][];
const withRos = entries.filter(
  (e): e is [RangeKey, (typeof RANGES)[RangeKey] & { ros: RosPropertyRef }] => e[1].ros !== null,
);
const configKeys = entries.filter(([key]) => /^[a-z]/.test(key));

/**
 * Builds a bare generated resource with the value under test, checked like the L2 constructs check theirs
 * (`enableResourcePropertyConstraint`), and synthesizes it. Keyed by `<validator>.<property>`.
 */
const PROBES: Readonly<Record<string, (stack: ros.Stack, value: number) => void>> = {
  'RosLogstorePropsValidator.ttl': (stack, ttl) =>
    new sls.RosLogstore(stack, 'Probe', { projectName: 'probe', logstoreName: 'probe', ttl }, true),
  'RosFunctionPropsValidator.memorySize': (stack, memorySize) =>
    new fc.RosFunction(
      stack,
      'Probe',
      { serviceName: 's', functionName: 'f', handler: 'index.handler', runtime: 'nodejs20', memorySize },
      true,
    ),
  'RosFunctionPropsValidator.timeout': (stack, timeout) =>
    new fc.RosFunction(
      stack,
      'Probe',
      { serviceName: 's', functionName: 'f', handler: 'index.handler', runtime: 'nodejs20', timeout },
      true,
    ),
  'RosFunction_AsyncConfigurationPropertyValidator.maxAsyncRetryAttempts': (stack, maxAsyncRetryAttempts) =>
    new fc.RosFunction(
      stack,
      'Probe',
      {
        serviceName: 's',
        functionName: 'f',
        handler: 'index.handler',
        runtime: 'nodejs20',
        asyncConfiguration: { maxAsyncRetryAttempts },
      },
      true,
    ),
  'RosAutoSnapshotPolicyPropsValidator.retentionDays': (stack, retentionDays) =>
    new ecs.RosAutoSnapshotPolicy(stack, 'Probe', { timePoints: [1], repeatWeekdays: [1], retentionDays }, true),
  'RosCustomResourcePropsValidator.timeout': (stack, timeout) =>
    new rosRos.RosCustomResource(
      stack,
      'Probe',
      { serviceToken: 'acs:fc:cn-hangzhou:1:services/s/functions/f', timeout },
      true,
    ),
  'RosRulePropsValidator.targets': (stack, count) =>
    new eventbridge.RosRule(
      stack,
      'Probe',
      {
        eventBusName: 'default',
        ruleName: 'probe',
        filterPattern: { source: ['acs.ecs'] },
        targets: Array.from({ length: count }, (_, i) => ({
          identity: `t${i}`,
          type: 'acs.fc.function',
          endpoint: 'acs:fc:cn-hangzhou:1:services/s.LATEST/functions/f',
          paramList: [{ resourceKey: 'body', form: 'ORIGINAL', value: '' }],
        })),
      },
      true,
    ),
};

/** Whether synthesizing the probe of `ref` with `value` passes the generated validator. */
function generatedAccepts(ref: RosPropertyRef, value: number): boolean {
  const probe = PROBES[`${ref.validator}.${ref.property}`];
  assert.ok(probe, `no probe for ${ref.validator}.${ref.property}`);
  try {
    synthStack((stack) => probe(stack, value));
    return true;
  } catch (error) {
    assert.match(String(error), new RegExp(`${ref.property}: `), 'the probe failed for another reason');
    return false;
  }
}

/** The configuration that sets `key` (a configuration path of {@link RANGES}) to `value`. */
function configWith(key: RangeKey, value: number): Record<string, unknown> {
  const policy = { timePoints: [2], repeatWeekdays: [1], retentionDays: 7 };
  switch (key) {
    case 'archive.retentionDays':
      return { archive: { retentionDays: value, infrequentAccessAfterDays: null } };
    case 'archive.infrequentAccessAfterDays':
      return { archive: { retentionDays: RANGES['archive.retentionDays'].max, infrequentAccessAfterDays: value } };
    case 'snapshots.policy.timePoints[]':
      return { snapshots: { policy: { ...policy, timePoints: [value] } } };
    case 'snapshots.policy.repeatWeekdays[]':
      return { snapshots: { policy: { ...policy, repeatWeekdays: [value] } } };
    case 'snapshots.policy.retentionDays':
      return { snapshots: { policy: { ...policy, retentionDays: value } } };
    case 'fleet.maxConcurrentPercentage':
    case 'fleet.failureToleranceCount':
      return { fleet: { regions: ['cn-hangzhou'], accountIds: ['1234567890123456'], [key.split('.')[1]]: value } };
    default: {
      // `section.setting` or `section.subsection.setting`, nested.
      return key.split('.').reduceRight<unknown>((inner, part) => ({ [part]: inner }), value) as Record<
        string,
        unknown
      >;
    }
  }
}

/** The configuration path of the value {@link configWith} sets. */
function configPath(key: RangeKey): string {
  const list = key.endsWith('[]') ? `${key.slice(0, -2)}[0]` : key;
  return `ecs-event-ops.${list}`;
}

/** The largest value of `key` the configuration can accept on its own (infrequent access must stay below retention). */
function upper(key: RangeKey, range: IntegerRange): number {
  return key === 'archive.infrequentAccessAfterDays' ? range.max - 1 : range.max;
}

describe('ranges: every range stays within the generated validators of the installed ROS CDK packages', () => {
  test('lies within the range the installed generated validator allows, for every range that ends in a ROS property', () => {
    const outside = withRos.flatMap(([key, range]) => {
      const generated = generatedRange(range.ros);
      return range.min >= generated.min && range.max <= generated.max
        ? []
        : [
            `${key}: ${range.min} to ${range.max} leaves ${range.ros.package} ${range.ros.validator} ${range.ros.property}: ${generated.min} to ${generated.max}`,
          ];
    });
    assert.deepEqual(outside, []);
  });

  test('reads from each generated validator the bound it enforces at synth', () => {
    for (const [key, range] of withRos) {
      const generated = generatedRange(range.ros);
      if (Number.isFinite(generated.max)) {
        assert.ok(generatedAccepts(range.ros, generated.max), `${key}: ${generated.max} refused`);
        assert.ok(!generatedAccepts(range.ros, generated.max + 1), `${key}: ${generated.max + 1} accepted`);
      }
      // The generated code skips a 0 value and a 0 bound (`if (properties.x && …)`, `if (prop.min && …)`).
      if (Number.isFinite(generated.min) && generated.min !== 0 && generated.min - 1 !== 0) {
        assert.ok(generatedAccepts(range.ros, generated.min), `${key}: ${generated.min} refused`);
        assert.ok(!generatedAccepts(range.ros, generated.min - 1), `${key}: ${generated.min - 1} accepted`);
      }
    }
  });

  test('has a range for every number of the default settings', () => {
    const numbers: string[] = [];
    const walk = (value: unknown, at: string) => {
      if (typeof value === 'number') numbers.push(at);
      else if (typeof value === 'object' && value !== null && !Array.isArray(value))
        for (const [k, v] of Object.entries(value)) walk(v, at === '' ? k : `${at}.${k}`);
    };
    walk(DEFAULT_SETTINGS, '');
    assert.deepEqual(
      numbers.filter((n) => !(n in RANGES)),
      [],
    );
  });

  test('accepts each configuration range at its bounds and refuses one beyond, naming the key, value and range', () => {
    for (const [key, range] of configKeys) {
      assert.doesNotThrow(() => loadConfig(configWith(key, range.min)), key);
      assert.doesNotThrow(() => loadConfig(configWith(key, upper(key, range))), key);
      for (const beyond of [range.min - 1, range.max + 1]) {
        if (key === 'snapshots.policy.retentionDays' && beyond === 0) continue; // -1 means "for ever"; 0 is tried here
        assert.throws(
          () => loadConfig(configWith(key, beyond)),
          (error: unknown) =>
            error instanceof ConfigError &&
            error.message.includes(
              `context "${configPath(key)}": ${beyond} is not valid: an integer from ${range.min} to ${range.max}`,
            ),
          `${key} = ${beyond}`,
        );
      }
    }
    assert.throws(() => loadConfig(configWith('snapshots.policy.retentionDays', 0)), ConfigError);
  });

  test('synthesizes with each configuration value at its lowest and highest bound', () => {
    // A bundle budget below the size of the bundles fails synth by design.
    for (const [key, range] of configKeys.filter(([k]) => k !== 'functions.bundleBudgetKb')) {
      for (const value of [range.min, upper(key, range)]) {
        assert.doesNotThrow(() => synthRegions(configWith(key, value)), `${key} = ${value}`);
      }
    }
  });

  test('fits the names built from the longest accepted name prefix into the generated length limits, in every region', () => {
    const accepted = (length: number) => {
      try {
        loadConfig({ namePrefix: `a${'b'.repeat(length - 1)}` });
        return true;
      } catch {
        return false;
      }
    };
    let longest = 2;
    while (accepted(longest + 1)) longest++;
    // Alibaba Cloud account ids are 16 digits: the longest value ROS substitutes for ALIYUN::AccountId.
    const account = '1'.repeat(16);
    const resolve = (value: unknown): string => {
      if (typeof value === 'string') return value;
      const join = (value as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
      if (join) return join[1].map(resolve).join(join[0]);
      if ((value as { Ref?: string }).Ref === 'ALIYUN::AccountId') return account;
      throw new Error(`cannot resolve ${JSON.stringify(value)}`);
    };
    const project = generatedRange({
      package: '@alicloud/ros-cdk-sls',
      validator: 'RosProjectPropsValidator',
      property: 'name',
    });
    const service = generatedRange({
      package: '@alicloud/ros-cdk-fc',
      validator: 'RosServicePropsValidator',
      property: 'serviceName',
    });
    const templates = synthRegions({ regions: REGION_IDS, namePrefix: 'a'.repeat(longest) });
    const tooLong: string[] = [];
    let checked = 0;
    for (const [stack, template] of Object.entries(templates)) {
      for (const [id, resource] of Object.entries(template.Resources)) {
        const [name, limit] =
          resource.Type === 'ALIYUN::SLS::Project'
            ? [resolve(resource.Properties.Name), project]
            : resource.Type === 'ALIYUN::FC::Service'
              ? [resolve(resource.Properties.ServiceName), service]
              : [undefined, undefined];
        if (name !== undefined) checked++;
        if (name !== undefined && (name.length < limit.min || name.length > limit.max))
          tooLong.push(`${stack}/${id}: "${name}" is ${name.length} characters, allowed ${limit.min} to ${limit.max}`);
      }
    }
    assert.equal(longest, 20);
    // One log project and at least the six default functions' services per region.
    assert.ok(checked >= REGION_IDS.length * 7, `checked ${checked} names`);
    assert.deepEqual(tooLong, []);
  });

  test('refuses in the construct, before synth, every value beyond its range', () => {
    const logs = (stack: ros.Stack, retentionDays?: number) =>
      new FunctionLogs(stack, 'Logs', { namePrefix: 'ops', retentionDays });
    const handler = (stack: ros.Stack, props: Record<string, number>) =>
      new HandlerFunction(stack, 'Fn', {
        handler: 'lifecycle-audit',
        serviceName: 'ops-lifecycle-audit',
        functionName: 'lifecycle-audit',
        roleName: 'ops-lifecycle-audit-cn-hangzhou',
        deadLetterQueue: new DeadLetterQueue(stack, 'Dlq', { queueName: 'ops-dlq' }),
        logs: logs(stack),
        ...props,
      });
    const target: IRuleTarget = {
      bind: () => ({
        type: 'acs.mns.queue',
        endpoint: 'acs:mns:cn-hangzhou:1:queues/q',
        paramList: [{ resourceKey: 'Body', form: 'ORIGINAL', value: '' }],
      }),
    };
    const builders: [RangeKey, (stack: ros.Stack, value: number) => unknown][] = [
      ['functions.logRetentionDays', (stack, v) => logs(stack, v)],
      ['functions.memoryMb', (stack, v) => handler(stack, { memoryMb: v })],
      ['functions.timeoutSeconds', (stack, v) => handler(stack, { timeoutSeconds: v })],
      ['functions.asyncRetryAttempts', (stack, v) => handler(stack, { asyncRetryAttempts: v })],
      [
        'snapshots.policy.retentionDays',
        (stack, v) =>
          new SnapshotPolicy(stack, 'P', { name: 'probe', timePoints: [2], repeatWeekdays: [1], retentionDays: v }),
      ],
      [
        'InstanceProtection.timeoutSeconds',
        (stack, v) =>
          new InstanceProtection(stack, 'Protect', {
            provider: handler(stack, {}),
            scalingGroupId: 'asg-bp1abcdefghij0123',
            instanceIds: ['i-bp1abcdefghij0123456'],
            timeoutSeconds: v,
          }),
      ],
      [
        'EventRule.targets',
        (stack, v) =>
          new EventRule(stack, 'Rule', {
            ruleName: 'probe',
            pattern: { source: ['acs.ecs'], type: ['ecs:Instance:StateChange'] },
            targets: Array.from({ length: v }, () => target),
            deadLetterQueue: new DeadLetterQueue(stack, 'RuleDlq', { queueName: 'rule-dlq' }),
          }),
      ],
    ];
    for (const [key, build] of builders) {
      const range: IntegerRange = RANGES[key];
      for (const value of [range.min, range.max]) {
        assert.doesNotThrow(() => synthStack((stack) => build(stack, value)), `${key} = ${value}`);
      }
      for (const value of [range.min - 1, range.max + 1]) {
        if (key === 'snapshots.policy.retentionDays' && value === 0) continue;
        let built = false;
        assert.throws(
          () =>
            synthStack((stack) => {
              build(stack, value);
              built = true;
            }),
          new RegExp(`${value}.*${range.min} to ${range.max}`),
          `${key} = ${value}`,
        );
        assert.equal(built, false, `${key} = ${value} was refused only at synth`);
      }
    }
  });
});
