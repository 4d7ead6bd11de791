/**
 * Progress for waits longer than a few seconds: a line on stderr when the wait starts to feel long, then one every
 * few seconds, so a person (or a CI log) can tell a slow step from a hung one. stdout is never touched.
 */

/** A running heartbeat. */
export interface Heartbeat {
  /** Stops it; safe to call twice. */
  readonly stop: () => void;
}

/** When and how often a heartbeat speaks. */
export interface HeartbeatOptions {
  /** First line after this long. @default 3000 */
  readonly afterMs?: number;
  /** Then one line every this long. @default 10000 */
  readonly everyMs?: number;
  /** @default Date.now */
  readonly now?: () => number;
}

/**
 * Writes `<label> (still running, 12 s)` to `write` while a long step runs. The timers do not keep the process alive.
 *
 * @example
 * const beat = startHeartbeat(context.progress, 'bench: synth by number of regions');
 * try { runSynthBenchmark(...) } finally { beat.stop() }
 */
export function startHeartbeat(
  write: (line: string) => void,
  label: string,
  options: HeartbeatOptions = {},
): Heartbeat {
  const now = options.now ?? Date.now;
  const started = now();
  let interval: NodeJS.Timeout | undefined;
  const speak = () => write(`${label} (still running, ${Math.round((now() - started) / 1000)} s)`);
  const first = setTimeout(() => {
    speak();
    interval = setInterval(speak, options.everyMs ?? 10_000);
    interval.unref();
  }, options.afterMs ?? 3000);
  first.unref();
  return {
    stop: () => {
      clearTimeout(first);
      if (interval !== undefined) clearInterval(interval);
    },
  };
}
