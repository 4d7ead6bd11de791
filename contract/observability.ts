/**
 * Names and fields of the SLS side of observability, written once for the three sides that must agree: the stack
 * that declares the logstores and the EventBridge rule feeding `events` (lib/), the fake SLS that replay fills
 * (ops/fake-cloud), and `npm run trace`, which queries both logstores (ops/trace).
 *
 * Dependency-free: imported by lib/ and the operator tools.
 */

/** The logstore EventBridge's SLS target (`acs.sls`) writes every `acs.ecs` / `acs.ess` event to. */
export const EVENTS_LOGSTORE = 'events';

/** The logstore Function Compute writes the handlers' log lines to, ledger records included (contract/ledger.ts). */
export const FUNCTION_LOGSTORE = 'functions';

/**
 * The SLS project of a region: `<namePrefix>-logs-<account id>-<region>` (project names are unique across Alibaba
 * Cloud, hence the account and region). Both logstores live in it.
 */
export function logProjectName(namePrefix: string, accountId: string, region: string): string {
  return `${namePrefix}-logs-${accountId}-${region}`;
}

/**
 * The fields of one log of the {@link EVENTS_LOGSTORE}: the `KeyValue` content schema of the SLS target (EventBridge
 * doc "Event target parameters", Simple Log Service: `ContentType` `KeyValue` with a `ContentSchema` of JSONPath
 * values), one field per indexed property plus the whole event as JSON in `event`.
 * @see https://www.alibabacloud.com/help/en/eventbridge/user-guide/event-target-parameters
 */
export const EVENT_LOG_FIELDS = {
  /** `$.id` */
  id: 'id',
  /** `$.source` */
  source: 'source',
  /** `$.type` */
  type: 'type',
  /** `$.subject` */
  subject: 'subject',
  /** `$.aliyunregionid` */
  region: 'region',
  /** The ECS instance the event is about (see {@link instanceIdOfEvent}). */
  instanceId: 'instanceId',
  /** `$.data.status` or `$.data.eventStatus` (system events), when present. */
  status: 'status',
  /** `$.time` */
  time: 'time',
  /** The whole CloudEvent, as JSON. */
  event: 'event',
} as const;

const INSTANCE_ID = /^i-[a-z0-9]+$/;

/**
 * The ECS instance an event is about: `data.resourceId` (instance and system events), `data.instanceId`, or the
 * last part of `subject` (`acs:ecs:<region>:<account>:instance/<id>`), whichever holds an instance id first.
 */
export function instanceIdOfEvent(event: Readonly<Record<string, unknown>>): string | undefined {
  const data =
    typeof event.data === 'object' && event.data !== null ? (event.data as Record<string, unknown>) : undefined;
  const subject = typeof event.subject === 'string' ? event.subject.split('/').pop() : undefined;
  for (const candidate of [data?.resourceId, data?.instanceId, data?.InstanceId, subject]) {
    if (typeof candidate === 'string' && INSTANCE_ID.test(candidate)) return candidate;
  }
  return undefined;
}

/** The {@link EVENT_LOG_FIELDS} of an event, as the SLS target writes them (absent values omitted). */
export function eventLogFields(event: Readonly<Record<string, unknown>>): Record<string, string> {
  const data =
    typeof event.data === 'object' && event.data !== null ? (event.data as Record<string, unknown>) : undefined;
  const fields: Record<string, string> = {};
  const set = (name: string, value: unknown) => {
    if (typeof value === 'string' && value !== '') fields[name] = value;
  };
  set(EVENT_LOG_FIELDS.id, event.id);
  set(EVENT_LOG_FIELDS.source, event.source);
  set(EVENT_LOG_FIELDS.type, event.type);
  set(EVENT_LOG_FIELDS.subject, event.subject);
  set(EVENT_LOG_FIELDS.region, event.aliyunregionid);
  set(EVENT_LOG_FIELDS.instanceId, instanceIdOfEvent(event));
  set(EVENT_LOG_FIELDS.status, data?.status ?? data?.eventStatus);
  set(EVENT_LOG_FIELDS.time, event.time);
  fields[EVENT_LOG_FIELDS.event] = JSON.stringify(event);
  return fields;
}

/**
 * The fields of a ledger log of the {@link FUNCTION_LOGSTORE}: the ledger line's own keys (contract/ledger.ts),
 * indexed as fields. UNCONFIRMED how the stack's index exposes them: this module assumes top-level fields named as
 * the record's keys (an SLS JSON index on the log line's keys); if the index nests them under the FC log's `message`
 * field, only the query builders below change.
 */
export const LEDGER_LOG_FIELDS = {
  record: 'record',
  eventId: 'eventId',
  automation: 'automation',
  decision: 'decision',
} as const;

/** A search-statement value in double quotes, as SLS wants values with special characters. */
function quoted(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/**
 * The search statement of the events of one instance: `instanceId: "i-…"`.
 * @see https://www.alibabacloud.com/help/en/sls/how-do-i-use-quotation-marks-in-query-statements
 */
export function instanceEventsQuery(instanceId: string): string {
  return `${EVENT_LOG_FIELDS.instanceId}: ${quoted(instanceId)}`;
}

/** The search statement of one event by id: `id: "…"`. */
export function eventByIdQuery(eventId: string): string {
  return `${EVENT_LOG_FIELDS.id}: ${quoted(eventId)}`;
}

/** The search statement of the ledger records of one event: `record: "ledger" and eventId: "…"`. */
export function ledgerQuery(eventId: string): string {
  return `${LEDGER_LOG_FIELDS.record}: "ledger" and ${LEDGER_LOG_FIELDS.eventId}: ${quoted(eventId)}`;
}
