import { UsageError } from '../cli';

/**
 * A bad command line: missing file, unknown region. Replay's usage errors are the CLI kit's (exit 2, printed as
 * `error: …` lines); the name is kept for callers of this module.
 */
export const ReplayUsageError = UsageError;
/** See {@link ReplayUsageError}. */
export type ReplayUsageError = UsageError;

/** A world file that cannot be used: not JSON, not a valid world, or of a region without a stack (exit 1). */
export class ReplayInputError extends Error {
  override readonly name = 'ReplayInputError';
}

/**
 * The cloud assembly cannot be read or does not hold what replay needs: the one class of the shared reader
 * (lib/assembly), so that its errors and replay's own are one failure (exit 1, message only).
 */
export { AssemblyError } from '../../lib/assembly';

/** An event file that cannot be replayed: not JSON, or neither event format. Reported per file; the others run. */
export class EventFileError extends Error {
  override readonly name = 'EventFileError';
}
