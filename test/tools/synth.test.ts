import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import * as cxapi from '@alicloud/ros-cdk-cxapi';
import { bufferIo, runTool } from '../../ops/cli';
import { mergeContext, synthTool } from '../../tools/synth';
import { cliSynth } from '../support/ros-cdk-cli';

const ROOT = path.resolve(__dirname, '..', '..');
const COPIED = [
  'bin',
  'contract',
  'custom',
  'examples',
  'lib',
  'lambda-src',
  'ops',
  'tools',
  'cdk.json',
  'package.json',
  'tsconfig.json',
].filter((entry) => fs.existsSync(path.join(ROOT, entry)));

/** A copy of the app in a fresh folder (node_modules linked), as another checkout would be. */
function checkout(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eeo-checkout-'));
  for (const entry of COPIED) fs.cpSync(path.join(ROOT, entry), path.join(dir, entry), { recursive: true });
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  return dir;
}

function synth(dir: string, args: string[] = []): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'tools/synth.ts', ...args], {
    cwd: dir,
    encoding: 'utf8',
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** Every file of an assembly except tree.json, by relative path, with its bytes. */
function assemblyFiles(out: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const entry of fs.readdirSync(out, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    files.set(path.relative(out, file), fs.readFileSync(file, 'utf8'));
  }
  return files;
}

describe('npm run synth', () => {
  test('writes byte-identical assemblies, templates and asset hashes included, from two checkout folders', () => {
    const [a, b] = [checkout(), checkout()];
    for (const dir of [a, b]) assert.equal(synth(dir).status, 0);
    const [filesA, filesB] = [assemblyFiles(path.join(a, 'cdk.out')), assemblyFiles(path.join(b, 'cdk.out'))];
    assert.ok(filesA.has('ecs-event-ops-cn-hangzhou.template.json'));
    assert.deepEqual([...filesA.keys()].sort(), [...filesB.keys()].sort());
    for (const [name, content] of filesA) assert.equal(content, filesB.get(name), `${name} differs between checkouts`);
    for (const [name, content] of filesA) assert.ok(!content.includes(a), `${name} holds the checkout path`);
  });

  test('passes -c flags to the app, which writes one loadable stack per region', () => {
    const dir = checkout();
    const run = synth(dir, ['-c', 'ecs-event-ops={"regions":["cn-shanghai","eu-central-1"]}', '-o', 'out']);
    assert.equal(run.status, 0, run.stderr);
    const assembly = new cxapi.CloudAssembly(path.join(dir, 'out'));
    assert.deepEqual(assembly.stacks.map((s) => s.stackName).sort(), [
      'ecs-event-ops-cn-shanghai',
      'ecs-event-ops-eu-central-1',
    ]);
    assert.match(run.stdout, /ecs-event-ops-cn-shanghai: out\/ecs-event-ops-cn-shanghai\.template\.json/);
  });

  test('fails with the list of problems and exit code 1, without a stack trace, on bad configuration', () => {
    const dir = checkout();
    const run = synth(dir, ['-c', 'ecs-event-ops={"regions":["cn-hangzou"],"autoRestart":{"maxRestartsPerHour":0}}']);
    assert.equal(run.status, 1);
    assert.match(run.stderr, /Invalid configuration \(2 problems\)/);
    assert.match(
      run.stderr,
      /context "ecs-event-ops\.regions\[0\]": "cn-hangzou" is not valid: .*did you mean cn-hangzhou\?/,
    );
    assert.match(
      run.stderr,
      /context "ecs-event-ops\.autoRestart\.maxRestartsPerHour": 0 is not valid: an integer from 1 to 20/,
    );
    assert.doesNotMatch(run.stderr, /\n\s+at /);
  });

  test('refuses to delete an output folder holding files it did not write', () => {
    const dir = checkout();
    fs.mkdirSync(path.join(dir, 'precious'));
    fs.writeFileSync(path.join(dir, 'precious', 'notes.txt'), 'keep me');
    const run = synth(dir, ['-o', 'precious']);
    assert.equal(run.status, 1);
    assert.match(run.stderr, /holds files a synth does not write \(notes\.txt\); refusing to replace it/);
    assert.ok(fs.existsSync(path.join(dir, 'precious', 'notes.txt')));
  });

  test('replaces an output folder that also holds the replay store npm run replay left in it', () => {
    const dir = checkout();
    const first = synth(dir, ['-o', 'out']);
    assert.equal(first.status, 0, first.stderr);
    fs.mkdirSync(path.join(dir, 'out', 'replay-store'));
    fs.writeFileSync(path.join(dir, 'out', 'replay-store', 'ecs-event-ops-cn-hangzhou.json'), '{}');

    const again = synth(dir, ['-o', 'out']);

    assert.equal(again.status, 0, again.stderr);
    assert.ok(fs.existsSync(path.join(dir, 'out', 'manifest.json')));
    assert.ok(!fs.existsSync(path.join(dir, 'out', 'replay-store')), 'the stale store went with the old assembly');
  });
});

describe('synth arguments and context', () => {
  test('answers --help with the usage and an example', async () => {
    const io = bufferIo();
    assert.equal(await runTool(synthTool, ['--help'], io, { env: {} }), 0);
    assert.match(io.out(), /Usage: npm run synth -- \[--context key=value \.\.\.\]/);
    assert.match(io.out(), /npm run synth -- --context ecs-event-ops\.regions=/);
  });

  test('refuses a flag it does not know, a context pair without "=" and an aliyun: key, with exit 2 and one line', async () => {
    for (const [argv, message] of [
      [['--regions', 'x'], /^error: unknown option '--regions'/],
      [['-c', 'novalue'], /^error: --context "novalue" is not valid: expected key=value/],
      [['--context', 'aliyun:x=1'], /^error: --context "aliyun:x": keys starting with "aliyun:" are reserved/],
    ] as const) {
      const io = bufferIo();
      assert.equal(await runTool(synthTool, [...argv], io, { env: {} }), 2, argv.join(' '));
      assert.match(io.err(), message);
      assert.equal(io.err().trim().split('\n').length, 1);
    }
  });

  test('gives -c flags precedence over cdk.json, and cdk.json over cdk.context.json', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eeo-context-'));
    fs.writeFileSync(path.join(dir, 'cdk.json'), JSON.stringify({ app: 'x', context: { a: 'json', b: 'json' } }));
    fs.writeFileSync(path.join(dir, 'cdk.context.json'), JSON.stringify({ a: 'ctx', b: 'ctx', c: 'ctx' }));
    assert.deepEqual(mergeContext(dir, { a: 'flag' }), { a: 'flag', b: 'json', c: 'ctx' });
  });

  test('names the file when cdk.context.json is not valid JSON', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eeo-context-'));
    fs.writeFileSync(path.join(dir, 'cdk.context.json'), '{');
    assert.throws(() => mergeContext(dir, {}), /cdk\.context\.json is not valid JSON/);
  });
});

test('the real CLI can run the app: cdk.json "app" is a command that synthesizes into CDK_OUTDIR', () => {
  const dir = checkout();
  const out = path.join(dir, 'cli-out');
  const app = JSON.parse(fs.readFileSync(path.join(dir, 'cdk.json'), 'utf8')).app as string;
  execFileSync('sh', ['-c', app], {
    cwd: dir,
    env: { ...process.env, CDK_OUTDIR: out, CDK_CONTEXT_JSON: '{}' },
    stdio: 'pipe',
  });
  assert.ok(fs.existsSync(path.join(out, 'ecs-event-ops-cn-hangzhou.template.json')));
});

describe('npm run synth and the real ros-cdk CLI give the same assembly', () => {
  /** Runs both ways in two fresh checkouts prepared by `prepare`, and compares every file byte for byte. */
  function bothWays(flags: string[], prepare: (dir: string) => void = () => {}): Map<string, string> {
    const [ours, theirs] = [checkout(), checkout()];
    for (const dir of [ours, theirs]) prepare(dir);
    const run = synth(
      ours,
      flags.flatMap((f) => ['--context', f]),
    );
    assert.equal(run.status, 0, run.stderr);
    const cli = cliSynth(theirs, flags);
    assert.equal(cli.status, 0, cli.stderr);
    const [a, b] = [assemblyFiles(path.join(ours, 'cdk.out')), assemblyFiles(cli.outdir)];
    assert.deepEqual([...a.keys()].sort(), [...b.keys()].sort());
    for (const [name, content] of a) assert.equal(content, b.get(name), `${name} differs between the two ways`);
    return a;
  }
  const partialContext = (dir: string) =>
    fs.writeFileSync(
      path.join(dir, 'cdk.context.json'),
      JSON.stringify({ 'ecs-event-ops': { autoRestart: { maxRestartsPerHour: 5 }, regions: ['cn-beijing'] } }),
    );

  test('with cdk.json alone', () => {
    assert.ok(bothWays([]).has('ecs-event-ops-cn-hangzhou.template.json'));
  });

  test('with a partial ecs-event-ops block in cdk.context.json, which cdk.json overrides key by key', () => {
    const files = bothWays([], partialContext);
    // cdk.json's regions win over cdk.context.json's; the restart limit only cdk.context.json sets is kept.
    const template = files.get('ecs-event-ops-cn-hangzhou.template.json') ?? '';
    assert.match(template, /"RESTART_MAX_PER_HOUR": "5"/);
    assert.ok(![...files.keys()].some((f) => f.includes('cn-beijing')));
  });

  test('with dotted-key and whole-key context flags over both files', () => {
    const files = bothWays(
      [
        'ecs-event-ops={"regions":["cn-shanghai","cn-hangzhou"]}',
        'ecs-event-ops.cn-shanghai.autoRestart.enabled=false',
        'ecs-event-ops.namePrefix=acme-ops',
      ],
      partialContext,
    );
    assert.deepEqual([...files.keys()].filter((f) => f.endsWith('.template.json')).sort(), [
      'acme-ops-cn-hangzhou.template.json',
      'acme-ops-cn-shanghai.template.json',
    ]);
    assert.doesNotMatch(files.get('acme-ops-cn-shanghai.template.json') ?? '', /AutoRestartFunction/);
    assert.match(files.get('acme-ops-cn-hangzhou.template.json') ?? '', /"RESTART_MAX_PER_HOUR": "5"/);
  });
});

describe('npm run synth next to what the ros-cdk CLI leaves behind', () => {
  test('cdk.json carries the languageInfo every ros-cdk command reads', () => {
    // cdk-toolkit.ts readLanguageInfo(): JSON.parse(cdk.json)['languageInfo'].toString() throws when it is missing.
    const cdkJson = JSON.parse(fs.readFileSync(path.join(ROOT, 'cdk.json'), 'utf8'));
    assert.equal(cdkJson.languageInfo, 'typescript');
  });

  test('writes no asset manifest the CLI would publish or delete', () => {
    const dir = checkout();
    assert.equal(synth(dir).status, 0);
    const entries = fs.readdirSync(path.join(dir, 'cdk.out'));
    assert.deepEqual(
      entries.filter((e) => e.endsWith('.assets.json') || e.startsWith('asset.')),
      [],
    );
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'cdk.out', 'manifest.json'), 'utf8'));
    const types = Object.values(manifest.artifacts as Record<string, { type: string }>).map((a) => a.type);
    assert.ok(!types.includes('cdk:asset-manifest'));
  });

  test('replaces an assembly in which a CLI deploy left asset zips', () => {
    const dir = checkout();
    assert.equal(synth(dir).status, 0);
    fs.writeFileSync(path.join(dir, 'cdk.out', `asset.${'a'.repeat(64)}.zip`), 'zip');
    const run = synth(dir);
    assert.equal(run.status, 0, run.stderr);
    assert.ok(!fs.existsSync(path.join(dir, 'cdk.out', `asset.${'a'.repeat(64)}.zip`)));
  });

  test('a stack.info.json left by generate-stack-file cannot change a template', () => {
    const [plain, withInfo] = [checkout(), checkout()];
    fs.writeFileSync(
      path.join(withInfo, 'stack.info.json'),
      JSON.stringify({
        'ecs-event-ops-cn-hangzhou': { stackId: 'x', assetAssociatedBucketName: 'someone-elses-bucket' },
      }),
    );
    for (const dir of [plain, withInfo]) assert.equal(synth(dir).status, 0);
    const name = 'ecs-event-ops-cn-hangzhou.template.json';
    const [a, b] = [plain, withInfo].map((dir) => fs.readFileSync(path.join(dir, 'cdk.out', name), 'utf8'));
    assert.equal(a, b);
    assert.doesNotMatch(b, /someone-elses-bucket/);
  });

  test('a failed synth leaves the previous assembly untouched', () => {
    const dir = checkout();
    assert.equal(synth(dir).status, 0);
    const before = assemblyFiles(path.join(dir, 'cdk.out'));
    const run = synth(dir, ['--context', 'ecs-event-ops.regions=["cn-hangzou"]']);
    assert.equal(run.status, 1);
    assert.match(run.stderr, /did you mean cn-hangzhou/);
    assert.deepEqual(assemblyFiles(path.join(dir, 'cdk.out')), before);
    assert.deepEqual(
      fs.readdirSync(dir).filter((e) => e.includes('.staging-') || e.includes('.previous-')),
      [],
    );
  });
});
