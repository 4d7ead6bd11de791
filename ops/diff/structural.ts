import { create, type Delta } from 'jsondiffpatch';

/** A key or an array index on the way to a value. */
export type PathSegment = string | number;

/** One changed value: `old` is absent for an added value, `new` for a removed one. */
export interface LeafChange {
  readonly segments: readonly PathSegment[];
  readonly old?: unknown;
  readonly new?: unknown;
}

/**
 * Keys that name an item of a ROS list (targets, parameters of a target, lifecycle rules, inline policies, tags): an
 * item keeps its identity when other fields change, so the change shows inside the item.
 */
const IDENTITY_KEYS = ['Id', 'ID', 'PolicyName', 'ResourceKey', 'Key'] as const;

const differ = create({
  objectHash: (item) => {
    const record = item as Record<string, unknown>;
    for (const key of IDENTITY_KEYS) if (typeof record[key] === 'string') return `${key}=${record[key]}`;
    return canonicalJson(item);
  },
  // A reordered item reads better as removed and added than as a move between indexes.
  arrays: { detectMove: false },
});

/**
 * The values that differ between `before` and `after` (two JSON values), found by jsondiffpatch: leaves of its
 * delta, in document order. Array items are matched by content (longest common subsequence) or by an identity key,
 * and an item removed and another added at the same index are reported as one change of that index.
 */
export function structuralChanges(before: unknown, after: unknown): LeafChange[] {
  const out: LeafChange[] = [];
  collect(differ.diff(before, after), [], out);
  return out;
}

/**
 * The position of each line of `after` in `before` (or `undefined` for an added line) and which lines of `before`
 * are gone, for a line diff: jsondiffpatch's array diff over the two line lists.
 */
export function lineEdits(
  before: readonly string[],
  after: readonly string[],
): { removed: ReadonlySet<number>; added: ReadonlySet<number> } {
  const removed = new Set<number>();
  const added = new Set<number>();
  const delta = differ.diff([...before], [...after]);
  if (delta !== undefined && isArrayDelta(delta)) {
    for (const [key, entry] of Object.entries(delta)) {
      if (key === '_t' || !Array.isArray(entry)) continue;
      if (key.startsWith('_')) removed.add(Number(key.slice(1)));
      else if (entry.length === 1) added.add(Number(key));
    }
  }
  return { removed, added };
}

function collect(delta: Delta, segments: readonly PathSegment[], out: LeafChange[]): void {
  if (delta === undefined) return;
  if (Array.isArray(delta)) {
    out.push(leaf(segments, delta));
    return;
  }
  if (isArrayDelta(delta)) {
    collectArray(delta, segments, out);
    return;
  }
  for (const [key, child] of Object.entries(delta)) collect(child, [...segments, key], out);
}

function collectArray(delta: Record<string, unknown>, segments: readonly PathSegment[], out: LeafChange[]): void {
  // `_<i>` holds a removal at index i of the old array, `<i>` an addition or a nested change at index i of the new.
  const removed = new Map<number, unknown>();
  const added = new Map<number, unknown>();
  const nested = new Map<number, Delta>();
  for (const [key, entry] of Object.entries(delta)) {
    if (key === '_t') continue;
    if (key.startsWith('_')) {
      removed.set(Number(key.slice(1)), (entry as unknown[])[0]);
    } else if (Array.isArray(entry) && entry.length === 1) {
      added.set(Number(key), entry[0]);
    } else {
      nested.set(Number(key), entry as Delta);
    }
  }
  const indexes = [...new Set([...removed.keys(), ...added.keys(), ...nested.keys()])].sort((a, b) => a - b);
  for (const index of indexes) {
    const at = [...segments, index];
    const child = nested.get(index);
    if (child !== undefined) collect(child, at, out);
    if (removed.has(index) && added.has(index))
      out.push({ segments: at, old: removed.get(index), new: added.get(index) });
    else if (removed.has(index)) out.push({ segments: at, old: removed.get(index) });
    else if (added.has(index)) out.push({ segments: at, new: added.get(index) });
  }
}

function leaf(segments: readonly PathSegment[], delta: readonly unknown[]): LeafChange {
  if (delta.length === 1) return { segments, new: delta[0] };
  if (delta.length === 3 && delta[2] === 0) return { segments, old: delta[0] };
  return { segments, old: delta[0], new: delta[1] };
}

function isArrayDelta(delta: object): delta is Record<string, unknown> & { _t: 'a' } {
  return (delta as { _t?: unknown })._t === 'a';
}

/** JSON with object keys sorted, so that equal values give equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    typeof v === 'object' && v !== null && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/**
 * A path as text: keys joined with `.`, indexes as `[i]`, a key that is not a plain identifier as `["key"]`.
 *
 * @example formatPath(['Properties', 'FilterPattern', 'type', 0]) // 'Properties.FilterPattern.type[0]'
 */
export function formatPath(segments: readonly PathSegment[]): string {
  let text = '';
  for (const segment of segments) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (/^[A-Za-z_][\w:-]*$/.test(segment)) text += text === '' ? segment : `.${segment}`;
    else text += `[${JSON.stringify(segment)}]`;
  }
  return text;
}

/** The value at `segments` in `root`, or `undefined`. */
export function valueAt(root: unknown, segments: readonly PathSegment[]): unknown {
  let value = root;
  for (const segment of segments) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string | number, unknown>)[segment];
  }
  return value;
}
