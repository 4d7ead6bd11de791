import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import type { FakeHttpAnswer, FakeHttpContext, FakeHttpRequest, FakeHttpService } from './http-service';
import { headerValue } from './http-service';

/**
 * A fake of SLS (Simple Log Service) log queries as `@alicloud/sls20201230` 5.9.0 sends them, holding logs per
 * project and logstore:
 * - `GetLogs`: `GET /logstores/<logstore>?type=log&from=&to=&query=&line=&offset=&reverse=`, the project being the
 *   first label of the host (`<project>.<endpoint>`, @alicloud/gateway-sls `getHost`), answered with a JSON array of
 *   flat logs (fields plus `__time__`, `__source__`, `__topic__`) and `x-log-progress: Complete`.
 * - The search subset the project's queries use (lib/observability/queries.ts): `*`; terms `field: value` or
 *   `field: "value"` (a doubled `""` inside quotes is one quote), where `field` may be a JSON path into a field that
 *   holds JSON (`content.data.resourceId`, `message.eventId`: the JSON indexes of the events and function logstores);
 *   a bare `"value"` (full text: any field contains it); joined by `and` and `or`, `and` binding tighter, no
 *   parentheses. A field term is an exact match of the value (the real service matches tokens of indexed fields; the
 *   project only asks for ids and fixed words). Anything else is answered 400 `ParameterInvalid`, so a test notices
 *   a query the fake does not understand.
 * - The range `[from, to)` in seconds, `line` (0-100, default 100), `offset`, `reverse` (newest first).
 *
 * Signature (what gateway-sls 0.3.2 sends for signature version v1, checked here): `authorization: LOG
 * <AccessKeyId>:<Signature>`, `Signature = base64(hmac-sha256(secret, VERB\nContent-MD5\nContent-Type\nDate\n` +
 * the `x-log-*` and `x-acs-*` headers sorted, `name:value\n` each, + path `?k=v&…` with the query sorted and values
 * not encoded)`; `x-log-signaturemethod: hmac-sha256`. With STS credentials the SDK sends `x-acs-security-token`.
 * @see https://www.alibabacloud.com/help/en/sls/developer-reference/request-signatures
 * @see https://www.alibabacloud.com/help/en/sls/developer-reference/api-sls-2020-12-30-getlogs
 *
 * Reaching it: the SDK connects to `<project>.<endpoint>`, which does not resolve for a loopback endpoint, so the
 * trace tool's loopback gateway (ops/trace/sls-client.ts) connects to the endpoint and moves the SDK's host to
 * `x-forwarded-host` (unsigned, as the host is unsigned in v1); the fake reads the project from it.
 */

/** One stored log. */
export interface FakeLog {
  /** `__time__`, epoch seconds. */
  readonly time: number;
  readonly fields: Readonly<Record<string, string>>;
}

/** The persisted state of a {@link FakeSls}: logs by `<project>/<logstore>`, in the order written. */
export interface FakeSlsState {
  readonly logstores: Readonly<Record<string, readonly FakeLog[]>>;
}

/** The SLS fake; reachable as `cloud.sls`. */
export class FakeSls implements FakeHttpService {
  readonly service = 'sls' as const;
  private readonly stores = new Map<string, FakeLog[]>();

  /** Writes one log (what `PutLogs`, FC's log shipping or EventBridge's SLS target would do). */
  append(project: string, logstore: string, fields: Readonly<Record<string, string>>, time: number): void {
    const id = `${project}/${logstore}`;
    const logs = this.stores.get(id) ?? [];
    logs.push({ time: Math.floor(time), fields: { ...fields } });
    this.stores.set(id, logs);
  }

  /** The logs of one logstore, oldest first (tests). */
  logs(project: string, logstore: string): readonly FakeLog[] {
    return this.stores.get(`${project}/${logstore}`) ?? [];
  }

  /** The whole state, for a local store file. */
  state(): FakeSlsState {
    return { logstores: Object.fromEntries(this.stores) };
  }

  /** Adds the logs of a saved state. */
  load(state: FakeSlsState): void {
    for (const [id, logs] of Object.entries(state.logstores)) {
      const [project, ...rest] = id.split('/');
      for (const log of logs) this.append(project, rest.join('/'), log.fields, log.time);
    }
  }

  accepts(request: FakeHttpRequest): boolean {
    return (headerValue(request.headers, 'authorization') ?? '').startsWith('LOG ');
  }

  handle(request: FakeHttpRequest, context: FakeHttpContext): FakeHttpAnswer {
    const host = headerValue(request.headers, 'x-forwarded-host') ?? headerValue(request.headers, 'host') ?? '';
    const project = host.split('.')[0] ?? '';
    const match = /^\/logstores\/([^/]+)$/.exec(request.url.pathname);
    const logstore = match === null ? '' : decodeURIComponent(match[1]);
    const isGetLogs = request.method === 'GET' && match !== null && request.url.searchParams.get('type') === 'log';
    const action = isGetLogs ? 'GetLogs' : `${request.method} ${request.url.pathname}`;
    const params: Record<string, string> = { project, logstore, ...Object.fromEntries(request.url.searchParams) };
    const signature = verifySlsV1(request, context.secretFor);
    const securityToken = headerValue(request.headers, 'x-acs-security-token');
    const reply = (status: number, body: unknown, headers: Record<string, string> = {}): FakeHttpAnswer => ({
      status,
      headers: { 'content-type': 'application/json', 'x-log-requestid': randomUUID().toUpperCase(), ...headers },
      body: JSON.stringify(body),
      action,
      params,
      signed: signature.ok,
      securityToken,
    });
    const error = (status: number, code: string, message: string) =>
      reply(status, { errorCode: code, errorMessage: message });

    if (!signature.ok) return error(401, 'SignatureNotMatch', `signature check failed: ${signature.reason}`);
    if (context.securityToken !== undefined && securityToken !== context.securityToken) {
      return error(401, 'SecurityTokenExpired', 'x-acs-security-token missing or wrong');
    }
    const fault = context.takeFault(action);
    if (fault !== undefined) return error(fault.status, fault.code, fault.message ?? `injected ${fault.code}`);
    if (!isGetLogs) return error(404, 'NotImplemented', `the fake SLS does not implement ${action}`);
    if (!this.stores.has(`${project}/${logstore}`)) {
      return error(404, 'LogStoreNotExist', `logstore ${logstore} does not exist in project ${project}`);
    }
    const query = request.url.searchParams;
    const from = Number(query.get('from'));
    const to = Number(query.get('to'));
    const line = Number(query.get('line') ?? '100');
    const offset = Number(query.get('offset') ?? '0');
    if (!Number.isInteger(from) || !Number.isInteger(to) || from >= to) {
      return error(400, 'ParameterInvalid', `from ${query.get('from')} and to ${query.get('to')}: need from < to`);
    }
    if (!Number.isInteger(line) || line < 0 || line > 100 || !Number.isInteger(offset) || offset < 0) {
      return error(400, 'ParameterInvalid', `line ${line} must be 0-100 and offset ${offset} at least 0`);
    }
    const terms = parseQuery(query.get('query') ?? '*');
    if ('problem' in terms) return error(400, 'ParameterInvalid', terms.problem);
    let logs = (this.stores.get(`${project}/${logstore}`) ?? []).filter(
      (log) => log.time >= from && log.time < to && matchesQuery(log.fields, terms),
    );
    if (query.get('reverse') === 'true') logs = [...logs].reverse();
    const page = logs.slice(offset, offset + line).map((log) => ({
      ...log.fields,
      __time__: String(log.time),
      __source__: '127.0.0.1',
      __topic__: '',
    }));
    return reply(200, page, { 'x-log-progress': 'Complete', 'x-log-count': String(page.length) });
  }
}

/** A term of a search: `field: value`, or a full-text value (`field` undefined). */
type SearchTerm = { readonly field?: string; readonly value: string };

/** A parsed search: terms joined by `and` within a clause, clauses joined by `or`; empty = everything. */
type Search = readonly (readonly SearchTerm[])[];

/** Whether a log's fields satisfy a parsed search. */
function matchesQuery(fields: Readonly<Record<string, string>>, search: Search): boolean {
  if (search.length === 0) return true;
  return search.some((clause) => clause.every((term) => matchesTerm(fields, term)));
}

function matchesTerm(fields: Readonly<Record<string, string>>, term: SearchTerm): boolean {
  if (term.field === undefined) return Object.values(fields).some((value) => value.includes(term.value));
  return fieldValue(fields, term.field) === term.value;
}

/** The value of `field` in a log: a field of that name, else a JSON path into the field named by its first part. */
function fieldValue(fields: Readonly<Record<string, string>>, field: string): string | undefined {
  if (Object.hasOwn(fields, field)) return fields[field];
  const [head, ...path] = field.split('.');
  if (path.length === 0 || !Object.hasOwn(fields, head)) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(fields[head]);
  } catch {
    return undefined;
  }
  for (const key of path) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  if (typeof value === 'string') return value;
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined;
}

/** Parses a search of the supported subset (see the class comment), or says why it is not one. */
function parseQuery(text: string): Search | { problem: string } {
  const trimmed = text.trim();
  if (trimmed === '' || trimmed === '*') return [];
  const term = /^\s*(?:([A-Za-z_][\w.]*)\s*:\s*)?(?:"((?:[^"]|"")*)"|([^\s"]+))\s*/;
  const clauses: SearchTerm[][] = [[]];
  let rest = trimmed;
  for (;;) {
    const match = term.exec(rest);
    if (match === null || (match[1] === undefined && match[2] === undefined)) {
      return {
        problem: `query "${text}": the fake SLS understands only field: value terms and "full text" joined by and/or`,
      };
    }
    const value = match[2] === undefined ? match[3] : match[2].replaceAll('""', '"');
    clauses[clauses.length - 1].push({ field: match[1], value });
    rest = rest.slice(match[0].length);
    if (rest === '') return clauses;
    const joiner = /^(and|or)\s+/i.exec(rest);
    if (joiner === null) {
      return { problem: `query "${text}": expected and/or after a term, at "${rest.slice(0, 20)}"` };
    }
    if (joiner[1].toLowerCase() === 'or') clauses.push([]);
    rest = rest.slice(joiner[0].length);
  }
}

/** Verifies the v1 `LOG <id>:<signature>` header of an SLS request (see the class comment). */
export function verifySlsV1(
  request: Pick<FakeHttpRequest, 'method' | 'url' | 'headers'>,
  secretFor: (accessKeyId: string) => string | undefined,
): { readonly ok: boolean; readonly reason?: string } {
  const match = /^LOG ([^:]+):(.+)$/.exec(headerValue(request.headers, 'authorization') ?? '');
  if (match === null) return { ok: false, reason: 'Authorization is not LOG <id>:<signature>' };
  const [, accessKeyId, signature] = match;
  const secret = secretFor(accessKeyId);
  if (secret === undefined) return { ok: false, reason: `unknown AccessKeyId ${accessKeyId}` };
  if (headerValue(request.headers, 'x-log-signaturemethod') !== 'hmac-sha256') {
    return { ok: false, reason: 'x-log-signaturemethod is not hmac-sha256' };
  }
  const canonicalHeaders = Object.keys(request.headers)
    .filter((name) => name.startsWith('x-log-') || name.startsWith('x-acs-'))
    .sort()
    .map((name) => `${name}:${headerValue(request.headers, name) ?? ''}\n`)
    .join('');
  const keys = [...new Set(request.url.searchParams.keys())].sort();
  const resource =
    request.url.pathname +
    keys.map((key, i) => `${i === 0 ? '?' : '&'}${key}=${request.url.searchParams.get(key) ?? ''}`).join('');
  const stringToSign = [
    request.method,
    headerValue(request.headers, 'content-md5') ?? '',
    headerValue(request.headers, 'content-type') ?? '',
    headerValue(request.headers, 'date') ?? '',
    `${canonicalHeaders}${resource}`,
  ].join('\n');
  const expected = createHmac('sha256', secret).update(stringToSign, 'utf8').digest('base64');
  const left = Buffer.from(expected);
  const right = Buffer.from(signature);
  return left.length === right.length && timingSafeEqual(left, right)
    ? { ok: true }
    : { ok: false, reason: `signature mismatch; server string to sign: ${JSON.stringify(stringToSign)}` };
}
