import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { validateWorkflow } from '@action-validator/core';
import { parse, stringify } from 'yaml';
import { secretName } from '../../ops/deploy-plan';
import { DIFF_SCRIPT } from '../../ops/diff';
import { synthRegions } from '../support/synth';

const ROOT = path.resolve(__dirname, '..', '..');
const WORKFLOWS = path.join(ROOT, '.github', 'workflows');

interface Step {
  readonly id?: string;
  readonly name?: string;
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
  readonly outputs?: Record<string, string>;
  readonly env?: Record<string, string>;
  readonly steps: Step[];
}

interface Workflow {
  readonly on: Record<string, unknown>;
  readonly permissions: Record<string, string>;
  readonly concurrency?: { group: string; 'cancel-in-progress': boolean };
  readonly env?: Record<string, string>;
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

/** Runs a workflow's bash script as the runner would (`bash -e`), in `cwd`, with only `env` and PATH. */
function bash(script: string, cwd: string, env: Record<string, string>): { status: number | null; output: string } {
  const run = spawnSync('bash', ['--noprofile', '--norc', '-e', '-o', 'pipefail', '-c', script], {
    cwd,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', ...env },
  });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

function stepNamed(job: Job, name: string): Step {
  const step = job.steps.find((s) => s.name === name);
  assert.ok(step, `step "${name}"`);
  return step;
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
    test(`${file} is a valid workflow for @action-validator/core (the GitHub Actions schema and the job graph)`, () => {
      const result = validateWorkflow(workflow(file).text);
      assert.deepEqual(result.errors, []);
    });

    test(`${file} would fail the validator with a job that has no runs-on`, () => {
      const broken = structuredClone(workflow(file).parsed) as unknown as {
        jobs: Record<string, Record<string, unknown>>;
      };
      const [first] = Object.keys(broken.jobs);
      delete broken.jobs[first]['runs-on'];
      assert.notDeepEqual(validateWorkflow(stringify(broken)).errors, []);
    });

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
      const allowedWrites: Record<string, string[]> = {
        comment: ['pull-requests'],
        deploy: ['id-token'],
        fleet: ['id-token'],
      };
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
      'cli-synth': [],
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

  describe('routing pictures in the comment', () => {
    const job = parsed.jobs.diff;
    const routing = stepNamed(job, 'Routing pictures').run ?? '';
    const body = stepNamed(job, 'Comment body').run ?? '';

    /** Runs the Comment body step in a folder holding `files`; returns the comment it wrote. */
    function comment(files: Record<string, string>): string {
      const work = fs.mkdtempSync(path.join(os.tmpdir(), 'eeo-pr-comment-'));
      for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(work, name), text);
      const env = {
        BASE_SHA: 'a'.repeat(40),
        GITHUB_SHA: 'b'.repeat(40),
        FAIL_ON: 'replace',
        GITHUB_OUTPUT: path.join(work, 'output'),
        GITHUB_STEP_SUMMARY: path.join(work, 'summary'),
      };
      const result = bash(body, work, env);
      assert.equal(result.status, 0, result.output);
      return fs.readFileSync(path.join(work, 'comment.md'), 'utf8');
    }

    test('writes the routing pictures with the diff tool after the diff, into routing.md', () => {
      const steps = job.steps.map((s) => s.name);
      assert.equal(
        routing,
        'npm run --silent diff -- --base cdk.out.base --head cdk.out --format routing > routing.md',
      );
      assert.ok(steps.indexOf('Routing pictures') > steps.indexOf('Diff'), JSON.stringify(steps));
      assert.ok(steps.indexOf('Routing pictures') < steps.indexOf('Comment body'), JSON.stringify(steps));
    });

    test('puts the pictures into the comment ahead of the diff, where the 60000-character cut cannot drop them', () => {
      const picture = '## Routing changed\n\n### s\n\n```mermaid\nflowchart LR\n```\n';

      const text = comment({ 'routing.md': picture, 'diff.md': `${'x'.repeat(70000)}\n` });

      assert.ok(text.includes(picture), text.slice(0, 500));
      assert.ok(text.indexOf(picture) < text.indexOf('xxx'));
    });

    test('adds nothing about routing when routing.md is empty (the routing did not change)', () => {
      const text = comment({ 'routing.md': '', 'diff.md': 'No changes.\n' });

      assert.doesNotMatch(text, /mermaid|Routing/);
      assert.match(text, /No changes\.\n$/);
    });
  });

  test('uses Node 20 with the npm cache', () => {
    for (const job of Object.values(parsed.jobs)) {
      for (const step of job.steps.filter((s) => s.uses?.startsWith('actions/setup-node@'))) {
        assert.deepEqual(step.with, { 'node-version': 20, cache: 'npm' });
      }
    }
  });
});

describe('the pinned ros-cdk CLI', () => {
  const deploy = workflow('deploy.yml');
  const pullRequest = workflow('pull-request.yml');

  test('is one exact version, the same in both workflows, with no fallback to latest', () => {
    const version = deploy.parsed.env?.ROS_CDK_CLI_VERSION;
    assert.match(String(version), /^\d+\.\d+\.\d+$/);
    assert.equal(pullRequest.parsed.env?.ROS_CDK_CLI_VERSION, version);
    for (const { text } of [deploy, pullRequest]) {
      assert.doesNotMatch(text, /latest'|@latest|vars\.ROS_CDK_CLI_VERSION/);
    }
  });

  for (const [file, { parsed }, job] of [
    ['deploy.yml', deploy, 'deploy'],
    ['deploy.yml (fleet)', deploy, 'fleet'],
    ['pull-request.yml', pullRequest, 'cli-synth'],
  ] as const) {
    const install = stepNamed(parsed.jobs[job], 'Install the pinned ROS CDK CLI').run ?? '';

    test(`${file} installs exactly that version and refuses anything else`, () => {
      const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'eeo-npm-'));
      fs.writeFileSync(path.join(bin, 'npm'), '#!/bin/sh\necho "npm $*"\n', { mode: 0o755 });
      const env = { PATH: `${bin}:${process.env.PATH}` };
      const pinned = bash(install, bin, { ...env, ROS_CDK_CLI_VERSION: '1.0.30' });
      assert.equal(pinned.status, 0, pinned.output);
      assert.equal(pinned.output.trim(), 'npm install -g @alicloud/ros-cdk-cli@1.0.30');
      for (const version of ['latest', '', '^1.0.30', '1.0']) {
        const refused = bash(install, bin, { ...env, ROS_CDK_CLI_VERSION: version });
        assert.equal(refused.status, 1, version);
        assert.match(refused.output, /ROS_CDK_CLI_VERSION must be an exact version/);
      }
    });
  }
});

describe('pull-request.yml: ros-cdk synth against npm run synth', () => {
  const { parsed } = workflow('pull-request.yml');
  const job = parsed.jobs['cli-synth'];
  const compare = stepNamed(job, 'Compare the templates byte for byte').run ?? '';

  test('synthesizes with npm run synth into another folder, then with the pinned ros-cdk synth into cdk.out', () => {
    const runs = job.steps.flatMap((s) => s.run ?? []);
    const npmSynth = runs.indexOf('npm run synth -- -o "$RUNNER_TEMP/npm-synth"');
    const cliSynth = runs.indexOf('ros-cdk synth > /dev/null');
    const install = runs.findIndex((r) => r.includes('npm install -g "@alicloud/ros-cdk-cli@$ROS_CDK_CLI_VERSION"'));
    assert.ok(install >= 0 && npmSynth > install && cliSynth > npmSynth, JSON.stringify(runs));
    assert.equal(runs.indexOf(compare), runs.length - 1);
  });

  /** Two synth outputs, as the job leaves them: `<temp>/npm-synth` and `<work>/cdk.out`. */
  function outputs(npm: Record<string, string>, cli: Record<string, string>): { work: string; temp: string } {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'eeo-cli-synth-'));
    const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'eeo-runner-temp-'));
    for (const [dir, files] of [
      [path.join(temp, 'npm-synth'), npm],
      [path.join(work, 'cdk.out'), cli],
    ] as const) {
      fs.mkdirSync(dir);
      for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
    }
    return { work, temp };
  }

  test('passes when every template is byte-identical, whatever else the folders hold', () => {
    const same = { 'a-cn-hangzhou.template.json': '{"A":1}\n', 'a-cn-shanghai.template.json': '{"B":1}\n' };
    const { work, temp } = outputs(same, { ...same, 'asset.abc.zip': 'zip' });
    const result = bash(compare, work, { RUNNER_TEMP: temp, ROS_CDK_CLI_VERSION: '1.0.30' });
    assert.equal(result.status, 0, result.output);
  });

  test('fails when one template differs by a byte, and names it', () => {
    const { work, temp } = outputs(
      { 'a-cn-hangzhou.template.json': '{"A":1}\n' },
      { 'a-cn-hangzhou.template.json': '{"A":1} \n' },
    );
    const result = bash(compare, work, { RUNNER_TEMP: temp, ROS_CDK_CLI_VERSION: '1.0.30' });
    assert.equal(result.status, 1);
    assert.match(result.output, /::error file=a-cn-hangzhou\.template\.json::ros-cdk synth 1\.0\.30 and npm run synth/);
  });

  test('fails when the two synths wrote different sets of templates', () => {
    const { work, temp } = outputs(
      { 'a-cn-hangzhou.template.json': '{}' },
      { 'a-cn-hangzhou.template.json': '{}', 'a-cn-shanghai.template.json': '{}' },
    );
    const result = bash(compare, work, { RUNNER_TEMP: temp, ROS_CDK_CLI_VERSION: '1.0.30' });
    assert.equal(result.status, 1);
    assert.match(result.output, /different sets of templates/);
  });
});

describe('deploy.yml', () => {
  const { parsed } = workflow('deploy.yml');
  const deploy = parsed.jobs.deploy;
  /** The shell lines of the deploy job in order, each with the index of its step. */
  const lines = deploy.steps.flatMap((step, index) =>
    (step.run ?? '')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#'))
      .map((line) => ({ index, line })),
  );
  const lineIndex = (pattern: RegExp): number => {
    const found = lines.findIndex(({ line }) => pattern.test(line));
    assert.ok(found >= 0, `a line matching ${pattern}`);
    return found;
  };

  test('runs on a push to main and by hand', () => {
    assert.deepEqual(parsed.on, { push: { branches: ['main'] }, workflow_dispatch: null });
  });

  test('synthesizes, then deploys each stack read from the assembly with the region of its StackRegion parameter', () => {
    assert.deepEqual(needs(deploy), ['synth']);
    assert.ok(parsed.jobs.synth.steps.some((s) => s.run === 'npm run synth'));
    const list = parsed.jobs.synth.steps.find((s) => s.run?.includes('tools/deploy-plan.ts stacks'));
    assert.match(list?.run ?? '', /npx tsx tools\/deploy-plan\.ts stacks --assembly cdk\.out/);
    assert.equal(parsed.jobs.synth.outputs?.stacks, expression('steps.stacks.outputs.stacks'));
    assert.deepEqual(deploy.strategy?.matrix, { include: expression('fromJSON(needs.synth.outputs.stacks)') });
    assert.equal(deploy.env?.STACK, expression('matrix.stack'));
    assert.equal(deploy.env?.REGION_ID, expression('matrix.region'));
    for (const step of deploy.steps) {
      assert.equal(step.env?.REGION_ID, undefined, `step "${step.name}" does not change REGION_ID`);
    }
  });

  test('deploys the stack of the job with --sync, --skip-if-no-changes and its region, and the NoEcho parameters', () => {
    const deployLine = lines[lineIndex(/^ros-cdk deploy /)].line;
    assert.equal(
      deployLine,
      `ros-cdk deploy "$STACK" --sync --skip-if-no-changes --region "$REGION_ID" "\${parameters[@]}"`,
    );
    assert.doesNotMatch(deployLine, /--outputs-file/);
  });

  test('rebuilds stack.info.json with generate-stack-file right before the diff and right before the deploy', () => {
    const cli = lines.filter(({ line }) => line.startsWith('ros-cdk '));
    const commands = cli.map(({ line }) => line.split(' ').slice(0, 2).join(' '));
    assert.deepEqual(commands, [
      'ros-cdk generate-stack-file',
      'ros-cdk diff',
      'ros-cdk generate-stack-file',
      'ros-cdk deploy',
    ]);
    assert.equal(lines[lineIndex(/^ros-cdk diff /)].line, 'ros-cdk diff "$STACK"');
    // generate-stack-file runs in the same step as the command it prepares.
    assert.equal(cli[0].index, cli[1].index);
    assert.equal(cli[2].index, cli[3].index);
  });

  test('publishes the handler code of the region with npm run assets:publish before any ros-cdk command', () => {
    const publish = lineIndex(/^npm run assets:publish /);
    assert.equal(lines[publish].line, 'npm run assets:publish -- --region "$REGION_ID" --assembly cdk.out');
    assert.ok(publish > lineIndex(/^npm run synth$/));
    assert.ok(publish < lineIndex(/^ros-cdk /));
  });

  test('stops at the first failure: one region at a time, fail-fast, and every multi-line script under set -e', () => {
    assert.equal(parsed.concurrency?.['cancel-in-progress'], false);
    assert.ok(parsed.concurrency?.group);
    assert.equal(deploy.strategy?.['max-parallel'], 1);
    assert.equal(deploy.strategy?.['fail-fast'], true);
    assert.equal(deploy.environment, 'production');
    for (const job of Object.values(parsed.jobs)) {
      for (const step of job.steps.filter((s) => (s.run ?? '').trim().includes('\n'))) {
        assert.match(step.run ?? '', /^set -euo pipefail\n/, `step "${step.name}"`);
      }
    }
  });

  test('passes each NoEcho parameter of the app from the repository secret named by secretName, and no other secret', () => {
    const everyChannel = synthRegions({
      notifications: { dingTalk: true, webhook: true },
      snapshots: { monitoringEndpoint: 'https://monitor.example.com/hooks/ecs' },
    })['ecs-event-ops-cn-hangzhou'] as { Parameters?: Record<string, { NoEcho?: boolean }> };
    const noEcho = Object.entries(everyChannel.Parameters ?? {})
      .filter(([, p]) => p.NoEcho === true)
      .map(([name]) => secretName(name));
    assert.ok(noEcho.length >= 5);
    const step = stepNamed(deploy, `ros-cdk deploy ${expression('matrix.stack')}`);
    assert.deepEqual(
      step.env,
      Object.fromEntries(noEcho.sort().map((name) => [name, expression(`secrets.${name}`)])),
      'the deploy step env is exactly the NoEcho secrets',
    );
    assert.match(
      step.run ?? '',
      /npx tsx tools\/deploy-plan\.ts parameters --template "cdk\.out\/\$STACK\.template\.json" --out "\$RUNNER_TEMP\/parameters"\nmapfile -d '' -t parameters < "\$RUNNER_TEMP\/parameters"/,
    );
  });

  describe('credentials', () => {
    const oidc = deploy.steps.find((s) => s.uses?.startsWith('aliyun/configure-aliyun-credentials-action@'));
    const hand = stepNamed(deploy, 'Credentials under the names the CLI reads');

    test('come from OIDC when the role variable is set, else from the access key secrets', () => {
      assert.equal(oidc?.if, "vars.ALIBABA_CLOUD_ROLE_ARN != ''");
      assert.deepEqual(hand.env, {
        SECRET_ACCESS_KEY_ID: expression('secrets.ALIBABA_CLOUD_ACCESS_KEY_ID'),
        SECRET_ACCESS_KEY_SECRET: expression('secrets.ALIBABA_CLOUD_ACCESS_KEY_SECRET'),
      });
      assert.ok(deploy.steps.indexOf(oidc as Step) < deploy.steps.indexOf(hand));
      assert.ok(deploy.steps.indexOf(hand) < lines[lineIndex(/^npm run assets:publish /)].index);
    });

    function handOver(env: Record<string, string>, configFile = false): { status: number | null; exported: string } {
      const work = fs.mkdtempSync(path.join(os.tmpdir(), 'eeo-credentials-'));
      if (configFile) fs.writeFileSync(path.join(work, 'account.config.json'), '{}');
      const githubEnv = path.join(work, 'github-env');
      fs.writeFileSync(githubEnv, '');
      const result = bash(hand.run ?? '', work, {
        GITHUB_ENV: githubEnv,
        SECRET_ACCESS_KEY_ID: '',
        SECRET_ACCESS_KEY_SECRET: '',
        ...env,
      });
      return { status: result.status, exported: fs.readFileSync(githubEnv, 'utf8') };
    }

    test('hand STS credentials from OIDC to the CLI as ACCESS_KEY_ID, ACCESS_KEY_SECRET and SECURITY_TOKEN', () => {
      const result = handOver({
        ALIBABA_CLOUD_ACCESS_KEY_ID: 'STS.id',
        ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'sts-secret',
        ALIBABA_CLOUD_SECURITY_TOKEN: 'token',
        SECRET_ACCESS_KEY_ID: 'ignored',
        SECRET_ACCESS_KEY_SECRET: 'ignored',
      });
      assert.equal(result.status, 0);
      assert.equal(result.exported, 'ACCESS_KEY_ID=STS.id\nACCESS_KEY_SECRET=sts-secret\nSECURITY_TOKEN=token\n');
    });

    test('hand the access key secrets to the CLI without a security token', () => {
      const result = handOver({ SECRET_ACCESS_KEY_ID: 'LTAI', SECRET_ACCESS_KEY_SECRET: 'secret' });
      assert.equal(result.status, 0);
      assert.equal(result.exported, 'ACCESS_KEY_ID=LTAI\nACCESS_KEY_SECRET=secret\n');
    });

    test('fail without credentials, and when an account.config.json would override them', () => {
      assert.deepEqual(handOver({}), { status: 1, exported: '' });
      assert.deepEqual(handOver({ SECRET_ACCESS_KEY_ID: 'LTAI', SECRET_ACCESS_KEY_SECRET: 'secret' }, true), {
        status: 1,
        exported: '',
      });
    });

    test('are never given to the CLI under the ALIBABA_CLOUD_ names it ignores, nor with config-set on the command line', () => {
      for (const step of deploy.steps.filter((s) => /ros-cdk /.test(s.run ?? ''))) {
        assert.deepEqual(
          Object.keys(step.env ?? {}).filter((k) => k.startsWith('ALIBABA_CLOUD_')),
          [],
          `step "${step.name}"`,
        );
        assert.doesNotMatch(step.run ?? '', /config-set/);
      }
    });
  });
});

describe('deploy.yml: the fleet path', () => {
  const { parsed } = workflow('deploy.yml');
  const synth = parsed.jobs.synth;
  const fleet = parsed.jobs.fleet;
  const find = stepNamed(synth, 'Find the fleet stack and its region');
  const wait = stepNamed(fleet, 'Wait for the stack group operations and report per account and region');

  /** A folder with a stub `npm` running `script` (the workflow's jq is the real one). */
  function stubNpm(script: string): string {
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'eeo-fleet-bin-'));
    fs.writeFileSync(path.join(bin, 'npm'), `#!/bin/bash\n${script}\n`, { mode: 0o755 });
    return bin;
  }

  /** Runs the synth job's fleet step with `npm run fleet -- plan --json` and `deploy-plan fleet` printing these. */
  function runFind(plan: string, built: string): { status: number | null; output: string; outputs: string } {
    const bin = stubNpm(
      `if [ "$*" = "run --silent fleet -- plan --json" ]; then echo '${plan}'; else echo "plan text"; fi`,
    );
    fs.writeFileSync(
      path.join(bin, 'npx'),
      `#!/bin/bash\nif [ "$*" = "tsx tools/deploy-plan.ts fleet --assembly cdk.out" ]; then echo '${built}'; else exit 9; fi\n`,
      { mode: 0o755 },
    );
    const outputs = path.join(bin, 'github-output');
    fs.writeFileSync(outputs, '');
    const result = bash(find.run ?? '', bin, { PATH: `${bin}:${process.env.PATH}`, GITHUB_OUTPUT: outputs });
    return { ...result, outputs: fs.readFileSync(outputs, 'utf8') };
  }

  const BUILT = JSON.stringify({
    configured: true,
    stack: 'ecs-event-ops-fleet',
    region: 'cn-shanghai',
    codeSource: 'shared',
    publish: true,
  });
  const PLANNED = '{"configured":true,"stack":"ecs-event-ops-fleet","region":"cn-shanghai"}';

  test('the synth job outputs the fleet stack, its region and code source, read from the assembly', () => {
    assert.equal(synth.outputs?.['fleet-stack'], expression('steps.fleet.outputs.stack'));
    assert.equal(synth.outputs?.['fleet-region'], expression('steps.fleet.outputs.region'));
    assert.equal(synth.outputs?.['fleet-code-source'], expression('steps.fleet.outputs.code-source'));

    const withFleet = runFind(PLANNED, BUILT);
    assert.equal(withFleet.status, 0, withFleet.output);
    assert.equal(withFleet.outputs, 'stack=ecs-event-ops-fleet\nregion=cn-shanghai\ncode-source=shared\n');

    const without = runFind('{"configured":false}', '{"configured":false}');
    assert.equal(without.status, 0, without.output);
    assert.equal(without.outputs, 'stack=\nregion=\ncode-source=\n');
  });

  test('the synth job fails when the configuration and the assembly disagree on the fleet stack or its region', () => {
    const missing = runFind(PLANNED, '{"configured":false}');
    assert.equal(missing.status, 1);
    assert.match(
      missing.output,
      /::error::the configuration plans ecs-event-ops-fleet in cn-shanghai but the assembly has no fleet stack/,
    );
    const moved = runFind(PLANNED.replace('cn-shanghai', 'cn-beijing'), BUILT);
    assert.equal(moved.status, 1);
    assert.match(
      moved.output,
      /plans ecs-event-ops-fleet in cn-beijing but the assembly has ecs-event-ops-fleet in cn-shanghai/,
    );
  });

  test('deploys the region stacks of regions, then the fleet stack, skipping the matrix when there is none', () => {
    assert.equal(parsed.jobs.deploy.if, "needs.synth.outputs.stacks != '[]'");
    assert.equal(
      fleet.if,
      expression(
        "!cancelled() && needs.synth.result == 'success' && needs.synth.outputs.fleet-stack != '' && needs.deploy.result != 'failure'",
      ),
    );
    assert.deepEqual(needs(fleet), ['synth', 'deploy']);
    assert.equal(fleet.environment, 'production');
    assert.equal(fleet.env?.STACK, expression('needs.synth.outputs.fleet-stack'));
    assert.equal(fleet.env?.REGION_ID, expression('needs.synth.outputs.fleet-region'));
  });

  const publish = stepNamed(fleet, 'Publish the handler code the member accounts read');

  function runPublish(codeSource: string, confirmed = '') {
    const bin = stubNpm('echo "npm $*"');
    return bash(publish.run ?? '', bin, {
      PATH: `${bin}:${process.env.PATH}`,
      CODE_SOURCE: codeSource,
      FLEET_MEMBER_CODE_PUBLISHED: confirmed,
    });
  }

  test('publishes the handler code before the fleet deploy unless it is inline', () => {
    assert.equal(publish.if, "needs.synth.outputs.fleet-code-source != 'inline'");
    assert.equal(fleet.env?.CODE_SOURCE, expression('needs.synth.outputs.fleet-code-source'));
    const published = fleet.steps.indexOf(publish);
    const diffed = fleet.steps.findIndex((s) => /^ros-cdk diff "\$STACK"$/m.test(s.run ?? ''));
    assert.ok(published >= 0 && published < diffed);

    const shared = runPublish('shared');
    assert.equal(shared.status, 0, shared.output);
    assert.match(shared.output, /npm run assets:publish -- --assembly cdk\.out/);
  });

  test('stops a per-account fleet until the member accounts were published with their own credentials', () => {
    const refused = runPublish('per-account');
    assert.equal(refused.status, 1);
    assert.match(
      refused.output,
      /::error::fleet\.codeSource is per-account: run npm run assets:publish -- --account-id/,
    );
    assert.doesNotMatch(refused.output, /npm run assets:publish -- --assembly/);
    assert.equal(runPublish('per-account', 'true').status, 0);
  });

  test('deploys the fleet stack with the pinned CLI and the same credential hand-over as the region path', () => {
    const deploy = parsed.jobs.deploy;
    for (const name of ['Install the pinned ROS CDK CLI', 'Credentials under the names the CLI reads']) {
      assert.deepEqual(stepNamed(fleet, name), stepNamed(deploy, name), name);
    }
    const runs = fleet.steps.flatMap((s) => s.run ?? []).join('\n');
    assert.match(
      runs,
      /ros-cdk generate-stack-file\nros-cdk deploy "\$STACK" --sync --skip-if-no-changes --region "\$REGION_ID" "\$\{parameters\[@\]\}"/,
    );
    const started = fleet.steps.findIndex((s) => s.id === 'started');
    const deployed = fleet.steps.findIndex((s) => /ros-cdk deploy /.test(s.run ?? ''));
    assert.ok(started >= 0 && started < deployed && deployed < fleet.steps.indexOf(wait));
  });

  test('waits and reports even after a failed deploy, but not after a cancel', () => {
    assert.equal(wait.if, expression("!cancelled() && steps.started.outcome == 'success'"));
    assert.match(
      wait.run ?? '',
      /npm run --silent fleet -- wait --region "\$REGION_ID" --since "\$ROLLOUT_STARTED" --timeout 21600/,
    );
    assert.match(wait.run ?? '', /npm run --silent fleet -- status --region "\$REGION_ID"/);
  });

  function runWait(waitCode: number, statusCode: number, env: Record<string, string> = {}) {
    const bin = stubNpm(
      'echo "npm $* id=$ALIBABA_CLOUD_ACCESS_KEY_ID token=$' +
        '{ALIBABA_CLOUD_SECURITY_TOKEN:-none}"\n' +
        `case "$*" in *" wait "*) exit ${waitCode};; *" status "*) exit ${statusCode};; esac`,
    );
    return bash(wait.run ?? '', bin, {
      PATH: `${bin}:${process.env.PATH}`,
      REGION_ID: 'cn-shanghai',
      ROLLOUT_STARTED: '2025-06-01T08:00:00',
      ACCESS_KEY_ID: 'LTAI',
      ACCESS_KEY_SECRET: 'secret',
      ...env,
    });
  }

  test('hands the credentials to npm run fleet under the standard names and passes when every instance succeeded', () => {
    const result = runWait(0, 0);
    assert.equal(result.status, 0, result.output);
    assert.match(
      result.output,
      /npm run --silent fleet -- wait --region cn-shanghai --since 2025-06-01T08:00:00 --timeout 21600 id=LTAI token=none/,
    );
    assert.match(runWait(0, 0, { SECURITY_TOKEN: 'sts' }).output, /token=sts/);
  });

  test('fails the job when an instance failed, and still prints the status of every instance', () => {
    const failed = runWait(1, 0);
    assert.equal(failed.status, 1);
    assert.match(failed.output, /npm run --silent fleet -- status --region cn-shanghai/);
    assert.equal(runWait(0, 1).status, 1);
  });
});
