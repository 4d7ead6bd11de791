import {
  CATALOGUE_SOURCES,
  EVENT_CATALOGUE,
  type EventTypeSpec,
  type FieldSchema,
  KNOWN_MISTAKES,
} from '../events/catalogue';
import { closest } from '../private/did-you-mean';
import { type GrammarProblem, parseMatcher, parsePattern, show } from './grammar';
import { compileCondition } from './matcher';

/**
 * Synth-time checks of an EventBridge filter pattern: the service's grammar first, then the event catalogue.
 *
 * Grammar: the problems of the one parser (`./grammar`), which the matcher compiles too, so the validator and the
 * matcher cannot disagree on what a valid pattern is. Its rules and sources are documented there.
 *
 * Catalogue (ours, not the service's): `source` is required; `source` and exact `type` values must be known;
 * `prefix`/`suffix`/`contains` on `type` must select at least one known type; a `data` field must exist in the
 * schema of the types the pattern selects (when all of them document one), and exact values of a field with
 * documented values must be among them. Which catalogue entries a matcher selects is decided by the matcher's own
 * conditions.
 */

/** One problem found in a pattern. */
export interface PatternProblem {
  /** Path in the pattern, e.g. `data.state[0]`. */
  readonly path: string;
  /** What is wrong and what to write instead. */
  readonly message: string;
}

/** Options of {@link validatePattern}. */
export interface ValidateOptions {
  /**
   * Types accepted although the catalogue does not know them (the escape hatch for types Alibaba added after the
   * catalogue was written). Their `data` is not checked.
   */
  readonly uncataloguedTypes?: readonly string[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Whether a string value satisfies one matcher, by the matcher's own condition; false for an invalid matcher. */
function selects(matcher: unknown, value: string): boolean {
  const condition = parseMatcher(matcher, '', []);
  if (condition === undefined) return false;
  return condition.kind === 'exists' ? condition.value : compileCondition(condition)(value);
}

/** A suggestion for an unknown exact value: a known mistake, else the nearest candidate. */
function suggestion(value: string, candidates: readonly string[]): string {
  const known = KNOWN_MISTAKES[value];
  if (known) return `: ${known}`;
  const near = closest(value, candidates);
  return near ? ` (did you mean ${near}?)` : '';
}

/** Checks `data` fields against the schemas of the selected types. */
function checkData(
  data: Record<string, unknown>,
  schemas: readonly (Readonly<Record<string, FieldSchema>> | undefined)[],
  path: string,
  problems: PatternProblem[],
): void {
  const known = schemas.every((s) => s !== undefined) && schemas.length > 0;
  for (const [field, value] of Object.entries(data)) {
    const at = `${path}.${field}`;
    const fieldSchemas = schemas.map((s) => s?.[field]).filter((s): s is FieldSchema => s !== undefined);
    if (known && fieldSchemas.length === 0) {
      const fields = [...new Set(schemas.flatMap((s) => Object.keys(s ?? {})))];
      const near = closest(field, fields);
      problems.push({
        path: at,
        message: `the selected event types have no data field "${field}"; they have ${fields.join(', ')}${near ? ` (did you mean ${near}?)` : ''}`,
      });
      if (isRecord(value)) continue;
    }
    if (isRecord(value)) {
      const nested = fieldSchemas.map((s) => s.fields);
      checkData(value, known && fieldSchemas.length > 0 ? nested : [undefined], at, problems);
      continue;
    }
    if (!Array.isArray(value) || !known || fieldSchemas.length === 0) continue;
    const list: unknown[] = value;
    const allowed = fieldSchemas.every((s) => s.values)
      ? [...new Set(fieldSchemas.flatMap((s) => s.values ?? []))]
      : undefined;
    if (!allowed) continue;
    list.forEach((m, i) => {
      if (typeof m === 'string' && !allowed.includes(m)) {
        problems.push({
          path: `${at}[${i}]`,
          message: `"${m}" is not a documented value of data.${field}: ${allowed.join(', ')}${suggestion(m, allowed)}`,
        });
      }
    });
  }
}

/**
 * The problems of the service's grammar alone (what the cloud's TestEventPattern and CreateRule refuse).
 *
 * @example checkGrammar({ source: [{ prefix: '' }] }) // [{ path: 'source[0].prefix', message: '"prefix" takes a non-empty string, got ""' }]
 */
export function checkGrammar(pattern: unknown): PatternProblem[] {
  return parsePattern(pattern).problems.map((p: GrammarProblem) => ({ path: p.path, message: p.message }));
}

/**
 * The catalogue findings alone: a missing `source`, unknown sources and types, data fields and values the selected
 * event types do not document. Meaningful for a pattern whose grammar is valid.
 */
export function checkCatalogue(pattern: unknown, options: ValidateOptions = {}): PatternProblem[] {
  const problems: PatternProblem[] = [];
  if (!isRecord(pattern)) return problems;
  if (pattern.source === undefined) {
    problems.push({
      path: 'source',
      message: 'a pattern needs "source" (e.g. ["acs.ecs"]); without it the rule matches every service',
    });
  }
  const extra = options.uncataloguedTypes ?? [];
  const sources = Array.isArray(pattern.source) ? pattern.source : [];
  sources.forEach((m, i) => {
    if (typeof m === 'string' && !CATALOGUE_SOURCES.includes(m)) {
      problems.push({
        path: `source[${i}]`,
        message: `"${m}" is not a source of the event catalogue (${CATALOGUE_SOURCES.join(', ')})${suggestion(m, CATALOGUE_SOURCES)}`,
      });
    }
  });
  let selected: EventTypeSpec[] = EVENT_CATALOGUE.filter((spec) => sources.some((m) => selects(m, spec.source)));
  let uncatalogued = false;
  if (Array.isArray(pattern.type)) {
    // With an unknown source, suggest from the whole catalogue.
    const types = (selected.length > 0 ? selected : EVENT_CATALOGUE).map((s) => s.type);
    pattern.type.forEach((m, i) => {
      if (typeof m === 'string') {
        if (extra.includes(m)) uncatalogued = true;
        else if (!types.includes(m)) {
          problems.push({
            path: `type[${i}]`,
            message: `"${m}" is not an event type of the catalogue${suggestion(m, types)}`,
          });
        }
      } else if (
        isRecord(m) &&
        ['prefix', 'suffix', 'contains'].some((k) => k in m) &&
        !types.some((t) => selects(m, t))
      ) {
        problems.push({
          path: `type[${i}]`,
          message: `${show(m)} selects no known event type${m.prefix ? `${suggestion(String(m.prefix), types)}` : ''}`,
        });
      }
    });
    selected = selected.filter((spec) => (pattern.type as unknown[]).some((m) => selects(m, spec.type)));
  }
  if (isRecord(pattern.data)) {
    const schemas = uncatalogued ? [undefined] : selected.map((s) => s.data);
    checkData(pattern.data, schemas, 'data', problems);
  }
  return problems;
}

/**
 * Checks `pattern` and returns every problem (an empty list when it is valid): {@link checkGrammar}, then
 * {@link checkCatalogue}.
 *
 * @example validatePattern({ source: ['acs.ecs'], 'detail-type': ['x'] }) // [{ path: 'detail-type', message: … }]
 */
export function validatePattern(pattern: unknown, options: ValidateOptions = {}): PatternProblem[] {
  const grammar = checkGrammar(pattern);
  if (!isRecord(pattern)) return grammar;
  return [...grammar, ...checkCatalogue(pattern, options)];
}
