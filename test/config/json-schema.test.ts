import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { configJsonSchema, configJsonSchemaText, JSON_SCHEMA_FILE } from '../../lib/config/json-schema';
import { SETTING_KEYS } from '../../lib/config/schema';
import { bufferIo, runTool } from '../../ops/cli';
import { schemaTool } from '../../tools/schema';

type Node = { $ref?: string; properties?: Record<string, Node>; additionalProperties?: unknown };

describe('the JSON Schema of the configuration', () => {
  test('is committed exactly as npm run schema writes it (run "npm run schema" after changing lib/config)', () => {
    const committed = fs.readFileSync(path.join(__dirname, '..', '..', JSON_SCHEMA_FILE), 'utf8');

    assert.equal(committed, configJsonSchemaText());
  });

  test('describes the key in cdk.context.json and under context in cdk.json, with every setting and region block', () => {
    const schema = configJsonSchema() as { properties: Record<string, Node>; $defs: Record<string, Node> };

    assert.deepEqual(schema.properties['ecs-event-ops'], { $ref: '#/$defs/config' });
    assert.deepEqual(schema.properties.context.properties?.['ecs-event-ops'], { $ref: '#/$defs/config' });
    const config = schema.$defs.config;
    assert.equal(config.additionalProperties, false);
    for (const key of [...SETTING_KEYS, 'regions', 'namePrefix', 'policy', 'cn-shanghai']) {
      assert.ok(config.properties?.[key], `no property ${key}`);
    }
    const block = config.properties?.['cn-shanghai'].$ref?.replace('#/$defs/', '') ?? '';
    assert.ok(schema.$defs[block]?.properties?.rules, 'a region block has rules');
  });

  test('npm run schema -- --check passes on the committed file and writes nothing', async () => {
    const io = bufferIo();

    const code = await runTool(schemaTool, ['--check'], io, { env: {} });

    assert.equal(code, 0);
    assert.equal(io.out(), `${JSON_SCHEMA_FILE} is up to date\n`);
  });
});
