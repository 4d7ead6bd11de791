#!/usr/bin/env node
/**
 * `npm run policy [-- --assembly cdk.out] [-c key=value ...]`: runs the synth-time policy (lib/policy) over an
 * existing cloud assembly, with the configuration of cdk.json, cdk.context.json and `-c` flags (for the bundle
 * budgets and the suppressions), and prints every finding, suppressed finding and unused suppression.
 * Exit code 1 when there is a finding.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { CONTEXT_KEY, ConfigError, loadConfig } from '../lib/config';
import { formatPolicyReport } from '../lib/policy';
import { checkAssembly } from '../lib/policy/check-assembly';
import { mergeContext } from './synth';

const ROOT = path.resolve(__dirname, '..');

function main(argv: readonly string[]): number {
  let values: { assembly?: string; context?: string[] };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: { assembly: { type: 'string' }, context: { type: 'string', short: 'c', multiple: true } },
      strict: true,
    }));
  } catch (cause) {
    process.stderr.write(
      `policy: ${(cause as Error).message}. Usage: npm run policy -- [--assembly <dir>] [-c key=value ...]\n`,
    );
    return 1;
  }
  const dir = path.resolve(values.assembly ?? path.join(ROOT, 'cdk.out'));
  if (!fs.existsSync(path.join(dir, 'manifest.json'))) {
    process.stderr.write(`policy: no cloud assembly in ${dir}: run "npm run synth" first, or pass --assembly <dir>\n`);
    return 1;
  }
  const bad = (values.context ?? []).find((pair) => pair.indexOf('=') <= 0);
  if (bad !== undefined) {
    process.stderr.write(`policy: -c "${bad}" is not valid: expected key=value\n`);
    return 1;
  }
  const flags = Object.fromEntries(
    (values.context ?? []).map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
  );
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(mergeContext(ROOT, flags)[CONTEXT_KEY]);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    return 1;
  }
  const report = checkAssembly(dir, config);
  process.stdout.write(formatPolicyReport(report));
  return report.findings.length > 0 ? 1 : 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
