#!/usr/bin/env node
/**
 * `npm run synth [-- -c key=value ...] [-o dir]`: what `ros-cdk synth` does, without the CLI (not in our registry).
 *
 * Reads `app`, `output` and `context` from cdk.json and the context in cdk.context.json, adds `-c key=value` flags,
 * runs the app with the merged context in `CDK_CONTEXT_JSON` and the output folder in `CDK_OUTDIR` (the protocol the
 * CLI uses), and lists the stacks written. Precedence, as in the CLI: `-c` flags, then cdk.json, then
 * cdk.context.json. A `-c` value is a string, as with the CLI; `-c ecs-event-ops='{"regions":[...]}'` is parsed as
 * JSON by the app.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';

const ROOT = path.resolve(__dirname, '..');

/** Names a synth writes into the output folder. */
const ASSEMBLY_ENTRY = /^(asset\.[0-9a-f]+|tree\.json|manifest\.json|cdk\.out|.+\.template\.json|.+\.assets\.json)$/;

class UsageError extends Error {
  override readonly name = 'UsageError';
}

function readJson(file: string): Record<string, unknown> | undefined {
  if (!fs.existsSync(file)) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (cause) {
    throw new UsageError(`${path.basename(file)} is not valid JSON: ${(cause as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new UsageError(`${path.basename(file)} must hold a JSON object`);
  }
  return value as Record<string, unknown>;
}

function objectAt(source: Record<string, unknown> | undefined, key: string, file: string): Record<string, unknown> {
  const value = source?.[key];
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new UsageError(`${file} "${key}" must be an object, got ${JSON.stringify(value)}`);
  }
  return value as Record<string, unknown>;
}

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
    throw new UsageError(`${(cause as Error).message}. Usage: npm run synth -- [-c key=value ...] [-o dir] [-q]`);
  }
  const context: Record<string, string> = {};
  for (const pair of (parsed.values.context as string[] | undefined) ?? []) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new UsageError(`-c "${pair}" is not valid: expected key=value`);
    context[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return { context, output: parsed.values.output as string | undefined, quiet: parsed.values.quiet === true };
}

/** Merges the context sources with the CLI's precedence: flags, then cdk.json, then cdk.context.json. */
export function mergeContext(projectRoot: string, flags: Record<string, string>): Record<string, unknown> {
  const cdkJson = readJson(path.join(projectRoot, 'cdk.json'));
  const contextJson = readJson(path.join(projectRoot, 'cdk.context.json'));
  return { ...(contextJson ?? {}), ...objectAt(cdkJson, 'context', 'cdk.json'), ...flags };
}

function main(): number {
  const args = parseSynthArgs(process.argv.slice(2));
  const cdkJson = readJson(path.join(ROOT, 'cdk.json'));
  const app = cdkJson?.app;
  if (typeof app !== 'string' || app.trim() === '')
    throw new UsageError('cdk.json "app" must be the command that runs the app');
  const output = path.resolve(ROOT, args.output ?? (typeof cdkJson?.output === 'string' ? cdkJson.output : 'cdk.out'));
  // A stale assembly would keep stacks of regions no longer configured: start from an empty folder, but only delete
  // a folder that holds nothing but what a synth writes (a failed synth leaves a partial assembly).
  if (fs.existsSync(output)) {
    const foreign = fs.readdirSync(output).filter((entry) => !ASSEMBLY_ENTRY.test(entry));
    if (foreign.length > 0) {
      throw new UsageError(
        `output folder ${output} holds files a synth does not write (${foreign.slice(0, 3).join(', ')}); refusing to delete it`,
      );
    }
    fs.rmSync(output, { recursive: true, force: true });
  }
  const context = mergeContext(ROOT, args.context);
  const run = spawnSync(app, {
    cwd: ROOT,
    shell: true,
    stdio: 'inherit',
    env: { ...process.env, CDK_CONTEXT_JSON: JSON.stringify(context), CDK_OUTDIR: output },
  });
  if (run.status !== 0) return run.status ?? 1;
  const manifest = readJson(path.join(output, 'manifest.json'));
  const artifacts = objectAt(manifest, 'artifacts', 'manifest.json');
  const stacks = Object.entries(artifacts).filter(([, a]) => (a as { type?: string }).type === 'aliyun:ros:stack');
  if (!args.quiet) {
    for (const [name, artifact] of stacks) {
      const file = (artifact as { properties?: { templateFile?: string } }).properties?.templateFile;
      process.stdout.write(`${name}: ${path.relative(ROOT, path.join(output, file ?? ''))}\n`);
    }
  }
  return 0;
}

if (require.main === module) {
  try {
    process.exitCode = main();
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`synth: ${error.message}\n`);
    process.exitCode = 1;
  }
}
