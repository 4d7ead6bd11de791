import { setTimeout as sleep } from 'node:timers/promises';
import type { ArchivedEvent } from './archive';
import { CloudApiError, isRetryable, type RpcCaller } from './cloud';
import {
  ACTIVE_STATUSES,
  EVENT_CYCLE_STATUSES,
  FINAL_STATUSES,
  formatDuration,
  formatUtc,
  type SimulatableEventType,
} from './simulated-event';

/**
 * The drill: create a simulated system event, check its status, wait until the deployed pipeline archived it, report
 * timings, and cancel the event whenever it is still pending, on every exit path (handled, timeout, error, abort).
 * @see https://help.aliyun.com/document_detail/88814.html (CreateSimulatedSystemEvents)
 */

/** Time, injectable so that tests run in milliseconds. */
export interface Clock {
  now(): number;
  /** Resolves after `ms`; rejects with an AbortError when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The real clock. */
export const SYSTEM_CLOCK: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) => sleep(ms, undefined, { signal }),
};

/** What to drill. */
export interface DrillRequest {
  readonly region: string;
  readonly instanceId: string;
  readonly eventType: SimulatableEventType;
  /** Epoch ms, whole seconds. */
  readonly notBeforeMs: number;
  /** How long to wait for the archived copy after creation. */
  readonly timeoutMs: number;
  /** Time between two looks into the archive. */
  readonly pollIntervalMs: number;
}

/** What the drill calls. */
export interface DrillDeps {
  readonly ecs: RpcCaller;
  /** Finds the archived copy (see ArchiveFinder). */
  readonly archive: { find(eventId: string, fromMs: number, toMs: number): Promise<ArchivedEvent | undefined> };
  readonly clock: Clock;
  /** Aborts the wait (the CLI wires it to SIGINT, SIGTERM and SIGHUP); the event is still canceled. */
  readonly signal?: AbortSignal;
  /** Progress lines for people. */
  readonly progress?: (line: string) => void;
}

/** How the drill ended. */
export type DrillVerdict = 'handled' | 'timeout' | 'failed' | 'interrupted';

/** What happened to the simulated event at the end. */
export interface CancelOutcome {
  /** `canceled`; `not-needed` (already final); `failed` (still pending, see `error`); `not-created`. */
  readonly result: 'canceled' | 'not-needed' | 'failed' | 'not-created';
  /** The status seen before deciding. */
  readonly statusBefore?: string;
  readonly error?: string;
  /**
   * Set when the create's answer was lost (network error, 5xx): the drill then looked up the active simulated events
   * of the instance with its type and NotBefore. `result` says what became of the ones it found (`not-created`:
   * none was found).
   */
  readonly lookedUp?: boolean;
  /** The events found by that look-up (the create made them although its answer was lost). */
  readonly eventIds?: readonly string[];
}

/** Timings: ISO times and durations in ms. */
export interface DrillTimings {
  /** When CreateSimulatedSystemEvents returned. */
  readonly createdAt?: string;
  /** When EventBridge published the event, from the archived envelope. */
  readonly deliveredAt?: string;
  /** When the handler archived it, from the archived record. */
  readonly handledAt?: string;
  /** When the drill saw the archived copy. */
  readonly observedAt?: string;
  readonly createdToDeliveredMs?: number;
  readonly deliveredToHandledMs?: number;
  readonly createdToHandledMs?: number;
}

/** The drill's result; the CLI prints it as text or JSON. */
export interface DrillReport {
  readonly verdict: DrillVerdict;
  readonly region: string;
  readonly instanceId: string;
  readonly eventType: string;
  readonly notBefore: string;
  readonly eventId?: string;
  /** Status right after creation (DescribeInstanceHistoryEvents). */
  readonly status?: string;
  readonly archiveKey?: string;
  /** The `type` the archived event carried. */
  readonly archivedType?: string;
  readonly timings: DrillTimings;
  readonly cancel: CancelOutcome;
  readonly error?: string;
}

/** The drill failed before or while running (not a timeout): the message says which call and why. */
export class DrillError extends Error {
  override readonly name = 'DrillError';
}

/** Exit code of a report: 0 handled (and nothing left pending), 130 interrupted, else 1. */
export function drillExitCode(report: DrillReport): number {
  if (report.verdict === 'interrupted') return 130;
  return report.verdict === 'handled' && report.cancel.result !== 'failed' ? 0 : 1;
}

/**
 * Runs one drill.
 *
 * @example
 * const report = await runDrill(
 *   { region: 'cn-hangzhou', instanceId: 'i-bp1...', eventType: 'SystemMaintenance.Reboot',
 *     notBeforeMs: Date.now() + 600_000, timeoutMs: 900_000, pollIntervalMs: 10_000 },
 *   { ecs, archive: new ArchiveFinder(reader, target), clock: SYSTEM_CLOCK, signal },
 * );
 */
export async function runDrill(request: DrillRequest, deps: DrillDeps): Promise<DrillReport> {
  const { ecs, clock } = deps;
  const progress = deps.progress ?? (() => undefined);
  const base = {
    region: request.region,
    instanceId: request.instanceId,
    eventType: request.eventType,
    notBefore: formatUtc(request.notBeforeMs),
  };
  if (deps.signal?.aborted) {
    return { ...base, verdict: 'interrupted', timings: {}, cancel: { result: 'not-created' } };
  }

  const startMs = clock.now();
  let eventId: string;
  try {
    const body = await ecs.call('CreateSimulatedSystemEvents', {
      RegionId: request.region,
      EventType: request.eventType,
      NotBefore: base.notBefore,
      'InstanceId.1': request.instanceId,
    });
    const ids = path(body, 'EventIdSet', 'EventId');
    const first = Array.isArray(ids) ? ids[0] : undefined;
    if (typeof first !== 'string' || first === '') {
      throw new DrillError(`ecs:CreateSimulatedSystemEvents returned no EventIdSet.EventId: ${JSON.stringify(body)}`);
    }
    eventId = first;
  } catch (error) {
    if (!createMayHaveSucceeded(error)) {
      return { ...base, verdict: 'failed', timings: {}, cancel: { result: 'not-created' }, error: message(error) };
    }
    progress(
      `the answer of CreateSimulatedSystemEvents was lost (${message(error)}); looking for an event it may have created`,
    );
    const cancel = await cancelAfterUncertainCreate(ecs, request, clock, progress);
    return {
      ...base,
      verdict: 'failed',
      eventId: cancel.eventIds?.[0],
      timings: {},
      cancel,
      error: message(error),
    };
  }
  const createdMs = clock.now();
  progress(`created simulated event ${eventId} (${request.eventType}, NotBefore ${base.notBefore})`);

  let verdict: DrillVerdict = 'timeout';
  let status: string | undefined;
  let found: ArchivedEvent | undefined;
  let observedMs: number | undefined;
  let error: string | undefined;
  try {
    status = await describeStatus(ecs, request, eventId);
    progress(`status ${status ?? 'not listed yet'}`);
    const deadline = createdMs + request.timeoutMs;
    let lastProgressMs = clock.now();
    progress(
      `waiting for the archived copy (every ${Math.round(request.pollIntervalMs / 1000)} s, until ${formatUtc(deadline)})`,
    );
    for (;;) {
      // Events are dated by their event time; allow for clocks a few minutes apart.
      found = await abortable(deps.archive.find(eventId, startMs - 300_000, clock.now() + 300_000), deps.signal);
      if (found !== undefined) {
        observedMs = clock.now();
        verdict = 'handled';
        progress(`handled: ${found.key}`);
        break;
      }
      const left = deadline - clock.now();
      if (left <= 0) {
        progress('timed out: no archived copy');
        break;
      }
      // A line every 30 s or so, so that a long wait is visibly alive.
      if (clock.now() - lastProgressMs >= 30_000) {
        lastProgressMs = clock.now();
        progress(
          `still waiting for the archived copy: ${formatDuration(clock.now() - createdMs)} since the create, ${formatDuration(left)} left`,
        );
      }
      await clock.sleep(Math.min(request.pollIntervalMs, left), deps.signal);
    }
  } catch (caught) {
    if (deps.signal?.aborted) {
      verdict = 'interrupted';
      progress('interrupted');
    } else {
      verdict = 'failed';
      error = message(caught);
    }
  }

  const cancel = await cancelIfPending(ecs, request, eventId, clock, progress);
  const timings: DrillTimings = {
    createdAt: new Date(createdMs).toISOString(),
    deliveredAt: iso(found?.deliveredAtMs),
    handledAt: iso(found?.handledAtMs ?? observedMs),
    observedAt: iso(observedMs),
    createdToDeliveredMs: difference(createdMs, found?.deliveredAtMs),
    deliveredToHandledMs: difference(found?.deliveredAtMs, found?.handledAtMs ?? observedMs),
    createdToHandledMs: difference(createdMs, found?.handledAtMs ?? observedMs),
  };
  return {
    ...base,
    verdict,
    eventId,
    status,
    archiveKey: found?.key,
    archivedType: found?.type,
    timings,
    cancel,
    error,
  };
}

/** The current `EventCycleStatus.Name` of the event, or undefined when it is not listed. */
export async function describeStatus(
  ecs: RpcCaller,
  request: Pick<DrillRequest, 'region' | 'instanceId'>,
  eventId: string,
): Promise<string | undefined> {
  const body = await ecs.call('DescribeInstanceHistoryEvents', describeParams(request, eventId));
  const events = path(body, 'InstanceSystemEventSet', 'InstanceSystemEventType');
  const event = Array.isArray(events) ? events.find((e) => path(e, 'EventId') === eventId) : undefined;
  const name = path(event, 'EventCycleStatus', 'Name');
  return typeof name === 'string' ? name : undefined;
}

/**
 * Parameters of DescribeInstanceHistoryEvents for one event. Every status is asked for explicitly: without
 * `InstanceEventCycleStatus.N` the API returns only completed events (Avoided, Executed, Canceled, Failed), so a
 * Scheduled event would look missing.
 */
export function describeParams(
  request: Pick<DrillRequest, 'region' | 'instanceId'>,
  eventId: string,
): Record<string, string> {
  const params: Record<string, string> = {
    RegionId: request.region,
    InstanceId: request.instanceId,
    'EventId.1': eventId,
  };
  EVENT_CYCLE_STATUSES.forEach((s, i) => {
    params[`InstanceEventCycleStatus.${i + 1}`] = s;
  });
  return params;
}

/**
 * Cancels the event unless it is already final. Not abortable on purpose: this is the cleanup that Ctrl-C must not
 * skip. A retryable failure is retried twice.
 */
async function cancelIfPending(
  ecs: RpcCaller,
  request: DrillRequest,
  eventId: string,
  clock: Clock,
  progress: (line: string) => void,
): Promise<CancelOutcome> {
  let statusBefore: string | undefined;
  try {
    statusBefore = await describeStatus(ecs, request, eventId);
  } catch {
    // Unknown status: try to cancel anyway, a cancel of a finished event fails harmlessly.
  }
  if (statusBefore !== undefined && FINAL_STATUSES.includes(statusBefore)) {
    progress(`not canceled: the event is already ${statusBefore}`);
    return { result: 'not-needed', statusBefore };
  }
  let lastError: unknown;
  for (let attempt = 1; attempt <= 3; attempt++) {
    try {
      await ecs.call('CancelSimulatedSystemEvents', { RegionId: request.region, 'EventId.1': eventId });
      progress(`canceled ${eventId}`);
      return { result: 'canceled', statusBefore };
    } catch (error) {
      lastError = error;
      if (!isRetryable(error) || attempt === 3) break;
      await clock.sleep(1000 * attempt);
    }
  }
  progress(
    `CANCEL FAILED: cancel it by hand: aliyun ecs CancelSimulatedSystemEvents --RegionId ${request.region} --EventId.1 ${eventId}`,
  );
  return { result: 'failed', statusBefore, error: message(lastError) };
}

/**
 * Whether a failed CreateSimulatedSystemEvents may still have created the event: its answer was lost (no HTTP
 * status: a network error or a timeout), the service failed (5xx) after possibly doing the work, or the answer had
 * no event id. A 4xx is a refusal: nothing was created.
 */
export function createMayHaveSucceeded(error: unknown): boolean {
  if (error instanceof DrillError) return true;
  if (!(error instanceof CloudApiError)) return true;
  const { api } = error;
  return api.statusCode === undefined || api.statusCode >= 500;
}

/**
 * Parameters of DescribeInstanceHistoryEvents for the active events of one type on the instance, with the NotBefore
 * the drill asked for. The filters narrow the answer; {@link findActiveSimulatedEvents} checks type and NotBefore
 * itself as well, so an API that ignored a filter still cannot make the drill cancel somebody else's event.
 * @see https://www.alibabacloud.com/help/en/ecs/developer-reference/api-ecs-2014-05-26-describeinstancehistoryevents
 */
export function activeEventsParams(request: Pick<DrillRequest, 'region' | 'instanceId' | 'eventType' | 'notBeforeMs'>) {
  const params: Record<string, string> = {
    RegionId: request.region,
    InstanceId: request.instanceId,
    'InstanceEventType.1': request.eventType,
    'NotBefore.Start': formatUtc(request.notBeforeMs),
    'NotBefore.End': formatUtc(request.notBeforeMs),
    PageSize: '100',
  };
  ACTIVE_STATUSES.forEach((s, i) => {
    params[`InstanceEventCycleStatus.${i + 1}`] = s;
  });
  return params;
}

/**
 * The ids of the active (not final) simulated events of `request.eventType` on the instance whose NotBefore is the
 * drill's: the events an uncertain create may have made. NotBefore is compared as a time, whatever its spelling.
 * UNCONFIRMED: that the API lists a simulated event with the NotBefore given to the create, to the second; the
 * simulated-events tutorial shows it so.
 */
export async function findActiveSimulatedEvents(
  ecs: RpcCaller,
  request: Pick<DrillRequest, 'region' | 'instanceId' | 'eventType' | 'notBeforeMs'>,
): Promise<string[]> {
  const body = await ecs.call('DescribeInstanceHistoryEvents', activeEventsParams(request));
  const events = path(body, 'InstanceSystemEventSet', 'InstanceSystemEventType');
  if (!Array.isArray(events)) return [];
  return events
    .filter(
      (e) =>
        path(e, 'InstanceId') === request.instanceId &&
        path(e, 'EventType', 'Name') === request.eventType &&
        ACTIVE_STATUSES.includes(String(path(e, 'EventCycleStatus', 'Name'))) &&
        Date.parse(String(path(e, 'NotBefore'))) === request.notBeforeMs,
    )
    .map((e) => String(path(e, 'EventId')));
}

/**
 * After a create whose answer was lost: finds the events it may have made and cancels each. The look-up is retried
 * like the cancel; when it fails, the outcome says how to look by hand.
 */
async function cancelAfterUncertainCreate(
  ecs: RpcCaller,
  request: DrillRequest,
  clock: Clock,
  progress: (line: string) => void,
): Promise<CancelOutcome> {
  let ids: string[] | undefined;
  let lastError: unknown;
  for (let attempt = 1; attempt <= 3 && ids === undefined; attempt++) {
    try {
      ids = await findActiveSimulatedEvents(ecs, request);
    } catch (error) {
      lastError = error;
      if (!isRetryable(error) || attempt === 3) break;
      await clock.sleep(1000 * attempt);
    }
  }
  if (ids === undefined) {
    const lookup = Object.entries(activeEventsParams(request))
      .map(([k, v]) => `--${k} ${v}`)
      .join(' ');
    progress(`LOOK-UP FAILED: look for a pending event by hand: aliyun ecs DescribeInstanceHistoryEvents ${lookup}`);
    return {
      result: 'failed',
      lookedUp: true,
      error: `the create may have made an event, and the look-up failed: ${message(lastError)}; look by hand: aliyun ecs DescribeInstanceHistoryEvents ${lookup}`,
    };
  }
  if (ids.length === 0) {
    progress('no active simulated event of this type and NotBefore on the instance: nothing was created');
    return { result: 'not-created', lookedUp: true };
  }
  progress(`found ${ids.join(', ')}: created although the answer was lost; canceling`);
  const outcomes = [];
  for (const id of ids) outcomes.push(await cancelIfPending(ecs, request, id, clock, progress));
  const failed = outcomes.find((o) => o.result === 'failed');
  if (failed !== undefined) return { ...failed, lookedUp: true, eventIds: ids };
  return { result: 'canceled', statusBefore: outcomes[0]?.statusBefore, lookedUp: true, eventIds: ids };
}

/** Rejects as soon as `signal` aborts, without waiting for `promise` (an SDK call cannot be aborted). */
function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason ?? new Error('aborted'));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

function path(value: unknown, ...keys: string[]): unknown {
  let current = value;
  for (const key of keys) {
    if (typeof current !== 'object' || current === null || Array.isArray(current)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function iso(ms: number | undefined): string | undefined {
  return ms === undefined ? undefined : new Date(ms).toISOString();
}

function difference(from: number | undefined, to: number | undefined): number | undefined {
  return from === undefined || to === undefined ? undefined : to - from;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
