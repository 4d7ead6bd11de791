import * as fs from 'node:fs';
import { type LedgerRecord, parseLedgerLine } from '../../contract/ledger';
import { PatternIndex } from '../../lib/patterns/matcher';
import { FakeCloud, type FakeThrottle, type World } from '../fake-cloud';
import type { AssemblyRule, AssemblyStack, AssemblyTarget } from './assembly';
import { deadLetterOf, enqueueDeadLetter } from './dead-letters';
import { EventFileError } from './errors';
import { parseEventText } from './event-format';
import type { EventInput } from './inputs';
import { ContainerPool, type DeliveryOutcome, type InvocationResult, invokeFunction, type ReplayCall } from './invoke';
import { SimulatedClock } from './simulated-clock';
import { logDeliveredEvent, logHandlerLines, writeReplayStore } from './store';

/** One delivery of an event to one target of one matched rule. */
export interface DeliveryReport {
  readonly stack: string;
  /** The rule's `RuleName`. */
  readonly rule: string;
  /** `function` is `<service>/<function>` for `acs.fc.function` targets. */
  readonly target: { readonly type: string; readonly function?: string };
  readonly outcome: DeliveryOutcome;
  readonly attempts: number;
  readonly calls: readonly ReplayCall[];
  /**
   * The action ledger records (contract/ledger.ts) the handler wrote, one per attempt, in order: what it decided
   * (`acted`, `skipped` with `stale` or `circuit-open`, `dry-run`, `failed`), why, and the mutating calls it made or,
   * in a dry run, would have made. Empty for a target that is not a function.
   */
  readonly ledger: readonly LedgerRecord[];
}

/** One event file. `error` is set (and `deliveries` empty) when the file could not be read. */
export interface EventReport {
  readonly file: string;
  readonly eventId: string | null;
  readonly type: string | null;
  readonly deliveries: readonly DeliveryReport[];
  readonly error?: string;
}

/** The `--json` output. */
export interface ReplayReport {
  readonly events: readonly EventReport[];
}

/** What the human output shows beyond the report: per delivery, the handler's log lines and last error. */
export interface DeliveryDetails {
  readonly logs: readonly string[];
  readonly error?: string;
}

/** The result of {@link replayEvents}. */
export interface ReplayResult {
  readonly report: ReplayReport;
  /** Details of each delivery of `report`, by identity. */
  readonly details: ReadonlyMap<DeliveryReport, DeliveryDetails>;
  /**
   * The fake clouds (by region), stopped; their state after the run (world and objects), for tests and drills.
   * Their recorded calls are cleared after every delivery: each delivery's calls are in its report.
   */
  readonly clouds: ReadonlyMap<string, FakeCloud>;
}

/** A fault the fake cloud injects, from the world file's replay-only `faults` list. */
export interface ReplayFault {
  readonly action: string;
  readonly status: number;
  readonly code: string;
  readonly message?: string;
  /** How many consecutive calls of `action` fail. */
  readonly times: number;
}

/** Options of {@link replayEvents}. */
export interface ReplayOptions {
  /** The stacks to replay against (already restricted to `--region`). */
  readonly stacks: readonly AssemblyStack[];
  /**
   * Event files, replayed in order; state carries over from one to the next. An {@link EventInput} is reported as
   * its `shown` path, and one with an `error` is reported failed without being read.
   */
  readonly files: readonly (string | EventInput)[];
  /** Called with each event's report (and its deliveries' details) as soon as it was replayed, in order. @default - none */
  readonly onEvent?: (event: EventReport, details: ReadonlyMap<DeliveryReport, DeliveryDetails>) => void;
  /**
   * Keep every event in the result. `false` leaves `report.events` and `details` empty (only `onEvent` sees the
   * events), so that memory does not grow with the number of events.
   * @default true
   */
  readonly keepReport?: boolean;
  /** The world of one region; other regions get an empty world. @default - an empty world for every region */
  readonly world?: World;
  /** @default - none */
  readonly faults?: readonly ReplayFault[];
  /** Account id of the empty worlds. @default 1234567890123456 */
  readonly accountId?: string;
  /**
   * A folder to leave the fake cloud's SLS logs and archive bucket in, one file per stack (ops/replay/store.ts), for
   * `npm run trace -- --store <dir>`.
   * @default - no store is written
   */
  readonly store?: string;
  /**
   * The clock the handlers run on: waits (a drain's `drainSeconds`, retry backoff) move it on instead of sleeping.
   * @default - a simulated clock starting at the real current time, shared by the whole replay
   */
  readonly clock?: SimulatedClock;
  /** Throttle services of the fake cloud at a fixed rate per second of `clock`. @default - no throttling */
  readonly throttle?: Omit<FakeThrottle, 'now'>;
}

/** The account of an empty world. */
export const DEFAULT_ACCOUNT_ID = '1234567890123456';

/**
 * Replays event files against the rules and handlers of `stacks`, with one loopback fake cloud per region.
 *
 * An event whose `aliyunregionid` is set only reaches the stacks of that region (the default bus is regional); one
 * without a region reaches every stack. Rules are matched with {@link PatternIndex}; every target of every matching
 * rule gets a delivery: FC targets run the bundled handler (see `invokeFunction`), other targets are recorded as
 * delivered (`ok`, no calls).
 */
export async function replayEvents(options: ReplayOptions): Promise<ReplayResult> {
  const clouds = new Map<string, FakeCloud>();
  const details = new Map<DeliveryReport, DeliveryDetails>();
  const events: EventReport[] = [];
  const regions = [...new Set(options.stacks.map((s) => s.region))];
  const containers = new ContainerPool();
  const clock = options.clock ?? new SimulatedClock();
  try {
    for (const region of regions) {
      const world: World =
        options.world?.region === region
          ? options.world
          : {
              region,
              accountId: options.world?.accountId ?? options.accountId ?? DEFAULT_ACCOUNT_ID,
              instances: [],
              loadBalancers: [],
              scalingGroups: [],
            };
      const throttle = options.throttle === undefined ? undefined : { ...options.throttle, now: () => clock.now() };
      const cloud = await FakeCloud.start({ world, throttle });
      for (const fault of options.faults ?? []) {
        for (let i = 0; i < fault.times; i++) {
          cloud.failNext(fault.action, { status: fault.status, code: fault.code, message: fault.message });
        }
      }
      clouds.set(region, cloud);
    }
    const entries = options.stacks.flatMap((stack) =>
      stack.rules.map((rule) => ({ id: { stack, rule }, pattern: rule.pattern })),
    );
    const index = new PatternIndex<{ stack: AssemblyStack; rule: AssemblyRule }>(entries);

    const keep = options.keepReport ?? true;
    const emit = (event: EventReport, eventDetails: ReadonlyMap<DeliveryReport, DeliveryDetails>) => {
      if (keep) {
        events.push(event);
        for (const [delivery, detail] of eventDetails) details.set(delivery, detail);
      }
      options.onEvent?.(event, eventDetails);
    };
    for (const input of options.files) {
      const {
        file,
        shown,
        error: inputError,
      } = typeof input === 'string' ? { file: input, shown: input, error: undefined } : input;
      const failed = (error: string) =>
        emit({ file: shown, eventId: null, type: null, deliveries: [], error }, new Map());
      if (inputError !== undefined) {
        failed(inputError);
        continue;
      }
      let parsed: ReturnType<typeof parseEventText>;
      try {
        parsed = parseEventText(fs.readFileSync(file, 'utf8'));
      } catch (error) {
        failed(error instanceof EventFileError ? error.message : `cannot be read: ${(error as Error).message}`);
        continue;
      }
      const { event } = parsed;
      const eventJson = JSON.stringify(event);
      const region = typeof event.aliyunregionid === 'string' ? event.aliyunregionid : undefined;
      const deliveries: DeliveryReport[] = [];
      const eventDetails = new Map<DeliveryReport, DeliveryDetails>();
      const logged = new Set<AssemblyStack>();
      // Matched on a parse of the delivered JSON: exactly what EventBridge sees.
      for (const { stack, rule } of index.match(JSON.parse(eventJson))) {
        if (region !== undefined && stack.region !== region) continue;
        const cloud = clouds.get(stack.region) as FakeCloud;
        // Every delivered event reaches the stack's events logstore once, as its SLS rule (every acs.ecs and acs.ess
        // event) would take it there.
        if (!logged.has(stack)) {
          logged.add(stack);
          logDeliveredEvent(cloud, stack, event);
        }
        for (const target of rule.targets) {
          const { report, result } = await deliver(stack, rule, target, eventJson, cloud, containers, clock);
          // The delivery's calls are in its report; the fake forgets them so that memory does not grow per event.
          cloud.clearCalls();
          deliveries.push(report);
          eventDetails.set(report, { logs: result.logs, error: result.error });
        }
      }
      emit({ file: shown, eventId: event.id, type: event.type, deliveries }, eventDetails);
    }
  } finally {
    containers.dispose();
    for (const cloud of clouds.values()) await cloud.stop();
  }
  if (options.store !== undefined) writeReplayStore(options.store, options.stacks, clouds);
  return { report: { events }, details, clouds };
}

async function deliver(
  stack: AssemblyStack,
  rule: AssemblyRule,
  target: AssemblyTarget,
  eventJson: string,
  cloud: FakeCloud,
  containers: ContainerPool,
  clock: SimulatedClock,
): Promise<{ report: DeliveryReport; result: InvocationResult }> {
  const base = { stack: stack.name, rule: rule.ruleName };
  if (target.type !== 'acs.fc.function') {
    const result: InvocationResult = { outcome: 'ok', attempts: 1, calls: [], logs: [] };
    return { report: { ...base, target: { type: target.type }, ...pick(result) }, result };
  }
  const name = `${target.serviceName}/${target.functionName}`;
  const fn = stack.functions.find(
    (f) => f.serviceName === target.serviceName && f.functionName === target.functionName,
  );
  let result: InvocationResult;
  if (fn === undefined) {
    result = {
      outcome: target.hasDeadLetterQueue ? 'dead-lettered' : 'failed',
      attempts: 1,
      calls: [],
      logs: [],
      error: `rule ${rule.ruleName} target ${target.id}: no ALIYUN::FC::Function ${name} in stack ${stack.name}`,
    };
  } else if (target.bodyForm !== undefined && target.bodyForm !== 'ORIGINAL') {
    result = {
      outcome: 'failed',
      attempts: 0,
      calls: [],
      logs: [],
      error: `rule ${rule.ruleName} target ${target.id}: Body form ${target.bodyForm} is not replayed (only ORIGINAL)`,
    };
  } else {
    result = await invokeFunction(fn, target, stack, eventJson, cloud, containers, clock);
    logHandlerLines(cloud, stack, target.functionName ?? name, result.logs);
  }
  if (result.outcome === 'dead-lettered') {
    const letter = deadLetterOf(stack, target, fn, eventJson, { ...result, accountId: cloud.world.accountId });
    if (letter !== undefined) enqueueDeadLetter(cloud, letter);
  }
  return { report: { ...base, target: { type: target.type, function: name }, ...pick(result) }, result };
}

function pick(result: InvocationResult): Pick<DeliveryReport, 'outcome' | 'attempts' | 'calls' | 'ledger'> {
  const ledger = result.logs.map(parseLedgerLine).filter((r): r is LedgerRecord => r !== undefined);
  return { outcome: result.outcome, attempts: result.attempts, calls: result.calls, ledger };
}

/** True when every event was read and every delivery ended `ok`. */
export function replaySucceeded(report: ReplayReport): boolean {
  return report.events.every((e) => e.error === undefined && e.deliveries.every((d) => d.outcome === 'ok'));
}
