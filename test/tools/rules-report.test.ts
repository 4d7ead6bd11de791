import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import * as ros from '@alicloud/ros-cdk-core';
import { EventRule } from '../../lib/constructs/event-rule';
import { instanceStateChange, snapshotCompleted, systemEvents } from '../../lib/events/ecs-patterns';
import { routedTypes, rulesReport } from '../../lib/patterns/routing';
import { namePrefix, readRules } from '../../tools/rules-report';
import { testApp } from '../support/synth';

describe('routedTypes', () => {
  test('names the type and the data fields a rule filters on', () => {
    const routes = routedTypes(instanceStateChange(['Stopped']));
    assert.deepEqual(
      routes.map((r) => [r.spec.type, r.conditions]),
      [['ecs:Instance:StateChange', ['data.state']]],
    );
  });

  test('folds the status-in-type forms of system events into their base type', () => {
    const types = routedTypes(systemEvents({ categories: ['SystemFailure'] })).map((r) => r.spec.type);
    assert.deepEqual(types, [
      'ecs:Instance:SystemFailure.Reboot',
      'ecs:Instance:SystemFailure.Redeploy',
      'ecs:Instance:SystemFailure.Stop',
      'ecs:Instance:SystemFailure.Delete',
      'ecs:SystemEvent:*',
    ]);
  });
});

describe('rulesReport', () => {
  test('renders a matrix per stack with conditional cells and a coverage count', () => {
    const report = rulesReport(
      [
        {
          name: 'ops-cn-hangzhou',
          rules: [
            { name: 'ops-audit', pattern: instanceStateChange() },
            { name: 'ops-snapshots', pattern: snapshotCompleted('failed') },
          ],
        },
      ],
      'ops-',
    );
    assert.equal(
      report,
      [
        '### ops-cn-hangzhou',
        '',
        '| Event type | `audit` | `snapshots` |',
        '| --- | :-: | :-: |',
        '| `ecs:Instance:StateChange` | ✓ |  |',
        '| `ecs:Snapshot:CreateSnapshotCompleted` |  | ✓ data.result |',
        '',
        '2 of 62 catalogue types routed; 60 not routed by any rule.',
        '',
      ].join('\n'),
    );
  });

  test('finds the common name prefix of the rules', () => {
    assert.equal(namePrefix(['ecs-event-ops-a', 'ecs-event-ops-bb']), 'ecs-event-ops-');
    assert.equal(namePrefix(['only-one']), '');
  });
});

describe('readRules', () => {
  test('reads the rules, their escape-hatch types and their targets with dead-letter queues from an assembly', () => {
    const app = testApp();
    const stack = new ros.Stack(app, 'ops-cn-hangzhou', {
      synthesizer: new ros.DefaultStackSynthesizer({ qualifier: 'test' }),
    });
    new EventRule(stack, 'Rule', {
      ruleName: 'ops-new',
      pattern: { source: ['acs.ecs'], type: ['ecs:Instance:BrandNew'] },
      targets: [
        {
          bind: () => ({
            type: 'https',
            endpoint: 'https://x',
            paramList: [{ resourceKey: 'url', form: 'CONSTANT', value: 'https://x' }],
          }),
        },
      ],
      uncataloguedTypes: { types: ['ecs:Instance:BrandNew'], reason: 'new' },
    });
    const dir = app.synth().directory;
    const [read] = readRules(dir);
    assert.equal(read.name, 'ops-cn-hangzhou');
    assert.deepEqual(read.rules, [
      {
        name: 'ops-new',
        pattern: { source: ['acs.ecs'], type: ['ecs:Instance:BrandNew'] },
        uncatalogued: ['ecs:Instance:BrandNew'],
        targets: [{ type: 'https', deadLetterQueue: 'ops-new-dlq' }],
      },
    ]);
    assert.match(rulesReport([read]), /Uncatalogued types accepted: `ecs:Instance:BrandNew` \(ops-new\)\./);
  });

  test('tells the user to synthesize first when there is no assembly', () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'eeo-empty-'));
    assert.throws(() => readRules(empty), /no cloud assembly in .*: run "npm run synth" first/);
  });
});
