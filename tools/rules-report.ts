#!/usr/bin/env node
/**
 * `npm run rules:report [-- --assembly cdk.out] [--json]`: prints, per region stack of a synthesized cloud assembly,
 * a Markdown matrix of rules × event types (see `rulesReport`), for the README and pull-request reviews; `--json`
 * prints the same routes as data.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AssemblyError, readAssembly } from '../lib/assembly';
import { UNCATALOGUED_METADATA_KEY } from '../lib/constructs/event-rule';
import { type ReportStack, routedTypes, rulesReport } from '../lib/patterns/routing';
import { defineTool, runMain, ToolFailure } from '../ops/cli';

/**
 * The rules of every stack of the assembly in `dir`, read with the one assembly reader (lib/assembly).
 *
 * @throws ToolFailure when `dir` holds no cloud assembly
 */
export function readRules(dir: string): ReportStack[] {
  if (!fs.existsSync(path.join(dir, 'manifest.json'))) {
    throw new ToolFailure(`no cloud assembly in ${dir}: run "npm run synth" first, or pass --assembly <dir>`);
  }
  return readAssembly(dir).stacks.map((stack) => {
    const rules = Object.values(stack.template.Resources ?? {})
      .filter((r) => r.Type === 'ALIYUN::EventBridge::Rule')
      .map((r) => {
        const escapeHatch = r.Metadata?.[UNCATALOGUED_METADATA_KEY];
        const types =
          typeof escapeHatch === 'object' && escapeHatch !== null
            ? (escapeHatch as { types?: unknown }).types
            : undefined;
        return {
          name: String(r.Properties?.RuleName),
          pattern: r.Properties?.FilterPattern,
          uncatalogued: Array.isArray(types) ? types.filter((t): t is string => typeof t === 'string') : undefined,
        };
      });
    return { name: stack.name, rules };
  });
}

/** The longest common prefix of the names that ends with "-" (empty for fewer than two names). */
export function namePrefix(names: readonly string[]): string {
  if (names.length < 2) return '';
  let prefix = names[0];
  for (const name of names) while (!name.startsWith(prefix)) prefix = prefix.slice(0, -1);
  return prefix.slice(0, prefix.lastIndexOf('-') + 1);
}

/** The `--json` output: per stack, per rule, the catalogue types it routes and the fields it further filters on. */
export interface RulesReportJson {
  readonly stacks: readonly {
    readonly name: string;
    readonly rules: readonly {
      readonly name: string;
      readonly routes: readonly { readonly type: string; readonly conditions: readonly string[] }[];
      readonly uncatalogued: readonly string[];
    }[];
  }[];
}

/** The routes of `stacks` as data. */
export function rulesReportJson(stacks: readonly ReportStack[]): RulesReportJson {
  return {
    stacks: stacks.map((stack) => ({
      name: stack.name,
      rules: stack.rules.map((rule) => ({
        name: rule.name,
        routes: routedTypes(rule.pattern).map((r) => ({ type: r.spec.type, conditions: r.conditions })),
        uncatalogued: rule.uncatalogued ?? [],
      })),
    })),
  };
}

/** The `npm run rules:report` tool. */
export const rulesReportTool = defineTool({
  name: 'rules:report',
  summary: 'Prints, per region stack of a synthesized cloud assembly, a Markdown matrix of rules × event types.',
  usage: '[--assembly <dir>] [--json]',
  examples: ['npm run rules:report', 'npm run rules:report -- --assembly cdk.out --json'],
  json: true,
  configure: (command) => command.option('--assembly <dir>', 'the cloud assembly (default: cdk.out)'),
  failures: [AssemblyError],
  run: (context) => {
    const stacks = readRules(path.resolve(context.options.string('assembly') ?? 'cdk.out'));
    if (context.json) {
      context.printJson(rulesReportJson(stacks));
      return 0;
    }
    const prefix = namePrefix(stacks.flatMap((s) => s.rules.map((r) => r.name)));
    context.io.stdout(`## Rules × event types\n\n${rulesReport(stacks, prefix)}`);
    return 0;
  },
});

if (require.main === module) runMain(rulesReportTool);
