import { AsyncLocalStorage } from 'node:async_hooks';
import { systemClock } from './clock';
import { isRetryable } from './errors';

/**
 * Retries of cloud calls inside one invocation: capped exponential backoff with full jitter, never past the
 * invocation's deadline, before the failure goes to Function Compute's own retries (and then the dead-letter queue).
 *
 * Full jitter (a random wait between 0 and min(cap, base * 2^n)) spreads the retries of concurrent invocations, which
 * a throttled API needs most. Only retryable failures (`isRetryable`: throttling, 429, 5xx, network errors) are
 * retried; a permanent one is thrown at once.
 * @see https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/
 * @see https://www.alibabacloud.com/help/en/functioncompute/user-guide/context (`function.timeout`)
 */

/** How a call is retried. */
export interface RetryPolicy {
  /** Attempts in all, the first included. @default 3 */
  readonly attempts: number;
  /** Backoff before the second attempt is at most this. @default 200 */
  readonly baseMs: number;
  /** No backoff is longer than this. @default 2000 */
  readonly capMs: number;
}

/** The default policy: 3 attempts, 200 ms base, 2 s cap. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = { attempts: 3, baseMs: 200, capMs: 2000 };

/** What a retry loop needs from its invocation: policy, deadline and the clock (test seams). */
export interface RetryScope {
  readonly policy: RetryPolicy;
  /** Epoch ms after which no retry starts (the function's timeout, less a margin); undefined = attempts only. */
  readonly deadline?: number;
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  /** In [0, 1). @default Math.random */
  readonly random: () => number;
}

/**
 * Outside any invocation (tools, tests of a client alone): the default policy, the system clock (the real one unless
 * replay installed a simulated one, see ./clock.ts), no deadline.
 */
export const DEFAULT_RETRY_SCOPE: RetryScope = {
  policy: DEFAULT_RETRY_POLICY,
  now: systemClock.now,
  sleep: systemClock.sleep,
  random: Math.random,
};

const current = new AsyncLocalStorage<RetryScope>();

/**
 * Runs `work` with `scope` as the retry scope of every cloud call it makes. The handler adapter sets it per
 * invocation; clients are cached per container, so the deadline cannot live in the client.
 */
export function withRetryScope<T>(scope: RetryScope, work: () => Promise<T>): Promise<T> {
  return current.run(scope, work);
}

/** The scope of the running invocation, or {@link DEFAULT_RETRY_SCOPE}. */
export function retryScope(): RetryScope {
  return current.getStore() ?? DEFAULT_RETRY_SCOPE;
}

/** Margin kept before the function's timeout, for the error to be logged and returned. */
export const DEADLINE_MARGIN_MS = 1000;

/**
 * The deadline of an invocation started at `startedMs` by a function with `timeoutSeconds`, or undefined when the
 * context does not say (FC's context carries `function.timeout` in seconds).
 */
export function deadlineOf(startedMs: number, timeoutSeconds: number | undefined): number | undefined {
  return timeoutSeconds === undefined || !(timeoutSeconds > 0)
    ? undefined
    : startedMs + timeoutSeconds * 1000 - DEADLINE_MARGIN_MS;
}

/**
 * Calls `work` until it succeeds, fails permanently, runs out of attempts, or the next wait would end past the
 * deadline; then throws the last error.
 */
export async function withBackoff<T>(work: () => Promise<T>, scope: RetryScope = retryScope()): Promise<T> {
  const { policy } = scope;
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (!isRetryable(error) || attempt >= policy.attempts) throw error;
      const wait = Math.floor(scope.random() * Math.min(policy.capMs, policy.baseMs * 2 ** (attempt - 1)));
      if (scope.deadline !== undefined && scope.now() + wait >= scope.deadline) throw error;
      await scope.sleep(wait);
    }
  }
}
