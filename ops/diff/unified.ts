import { lineEdits } from './structural';

/** Lines of context around each change in {@link unifiedDiff}. */
export const CONTEXT_LINES = 3;

/**
 * The lines a value is shown as: pretty-printed JSON (2 spaces); a string holding a JSON object or array (an event
 * pattern passed as text) is parsed first; any other string is shown as its own lines.
 */
export function displayLines(value: unknown): string[] {
  if (value === undefined) return [];
  if (typeof value === 'string') {
    const trimmed = value.trim();
    if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
      try {
        return JSON.stringify(JSON.parse(trimmed), null, 2).split('\n');
      } catch {
        // Not JSON after all: shown as text below.
      }
    }
    return value.split('\n');
  }
  return JSON.stringify(value, null, 2).split('\n');
}

/**
 * A unified diff (hunks with `@@ -a,b +c,d @@` headers and {@link CONTEXT_LINES} lines of context, no file
 * headers) between the display lines of two values; `undefined` stands for "absent" (all lines added or removed).
 * Lines are matched with jsondiffpatch's array diff (longest common subsequence). Empty when the lines are equal.
 *
 * @example unifiedDiff({ type: ['a'] }, { type: ['a', 'b'] })
 */
export function unifiedDiff(before: unknown, after: unknown, context = CONTEXT_LINES): string {
  const oldLines = displayLines(before);
  const newLines = displayLines(after);
  const { removed, added } = lineEdits(oldLines, newLines);
  const ops: { kind: ' ' | '-' | '+'; text: string; oldNo: number; newNo: number }[] = [];
  let i = 0;
  let j = 0;
  while (i < oldLines.length || j < newLines.length) {
    if (i < oldLines.length && removed.has(i)) {
      ops.push({ kind: '-', text: oldLines[i], oldNo: i, newNo: j });
      i += 1;
    } else if (j < newLines.length && (added.has(j) || i >= oldLines.length)) {
      ops.push({ kind: '+', text: newLines[j], oldNo: i, newNo: j });
      j += 1;
    } else if (i < oldLines.length && j >= newLines.length) {
      ops.push({ kind: '-', text: oldLines[i], oldNo: i, newNo: j });
      i += 1;
    } else {
      ops.push({ kind: ' ', text: oldLines[i], oldNo: i, newNo: j });
      i += 1;
      j += 1;
    }
  }
  const changed = ops.flatMap((op, index) => (op.kind === ' ' ? [] : [index]));
  if (changed.length === 0) return '';
  // Group changes whose context windows touch into one hunk.
  const hunks: [number, number][] = [];
  for (const index of changed) {
    const start = Math.max(0, index - context);
    const end = Math.min(ops.length - 1, index + context);
    const last = hunks.at(-1);
    if (last !== undefined && start <= last[1] + 1) last[1] = end;
    else hunks.push([start, end]);
  }
  const out: string[] = [];
  for (const [start, end] of hunks) {
    const slice = ops.slice(start, end + 1);
    const oldCount = slice.filter((op) => op.kind !== '+').length;
    const newCount = slice.filter((op) => op.kind !== '-').length;
    const oldStart = oldCount === 0 ? slice[0].oldNo : slice[0].oldNo + 1;
    const newStart = newCount === 0 ? slice[0].newNo : slice[0].newNo + 1;
    out.push(`@@ -${oldStart},${oldCount} +${newStart},${newCount} @@`);
    for (const op of slice) out.push(`${op.kind}${op.text}`);
  }
  return out.join('\n');
}
