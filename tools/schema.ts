/**
 * `npm run schema`: writes the JSON Schema of the configuration to schema/ecs-event-ops.schema.json (generated from
 * the zod schema, lib/config/json-schema.ts). A test fails when the committed file differs from what this writes.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { configJsonSchemaText, JSON_SCHEMA_FILE } from '../lib/config/json-schema';

const file = path.join(__dirname, '..', JSON_SCHEMA_FILE);
fs.mkdirSync(path.dirname(file), { recursive: true });
fs.writeFileSync(file, configJsonSchemaText());
process.stdout.write(`wrote ${JSON_SCHEMA_FILE}\n`);
