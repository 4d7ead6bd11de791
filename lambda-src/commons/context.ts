/**
 * The parts of the Function Compute invocation context that our handlers use.
 *
 * @see https://www.alibabacloud.com/help/en/functioncompute/user-guide/context
 */
export interface FcContext {
  readonly requestId: string;
  /** Region the function runs in, e.g. `cn-hangzhou`. */
  readonly region: string;
  readonly accountId: string;
  /** STS credentials of the function's role; rotated by FC, so clients are cached per credential set. */
  readonly credentials: FcCredentials;
  /** `timeout`: the function's timeout in seconds, which bounds in-invocation retries (absent in some tests). */
  readonly function: { readonly name: string; readonly timeout?: number };
}

/** Temporary credentials from the service/function role. */
export interface FcCredentials {
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  readonly securityToken?: string;
}

/** Any JSON value; handler results and log lines are built from these. */
export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/** How an invocation ended without error. */
export type Outcome = 'ok' | 'skipped' | 'duplicate';

/**
 * What a handler returns to Function Compute (serialised to JSON).
 *
 * A result carrying `warning` is logged at level `warn`.
 */
export interface HandlerResult {
  readonly outcome: Outcome;
  readonly reason?: string;
  readonly warning?: string;
  readonly [field: string]: JsonValue | undefined;
}
