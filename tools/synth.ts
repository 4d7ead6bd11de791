#!/usr/bin/env node
/**
 * `npm run synth [-- --context key=value ...] [-o dir] [-q]`: what `ros-cdk synth` does, without the CLI (not in our
 * registry), read from the CLI's source (aliyun/Resource-Orchestration-Service-Cloud-Development-Kit,
 * `packages/ros-cdk-cli/lib/settings.ts` and `lib/api/exec.ts`):
 *
 * - `app` and `output` come from cdk.json; the context is cdk.json's `context` block, `cdk.context.json` and the
 *   `--context key=value` flags (repeatable; `-c` is our shorthand, the real CLI has none), deep-merged with the CLI's
 *   precedence (flags, then cdk.json, then cdk.context.json; objects key by key, lists replaced), values kept as
 *   strings and keys literal, `aliyun:` keys refused;
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
import { parseArgs } from 'node:util';
import { ConfigError } from '../lib/config';
import {
  CONTEXT_ENV,
  ContextSourceError,
  isPlainObject,
  mergeContextSources,
  OUTDIR_ENV,
  PROJECT_CONFIG_FILE,
  parseContextFlags,
  readContextFiles,
  readJsonObject,
} from '../lib/config/context';

const ROOT = path.resolve(__dirname, '..');

/**
 * Names a synth, or a `ros-cdk deploy` after it, writes into the output folder: the assembly, our code zips and
 * manifests, and the `asset.<hash>` folders and `asset.<hash>.zip` files of older assemblies and CLI publishing.
 */
const ASSEMBLY_ENTRY =
  /^(asset\.[0-9a-f]+(\.zip)?|tree\.json|manifest\.json|cdk\.out|eeo-code|.+\.template\.json|.+\.assets\.json|.+\.code\.json)$/;

class UsageError extends Error {
  override readonly name = 'UsageError';
}

const USAGE = 'Usage: npm run synth -- [--context key=value ...] [-o dir] [-q]';

/** Parses the command line into context pairs and an output folder. */
export function parseSynthArgs(argv: readonly string[]): {
  context: Record<string, string>;
  output?: string;
  quiet: boolean;
} {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: {
        context: { type: 'string', short: 'c', multiple: true },
        output: { type: 'string', short: 'o' },
        quiet: { type: 'boolean', short: 'q' },
      },
      allowPositionals: false,
      strict: true,
    });
  } catch (cause) {
    throw new UsageError(`${(cause as Error).message}. ${USAGE}`);
  }
  let context: Record<string, string>;
  try {
    context = parseContextFlags((parsed.values.context as string[] | undefined) ?? []);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  return { context, output: parsed.values.output as string | undefined, quiet: parsed.values.quiet === true };
}

/** The context the CLI would hand the app: flags over cdk.json over cdk.context.json, deep-merged. */
export function mergeContext(projectRoot: string, flags: Record<string, string>): Record<string, unknown> {
  return mergeContextSources(readContextFiles(projectRoot), flags);
}

/** Refuses to replace a folder that holds anything a synth (or the CLI's publishing) did not write. */
function checkReplaceable(output: string): void {
  if (!fs.existsSync(output)) return;
  const foreign = fs.readdirSync(output).filter((entry) => !ASSEMBLY_ENTRY.test(entry));
  if (foreign.length > 0) {
    throw new UsageError(
      `output folder ${output} holds files a synth does not write (${foreign.slice(0, 3).join(', ')}); refusing to replace it`,
    );
  }
}

function main(): number {
  const args = parseSynthArgs(process.argv.slice(2));
  if (Object.keys(args.context).length === 1) {
    // ros-cdk never declares --context as a list: one flag reaches settings.ts as a string, whose characters it reads
    // as assignments, so the value is lost (packages/ros-cdk-cli/bin/cdk.ts, lib/settings.ts). Two or more work.
    process.stderr.write(
      'synth: note: the ros-cdk CLI drops a lone --context flag; with ros-cdk, give two or more, or use cdk.context.json\n',
    );
  }
  const cdkJson = readJsonObject(path.join(ROOT, PROJECT_CONFIG_FILE));
  const app = cdkJson.app;
  if (typeof app !== 'string' || app.trim() === '') {
    throw new UsageError(`${PROJECT_CONFIG_FILE} "app" must be the command that runs the app`);
  }
  const output = path.resolve(ROOT, args.output ?? (typeof cdkJson.output === 'string' ? cdkJson.output : 'cdk.out'));
  checkReplaceable(output);
  const context = mergeContext(ROOT, args.context);
  const staging = `${output}.staging-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  fs.mkdirSync(staging, { recursive: true });
  try {
    const run = spawnSync(app, {
      cwd: ROOT,
      shell: true,
      stdio: 'inherit',
      env: { ...process.env, [CONTEXT_ENV]: JSON.stringify(context), [OUTDIR_ENV]: staging },
    });
    if (run.status !== 0) return run.status ?? 1;
    const previous = `${output}.previous-${process.pid}`;
    if (fs.existsSync(output)) fs.renameSync(output, previous);
    fs.renameSync(staging, output);
    fs.rmSync(previous, { recursive: true, force: true });
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
  const manifest = readJsonObject(path.join(output, 'manifest.json'));
  const artifacts = isPlainObject(manifest.artifacts) ? manifest.artifacts : {};
  if (!args.quiet) {
    for (const [name, artifact] of Object.entries(artifacts)) {
      if (!isPlainObject(artifact) || artifact.type !== 'aliyun:ros:stack') continue;
      const file = isPlainObject(artifact.properties) ? artifact.properties.templateFile : undefined;
      process.stdout.write(
        `${name}: ${path.relative(ROOT, path.join(output, typeof file === 'string' ? file : ''))}\n`,
      );
    }
  }
  return 0;
}

if (require.main === module) {
  try {
    process.exitCode = main();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
    } else if (error instanceof UsageError || error instanceof ContextSourceError) {
      process.stderr.write(`synth: ${error.message}\n`);
    } else {
      throw error;
    }
    process.exitCode = 1;
  }
}
