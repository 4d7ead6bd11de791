import * as path from 'node:path';
import type { FakeCloud, RecordedCall } from '../fake-cloud';
import { type AssemblyFunction, type AssemblyStack, type AssemblyTarget, resolveValue } from './assembly';
import type { SimulatedClock } from './simulated-clock';

/** How a delivery ended. */
export type DeliveryOutcome = 'ok' | 'failed' | 'dead-lettered';

/** One cloud API call a handler made. */
export interface ReplayCall {
  readonly service: string;
  readonly action: string;
  readonly params: Readonly<Record<string, string>>;
  /** Set when the fake cloud's throttle refused the call (`Throttling.User`). */
  readonly throttled?: true;
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
 * The simulated FC containers of one replay: one per function, started on its first delivery and reused for every
 * later one, as FC reuses a frozen instance for the next request (a warm start). Module-level state of a bundle
 * (client caches, configuration read at load) therefore persists across deliveries, as it does in FC.
 * Replay runs deliveries one after another, so one container per function is enough.
 *
 * A bundle is evaluated once per container, never once per delivery: re-evaluating it for every delivery kept every
 * copy alive (10,000 events ran out of memory). Each container is a fresh module instance, kept out of Node's
 * `require.cache` and out of the requiring module's `children`, so that two replays in one process (tests) do not
 * share state, and a replay's bundles are collectable once {@link ContainerPool.dispose} ran.
 */
export class ContainerPool {
  private readonly handlers = new Map<string, FcHandler>();
  private readonly counts = new Map<string, number>();

  /** The handler of `fn`, loading its bundle on the first call (the environment must already be the function's). */
  handlerOf(fn: AssemblyFunction): FcHandler {
    const key = `${fn.serviceName}/${fn.functionName}`;
    const warm = this.handlers.get(key);
    if (warm !== undefined) return warm;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    const handler = loadHandler(fn);
    this.handlers.set(key, handler);
    return handler;
  }

  /** Containers started per `<service>/<function>` (a failed start counts: FC tries a new container next time). */
  get starts(): ReadonlyMap<string, number> {
    return this.counts;
  }

  /** Drops every container. */
  dispose(): void {
    this.handlers.clear();
  }
}

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
 * cloud's endpoint overrides, set around every invocation, and in place when the container of `containers` starts
 * (handlers read it at module load); `process.env` and `console` are restored afterwards. Console output is captured.
 *
 * Time: with a `clock`, the handler runs on it (installed for the invocation, see contract/clock.ts): a drain's wait
 * and the retries' backoff take no real time. In Function Compute the same code really waits.
 */
export async function invokeFunction(
  fn: AssemblyFunction,
  target: AssemblyTarget,
  stack: AssemblyStack,
  eventJson: string,
  cloud: FakeCloud,
  containers: ContainerPool,
  clock?: SimulatedClock,
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

  const callsBefore = cloud.callCount();
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
  const uninstallClock = clock?.install();
  // Handlers print their lines with process.stdout.write (lambda-src/commons/logger.ts: FC keeps such lines
  // unprefixed, so SLS indexes their JSON); capture those too, one entry per line.
  const savedWrite = process.stdout.write;
  const captureWrite = (chunk: string | Uint8Array): boolean => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    for (const line of text.split('\n')) if (line !== '') capture(line);
    return true;
  };
  try {
    Object.assign(console, { log: capture, info: capture, warn: capture, error: capture, debug: capture });
    process.stdout.write = captureWrite as typeof process.stdout.write;
    for (const key of Object.keys(environment)) process.env[key] = environment[key];
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
        await containers.handlerOf(fn)(Buffer.from(eventJson), context);
        ok = true;
        error = undefined;
      } catch (thrown) {
        error = thrown instanceof Error ? `${thrown.name}: ${thrown.message}` : String(thrown);
      }
    }
  } finally {
    uninstallClock?.();
    process.stdout.write = savedWrite;
    Object.assign(console, savedConsole);
    for (const key of Object.keys(process.env)) if (!(key in savedEnv)) delete process.env[key];
    Object.assign(process.env, savedEnv);
  }
  const deadLetterQueue = fn.maxAsyncRetryAttempts !== undefined ? fn.hasFailureDestination : false;
  return {
    outcome: ok ? 'ok' : deadLetterQueue || target.hasDeadLetterQueue ? 'dead-lettered' : 'failed',
    attempts,
    calls: cloud.callsSince(callsBefore).map(toReplayCall),
    logs,
    error,
  };
}

/**
 * Evaluates the bundle as a new module instance (a container start): `require` after taking the file and anything
 * it loads from its asset folder out of `require.cache`, which is then restored, so the instance is private to the
 * pool and is not retained by Node once the pool lets go of it.
 *
 * @see https://help.aliyun.com/en/functioncompute/how-do-i-create-a-new-instance-for-each-request
 */
function loadHandler(fn: AssemblyFunction): FcHandler {
  const resolved = require.resolve(fn.handlerFile);
  const folder = path.dirname(resolved) + path.sep;
  const ours = (key: string) => key.startsWith(folder);
  const saved = Object.keys(require.cache).filter(ours);
  const savedModules = new Map(saved.map((key) => [key, require.cache[key]]));
  for (const key of saved) delete require.cache[key];
  const childrenBefore = module.children.length;
  try {
    const loaded = require(resolved) as Record<string, unknown>;
    const handler = loaded[fn.handlerExport];
    if (typeof handler !== 'function') {
      throw new Error(`${fn.handlerFile} does not export a function "${fn.handlerExport}"`);
    }
    return handler as FcHandler;
  } finally {
    for (const key of Object.keys(require.cache).filter(ours)) delete require.cache[key];
    for (const [key, value] of savedModules) require.cache[key] = value;
    module.children.splice(childrenBefore);
  }
}

function toReplayCall(call: RecordedCall): ReplayCall {
  return {
    service: call.service,
    action: call.action,
    params: { ...call.params },
    ...(call.throttled === true ? { throttled: true as const } : {}),
  };
}

function inspectValue(value: unknown): string {
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
