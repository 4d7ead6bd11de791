/**
 * Error classes shared by all handlers.
 *
 * The split between retryable and non-retryable failures decides what Function Compute does next:
 * every error is rethrown so the asynchronous invocation fails; FC async retries it a couple of times and then
 * routes it to the dead-letter destination configured by the infrastructure. That is our "no silent drop" design:
 * a malformed or otherwise permanently failing event is never swallowed, it ends up in the DLQ for a human, and
 * because handlers validate before any side effect, the retries of a permanent failure do nothing harmful.
 * `retryable` is logged so operators can tell "will heal by itself" from "needs a look".
 */

import { type ApiFailure, failureLabel, isRetryableApiFailure } from '../../contract/api-failure';

export type { ApiFailure };

/** Options accepted by every handler error. */
export interface HandlerErrorOptions {
  /** The underlying error (SDK error, JSON syntax error, ...). */
  readonly cause?: unknown;
  /** Set when the error comes from a cloud API call. */
  readonly api?: ApiFailure;
}

/** Base class: every handler error says whether retrying can help. */
export abstract class HandlerError extends Error {
  /** Whether a later retry of the same event can succeed. */
  abstract readonly retryable: boolean;
  /** Set when the error comes from a cloud API call. */
  readonly api?: ApiFailure;

  constructor(message: string, options: HandlerErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.api = options.api;
  }
}

/** The event payload cannot be parsed or lacks/garbles a field this handler needs. Never retryable. */
export class MalformedEventError extends HandlerError {
  override readonly name = 'MalformedEventError';
  readonly retryable = false;
}

/** A failure that will not go away by retrying: wrong event type, 4xx from an API, missing permission. */
export class PermanentError extends HandlerError {
  override readonly name = 'PermanentError';
  readonly retryable = false;
}

/**
 * An event (or custom-resource request) that does not come from the function's own Alibaba Cloud account, or does
 * not say which account it comes from. Never retryable, raised before any side effect.
 */
export class ForeignEventError extends HandlerError {
  override readonly name = 'ForeignEventError';
  readonly retryable = false;
}

/** A transient failure: throttling, 5xx, network error, timeout. Rethrown so the invocation is retried. */
export class RetryableError extends HandlerError {
  override readonly name = 'RetryableError';
  readonly retryable = true;
}

/** A missing or invalid environment variable. Detected at container start, reported on every invocation. */
export class ConfigurationError extends HandlerError {
  override readonly name = 'ConfigurationError';
  readonly retryable = false;
}

export { failureLabel, isRetryableApiFailure };

/** Wraps a failed API call into a {@link RetryableError} or a {@link PermanentError}. */
export function apiError(failure: ApiFailure, message: string, cause: unknown): RetryableError | PermanentError {
  const where = `${failure.service}:${failure.action}`;
  const text = `${where} failed (${failureLabel(failure)}, request id ${failure.requestId ?? 'unknown'}): ${message}`;
  return isRetryableApiFailure(failure)
    ? new RetryableError(text, { cause, api: failure })
    : new PermanentError(text, { cause, api: failure });
}

/** Whether an arbitrary thrown value is worth retrying; unknown errors are treated as retryable bugs-in-waiting. */
export function isRetryable(error: unknown): boolean {
  return error instanceof HandlerError ? error.retryable : true;
}
