import * as fs from 'node:fs';
import * as path from 'node:path';
import { groupTemplateName } from '../../contract/naming';
import type { CodeManifest } from '../code/manifest';
import { readCodeManifest } from '../code/read';
import type { RosTemplate } from './template';

/**
 * The one reader of a cloud assembly (what `npm run synth -- -o <dir>` writes): `manifest.json` lists the stack
 * artifacts (`aliyun:ros:stack`, each with its `templateFile`); each stack may have a code manifest
 * (`<stack>.code.json`, lib/code/manifest.ts). Used at synth by the policy checks and by every operator tool.
 */

/** A cloud assembly cannot be read; the message names the folder or file and what is wrong. */
export class AssemblyError extends Error {
  override readonly name = 'AssemblyError';
}

/** The template parameter whose default names a stack's region (added by the region guard of the region stacks). */
export const STACK_REGION_PARAMETER = 'StackRegion';

/** One ROS stack of an assembly. */
export interface AssemblyStack {
  /** Artifact id, which is the stack name, e.g. `ecs-event-ops-cn-hangzhou`. */
  readonly name: string;
  /** The template file, relative to the assembly folder. */
  readonly templateFile: string;
  readonly template: RosTemplate;
  /** The stack's region: the default of its `StackRegion` parameter; undefined for a stack without one. */
  readonly region?: string;
  /** Its code manifest (code objects of its functions); undefined for a stack without functions. */
  readonly code?: CodeManifest;
  /**
   * Set when this is not a stack but the template a stack group deploys (the `TemplateBody` of an
   * `ALIYUN::ROS::StackGroup` of `stack`), read as a stack of its own, named `<stack>-template`
   * (contract/naming.ts `groupTemplateName`), so that the policy and the diff look inside it. A change to it is a
   * rollout to every account and region of the group.
   * @default - a stack of the assembly
   */
  readonly groupOf?: { readonly stack: string; readonly logicalId: string };
}

/** Options of {@link readAssembly}. */
export interface ReadAssemblyOptions {
  /**
   * Also read the template each stack group deploys as a stack of its own, right after the stack that declares the
   * group ({@link AssemblyStack.groupOf}): for the tools that review templates (policy, diff); a tool that deploys or
   * replays stacks leaves it out.
   * @default false
   */
  readonly groupTemplates?: boolean;
}

/** A read cloud assembly. */
export interface Assembly {
  /** The folder, absolute. */
  readonly dir: string;
  /** The stacks, in manifest order. */
  readonly stacks: readonly AssemblyStack[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readJsonFile(file: string, what: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (cause) {
    throw new AssemblyError(`cannot read the ${what} ${file}: ${(cause as Error).message}`, { cause });
  }
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new AssemblyError(`the ${what} ${file} is not valid JSON: ${(cause as Error).message}`, { cause });
  }
}

/**
 * Reads every ROS stack of the cloud assembly in `dir`, with its template, region and code manifest (and, with
 * `groupTemplates`, the templates of its stack groups).
 *
 * @throws AssemblyError when the folder, its manifest.json or a template is missing or not valid JSON, or the
 *   manifest lists no stack
 * @example readAssembly('cdk.out').stacks.find((s) => s.region === 'cn-hangzhou')?.template.Resources
 */
export function readAssembly(dir: string, options: ReadAssemblyOptions = {}): Assembly {
  const root = path.resolve(dir);
  const manifestFile = path.join(root, 'manifest.json');
  if (!fs.existsSync(root)) throw new AssemblyError(`no cloud assembly at ${root}: the folder does not exist`);
  if (!fs.existsSync(manifestFile)) {
    throw new AssemblyError(
      `no cloud assembly at ${root}: ${manifestFile} is missing (write one with "npm run synth")`,
    );
  }
  const manifest = readJsonFile(manifestFile, 'cloud assembly manifest');
  const artifacts = isRecord(manifest) && isRecord(manifest.artifacts) ? manifest.artifacts : {};
  const stacks: AssemblyStack[] = [];
  for (const [name, artifact] of Object.entries(artifacts)) {
    if (!isRecord(artifact) || artifact.type !== 'aliyun:ros:stack') continue;
    const properties = isRecord(artifact.properties) ? artifact.properties : {};
    const templateFile =
      typeof properties.templateFile === 'string' ? properties.templateFile : `${name}.template.json`;
    const template = readJsonFile(path.join(root, templateFile), 'template');
    if (!isRecord(template)) {
      throw new AssemblyError(`the template ${path.join(root, templateFile)} does not hold a template object`);
    }
    const guard = isRecord(template.Parameters) ? template.Parameters[STACK_REGION_PARAMETER] : undefined;
    const region = isRecord(guard) && typeof guard.Default === 'string' ? guard.Default : undefined;
    stacks.push({
      name,
      templateFile,
      template: template as RosTemplate,
      region,
      code: readCodeManifest(root, name),
    });
    if (options.groupTemplates === true) stacks.push(...groupTemplates(name, templateFile, template as RosTemplate));
  }
  if (stacks.length === 0) throw new AssemblyError(`cloud assembly ${root} holds no stack (manifest.json lists none)`);
  return { dir: root, stacks };
}

/** The ROS type of a stack group. */
export const STACK_GROUP_TYPE = 'ALIYUN::ROS::StackGroup';

/**
 * The templates the stack groups of a stack deploy (their inline `TemplateBody`), each as a stack of its own: named
 * `<stack>-template` for the group `StackGroup` (lib/fleet), `<stack>-<logicalId>-template` for any other.
 */
function groupTemplates(stack: string, templateFile: string, template: RosTemplate): AssemblyStack[] {
  const out: AssemblyStack[] = [];
  for (const [logicalId, resource] of Object.entries(template.Resources ?? {})) {
    if (!isRecord(resource) || resource.Type !== STACK_GROUP_TYPE) continue;
    const body = isRecord(resource.Properties) ? resource.Properties.TemplateBody : undefined;
    if (!isRecord(body)) continue;
    out.push({
      name: groupTemplateName(logicalId === 'StackGroup' ? stack : `${stack}-${logicalId}`),
      templateFile,
      template: body as RosTemplate,
      groupOf: { stack, logicalId },
    });
  }
  return out;
}
