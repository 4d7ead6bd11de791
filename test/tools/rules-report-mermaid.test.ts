import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { instanceStateChange, snapshotCompleted } from '../../lib/events/ecs-patterns';
import { mermaidId, mermaidLabel, routingKey, routingMermaid } from '../../lib/patterns/mermaid';
import type { ReportStack } from '../../lib/patterns/routing';
import { bufferIo, runTool } from '../../ops/cli';
import { namePrefix, readRules, rulesReportTool } from '../../tools/rules-report';
import { synthAssembly } from '../diff/assemblies';

const ROOT = path.resolve(__dirname, '..', '..');

const HOSTILE = 'ops-"quoted" [bracket] #hash (paren) {brace} |pipe| <b>&amp; `tick`; 東京-é';

function stack(rules: ReportStack['rules']): ReportStack {
  return { name: 'ops-cn-hangzhou', rules };
}

const AUDIT = {
  name: 'ops-audit',
  pattern: instanceStateChange(),
  targets: [{ type: 'acs.fc.function', automation: 'lifecycle-audit', deadLetterQueue: 'ops-lifecycle-audit-dlq' }],
};

describe('mermaidId', () => {
  test('keeps ASCII letters and digits and hex-codes everything else, so different names get different ids', () => {
    assert.equal(mermaidId('r', 'ops-audit'), 'r_ops_2d_audit');
    assert.notEqual(mermaidId('r', 'a-b'), mermaidId('r', 'a_b'));
    assert.notEqual(mermaidId('r', 'a_2d_b'), mermaidId('r', 'a-b'));
    assert.match(mermaidId('r', HOSTILE), /^[A-Za-z0-9_]+$/);
    assert.equal(mermaidId('t', '東'), 't__6771_');
  });
});

describe('mermaidLabel', () => {
  test('writes quotes, #, brackets, pipes, angle brackets and backticks as entity codes and keeps Unicode', () => {
    assert.equal(mermaidLabel('a "b" #c [d]'), '"a #34;b#34; #35;c #91;d#93;"');
    assert.equal(mermaidLabel('<b>|`x`'), '"#60;b#62;#124;#96;x#96;"');
    assert.equal(mermaidLabel('東京-é'), '"東京-é"');
    assert.equal(mermaidLabel('line\nbreak'), '"line break"');
  });

  test('leaves no character of a hostile name that Mermaid reads as syntax inside the quotes', () => {
    const inner = mermaidLabel(HOSTILE).slice(1, -1);

    assert.doesNotMatch(inner.replace(/#\d+;/g, ''), /["#[\](){}|<>`;&]/);
  });
});

describe('routingMermaid', () => {
  test('draws event types, rules, automations and dead-letter queues with conditions on the edges', () => {
    const picture = routingMermaid(
      stack([
        AUDIT,
        {
          name: 'ops-snapshots',
          pattern: snapshotCompleted('failed'),
          targets: [{ type: 'acs.fc.function', automation: 'notify', deadLetterQueue: 'ops-notify-dlq' }],
        },
      ]),
      'ops-',
    );

    assert.equal(
      picture,
      [
        'flowchart LR',
        '  %% ops-cn-hangzhou: event types → rules → automations → dead-letter queues',
        '  t_ecs_3a_Instance_3a_StateChange(["ecs:Instance:StateChange"])',
        '  t_ecs_3a_Snapshot_3a_CreateSnapshotCompleted(["ecs:Snapshot:CreateSnapshotCompleted"])',
        '  r_ops_2d_audit["audit"]',
        '  r_ops_2d_snapshots["snapshots"]',
        '  a_lifecycle_2d_audit[["lifecycle-audit"]]',
        '  a_notify[["notify"]]',
        '  q_ops_2d_lifecycle_2d_audit_2d_dlq[("lifecycle-audit-dlq")]',
        '  q_ops_2d_notify_2d_dlq[("notify-dlq")]',
        '  t_ecs_3a_Instance_3a_StateChange --> r_ops_2d_audit',
        '  t_ecs_3a_Snapshot_3a_CreateSnapshotCompleted -->|"data.result"| r_ops_2d_snapshots',
        '  r_ops_2d_audit --> a_lifecycle_2d_audit',
        '  r_ops_2d_snapshots --> a_notify',
        '  a_lifecycle_2d_audit -.->|dead letters| q_ops_2d_lifecycle_2d_audit_2d_dlq',
        '  a_notify -.->|dead letters| q_ops_2d_notify_2d_dlq',
        '',
      ].join('\n'),
    );
  });

  test('keeps every line of the existing nodes when a rule is added, whatever the rule order', () => {
    const before = routingMermaid(stack([AUDIT]));
    const added = {
      name: 'ops-aaa-first',
      pattern: instanceStateChange(['Stopped']),
      targets: [{ type: 'acs.fc.function', automation: 'auto-restart' }],
    };

    const after = routingMermaid(stack([added, AUDIT]));
    const reordered = routingMermaid(stack([AUDIT, added]));

    const afterLines = new Set(after.split('\n'));
    for (const line of before.split('\n')) assert.ok(afterLines.has(line), `line lost: ${line}`);
    assert.equal(after, reordered);
  });

  test('escapes hostile rule, automation, queue and uncatalogued type names into valid ids and labels', () => {
    const picture = routingMermaid(
      stack([
        {
          name: HOSTILE,
          pattern: instanceStateChange(),
          uncatalogued: ['ecs:Brand"New"#1'],
          targets: [
            { type: 'acs.fc.function', automation: HOSTILE, deadLetterQueue: HOSTILE },
            { type: 'acs.mns.queue' },
          ],
        },
      ]),
    );

    for (const line of picture.split('\n').slice(2, -1)) {
      // Every line is `<id><shape>` or `<id> <arrow> <id>`: ids are word characters, labels are quoted with no
      // quote, #, bracket or pipe left raw inside them.
      const withoutLabels = line.replace(/"(?:[^"#]|#\d+;)*"/g, 'L');
      assert.match(
        withoutLabels,
        /^ {2}[A-Za-z0-9_]+(\(\[L\]\)|\[L\]|\[\[L\]\]|\[\(L\)\]|>L\]| --> [A-Za-z0-9_]+| -->\|L\| [A-Za-z0-9_]+| -\.->\|dead letters\| [A-Za-z0-9_]+)$/,
        line,
      );
    }
    assert.match(picture, /"ecs:Brand#34;New#34;#35;1"/);
    assert.match(picture, /"acs\.mns\.queue"/);
  });
});

describe('routingKey', () => {
  test('is the same for the same routing in another order, and differs when a dead-letter queue changes', () => {
    const other = { name: 'ops-b', pattern: instanceStateChange(['Stopped']), targets: [] };
    const movedQueue = { ...AUDIT, targets: [{ ...AUDIT.targets[0], deadLetterQueue: 'ops-other-dlq' }] };

    assert.equal(routingKey(stack([AUDIT, other])), routingKey(stack([other, AUDIT])));
    assert.notEqual(routingKey(stack([AUDIT])), routingKey(stack([movedQueue])));
  });
});

describe('npm run rules:report -- --format mermaid', () => {
  const cdkJson = JSON.parse(fs.readFileSync(path.join(ROOT, 'cdk.json'), 'utf8')) as {
    context: Record<string, unknown>;
  };
  const assembly = synthAssembly(cdkJson.context['ecs-event-ops']);

  test('prints one mermaid block per region stack', async () => {
    const io = bufferIo();

    const code = await runTool(rulesReportTool, ['--assembly', assembly, '--format', 'mermaid'], io, { env: {} });

    assert.equal(code, 0);
    assert.match(io.out(), /^## Routing\n\n### ecs-event-ops-cn-hangzhou\n\n```mermaid\nflowchart LR\n/);
    assert.match(io.out(), /r_ecs_2d_event_2d_ops_2d_auto_2d_restart --> a_auto_2d_restart\n/);
    assert.match(io.out(), /a_notify -\.->\|dead letters\| q_ecs_2d_event_2d_ops_2d_notify_2d_dlq\n/);
  });

  test('refuses an unknown format with a usage error, exit 2', async () => {
    const io = bufferIo();

    const code = await runTool(rulesReportTool, ['--assembly', assembly, '--format', 'svg'], io, { env: {} });

    assert.equal(code, 2);
    assert.match(io.err(), /--format "svg" is not valid: one of markdown, mermaid, json/);
  });

  test("the README's routing picture is what the tool draws for the default app (cdk.json)", () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const block = /<!-- routing-picture:begin -->\n```mermaid\n([\s\S]*?)```\n<!-- routing-picture:end -->/.exec(
      readme,
    );
    const stacks = readRules(assembly);
    const prefix = namePrefix(stacks.flatMap((s) => s.rules.map((r) => r.name)));

    assert.ok(block !== null, 'README.md has no ```mermaid block between <!-- routing-picture:begin/end --> markers');
    assert.equal(
      block[1],
      routingMermaid(stacks[0], prefix),
      'README.md routing picture drifted: paste the block of `npm run synth && npm run rules:report -- --format mermaid`',
    );
  });
});
