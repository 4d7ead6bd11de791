import { EXIT } from './errors';

/**
 * Termination signals for tools that must clean up (the drill cancels its simulated event): SIGINT (Ctrl-C),
 * SIGTERM (a CI job cancelled, `kill`) and SIGHUP (the terminal closed). The first signal aborts an AbortSignal the
 * tool watches; a second one leaves at once.
 */

/** Signal numbers, for the 128 + n exit code. @see https://man7.org/linux/man-pages/man7/signal.7.html */
export const TERMINATION_SIGNALS = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 } as const;

/** One of {@link TERMINATION_SIGNALS}. */
export type TerminationSignal = keyof typeof TERMINATION_SIGNALS;

/** The abort reason when a signal stopped the tool. */
export class Interrupted extends Error {
  override readonly name = 'Interrupted';
  constructor(readonly signal: TerminationSignal) {
    super(`interrupted by ${signal}`);
  }
}

/** The part of `process` the trap uses (tests pass an EventEmitter). */
export interface SignalSource {
  on(event: TerminationSignal, listener: () => void): unknown;
  off(event: TerminationSignal, listener: () => void): unknown;
}

/** An installed trap. */
export interface SignalTrap {
  /** Aborted, with an {@link Interrupted} reason, at the first signal. */
  readonly signal: AbortSignal;
  /** The first signal received, if any. */
  readonly received: () => TerminationSignal | undefined;
  /** {@link EXIT.interrupted} becomes 128 + the number of the signal received; other codes are kept. */
  readonly exitCode: (code: number) => number;
  /** Removes the listeners. */
  readonly dispose: () => void;
}

/** What the trap says and does. */
export interface SignalTrapOptions {
  /** The tool's name, prefixed to its lines. */
  readonly name: string;
  readonly stderr: (text: string) => void;
  /** What the tool does after the first signal, e.g. `canceling the simulated event`. @default 'stopping' */
  readonly cleanup?: string;
  /** What leaving at once may leave behind, e.g. `the simulated event may stay pending`. */
  readonly risk?: string;
  /** @default process */
  readonly source?: SignalSource;
  /** Leaves at once on the second signal. @default process.exit */
  readonly exit?: (code: number) => void;
}

/**
 * Installs listeners for SIGINT, SIGTERM and SIGHUP. Installing a listener replaces Node's default action (exit
 * without cleanup), which is why a trap is needed for all three, not only SIGINT.
 * @see https://nodejs.org/api/process.html#signal-events
 *
 * @example
 * const trap = trapTerminationSignals({ name: 'drill', stderr, cleanup: 'canceling the simulated event' });
 * const code = await runDrill(..., { signal: trap.signal });
 * process.exitCode = trap.exitCode(code);
 */
export function trapTerminationSignals(options: SignalTrapOptions): SignalTrap {
  const source: SignalSource = options.source ?? process;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const controller = new AbortController();
  let received: TerminationSignal | undefined;
  const listeners = new Map<TerminationSignal, () => void>();
  for (const name of Object.keys(TERMINATION_SIGNALS) as TerminationSignal[]) {
    const listener = () => {
      if (received !== undefined) {
        options.stderr(
          `${options.name}: ${name} again; leaving now${options.risk === undefined ? '' : ` (${options.risk})`}\n`,
        );
        exit(128 + TERMINATION_SIGNALS[name]);
        return;
      }
      received = name;
      options.stderr(`${options.name}: ${name}; ${options.cleanup ?? 'stopping'} (send it again to leave at once)\n`);
      controller.abort(new Interrupted(name));
    };
    listeners.set(name, listener);
    source.on(name, listener);
  }
  return {
    signal: controller.signal,
    received: () => received,
    exitCode: (code) =>
      code === EXIT.interrupted && received !== undefined ? 128 + TERMINATION_SIGNALS[received] : code,
    dispose: () => {
      for (const [name, listener] of listeners) source.off(name, listener);
    },
  };
}
