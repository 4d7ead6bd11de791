import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConfigError, type ConfigProblem, render } from './errors';
import { CONTEXT_KEY } from './schema';

/**
 * How the context reaches the app, and how its sources combine: the `ros-cdk` CLI's rules, read from its source
 * (aliyun/Resource-Orchestration-Service-Cloud-Development-Kit, `packages/ros-cdk-cli/lib/settings.ts`,
 * `lib/api/exec.ts`, and `lib/util/objects.ts` as built in `multiple-languages/javascript/alicloud-ros-cdk-cli-1.0.6`):
 *
 * - sources, strongest first: `--context key=value` flags, the `context` block of `cdk.json`, `cdk.context.json`;
 * - they are combined with a deep merge: objects merge key by key, anything else (lists included) replaces;
 * - a flag's value stays a string and its key stays literal (`ecs-event-ops.regions` is one key, not a path);
 *   keys starting with `aliyun:` are refused;
 * - the app receives the merged context as JSON in `CDK_CONTEXT_JSON`, and its output folder in `CDK_OUTDIR`.
 *
 * The CLI cannot merge a flag's string into the `cdk.json` block, so the app does it itself ({@link resolveAppConfig}):
 * that keeps `npm run synth` and `ros-cdk synth` equal for every combination of sources.
 */

/** The project files the CLI reads context from. */
export const PROJECT_CONFIG_FILE = 'cdk.json';
/** The project context file (written by `ros-cdk` for context lookups; ours holds user overrides). */
export const PROJECT_CONTEXT_FILE = 'cdk.context.json';
/** The variable that carries the merged context to the app. */
export const CONTEXT_ENV = 'CDK_CONTEXT_JSON';
/** The variable that carries the output folder to the app. */
export const OUTDIR_ENV = 'CDK_OUTDIR';

/** Deepest nesting accepted in any context value (the configuration itself is at most 6 levels deep). */
export const MAX_CONTEXT_DEPTH = 32;

/** Keys that would reach an object's prototype machinery if assigned: never accepted anywhere in the context. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'prototype', 'constructor']);

/** A plain JSON object (not a list, not null). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Sets an own property, even one named `__proto__`, without touching the prototype. */
function define(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * Problems with a context value's shape: nesting deeper than {@link MAX_CONTEXT_DEPTH}, and keys that name prototype
 * machinery (`__proto__`, `constructor`, `prototype`). Iterative, so a hostile value cannot overflow the stack.
 */
export function shapeProblems(value: unknown, at: string): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const stack: Array<{ value: unknown; path: string; depth: number }> = [{ value, path: at, depth: 0 }];
  while (stack.length > 0 && problems.length < 20) {
    const item = stack.pop()!;
    if (typeof item.value !== 'object' || item.value === null) continue;
    if (item.depth >= MAX_CONTEXT_DEPTH) {
      problems.push({
        path: item.path,
        received: 'a value nested deeper',
        allowed: `at most ${MAX_CONTEXT_DEPTH} levels of nesting`,
      });
      continue;
    }
    const entries: Array<[string, unknown]> = Array.isArray(item.value)
      ? item.value.map((v, i) => [`[${i}]`, v])
      : Object.keys(item.value).map((k) => [k, (item.value as Record<string, unknown>)[k]]);
    for (const [key, child] of entries) {
      const childPath = key.startsWith('[') ? `${item.path}${key}` : `${item.path}.${key}`;
      if (!key.startsWith('[') && FORBIDDEN_KEYS.has(key)) {
        problems.push({ path: childPath, received: render(child), allowed: `no key named "${key}"` });
        continue;
      }
      stack.push({ value: child, path: childPath, depth: item.depth + 1 });
    }
  }
  return problems;
}

/**
 * The CLI's deep merge, without its side effects: `override` over `base`, objects key by key, anything else
 * replacing. Returns a new value; neither input is changed. Inputs must have passed {@link shapeProblems}.
 */
export function deepMerge(base: unknown, override: unknown): unknown {
  if (override === undefined) return base;
  if (!isPlainObject(override)) return override;
  const out: Record<string, unknown> = {};
  if (isPlainObject(base)) for (const key of Object.keys(base)) define(out, key, base[key]);
  for (const key of Object.keys(override)) {
    const value = override[key];
    if (value === undefined) continue;
    const current = Object.hasOwn(out, key) ? out[key] : undefined;
    define(out, key, isPlainObject(value) ? deepMerge(isPlainObject(current) ? current : {}, value) : value);
  }
  return out;
}

/** A context source that is missing, unreadable or not a JSON object. */
export class ContextSourceError extends Error {
  override readonly name = 'ContextSourceError';
}

/** Reads a JSON object file, or `{}` when it does not exist. */
export function readJsonObject(file: string): Record<string, unknown> {
  if (!fs.existsSync(file)) return {};
  let value: unknown;
  try {
    value = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (cause) {
    throw new ContextSourceError(`${path.basename(file)} is not valid JSON: ${(cause as Error).message}`, { cause });
  }
  if (!isPlainObject(value)) throw new ContextSourceError(`${path.basename(file)} must hold a JSON object`);
  const problems = shapeProblems(value, path.basename(file));
  if (problems.length > 0) throw new ConfigError(problems);
  return value;
}

/** The `context` block of `cdk.json` and the whole of `cdk.context.json`, as the CLI reads them. */
export interface ContextFiles {
  /** `cdk.json` → `context`. */
  readonly projectConfig: Record<string, unknown>;
  /** `cdk.context.json`. */
  readonly projectContext: Record<string, unknown>;
}

/** Reads the two context files of a project folder. */
export function readContextFiles(projectRoot: string): ContextFiles {
  const cdkJson = readJsonObject(path.join(projectRoot, PROJECT_CONFIG_FILE));
  const context = cdkJson.context ?? {};
  if (!isPlainObject(context)) {
    throw new ContextSourceError(`${PROJECT_CONFIG_FILE} "context" must be an object, got ${render(context)}`);
  }
  return { projectConfig: context, projectContext: readJsonObject(path.join(projectRoot, PROJECT_CONTEXT_FILE)) };
}

/**
 * Parses `key=value` context flags as the CLI does: split at the first `=`, the value kept as a string, the key
 * literal; an `aliyun:` key is refused (the CLI throws on it).
 */
export function parseContextFlags(pairs: readonly string[], flag = '--context'): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new ContextSourceError(`${flag} "${pair}" is not valid: expected key=value`);
    const key = pair.slice(0, at);
    if (/^aliyun:.+/.test(key)) {
      throw new ContextSourceError(
        `${flag} "${key}": keys starting with "aliyun:" are reserved (the ros-cdk CLI refuses them)`,
      );
    }
    define(out, key, pair.slice(at + 1));
  }
  return out;
}

/** The merged context the CLI hands the app: flags over `cdk.json` over `cdk.context.json`. */
export function mergeContextSources(
  files: ContextFiles,
  flags: Readonly<Record<string, string>>,
): Record<string, unknown> {
  return deepMerge(deepMerge(files.projectContext, files.projectConfig), flags) as Record<string, unknown>;
}

/** A context value given as text (a flag): JSON when it parses as JSON, else the text itself. */
function fromText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * The raw `ecs-event-ops` configuration, from the merged context the app received (`CDK_CONTEXT_JSON`) and the project's
 * context files, with the two forms of override the CLI cannot merge itself:
 *
 * 1. the whole key given as a JSON string (`--context ecs-event-ops='{"regions":["cn-shanghai"]}'`): merged over the
 *    files' block key by key (lists replace), instead of replacing it;
 * 2. dotted keys (`--context ecs-event-ops.cn-shanghai.autoRestart.enabled=false`): each sets the value at its path,
 *    parsed as JSON when it is JSON (`false`, `["cn-shanghai"]`, `3`) and kept as text otherwise (`acme-ops`); applied
 *    after the whole-key override, in order of key, so a longer path refines a shorter one.
 *
 * @throws ConfigError naming the context key when a value is not valid JSON where an object is needed, nests too
 *   deep, or uses a prototype key; or when a dotted path runs through a value that is not an object.
 */
export function resolveAppConfig(context: Readonly<Record<string, unknown>>, files: ContextFiles): unknown {
  const problems = shapeProblems(context, 'context');
  if (problems.length > 0) throw new ConfigError(problems);
  const fromFiles = deepMerge(files.projectContext[CONTEXT_KEY], files.projectConfig[CONTEXT_KEY]);
  let config: unknown = Object.hasOwn(context, CONTEXT_KEY) ? context[CONTEXT_KEY] : undefined;
  if (typeof config === 'string') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(config);
    } catch (cause) {
      throw new ConfigError([{ path: CONTEXT_KEY, received: render(config), allowed: 'a JSON object' }], { cause });
    }
    const nested = shapeProblems(parsed, CONTEXT_KEY);
    if (nested.length > 0) throw new ConfigError(nested);
    config = isPlainObject(parsed) && isPlainObject(fromFiles) ? deepMerge(fromFiles, parsed) : parsed;
  }
  const prefix = `${CONTEXT_KEY}.`;
  const dotted = Object.keys(context)
    .filter((key) => key.startsWith(prefix))
    .sort();
  for (const key of dotted) {
    const raw = context[key];
    const value = typeof raw === 'string' ? fromText(raw) : raw;
    const nested = shapeProblems(value, key);
    if (nested.length > 0) throw new ConfigError(nested);
    config = setPath(config ?? {}, key.slice(prefix.length).split('.'), value, key);
  }
  return config;
}

/** Returns a copy of `target` with `value` at `segments`, creating objects on the way. */
function setPath(target: unknown, segments: readonly string[], value: unknown, key: string): unknown {
  if (!isPlainObject(target)) {
    throw new ConfigError([
      {
        path: key,
        received: render(target),
        allowed: 'a path through objects only (the value on its way is not an object)',
      },
    ]);
  }
  const [head, ...rest] = segments;
  if (head === undefined || head === '' || FORBIDDEN_KEYS.has(head)) {
    throw new ConfigError([
      {
        path: key,
        received: render(value),
        allowed: 'a dotted path of non-empty keys, none named __proto__, prototype or constructor',
      },
    ]);
  }
  const out = deepMerge({}, target) as Record<string, unknown>;
  const current = Object.hasOwn(out, head) ? out[head] : undefined;
  define(out, head, rest.length === 0 ? value : setPath(current ?? {}, rest, value, key));
  return out;
}

/**
 * Reads the context the way the app receives it: `CDK_CONTEXT_JSON` from the environment (set by `ros-cdk` and by
 * `npm run synth`), or `{}` when the app runs without it.
 */
export function contextFromEnvironment(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const text = env[CONTEXT_ENV];
  if (text === undefined || text === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new ContextSourceError(`${CONTEXT_ENV} is not valid JSON: ${(cause as Error).message}`, { cause });
  }
  if (!isPlainObject(value)) throw new ContextSourceError(`${CONTEXT_ENV} must hold a JSON object`);
  return value;
}
