import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * How the real `ros-cdk` CLI runs the app, transcribed from its source for tests (the CLI is not in our registry), and
 * kept independent of tools/synth.ts on purpose: a test comparing the two must not share their code.
 *
 * Sources (aliyun/Resource-Orchestration-Service-Cloud-Development-Kit):
 * - `packages/ros-cdk-cli/lib/settings.ts`: `Settings.parseStringContextListToObject` (split at the first `=`, values
 *   stay strings, `aliyun:` keys throw), `Configuration.load` (bags: command line, cdk.json `context`,
 *   cdk.context.json) and `Context.all` (merged right to left, so the command line wins);
 * - `multiple-languages/javascript/alicloud-ros-cdk-cli-1.0.6/lib/util/objects.js`: `deepMerge` (mutates its first
 *   argument; objects merge key by key, anything else replaces);
 * - `packages/ros-cdk-cli/lib/api/exec.ts`: `execProgram` (the `app` split on spaces, spawned with `shell: true` in
 *   the current folder, `CDK_CONTEXT_JSON`, `CDK_OUTDIR` = the `output` setting as written, `CDK_CLI_ASM_VERSION`,
 *   `CDK_CLI_VERSION`).
 */

type Obj = Record<string, unknown>;

const isObject = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);

/** `deepMerge` of the CLI's util/objects, as published. */
function cliDeepMerge(...objects: Array<Obj | undefined>): Obj {
  function mergeOne(target: Obj, source: Obj): void {
    for (const key of Object.keys(source)) {
      const value = source[key];
      if (isObject(value)) {
        if (!isObject(target[key])) target[key] = {};
        mergeOne(target[key] as Obj, value);
      } else if (typeof value !== 'undefined') {
        target[key] = value;
      }
    }
  }
  const others = objects.filter((x): x is Obj => x != null);
  if (others.length === 0) return {};
  const into = others.splice(0, 1)[0];
  for (const other of others) mergeOne(into, other);
  return into;
}

function readJson(file: string): Obj {
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as Obj) : {};
}

/** The context `ros-cdk` hands the app in `dir` for `--context` assignments `flags`. */
export function cliContext(dir: string, flags: readonly string[]): Obj {
  const commandLine: Obj = {};
  for (const assignment of flags) {
    const parts = assignment.split(/=(.*)/, 2);
    if (parts.length === 2) {
      if (/^aliyun:.+/.test(parts[0])) throw new Error(`User-provided context cannot use keys prefixed with 'aliyun:'`);
      commandLine[parts[0]] = parts[1];
    }
  }
  const projectConfig = readJson(path.join(dir, 'cdk.json'));
  const projectContext = readJson(path.join(dir, 'cdk.context.json'));
  const bags = [commandLine, (projectConfig.context as Obj | undefined) ?? {}, projectContext];
  let ret: Obj = {};
  for (const bag of [...bags].reverse()) ret = cliDeepMerge(ret, JSON.parse(JSON.stringify(bag)) as Obj);
  return ret;
}

/** Runs the app of the project in `dir` as `ros-cdk synth --context …` would; returns the output folder. */
export function cliSynth(
  dir: string,
  flags: readonly string[] = [],
): { outdir: string; status: number | null; stderr: string } {
  const settings = readJson(path.join(dir, 'cdk.json'));
  const output = typeof settings.output === 'string' ? settings.output : 'cdk.out';
  const commandLine = String(settings.app).split(' ');
  fs.mkdirSync(path.join(dir, output), { recursive: true });
  const run = spawnSync(commandLine[0], commandLine.slice(1), {
    cwd: dir,
    shell: true,
    encoding: 'utf8',
    env: {
      ...process.env,
      CDK_CONTEXT_JSON: JSON.stringify(cliContext(dir, flags)),
      CDK_OUTDIR: output,
      CDK_CLI_ASM_VERSION: '7.0.0',
      CDK_CLI_VERSION: '1.0.30',
    },
  });
  return { outdir: path.join(dir, output), status: run.status, stderr: run.stderr };
}
