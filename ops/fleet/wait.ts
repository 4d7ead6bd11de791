import { ToolFailure } from '../cli';
import type { FleetApi, OperationResult, StackGroupOperation } from './client';

/**
 * Waiting for a stack group operation: GetStackGroupOperation polled with backoff until the operation leaves
 * `RUNNING`/`STOPPING`, bounded by a timeout, then its per-instance results (ListStackGroupOperationResults).
 * @see https://www.alibabacloud.com/help/en/ros/developer-reference/api-ros-2019-09-10-getstackgroupoperation
 * @see https://www.alibabacloud.com/help/en/ros/developer-reference/api-ros-2019-09-10-liststackgroupoperationresults
 */

/** Operation statuses that are not final. */
const UNFINISHED = new Set(['RUNNING', 'STOPPING']);

/** How a wait polls; everything but the timeout has a default. */
export interface PollOptions {
  /** Give up after this long. */
  readonly timeoutMs: number;
  /** First wait between polls. @default 2000 */
  readonly firstDelayMs?: number;
  /** Longest wait between polls (the delay grows by half each poll up to it). @default 15000 */
  readonly maxDelayMs?: number;
  /** @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
  /** @default Date.now */
  readonly now?: () => number;
  /** Called after each poll that found the operation unfinished. */
  readonly onPoll?: (operation: StackGroupOperation, elapsedMs: number) => void;
  readonly signal?: AbortSignal;
}

/** The operation did not finish within `--timeout`. */
export class OperationTimeoutError extends ToolFailure {
  override readonly name = 'OperationTimeoutError';
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Polls `operationId` until it is final.
 *
 * @throws OperationTimeoutError when it is still running after `timeoutMs`; CloudApiError when a call is refused
 */
export async function pollOperation(
  api: FleetApi,
  operationId: string,
  options: PollOptions,
): Promise<StackGroupOperation> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? realSleep;
  const started = now();
  let delay = options.firstDelayMs ?? 2000;
  for (;;) {
    const operation = await api.getStackGroupOperation(operationId);
    if (!UNFINISHED.has(operation.status)) return operation;
    const elapsed = now() - started;
    options.onPoll?.(operation, elapsed);
    if (options.signal?.aborted) throw new ToolFailure(`stopped while waiting for operation ${operationId}`);
    if (elapsed + delay > options.timeoutMs) {
      throw new OperationTimeoutError(
        `operation ${operationId} (${operation.action}) is still ${operation.status} after ${Math.round(elapsed / 1000)} s ` +
          `(--timeout ${Math.round(options.timeoutMs / 1000)} s); it goes on in ROS: wait again with --operation-id ${operationId}`,
      );
    }
    await sleep(delay);
    delay = Math.min(Math.round(delay * 1.5), options.maxDelayMs ?? 15_000);
  }
}

/** A finished operation and where it failed. */
export interface OperationReport {
  readonly operationId: string;
  readonly action: string;
  readonly status: string;
  /** Per account and region, sorted by account then region. */
  readonly results: readonly OperationResult[];
  /** Results that did not succeed. */
  readonly failed: readonly OperationResult[];
}

/** Waits for `operationId` and reads its per-instance results. */
export async function waitForOperation(
  api: FleetApi,
  operationId: string,
  options: PollOptions,
): Promise<OperationReport> {
  const operation = await pollOperation(api, operationId, options);
  const results = sortByTarget(await api.listStackGroupOperationResults(operationId));
  return {
    operationId,
    action: operation.action,
    status: operation.status,
    results,
    failed: results.filter((r) => r.status !== 'SUCCEEDED'),
  };
}

/** Whether the operation and every instance of it succeeded. */
export function operationSucceeded(report: OperationReport): boolean {
  return report.status === 'SUCCEEDED' && report.failed.length === 0;
}

/**
 * The operations of a group that were created at or after `since` (not drift detections), oldest first: what a
 * deploy of the fleet stack started. ROS gives `CreateTime` without a zone; it is read as UTC (UNCONFIRMED: the API
 * reference shows `2020-02-27T07:47:47` without saying which zone; a time in UTC+8 would only widen the window).
 */
export async function operationsSince(
  api: FleetApi,
  stackGroupName: string,
  since: Date,
): Promise<StackGroupOperation[]> {
  const operations = await api.listStackGroupOperations(stackGroupName);
  return operations
    .filter(
      (o) => o.action !== 'DETECT_DRIFT' && o.createTime !== undefined && parseRosTime(o.createTime) >= since.getTime(),
    )
    .sort((a, b) => parseRosTime(a.createTime ?? '') - parseRosTime(b.createTime ?? ''));
}

/** Epoch ms of a ROS time (`2020-02-27T07:47:47`, read as UTC, or with its own zone). */
export function parseRosTime(text: string): number {
  const zoned = /(Z|[+-]\d{2}:?\d{2})$/.test(text) ? text : `${text}Z`;
  const ms = Date.parse(zoned);
  return Number.isNaN(ms) ? 0 : ms;
}

/** Sorted by account, then region. */
export function sortByTarget<T extends { readonly accountId: string; readonly regionId: string }>(items: T[]): T[] {
  return items.sort((a, b) => a.accountId.localeCompare(b.accountId) || a.regionId.localeCompare(b.regionId));
}
