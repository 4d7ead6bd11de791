/**
 * A local implementation of Alibaba Cloud EventBridge event-pattern matching, for replaying events against the rules
 * we deploy and for checking patterns in tests without a cloud account.
 *
 * The grammar is parsed once, by `./grammar` (shared with the synth-time validator); this module compiles the parsed
 * tree into closures. The semantics are those of the open-source engine of the service, Apache RocketMQ EventBridge
 * (apache/rocketmq-eventbridge, `common/src/main/java/org/apache/rocketmq/eventbridge/tools/pattern/`
 * `PatternEvaluator.java`, `PatternCondition.java`, `NumericOperators.java`), checked by its own test suite
 * (`test/patterns/conformance/`):
 * - Keys are ANDed, list items ORed. A field the event lacks fails every condition except `{"exists": false}`.
 * - Top-level keys test the event's attributes; `data` fields are read by path (`$.trigger.risk`). A pattern with
 *   `data` fields never matches an event without `data`.
 * - Exact values compare as JSON text (`EqualCondition`: `getAsString()`): `"300"` matches `300`, `true` matches
 *   `"true"`; `null` matches only `null`. After `JSON.parse`, `300.0` and `3.0e2` are the number 300, so they match
 *   `300` here although the engine compares their text and does not (README, limits).
 * - An event value that is an array matches when one of its elements matches; an array holding an object or an
 *   array, and an object value, match no condition at all (`AbstractPatternCondition.check`), `exists` included.
 *   An empty array matches nothing, `{"exists": false}` included.
 * - `prefix`, `suffix`, `contains` (Alibaba's docs; not in the engine): strings only. `anything-but`: any present
 *   value (null included) that none of its exclusions matches; never a missing field. `numeric`: numbers only, every
 *   comparison must hold, equality within 1e-7. `cidr`: strings; with a mask, commons-net `SubnetUtils` without
 *   `inclusiveHostCount` (so the network and broadcast addresses, and every address of a /31 or /32, are out of
 *   range: UNCONFIRMED that the service keeps that default); without a mask, the same IP address (IPv6 included).
 * - CHOICE (the engine's behaviour, by its JsonPath reads): a nested pattern applied to an array of objects does not
 *   look inside the elements. `$.a.b` on `{"a": [{"b": 1}]}` is not found, so only `{"exists": false}` matches. We
 *   follow the engine, so that a rule tested here does not match an event the service would drop.
 *
 * Patterns are compiled once into closures; matching an event never re-reads the pattern JSON.
 *
 * @see https://www.alibabacloud.com/help/en/eventbridge/user-guide/event-patterns
 * @example
 * matchesPattern({ source: ['acs.ecs'], data: { state: ['Stopped'] } }, event); // true or false
 * const index = new PatternIndex(rules.map((r) => ({ id: r.name, pattern: r.pattern })));
 * index.match(JSON.parse(text)); // names of the rules the event matches, in rule order
 */
import { type Condition, type FieldRule, ipKey, ipv4, type PatternAst, parsePattern } from './grammar';

/** Any JSON value. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [k: string]: JsonValue };

/** A pattern the grammar refuses; `path` names the pattern field, e.g. `data.state[1]` (`$` for the whole pattern). */
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
  const test = compileAst(parse(pattern));
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
  private readonly tests: EventTest[] = [];
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
        const ast = parse(entry.pattern);
        const pattern = entry.pattern as Record<string, unknown>;
        sourceKeys = indexKeys(pattern.source);
        typeKeys = sourceKeys === undefined ? undefined : indexKeys(pattern.type);
        const skip = new Set<string>();
        if (sourceKeys !== undefined) skip.add('source');
        if (typeKeys !== undefined) skip.add('type');
        this.tests.push(compileAst(ast, skip));
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
    } else if (Array.isArray(source) && flatLeaves(source)) {
      for (const s of source) if (typeof s === 'string') this.matchSource(s, event, matched);
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
    } else if (Array.isArray(type) && flatLeaves(type)) {
      for (const t of type) if (typeof t === 'string') this.matchTypeValue(level.types, t, event, matched);
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
// Compilation of the parsed tree

/** Tests the event (an object). */
type EventTest = (event: Record<string, unknown>) => boolean;
/** Tests one leaf value of the event: a string, number, boolean or null (never an array or object). */
type LeafTest = (value: unknown) => boolean;

/** The parsed tree of `pattern`, or the first grammar problem as a {@link PatternSyntaxError}. */
function parse(pattern: unknown): PatternAst {
  const { ast, problems } = parsePattern(pattern);
  if (ast === undefined) {
    const [first] = problems;
    throw new PatternSyntaxError(first.path === '' ? '$' : first.path, first.message);
  }
  return ast;
}

function compileAst(ast: PatternAst, skip?: ReadonlySet<string>): EventTest {
  const tests: EventTest[] = [];
  for (const rule of ast.attributes) {
    if (skip?.has(rule.keys[0])) continue;
    const key = rule.keys[0];
    const field = compileField(rule);
    // Keys such as `constructor` are inherited by every object: only an own property counts.
    tests.push((event) => field(Object.hasOwn(event, key) ? event[key] : undefined));
  }
  if (ast.data !== undefined) {
    const fields = ast.data.map((rule) => {
      const field = compileField(rule);
      const keys = rule.keys;
      if (keys.length === 1) {
        const [key] = keys;
        return (data: unknown) => field(isObject(data) && Object.hasOwn(data, key) ? data[key] : undefined);
      }
      return (data: unknown) => field(readPath(data, keys));
    });
    const all = allOf(fields);
    // `PatternEvaluator.testEventPattern`: a pattern with data fields never matches an event without `data`.
    tests.push((event) => event.data !== undefined && all(event.data));
  }
  return allOf(tests);
}

/**
 * `$.a.b` read the way the engine's JsonPath does: every step must be an object holding the key, else the field is
 * absent (an array on the way is not searched: see the CHOICE above).
 */
function readPath(data: unknown, keys: readonly string[]): unknown {
  let value = data;
  for (const key of keys) {
    if (!isObject(value) || !Object.hasOwn(value, key)) return undefined;
    value = value[key];
  }
  return value;
}

function allOf<T>(tests: readonly ((value: T) => boolean)[]): (value: T) => boolean {
  switch (tests.length) {
    case 0:
      return () => true;
    case 1:
      return tests[0];
    case 2: {
      const [a, b] = tests;
      return (v) => a(v) && b(v);
    }
    case 3: {
      const [a, b, c] = tests;
      return (v) => a(v) && b(v) && c(v);
    }
    default:
      return (v) => {
        for (const t of tests) if (!t(v)) return false;
        return true;
      };
  }
}

/** Tests a field's value (`undefined` when absent) against its ORed conditions. */
function compileField(rule: FieldRule): (value: unknown) => boolean {
  let existsTrue = false;
  let existsFalse = false;
  const exact: (string | number | boolean)[] = [];
  let exactNull = false;
  const leaves: LeafTest[] = [];
  for (const condition of rule.conditions) {
    if (condition.kind === 'exists') {
      if (condition.value) existsTrue = true;
      else existsFalse = true;
    } else if (condition.kind === 'equal') {
      if (condition.value === null) exactNull = true;
      else exact.push(condition.value);
    } else {
      leaves.push(compileCondition(condition));
    }
  }
  if (exact.length > 0 || exactNull) leaves.unshift(exactTest(exact, exactNull));
  const leaf = anyOf(leaves);
  return (value) => {
    if (value === undefined) return existsFalse;
    if (typeof value !== 'object' || value === null) return existsTrue || leaf(value);
    if (!Array.isArray(value) || !flatLeaves(value)) return false;
    for (let i = 0; i < value.length; i++) if (existsTrue || leaf(value[i])) return true;
    return false;
  };
}

/** True when every element of `values` is a leaf (the engine refuses arrays holding objects or arrays). */
function flatLeaves(values: readonly unknown[]): boolean {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v === 'object' && v !== null) return false;
  }
  return true;
}

function anyOf(tests: readonly LeafTest[]): LeafTest {
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
 * Exact values compare as JSON text (`EqualCondition.matchPrimitive`: `val.getAsString().equals(...)`), so the
 * values are kept as strings: a string event value is probed as is, a number or boolean as `String(v)`.
 */
function exactTest(values: readonly (string | number | boolean)[], includesNull: boolean): LeafTest {
  const texts = values.map(String);
  if (texts.length === 1 && !includesNull) {
    const [only] = texts;
    return (v) => (typeof v === 'string' ? v === only : v !== null && String(v) === only);
  }
  const set = new Set(texts);
  return (v) => (v === null ? includesNull : set.has(typeof v === 'string' ? v : String(v)));
}

/**
 * A leaf test for one condition other than `exists`. Exported for the catalogue checks of the validator, which test
 * catalogue strings (sources, types) with the same code that matches events.
 */
export function compileCondition(condition: Condition): LeafTest {
  switch (condition.kind) {
    case 'equal':
      return condition.value === null ? (v) => v === null : exactTest([condition.value], false);
    case 'prefix': {
      const prefix = condition.value;
      return (v) => typeof v === 'string' && v.startsWith(prefix);
    }
    case 'suffix': {
      const suffix = condition.value;
      return (v) => typeof v === 'string' && v.endsWith(suffix);
    }
    case 'contains': {
      const part = condition.value;
      return (v) => typeof v === 'string' && v.includes(part);
    }
    case 'exists':
      // On a present leaf value; absence is handled by the field.
      return condition.value ? () => true : () => false;
    case 'anything-but': {
      const except = anyOf(condition.except.map(compileCondition));
      return (v) => !except(v);
    }
    case 'numeric': {
      const comparisons = condition.comparisons.map(({ operator, bound }) => {
        const compare = NUMERIC[operator];
        return (n: number) => compare(n, bound);
      });
      const all = allOf(comparisons);
      return (v) => typeof v === 'number' && all(v);
    }
    case 'cidr':
      return compileCidr(condition.block);
  }
}

/** `NumericOperators.THRESHOLD`: two numbers closer than this are equal. */
const THRESHOLD = 1e-7;

/** `NumericOperators.compareDouble`: -1, 0 or 1, equal within {@link THRESHOLD}. */
function compareNumbers(a: number, b: number): number {
  if (Math.abs(a - b) <= THRESHOLD) return 0;
  return a < b ? -1 : a > b ? 1 : 0;
}

const NUMERIC: Readonly<Record<string, (a: number, b: number) => boolean>> = {
  '=': (a, b) => compareNumbers(a, b) === 0,
  '!=': (a, b) => compareNumbers(a, b) !== 0,
  '>': (a, b) => compareNumbers(a, b) > 0,
  '>=': (a, b) => compareNumbers(a, b) >= 0,
  '<': (a, b) => compareNumbers(a, b) < 0,
  '<=': (a, b) => compareNumbers(a, b) <= 0,
};

function compileCidr(block: string): LeafTest {
  const slash = block.indexOf('/');
  if (slash < 0) {
    const key = ipKey(block);
    return (v) => typeof v === 'string' && ipKey(v) === key;
  }
  const ip = ipv4(block.slice(0, slash)) ?? 0;
  const bits = Number(block.slice(slash + 1));
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  const network = (ip & mask) >>> 0;
  const broadcast = (network | ~mask) >>> 0;
  // SubnetUtils.SubnetInfo.isInRange without inclusiveHostCount: low = network + 1, high = broadcast - 1 (both 0 for
  // a /31 or /32), and address 0 is never in range.
  const low = broadcast - network > 1 ? network + 1 : 0;
  const high = broadcast - network > 1 ? broadcast - 1 : 0;
  return (v) => {
    if (typeof v !== 'string') return false;
    const address = ipv4(v);
    return address !== undefined && address !== 0 && address >= low && address <= high;
  };
}

// ---------------------------------------------------------------------------------------------------------------------
// Helpers

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
