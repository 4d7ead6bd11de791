/**
 * A checker for the subset of the SLS query grammar this project writes (lib/observability/queries.ts), so that a
 * query naming a field the index does not declare, or breaking a rule of the grammar, fails a test instead of
 * returning nothing in the console.
 *
 * The subset:
 * - `search` or `search | sql`; the search part cannot be empty (`*` selects everything); one `|` outside quotes.
 * - search: terms joined by `and`, `or`, `not` and parentheses; a term is `*`, a quoted phrase, or
 *   `field: value` / `field > number` (`>`, `>=`, `<`, `<=`) where `field` is indexed and a comparison needs a
 *   `long`/`double` field; a value is a quoted string or a word of letters, digits, `_`, `-`, `.`, `*`.
 * - sql: starts with SELECT; no `;` and no FROM (the logstore is implied); single-quoted literals; every
 *   double-quoted name is an indexed field (analytics is on for every key we declare) or `__time__`; balanced
 *   parentheses; a LIMIT whenever it GROUPs BY or ORDERs BY (SQL ignores the API's `line`/`offset`).
 *
 * @see https://alibabacloud.com/help/en/doc-detail/53608.html (search statement | analytic statement)
 * @see https://www.alibabacloud.com/help/en/sls/how-do-i-use-quotation-marks-in-query-statements
 * @see https://alibabacloud.com/help/doc-detail/63451.html (SQL literals in single quotes, `__time__`)
 */
import type { JsonKeyType } from './fields';

/** One problem of a query: where, and what is wrong. */
export interface QueryProblem {
  readonly part: 'query' | 'search' | 'sql';
  readonly message: string;
}

const WORD = /^[A-Za-z0-9_.*-]+$/;
const OPERATORS = new Set(['and', 'or', 'not']);

/** Splits `text` at `|` outside double and single quotes. */
function splitPipes(text: string): string[] {
  const parts: string[] = [];
  let quote: string | undefined;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote !== undefined) {
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === '|') {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

/** Tokens of a search statement: parentheses, quoted strings, comparison operators, `:`, words. */
function searchTokens(text: string): string[] | string {
  const tokens: string[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === '"') {
      let j = i + 1;
      // A double quote inside a phrase is written twice.
      while (j < text.length && (text[j] !== '"' || text[j + 1] === '"')) j += text[j] === '"' ? 2 : 1;
      if (j >= text.length) return `unterminated quote at ${i}`;
      tokens.push(text.slice(i, j + 1));
      i = j + 1;
    } else if (c === '(' || c === ')' || c === ':') {
      tokens.push(c);
      i++;
    } else if (c === '>' || c === '<') {
      const op = text[i + 1] === '=' ? `${c}=` : c;
      tokens.push(op);
      i += op.length;
    } else {
      let j = i;
      while (j < text.length && !/[\s():<>"]/.test(text[j])) j++;
      tokens.push(text.slice(i, j));
      i = j;
    }
  }
  return tokens;
}

function checkSearch(text: string, fields: ReadonlyMap<string, JsonKeyType>): QueryProblem[] {
  const problems: QueryProblem[] = [];
  const say = (message: string) => problems.push({ part: 'search', message });
  const tokens = searchTokens(text);
  if (typeof tokens === 'string') return [{ part: 'search', message: tokens }];
  if (tokens.length === 0) return [{ part: 'search', message: 'the search statement is empty; use * for every log' }];
  let depth = 0;
  let expectTerm = true;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t === '(' || t === ')') {
      depth += t === '(' ? 1 : -1;
      if (depth < 0) say('a ")" closes no "("');
      continue;
    }
    const lower = t.toLowerCase();
    if (OPERATORS.has(lower)) {
      if (expectTerm && lower !== 'not') say(`"${t}" has no term before it`);
      expectTerm = true;
      continue;
    }
    if (!expectTerm) say(`"${t}" follows a term without and/or`);
    expectTerm = false;
    const op = tokens[i + 1];
    if (op === ':' || op === '>' || op === '>=' || op === '<' || op === '<=') {
      const value = tokens[i + 2];
      i += 2;
      const type = fields.get(t);
      if (type === undefined) {
        say(`field "${t}" has no index; indexed: ${[...fields.keys()].join(', ')}`);
      } else if (op !== ':' && type === 'text') {
        say(`"${t} ${op}" compares a text field; comparisons need a long or double index`);
      }
      if (value === undefined || value === '(' || value === ')') {
        say(`field "${t}" has no value after "${op}"`);
      } else if (op !== ':' && !/^-?\d+(\.\d+)?$/.test(value)) {
        say(`"${t} ${op} ${value}": a comparison takes a number`);
      } else if (!value.startsWith('"') && !WORD.test(value)) {
        say(`value ${value} of "${t}" must be quoted`);
      }
    } else if (t !== '*' && !t.startsWith('"') && !WORD.test(t)) {
      say(`term ${t} must be quoted`);
    }
  }
  if (depth !== 0) say('parentheses are not balanced');
  if (expectTerm) say('the search statement ends with an operator');
  return problems;
}

function checkSql(text: string, fields: ReadonlyMap<string, JsonKeyType>): QueryProblem[] {
  const problems: QueryProblem[] = [];
  const say = (message: string) => problems.push({ part: 'sql', message });
  const sql = text.trim();
  if (!/^select\s/i.test(sql)) say('the analytic statement must start with SELECT');
  // Outside literals: names in double quotes, and the keywords.
  const names: string[] = [];
  let bare = '';
  let depth = 0;
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i];
    if (c === "'" || c === '"') {
      const end = sql.indexOf(c, i + 1);
      if (end < 0) {
        say(`unterminated ${c === "'" ? 'literal' : 'name'} at ${i}`);
        break;
      }
      if (c === '"') names.push(sql.slice(i + 1, end));
      bare += ' ? ';
      i = end;
      continue;
    }
    if (c === '(') depth++;
    if (c === ')' && --depth < 0) say('a ")" closes no "("');
    bare += c;
  }
  if (depth > 0) say('parentheses are not balanced');
  if (bare.includes(';')) say('no ";": an analytic statement is one statement');
  if (/\bfrom\b/i.test(bare)) say('no FROM: the analytic statement runs on the logstore queried');
  if (/\b(group|order)\s+by\b/i.test(bare) && !/\blimit\s+\d+\s*$/i.test(bare)) {
    say('a grouped or ordered statement needs a trailing LIMIT (SQL ignores line and offset)');
  }
  for (const name of names) {
    if (name !== '__time__' && !fields.has(name)) {
      say(`field "${name}" has no index with analytics; indexed: ${[...fields.keys()].join(', ')}`);
    }
  }
  return problems;
}

/**
 * The problems of `query` against the fields of its logstore (name to index type).
 * @example checkQuery('message.decision: failed | SELECT count(*) AS n', fields) // []
 */
export function checkQuery(query: string, fields: ReadonlyMap<string, JsonKeyType>): QueryProblem[] {
  const parts = splitPipes(query);
  if (parts.length > 2) return [{ part: 'query', message: `${parts.length - 1} "|" found; the grammar allows one` }];
  return [...checkSearch(parts[0], fields), ...(parts.length === 2 ? checkSql(parts[1], fields) : [])];
}
