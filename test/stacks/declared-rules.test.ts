import assert from 'node:assert/strict';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import { BUILT_IN_UNITS } from '../../lib/automations';
import { DeclaredRuleError } from '../../lib/automations/declared-rules';
import { ConfigError, loadConfig } from '../../lib/config';
import { RegionStack } from '../../lib/stacks/region-stack';
import { bufferIo, runTool } from '../../ops/cli';
import { runReplayCli } from '../../ops/replay';
import { type RulesReportJson, rulesReportTool } from '../../tools/rules-report';
import { resourcesOfType, synthRegions, testApp } from '../support/synth';

const ESS_FIXTURES = path.join(__dirname, '..', 'fixtures', 'events', 'acs.ess');
const SCALE_OUT_ERROR = path.join(ESS_FIXTURES, 'scalingactivity-scaleouterror.json');
const SCALE_IN_ERROR = path.join(ESS_FIXTURES, 'scalingactivity-scaleinerror.json');

/** A declared rule that sends failed scale-outs to notify and to the archive. */
const SCALE_OUT_ERRORS = {
  name: 'scale-out-errors',
  description: 'Failed scale-outs of every group',
  pattern: { source: ['acs.ess'], type: ['ess:ScalingActivity:ScaleOutError'] },
  targets: ['notify', 'archive'],
};

/** Loads `raw` and returns its problems as `path: received: allowed` (fails the test when it loads). */
function problems(raw: unknown): string[] {
  try {
    loadConfig(raw);
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    return error.problems.map((p) => `${p.path}: ${p.received}: ${p.allowed}`);
  }
  assert.fail('expected the configuration to be refused');
}

describe('rules declared in the configuration: validation', () => {
  test('accepts a rule with a catalogue pattern and keeps it for every region, a region block replacing the list', () => {
    const config = loadConfig({
      regions: ['cn-hangzhou', 'cn-shanghai'],
      rules: [SCALE_OUT_ERRORS],
      'cn-shanghai': { rules: [] },
    });

    assert.deepEqual(config.regions[0].rules, [SCALE_OUT_ERRORS]);
    assert.deepEqual(config.regions[1].rules, []);
  });

  test('refuses a pattern with an unknown data field, naming the rule pattern path and the field', () => {
    const found = problems({
      rules: [
        {
          name: 'snapshot-state',
          pattern: {
            source: ['acs.ecs'],
            type: ['ecs:Snapshot:CreateSnapshotCompleted'],
            data: { reslt: ['failed'] },
          },
          targets: ['notify'],
        },
      ],
    });

    assert.equal(found.length, 1);
    assert.match(found[0], /^ecs-event-ops\.rules\[0\]\.pattern\.data\.reslt: \["failed"\]: .*did you mean result\?/);
  });

  test('refuses an unknown event type in a region block, with the block path', () => {
    const found = problems({
      'cn-hangzhou': {
        rules: [
          { name: 'typo', pattern: { source: ['acs.ecs'], type: ['ecs:Instance:StateChang'] }, targets: ['notify'] },
        ],
      },
    });

    assert.match(found[0], /^ecs-event-ops\.cn-hangzhou\.rules\[0\]\.pattern\.type\[0\]: "ecs:Instance:StateChang": /);
  });

  test('refuses a duplicate name, a name that is not kebab-case, no targets and an unknown key', () => {
    const rule = { pattern: SCALE_OUT_ERRORS.pattern, targets: ['notify'] };
    const found = problems({
      rules: [
        { ...rule, name: 'errors' },
        { ...rule, name: 'errors' },
        { ...rule, name: 'Bad_Name' },
        { ...rule, name: 'empty', targets: [] },
        { ...rule, name: 'extra', taregts: ['notify'] },
      ],
    });

    assert.deepEqual(found, [
      'ecs-event-ops.rules[1].name: "errors": each rule name only once in a region',
      'ecs-event-ops.rules[2].name: "Bad_Name": a kebab-case name (lowercase letters, digits, single hyphens, starting with a letter) of 1 to 101 characters',
      'ecs-event-ops.rules[3].targets: []: a list of 1 to 5 automation names: notify, archive, or the name of a custom automation (custom/index.ts)',
      'ecs-event-ops.rules[4].taregts: ["notify"]: no such key; known keys are name, description, pattern, targets (did you mean targets?)',
    ]);
  });

  test('accepts a name whose rule name fills the EventBridge limit with the longest prefix, and refuses one more', () => {
    const longest = `a${'b'.repeat(100)}`;
    const rule = (name: string) => ({ namePrefix: 'p'.repeat(20), rules: [{ ...SCALE_OUT_ERRORS, name }] });

    const [stack] = Object.values(synthRegions(rule(longest)));

    const [declared] = Object.values(resourcesOfType(stack, 'ALIYUN::EventBridge::Rule')).filter((r) =>
      String(r.Properties.RuleName).includes(longest),
    );
    assert.equal(String(declared.Properties.RuleName).length, 127);
    assert.match(problems(rule(`${longest}c`))[0], /rules\[0\]\.name: .*1 to 101 characters/);
  });
});

describe('rules declared in the configuration: synth', () => {
  test('synthesizes its own rule named after it, delivering to its targets with the first one’s queue and retries', () => {
    const [template] = Object.values(synthRegions({ rules: [SCALE_OUT_ERRORS] }));

    const rule = template.Resources.DeclaredRuleScaleOutErrors;
    assert.equal(rule.Type, 'ALIYUN::EventBridge::Rule');
    assert.equal(rule.Properties.RuleName, 'ecs-event-ops-rule-scale-out-errors');
    assert.deepEqual(rule.Properties.FilterPattern, SCALE_OUT_ERRORS.pattern);
    const targets = rule.Properties.Targets as {
      Endpoint: unknown;
      DeadLetterQueue: { Arn: unknown };
      PushRetryStrategy: string;
    }[];
    assert.equal(targets.length, 2);
    assert.match(JSON.stringify(targets[0].Endpoint), /services\/ecs-event-ops-notify\.LATEST\/functions\/notify"/);
    assert.match(
      JSON.stringify(targets[1].Endpoint),
      /services\/ecs-event-ops-event-archive\.LATEST\/functions\/event-archive"/,
    );
    for (const target of targets) {
      assert.match(JSON.stringify(target.DeadLetterQueue.Arn), /NotifyDeadLetterQueue/);
      assert.equal(target.PushRetryStrategy, 'EXPONENTIAL_DECAY_RETRY');
    }
  });

  test('deploys notify for a rule that targets it even when the built-in alerts are off', () => {
    const off = { systemEvents: { enabled: false }, snapshots: { enabled: false }, slsAlerts: { enabled: false } };
    const [without] = Object.values(synthRegions(off));
    const [withRule] = Object.values(synthRegions({ ...off, rules: [{ ...SCALE_OUT_ERRORS, targets: ['notify'] }] }));

    assert.equal(without.Resources.NotifyFunction, undefined);
    assert.equal(withRule.Resources.NotifyFunction.Type, 'ALIYUN::FC::Function');
  });

  test('refuses a target that is not deployed or is a built-in automation, naming the rule and the target', () => {
    const build = (targets: string[]) => () => {
      const config = loadConfig({ rules: [{ ...SCALE_OUT_ERRORS, targets }] });
      new RegionStack(testApp(), {
        config: config.regions[0],
        assetsQualifier: config.assetsQualifier,
        units: BUILT_IN_UNITS,
      });
    };

    assert.throws(
      build(['notify', 'pager']),
      (error: unknown) =>
        error instanceof DeclaredRuleError &&
        /"scale-out-errors" \(rules\[0\] in cn-hangzhou\): target "pager" is not deployed in cn-hangzhou/.test(
          error.message,
        ) &&
        /deployed now: .*notify/.test(error.message),
    );
    assert.throws(build(['auto-restart']), /target "auto-restart" is a built-in automation/);
  });
});

describe('rules declared in the configuration: the tools that read the assembly', () => {
  let assembly = '';
  before(() => {
    const app = testApp();
    const config = loadConfig({ rules: [SCALE_OUT_ERRORS] });
    for (const region of config.regions)
      new RegionStack(app, { config: region, assetsQualifier: config.assetsQualifier, units: BUILT_IN_UNITS });
    assembly = app.synth().directory;
  });

  test('replays an event the rule matches to both target functions, and not one it does not match', async () => {
    let stdout = '';
    const code = await runReplayCli(['--assembly', assembly, '--json', SCALE_OUT_ERROR, SCALE_IN_ERROR], {
      stdout: (text) => {
        stdout += text;
      },
      stderr: () => {},
    });

    assert.equal(code, 0);
    const events = (
      JSON.parse(stdout) as {
        events: { deliveries: { rule: string; target: { function?: string }; outcome: string }[] }[];
      }
    ).events;
    const declared = (i: number) =>
      events[i].deliveries
        .filter((d) => d.rule === 'ecs-event-ops-rule-scale-out-errors')
        .map((d) => [d.target.function, d.outcome]);
    assert.deepEqual(declared(0), [
      ['ecs-event-ops-notify/notify', 'ok'],
      ['ecs-event-ops-event-archive/event-archive', 'ok'],
    ]);
    assert.deepEqual(declared(1), []);
  });

  test('lists the rule in rules:report --json with the type it routes', async () => {
    const io = bufferIo();

    const code = await runTool(rulesReportTool, ['--assembly', assembly, '--json'], io, { env: {} });

    assert.equal(code, 0);
    const report = JSON.parse(io.out()) as RulesReportJson;
    const rule = report.stacks[0].rules.find((r) => r.name === 'ecs-event-ops-rule-scale-out-errors');
    assert.deepEqual(
      rule?.routes.map((r) => r.type),
      ['ess:ScalingActivity:ScaleOutError'],
    );
  });
});
