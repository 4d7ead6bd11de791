import { reportStackOf } from '../../lib/assembly';
import { routingKey, routingMermaidMarkdown } from '../../lib/patterns/mermaid';
import { namePrefix } from '../../lib/patterns/routing';
import type { AssemblyTemplates } from './assembly';

/**
 * The routing pictures for a pull-request comment: the Mermaid flowchart (lib/patterns/mermaid.ts, as
 * `rules:report --format mermaid` draws it) of every head stack whose routing differs from the base's (a rule, its
 * pattern, a target or a dead-letter queue added, removed or changed; a new stack with rules counts), under a
 * `## Routing changed` heading. Empty when every stack routes as before, so the comment then shows nothing.
 *
 * @example changedRouting(readAssembly('cdk.out.base'), readAssembly('cdk.out'))
 */
export function changedRouting(base: AssemblyTemplates, head: AssemblyTemplates): string {
  const changed = [...head]
    .map(([name, template]) => ({ head: reportStackOf(name, template), base: base.get(name) }))
    .filter(({ head: stack, base: before }) => {
      const old = before === undefined ? undefined : reportStackOf(stack.name, before);
      return old === undefined ? stack.rules.length > 0 : routingKey(old) !== routingKey(stack);
    })
    .map(({ head: stack }) => stack);
  if (changed.length === 0) return '';
  const prefix = namePrefix(changed.flatMap((s) => s.rules.map((r) => r.name)));
  return `## Routing changed\n\n${routingMermaidMarkdown(changed, prefix)}`;
}
