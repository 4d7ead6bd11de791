import { CLOCK_GLOBAL, type Clock } from '../../contract/clock';

/**
 * A simulated clock for replay, the tests and the spot-wave bench: it starts at the real current time and moves only
 * when someone sleeps on it, and a sleep resolves at once. A handler that waits 60 s to drain a load balancer takes
 * microseconds, and reports 60 s of (simulated) time.
 *
 * Concurrent sleepers (the lanes of a discovery pool backing off together) overlap: a sleep moves the clock to
 * `max(now, its start + ms)`, not by `ms` on top of the others.
 *
 * The handlers see it while it is installed (contract/clock.ts explains the seam): {@link SimulatedClock.run} installs
 * it around one piece of work, {@link SimulatedClock.install} until the returned function is called.
 *
 * @example
 * const clock = new SimulatedClock();
 * const result = await clock.run(() => handler(payload, context));
 */
export class SimulatedClock implements Clock {
  private current: number;

  /** @param start epoch milliseconds. @default - the real current time */
  constructor(start: number = Date.now()) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  async sleep(ms: number): Promise<void> {
    const wake = this.current + Math.max(0, ms);
    // Let other work scheduled at this instant run first, as a real timer would.
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.current = Math.max(this.current, wake);
  }

  /** Installs this clock for the handlers until the returned function is called (which restores the previous one). */
  install(): () => void {
    const slot = globalThis as { [CLOCK_GLOBAL]?: Clock };
    const previous = slot[CLOCK_GLOBAL];
    slot[CLOCK_GLOBAL] = this;
    return () => {
      if (previous === undefined) delete slot[CLOCK_GLOBAL];
      else slot[CLOCK_GLOBAL] = previous;
    };
  }

  /** Runs `work` with this clock installed. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    const uninstall = this.install();
    try {
      return await work();
    } finally {
      uninstall();
    }
  }
}
