import type { JsonValue } from './context';

/** Where log lines go; `console.log` in Function Compute (it ships stdout to SLS). */
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

/** The default sink. */
export const consoleSink: LogSink = (line) => console.log(line);

/** Writes one JSON line. Keys are emitted in a stable order: the common fields first, then handler-specific ones. */
export function writeLog(sink: LogSink, fields: InvocationLogFields): void {
  const line: Record<string, JsonValue> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value !== undefined) line[key] = value;
  }
  sink(JSON.stringify(line));
}
