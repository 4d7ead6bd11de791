import { formatLedgerLine, type LedgerDecision, type LedgerRecord } from '../../contract/ledger';
import { type Actions, type RecordingActions, recordActions } from './actions';
import { systemClock } from './clock';
import type { CommonConfig, Env } from './config';
import type { FcContext, HandlerResult } from './context';
import {
  accountClaims,
  type EcsEvent,
  type EcsEventKind,
  type EventEnvelope,
  namedInstanceId,
  parseEnvelope,
  parseEvent,
  TYPE_OF_KIND,
} from './envelope';
import { ConfigurationError, ForeignEventError, HandlerError, isRetryable, PermanentError } from './errors';
import { runIdempotent } from './idempotency';
import { consoleSink, type InvocationLogFields, type LogSink, writeLog } from './logger';
import { createOssClient, type ObjectStore } from './oss';
import type { LoadedRails, SafetyRails } from './rails';
import { DEFAULT_RETRY_SCOPE, deadlineOf, type RetryScope, withRetryScope } from './retry';

/** The FC entry point signature. */
export type FcHandler = (event: Buffer, context: FcContext) => Promise<HandlerResult>;

/** The event a handler of kind `K` receives. */
export type EventOfKind<K extends EcsEventKind> = Extract<EcsEvent, { kind: K }>;

/** Dependencies every core gets. */
export interface BaseDeps {
  /** The archive bucket (archives, idempotency markers, guard state). */
  readonly store: ObjectStore;
  /** @default Date.now */
  readonly now: () => number;
  /** The region the function runs in (`context.region`). */
  readonly region: string;
  /** Where the core makes its mutating calls: the ledger records them, and a dry run stops them. */
  readonly actions: Actions;
}

/** How one deployed function is assembled from a pure core. */
export interface HandlerSpec<K extends EcsEventKind, C extends CommonConfig, D> {
  /** Handler name for logs, e.g. `auto-restart`. */
  readonly name: string;
  /** The event kind, or kinds, this function accepts; others fail with a PermanentError before any side effect. */
  readonly kind: K | readonly K[];
  /**
   * How payloads are parsed. `typed`: known types are validated field by field ({@link parseEvent}), so a garbled
   * event fails before any side effect. `envelope`: only the envelope is parsed and every event is of kind
   * `Other`, for a function that must take anything (the audit archive keeps even events it cannot interpret).
   * @default 'typed'
   */
  readonly parsing?: 'typed' | 'envelope';
  /** The `source` values this function accepts. @default any source */
  readonly sources?: readonly string[];
  /** Reads and validates the environment; throws ConfigurationError. */
  readonly loadConfig: (env: Env) => C;
  /** Builds the core's dependencies (clients are cached per container inside the factories). */
  readonly buildDeps: (config: C, context: FcContext, base: BaseDeps) => D;
  /** The pure core. */
  readonly handle: (event: EventOfKind<K>, deps: D) => Promise<HandlerResult>;
  /**
   * An action automation (one that changes the cloud) sets this: the framework then reads `SAFETY_ENV`
   * (contract/env/safety.ts) and the alert channels at container start, and for every event applies the age limit,
   * the dry run and the fleet breaker (commons/safety.ts), so the core does not: `safety: ACTION_RAILS` of
   * commons/rails.ts (a value, so that handlers without rails do not bundle them). @default - no rails
   */
  readonly safety?: SafetyRails;
}

/** Test seams of {@link createFcHandler}. */
export interface HandlerOptions {
  /** @default stdout, line by line (consoleSink) */
  readonly log?: LogSink;
  /** @default - the system clock (commons/clock.ts: real in FC, simulated under replay) */
  readonly now?: () => number;
  /**
   * Retries of cloud calls inside an invocation (policy, sleep, jitter); the deadline always comes from the
   * context's `function.timeout`. @default DEFAULT_RETRY_SCOPE with this handler's `now`
   */
  readonly retry?: Partial<Omit<RetryScope, 'deadline'>>;
  /**
   * The fleet breaker's wait between writing its claim and counting (commons/safety.ts), in the retry scope's `sleep`.
   * @default BREAKER_SETTLE_MS
   */
  readonly breakerSettleMs?: number;
}

/** The fields of a failure log line: what failed, whether retrying can help, and the cloud API details. */
export function errorFields(error: unknown): Record<string, string | boolean | undefined> {
  return {
    errorName: error instanceof Error ? error.name : 'Error',
    errorMessage: error instanceof Error ? error.message : String(error),
    errorCode: error instanceof HandlerError ? error.api?.code : undefined,
    apiRequestId: error instanceof HandlerError ? error.api?.requestId : undefined,
    retryable: isRetryable(error),
  };
}

/** Writes the outcome line: the common fields, then the handler's own result fields, which never overwrite them. */
export function logOutcome(sink: LogSink, common: InvocationLogFields, result: HandlerResult): void {
  const extra = Object.fromEntries(Object.entries(result).filter(([key]) => !(key in common)));
  writeLog(sink, { ...common, ...extra });
}

/**
 * Reads a function's configuration once per container. A configuration error is logged now (one line, at container
 * start) and returned, so that every invocation can rethrow it: the event then goes through FC's retries to the
 * dead-letter queue instead of being dropped.
 */
export function loadAtContainerStart<C>(
  name: string,
  load: () => C,
  sink: LogSink,
): { readonly config?: C; readonly configError?: HandlerError } {
  try {
    return { config: load() };
  } catch (error) {
    const configError = error instanceof HandlerError ? error : new ConfigurationError(String(error), { cause: error });
    writeLog(sink, {
      level: 'error',
      handler: name,
      requestId: 'container-start',
      durationMs: 0,
      errorName: configError.name,
      errorMessage: configError.message,
      retryable: false,
    });
    return { configError };
  }
}

/**
 * Refuses an event that does not come from the function's own account (`context.accountId`, "the ID of the Alibaba
 * Cloud account to which the function belongs").
 *
 * Every account the envelope names must be that account: `aliyunaccountid` (EventBridge) or `userId` (Cloud
 * Monitor), and the account in the resource ARN (`subject` / `resourceId`) when there is one. An event without the account field is
 * refused too: EventBridge sets `aliyunaccountid` on every event it delivers and Cloud Monitor sets `userId` on every
 * notification, so such an event was not delivered by the platform, and accepting it would let anyone who can invoke
 * the function (or publish to the bus) bypass this check by leaving the field out. This applies to every event
 * handler, the archives included: the audit trail must not hold another account's history, and a refused event
 * still lands in the dead-letter queue, where an operator sees it.
 * @see https://www.alibabacloud.com/help/en/functioncompute/user-guide/context (`accountId`)
 * @see https://www.alibabacloud.com/help/en/eventbridge/user-guide/event-overview (`aliyunaccountid`)
 * @see https://help.aliyun.com/en/ecs/user-guide/overview-35 (Cloud Monitor `userId`, `resourceId`)
 * @throws ForeignEventError naming the field, the account received and the function's account.
 */
export function assertOwnAccount(event: EventEnvelope, ownAccountId: string, handlerName: string): void {
  const claims = accountClaims(event);
  if (event.accountId === undefined) {
    throw new ForeignEventError(
      `handler "${handlerName}": event ${event.id} names no account (no "${event.format === 'eventbridge' ? 'aliyunaccountid' : 'userId'}"); it only acts on events of account ${ownAccountId}`,
    );
  }
  const foreign = claims.find((claim) => claim.accountId !== ownAccountId);
  if (foreign !== undefined) {
    throw new ForeignEventError(
      `handler "${handlerName}": event ${event.id} field "${foreign.field}" names account "${foreign.accountId}", but this function belongs to account ${ownAccountId}; it only acts on events of its own account`,
    );
  }
}

/**
 * Assembles an FC handler: parse -> check account, type and region -> idempotency -> core -> one log line.
 *
 * The environment is validated when this is called (module load = container start); a configuration error is
 * logged then and rethrown on every invocation, so the event goes through FC's retries to the dead-letter queue
 * instead of being dropped.
 *
 * Errors are logged with `errorName` and `retryable`, then rethrown (see errors.ts for why permanent errors are
 * rethrown too). Validation happens before any side effect, so a permanent failure never acts on the cloud.
 */
export function createFcHandler<K extends EcsEventKind, C extends CommonConfig, D>(
  spec: HandlerSpec<K, C, D>,
  env: Env,
  options: HandlerOptions = {},
): FcHandler {
  const sink = options.log ?? consoleSink;
  // The system clock: real in FC, simulated when replay installed one (./clock.ts).
  const now = options.now ?? systemClock.now;
  const kinds: readonly K[] = typeof spec.kind === 'string' ? [spec.kind as K] : (spec.kind as readonly K[]);
  const loaded = loadAtContainerStart(
    spec.name,
    () => ({
      core: spec.loadConfig(env),
      safety: spec.safety?.load(env, { name: spec.name, sink, now, settleMs: options.breakerSettleMs }),
    }),
    sink,
  );
  const config = loaded.config?.core;
  const { configError } = loaded;
  const safety: LoadedRails | undefined = loaded.config?.safety;

  return (payload, context) => {
    const started = now();
    const scope: RetryScope = {
      ...DEFAULT_RETRY_SCOPE,
      now,
      ...options.retry,
      deadline: deadlineOf(started, context.function.timeout),
    };
    return withRetryScope(scope, () => invoke(payload, context, started));
  };

  async function invoke(received: Buffer, context: FcContext, started: number): Promise<HandlerResult> {
    let event: EcsEvent | undefined;
    let actions = recordActions({ dryRun: safety?.dryRun ?? false });
    let ageOverrideHours: number | undefined;
    try {
      if (config === undefined) throw configError ?? new ConfigurationError('configuration missing');
      // Only action automations take a redrive's age-limit override (commons/rails.ts); others get events as sent.
      const unwrapped = safety?.unwrap(received) ?? { payload: received, maxEventAgeHours: undefined };
      const payload = unwrapped.payload;
      ageOverrideHours = unwrapped.maxEventAgeHours;
      event = spec.parsing === 'envelope' ? { ...parseEnvelope(payload), kind: 'Other' } : parseEvent(payload);
      assertOwnAccount(event, context.accountId, spec.name);
      if (!kinds.includes(event.kind as K)) {
        const expected = kinds.map((kind) => `"${TYPE_OF_KIND[kind]}"`).join(' or ');
        throw new PermanentError(
          `handler "${spec.name}" handles ${expected} events, got "${event.type}" (source "${event.source}")`,
        );
      }
      if (spec.sources !== undefined && !spec.sources.includes(event.source)) {
        throw new PermanentError(
          `handler "${spec.name}" handles events from ${spec.sources.map((s) => `"${s}"`).join(' or ')}, got source "${event.source}" (type "${event.type}")`,
        );
      }
      if (event.region !== undefined && event.region !== context.region) {
        throw new PermanentError(
          `event ${event.id} comes from region "${event.region}" but this function runs in "${context.region}"; it only acts on its own region`,
        );
      }
      const store = createOssClient({
        bucket: config.archiveBucket,
        region: context.region,
        credentials: context.credentials,
        endpoint: config.endpoints.oss,
      });
      const typed = event as EventOfKind<K>;
      let result: HandlerResult;
      const stale = safety?.stale(event, now(), ageOverrideHours);
      if (stale !== undefined) {
        // Nothing ran, and no marker is written: a deliberate redrive with a larger age limit can still act on it.
        result = ageOverrideHours === undefined ? stale : { ...stale, ageOverrideHours };
      } else {
        const breaker = safety?.gate(store, event, context.region);
        actions = recordActions({ dryRun: safety?.dryRun ?? false, beforeFirstCall: breaker });
        const deps = spec.buildDeps(config, context, { store, now, region: context.region, actions });
        const current = event;
        result = await runIdempotent(
          event,
          {
            store,
            functionName: context.function.name,
            windowSeconds: config.idempotencyWindowSeconds,
            now,
            // A dry run and a breaker refusal did nothing on purpose: a later delivery (after switching to live, or
            // once the breaker closes) must still act, so neither is remembered as done.
            remember: (r) => !actions.dryRun && r.reason !== 'circuit-open',
          },
          async () => {
            try {
              return await spec.handle(typed, deps);
            } catch (error) {
              const refused = await safety?.refusal(error, current, context, config);
              if (refused === undefined) throw error;
              return refused;
            }
          },
        );
        if (ageOverrideHours !== undefined) result = { ...result, ageOverrideHours };
      }
      const common = {
        level: result.warning === undefined ? ('info' as const) : ('warn' as const),
        handler: spec.name,
        requestId: context.requestId,
        eventId: event.id,
        type: event.type,
        instanceId: instanceIdOf(event),
        region: event.region ?? context.region,
        outcome: result.outcome,
        durationMs: now() - started,
      };
      logOutcome(sink, common, result);
      sink(formatLedgerLine(ledgerRecord(spec.name, event.id, actions, result, now() - started, ageOverrideHours)));
      return result;
    } catch (error) {
      writeLog(sink, {
        level: 'error',
        handler: spec.name,
        requestId: context.requestId,
        eventId: event?.id,
        type: event?.type,
        instanceId: event === undefined ? undefined : instanceIdOf(event),
        region: event?.region ?? context.region,
        durationMs: now() - started,
        ...errorFields(error),
      });
      sink(
        formatLedgerLine(ledgerRecord(spec.name, event?.id ?? '-', actions, error, now() - started, ageOverrideHours)),
      );
      throw error;
    }
  }
}

/**
 * The ledger record of an invocation (contract/ledger.ts), from its result or error and the calls it made.
 *
 * A thrown error is `failed` (its name is the reason). A `duplicate` is `skipped`. An `ok` result is `dry-run` when
 * the automation ran dry and would have made calls, `acted` otherwise (the reason is the result's own, or `done`).
 */
export function ledgerRecord(
  automation: string,
  eventId: string,
  actions: RecordingActions,
  outcome: HandlerResult | unknown,
  durationMs: number,
  ageOverrideHours?: number,
): LedgerRecord {
  const base = {
    eventId,
    automation,
    calls: actions.calls,
    durationMs,
    dryRun: actions.dryRun,
    ...(ageOverrideHours === undefined ? {} : { ageOverrideHours }),
  };
  if (!isHandlerResult(outcome)) {
    return { ...base, decision: 'failed', reason: outcome instanceof Error ? outcome.name : 'Error' };
  }
  let decision: LedgerDecision;
  if (outcome.outcome === 'skipped' || outcome.outcome === 'duplicate') decision = 'skipped';
  else if (actions.dryRun && actions.calls.length > 0) decision = 'dry-run';
  else decision = 'acted';
  const reason = outcome.reason ?? (outcome.outcome === 'duplicate' ? 'duplicate' : 'done');
  return { ...base, decision, reason };
}

function isHandlerResult(value: unknown): value is HandlerResult {
  return (
    typeof value === 'object' &&
    value !== null &&
    !(value instanceof Error) &&
    typeof (value as { outcome?: unknown }).outcome === 'string'
  );
}

function instanceIdOf(event: EcsEvent): string | undefined {
  return 'instanceId' in event && typeof event.instanceId === 'string' ? event.instanceId : namedInstanceId(event);
}
