import type { z } from 'zod';

/**
 * zod's issues as the problems our messages are made of (path, value received, what is allowed), shared by the
 * configuration (lib/config/validate.ts) and the world files of the fake cloud (ops/fake-cloud/world.ts), which
 * word them each in their own format. The schemas carry the `allowed` text of their problems as the issue message
 * (`z.string({ error: '…' })`, https://zod.dev/error-customization), so zod's own wording never reaches the user.
 */

/** One segment of a path: a key or a list index. */
export type PathSegment = PropertyKey;

/** One problem of a value, from one zod issue. */
export type ZodProblem =
  /** A key the schema does not know (`z.strictObject`); `message` is the schema's message for unknown keys. */
  | {
      readonly kind: 'unknown-key';
      /** Path of the object that has the key. */
      readonly at: readonly PathSegment[];
      readonly key: string;
      readonly value: unknown;
      readonly message: string;
    }
  /** A required key the object lacks. */
  | { readonly kind: 'missing'; readonly at: readonly PathSegment[]; readonly key: string }
  /** A value the schema refuses; `message` says what is allowed. */
  | {
      readonly kind: 'invalid';
      readonly at: readonly PathSegment[];
      readonly value: unknown;
      readonly message: string;
    };

/** A plain JSON object (not a list, not null). */
function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `root.a.b[0].c` from `['a', 'b', 0, 'c']`. */
export function pathText(root: string, path: readonly PathSegment[]): string {
  return path.reduce<string>(
    (text, segment) => (typeof segment === 'number' ? `${text}[${segment}]` : `${text}.${String(segment)}`),
    root,
  );
}

/** The value at `path` in `root`, or undefined when the path runs out. */
export function valueAt(root: unknown, path: readonly PathSegment[]): unknown {
  let value = root;
  for (const segment of path) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, segment)) return undefined;
    value = (value as Record<PropertyKey, unknown>)[segment];
  }
  return value;
}

/**
 * Where `path` comes in `root` as written: at each level, the position of the key or index. A key that is missing
 * comes after those present, so that a missing required key is reported after the problems of the keys given.
 */
function positionOf(root: unknown, path: readonly PathSegment[]): number[] {
  const out: number[] = [];
  let value = root;
  for (const segment of path) {
    if (typeof segment === 'number') out.push(segment);
    else if (isObject(value)) {
      const at = Object.keys(value).indexOf(String(segment));
      out.push(at === -1 ? Number.MAX_SAFE_INTEGER : at);
    } else out.push(Number.MAX_SAFE_INTEGER);
    value = valueAt(value, [segment]);
  }
  return out;
}

function compare(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

/**
 * The problems of `root` that zod's `issues` describe, in the order of the value as written (a stable sort: problems
 * at the same place keep zod's order). A value that fails several checks with one message (an integer below the
 * minimum and not a multiple of 64) is one problem.
 *
 * @example zodProblems(schema.safeParse(value).error.issues, value)
 */
export function zodProblems(issues: readonly z.core.$ZodIssue[], root: unknown): ZodProblem[] {
  const found: { problem: ZodProblem; position: number[]; dedupe: string }[] = [];
  const add = (problem: ZodProblem, path: readonly PathSegment[], message: string) =>
    found.push({ problem, position: positionOf(root, path), dedupe: `${pathText('', path)}\n${message}` });
  for (const issue of issues) {
    const parent = issue.path.slice(0, -1);
    const key = issue.path.at(-1);
    if (issue.code === 'unrecognized_keys') {
      for (const unknown of issue.keys) {
        const at = [...issue.path, unknown];
        add(
          { kind: 'unknown-key', at: issue.path, key: unknown, value: valueAt(root, at), message: issue.message },
          at,
          issue.message,
        );
      }
    } else if (
      // A key the value lacks (zod reports it by the type, or by a union, of the missing value).
      issue.code !== 'custom' &&
      typeof key === 'string' &&
      isObject(valueAt(root, parent)) &&
      !Object.hasOwn(valueAt(root, parent) as object, key)
    ) {
      add({ kind: 'missing', at: parent, key }, issue.path, 'missing');
    } else {
      add(
        { kind: 'invalid', at: issue.path, value: valueAt(root, issue.path), message: issue.message },
        issue.path,
        issue.message,
      );
    }
  }
  const seen = new Set<string>();
  return found
    .sort((a, b) => compare(a.position, b.position))
    .filter((f) => {
      if (seen.has(f.dedupe)) return false;
      seen.add(f.dedupe);
      return true;
    })
    .map((f) => f.problem);
}
