#!/usr/bin/env node
/**
 * `npm run policy [-- --assembly cdk.out] [-c key=value ...] [--json]`: runs the synth-time policy (lib/policy) over
 * an existing cloud assembly, with the configuration of cdk.json, cdk.context.json and `-c` flags (for the bundle
 * budgets and the suppressions), and prints every finding, suppressed finding and unused suppression.
 * Exit code 1 when there is a finding, 2 for a usage error.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConfigError } from '../lib/config';
import { ContextSourceError } from '../lib/config/context';
import { loadProjectConfig } from '../lib/config/project';
import { formatPolicyReport } from '../lib/policy';
import { checkAssembly } from '../lib/policy/check-assembly';
import { contextOption, defineTool, parseContextPairs, runMain, ToolFailure } from '../ops/cli';

const ROOT = path.resolve(__dirname, '..');

/** The `npm run policy` tool; `--json` prints the PolicyReport (findings, suppressed, unused). */
export const policyTool = defineTool({
  name: 'policy',
  summary:
    'Runs the synth-time policy checks over an existing cloud assembly, with the configuration of cdk.json, ' +
    'cdk.context.json and -c flags.',
  usage: '[--assembly <dir>] [-c key=value ...] [--json]',
  examples: ['npm run policy', 'npm run policy -- --assembly cdk.out -c ecs-event-ops=\'{"regions":["cn-hangzhou"]}\''],
  json: true,
  notes: 'Exit codes: 0 no finding; 1 a finding (or an unreadable assembly or configuration); 2 a usage error.',
  failures: [ConfigError, ContextSourceError],
  configure: (command) =>
    command.option('--assembly <dir>', 'the cloud assembly (default: cdk.out)').addOption(contextOption()),
  run: (context) => {
    const flags = parseContextPairs(context.options.strings('context'));
    const dir = path.resolve(context.options.string('assembly') ?? path.join(ROOT, 'cdk.out'));
    if (!fs.existsSync(path.join(dir, 'manifest.json'))) {
      throw new ToolFailure(`no cloud assembly in ${dir}: run "npm run synth" first, or pass --assembly <dir>`);
    }
    // The configuration exactly as synth reads it (whole-key and dotted-key overrides included).
    const config = loadProjectConfig(ROOT, flags);
    const report = checkAssembly(dir, config);
    if (context.json) context.printJson(report);
    else context.io.stdout(formatPolicyReport(report));
    return report.findings.length > 0 ? 1 : 0;
  },
});

if (require.main === module) runMain(policyTool);
