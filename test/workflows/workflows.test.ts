import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { parse } from 'yaml';
import { DIFF_SCRIPT } from '../../lib/diff';

const ROOT = path.resolve(__dirname, '..', '..');
const WORKFLOWS = path.join(ROOT, '.github', 'workflows');

interface Step {
  readonly uses?: string;
  readonly run?: string;
  readonly if?: string;
  readonly with?: Record<string, unknown>;
  readonly env?: Record<string, string>;
}

interface Job {
  readonly needs?: string | string[];
  readonly if?: string;
  readonly permissions?: Record<string, string>;
  readonly environment?: string;
  readonly strategy?: { 'max-parallel'?: number; 'fail-fast'?: boolean; matrix?: Record<string, unknown> };
  readonly env?: Record<string, string>;
  readonly steps: Step[];
}

interface Workflow {
  readonly on: Record<string, unknown>;
  readonly permissions: Record<string, string>;
  readonly concurrency?: { group: string; 'cancel-in-progress': boolean };
  readonly jobs: Record<string, Job>;
}

function workflow(name: string): { text: string; parsed: Workflow } {
  const text = fs.readFileSync(path.join(WORKFLOWS, name), 'utf8');
  return { text, parsed: parse(text) as Workflow };
}

/** A GitHub Actions expression as written in a workflow: `${{ body }}`. */
function expression(body: string): string {
  return `\${{ ${body} }}`;
}

function needs(job: Job): string[] {
  return job.needs === undefined ? [] : typeof job.needs === 'string' ? [job.needs] : job.needs;
}

const FILES = fs.readdirSync(WORKFLOWS).filter((f) => /\.ya?ml$/.test(f));
const scripts = (
  JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
).scripts;

describe('workflows', () => {
  test('are the pull-request and deploy workflows', () => {
    assert.deepEqual(FILES.sort(), ['deploy.yml', 'pull-request.yml']);
  });

  for (const file of FILES) {
    test(`${file} pins every action to a full commit SHA with its version in a comment`, () => {
      const lines = workflow(file)
        .text.split('\n')
        .filter((l) => /^\s*(-\s+)?uses:/.test(l));
      assert.ok(lines.length > 0);
      for (const line of lines) {
        assert.match(line, /uses: [\w.-]+\/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/, line);
      }
    });

    test(`${file} reads the repository by default and grants a write scope only where it is needed`, () => {
      const { parsed } = workflow(file);
      assert.deepEqual(parsed.permissions, { contents: 'read' });
      const allowedWrites: Record<string, string[]> = { comment: ['pull-requests'], deploy: ['id-token'] };
      for (const [name, job] of Object.entries(parsed.jobs)) {
        assert.ok(job.permissions, `job ${name} sets its permissions`);
        const writes = Object.entries(job.permissions)
          .filter(([, level]) => level === 'write')
          .map(([scope]) => scope);
        assert.deepEqual(writes, allowedWrites[name] ?? [], `write scopes of job ${name}`);
        for (const [scope, level] of Object.entries(job.permissions)) {
          if (level !== 'write') assert.deepEqual([scope, level], ['contents', 'read'], `job ${name}`);
        }
      }
    });

    test(`${file} runs only npm scripts that package.json declares (or the diff script to add)`, () => {
      const runs = Object.values(workflow(file).parsed.jobs).flatMap((job) => job.steps.flatMap((s) => s.run ?? []));
      const used = runs.flatMap((run) => [...run.matchAll(/npm run (?:(?:--silent|-s) )?([\w:-]+)/g)].map((m) => m[1]));
      assert.ok(used.length > 0);
      for (const name of used) {
        assert.ok(name in scripts || name === DIFF_SCRIPT.name, `npm run ${name} is not a script of package.json`);
      }
      if (runs.some((run) => /\bnpm test\b/.test(run))) assert.ok('test' in scripts);
    });
  }

  test('the diff script, once declared, runs tools/diff.ts', () => {
    if (scripts[DIFF_SCRIPT.name] !== undefined) assert.equal(scripts[DIFF_SCRIPT.name], DIFF_SCRIPT.command);
    assert.ok(fs.existsSync(path.join(ROOT, DIFF_SCRIPT.command.split(' ')[1])));
  });
});

describe('pull-request.yml', () => {
  const { parsed } = workflow('pull-request.yml');

  test('runs on pull requests', () => {
    assert.deepEqual(Object.keys(parsed.on), ['pull_request']);
  });

  test('tests, diffs, comments after the diff, and gates on the comment and the diff', () => {
    assert.deepEqual(Object.fromEntries(Object.entries(parsed.jobs).map(([name, job]) => [name, needs(job)])), {
      check: [],
      diff: [],
      comment: ['diff'],
      gate: ['diff', 'comment'],
    });
    const check = parsed.jobs.check.steps.flatMap((s) => s.run ?? []);
    assert.deepEqual(check, ['npm ci', 'npm run lint', 'npm test']);
    assert.match(parsed.jobs.gate.if ?? '', /always\(\)/);
  });

  test('synthesizes the base commit and the head, and diffs them with the --fail-on of the repository', () => {
    const diff = parsed.jobs.diff;
    const checkout = diff.steps.find((s) => s.uses?.startsWith('actions/checkout@'));
    assert.equal(checkout?.with?.['fetch-depth'], 0);
    assert.equal(diff.env?.BASE_SHA, expression('github.event.pull_request.base.sha'));
    assert.equal(diff.env?.FAIL_ON, expression("vars.DIFF_FAIL_ON || 'replace'"));
    const runs = diff.steps.flatMap((s) => s.run ?? []).join('\n');
    assert.match(runs, /git worktree add --detach "\$RUNNER_TEMP\/base" "\$BASE_SHA"/);
    assert.match(runs, /npm run synth -- -o "\$GITHUB_WORKSPACE\/cdk\.out\.base"/);
    assert.match(
      runs,
      /npm run --silent diff -- --base cdk\.out\.base --head cdk\.out --format markdown --fail-on "\$FAIL_ON"/,
    );
  });

  test('creates or updates one comment found by its marker', () => {
    const marker = '<!-- ecs-event-ops-diff -->';
    const body = parsed.jobs.diff.steps.flatMap((s) => s.run ?? []).join('\n');
    const script = String(parsed.jobs.comment.steps[0].with?.script);
    assert.ok(body.includes(`echo '${marker}'`));
    assert.ok(script.includes(marker));
    assert.match(script, /updateComment/);
    assert.match(script, /createComment/);
  });

  test('uses Node 20 with the npm cache', () => {
    for (const job of Object.values(parsed.jobs)) {
      for (const step of job.steps.filter((s) => s.uses?.startsWith('actions/setup-node@'))) {
        assert.deepEqual(step.with, { 'node-version': 20, cache: 'npm' });
      }
    }
  });
});

describe('deploy.yml', () => {
  const { parsed } = workflow('deploy.yml');

  test('runs on a push to main and by hand', () => {
    assert.deepEqual(parsed.on, { push: { branches: ['main'] }, workflow_dispatch: null });
  });

  test('synthesizes, then deploys the stacks read from the assembly', () => {
    assert.deepEqual(needs(parsed.jobs.deploy), ['synth']);
    assert.equal(parsed.jobs.deploy.strategy?.matrix?.stack, expression('fromJSON(needs.synth.outputs.stacks)'));
    assert.ok(parsed.jobs.synth.steps.some((s) => s.run === 'npm run synth'));
    const deploy = parsed.jobs.deploy.steps.at(-1);
    assert.equal(deploy?.run, 'ros-cdk deploy "$STACK"');
  });

  test('never runs two deploys or two regions at once, and deploys to the protected environment', () => {
    assert.equal(parsed.concurrency?.['cancel-in-progress'], false);
    assert.ok(parsed.concurrency?.group);
    assert.equal(parsed.jobs.deploy.strategy?.['max-parallel'], 1);
    assert.equal(parsed.jobs.deploy.strategy?.['fail-fast'], true);
    assert.equal(parsed.jobs.deploy.environment, 'production');
  });

  test('installs the real CLI and takes credentials from OIDC or from the secrets', () => {
    const steps = parsed.jobs.deploy.steps;
    assert.ok(steps.some((s) => s.run?.startsWith('npm install -g "@alicloud/ros-cdk-cli@')));
    const oidc = steps.find((s) => s.uses?.startsWith('aliyun/configure-aliyun-credentials-action@'));
    assert.equal(oidc?.if, "vars.ALIBABA_CLOUD_ROLE_ARN != ''");
    const env = steps.at(-1)?.env ?? {};
    assert.match(env.ALIBABA_CLOUD_ACCESS_KEY_ID, /secrets\.ALIBABA_CLOUD_ACCESS_KEY_ID/);
    assert.match(env.ALIBABA_CLOUD_ACCESS_KEY_SECRET, /secrets\.ALIBABA_CLOUD_ACCESS_KEY_SECRET/);
  });
});
