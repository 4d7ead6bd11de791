import {
  CATALOGUE_SOURCES,
  EVENT_CATALOGUE,
  type EventTypeSpec,
  type FieldSchema,
  KNOWN_MISTAKES,
} from '../events/catalogue';
import { closest } from '../private/did-you-mean';

/**
 * Synth-time checks of an EventBridge filter pattern: Alibaba's documented grammar first, then the event catalogue.
 *
 * Grammar (https://www.alibabacloud.com/help/en/eventbridge/user-guide/event-patterns): each field is a list of 1 to
 * 5 matchers; a matcher is an exact value (string, number, boolean, `""`, `null`) or one of `prefix`, `suffix`,
 * `contains`, `anything-but` (value, list, or `{prefix}`), `numeric`, `cidr`, `exists`. Operators AWS EventBridge has
 * and Alibaba does not document (`wildcard`, `equals-ignore-case`, `$or`, `anything-but` with `suffix`) are refused:
 * whether Alibaba rejects them or silently matches nothing is not documented, and both are bad.
 *
 * Catalogue: `source` and exact `type` values must be known; `prefix`/`suffix`/`contains` on `type` must select at
 * least one known type; a `data` field must exist in the schema of the types the pattern selects (when all of them
 * document one), and exact values of a field with documented values must be among them.
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

const TOP_LEVEL_FIELDS = [
  'source',
  'type',
  'subject',
  'id',
  'specversion',
  'time',
  'datacontenttype',
  'dataschema',
  'data',
  'aliyunaccountid',
  'aliyunregionid',
  'aliyuneventbusname',
  'aliyunpublishtime',
  'aliyunpublishaddr',
];

/** AWS EventBridge envelope keys, each with its Alibaba counterpart. */
const AWS_KEYS: Record<string, string> = {
  'detail-type':
    '"detail-type" is an AWS EventBridge key; Alibaba events carry "type" (e.g. "ecs:Instance:StateChange")',
  detail: '"detail" is an AWS EventBridge key; the payload of Alibaba events is under "data"',
  account: '"account" is an AWS EventBridge key; Alibaba events carry "aliyunaccountid"',
  region: '"region" is an AWS EventBridge key; Alibaba events carry "aliyunregionid"',
  resources: '"resources" is an AWS EventBridge key; Alibaba events name the resource in "subject"',
  version: '"version" is an AWS EventBridge key; Alibaba events carry "specversion"',
};

const OPERATORS = ['prefix', 'suffix', 'contains', 'anything-but', 'numeric', 'cidr', 'exists'];

/** Unsupported operators, each with the nearest valid alternative. */
const UNSUPPORTED: Record<string, string> = {
  wildcard: 'use "prefix", "suffix" or "contains"',
  'equals-ignore-case': 'list the exact spellings, matching is case-sensitive',
  $or: 'use a list of values within one field (OR), or a second rule',
};

const NUMERIC_OPERATORS = ['=', '>', '<', '<='];
const MAX_MATCHERS = 5;
const NUMERIC_LIMIT = 1e9;
const CIDR = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}\/(3[0-2]|[12]?\d)$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function show(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}

/** Checks one matcher of a field's list against the grammar. */
function checkMatcher(matcher: unknown, path: string, problems: PatternProblem[]): void {
  if (matcher === null || ['string', 'number', 'boolean'].includes(typeof matcher)) {
    if (typeof matcher === 'number' && Math.abs(matcher) > NUMERIC_LIMIT) {
      problems.push({ path, message: `${matcher} is outside the supported numeric range -1e9..1e9` });
    }
    return;
  }
  if (!isRecord(matcher)) {
    problems.push({
      path,
      message: `${show(matcher)} is not a matcher: use an exact value or an object like {"prefix": "…"}`,
    });
    return;
  }
  const keys = Object.keys(matcher);
  if (keys.length !== 1) {
    problems.push({
      path,
      message: `a matcher object has exactly one operator, got ${keys.length} (${keys.join(', ') || 'none'})`,
    });
    return;
  }
  const [operator] = keys;
  const operand = matcher[operator];
  const at = `${path}.${operator}`;
  switch (operator) {
    case 'prefix':
    case 'suffix':
    case 'contains':
      if (typeof operand !== 'string')
        problems.push({ path: at, message: `"${operator}" takes a string, got ${show(operand)}` });
      return;
    case 'cidr':
      if (typeof operand !== 'string' || !CIDR.test(operand)) {
        problems.push({
          path: at,
          message: `"cidr" takes an IPv4 block like "10.0.0.0/24" (IPv6 is not supported), got ${show(operand)}`,
        });
      }
      return;
    case 'exists':
      if (typeof operand !== 'boolean')
        problems.push({ path: at, message: `"exists" takes true or false, got ${show(operand)}` });
      return;
    case 'numeric':
      checkNumeric(operand, at, problems);
      return;
    case 'anything-but':
      if (typeof operand === 'string' || typeof operand === 'number') return;
      if (
        Array.isArray(operand) &&
        operand.length > 0 &&
        operand.every((v) => typeof v === 'string' || typeof v === 'number')
      )
        return;
      if (isRecord(operand) && Object.keys(operand).length === 1 && typeof operand.prefix === 'string') return;
      if (isRecord(operand) && ('suffix' in operand || 'equals-ignore-case' in operand)) {
        problems.push({
          path: at,
          message: `"anything-but" with ${Object.keys(operand).join(', ')} is not supported by Alibaba EventBridge; "anything-but" takes a value, a list, or {"prefix": "…"}`,
        });
        return;
      }
      problems.push({
        path: at,
        message: `"anything-but" takes a value, a non-empty list of values, or {"prefix": "…"}, got ${show(operand)}`,
      });
      return;
    default: {
      const hint = UNSUPPORTED[operator];
      const near = closest(operator, OPERATORS);
      problems.push({
        path: at,
        message: hint
          ? `"${operator}" is not supported by Alibaba EventBridge: ${hint}`
          : `"${operator}" is not an operator; supported: ${OPERATORS.join(', ')}${near ? ` (did you mean ${near}?)` : ''}`,
      });
    }
  }
}

function checkNumeric(operand: unknown, path: string, problems: PatternProblem[]): void {
  const pairs = Array.isArray(operand) && (operand.length === 2 || operand.length === 4);
  if (!pairs) {
    problems.push({
      path,
      message: `"numeric" takes one or two [operator, number] pairs, e.g. [">", 0, "<=", 5], got ${show(operand)}`,
    });
    return;
  }
  const list = operand as unknown[];
  for (let i = 0; i < list.length; i += 2) {
    const [op, value] = [list[i], list[i + 1]];
    // ">=" is not in Alibaba's list; the local matcher accepts it, the service may not: refuse it here.
    if (typeof op !== 'string' || !NUMERIC_OPERATORS.includes(op)) {
      problems.push({
        path: `${path}[${i}]`,
        message: `${show(op)} is not a numeric operator; Alibaba documents ${NUMERIC_OPERATORS.join(', ')}${op === '>=' ? ' (write [">", x] or pair "<" with "=")' : ''}`,
      });
    }
    if (typeof value !== 'number' || Math.abs(value) > NUMERIC_LIMIT) {
      problems.push({ path: `${path}[${i + 1}]`, message: `${show(value)} is not a number within -1e9..1e9` });
    }
  }
}

/** Checks a field's matcher list: 1 to 5 valid matchers. Returns the list when it is one. */
function checkList(value: unknown, path: string, problems: PatternProblem[]): unknown[] | undefined {
  if (!Array.isArray(value)) {
    problems.push({
      path,
      message: `a field's matchers are a list, e.g. ["value"] or [{"prefix": "…"}], got ${show(value)}`,
    });
    return undefined;
  }
  if (value.length === 0) problems.push({ path, message: 'an empty list matches nothing; give 1 to 5 matchers' });
  if (value.length > MAX_MATCHERS) {
    problems.push({
      path,
      message: `${value.length} matchers; Alibaba allows at most ${MAX_MATCHERS} per field (split the rule, or use a prefix)`,
    });
  }
  value.forEach((m, i) => {
    checkMatcher(m, `${path}[${i}]`, problems);
  });
  return value;
}

/** Whether a string value satisfies one matcher (the subset needed to select catalogue entries). */
function selects(matcher: unknown, value: string): boolean {
  if (typeof matcher === 'string') return matcher === value;
  if (!isRecord(matcher)) return false;
  if (typeof matcher.prefix === 'string') return value.startsWith(matcher.prefix);
  if (typeof matcher.suffix === 'string') return value.endsWith(matcher.suffix);
  if (typeof matcher.contains === 'string') return value.includes(matcher.contains);
  if ('anything-but' in matcher) {
    const but = matcher['anything-but'];
    if (Array.isArray(but)) return !but.includes(value);
    if (isRecord(but) && typeof but.prefix === 'string') return !value.startsWith(but.prefix);
    return but !== value;
  }
  if (matcher.exists === true) return true;
  return false;
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
    const list = checkList(value, at, problems);
    if (!list || !known || fieldSchemas.length === 0) continue;
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
 * Checks `pattern` and returns every problem (an empty list when it is valid).
 *
 * @example validatePattern({ source: ['acs.ecs'], 'detail-type': ['x'] }) // [{ path: 'detail-type', message: … }]
 */
export function validatePattern(pattern: unknown, options: ValidateOptions = {}): PatternProblem[] {
  const problems: PatternProblem[] = [];
  if (!isRecord(pattern)) return [{ path: '', message: `a pattern is a JSON object, got ${show(pattern)}` }];
  for (const key of Object.keys(pattern)) {
    if (AWS_KEYS[key]) problems.push({ path: key, message: AWS_KEYS[key] });
    else if (UNSUPPORTED[key])
      problems.push({ path: key, message: `"${key}" is not supported by Alibaba EventBridge: ${UNSUPPORTED[key]}` });
    else if (!TOP_LEVEL_FIELDS.includes(key)) {
      const near = closest(key, TOP_LEVEL_FIELDS);
      problems.push({
        path: key,
        message: `"${key}" is not a field of Alibaba events${near ? ` (did you mean ${near}?)` : `; fields: ${TOP_LEVEL_FIELDS.join(', ')}`}`,
      });
    }
  }
  if (pattern.source === undefined) {
    problems.push({
      path: 'source',
      message: 'a pattern needs "source" (e.g. ["acs.ecs"]); without it the rule matches every service',
    });
  }
  for (const key of TOP_LEVEL_FIELDS) {
    if (key !== 'data' && pattern[key] !== undefined) checkList(pattern[key], key, problems);
  }
  if (pattern.data !== undefined && !isRecord(pattern.data)) {
    problems.push({
      path: 'data',
      message: `"data" mirrors the event payload: an object of fields, got ${show(pattern.data)}`,
    });
  }

  // Catalogue: which types does the pattern select?
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
