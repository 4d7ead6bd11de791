/**
 * Every SLS query of the project, written once: the saved searches, the dashboard's charts and the alert rules use
 * these, and the operator tools can build the parameterised ones. Each is checked by test/observability/queries.test.ts
 * against the subset of the SLS query grammar it relies on (lib/observability/query-grammar.ts).
 *
 * Syntax: `search statement | analytic statement`; field search `key: value` needs a field index, SQL needs analytics
 * on every field it names; in SQL, string literals take single quotes and field names double quotes.
 * @see https://www.alibabacloud.com/help/en/sls/user-guide/search-syntax
 * @see https://alibabacloud.com/help/en/doc-detail/53608.html (query and analysis, "search | SQL")
 */
import { LEDGER_RECORD_FIELD, LEDGER_RECORD_VALUE } from '../../contract/ledger';
import { DLQ_DEPTH_RECORD_VALUE, eventField, logLineField } from '../../contract/observability';
import type { QueryLogstore } from './fields';

/** A named query on one logstore. */
export interface NamedQuery {
  /** Kebab-case name: the saved search, chart or alert id is derived from it. */
  readonly name: string;
  /** What it shows, in words (titles and display names). */
  readonly title: string;
  readonly logstore: QueryLogstore;
  readonly query: string;
}

/** Quotes a value for a search statement (double quotes; a double quote inside is escaped by doubling it). */
export function searchValue(value: string): string {
  return `"${value.replaceAll('"', '""')}"`;
}

const f = logLineField;
const e = eventField;
/** A field name inside SQL: double-quoted (names with dots must be). */
const col = (name: string) => `"${name}"`;

const LEDGER = `${f(LEDGER_RECORD_FIELD)}: ${LEDGER_RECORD_VALUE}`;
const DEPTH = `${f(LEDGER_RECORD_FIELD)}: ${searchValue(DLQ_DEPTH_RECORD_VALUE)}`;
const INSTANCE_OF_EVENT = `coalesce(${col(e('instanceId'))}, ${col(e('resourceId'))})`;

/** Every event about one instance (events logstore): by instance id in `data` or in the subject. */
export function instanceEventsQuery(instanceId: string): string {
  const id = searchValue(instanceId);
  return `${e('instanceId')}: ${id} or ${e('resourceId')}: ${id} or ${e('subject')}: ${id}`;
}

/** One event by its id (events logstore). */
export function eventByIdQuery(eventId: string): string {
  return `${e('eventId')}: ${searchValue(eventId)}`;
}

/** Every ledger record that names one instance (function logstore): the id matched through the full-text index. */
export function instanceActionsQuery(instanceId: string): string {
  return `${LEDGER} and ${searchValue(instanceId)}`;
}

/** Every ledger record of one event (function logstore). */
export function eventLedgerQuery(eventId: string): string {
  return `${LEDGER} and ${f('eventId')}: ${searchValue(eventId)}`;
}

/** Every skip with one reason, e.g. `restart-limit` (function logstore). */
export function skipsWithReasonQuery(reason: string): string {
  return `${LEDGER} and ${f('decision')}: skipped and ${f('reason')}: ${searchValue(reason)}`;
}

/** The saved searches: the common questions. */
export const SAVED_SEARCHES = {
  instanceTimeline: {
    name: 'instance-timeline',
    title: 'Instance timeline (add: and "i-…")',
    logstore: 'events',
    query: `${e('source')}: "acs.ecs" and ${e('subject')}: instance`,
  },
  failedActions: {
    name: 'failed-actions',
    title: 'Failed actions',
    logstore: 'functions',
    query: `${LEDGER} and ${f('decision')}: failed`,
  },
  skippedEvents: {
    name: 'skipped-events',
    title: 'Stale or skipped events (reason says which)',
    logstore: 'functions',
    query: `${LEDGER} and ${f('decision')}: skipped`,
  },
  deadLettered: {
    name: 'dead-lettered',
    title: 'Dead-letter queues holding messages',
    logstore: 'functions',
    query: `${DEPTH} and ${f('total')} > 0`,
  },
} as const satisfies Record<string, NamedQuery>;

/** The dashboard's charts. */
export const CHARTS = {
  eventsByType: {
    name: 'events-by-type',
    title: 'Events by type',
    logstore: 'events',
    query: `* | SELECT ${col(e('type'))} AS event_type, count(*) AS events GROUP BY event_type ORDER BY events DESC LIMIT 50`,
  },
  actionsByOutcome: {
    name: 'actions-by-outcome',
    title: 'Actions by outcome',
    logstore: 'functions',
    query: `${LEDGER} | SELECT date_trunc('hour', __time__) AS t, ${col(f('decision'))} AS decision, count(*) AS actions GROUP BY t, decision ORDER BY t LIMIT 1000`,
  },
  deadLetterDepth: {
    name: 'dead-letter-depth',
    title: 'Dead-letter queue depth',
    logstore: 'functions',
    query: `${DEPTH} | SELECT date_trunc('minute', __time__) AS t, ${col(f('queue'))} AS queue, max(${col(f('total'))}) AS depth GROUP BY t, queue ORDER BY t LIMIT 10000`,
  },
  systemEventsAhead: {
    name: 'system-events-ahead',
    title: 'System events ahead (notBefore)',
    logstore: 'events',
    query: `${e('eventStatus')}: Scheduled | SELECT ${col(e('eventId'))} AS event_id, ${INSTANCE_OF_EVENT} AS instance, ${col(e('type'))} AS event_type, ${col(e('notBefore'))} AS not_before WHERE from_iso8601_timestamp(${col(e('notBefore'))}) > now() ORDER BY not_before LIMIT 100`,
  },
} as const satisfies Record<string, NamedQuery>;

/** The alert rules' queries; each alert's condition names a column these return. */
export const ALERT_QUERIES = {
  actionsFailing: {
    name: 'actions-failing',
    title: 'ecs-event-ops: actions failing',
    logstore: 'functions',
    query: `${LEDGER} and ${f('decision')}: failed | SELECT count(*) AS failed`,
  },
  noEvents: {
    name: 'no-events',
    title: 'ecs-event-ops: no events for 24 h',
    logstore: 'events',
    query: '* | SELECT count(*) AS events',
  },
  deadLetters: {
    name: 'dead-letters',
    title: 'ecs-event-ops: dead-letter queue holds messages',
    logstore: 'functions',
    query: `${DEPTH} and ${f('total')} > 0 | SELECT ${col(f('queue'))} AS queue, max(${col(f('total'))}) AS depth GROUP BY queue LIMIT 100`,
  },
} as const satisfies Record<string, NamedQuery>;
