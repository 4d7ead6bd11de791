import type { JsonValue } from './context';

/** Where log lines go; stdout in Function Compute (it ships stdout to SLS). */
export type LogSink = (line: string) => void;

/** Severity of an invocation log line. */
export type LogLevel = 'info' | 'warn' | 'error';

/** Fields of the one structured line written per invocation. Undefined fields are left out. */
export interface InvocationLogFields {
  readonly level: LogLevel;
  readonly handler: string;
  readonly requestId: string;
  readonly eventId?: string;
  readonly type?: string;
  readonly instanceId?: string;
  readonly region?: string;
  readonly outcome?: string;
  readonly durationMs: number;
  readonly errorName?: string;
  readonly errorMessage?: string;
  readonly retryable?: boolean;
  readonly [field: string]: JsonValue | undefined;
}

/**
 * The default sink: the line as is on stdout. Not `console.log`: in the Node.js runtime it prefixes each line with
 * the time, request id and level, so the SLS field `message` would not be JSON and the ledger's JSON index
 * (lib/constructs/function-logs.ts) would find no keys; `process.stdout.write` prints the line unchanged.
 * @see https://www.alibabacloud.com/help/doc-detail/2512968.html (Node.js logs: process.stdout.write vs console.log)
 */
export const consoleSink: LogSink = (line) => {
  process.stdout.write(`${line}\n`);
};

/** Writes one JSON line. Keys are emitted in a stable order: the common fields first, then handler-specific ones. */
export function writeLog(sink: LogSink, fields: InvocationLogFields): void {
  const line: Record<string, JsonValue> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value !== undefined) line[key] = value;
  }
  sink(JSON.stringify(line));
}
