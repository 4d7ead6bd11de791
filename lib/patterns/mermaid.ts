import { EVENT_CATALOGUE } from '../events/catalogue';
import { type ReportStack, routedTypes } from './routing';

/**
 * The routing of a region stack as a Mermaid flowchart: event types → rules → automations (or other targets) →
 * dead-letter queues. GitHub renders a ```mermaid block in Markdown.
 *
 * Node ids are derived from names, never from positions, so adding a rule does not renumber the others and a
 * picture diff shows only what changed: `t_`/`r_`/`a_`/`x_`/`q_` (type, rule, automation, other target, queue) and
 * the name with every character outside `[A-Za-z0-9]` written as `_<hex code point>_` (so two names never share an
 * id). Labels are quoted, with the characters Mermaid would read as syntax written as entity codes (`#35;` for `#`).
 * Order is deterministic: types in catalogue order (uncatalogued ones after, sorted), rules, automations and queues
 * sorted by name.
 *
 * @see https://mermaid.js.org/syntax/flowchart.html (node shapes, edge labels, "Entity codes to escape characters")
 * @see https://docs.github.com/en/get-started/writing-on-github/working-with-advanced-formatting/creating-diagrams
 */

/** A Mermaid node id for `name` of a kind (`prefix`): ASCII letters and digits kept, everything else hex-coded. */
export function mermaidId(prefix: string, name: string): string {
  let id = `${prefix}_`;
  for (const char of name) id += /^[A-Za-z0-9]$/.test(char) ? char : `_${(char.codePointAt(0) ?? 0).toString(16)}_`;
  return id;
}

/**
 * `text` as a quoted Mermaid label: quotes, `#`, brackets, pipes, angle brackets, `&`, `;` and backticks become
 * entity codes (`#34;`), control characters (line breaks) become spaces; other Unicode is kept as is.
 */
export function mermaidLabel(text: string): string {
  let out = '';
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (code < 0x20 || code === 0x7f) out += ' ';
    else if ('"#&;<>[](){}|`\\'.includes(char)) out += `#${code};`;
    else out += char;
  }
  return `"${out}"`;
}

function order(type: string): number {
  const index = EVENT_CATALOGUE.findIndex((s) => s.type === type || s.type.replace(/:[^:]+$/, ':*') === type);
  return index === -1 ? EVENT_CATALOGUE.length : index;
}

function byName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The flowchart of `stack` (without the ```mermaid fence). `commonPrefix` is cut from rule and queue labels (ids
 * keep the whole name).
 *
 * @example routingMermaid(reportStackOf(stack.name, stack.template), 'ecs-event-ops-')
 */
export function routingMermaid(stack: ReportStack, commonPrefix = ''): string {
  const short = (name: string) =>
    commonPrefix && name.startsWith(commonPrefix) && name.length > commonPrefix.length
      ? name.slice(commonPrefix.length)
      : name;
  const rules = [...stack.rules].sort((a, b) => byName(a.name, b.name));
  const typeEdges = new Map<string, Map<string, readonly string[]>>();
  for (const rule of rules) {
    const routes: [string, readonly string[]][] = [
      ...routedTypes(rule.pattern).map((r): [string, readonly string[]] => [r.spec.type, r.conditions]),
      ...(rule.uncatalogued ?? []).map((t): [string, readonly string[]] => [t, []]),
    ];
    for (const [type, conditions] of routes) {
      const edges = typeEdges.get(type) ?? new Map<string, readonly string[]>();
      if (!edges.has(rule.name)) edges.set(rule.name, conditions);
      typeEdges.set(type, edges);
    }
  }
  const types = [...typeEdges.keys()].sort((a, b) => order(a) - order(b) || byName(a, b));

  const targetNodes = new Map<string, string>();
  const queueNodes = new Map<string, string>();
  const ruleEdges = new Set<string>();
  const queueEdges = new Set<string>();
  for (const rule of rules) {
    for (const target of rule.targets ?? []) {
      const id =
        target.automation !== undefined
          ? mermaidId('a', target.automation)
          : mermaidId('x', `${rule.name}/${target.type}`);
      const node =
        target.automation !== undefined
          ? `${id}[[${mermaidLabel(target.automation)}]]`
          : `${id}>${mermaidLabel(target.type)}]`;
      targetNodes.set(id, node);
      ruleEdges.add(`${mermaidId('r', rule.name)} --> ${id}`);
      if (target.deadLetterQueue !== undefined) {
        const queue = mermaidId('q', target.deadLetterQueue);
        queueNodes.set(queue, `${queue}[(${mermaidLabel(short(target.deadLetterQueue))})]`);
        queueEdges.add(`${id} -.->|dead letters| ${queue}`);
      }
    }
  }
  const sorted = (values: Iterable<string>) => [...values].sort(byName);
  const lines = ['flowchart LR'];
  lines.push(`  %% ${stack.name}: event types → rules → automations → dead-letter queues`);
  for (const type of types) lines.push(`  ${mermaidId('t', type)}([${mermaidLabel(type)}])`);
  for (const rule of rules) lines.push(`  ${mermaidId('r', rule.name)}[${mermaidLabel(short(rule.name))}]`);
  for (const id of sorted(targetNodes.keys())) lines.push(`  ${targetNodes.get(id)}`);
  for (const id of sorted(queueNodes.keys())) lines.push(`  ${queueNodes.get(id)}`);
  for (const type of types) {
    for (const rule of rules) {
      const conditions = typeEdges.get(type)?.get(rule.name);
      if (conditions === undefined) continue;
      const label = conditions.length === 0 ? '' : `|${mermaidLabel(conditions.join(', '))}|`;
      lines.push(`  ${mermaidId('t', type)} -->${label} ${mermaidId('r', rule.name)}`);
    }
  }
  for (const edge of ruleEdges) lines.push(`  ${edge}`);
  for (const edge of sorted(queueEdges)) lines.push(`  ${edge}`);
  return `${lines.join('\n')}\n`;
}

/** Each stack's flowchart under a `### <stack>` heading, in a ```mermaid fence, as the README and PR comment show. */
export function routingMermaidMarkdown(stacks: readonly ReportStack[], commonPrefix = ''): string {
  return stacks
    .map((stack) => `### ${stack.name}\n\n\`\`\`mermaid\n${routingMermaid(stack, commonPrefix)}\`\`\`\n`)
    .join('\n');
}

/**
 * What the picture of a stack depends on, as one comparable string: every rule's name, pattern, accepted
 * uncatalogued types and targets with their dead-letter queues (sorted by rule name). Two stacks route the same when
 * their keys are equal.
 */
export function routingKey(stack: ReportStack): string {
  return JSON.stringify(
    [...stack.rules]
      .sort((a, b) => byName(a.name, b.name))
      .map((r) => [r.name, r.pattern, r.uncatalogued ?? [], r.targets ?? []]),
  );
}
