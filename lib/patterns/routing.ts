import { EVENT_CATALOGUE, type EventTypeSpec } from '../events/catalogue';
import { matchesPattern } from './matcher';

/** A catalogue type a pattern routes, and the fields beyond `source`/`type` the pattern further filters on. */
export interface TypeRoute {
  readonly spec: EventTypeSpec;
  /** Paths such as `data.state`; empty when every event of the type matches. */
  readonly conditions: readonly string[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Leaf paths of a pattern object: `data.state`, `subject`, … */
function leafPaths(pattern: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(pattern).flatMap(([key, value]) =>
    isRecord(value) ? leafPaths(value, `${prefix}${key}.`) : [`${prefix}${key}`],
  );
}

/**
 * The catalogue types (base forms: system-event variants are folded into their base type) whose events `pattern`
 * can match, decided on `source` and `type` with the local matcher; the other fields become conditions.
 */
export function routedTypes(pattern: unknown): TypeRoute[] {
  if (!isRecord(pattern)) return [];
  const envelope: Record<string, unknown> = {};
  if (pattern.source !== undefined) envelope.source = pattern.source;
  if (pattern.type !== undefined) envelope.type = pattern.type;
  const rest = Object.fromEntries(Object.entries(pattern).filter(([k]) => k !== 'source' && k !== 'type'));
  const conditions = leafPaths(rest);
  const routed = new Map<string, TypeRoute>();
  for (const spec of EVENT_CATALOGUE) {
    if (!matchesPattern(envelope, { source: spec.source, type: spec.type })) continue;
    const base =
      spec.variant === undefined
        ? spec
        : EVENT_CATALOGUE.find((s) => s.variant === undefined && spec.type.startsWith(`${s.type}:`));
    // ecs:SystemEvent:<status> has no base form: its statuses fold into one row, ecs:SystemEvent:*.
    const key = base?.type ?? spec.type.replace(/:[^:]+$/, ':*');
    if (!routed.has(key)) routed.set(key, { spec: base ?? { ...spec, type: key }, conditions });
  }
  return [...routed.values()];
}

/** One target of a rule, as the routing picture needs it. */
export interface ReportTarget {
  /** The target `Type`: `acs.fc.function`, `acs.mns.queue`, `acs.sls`, … */
  readonly type: string;
  /** The function name (the automation) of an `acs.fc.function` target. */
  readonly automation?: string;
  /** The name of the target's dead-letter queue, when it has one. */
  readonly deadLetterQueue?: string;
}

/** One rule of one region stack, as the report needs it. */
export interface ReportRule {
  readonly name: string;
  readonly pattern: unknown;
  /** Uncatalogued types the rule accepts through the escape hatch. */
  readonly uncatalogued?: readonly string[];
  /** Its targets; the Markdown matrix ignores them, the Mermaid picture draws them. @default - none */
  readonly targets?: readonly ReportTarget[];
}

/** One region stack. */
export interface ReportStack {
  readonly name: string;
  readonly rules: readonly ReportRule[];
}

/**
 * A Markdown matrix per stack: rows are the catalogue types some rule routes, columns the rules; `✓` when every
 * event of the type matches, `✓ data.state` when the rule filters further on those fields. Types no rule routes are
 * counted below the table.
 */
export function rulesReport(stacks: readonly ReportStack[], commonPrefix = ''): string {
  const base = EVENT_CATALOGUE.filter((s) => s.variant === undefined);
  const lines: string[] = [];
  for (const stack of stacks) {
    lines.push(`### ${stack.name}`, '');
    if (stack.rules.length === 0) {
      lines.push('No rules.', '');
      continue;
    }
    const short = (name: string) =>
      commonPrefix && name.startsWith(commonPrefix) ? name.slice(commonPrefix.length) : name;
    const routes = stack.rules.map((rule) => new Map(routedTypes(rule.pattern).map((r) => [r.spec.type, r])));
    const types = [...new Set(routes.flatMap((r) => [...r.keys()]))];
    const order = (type: string) =>
      EVENT_CATALOGUE.findIndex((s) => s.type === type || s.type.replace(/:[^:]+$/, ':*') === type);
    types.sort((a, b) => order(a) - order(b));
    lines.push(`| Event type | ${stack.rules.map((r) => `\`${short(r.name)}\``).join(' | ')} |`);
    lines.push(`| --- |${stack.rules.map(() => ' :-: |').join('')}`);
    for (const type of types) {
      const cells = routes.map((r) => {
        const route = r.get(type);
        if (!route) return '';
        return route.conditions.length === 0 ? '✓' : `✓ ${route.conditions.join(', ')}`;
      });
      lines.push(`| \`${type}\` | ${cells.join(' | ')} |`);
    }
    const uncatalogued = stack.rules.flatMap((r) => (r.uncatalogued ?? []).map((t) => `\`${t}\` (${short(r.name)})`));
    if (uncatalogued.length > 0) lines.push('', `Uncatalogued types accepted: ${uncatalogued.join(', ')}.`);
    const routedBase = base.filter((s) => types.includes(s.type)).length;
    lines.push(
      '',
      `${routedBase} of ${base.length} catalogue types routed; ${base.length - routedBase} not routed by any rule.`,
      '',
    );
  }
  return lines.join('\n');
}

/** The longest common prefix of the names that ends with "-" (empty for fewer than two names). */
export function namePrefix(names: readonly string[]): string {
  if (names.length < 2) return '';
  let prefix = names[0];
  for (const name of names) while (!name.startsWith(prefix)) prefix = prefix.slice(0, -1);
  return prefix.slice(0, prefix.lastIndexOf('-') + 1);
}
