/**
 * Retention numbers that the infrastructure (lib/) and the handlers (lambda-src/) must agree on. Dependency-free, so
 * both sides can import it (handlers never import lib/).
 *
 * The chain they protect: a failed event waits in a dead-letter queue for up to {@link DLQ_RETENTION_SECONDS}; an
 * operator may re-deliver it at any time before it expires, and the re-delivery (re-published to the bus, or
 * re-invoked) reaches functions that may already have handled the event. Their idempotency markers must therefore
 * still be there, and still count, when the oldest message of a queue is re-delivered.
 */

const DAY_SECONDS = 86_400;

/**
 * How long every dead-letter queue keeps a message: 7 days (MNS allows 60 to 1296000 seconds, default 4 days).
 * @see https://www.alibabacloud.com/help/en/ros/developer-reference/aliyun-mns-queue
 */
export const DLQ_RETENTION_SECONDS = 7 * DAY_SECONDS;

/**
 * How long a handler remembers a completed event (`COMMON_ENV.idempotencyWindowSeconds`): the dead-letter retention plus one
 * day. The extra day covers what happens after the re-delivery of a message that was about to expire: FC's
 * asynchronous retries of the re-delivered event (maximum event age 1 day by default) and EventBridge's own retries
 * (up to 1 day with the exponential-decay policy).
 * @see https://help.aliyun.com/document_detail/415755.htm (PutFunctionAsyncInvokeConfig: maxAsyncEventAgeInSeconds)
 */
export const IDEMPOTENCY_WINDOW_SECONDS = DLQ_RETENTION_SECONDS + DAY_SECONDS;

/**
 * Days after which the bucket's lifecycle rules delete idempotency markers and handler state (`idempotency/`,
 * `state/`): the idempotency window rounded up to whole days, plus one day, because OSS runs lifecycle rules
 * about once a day and counts days from the object's last modification.
 * @see https://www.alibabacloud.com/help/en/oss/user-guide/lifecycle-rules-based-on-the-last-modified-time
 */
export const MARKER_RETENTION_DAYS = Math.ceil(IDEMPOTENCY_WINDOW_SECONDS / DAY_SECONDS) + 1;

/** Upper bound of the idempotency window accepted by the handlers: 30 days. */
export const MAX_IDEMPOTENCY_WINDOW_SECONDS = 30 * DAY_SECONDS;
