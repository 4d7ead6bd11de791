import type { ChangeDetail, Comparison } from './compare';
import type { ResourceChange, StackDiff } from './model';
import { unifiedDiff } from './unified';

/** The whole report when the assemblies are the same. */
export const NO_CHANGES = 'No changes.';

/** A value is shown inline (`old` → `new`) when it is a scalar whose JSON is at most this long. */
const INLINE_MAX = 80;

/**
 * The report as Markdown for a pull-request comment or a terminal: first a callout listing the stateful resources
 * a deploy would replace or delete, then a summary line, then per changed stack a table of changes (logical id,
 * type, action, risk) and per change its values, `old` → `new`, or a small unified diff of the pretty-printed JSON
 * for structured or long values (event patterns, policies, targets). Added and removed resources are shown whole,
 * collapsed. Identical assemblies give {@link NO_CHANGES}.
 */
export function renderMarkdown({ report, details }: Comparison): string {
  const changed = report.stacks.filter((s) => s.status !== 'unchanged');
  if (changed.length === 0) return `${NO_CHANGES}\n`;
  const out: string[] = [];
  const { summary } = report;
  if (summary.fleetWideRollout !== undefined) {
    out.push(
      '> [!WARNING]',
      '> **Fleet-wide rollout**: the template of a ROS stack group changed; deploying it updates the stack in **every ' +
        'target account and region** of the group (canary region first):',
      ...summary.fleetWideRollout.map((name) => `> - ${code(name)}`),
      '',
    );
  }
  if (summary.statefulAtRisk.length > 0) {
    out.push(
      '> [!CAUTION]',
      '> **Stateful resources at risk**: a deploy would replace or delete them and lose their data.',
    );
    for (const item of summary.statefulAtRisk) {
      const change = changed.find((s) => s.stack === item.stack)?.changes.find((c) => c.logicalId === item.logicalId);
      const detail = change === undefined ? undefined : details.get(change);
      out.push(
        `> - ${code(item.stack)} / ${code(item.logicalId)} (${code(item.type)}): **${item.risk}**${why(change, detail)}`,
      );
    }
    out.push('');
  }
  out.push(
    `**${summary.add} to add, ${summary.remove} to remove, ${summary.update} to update in place, ` +
      `${summary.replace} to replace** (${changed.length} of ${report.stacks.length} stack${plural(report.stacks.length)} changed)`,
    '',
  );
  for (const stack of changed) out.push(...renderStack(stack, details));
  const unchanged = report.stacks.filter((s) => s.status === 'unchanged');
  if (unchanged.length > 0) out.push(`Unchanged: ${unchanged.map((s) => code(s.stack)).join(', ')}.`, '');
  return `${out.join('\n').trimEnd()}\n`;
}

function renderStack(stack: StackDiff, details: ReadonlyMap<ResourceChange, ChangeDetail>): string[] {
  const out = [
    `### ${code(stack.stack)}: ${stack.status}${stack.fleetWide === true ? ' (stack group template: every account and region)' : ''}`,
    '',
  ];
  if (stack.status === 'removed') {
    out.push(
      `This stack is no longer in the app. \`ros-cdk deploy\` does not delete a stack: its resources keep running ` +
        `until you run \`ros-cdk destroy ${stack.stack}\` (the risks below are those of that destroy).`,
      '',
    );
  }
  out.push('| Logical id | Type | Action | Risk |', '| --- | --- | --- | --- |');
  for (const change of stack.changes) {
    const risk = change.risk === 'replace' || change.risk === 'delete' ? `**${change.risk}**` : change.risk;
    const action = change.codeChanged === true ? `${change.action} (code changed)` : change.action;
    out.push(`| ${code(change.logicalId)} | ${code(change.type)} | ${action} | ${risk} |`);
  }
  out.push('');
  for (const change of stack.changes) {
    const detail = details.get(change) ?? { groups: [] };
    out.push(`#### ${code(change.logicalId)} (${code(change.type)}): ${change.action}, risk ${change.risk}`, '');
    out.push(...renderChange(change, detail), '');
  }
  return out;
}

function renderChange(change: ResourceChange, detail: ChangeDetail): string[] {
  const out: string[] = [];
  const retained = detail.deletionPolicy === 'Retain';
  if (change.action !== 'update') {
    if (change.action === 'remove' && retained) out.push(retainNote(), '');
    const diff =
      change.action === 'add' ? unifiedDiff(undefined, detail.entity) : unifiedDiff(detail.entity, undefined);
    out.push('<details><summary>Definition</summary>', '', fence(diff), '', '</details>');
    return out;
  }
  if (change.codeChanged === true) out.push('- Code changed: the handler bundle was rebuilt (new code object).');
  for (const group of detail.groups) {
    const note =
      group.replacementSource === undefined
        ? ''
        : ` (ROS cannot update it in place: [reference](${group.replacementSource}))`;
    const leaf = group.leaves[0];
    if (group.leaves.length === 1 && leaf.path === group.path && inline(group.old) && inline(group.new)) {
      out.push(`- ${code(group.path)}${note}: ${show(group.old)} → ${show(group.new)}`);
    } else {
      out.push(`- ${code(group.path)}${note}:`, '', fence(unifiedDiff(group.old, group.new)), '');
    }
  }
  if (change.risk === 'replace') {
    out.push(
      '',
      'ROS fails the update of a property it cannot update in place, or, with replacement enabled, creates a new ' +
        'resource and deletes the old one.',
    );
    if (retained) out.push('', retainNote());
  }
  return out;
}

function why(change: ResourceChange | undefined, detail: ChangeDetail | undefined): string {
  if (change === undefined || detail === undefined) return '';
  const causes = detail.groups.filter((g) => g.replacementSource !== undefined).map((g) => code(g.path));
  const cause =
    change.action === 'remove' ? ', removed from the stack' : causes.length > 0 ? `, ${causes.join(', ')} changes` : '';
  return `${cause}${detail.deletionPolicy === 'Retain' ? ' (`DeletionPolicy: Retain` keeps the old one, unmanaged)' : ''}`;
}

function retainNote(): string {
  return '`DeletionPolicy: Retain`: ROS leaves the old resource and its data in place, no longer managed by the stack.';
}

function inline(value: unknown): boolean {
  if (value === undefined) return true;
  if (typeof value === 'object' && value !== null) return false;
  const json = JSON.stringify(value);
  return json.length <= INLINE_MAX && !json.includes('\\n');
}

function show(value: unknown): string {
  return value === undefined ? '(absent)' : code(JSON.stringify(value));
}

/** Inline code that survives backticks and table pipes in the text. */
function code(text: string): string {
  const escaped = text.replaceAll('|', '\\|');
  return escaped.includes('`') ? `\`\` ${escaped} \`\`` : `\`${escaped}\``;
}

function fence(body: string): string {
  const ticks = body.includes('```') ? '````' : '```';
  return `${ticks}diff\n${body}\n${ticks}`;
}

function plural(n: number): string {
  return n === 1 ? '' : 's';
}
