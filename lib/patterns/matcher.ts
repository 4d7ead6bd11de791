/**
 * A local implementation of Alibaba Cloud EventBridge event-pattern matching, for replaying events against the rules
 * we deploy and for checking patterns in tests without a cloud account.
 *
 * Semantics, as documented by Alibaba (and, where the documentation is silent, the choice made here, marked CHOICE):
 * - A pattern is a JSON object. Its keys are ANDed; each key holds either a list of matchers (ORed) or a nested object
 *   that mirrors the nesting of the event (`data`, and anything deeper).
 * - The event must contain every field the pattern names, except for fields tested with `{"exists": false}`. Fields
 *   the pattern does not name are ignored.
 * - Exact values (string, number, boolean, `""`, `null`) compare case-sensitively and without type coercion: `"300"`
 *   never matches `300`, `null` never matches `""`.
 * - An event field holding an array matches when any of its elements matches (nested arrays are flattened).
 * - Operators: `prefix`, `suffix`, `contains` (strings only), `anything-but` (a value, a list, or `{prefix}`),
 *   `numeric` (one comparison or a range of two), `cidr` (IPv4 only), `exists`.
 *
 * CHOICES where Alibaba documents nothing:
 * - `anything-but` matches a present leaf value (string, number, boolean, null) that the positive form would not
 *   match; on an array it matches when any element does, as every other matcher does. An object value (not a leaf)
 *   matches no value matcher. `{"anything-but": {"prefix": "init"}}` therefore matches `5`.
 * - `exists` is about the presence of the key: `{"exists": true}` matches any value, `null`, `[]` and objects included.
 * - A nested pattern object applied to an array of objects matches when one element matches all of its keys (the same
 *   element, never a mix of elements). Applied to a missing field or a non-object value it sees every nested field as
 *   absent, so only `{"exists": false}` tests can match.
 * - An empty matcher list, an empty nested object, an unknown operator (`equals-ignore-case`, `wildcard`, `$or`: AWS
 *   features Alibaba does not document) or an operator with a wrongly typed operand is a {@link PatternSyntaxError}.
 *   The documented limits (5 matchers per field, numeric range ±1e9) are the job of the synth-time validator
 *   (`lib/patterns/validate.ts`), not of this matcher.
 *
 * Patterns are compiled once into closures; matching an event never re-reads the pattern JSON.
 *
 * @see https://www.alibabacloud.com/help/en/eventbridge/user-guide/event-patterns
 * @example
 * matchesPattern({ source: ['acs.ecs'], data: { state: ['Stopped'] } }, event); // true or false
 * const index = new PatternIndex(rules.map((r) => ({ id: r.name, pattern: r.pattern })));
 * index.match(JSON.parse(text)); // names of the rules the event matches, in rule order
 */

/** Any JSON value. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [k: string]: JsonValue };

/** A pattern this matcher cannot interpret; `path` names the pattern field, e.g. `data.state[1]`. */
export class PatternSyntaxError extends Error {
  override readonly name = 'PatternSyntaxError';
  constructor(
    /** Where in the pattern, e.g. `data.state[1]`; `$` for the pattern itself. */
    readonly path: string,
    /** What is wrong, without the location. */
    readonly detail: string,
    options?: {
      readonly cause?: unknown;
      /** Which pattern, for a {@link PatternIndex}: `entries[3] (rule-a)`. */
      readonly entry?: string;
    },
  ) {
    super(`${options?.entry === undefined ? '' : `${options.entry}: `}pattern field "${path}": ${detail}`, options);
  }
}

/** A compiled pattern: true when the event matches. */
export type CompiledPattern = (event: unknown) => boolean;

/**
 * Compiles `pattern` once for matching many events.
 *
 * @throws PatternSyntaxError naming the field when the pattern cannot be interpreted.
 */
export function compilePattern(pattern: unknown): CompiledPattern {
  const test = compileObject(pattern, '$', true);
  return (event) => isObject(event) && test(event);
}

/**
 * True when `event` matches `pattern`. Compiles the pattern on every call: use {@link compilePattern} or
 * {@link PatternIndex} to match many events.
 *
 * @throws PatternSyntaxError for a pattern it cannot interpret.
 */
export function matchesPattern(pattern: unknown, event: unknown): boolean {
  return compilePattern(pattern)(event);
}

/** One entry of a {@link PatternIndex}. */
export interface IndexEntry<T> {
  readonly id: T;
  readonly pattern: unknown;
}

/** An index key taken from a `source` or `type` list: an exact string or a `{"prefix": ...}`. */
type IndexKey = { readonly exact: string } | { readonly prefix: string };

/**
 * Values filed by exact string and by prefix. Prefixes are grouped by length, so a lookup costs one hash probe per
 * distinct prefix length (`value.slice(0, length)`), however many prefixes there are.
 */
class KeyTable<V> {
  readonly exact = new Map<string, V>();
  /** `[length, prefixes of that length]`, an array for fast iteration. */
  readonly prefixes: [number, Map<string, V>][] = [];

  /** The value filed under `key`, created with `make` on first use. */
  slot(key: IndexKey, make: () => V): V {
    let map = this.exact;
    let text: string;
    if ('exact' in key) {
      text = key.exact;
    } else {
      text = key.prefix;
      let group = this.prefixes.find(([length]) => length === text.length);
      if (group === undefined) {
        group = [text.length, new Map()];
        this.prefixes.push(group);
      }
      map = group[1];
    }
    let value = map.get(text);
    if (value === undefined) {
      value = make();
      map.set(text, value);
    }
    return value;
  }
}

/** The second level of the index: patterns reached through one `source` key. */
interface TypeLevel {
  /** By `type` key. */
  readonly types: KeyTable<number[]>;
  /** Patterns without a `type` key, or whose `type` uses other operators than `prefix`. */
  readonly anyType: number[];
}

/**
 * Many patterns, indexed by `source` and `type` so that matching cost stays flat as rules grow.
 *
 * A pattern whose `source` is a list of exact strings and `prefix` operators is filed under each of them, and under
 * each of its `type` values when `type` is such a list too (else under "any type" of that source). Exact values are
 * found with one hash probe; prefixes with one probe per distinct prefix length. A pattern with other operators on
 * `source`, or without `source`, goes to a fallback list checked for every event. Indexed patterns are compiled
 * without their `source`/`type` tests: reaching a pattern through the index is that test.
 *
 * @throws PatternSyntaxError (from the constructor) naming the entry and field of the first bad pattern.
 * @example
 * const index = new PatternIndex([{ id: 'auto-restart', pattern: instanceStateChange(['Stopped']) }]);
 * index.match(event); // ['auto-restart'] or []
 */
export class PatternIndex<T> {
  private readonly ids: T[] = [];
  private readonly tests: ObjectTest[] = [];
  private readonly sources = new KeyTable<TypeLevel>();
  private readonly fallback: number[] = [];
  /** Per pattern, the `match` call that last tested it: a pattern filed under several keys is tested once. */
  private readonly seen: Uint32Array;
  private stamp = 0;
  private readonly scratch: number[] = [];

  constructor(entries: ReadonlyArray<IndexEntry<T>>) {
    this.seen = new Uint32Array(entries.length);
    entries.forEach((entry, i) => {
      let sourceKeys: IndexKey[] | undefined;
      let typeKeys: IndexKey[] | undefined;
      try {
        const pattern = entry.pattern;
        if (!isObject(pattern)) throw new PatternSyntaxError('$', `${render(pattern)} is not valid: a JSON object`);
        sourceKeys = indexKeys(pattern.source);
        typeKeys = sourceKeys === undefined ? undefined : indexKeys(pattern.type);
        const skip = new Set<string>();
        if (sourceKeys !== undefined) skip.add('source');
        if (typeKeys !== undefined) skip.add('type');
        this.tests.push(compileObject(pattern, '$', true, skip));
      } catch (error) {
        if (!(error instanceof PatternSyntaxError)) throw error;
        throw new PatternSyntaxError(error.path, error.detail, {
          cause: error,
          entry: `entries[${i}] (${String(entry.id)})`,
        });
      }
      this.ids.push(entry.id);
      if (sourceKeys === undefined) {
        this.fallback.push(i);
        return;
      }
      for (const sourceKey of sourceKeys) {
        const level = this.sources.slot(sourceKey, () => ({ types: new KeyTable<number[]>(), anyType: [] }));
        if (typeKeys === undefined) {
          pushOnce(level.anyType, i);
          continue;
        }
        for (const typeKey of typeKeys)
          pushOnce(
            level.types.slot(typeKey, () => []),
            i,
          );
      }
    });
  }

  /** The ids of every pattern the event matches, in insertion order. */
  match(event: unknown): T[] {
    if (!isObject(event)) return [];
    this.stamp += 1;
    if (this.stamp === 0xffffffff) {
      this.seen.fill(0);
      this.stamp = 1;
    }
    // One scratch array per index, reused: `match` is synchronous and never re-entered by a compiled test.
    const matched = this.scratch;
    matched.length = 0;
    this.test(this.fallback, event, matched);
    const source = event.source;
    if (typeof source === 'string') {
      this.matchSource(source, event, matched);
    } else if (Array.isArray(source)) {
      for (const s of leafValues(source)) if (typeof s === 'string') this.matchSource(s, event, matched);
    }
    const count = matched.length;
    if (count === 0) return [];
    let sorted = true;
    for (let k = 1; k < count; k++) {
      if (matched[k] < matched[k - 1]) {
        sorted = false;
        break;
      }
    }
    if (!sorted) matched.sort((a, b) => a - b);
    const ids = this.ids;
    const result: T[] = [];
    for (let k = 0; k < count; k++) result.push(ids[matched[k]]);
    return result;
  }

  private matchSource(source: string, event: Record<string, unknown>, matched: number[]): void {
    const table = this.sources;
    const exact = table.exact.get(source);
    if (exact !== undefined) this.matchType(exact, event, matched);
    for (const [length, prefixes] of table.prefixes) {
      if (length > source.length) continue;
      const level = prefixes.get(length === source.length ? source : source.slice(0, length));
      if (level !== undefined) this.matchType(level, event, matched);
    }
  }

  private matchType(level: TypeLevel, event: Record<string, unknown>, matched: number[]): void {
    this.test(level.anyType, event, matched);
    const type = event.type;
    if (typeof type === 'string') {
      this.matchTypeValue(level.types, type, event, matched);
    } else if (Array.isArray(type)) {
      for (const t of leafValues(type)) if (typeof t === 'string') this.matchTypeValue(level.types, t, event, matched);
    }
  }

  private matchTypeValue(table: KeyTable<number[]>, type: string, event: Record<string, unknown>, matched: number[]) {
    const exact = table.exact.get(type);
    if (exact !== undefined) this.test(exact, event, matched);
    for (const [length, prefixes] of table.prefixes) {
      if (length > type.length) continue;
      const list = prefixes.get(length === type.length ? type : type.slice(0, length));
      if (list !== undefined) this.test(list, event, matched);
    }
  }

  /** Tests the patterns of `list` not yet tested in this call. */
  private test(list: readonly number[], event: Record<string, unknown>, matched: number[]): void {
    const { seen, stamp, tests } = this;
    for (let k = 0; k < list.length; k++) {
      const i = list[k];
      if (seen[i] === stamp) continue;
      seen[i] = stamp;
      if (tests[i](event)) matched.push(i);
    }
  }
}

/** The index keys of a `source`/`type` list: exact strings and `{"prefix": string}`; undefined for anything else. */
function indexKeys(list: unknown): IndexKey[] | undefined {
  if (!Array.isArray(list) || list.length === 0) return undefined;
  const keys: IndexKey[] = [];
  for (const item of list) {
    if (typeof item === 'string') keys.push({ exact: item });
    else if (isObject(item) && typeof item.prefix === 'string' && Object.keys(item).length === 1) {
      keys.push({ prefix: item.prefix });
    } else return undefined;
  }
  return keys;
}

function pushOnce(list: number[], i: number): void {
  if (list[list.length - 1] !== i) list.push(i);
}

// ---------------------------------------------------------------------------------------------------------------------
// Compilation

/** Tests one object of the event against one object of the pattern. */
type ObjectTest = (object: Record<string, unknown>) => boolean;
/** Tests one field of an object: reads its own key. */
type FieldTest = (object: Record<string, unknown>) => boolean;
/** Tests one leaf value (not an array). */
type ValueTest = (value: unknown) => boolean;

function compileObject(pattern: unknown, path: string, top: boolean, skip?: ReadonlySet<string>): ObjectTest {
  if (!isObject(pattern)) {
    throw new PatternSyntaxError(
      path,
      `${render(pattern)} is not valid: a JSON object whose keys hold lists or objects`,
    );
  }
  const keys = Object.keys(pattern);
  // An empty top-level pattern matches every event (the AWS behaviour); nested, `{}` is almost certainly a mistake.
  if (keys.length === 0 && !top) {
    throw new PatternSyntaxError(path, '{} is not valid: a nested object needs at least one field');
  }
  const fields: FieldTest[] = [];
  for (const key of keys) {
    const child = top ? key : `${path}.${key}`;
    const value = pattern[key];
    const field = compileField(key, value, child);
    if (skip?.has(key)) continue;
    fields.push(field);
  }
  switch (fields.length) {
    case 0:
      return () => true;
    case 1:
      return fields[0];
    case 2: {
      const [a, b] = fields;
      return (o) => a(o) && b(o);
    }
    case 3: {
      const [a, b, c] = fields;
      return (o) => a(o) && b(o) && c(o);
    }
    default:
      return (o) => {
        for (const f of fields) if (!f(o)) return false;
        return true;
      };
  }
}

/** A compiled node, and whether it matches a field that is absent. */
interface Compiled<F> {
  readonly test: F;
  readonly matchesAbsent: boolean;
}

function compileField(key: string, value: unknown, path: string): FieldTest {
  // Keys such as `constructor` or `toString` are inherited by every object: only an own property counts.
  const inherited = key in Object.prototype;
  const read = inherited
    ? (o: Record<string, unknown>) => (Object.hasOwn(o, key) ? o[key] : undefined)
    : (o: Record<string, unknown>) => o[key];
  if (Array.isArray(value)) {
    const { test, matchesAbsent } = compileList(value, path);
    if (inherited) {
      return (o) => {
        const v = read(o);
        return v === undefined ? matchesAbsent : test(v);
      };
    }
    return (o) => {
      const v = o[key];
      return v === undefined ? matchesAbsent : test(v);
    };
  }
  if (isObject(value)) {
    const { test, matchesAbsent } = compileNested(value, path);
    return (o) => {
      const v = read(o);
      if (isObject(v)) return test(v);
      if (Array.isArray(v) && v.length > 0) return someObject(v, test, matchesAbsent);
      return matchesAbsent;
    };
  }
  throw new PatternSyntaxError(
    path,
    `${render(value)} is not valid: a list of matchers (e.g. ["Stopped"]) or a nested object`,
  );
}

/** An array of the event against a nested pattern: one element must match it entirely. */
function someObject(values: readonly unknown[], test: ObjectTest, matchesAbsent: boolean): boolean {
  for (const v of values) {
    if (isObject(v)) {
      if (test(v)) return true;
    } else if (Array.isArray(v)) {
      if (v.length > 0 ? someObject(v, test, matchesAbsent) : matchesAbsent) return true;
    } else if (matchesAbsent) {
      return true;
    }
  }
  return false;
}

function compileNested(pattern: Record<string, unknown>, path: string): Compiled<ObjectTest> {
  const test = compileObject(pattern, path, false);
  // The nested fields of a missing object are all missing: it matches only when every one of them accepts absence.
  const matchesAbsent = test({});
  return { test, matchesAbsent };
}

/** Tests a present field value (array or leaf). */
type PresentTest = (value: unknown) => boolean;

function compileList(list: readonly unknown[], path: string): Compiled<PresentTest> {
  if (list.length === 0) {
    throw new PatternSyntaxError(
      path,
      '[] is not valid: a list needs at least one matcher (an empty list matches nothing)',
    );
  }
  const exact: (string | number | boolean | null)[] = [];
  const tests: ValueTest[] = [];
  let existsTrue = false;
  let existsFalse = false;
  list.forEach((matcher, i) => {
    const at = `${path}[${i}]`;
    if (matcher === null || typeof matcher === 'string' || typeof matcher === 'boolean') {
      exact.push(matcher);
    } else if (typeof matcher === 'number') {
      if (!Number.isFinite(matcher)) throw new PatternSyntaxError(at, `${matcher} is not valid: a finite number`);
      exact.push(matcher);
    } else if (isObject(matcher)) {
      const operator = compileOperator(matcher, at);
      if (operator === 'exists:true') existsTrue = true;
      else if (operator === 'exists:false') existsFalse = true;
      else tests.push(operator);
    } else {
      throw new PatternSyntaxError(
        at,
        `${render(matcher)} is not valid: a matcher is a string, number, boolean, null or an operator object such as {"prefix": "acs."}`,
      );
    }
  });
  if (exact.length > 0) tests.unshift(exactTest(exact));
  const leaf = anyOf(tests);
  let test: PresentTest;
  if (existsTrue) test = () => true;
  else if (tests.length === 0) test = () => false;
  else test = (v) => (Array.isArray(v) ? someLeaf(v, leaf) : leaf(v));
  return { test, matchesAbsent: existsFalse };
}

/** Any element of an array (flattened) passes `leaf`. */
function someLeaf(values: readonly unknown[], leaf: ValueTest): boolean {
  for (const v of values) {
    if (Array.isArray(v) ? someLeaf(v, leaf) : leaf(v)) return true;
  }
  return false;
}

function anyOf(tests: readonly ValueTest[]): ValueTest {
  switch (tests.length) {
    case 0:
      return () => false;
    case 1:
      return tests[0];
    case 2: {
      const [a, b] = tests;
      return (v) => a(v) || b(v);
    }
    default:
      return (v) => {
        for (const t of tests) if (t(v)) return true;
        return false;
      };
  }
}

/**
 * Exact values. Numbers compare as numbers (`===`): after `JSON.parse`, 300, 300.0 and 3.0e2 are the same number, so
 * the older documentation's "numbers compare as strings, 300 and 300.0 differ" cannot be reproduced from a parsed
 * event, and the current documentation no longer says it. A Set keeps types apart (`"300"` ≠ `300`, `null` ≠ `""`).
 */
function exactTest(values: readonly (string | number | boolean | null)[]): ValueTest {
  if (values.length === 1) {
    const only = values[0];
    return (v) => v === only;
  }
  const set = new Set(values);
  return (v) => set.has(v as string);
}

const OPERATORS = ['prefix', 'suffix', 'contains', 'anything-but', 'numeric', 'cidr', 'exists'] as const;

function compileOperator(matcher: Record<string, unknown>, path: string): ValueTest | 'exists:true' | 'exists:false' {
  const keys = Object.keys(matcher);
  if (keys.length !== 1) {
    throw new PatternSyntaxError(
      path,
      `${render(matcher)} is not valid: an operator object has exactly one key, one of ${OPERATORS.join(', ')}`,
    );
  }
  const [operator] = keys;
  const operand = matcher[operator];
  const bad = (allowed: string): never => {
    throw new PatternSyntaxError(path, `${render(matcher)} is not valid: ${operator} takes ${allowed}`);
  };
  switch (operator) {
    case 'prefix': {
      if (typeof operand !== 'string') return bad('a string');
      return (v) => typeof v === 'string' && v.startsWith(operand);
    }
    case 'suffix': {
      if (typeof operand !== 'string') return bad('a string');
      return (v) => typeof v === 'string' && v.endsWith(operand);
    }
    case 'contains': {
      if (typeof operand !== 'string') return bad('a string');
      return (v) => typeof v === 'string' && v.includes(operand);
    }
    case 'anything-but':
      return compileAnythingBut(operand, bad);
    case 'numeric':
      return compileNumeric(operand, bad);
    case 'cidr': {
      if (typeof operand !== 'string') return bad('an IPv4 CIDR block such as "10.0.0.0/24"');
      const block = parseCidr(operand);
      if (block === undefined) return bad('an IPv4 CIDR block such as "10.0.0.0/24" (IPv6 is not supported)');
      const { network, mask } = block;
      return (v) => {
        if (typeof v !== 'string') return false;
        const ip = parseIpv4(v);
        return ip !== undefined && (ip & mask) >>> 0 === network;
      };
    }
    case 'exists': {
      if (typeof operand !== 'boolean') return bad('true or false');
      return operand ? 'exists:true' : 'exists:false';
    }
    default:
      throw new PatternSyntaxError(
        path,
        `${render(matcher)} is not valid: "${operator}" is not an Alibaba EventBridge operator; allowed: ${OPERATORS.join(', ')}`,
      );
  }
}

/** True for the leaf values `anything-but` can see: it never matches an object. */
function isLeaf(v: unknown): boolean {
  return v === null || (typeof v !== 'object' && v !== undefined);
}

function compileAnythingBut(operand: unknown, bad: (allowed: string) => never): ValueTest {
  const allowed = 'a string, a number, a non-empty list of strings and numbers, or {"prefix": string}';
  if (typeof operand === 'string' || (typeof operand === 'number' && Number.isFinite(operand))) {
    return (v) => v !== operand && isLeaf(v);
  }
  if (Array.isArray(operand)) {
    if (
      operand.length === 0 ||
      !operand.every((x) => typeof x === 'string' || (typeof x === 'number' && Number.isFinite(x)))
    ) {
      return bad(allowed);
    }
    const set = new Set<unknown>(operand);
    return (v) => !set.has(v) && isLeaf(v);
  }
  if (isObject(operand)) {
    const keys = Object.keys(operand);
    // anything-but + suffix / equals-ignore-case exist on AWS only.
    if (keys.length !== 1 || keys[0] !== 'prefix' || typeof operand.prefix !== 'string') return bad(allowed);
    const prefix = operand.prefix;
    return (v) => isLeaf(v) && !(typeof v === 'string' && v.startsWith(prefix));
  }
  return bad(allowed);
}

/** `>=` is not in Alibaba's list (`=`, `>`, `<`, `<=`): UNCONFIRMED whether EventBridge accepts it; we do. */
const NUMERIC_OPERATORS: Readonly<Record<string, (a: number, b: number) => boolean>> = {
  '=': (a, b) => a === b,
  '>': (a, b) => a > b,
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>=': (a, b) => a >= b,
};

function compileNumeric(operand: unknown, bad: (allowed: string) => never): ValueTest {
  const allowed =
    'one or two [operator, number] pairs, e.g. [">", 0, "<=", 5]; operators =, >, <, <= (and >=, not documented by Alibaba)';
  if (!Array.isArray(operand) || (operand.length !== 2 && operand.length !== 4)) return bad(allowed);
  const comparisons: { compare: (a: number, b: number) => boolean; bound: number }[] = [];
  for (let i = 0; i < operand.length; i += 2) {
    const op = operand[i];
    const bound = operand[i + 1];
    const compare = typeof op === 'string' && Object.hasOwn(NUMERIC_OPERATORS, op) ? NUMERIC_OPERATORS[op] : undefined;
    if (compare === undefined || typeof bound !== 'number' || !Number.isFinite(bound)) return bad(allowed);
    comparisons.push({ compare, bound });
  }
  if (comparisons.length === 1) {
    const [{ compare, bound }] = comparisons;
    return (v) => typeof v === 'number' && compare(v, bound);
  }
  const [first, second] = comparisons;
  return (v) => typeof v === 'number' && first.compare(v, first.bound) && second.compare(v, second.bound);
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** A dotted-quad IPv4 address as an unsigned 32-bit integer; undefined when it is not one. */
function parseIpv4(text: string): number | undefined {
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

function parseCidr(text: string): { network: number; mask: number } | undefined {
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const ip = parseIpv4(text.slice(0, slash));
  const bitsText = text.slice(slash + 1);
  if (ip === undefined || !/^\d{1,2}$/.test(bitsText) || Number(bitsText) > 32) return undefined;
  const bits = Number(bitsText);
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  // Host bits set in the block (10.0.0.5/24) are ignored, as routers do.
  return { network: (ip & mask) >>> 0, mask };
}

// ---------------------------------------------------------------------------------------------------------------------
// Helpers

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Leaf values of a (possibly nested) array. */
function leafValues(values: readonly unknown[]): unknown[] {
  return values.flatMap((v) => (Array.isArray(v) ? leafValues(v) : [v]));
}

/** A value rendered for a message: JSON, shortened when long. */
function render(value: unknown): string {
  if (value === undefined) return 'undefined';
  const json = JSON.stringify(value) ?? String(value);
  return json.length > 80 ? `${json.slice(0, 77)}...` : json;
}
