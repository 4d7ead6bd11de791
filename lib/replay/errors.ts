/** A bad command line: unknown flag, missing file, unknown region. The message names the value and what is allowed. */
export class ReplayUsageError extends Error {
  override readonly name = 'ReplayUsageError';
}

/** The cloud assembly cannot be read or does not hold what replay needs. */
export class AssemblyError extends Error {
  override readonly name = 'AssemblyError';
}

/** An event file that cannot be replayed: not JSON, or neither event format. Reported per file; the others run. */
export class EventFileError extends Error {
  override readonly name = 'EventFileError';
}
