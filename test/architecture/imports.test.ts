import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';

const ROOT = path.resolve(__dirname, '..', '..');
const TOP = ['bin', 'contract', 'lambda-src', 'lib', 'ops', 'tools'] as const;

/** Every `.ts` file under `dir`, relative to the repository. */
function sources(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
    const rel = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sources(rel));
    else if (entry.name.endsWith('.ts')) out.push(rel);
  }
  return out;
}

/** The folder a file belongs to for the layering: `lib/config`, `ops/drill`, `contract`, `tools`. */
function folderOf(file: string): string {
  const parts = file.split(path.sep);
  if ((parts[0] === 'lib' || parts[0] === 'ops') && parts.length > 2) return `${parts[0]}/${parts[1]}`;
  return parts[0];
}

/** Relative imports (static, dynamic, require, re-exports) of every source file, as repository paths. */
function edges(): { from: string; to: string }[] {
  const out: { from: string; to: string }[] = [];
  const spec = /(?:from\s+|import\s*\(\s*|require\(\s*)'(\.{1,2}\/[^']*)'/g;
  for (const top of TOP) {
    for (const file of sources(top)) {
      for (const match of fs.readFileSync(path.join(ROOT, file), 'utf8').matchAll(spec)) {
        out.push({ from: file, to: path.normalize(path.join(path.dirname(file), match[1])) });
      }
    }
  }
  return out;
}

const ALL = edges();
const outOf = (top: string) => ALL.filter((e) => e.from.split(path.sep)[0] === top);
const into = (list: { from: string; to: string }[], tops: readonly string[]) =>
  list.filter((e) => tops.includes(e.to.split(path.sep)[0])).map((e) => `${e.from} -> ${e.to}`);

describe('import directions: tools -> ops -> lib -> contract; lambda-src -> contract', () => {
  test('lib imports nothing from ops, tools or bin', () => {
    assert.deepEqual(into(outOf('lib'), ['ops', 'tools', 'bin']), []);
  });

  test('ops imports nothing from tools or bin, nor handler code', () => {
    assert.deepEqual(into(outOf('ops'), ['tools', 'bin', 'lambda-src']), []);
  });

  test('handlers import nothing from lib, ops, tools or bin', () => {
    assert.deepEqual(into(outOf('lambda-src'), ['lib', 'ops', 'tools', 'bin']), []);
  });

  test('contract imports nothing outside contract', () => {
    assert.deepEqual(
      outOf('contract')
        .filter((e) => e.to.split(path.sep)[0] !== 'contract')
        .map((e) => `${e.from} -> ${e.to}`),
      [],
    );
  });

  test('no cycle between folders (lib/* and ops/* counted one by one)', () => {
    const graph = new Map<string, Set<string>>();
    for (const { from, to } of ALL) {
      const [a, b] = [folderOf(from), folderOf(to)];
      if (a !== b) graph.set(a, (graph.get(a) ?? new Set()).add(b));
    }
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (node: string, trail: string[]) => {
      if (state.get(node) === 'done') return;
      if (state.get(node) === 'open') {
        cycles.push([...trail.slice(trail.indexOf(node)), node].join(' -> '));
        return;
      }
      state.set(node, 'open');
      for (const next of graph.get(node) ?? []) visit(next, [...trail, node]);
      state.set(node, 'done');
    };
    for (const node of [...graph.keys()].sort()) visit(node, []);
    assert.deepEqual(cycles, []);
  });
});
