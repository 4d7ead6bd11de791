import { z } from 'zod';
import { CONTEXT_KEY, contextSchema } from './schema';

/** Where `npm run schema` writes the JSON Schema, relative to the project root. */
export const JSON_SCHEMA_FILE = 'schema/ecs-event-ops.schema.json';

/**
 * The JSON Schema (draft 2020-12) of the configuration, generated from the zod schema that `loadConfig` parses with
 * (`z.toJSONSchema`, https://zod.dev/json-schema), for editors to complete and check it.
 *
 * It describes a whole context file: the `ecs-event-ops` key of `cdk.context.json`, and the same key under
 * `context` of `cdk.json`, both referring to one definition; other keys are left alone. What JSON Schema cannot say
 * is checked by synth only: event patterns against the catalogue, cross-field rules (the IA transition before the
 * expiry, a region block only for a listed region, unique scaling groups and rule names), declared rule targets.
 */
export function configJsonSchema(): Record<string, unknown> {
  // `reused: 'ref'`: the settings block, written once per region id, is one definition referred to 30 times.
  const { $schema, $defs, ...config } = z.toJSONSchema(contextSchema, {
    io: 'input',
    unrepresentable: 'any',
    reused: 'ref',
  }) as Record<string, unknown>;
  const ref = { $ref: '#/$defs/config' };
  return {
    $schema,
    $id: 'https://github.com/ecs-event-ops/ecs-event-ops/schema/ecs-event-ops.schema.json',
    title: 'ecs-event-ops configuration (cdk.json context or cdk.context.json)',
    type: 'object',
    properties: { [CONTEXT_KEY]: ref, context: { type: 'object', properties: { [CONTEXT_KEY]: ref } } },
    $defs: { ...($defs as Record<string, unknown>), config },
  };
}

/** The file content of {@link JSON_SCHEMA_FILE}: the schema, two-space indented, with a final newline. */
export function configJsonSchemaText(): string {
  return `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
}
