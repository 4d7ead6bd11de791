import { closest } from '../private/did-you-mean';

/**
 * The one parser of the EventBridge event-pattern grammar: it turns a pattern into a typed tree and reports every
 * problem of the service's grammar. The matcher (`./matcher`) compiles the tree; the validator (`./validate`) reports
 * the problems and adds the catalogue findings. Neither interprets the pattern JSON itself, so they cannot disagree.
 *
 * The grammar is the one of Apache RocketMQ EventBridge, the open-source engine of Alibaba Cloud EventBridge
 * (`common/src/main/java/org/apache/rocketmq/eventbridge/tools/pattern/PatternEvaluatorBuilder.java`,
 * `ComplexConditionBuilders.java`, `PatternConditionBuilder.java` in apache/rocketmq-eventbridge), except where
 * Alibaba's documentation says otherwise (marked DOCS):
 * - A pattern is a JSON object; `{}` matches every event. Its keys are the CloudEvents attributes, the `aliyun*`
 *   extension attributes, and `data`; any other key is invalid. Only `data` nests; every other value is a non-empty
 *   list. An empty nested object (`"data": {}` included) and a list inside a list are invalid.
 * - A list item is an exact value (string, number, boolean, null) or an object with exactly one operator:
 *   `prefix`/`suffix` (non-empty string), `anything-but` (a value, `null`, a list of values (possibly empty),
 *   `{"prefix"}` or `{"suffix"}`), `numeric` (2 or 4 elements: operator `= != > >= < <=` then a number within
 *   ±1e9), `cidr` (an IPv4 block `a.b.c.d/n`, or an exact IPv4 or IPv6 address), `exists` (a boolean).
 * - DOCS: `contains` (a string) is in Alibaba's operator table but not in the open-source engine; it is kept.
 * - DOCS: at most 5 values per field ("Pattern of an event rule" in https://www.alibabacloud.com/help/en/eventbridge/latest/limits);
 *   the engine has no cap, the service does.
 * - Exact numbers outside ±1e9 are valid: the engine bounds only `numeric` operands.
 *
 * @see https://www.alibabacloud.com/help/en/eventbridge/user-guide/event-patterns
 */

/** An exact value of a pattern list. */
export type ExactValue = string | number | boolean | null;

/** A numeric comparison operator. */
export type NumericOperator = '=' | '!=' | '>' | '>=' | '<' | '<=';

/** One condition of a field's list (the items are ORed). */
export type Condition =
  | { readonly kind: 'equal'; readonly value: ExactValue }
  | { readonly kind: 'prefix' | 'suffix' | 'contains'; readonly value: string }
  | { readonly kind: 'anything-but'; readonly except: readonly Condition[] }
  | {
      readonly kind: 'numeric';
      readonly comparisons: readonly { readonly operator: NumericOperator; readonly bound: number }[];
    }
  | { readonly kind: 'cidr'; readonly block: string }
  | { readonly kind: 'exists'; readonly value: boolean };

/** One tested field: the key path in the event and its conditions. */
export interface FieldRule {
  /** Keys from the event (attributes) or from its `data` object: `['state']`, `['trigger', 'risk']`. */
  readonly keys: readonly string[];
  /** Where in the pattern: `source`, `data.trigger.risk`. */
  readonly path: string;
  readonly conditions: readonly Condition[];
}

/** A parsed pattern. */
export interface PatternAst {
  /** Tests of top-level attributes (`source`, `type`, `aliyunregionid`, ...). */
  readonly attributes: readonly FieldRule[];
  /** Tests of `data` fields, flattened to key paths; undefined when the pattern has no `data`. */
  readonly data: readonly FieldRule[] | undefined;
}

/** One problem of the grammar. */
export interface GrammarProblem {
  /** Path in the pattern, e.g. `data.state[0]`; `''` for the pattern itself. */
  readonly path: string;
  /** What is wrong and what is allowed. */
  readonly message: string;
}

/** The result of {@link parsePattern}: the tree, present only when there is no problem. */
export interface ParseResult {
  readonly ast: PatternAst | undefined;
  readonly problems: readonly GrammarProblem[];
}

/**
 * The top-level keys: the CloudEvents 1.0 attributes (`SpecVersion.V1.getAllAttributes()`) and Alibaba's extension
 * attributes (the engine reads them from its configuration; these are the ones Alibaba's events carry).
 */
export const TOP_LEVEL_FIELDS: readonly string[] = [
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

/** The operators, in the order messages list them. */
export const OPERATORS: readonly string[] = [
  'prefix',
  'suffix',
  'contains',
  'anything-but',
  'numeric',
  'cidr',
  'exists',
];

const NUMERIC_OPERATORS: readonly string[] = ['=', '!=', '>', '>=', '<', '<='];

/** `NumericConditionBuilder.MAX_VAL` / `MIN_VAL`, inclusive. */
export const NUMERIC_LIMIT = 1e9;

/** Values per field: https://www.alibabacloud.com/help/en/eventbridge/latest/limits ("Pattern of an event rule"). */
export const MAX_MATCHERS = 5;

/** AWS EventBridge envelope keys, each with its Alibaba counterpart. */
const AWS_KEYS: Readonly<Record<string, string>> = {
  'detail-type':
    '"detail-type" is an AWS EventBridge key; Alibaba events carry "type" (e.g. "ecs:Instance:StateChange")',
  detail: '"detail" is an AWS EventBridge key; the payload of Alibaba events is under "data"',
  account: '"account" is an AWS EventBridge key; Alibaba events carry "aliyunaccountid"',
  region: '"region" is an AWS EventBridge key; Alibaba events carry "aliyunregionid"',
  resources: '"resources" is an AWS EventBridge key; Alibaba events name the resource in "subject"',
  version: '"version" is an AWS EventBridge key; Alibaba events carry "specversion"',
};

/** AWS-only operators, each with the nearest valid alternative. */
const UNSUPPORTED: Readonly<Record<string, string>> = {
  wildcard: 'use "prefix", "suffix" or "contains"',
  'equals-ignore-case': 'list the exact spellings, matching is case-sensitive',
  $or: 'use a list of values within one field (OR), or a second rule',
};

const IPV4_BLOCK = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;
const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/**
 * Parses `pattern` and reports every grammar problem.
 *
 * @example parsePattern({ source: [{ prefix: '' }] }).problems // [{ path: 'source[0].prefix', message: ... }]
 */
export function parsePattern(pattern: unknown): ParseResult {
  const problems: GrammarProblem[] = [];
  if (!isRecord(pattern)) {
    return { ast: undefined, problems: [{ path: '', message: `a pattern is a JSON object, got ${show(pattern)}` }] };
  }
  const attributes: FieldRule[] = [];
  let data: FieldRule[] | undefined;
  for (const key of Object.keys(pattern)) {
    const value = pattern[key];
    if (key === 'data') {
      if (!isRecord(value)) {
        problems.push({
          path: 'data',
          message: `"data" mirrors the event payload: an object of fields, got ${show(value)}`,
        });
        continue;
      }
      data = [];
      parseObject(value, [], 'data', data, problems);
      continue;
    }
    if (AWS_KEYS[key] !== undefined) {
      problems.push({ path: key, message: AWS_KEYS[key] });
      continue;
    }
    if (UNSUPPORTED[key] !== undefined) {
      problems.push({ path: key, message: `"${key}" is not supported by Alibaba EventBridge: ${UNSUPPORTED[key]}` });
      continue;
    }
    if (!TOP_LEVEL_FIELDS.includes(key)) {
      const near = closest(key, TOP_LEVEL_FIELDS);
      problems.push({
        path: key,
        message: `"${key}" is not a field of Alibaba events${near ? ` (did you mean ${near}?)` : `; fields: ${TOP_LEVEL_FIELDS.join(', ')}`}`,
      });
      continue;
    }
    const conditions = parseList(value, key, problems, true);
    if (conditions !== undefined) attributes.push({ keys: [key], path: key, conditions });
  }
  return { ast: problems.length === 0 ? { attributes, data } : undefined, problems };
}

/** The nested fields of `data`: lists become rules, objects recurse; an empty object is invalid. */
function parseObject(
  object: Record<string, unknown>,
  keys: readonly string[],
  path: string,
  rules: FieldRule[],
  problems: GrammarProblem[],
): void {
  const entries = Object.keys(object);
  if (entries.length === 0) {
    // PatternErrorMessages.NO_DATA_PATTERN_KEY, for `"data": {}` and any empty object below it.
    problems.push({ path, message: 'an empty object is not valid: a nested object needs at least one field' });
    return;
  }
  for (const key of entries) {
    const value = object[key];
    const at = `${path}.${key}`;
    if (isRecord(value)) {
      parseObject(value, [...keys, key], at, rules, problems);
      continue;
    }
    const conditions = parseList(value, at, problems, false);
    if (conditions !== undefined) rules.push({ keys: [...keys, key], path: at, conditions });
  }
}

/** A field's list: 1 to {@link MAX_MATCHERS} conditions. */
function parseList(
  value: unknown,
  path: string,
  problems: GrammarProblem[],
  topLevel: boolean,
): Condition[] | undefined {
  if (!Array.isArray(value)) {
    const nests = topLevel && isRecord(value) ? '; only "data" holds nested fields' : '';
    problems.push({
      path,
      message: `a field's matchers are a list, e.g. ["value"] or [{"prefix": "…"}], got ${show(value)}${nests}`,
    });
    return undefined;
  }
  const before = problems.length;
  if (value.length === 0) problems.push({ path, message: 'an empty list matches nothing; give 1 to 5 matchers' });
  if (value.length > MAX_MATCHERS) {
    problems.push({
      path,
      message: `${value.length} matchers; Alibaba allows at most ${MAX_MATCHERS} per field (split the rule, or use a prefix)`,
    });
  }
  const conditions: Condition[] = [];
  value.forEach((item, i) => {
    const condition = parseMatcher(item, `${path}[${i}]`, problems);
    if (condition !== undefined) conditions.push(condition);
  });
  return problems.length === before ? conditions : undefined;
}

/**
 * One item of a field's list. Exported for the catalogue checks, which test catalogue strings with the same
 * conditions the matcher compiles.
 */
export function parseMatcher(matcher: unknown, path: string, problems: GrammarProblem[]): Condition | undefined {
  if (isExact(matcher)) {
    if (typeof matcher === 'number' && !Number.isFinite(matcher)) {
      problems.push({ path, message: `${matcher} is not valid: a finite number` });
      return undefined;
    }
    return { kind: 'equal', value: matcher };
  }
  if (!isRecord(matcher)) {
    // A list inside a list: PatternErrorMessages.NESTED_PATTERN_VALUE.
    problems.push({
      path,
      message: `${show(matcher)} is not a matcher: use an exact value or an object like {"prefix": "…"}`,
    });
    return undefined;
  }
  const keys = Object.keys(matcher);
  if (keys.length !== 1) {
    problems.push({
      path,
      message: `a matcher object has exactly one operator, got ${keys.length} (${keys.join(', ') || 'none'})`,
    });
    return undefined;
  }
  const [operator] = keys;
  const operand = matcher[operator];
  const at = `${path}.${operator}`;
  const fail = (message: string): undefined => {
    problems.push({ path: at, message });
    return undefined;
  };
  switch (operator) {
    case 'prefix':
    case 'suffix':
      if (typeof operand !== 'string') return fail(`"${operator}" takes a string, got ${show(operand)}`);
      if (operand === '') return fail(`"${operator}" takes a non-empty string, got ""`);
      return { kind: operator, value: operand };
    case 'contains':
      // Alibaba documents contains without saying whether "" is allowed; it is accepted (it matches every string).
      if (typeof operand !== 'string') return fail(`"contains" takes a string, got ${show(operand)}`);
      return { kind: 'contains', value: operand };
    case 'exists':
      if (typeof operand !== 'boolean') return fail(`"exists" takes true or false, got ${show(operand)}`);
      return { kind: 'exists', value: operand };
    case 'cidr':
      if (typeof operand !== 'string' || !validCidr(operand)) {
        return fail(
          `"cidr" takes an IPv4 block like "10.0.0.0/24" or an exact IPv4 or IPv6 address (IPv6 blocks are not supported), got ${show(operand)}`,
        );
      }
      return { kind: 'cidr', block: operand };
    case 'numeric':
      return parseNumeric(operand, at, problems);
    case 'anything-but':
      return parseAnythingBut(operand, at, problems);
    default: {
      const hint = UNSUPPORTED[operator];
      const near = closest(operator, OPERATORS);
      return fail(
        hint
          ? `"${operator}" is not supported by Alibaba EventBridge: ${hint}`
          : `"${operator}" is not an operator; supported: ${OPERATORS.join(', ')}${near ? ` (did you mean ${near}?)` : ''}`,
      );
    }
  }
}

function parseNumeric(operand: unknown, path: string, problems: GrammarProblem[]): Condition | undefined {
  if (!Array.isArray(operand) || (operand.length !== 2 && operand.length !== 4)) {
    problems.push({
      path,
      message: `"numeric" takes one or two [operator, number] pairs, e.g. [">", 0, "<=", 5], got ${show(operand)}`,
    });
    return undefined;
  }
  const before = problems.length;
  const comparisons: { operator: NumericOperator; bound: number }[] = [];
  for (let i = 0; i < operand.length; i += 2) {
    const [op, bound] = [operand[i], operand[i + 1]];
    if (typeof op !== 'string' || !NUMERIC_OPERATORS.includes(op)) {
      problems.push({
        path: `${path}[${i}]`,
        message: `${show(op)} is not a numeric operator; allowed: ${NUMERIC_OPERATORS.join(', ')}`,
      });
    }
    if (typeof bound !== 'number' || !Number.isFinite(bound) || Math.abs(bound) > NUMERIC_LIMIT) {
      problems.push({ path: `${path}[${i + 1}]`, message: `${show(bound)} is not a number within -1e9..1e9` });
    }
    comparisons.push({ operator: op as NumericOperator, bound: bound as number });
  }
  return problems.length === before ? { kind: 'numeric', comparisons } : undefined;
}

function parseAnythingBut(operand: unknown, path: string, problems: GrammarProblem[]): Condition | undefined {
  const allowed = 'a value, a list of values, {"prefix": "…"} or {"suffix": "…"}';
  if (isExact(operand)) return { kind: 'anything-but', except: [{ kind: 'equal', value: operand }] };
  if (Array.isArray(operand)) {
    // An empty list is valid (the engine builds a condition without exclusions): it matches any present value.
    if (!operand.every(isExact)) {
      problems.push({ path, message: `"anything-but" takes ${allowed}, got ${show(operand)}` });
      return undefined;
    }
    return { kind: 'anything-but', except: operand.map((value) => ({ kind: 'equal', value })) };
  }
  if (isRecord(operand)) {
    const keys = Object.keys(operand);
    const other = keys.filter((k) => k !== 'prefix' && k !== 'suffix');
    if (other.length > 0) {
      problems.push({
        path,
        message: `"anything-but" with ${other.join(', ')} is not supported by Alibaba EventBridge; "anything-but" takes ${allowed}`,
      });
      return undefined;
    }
    const inner = parseMatcher(operand, path, problems);
    return inner === undefined ? undefined : { kind: 'anything-but', except: [inner] };
  }
  problems.push({ path, message: `"anything-but" takes ${allowed}, got ${show(operand)}` });
  return undefined;
}

/**
 * `CIDRConditionBuilder`: with a `/`, commons-net `SubnetUtils` (IPv4 only, octets 0..255, mask 0..32); without,
 * `InetAddress.getByName`, which also resolves host names: only IP literals are accepted here, a host name would
 * make the rule depend on DNS (UNCONFIRMED whether the service accepts one).
 */
function validCidr(text: string): boolean {
  const block = IPV4_BLOCK.exec(text);
  if (block !== null) return block.slice(1, 5).every((o) => Number(o) <= 255) && Number(block[5]) <= 32;
  return ipKey(text) !== undefined;
}

/**
 * A canonical key of an IP literal, equal for two spellings of one address (as `InetAddress.equals`): `4:<int>` for
 * IPv4 (IPv4-mapped IPv6 included, as Java maps them), `6:<compressed form>` for IPv6; undefined for anything else.
 */
export function ipKey(text: string): string | undefined {
  const v4 = ipv4(text);
  if (v4 !== undefined) return `4:${v4}`;
  if (!text.includes(':') || /[^0-9a-fA-F:.]/.test(text)) return undefined;
  let host: string;
  try {
    host = new URL(`http://[${text}]/`).hostname.slice(1, -1);
  } catch {
    return undefined;
  }
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(host);
  if (mapped !== null) return `4:${Number.parseInt(mapped[1], 16) * 65536 + Number.parseInt(mapped[2], 16)}`;
  return `6:${host}`;
}

/** A dotted-quad IPv4 address as an unsigned 32-bit integer; undefined when it is not one. */
export function ipv4(text: string): number | undefined {
  const m = IPV4.exec(text);
  if (m === null) return undefined;
  let ip = 0;
  for (let i = 1; i <= 4; i++) {
    const octet = Number(m[i]);
    if (octet > 255) return undefined;
    ip = ip * 256 + octet;
  }
  return ip;
}

function isExact(value: unknown): value is ExactValue {
  return value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A value rendered for a message: JSON, shortened when long. */
export function show(value: unknown): string {
  if (value === undefined) return 'undefined';
  const json = JSON.stringify(value) ?? String(value);
  return json.length > 80 ? `${json.slice(0, 77)}...` : json;
}
