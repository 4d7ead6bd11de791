/**
 * The clock seam between the operator side (replay, the spot-wave bench) and the handlers: replay runs the real
 * handler bundles in-process, and a drain waits `drainSeconds` (60 s by default) per notice, which replay and the
 * tests must not really sleep. Dependency-free: imported by lambda-src/ and ops/.
 *
 * Why a global and not a handler option: the bundles replay loads export only `handler`, built at module load by
 * `createFcHandler(spec, process.env)`, so no option can reach it from outside; every bundle is its own module
 * instance, so a module-level setter would reach only one copy. `Symbol.for` keys the process-wide symbol registry,
 * which all copies share. Replay installs a simulated clock under this key for the duration of an invocation, the way
 * it already swaps `console` and `process.env`, and removes it afterwards. In Function Compute nothing installs one,
 * and the handlers use the real clock (a drain really waits).
 * @see https://nodejs.org/api/globals.html (globalThis) and https://tc39.es/ecma262/#sec-symbol.for
 */

/** Time as a handler reads it and waits on it. */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  /** Resolves after `ms` milliseconds of this clock's time. */
  sleep(ms: number): Promise<void>;
}

/** The global key under which an operator tool installs a {@link Clock} for the handlers it runs in-process. */
export const CLOCK_GLOBAL: unique symbol = Symbol.for('ecs-event-ops.clock') as never;

/** The installed clock, if an operator tool installed one. */
export function installedClock(): Clock | undefined {
  return (globalThis as { [CLOCK_GLOBAL]?: Clock })[CLOCK_GLOBAL];
}
