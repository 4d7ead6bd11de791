import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { changedRouting, readAssembly, runDiff } from '../../ops/diff';
import { copyAssembly, editedCopy, STACK, synthAssembly } from './assemblies';

async function diff(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runDiff(argv, {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    synthHead: () => assert.fail('synthHead called'),
  });
  return { code, stdout, stderr };
}

let base: string;
before(() => {
  base = synthAssembly();
});

describe('npm run diff -- --format routing', () => {
  test('prints the routing picture of a region whose rules changed', async () => {
    const noSpotDrain = synthAssembly({ spotDrain: { enabled: false } });

    const { code, stdout } = await diff(['--base', base, '--head', noSpotDrain, '--format', 'routing']);

    assert.equal(code, 0);
    assert.match(stdout, new RegExp(`^## Routing changed\\n\\n### ${STACK}\\n\\n\`\`\`mermaid\\nflowchart LR\\n`));
    assert.doesNotMatch(stdout, /r_ecs_2d_event_2d_ops_2d_spot_2d_drain/);
    assert.match(stdout, /\n```\n$/);
  });

  test("prints the picture when only a target's dead-letter queue changed", async () => {
    const otherQueue = editedCopy(base, (t) => {
      t.Resources.AutoRestartDeadLetterQueue.Properties.QueueName = 'ecs-event-ops-auto-restart-dlq-2';
    });

    const { stdout } = await diff(['--base', base, '--head', otherQueue, '--format', 'routing']);

    assert.match(
      stdout,
      /a_auto_2d_restart -\.->\|dead letters\| q_ecs_2d_event_2d_ops_2d_auto_2d_restart_2d_dlq_2d_2/,
    );
  });

  test('prints nothing when the routing is the same, even when other resources changed', async () => {
    const renamedBucket = editedCopy(base, (t) => {
      t.Resources.Archive.Properties.BucketName = 'acme-event-archive';
    });

    const same = await diff(['--base', base, '--head', copyAssembly(base), '--format', 'routing']);
    const otherChange = await diff(['--base', base, '--head', renamedBucket, '--format', 'routing']);

    assert.deepEqual([same.code, same.stdout], [0, '']);
    assert.deepEqual([otherChange.code, otherChange.stdout], [0, '']);
  });

  test('draws a new region stack that has rules', () => {
    const head = readAssembly(base);

    const routing = changedRouting(new Map(), head);

    assert.match(routing, new RegExp(`### ${STACK}\\n\\n\`\`\`mermaid\\n`));
  });
});
