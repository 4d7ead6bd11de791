import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { AssemblyError, readAssembly, resourceStrings } from '../../lib/assembly';
import { synthAssembly } from '../diff/assemblies';

function tempAssembly(manifest: string | undefined, templates: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eeo-assembly-'));
  if (manifest !== undefined) fs.writeFileSync(path.join(dir, 'manifest.json'), manifest);
  for (const [file, text] of Object.entries(templates)) fs.writeFileSync(path.join(dir, file), text);
  return dir;
}

const stackManifest = (name: string) =>
  JSON.stringify({
    version: '1',
    artifacts: { [name]: { type: 'aliyun:ros:stack', properties: { templateFile: `${name}.template.json` } } },
  });

describe('readAssembly', () => {
  test('reads every stack of a synthesized assembly with its template, region and code objects', () => {
    const dir = synthAssembly();

    const assembly = readAssembly(dir);

    const stack = assembly.stacks.find((s) => s.region === 'cn-hangzhou');
    assert.ok(stack, 'a stack for cn-hangzhou');
    assert.equal(stack.name, 'ecs-event-ops-cn-hangzhou');
    assert.ok(Object.keys(stack.template.Resources ?? {}).length > 0);
    assert.ok((stack.code?.objects.length ?? 0) > 0);
    assert.ok(resourceStrings(stack.template, 'ALIYUN::MNS::Queue', 'QueueName').includes('ecs-event-ops-notify-dlq'));
  });

  test('refuses a folder without manifest.json, naming the file', () => {
    const dir = tempAssembly(undefined, {});

    assert.throws(
      () => readAssembly(dir),
      (e: Error) => e instanceof AssemblyError && e.message.includes(path.join(dir, 'manifest.json')),
    );
  });

  test('refuses a template that is not valid JSON, naming the file', () => {
    const dir = tempAssembly(stackManifest('s'), { 's.template.json': '{"Resources": ' });

    assert.throws(
      () => readAssembly(dir),
      (e: Error) => e instanceof AssemblyError && /s\.template\.json is not valid JSON/.test(e.message),
    );
  });

  test('reads a stack without a StackRegion parameter with an undefined region', () => {
    const dir = tempAssembly(stackManifest('fleet'), { 'fleet.template.json': '{"Resources": {}}' });

    const assembly = readAssembly(dir);

    assert.equal(assembly.stacks.length, 1);
    assert.equal(assembly.stacks[0].name, 'fleet');
    assert.equal(assembly.stacks[0].region, undefined);
    assert.equal(assembly.stacks[0].code, undefined);
  });
});
