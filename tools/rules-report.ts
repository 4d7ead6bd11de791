#!/usr/bin/env node
/**
 * `npm run rules:report [-- --assembly cdk.out]`: prints, per region stack of a synthesized cloud assembly, a
 * Markdown matrix of rules × event types (see `rulesReport`), for the README and pull-request reviews.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import * as cxapi from '@alicloud/ros-cdk-cxapi';
import { UNCATALOGUED_METADATA_KEY } from '../lib/constructs/event-rule';
import { type ReportStack, rulesReport } from '../lib/patterns/routing';

class UsageError extends Error {
  override readonly name = 'UsageError';
}

interface RuleResource {
  readonly Type: string;
  readonly Properties?: { readonly RuleName?: unknown; readonly FilterPattern?: unknown };
  readonly Metadata?: Record<string, { readonly types?: readonly string[] } | undefined>;
}

/** The rules of every stack of the assembly in `dir`. */
export function readRules(dir: string): ReportStack[] {
  if (!fs.existsSync(path.join(dir, 'manifest.json'))) {
    throw new UsageError(`no cloud assembly in ${dir}: run "npm run synth" first, or pass --assembly <dir>`);
  }
  const assembly = new cxapi.CloudAssembly(dir);
  return assembly.stacks.map((stack) => {
    const resources = (stack.template as { Resources?: Record<string, RuleResource> }).Resources ?? {};
    const rules = Object.values(resources)
      .filter((r) => r.Type === 'ALIYUN::EventBridge::Rule')
      .map((r) => ({
        name: String(r.Properties?.RuleName),
        pattern: r.Properties?.FilterPattern,
        uncatalogued: r.Metadata?.[UNCATALOGUED_METADATA_KEY]?.types,
      }));
    return { name: stack.stackName, rules };
  });
}

/** The longest common prefix of the names that ends with "-" (empty for fewer than two names). */
export function namePrefix(names: readonly string[]): string {
  if (names.length < 2) return '';
  let prefix = names[0];
  for (const name of names) while (!name.startsWith(prefix)) prefix = prefix.slice(0, -1);
  return prefix.slice(0, prefix.lastIndexOf('-') + 1);
}

function main(argv: readonly string[]): void {
  let values: { assembly?: string };
  try {
    ({ values } = parseArgs({ args: [...argv], options: { assembly: { type: 'string' } }, strict: true }));
  } catch (cause) {
    throw new UsageError(`${(cause as Error).message}. Usage: npm run rules:report -- [--assembly <dir>]`);
  }
  const stacks = readRules(path.resolve(values.assembly ?? 'cdk.out'));
  const prefix = namePrefix(stacks.flatMap((s) => s.rules.map((r) => r.name)));
  process.stdout.write(`## Rules × event types\n\n${rulesReport(stacks, prefix)}`);
}

if (require.main === module) {
  try {
    main(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`rules:report: ${error.message}\n`);
    process.exitCode = 1;
  }
}
