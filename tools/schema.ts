/**
 * `npm run schema [-- --check]`: writes the JSON Schema of the configuration to schema/ecs-event-ops.schema.json
 * (generated from the zod schema, lib/config/json-schema.ts); `--check` only says whether the committed file is up to
 * date. A test fails when the committed file differs from what this writes.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { configJsonSchemaText, JSON_SCHEMA_FILE } from '../lib/config/json-schema';
import { defineTool, runMain, ToolFailure } from '../ops/cli';

/** The `npm run schema` tool. */
export const schemaTool = defineTool({
  name: 'schema',
  summary: `Writes the JSON Schema of the configuration to ${JSON_SCHEMA_FILE}, for editors.`,
  usage: '[--check]',
  examples: ['npm run schema', 'npm run schema -- --check'],
  configure: (command) => command.option('--check', 'fail when the committed file is out of date; write nothing'),
  run: (context) => {
    const file = path.join(__dirname, '..', JSON_SCHEMA_FILE);
    const text = configJsonSchemaText();
    if (context.options.flag('check')) {
      const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
      if (current !== text) throw new ToolFailure(`${JSON_SCHEMA_FILE} is out of date: run "npm run schema"`);
      context.io.stdout(`${JSON_SCHEMA_FILE} is up to date\n`);
      return 0;
    }
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    context.io.stdout(`wrote ${JSON_SCHEMA_FILE}\n`);
    return 0;
  },
});

if (require.main === module) runMain(schemaTool);
