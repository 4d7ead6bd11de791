import type { FakeCloud, RecordedCall } from '../../tools/fake-cloud';
import { type AssemblyFunction, type AssemblyStack, type AssemblyTarget, resolveValue } from './assembly';

/** How a delivery ended. */
export type DeliveryOutcome = 'ok' | 'failed' | 'dead-lettered';

/** One cloud API call a handler made. */
export interface ReplayCall {
  readonly service: string;
  readonly action: string;
  readonly params: Readonly<Record<string, string>>;
}

/** What happened when an event was handed to a function. */
export interface InvocationResult {
  readonly outcome: DeliveryOutcome;
  readonly attempts: number;
  readonly calls: readonly ReplayCall[];
  /** Lines the handler wrote to the console (its JSON log lines), in order. */
  readonly logs: readonly string[];
  /** The last error, when the handler threw. */
  readonly error?: string;
}

/**
 * Retries of `PushRetryStrategy`: EXPONENTIAL_DECAY_RETRY up to 176, BACKOFF_RETRY up to 3 (alibaba-facts.md 4.4).
 * Without a strategy EventBridge's default is UNCONFIRMED; replay assumes the exponential one.
 */
export const PUSH_RETRIES: Readonly<Record<string, number>> = { EXPONENTIAL_DECAY_RETRY: 176, BACKOFF_RETRY: 3 };

/** The FC-like context handlers receive (a superset of lambda-src/commons/context.ts FcContext). */
export interface ReplayContext {
  readonly requestId: string;
  readonly region: string;
  readonly accountId: string;
  readonly credentials: {
    readonly accessKeyId: string;
    readonly accessKeySecret: string;
    readonly securityToken?: string;
  };
  readonly function: { readonly name: string };
  readonly logger: Record<'debug' | 'info' | 'warn' | 'error', (...args: unknown[]) => void>;
}

type FcHandler = (event: Buffer, context: ReplayContext) => unknown;

let requests = 0;

/**
 * Runs the bundled handler of `fn` in-process with `eventJson`, as FC would for an asynchronous invocation, retrying
 * (without waiting) when it throws.
 *
 * Retries: FC retries a failed asynchronous execution `MaxAsyncRetryAttempts` times and then sends the event to the
 * function's `OnFailure` destination; without that configuration the target's `PushRetryStrategy` count is used.
 * After the last attempt the outcome is `dead-lettered` when the function or the target has a dead-letter queue,
 * `failed` otherwise.
 *
 * The environment is the function's `EnvironmentVariables` (intrinsics resolved, see `resolveValue`) plus the fake
 * cloud's endpoint overrides; handlers read it at module load, so the bundle is loaded afresh (require cache
 * cleared) for every delivery, and `process.env` and `console` are restored afterwards. Console output is captured.
 */
export async function invokeFunction(
  fn: AssemblyFunction,
  target: AssemblyTarget,
  stack: AssemblyStack,
  eventJson: string,
  cloud: FakeCloud,
): Promise<InvocationResult> {
  const logs: string[] = [];
  const capture = (...args: unknown[]) => {
    logs.push(args.map((a) => (typeof a === 'string' ? a : inspectValue(a))).join(' '));
  };
  const environment: Record<string, string> = {};
  for (const [key, value] of Object.entries(fn.environment)) {
    environment[key] = resolveValue(value, { stack, accountId: cloud.world.accountId });
  }
  Object.assign(environment, cloud.endpointEnv());

  const callsBefore = cloud.calls().length;
  const savedEnv = { ...process.env };
  const savedConsole = {
    log: console.log,
    info: console.info,
    warn: console.warn,
    error: console.error,
    debug: console.debug,
  };
  const retries =
    fn.maxAsyncRetryAttempts ??
    PUSH_RETRIES[target.pushRetryStrategy ?? 'EXPONENTIAL_DECAY_RETRY'] ??
    PUSH_RETRIES.EXPONENTIAL_DECAY_RETRY;
  let attempts = 0;
  let error: string | undefined;
  let ok = false;
  try {
    Object.assign(console, { log: capture, info: capture, warn: capture, error: capture, debug: capture });
    for (const key of Object.keys(environment)) process.env[key] = environment[key];
    let handler: FcHandler | undefined;
    while (!ok && attempts <= retries) {
      attempts += 1;
      requests += 1;
      const context: ReplayContext = {
        requestId: `replay-${requests}`,
        region: stack.region,
        accountId: cloud.world.accountId,
        credentials: cloud.credentials,
        function: { name: fn.functionName },
        logger: { debug: capture, info: capture, warn: capture, error: capture },
      };
      try {
        // A module that fails to load fails the attempt, as a container that cannot start does in FC.
        handler ??= loadHandler(fn);
        await handler(Buffer.from(eventJson), context);
        ok = true;
        error = undefined;
      } catch (thrown) {
        error = thrown instanceof Error ? `${thrown.name}: ${thrown.message}` : String(thrown);
      }
    }
  } finally {
    Object.assign(console, savedConsole);
    for (const key of Object.keys(process.env)) if (!(key in savedEnv)) delete process.env[key];
    Object.assign(process.env, savedEnv);
  }
  const deadLetterQueue = fn.maxAsyncRetryAttempts !== undefined ? fn.hasFailureDestination : false;
  return {
    outcome: ok ? 'ok' : deadLetterQueue || target.hasDeadLetterQueue ? 'dead-lettered' : 'failed',
    attempts,
    calls: cloud.calls().slice(callsBefore).map(toReplayCall),
    logs,
    error,
  };
}

/** Loads the bundle afresh: FC starts a container with the function's environment; the module reads it at load. */
function loadHandler(fn: AssemblyFunction): FcHandler {
  const resolved = require.resolve(fn.handlerFile);
  delete require.cache[resolved];
  const loaded = require(resolved) as Record<string, unknown>;
  const handler = loaded[fn.handlerExport];
  if (typeof handler !== 'function') {
    throw new Error(`${fn.handlerFile} does not export a function "${fn.handlerExport}"`);
  }
  return handler as FcHandler;
}

function toReplayCall(call: RecordedCall): ReplayCall {
  return { service: call.service, action: call.action, params: { ...call.params } };
}

function inspectValue(value: unknown): string {
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
