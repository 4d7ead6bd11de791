import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { unzipSync } from 'fflate';
import { CODE_MANIFEST_VERSION, type CodeManifest, type CodeObject, codeManifestFile } from './manifest';

/** A code manifest or zip of an assembly is missing or damaged. */
export class CodeManifestError extends Error {
  override readonly name = 'CodeManifestError';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads and checks `<stack>.code.json` of a stack artifact, or returns undefined when the stack has none (a stack with
 * no function).
 */
export function readCodeManifest(assemblyDir: string, artifactId: string): CodeManifest | undefined {
  const file = path.join(assemblyDir, codeManifestFile(artifactId));
  if (!fs.existsSync(file)) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (cause) {
    throw new CodeManifestError(`${file} is not valid JSON: ${(cause as Error).message}`, { cause });
  }
  const bad = (what: string) => new CodeManifestError(`${file}: ${what}; synthesize again with npm run synth`);
  if (!isRecord(value) || value.version !== CODE_MANIFEST_VERSION)
    throw bad(`not a version ${CODE_MANIFEST_VERSION} code manifest`);
  for (const key of ['qualifier', 'region', 'bucketName'] as const) {
    if (typeof value[key] !== 'string') throw bad(`"${key}" is not a string`);
  }
  if (value.fleet !== undefined) {
    const fleet = value.fleet;
    const ok =
      isRecord(fleet) &&
      Array.isArray(fleet.regions) &&
      fleet.regions.length > 0 &&
      fleet.regions.every((r) => typeof r === 'string' && /^[a-z]{2}(-[a-z0-9]+)+$/.test(r)) &&
      (fleet.codeSource === 'shared' || fleet.codeSource === 'per-account');
    if (!ok) throw bad('"fleet" is not { regions: [region ids], codeSource: "shared" | "per-account" }');
  }
  if (!Array.isArray(value.objects)) throw bad('"objects" is not a list');
  value.objects.forEach((o, i) => {
    const ok =
      isRecord(o) &&
      ['handler', 'key', 'file', 'sha256'].every((k) => typeof o[k] === 'string') &&
      typeof o.bytes === 'number' &&
      /^[0-9a-f]{64}$/.test(o.sha256 as string) &&
      !path.isAbsolute(o.file as string) &&
      !(o.file as string).split(/[\\/]/).includes('..');
    if (!ok) throw bad(`objects[${i}] is not a code object`);
  });
  return value as unknown as CodeManifest;
}

/** The zip of a code object, checked against its SHA-256. */
export function readCodeZip(assemblyDir: string, object: CodeObject): Buffer {
  const file = path.join(assemblyDir, object.file);
  if (!fs.existsSync(file)) throw new CodeManifestError(`${file} is missing; synthesize again with npm run synth`);
  const zip = fs.readFileSync(file);
  const sha256 = createHash('sha256').update(zip).digest('hex');
  if (sha256 !== object.sha256) {
    throw new CodeManifestError(`${file} has SHA-256 ${sha256}, the manifest says ${object.sha256}: synthesize again`);
  }
  return zip;
}

/** The `index.js` inside a code object's zip. */
export function readCodeIndexJs(assemblyDir: string, object: CodeObject): Uint8Array {
  const files = unzipSync(new Uint8Array(readCodeZip(assemblyDir, object)));
  const index = files['index.js'];
  if (index === undefined) throw new CodeManifestError(`${object.file} holds no index.js`);
  return index;
}

/**
 * A folder holding a code object's unpacked files, as FC lays them out, for running the handler locally (replay).
 * Content-addressed under the system's temporary folder, so it is unpacked once per machine and never inside the
 * assembly.
 */
export function unpackedCodeFolder(assemblyDir: string, object: CodeObject): string {
  const folder = path.join(os.tmpdir(), 'ecs-event-ops-code', object.sha256);
  const index = path.join(folder, 'index.js');
  if (!fs.existsSync(index)) {
    fs.mkdirSync(folder, { recursive: true });
    // Written under a unique name then renamed: two replays unpacking the same code never see half a file.
    const partial = `${index}.${process.pid}.partial`;
    fs.writeFileSync(partial, readCodeIndexJs(assemblyDir, object));
    fs.renameSync(partial, index);
  }
  return folder;
}

/** Every code object of every stack of an assembly, by object key. */
export function codeObjectsByKey(assemblyDir: string, artifactIds: readonly string[]): Map<string, CodeObject> {
  const out = new Map<string, CodeObject>();
  for (const id of artifactIds) {
    for (const object of readCodeManifest(assemblyDir, id)?.objects ?? []) out.set(object.key, object);
  }
  return out;
}
