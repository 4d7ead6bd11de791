import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import {
  type Comparison,
  compareAssemblies,
  type DiffReport,
  NO_CHANGES,
  type ResourceChange,
  readAssembly,
  renderMarkdown,
} from '../../ops/diff';
import { editedCopy, STACK, synthAssembly } from './assemblies';

function compare(baseDir: string, headDir: string): Comparison {
  return compareAssemblies(readAssembly(baseDir), readAssembly(headDir));
}

function changeOf(report: DiffReport, logicalId: string, stack = STACK): ResourceChange {
  const change = report.stacks.find((s) => s.stack === stack)?.changes.find((c) => c.logicalId === logicalId);
  assert.ok(change, `no change of ${stack}/${logicalId}`);
  return change;
}

let base: string;
before(() => {
  base = synthAssembly();
});

describe('compareAssemblies', () => {
  test('reports "No changes." for two synths of the same configuration', () => {
    const comparison = compare(base, synthAssembly());

    assert.deepEqual(
      comparison.report.stacks.map((s) => [s.stack, s.status, s.changes.length]),
      [[STACK, 'unchanged', 0]],
    );
    assert.deepEqual(comparison.report.summary, { add: 0, remove: 0, update: 0, replace: 0, statefulAtRisk: [] });
    assert.equal(renderMarkdown(comparison), `${NO_CHANGES}\n`);
  });

  test('calls out a renamed archive bucket at the top as the replacement of a stateful resource', () => {
    const head = editedCopy(base, (t) => {
      t.Resources.Archive.Properties.BucketName = 'acme-event-archive';
    });

    const comparison = compare(base, head);

    const archive = changeOf(comparison.report, 'Archive');
    assert.equal(archive.action, 'update');
    assert.equal(archive.risk, 'replace');
    assert.deepEqual(
      archive.paths.map((p) => p.path),
      ['Properties.BucketName'],
    );
    assert.equal(archive.paths[0].new, 'acme-event-archive');
    assert.deepEqual(comparison.report.summary.statefulAtRisk, [
      { stack: STACK, logicalId: 'Archive', type: 'ALIYUN::OSS::Bucket', risk: 'replace' },
    ]);
    const markdown = renderMarkdown(comparison);
    const lines = markdown.split('\n');
    assert.equal(lines[0], '> [!CAUTION]');
    assert.match(lines[2], /`Archive` \(`ALIYUN::OSS::Bucket`\): \*\*replace\*\*, `Properties\.BucketName` changes/);
    assert.match(markdown, /\| `Archive` \| `ALIYUN::OSS::Bucket` \| update \| \*\*replace\*\* \|/);
    assert.match(markdown, /aliyun-oss-bucket/);
    assert.match(markdown, /DeletionPolicy: Retain/);
  });

  test('shows a removed automation (spotDrain off) as deletions, its queue at the top', () => {
    const comparison = compare(base, synthAssembly({ spotDrain: { enabled: false } }));

    const rule = changeOf(comparison.report, 'SpotDrainRule');
    assert.equal(rule.action, 'remove');
    assert.equal(rule.risk, 'delete');
    assert.ok(rule.paths.some((p) => p.path === 'Properties.RuleName' && p.old === 'ecs-event-ops-spot-drain'));
    assert.ok(rule.paths.every((p) => !('new' in p)));
    assert.deepEqual(comparison.report.summary.statefulAtRisk, [
      { stack: STACK, logicalId: 'SpotDrainDeadLetterQueue', type: 'ALIYUN::MNS::Queue', risk: 'delete' },
    ]);
    assert.equal(comparison.report.summary.add, 0);
    // The dead-letter check stops watching the removed queue: its queue list and its grants change in place.
    assert.equal(comparison.report.summary.update, 2);
    assert.equal(changeOf(comparison.report, 'DlqCheckFunction').action, 'update');
    assert.equal(changeOf(comparison.report, 'DlqCheckFunctionRole').action, 'update');
    assert.ok(comparison.report.summary.remove >= 5);
    assert.match(
      renderMarkdown(comparison),
      /\| `SpotDrainRule` \| `ALIYUN::EventBridge::Rule` \| remove \| \*\*delete\*\* \|/,
    );
  });

  test('shows an edited event pattern as an in-place update with a diff of the pattern', () => {
    const head = editedCopy(base, (t) => {
      const pattern = t.Resources.LifecycleAuditRule.Properties.FilterPattern as { type: string[] };
      pattern.type.push('ecs:Instance:Created');
    });

    const comparison = compare(base, head);

    const rule = changeOf(comparison.report, 'LifecycleAuditRule');
    assert.equal(rule.action, 'update');
    assert.equal(rule.risk, 'update');
    assert.deepEqual(rule.paths, [{ path: 'Properties.FilterPattern.type[1]', new: 'ecs:Instance:Created' }]);
    const markdown = renderMarkdown(comparison);
    assert.ok(
      markdown.includes(
        [
          '- `Properties.FilterPattern`:',
          '',
          '```diff',
          '@@ -3,6 +3,7 @@',
          '     "acs.ecs"',
          '   ],',
          '   "type": [',
          '-    "ecs:Instance:StateChange"',
          '+    "ecs:Instance:StateChange",',
          '+    "ecs:Instance:Created"',
          '   ]',
          ' }',
          '```',
        ].join('\n'),
      ),
      markdown,
    );
    assert.doesNotMatch(markdown, /CAUTION/);
  });

  test('shows a new handler bundle as "code changed", not as a hash diff', () => {
    const head = editedCopy(base, (t) => {
      const code = t.Resources.AutoRestartFunction.Properties.Code as { OssObjectName: string };
      code.OssObjectName = `${'0'.repeat(64)}.zip`;
    });

    const comparison = compare(base, head);

    const fn = changeOf(comparison.report, 'AutoRestartFunction');
    assert.deepEqual(fn, {
      logicalId: 'AutoRestartFunction',
      type: 'ALIYUN::FC::Function',
      action: 'update',
      risk: 'update',
      paths: [],
      codeChanged: true,
    });
    const markdown = renderMarkdown(comparison);
    assert.match(markdown, /Code changed/);
    assert.match(
      markdown,
      /\| `AutoRestartFunction` \| `ALIYUN::FC::Function` \| update \(code changed\) \| update \|/,
    );
    assert.doesNotMatch(markdown, /0{64}/);
  });

  test('lists changes of outputs and of the description as updates', () => {
    const head = editedCopy(base, (t) => {
      t.Description = 'ecs-event-ops, edited';
      t.Outputs = { ...t.Outputs, Extra: { Value: 'x' } };
    });

    const { report } = compare(base, head);

    const stack = report.stacks[0];
    assert.deepEqual(
      stack.changes.map((c) => [c.logicalId, c.type, c.action, c.risk, c.paths]),
      [
        ['Extra', 'Output', 'add', 'none', [{ path: 'Value', new: 'x' }]],
        [
          'Description',
          'Template',
          'update',
          'update',
          [
            {
              path: 'Description',
              old: 'ecs-event-ops automations for ECS events in cn-hangzhou',
              new: 'ecs-event-ops, edited',
            },
          ],
        ],
      ],
    );
  });

  test('reports a stack only in head as added and one only in base as removed', () => {
    const comparison = compare(base, synthAssembly({ regions: ['cn-shanghai'] }));

    const statuses = comparison.report.stacks.map((s) => [s.stack, s.status]);
    assert.deepEqual(statuses, [
      [STACK, 'removed'],
      ['ecs-event-ops-cn-shanghai', 'added'],
    ]);
    const added = comparison.report.stacks[1];
    assert.ok(added.changes.every((c) => c.action === 'add' && c.risk === 'none'));
    assert.ok(comparison.report.summary.statefulAtRisk.some((s) => s.logicalId === 'Archive' && s.risk === 'delete'));
    assert.match(renderMarkdown(comparison), /`ros-cdk deploy` does not delete a stack/);
  });
});

describe('the JSON report', () => {
  test('has exactly the documented shape', () => {
    const head = editedCopy(base, (t) => {
      t.Resources.LifecycleAuditDeadLetterQueue.Properties.QueueName = 'renamed-dlq';
      t.Resources.LifecycleAuditDeadLetterQueue.Properties.VisibilityTimeout = 30;
    });

    const { report } = compare(base, head);

    assert.deepEqual(JSON.parse(JSON.stringify(report)), {
      stacks: [
        {
          stack: STACK,
          status: 'changed',
          changes: [
            {
              logicalId: 'LifecycleAuditDeadLetterQueue',
              type: 'ALIYUN::MNS::Queue',
              action: 'update',
              risk: 'replace',
              paths: [
                { path: 'Properties.QueueName', old: 'ecs-event-ops-lifecycle-audit-dlq', new: 'renamed-dlq' },
                { path: 'Properties.VisibilityTimeout', old: 60, new: 30 },
              ],
            },
          ],
        },
      ],
      summary: {
        add: 0,
        remove: 0,
        update: 0,
        replace: 1,
        statefulAtRisk: [
          { stack: STACK, logicalId: 'LifecycleAuditDeadLetterQueue', type: 'ALIYUN::MNS::Queue', risk: 'replace' },
        ],
      },
    });
  });

  test('keeps a changed target by its Id and reports the changed field inside it', () => {
    const head = editedCopy(base, (t) => {
      const [target] = t.Resources.AutoRestartRule.Properties.Targets as { PushRetryStrategy: string }[];
      target.PushRetryStrategy = 'BACKOFF_RETRY';
    });

    const { report } = compare(base, head);

    assert.deepEqual(changeOf(report, 'AutoRestartRule').paths, [
      { path: 'Properties.Targets[0].PushRetryStrategy', old: 'EXPONENTIAL_DECAY_RETRY', new: 'BACKOFF_RETRY' },
    ]);
  });
});
