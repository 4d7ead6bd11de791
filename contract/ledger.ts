/**
 * The action ledger: one record per handler invocation, saying what the automation decided and which cloud calls it
 * made (or, in a dry run, would have made). Handlers write it as one JSON log line (FC ships stdout to the function's
 * SLS logstore, where it is indexed field by field); replay and trace read the same lines.
 *
 * Written once here because three sides must agree on it: the handlers that write it, the SLS index declared by the
 * stack, and the operator tools (replay, trace) that read it back.
 */

/** What an invocation decided. */
export type LedgerDecision = 'acted' | 'skipped' | 'dry-run' | 'failed';

/** Every decision, in a stable order (for indexes and reports). */
export const LEDGER_DECISIONS: readonly LedgerDecision[] = ['acted', 'skipped', 'dry-run', 'failed'];

/**
 * How one cloud call ended: `ok`, `dry-run` (a mutating call not made because the automation runs dry),
 * or the API error code (or error name) it failed with.
 */
export type LedgerCallResult = 'ok' | 'dry-run' | (string & {});

/** One cloud call of an invocation. Only mutating calls are listed; reads are not actions. */
export interface LedgerCall {
  /** The API action, e.g. `StartInstance`, `SetBackendServers`, `UpdateServerGroupServersAttribute`. */
  readonly api: string;
  /** What it acted on, e.g. an instance id, `<load balancer id>/<server group id>`. */
  readonly target: string;
  readonly result: LedgerCallResult;
}

/** The ledger record of one invocation. */
export interface LedgerRecord {
  /** The event id (`id` of the CloudEvent); `-` when the payload could not be parsed. */
  readonly eventId: string;
  /** The automation (handler) name, e.g. `auto-restart`. */
  readonly automation: string;
  readonly decision: LedgerDecision;
  /** Why, in a stable kebab-case word (`stale`, `circuit-open`, `not-opted-in`, `restart-limit`, ...) or `done`. */
  readonly reason: string;
  readonly calls: readonly LedgerCall[];
  readonly durationMs: number;
  /** True when the automation ran with `dryRun` on: `calls` lists what it would have done. */
  readonly dryRun: boolean;
  /**
   * Set when a redrive raised the age limit for this event on purpose (`npm run redrive -- --max-age-hours <n>`):
   * the limit in hours it ran under. Absent otherwise.
   */
  readonly ageOverrideHours?: number;
}

/**
 * The field that marks a log line as a ledger record: `{"record":"ledger", ...LedgerRecord}`. Invocation log lines
 * do not carry it, so an SLS query `record: ledger` selects exactly the ledger.
 */
export const LEDGER_RECORD_FIELD = 'record';
/** The value of {@link LEDGER_RECORD_FIELD} on a ledger line. */
export const LEDGER_RECORD_VALUE = 'ledger';

/** The log line of a ledger record (one line of JSON, keys in a stable order). */
export function formatLedgerLine(record: LedgerRecord): string {
  return JSON.stringify({
    [LEDGER_RECORD_FIELD]: LEDGER_RECORD_VALUE,
    eventId: record.eventId,
    automation: record.automation,
    decision: record.decision,
    reason: record.reason,
    calls: record.calls.map((call) => ({ api: call.api, target: call.target, result: call.result })),
    durationMs: record.durationMs,
    dryRun: record.dryRun,
    ...(record.ageOverrideHours === undefined ? {} : { ageOverrideHours: record.ageOverrideHours }),
  });
}

/** Reads a ledger record back from a log line; undefined when the line is not one (or is malformed). */
export function parseLedgerLine(line: string): LedgerRecord | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const fields = value as Record<string, unknown>;
  if (fields[LEDGER_RECORD_FIELD] !== LEDGER_RECORD_VALUE) return undefined;
  const { eventId, automation, decision, reason, calls, durationMs, dryRun, ageOverrideHours } = fields;
  if (typeof eventId !== 'string' || typeof automation !== 'string' || typeof reason !== 'string') return undefined;
  if (!LEDGER_DECISIONS.includes(decision as LedgerDecision)) return undefined;
  if (typeof durationMs !== 'number' || typeof dryRun !== 'boolean' || !Array.isArray(calls)) return undefined;
  const parsed: LedgerCall[] = [];
  for (const call of calls) {
    if (typeof call !== 'object' || call === null) return undefined;
    const { api, target, result } = call as Record<string, unknown>;
    if (typeof api !== 'string' || typeof target !== 'string' || typeof result !== 'string') return undefined;
    parsed.push({ api, target, result });
  }
  const record = {
    eventId,
    automation,
    decision: decision as LedgerDecision,
    reason,
    calls: parsed,
    durationMs,
    dryRun,
  };
  return typeof ageOverrideHours === 'number' ? { ...record, ageOverrideHours } : record;
}
