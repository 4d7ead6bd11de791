#!/usr/bin/env node
/**
 * `npm run rules:test -- --pattern <json or @file> [--event <file> ...] [--json]`: the local equivalent of the
 * cloud's TestEventPattern (lib/patterns/rules-test.ts). Exit 0 when the pattern is valid, 1 when it is not, 2 for a
 * usage error. Imports only the pattern modules and the CLI kit, so that it starts fast.
 */
import * as fs from 'node:fs';
import { formatResult, testPattern } from '../lib/patterns/rules-test';
import { defineTool, repeatable, runMain, ToolFailure, UsageError } from '../ops/cli';

function readJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ToolFailure(`${what} is not JSON: ${(error as Error).message}`);
  }
}

function readFile(file: string, what: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new ToolFailure(`cannot read ${what} ${file}: ${(error as Error).message}`);
  }
}

/** The `npm run rules:test` tool. */
export const rulesTestTool = defineTool({
  name: 'rules:test',
  summary: "Checks an event pattern with the service's grammar and the event catalogue, and matches it against events.",
  usage: '--pattern <json or @file> [--event <file> ...] [--json]',
  examples: [
    'npm run rules:test -- --pattern \'{"source":["acs.ecs"]}\' --event test/fixtures/events/acs.ecs/instance-statechange-stopped.json',
  ],
  json: true,
  notes: 'Exit codes: 0 a valid pattern; 1 an invalid pattern (or an unreadable file); 2 a usage error.',
  configure: (command) =>
    command
      .option('--pattern <json>', 'the pattern, as JSON text or @file')
      .addOption(repeatable('--event <file>', 'an event to match (repeatable)')),
  run: (context) => {
    const text = context.options.string('pattern');
    if (text === undefined) throw new UsageError('--pattern is required');
    const pattern = readJson(text.startsWith('@') ? readFile(text.slice(1), 'pattern file') : text, 'the pattern');
    const files = context.options.strings('event');
    const events = files.map((file) => readJson(readFile(file, 'event file'), `event file ${file}`));
    const results = testPattern(pattern, events);
    if (context.json) context.printJson(results.length === 1 && files.length <= 1 ? results[0] : results);
    else
      results.forEach((r, i) => {
        context.io.stdout(formatResult(r, files[i]));
      });
    return results[0].valid ? 0 : 1;
  },
});

if (require.main === module) runMain(rulesTestTool);
