/**
 * Where a tool writes. stdout holds the report (only JSON under `--json`); stderr holds progress, warnings and
 * errors. The process writers are safe against a closed pipe: `npm run diff -- … | head` closes stdout early, and
 * Node then raises EPIPE as an unhandled `error` event (a crash with a stack trace). Here the writer notes that the
 * reader is gone, drops the rest quietly and lets the tool finish with its own exit code.
 * @see https://nodejs.org/api/process.html#a-note-on-process-io
 */

/** A tool's two output channels. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

/** A stream the writer can watch (process.stdout, process.stderr, or a socket in tests). */
export interface WatchedStream {
  write(text: string): boolean;
  on(event: 'error', listener: (error: Error) => void): unknown;
  readonly destroyed: boolean;
  readonly isTTY?: boolean;
}

/** A writer that stops, silently, once its reader went away. */
export interface SafeWriter {
  readonly write: (text: string) => void;
  /** True once the stream failed (EPIPE, EIO from a closed terminal, destroyed): later text is dropped. */
  readonly closed: () => boolean;
}

/**
 * Wraps `stream` so that a closed reader never crashes the process. Any stream error closes the writer: EPIPE (the
 * reader exited), EIO (the terminal was closed, as after SIGHUP); nothing useful can be written after either.
 */
export function safeWriter(stream: WatchedStream): SafeWriter {
  let closed = false;
  stream.on('error', () => {
    closed = true;
  });
  return {
    write: (text) => {
      if (closed || stream.destroyed) return;
      try {
        stream.write(text);
      } catch {
        // A synchronous failure of a destroyed stream: the reader is gone, as above.
        closed = true;
      }
    },
    closed: () => closed,
  };
}

let processIo: CliIo | undefined;

/** The process's stdout and stderr behind {@link safeWriter}; created once (the error listeners are per stream). */
export function createProcessIo(): CliIo {
  if (processIo === undefined) {
    const out = safeWriter(process.stdout);
    const err = safeWriter(process.stderr);
    processIo = { stdout: out.write, stderr: err.write };
  }
  return processIo;
}

/** An in-memory {@link CliIo} (tests, and tools that run another tool in-process). */
export function bufferIo(): CliIo & { readonly out: () => string; readonly err: () => string } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    stdout: (text) => {
      out.push(text);
    },
    stderr: (text) => {
      err.push(text);
    },
    out: () => out.join(''),
    err: () => err.join(''),
  };
}
