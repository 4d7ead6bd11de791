/**
 * The environment every handler reads: the archive bucket and the idempotency window. The stack formats it
 * ({@link formatCommonEnv}), the handlers read the variables by these names (lambda-src/commons/config.ts).
 */
export const COMMON_ENV = {
  /** OSS bucket for archives, idempotency markers and handler state. */
  archiveBucket: 'ARCHIVE_BUCKET',
  /** Seconds a completed event id is remembered (contract/retention.ts). */
  idempotencyWindowSeconds: 'IDEMPOTENCY_WINDOW_SECONDS',
} as const;

/** What {@link formatCommonEnv} writes. */
export interface CommonSettings {
  readonly archiveBucket: string;
  readonly idempotencyWindowSeconds: number;
}

/** The common variables, in the order the stack writes them (first in every function's environment). */
export function formatCommonEnv(settings: CommonSettings): Record<string, string> {
  return {
    [COMMON_ENV.archiveBucket]: settings.archiveBucket,
    [COMMON_ENV.idempotencyWindowSeconds]: String(settings.idempotencyWindowSeconds),
  };
}
