import { createProcessIo } from './io';
import { runTool, type ToolSpec } from './program';
import { type SignalTrapOptions, trapTerminationSignals } from './signals';

/** How the process runs a tool. */
export interface MainOptions {
  /**
   * Traps SIGINT, SIGTERM and SIGHUP: the first aborts `context.signal` (the tool cleans up and returns
   * `EXIT.interrupted`), a second leaves at once. Off: Node's default (exit at once).
   */
  readonly signals?: Pick<SignalTrapOptions, 'cleanup' | 'risk'>;
  /**
   * Calls `process.exit` when the tool is done: SDK credential providers and HTTP agents may keep handles open after
   * the work is over. @default false
   */
  readonly exitWhenDone?: boolean;
}

/**
 * The whole `main` of a `tools/*.ts` entry point: runs the tool on `process.argv` with EPIPE-safe stdout/stderr,
 * and sets the exit code.
 *
 * @example if (require.main === module) runMain(diffTool)
 */
export function runMain(spec: ToolSpec, options: MainOptions = {}): void {
  const io = createProcessIo();
  const trap =
    options.signals === undefined
      ? undefined
      : trapTerminationSignals({ name: spec.name, stderr: io.stderr, ...options.signals });
  void runTool(spec, process.argv.slice(2), io, {
    signal: trap?.signal,
    stdoutIsTTY: process.stdout.isTTY === true,
  }).then((code) => {
    const final = trap === undefined ? code : trap.exitCode(code);
    trap?.dispose();
    process.exitCode = final;
    if (options.exitWhenDone === true) process.exit(final);
  });
}
