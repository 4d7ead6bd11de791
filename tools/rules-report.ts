#!/usr/bin/env node
/**
 * `npm run rules:report [-- --assembly cdk.out] [--format markdown|mermaid|json]`: prints, per region stack of a
 * synthesized cloud assembly, a Markdown matrix of rules × event types (see `rulesReport`), for the README and
 * pull-request reviews; `--format mermaid` draws event types → rules → automations → dead-letter queues as a Mermaid
 * flowchart per stack (see `routingMermaid`); `--json` (`--format json`) prints the routes as data.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AssemblyError, readAssembly, reportStackOf } from '../lib/assembly';
import { routingMermaidMarkdown } from '../lib/patterns/mermaid';
import { namePrefix, type ReportStack, routedTypes, rulesReport } from '../lib/patterns/routing';
import { defineTool, runMain, ToolFailure, UsageError } from '../ops/cli';

/** Re-exported: the prefix cut from rule names in the report (lib/patterns/routing). */
export { namePrefix };

/**
 * The rules of every stack of the assembly in `dir`, read with the one assembly reader (lib/assembly).
 *
 * @throws ToolFailure when `dir` holds no cloud assembly
 */
export function readRules(dir: string): ReportStack[] {
  if (!fs.existsSync(path.join(dir, 'manifest.json'))) {
    throw new ToolFailure(`no cloud assembly in ${dir}: run "npm run synth" first, or pass --assembly <dir>`);
  }
  return readAssembly(dir).stacks.map((stack) => reportStackOf(stack.name, stack.template));
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

/** The formats of `--format`. */
export const REPORT_FORMATS = ['markdown', 'mermaid', 'json'] as const;

/**
 * The checked `--format` (`--json` is `--format json`).
 *
 * @throws UsageError when the format is not one of {@link REPORT_FORMATS}, or contradicts `--json`
 */
export function reportFormat(value: string | undefined, json: boolean): (typeof REPORT_FORMATS)[number] {
  const format = value ?? (json ? 'json' : 'markdown');
  const known = REPORT_FORMATS.find((f) => f === format);
  if (known === undefined) {
    throw new UsageError([`--format "${format}" is not valid: one of ${REPORT_FORMATS.join(', ')}`]);
  }
  if (json && known !== 'json') throw new UsageError([`--json contradicts --format ${known}: give one of them`]);
  return known;
}

/** The `npm run rules:report` tool. */
export const rulesReportTool = defineTool({
  name: 'rules:report',
  summary: 'Prints, per region stack of a synthesized cloud assembly, a Markdown matrix of rules × event types.',
  usage: '[--assembly <dir>] [--format markdown|mermaid|json | --json]',
  examples: [
    'npm run rules:report',
    'npm run rules:report -- --format mermaid',
    'npm run rules:report -- --assembly cdk.out --json',
  ],
  json: true,
  configure: (command) =>
    command
      .option('--assembly <dir>', 'the cloud assembly (default: cdk.out)')
      .option('--format <format>', 'markdown (rules × event types), mermaid (a flowchart) or json (default: markdown)'),
  failures: [AssemblyError],
  run: (context) => {
    const format = reportFormat(context.options.string('format'), context.json);
    const stacks = readRules(path.resolve(context.options.string('assembly') ?? 'cdk.out'));
    if (format === 'json') {
      context.printJson(rulesReportJson(stacks));
      return 0;
    }
    const prefix = namePrefix(stacks.flatMap((s) => s.rules.map((r) => r.name)));
    if (format === 'mermaid') {
      context.io.stdout(`## Routing\n\n${routingMermaidMarkdown(stacks, prefix)}`);
      return 0;
    }
    context.io.stdout(`## Rules × event types\n\n${rulesReport(stacks, prefix)}`);
    return 0;
  },
});

if (require.main === module) runMain(rulesReportTool);
