#!/usr/bin/env node
/**
 * `npm run synth [-- --context key=value ...] [-o dir] [-q]`: what `ros-cdk synth` does, without the CLI (not in our
 * registry), read from the CLI's source (aliyun/Resource-Orchestration-Service-Cloud-Development-Kit,
 * `packages/ros-cdk-cli/lib/settings.ts` and `lib/api/exec.ts`):
 *
 * - `app` and `output` come from cdk.json; the context is cdk.json's `context` block, `cdk.context.json` and the
 *   `--context key=value` flags (repeatable; `-c` is our shorthand, the real CLI has none), deep-merged with the CLI's
 *   precedence (flags, then cdk.json, then cdk.context.json; objects key by key, lists replaced), values kept as
 *   strings and keys literal, `aliyun:` keys refused (lib/config/context.ts);
 * - the app command runs through a shell with the merged context in `CDK_CONTEXT_JSON` and the output folder in
 *   `CDK_OUTDIR`, as the CLI runs it.
 *
 * Unlike the CLI, it writes into a fresh folder beside the output and swaps it in only when the app succeeded: a
 * failed synth (an invalid configuration, a policy finding) leaves the previous assembly untouched, and a stale
 * assembly never keeps the stacks of regions no longer configured.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readAssembly } from '../lib/assembly';
import {
  CONTEXT_ENV,
  ContextSourceError,
  mergeContextSources,
  OUTDIR_ENV,
  PROJECT_CONFIG_FILE,
  readContextFiles,
  readJsonObject,
} from '../lib/config/context';
import { contextOption, defineTool, parseContextPairs, runMain, ToolFailure } from '../ops/cli';
import { DEFAULT_STORE_FOLDER } from '../ops/replay/store';

const ROOT = path.resolve(__dirname, '..');

/**
 * Names a synth, or a `ros-cdk deploy` after it, writes into the output folder: the assembly, our code zips and
 * manifests, and the `asset.<hash>` folders and `asset.<hash>.zip` files of older assemblies and CLI publishing.
 */
const ASSEMBLY_ENTRY =
  /^(asset\.[0-9a-f]+(\.zip)?|tree\.json|manifest\.json|cdk\.out|eeo-code|.+\.template\.json|.+\.assets\.json|.+\.code\.json)$/;

/** Whether a synth may replace an entry: the assembly's own, or the replay store `npm run replay` leaves beside it. */
function replaceable(entry: string): boolean {
  // The store (ops/replay/store.ts) is derived from the assembly it replayed: a new assembly makes it stale.
  return ASSEMBLY_ENTRY.test(entry) || entry === DEFAULT_STORE_FOLDER;
}

/** The context the CLI would hand the app: flags over cdk.json over cdk.context.json, deep-merged. */
export function mergeContext(projectRoot: string, flags: Record<string, string>): Record<string, unknown> {
  return mergeContextSources(readContextFiles(projectRoot), flags);
}

/** Refuses to replace a folder that holds anything a synth (or the CLI's publishing) did not write. */
function checkReplaceable(output: string): void {
  if (!fs.existsSync(output)) return;
  const foreign = fs.readdirSync(output).filter((entry) => !replaceable(entry));
  if (foreign.length > 0) {
    throw new ToolFailure(
      `output folder ${output} holds files a synth does not write (${foreign.slice(0, 3).join(', ')}); refusing to replace it`,
    );
  }
}

/** The `npm run synth` tool. */
export const synthTool = defineTool({
  name: 'synth',
  summary:
    'Synthesizes the app as `ros-cdk synth` does (cdk.json, cdk.context.json and --context flags, deep-merged), then ' +
    'runs the policy checks; the assembly replaces the output folder only when synth succeeds.',
  usage: '[--context key=value ...] [-o <dir>] [-q]',
  examples: [
    'npm run synth',
    'npm run synth -- --context ecs-event-ops.regions=\'["cn-hangzhou","cn-shanghai"]\' --context ecs-event-ops.namePrefix=acme-ops',
  ],
  notes:
    'Exit codes: 0 written; 1 an invalid configuration, a policy finding or an unreadable cdk.json; 2 a usage error.',
  failures: [ContextSourceError],
  configure: (command) =>
    command
      .addOption(contextOption())
      .option('-o, --output <dir>', 'the output folder (default: "output" of cdk.json, else cdk.out)')
      .option('-q, --quiet', 'do not list the stacks written'),
  run: (context) => {
    const flags = parseContextPairs(context.options.strings('context'));
    if (Object.keys(flags).length === 1) {
      // ros-cdk never declares --context as a list: one flag reaches settings.ts as a string, whose characters it
      // reads as assignments, so the value is lost (packages/ros-cdk-cli/bin/cdk.ts, lib/settings.ts).
      context.progress(
        'note: the ros-cdk CLI drops a lone --context flag; with ros-cdk, give two or more, or use cdk.context.json',
      );
    }
    const cdkJson = readJsonObject(path.join(ROOT, PROJECT_CONFIG_FILE));
    const app = cdkJson.app;
    if (typeof app !== 'string' || app.trim() === '') {
      throw new ToolFailure(`${PROJECT_CONFIG_FILE} "app" must be the command that runs the app`);
    }
    const configured = typeof cdkJson.output === 'string' ? cdkJson.output : 'cdk.out';
    const output = path.resolve(ROOT, context.options.string('output') ?? configured);
    checkReplaceable(output);
    const merged = mergeContext(ROOT, flags);
    const staging = `${output}.staging-${process.pid}`;
    fs.rmSync(staging, { recursive: true, force: true });
    fs.mkdirSync(staging, { recursive: true });
    try {
      // The app prints its own errors (configuration, policy) on stderr; its exit code is synth's.
      const run = spawnSync(app, {
        cwd: ROOT,
        shell: true,
        stdio: ['ignore', 'inherit', 'inherit'],
        env: { ...process.env, ...context.env, [CONTEXT_ENV]: JSON.stringify(merged), [OUTDIR_ENV]: staging },
      });
      if (run.status !== 0) return run.status ?? 1;
      const previous = `${output}.previous-${process.pid}`;
      if (fs.existsSync(output)) fs.renameSync(output, previous);
      fs.renameSync(staging, output);
      fs.rmSync(previous, { recursive: true, force: true });
    } finally {
      fs.rmSync(staging, { recursive: true, force: true });
    }
    if (!context.options.flag('quiet')) {
      for (const stack of readAssembly(output).stacks) {
        context.io.stdout(`${stack.name}: ${path.relative(ROOT, path.join(output, stack.templateFile))}\n`);
      }
    }
    return 0;
  },
});

if (require.main === module) runMain(synthTool);
