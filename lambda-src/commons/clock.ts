import { type Clock, installedClock } from '../../contract/clock';

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The handlers' clock: the real one, unless an operator tool (replay, the spot-wave bench) installed a simulated one
 * for the invocation it runs in-process (contract/clock.ts says why that seam is a global). Looked up on every call,
 * so a clock installed after the module loaded is seen.
 */
export const systemClock: Clock = {
  now: () => installedClock()?.now() ?? Date.now(),
  sleep: (ms) => installedClock()?.sleep(ms) ?? realSleep(ms),
};
