import { formatLedgerLine } from '../../contract/ledger';
import { recordActions } from './actions';
import type { CommonConfig, Env } from './config';
import type { FcContext, HandlerResult } from './context';
import { isRecord } from './envelope';
import { ConfigurationError, MalformedEventError } from './errors';
import {
  type BaseDeps,
  errorFields,
  type FcHandler,
  type HandlerOptions,
  ledgerRecord,
  loadAtContainerStart,
  logOutcome,
} from './handler';
import { consoleSink, type LogLevel, writeLog } from './logger';
import { createOssClient } from './oss';

/**
 * The adapter of functions run by a Function Compute timer trigger instead of an ECS event: the same conventions as
 * `createFcHandler` (configuration checked at container start, typed errors rethrown, one structured log line per
 * invocation), but the payload is the FC 2.0 timer event and there is no event id, so no idempotency marker: a
 * scheduled core must be safe to run twice by itself.
 */

/**
 * The FC 2.0 timer trigger event: `{ "triggerTime": "2026-11-22T02:15:00Z", "triggerName": "…", "payload": "…" }`
 * (`payload` is the trigger's configured string).
 * @see https://www.alibabacloud.com/help/en/functioncompute/fc-2-0/user-guide/timer-trigger-overview
 */
export interface TimerEvent {
  readonly triggerName: string;
  /** ISO 8601 UTC, as FC sends it. */
  readonly triggerTime: string;
  /** @default "" */
  readonly payload: string;
}

/**
 * Parses a timer event. `triggerName` and `triggerTime` (a time) are required, `payload` must be a string if present.
 * @throws MalformedEventError naming the field.
 */
export function parseTimerEvent(payload: Buffer): TimerEvent {
  let value: unknown;
  try {
    value = JSON.parse(payload.toString('utf8'));
  } catch (cause) {
    throw new MalformedEventError('the timer event is not JSON', { cause });
  }
  if (!isRecord(value)) throw new MalformedEventError('the timer event is not a JSON object');
  const { triggerName, triggerTime, payload: body } = value;
  if (typeof triggerName !== 'string' || triggerName === '') {
    throw new MalformedEventError(`timer event field "triggerName": ${JSON.stringify(triggerName)} is not a name`);
  }
  if (typeof triggerTime !== 'string' || Number.isNaN(Date.parse(triggerTime))) {
    throw new MalformedEventError(`timer event field "triggerTime": ${JSON.stringify(triggerTime)} is not a time`);
  }
  if (body !== undefined && body !== null && typeof body !== 'string') {
    throw new MalformedEventError(`timer event field "payload": ${JSON.stringify(body)} is not a string`);
  }
  return { triggerName, triggerTime, payload: typeof body === 'string' ? body : '' };
}

/** What a scheduled core returns: a result, logged at `logLevel` (default `info`, or `warn` with a `warning`). */
export interface ScheduledResult extends HandlerResult {
  /** Level of the invocation's log line; not itself logged as a field. */
  readonly logLevel?: LogLevel;
  /**
   * Record lines (already formatted, e.g. dlq-check's depth records) written before the invocation's line; not
   * logged as a field.
   */
  readonly records?: readonly string[];
}

/** How one scheduled function is assembled from a pure core. */
export interface TimerHandlerSpec<C extends CommonConfig, D> {
  /** Handler name for logs, e.g. `dlq-check`. */
  readonly name: string;
  /** Reads and validates the environment; throws ConfigurationError. */
  readonly loadConfig: (env: Env) => C;
  /** Builds the core's dependencies. */
  readonly buildDeps: (config: C, context: FcContext, base: BaseDeps) => D;
  /** The pure core. */
  readonly handle: (event: TimerEvent, deps: D) => Promise<ScheduledResult>;
}

/**
 * Assembles an FC handler for a timer trigger: parse -> core -> one log line. Errors are logged with `errorName` and
 * `retryable`, then rethrown, as in `createFcHandler`.
 */
export function createTimerHandler<C extends CommonConfig, D>(
  spec: TimerHandlerSpec<C, D>,
  env: Env,
  options: HandlerOptions = {},
): FcHandler {
  const sink = options.log ?? consoleSink;
  const now = options.now ?? Date.now;
  const { config, configError } = loadAtContainerStart(spec.name, () => spec.loadConfig(env), sink);

  return async (payload, context) => {
    const started = now();
    let event: TimerEvent | undefined;
    const actions = recordActions();
    // A timer invocation has no event id; the trigger and its time name it in the ledger.
    const ledgerId = () => (event === undefined ? '-' : `timer:${event.triggerName}:${event.triggerTime}`);
    try {
      if (config === undefined) throw configError ?? new ConfigurationError('configuration missing');
      event = parseTimerEvent(payload);
      const store = createOssClient({
        bucket: config.archiveBucket,
        region: context.region,
        credentials: context.credentials,
        endpoint: config.endpoints.oss,
      });
      const deps = spec.buildDeps(config, context, { store, now, region: context.region, actions });
      const { logLevel, records, ...result } = await spec.handle(event, deps);
      for (const line of records ?? []) sink(line);
      const common = {
        level: logLevel ?? (result.warning === undefined ? ('info' as const) : ('warn' as const)),
        handler: spec.name,
        requestId: context.requestId,
        type: 'timer',
        triggerName: event.triggerName,
        triggerTime: event.triggerTime,
        region: context.region,
        outcome: result.outcome,
        durationMs: now() - started,
      };
      logOutcome(sink, common, result);
      sink(formatLedgerLine(ledgerRecord(spec.name, ledgerId(), actions, result, now() - started)));
      return result;
    } catch (error) {
      writeLog(sink, {
        level: 'error',
        handler: spec.name,
        requestId: context.requestId,
        type: 'timer',
        triggerName: event?.triggerName,
        triggerTime: event?.triggerTime,
        region: context.region,
        durationMs: now() - started,
        ...errorFields(error),
      });
      sink(formatLedgerLine(ledgerRecord(spec.name, ledgerId(), actions, error, now() - started)));
      throw error;
    }
  };
}
