/**
 * The errors and exit codes of every operator tool. A tool throws {@link UsageError} for a bad command line and
 * {@link ToolFailure} for anything else the user can act on; the kit prints either as `error: <message>` lines on
 * stderr, without a stack trace.
 */

/** Exit codes shared by every tool. */
export const EXIT = {
  /** Done, nothing wrong. */
  ok: 0,
  /** A failure: the tool ran and something did not work (the message says what). */
  failure: 1,
  /** A usage error: unknown flag, bad value, missing argument. Nothing was done. */
  usage: 2,
  /**
   * Stopped by a termination signal. A tool returns this; the kit's main replaces it by 128 + the number of the
   * signal actually received (130 SIGINT, 143 SIGTERM, 129 SIGHUP), the shell convention.
   */
  interrupted: 130,
} as const;

/**
 * A bad command line: exit code 2. One problem per line, each naming the flag, the value received and what is
 * allowed, e.g. `--max "0" must be a whole number from 1 to 1000`.
 *
 * @example throw new UsageError(['--region is required; known: cn-hangzhou, ...'])
 */
export class UsageError extends Error {
  override readonly name: string = 'UsageError';
  /** The problems, one line each. */
  readonly problems: readonly string[];

  constructor(problems: string | readonly string[], options?: { readonly cause?: unknown }) {
    const list = typeof problems === 'string' ? [problems] : problems;
    super(list.join('; '), options);
    this.problems = list;
  }
}

/**
 * A failure the user can act on (a missing assembly, no credentials, a queue that does not exist): printed as
 * `error: <message>` without a stack trace; exit code 1 unless `exitCode` says otherwise.
 *
 * @example throw new ToolFailure(`no cloud assembly in ${dir}: run "npm run synth" first, or pass --assembly <dir>`)
 */
export class ToolFailure extends Error {
  override readonly name: string = 'ToolFailure';
  /** @default 1 */
  readonly exitCode: number;

  constructor(message: string, options?: { readonly cause?: unknown; readonly exitCode?: number }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.exitCode = options?.exitCode ?? EXIT.failure;
  }
}

/** A message as one line: line breaks become `; ` so that `error: …` stays one line. */
export function oneLine(message: string): string {
  return message
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .join('; ');
}
