import * as fs from 'node:fs';
import * as path from 'node:path';
import * as cxapi from '@alicloud/ros-cdk-cxapi';

/** A ROS template as the diff reads it: sections by name. */
export type Template = Readonly<Record<string, unknown>>;

/** The stacks of a cloud assembly: templates by stack name. */
export type AssemblyTemplates = ReadonlyMap<string, Template>;

/** A cloud assembly cannot be read; the message names the folder or file and what is wrong. */
export class AssemblyError extends Error {
  override readonly name = 'AssemblyError';
}

/**
 * Reads the template of every ROS stack of the cloud assembly in `dir` (what `npm run synth -- -o <dir>` writes).
 *
 * @throws AssemblyError when the folder, its manifest.json or a template is missing or not valid JSON.
 * @example readAssembly('cdk.out').get('ecs-event-ops-cn-hangzhou')?.Resources
 */
export function readAssembly(dir: string): AssemblyTemplates {
  const manifest = path.join(dir, 'manifest.json');
  if (!fs.existsSync(dir)) throw new AssemblyError(`no cloud assembly at ${dir}: the folder does not exist`);
  if (!fs.existsSync(manifest)) {
    throw new AssemblyError(`no cloud assembly at ${dir}: ${manifest} is missing (write one with "npm run synth")`);
  }
  // CloudAssembly's own parse error does not name the file.
  parseJsonFile(manifest);
  let assembly: cxapi.CloudAssembly;
  try {
    assembly = new cxapi.CloudAssembly(dir);
  } catch (cause) {
    throw new AssemblyError(`cannot read the cloud assembly at ${dir}: ${(cause as Error).message}`, { cause });
  }
  const templates = new Map<string, Template>();
  for (const stack of assembly.stacks) {
    const value = parseJsonFile(path.join(dir, stack.templateFile));
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new AssemblyError(`${path.join(dir, stack.templateFile)} does not hold a template object`);
    }
    templates.set(stack.stackName, value as Template);
  }
  return templates;
}

function parseJsonFile(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (cause) {
    throw new AssemblyError(`cannot read ${file}: ${(cause as Error).message}`, { cause });
  }
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new AssemblyError(`${file} is not valid JSON: ${(cause as Error).message}`, { cause });
  }
}
