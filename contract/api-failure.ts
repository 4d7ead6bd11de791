/**
 * A failed cloud API call and whether retrying can help: one classification for the handlers
 * (lambda-src/commons/errors.ts) and the operator tools (ops/drill/cloud.ts), so both retry the same failures.
 */

/** Details of a failed cloud API call, kept for logs and error classification. */
export interface ApiFailure {
  /** `ecs`, `slb`, `oss`, ... */
  readonly service: string;
  /** API action, e.g. `StartInstance`, or an OSS operation such as `PutObject`. */
  readonly action: string;
  /** Error code returned by the service, e.g. `Throttling.User`; undefined for network failures. */
  readonly code?: string;
  /** HTTP status code; undefined for network failures. */
  readonly statusCode?: number;
  /** Request id returned by the service, for support tickets. */
  readonly requestId?: string;
}

/** Error codes that mean "try again later" whatever their HTTP status (Alibaba returns throttling as 400). */
const RETRYABLE_CODES = new Set(['ServiceUnavailable', 'InternalError', 'OperationConflict', 'RequestTimeout']);

/**
 * Classifies a failed cloud API call.
 *
 * `Throttling*`, `ServiceUnavailable`, `InternalError`, `OperationConflict` (ECS: "conflicts with a previous
 * request"), HTTP 429 and 5xx are retryable; other 4xx (InvalidParameter*, Forbidden*, NotFound...) are permanent.
 * A failure without a status code is a network failure or timeout and is retryable.
 */
export function isRetryableApiFailure(failure: ApiFailure): boolean {
  const code = failure.code ?? '';
  if (code.startsWith('Throttling') || RETRYABLE_CODES.has(code)) return true;
  if (failure.statusCode === undefined) return true;
  return failure.statusCode === 429 || failure.statusCode >= 500;
}

/**
 * What kind of failure an {@link ApiFailure} is, for messages: the service's error code and HTTP status when the
 * service answered (`Throttling.User, HTTP 400`; `HTTP 500` when the answer had no code), `network error` only when
 * there was no answer at all (`network error ECONNREFUSED`).
 */
export function failureLabel(failure: ApiFailure): string {
  if (failure.statusCode === undefined) {
    return failure.code === undefined ? 'network error' : `network error ${failure.code}`;
  }
  return failure.code === undefined ? `HTTP ${failure.statusCode}` : `${failure.code}, HTTP ${failure.statusCode}`;
}

/** The fields the Tea SDK puts on its errors (`ResponseError`) and Node puts on network errors. */
interface SdkErrorShape {
  readonly code?: unknown;
  readonly statusCode?: unknown;
  readonly data?: unknown;
  readonly message?: unknown;
}

/**
 * Reads the failure out of an SDK/network error (`@alicloud/openapi-client` `ResponseError` or a Node network
 * error): code, HTTP status and request id, and the service's message.
 */
export function sdkFailure(service: string, action: string, error: unknown): { failure: ApiFailure; message: string } {
  const shape: SdkErrorShape = typeof error === 'object' && error !== null ? error : {};
  const data = typeof shape.data === 'object' && shape.data !== null ? (shape.data as Record<string, unknown>) : {};
  const statusCode = typeof shape.statusCode === 'number' ? shape.statusCode : undefined;
  // Without an HTTP status, `code` is a Node network error code such as ECONNREFUSED: keep it, it is still a code.
  const code = typeof shape.code === 'string' && shape.code !== 'undefined' ? shape.code : undefined;
  const requestId = typeof data.RequestId === 'string' ? data.RequestId : undefined;
  const message =
    typeof data.Message === 'string' ? data.Message : typeof shape.message === 'string' ? shape.message : String(error);
  return { failure: { service, action, code, statusCode, requestId }, message };
}
