/**
 * What the SLS side of "finding out what happened" shares between the stack (lib/, which declares the logstores,
 * indexes, saved searches, dashboard and alerts), the handlers (lambda-src/, which write the records) and the
 * operator tools (trace, which reads them back). Written once here; dependency-free.
 */

import { LEDGER_RECORD_FIELD } from './ledger';

/** The logstore of the event store, in the function logs' SLS project. */
export const EVENTS_LOGSTORE = 'events';

/**
 * The field that holds the whole CloudEvent in the events logstore. The EventBridge SLS target with
 * `ContentType: JSON` writes one log whose single field `content` is the event content chosen by `Body`
 * (`ORIGINAL`: the whole event).
 * @see https://www.alibabacloud.com/help/en/eventbridge/user-guide/event-target-parameters (Simple Log Service)
 */
export const EVENT_CONTENT_FIELD = 'content';

/**
 * The field that holds a handler's log line in the function logstore. Function Compute writes each line a function
 * prints to stdout as one log whose `message` is the line.
 * @see https://www.alibabacloud.com/help/doc-detail/171396.htm (fields of Function Compute execution logs)
 */
export const FUNCTION_LOG_MESSAGE_FIELD = 'message';

/**
 * The CloudEvent fields indexed in the events logstore (JSON keys under {@link EVENT_CONTENT_FIELD}), by meaning.
 * The instance id sits in `data.instanceId` (system events) or `data.resourceId` (state changes), so both are indexed.
 */
export const EVENT_INDEX_KEYS = {
  eventId: 'id',
  source: 'source',
  type: 'type',
  subject: 'subject',
  time: 'time',
  region: 'aliyunregionid',
  instanceId: 'data.instanceId',
  resourceId: 'data.resourceId',
  eventStatus: 'data.eventStatus',
  notBefore: 'data.notBefore',
} as const;

/** The searchable name of an indexed event field: `content.<json key>`. */
export function eventField(key: keyof typeof EVENT_INDEX_KEYS): string {
  return `${EVENT_CONTENT_FIELD}.${EVENT_INDEX_KEYS[key]}`;
}

/** The searchable name of a JSON key of a function log line: `message.<key>`. */
export function logLineField(key: string): string {
  return `${FUNCTION_LOG_MESSAGE_FIELD}.${key}`;
}

/** The value of `record` on a dead-letter queue depth line written by dlq-check. */
export const DLQ_DEPTH_RECORD_VALUE = 'dlq-depth';

/** The depth of one dead-letter queue at one check. */
export interface DlqDepthRecord {
  readonly queue: string;
  readonly active: number;
  readonly inactive: number;
  readonly delayed: number;
  /** active + inactive + delayed. */
  readonly total: number;
}

/** The JSON keys of a depth line, besides `record` (the SLS index declares each). */
export const DLQ_DEPTH_KEYS: readonly (keyof DlqDepthRecord)[] = ['queue', 'active', 'inactive', 'delayed', 'total'];

/** The log line of a depth record: `{"record":"dlq-depth","queue":…,"active":…,"inactive":…,"delayed":…,"total":…}`. */
export function formatDlqDepthLine(record: DlqDepthRecord): string {
  return JSON.stringify({
    [LEDGER_RECORD_FIELD]: DLQ_DEPTH_RECORD_VALUE,
    queue: record.queue,
    active: record.active,
    inactive: record.inactive,
    delayed: record.delayed,
    total: record.total,
  });
}

/**
 * The `type` of the event SLS alerting publishes. The SLS event format (CloudEvents) gives `type: "sls.alert"` and
 * `source: "acs:sls"`, with `data.alert_id`, `alert_name`, `status` (`firing` | `resolved`), `severity`, `labels`,
 * `annotations`.
 * @see https://help.aliyun.com/zh/sls/product-overview/events
 */
export const SLS_ALERT_TYPE = 'sls.alert';

/**
 * The `source` values an SLS alert may carry on the bus. UNCONFIRMED: the SLS event format shows `acs:sls`; services
 * on the EventBridge default bus use `acs.<service>`. Both are accepted (the rule and notify), so either answer works.
 */
export const SLS_ALERT_SOURCES: readonly string[] = ['acs.sls', 'acs:sls'];

/**
 * `data.status` of an SLS alert event: `firing` when the rule's condition holds, `resolved` when it no longer does
 * (sent only by rules with `sendResolved`).
 * @see https://www.alibabacloud.com/help/en/sls/variables-in-new-alert-templates
 */
export const SLS_ALERT_STATUSES = ['firing', 'resolved'] as const;
/** One of {@link SLS_ALERT_STATUSES}. */
export type SlsAlertStatus = (typeof SLS_ALERT_STATUSES)[number];

/** The label every alert of this project carries, so that notify can tell them from other SLS alerts. */
export const SLS_ALERT_LABEL = { key: 'app', value: 'ecs-event-ops' } as const;

/** The logstore Function Compute writes the handlers' log lines to, ledger records included (contract/ledger.ts). */
export const FUNCTION_LOGSTORE = 'functions';

/**
 * The SLS project of a region: `<namePrefix>-logs-<account id>-<region>` (project names are unique across Alibaba
 * Cloud, hence the account and region). Both logstores live in it.
 */
export function logProjectName(namePrefix: string, accountId: string, region: string): string {
  return `${namePrefix}-logs-${accountId}-${region}`;
}

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
