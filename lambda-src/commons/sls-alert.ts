import { SLS_ALERT_SOURCES, SLS_ALERT_STATUSES, type SlsAlertStatus } from '../../contract/observability';
import { describe, show } from './describe';
import type { EventEnvelope } from './envelope';
import { MalformedEventError } from './errors';

/**
 * The event SLS alerting publishes (type `sls.alert`) when an alert rule fires or resolves, parsed and validated at
 * the edge. The event is a CloudEvent: `id`, `source` (`acs:sls`), `type`, `subject` (a link to the alert's query in
 * the SLS console), `time`, and `data` with `aliuid`, `region`, `project`, `alert_id` (the rule's id in its project),
 * `alert_name`, `alert_instance_id`, `alert_type`, `fire_time`, `alert_time`, `resolve_time` (UNIX seconds; 0 while
 * firing), `status` (`firing` | `resolved`), `severity` (2 report, 4 low, 6 medium, 8 high, 10 critical), `labels`
 * and `annotations` (string maps; `title` and `desc` are the annotations SLS sets by default).
 * @see https://help.aliyun.com/zh/sls/product-overview/events (the event format and its sample)
 * @see https://www.alibabacloud.com/help/en/sls/variables-in-new-alert-templates (meaning of each field)
 *
 * UNCONFIRMED: whether EventBridge adds `aliyunaccountid` and `aliyunregionid` to an event SLS publishes (the SLS
 * sample has neither). Either way works: the account is `aliyunaccountid`, else `data.aliuid`, and the region is
 * `aliyunregionid`, else `data.region`; when both are present they must agree.
 */
export interface SlsAlertEvent extends EventEnvelope {
  readonly kind: 'SlsAlert';
  /** `data.project`: the SLS project of the alert rule. */
  readonly project: string;
  /** `data.alert_id`: the alert rule's id, unique in its project. */
  readonly alertId: string;
  /** `data.alert_name`: the rule's display name (free text). */
  readonly alertName: string;
  readonly status: SlsAlertStatus;
  /** `data.severity`: 2, 4, 6, 8 or 10. */
  readonly severity: SlsAlertSeverity;
  /** `data.fire_time`: when this alert first fired, UNIX seconds; its resolution carries the same value. */
  readonly fireTime: number;
  /** `data.resolve_time`, UNIX seconds; undefined while firing (SLS sends 0). */
  readonly resolveTime?: number;
  /** `data.labels`: the rule's labels and the group's. */
  readonly labels: Readonly<Record<string, string>>;
  /** `data.annotations`: `title`, `desc` and the rule's own. */
  readonly annotations: Readonly<Record<string, string>>;
  /** `subject`: the link to the alert's query in the SLS console, when it is an https URL. */
  readonly queryUrl?: string;
}

/** SLS alert severities. @see https://www.alibabacloud.com/help/en/sls/variables-in-new-alert-templates */
export const SLS_ALERT_SEVERITIES = [2, 4, 6, 8, 10] as const;
/** One of {@link SLS_ALERT_SEVERITIES}. */
export type SlsAlertSeverity = (typeof SLS_ALERT_SEVERITIES)[number];

/** The most labels or annotations an alert may carry; SLS alerts carry a handful. */
const MAX_ENTRIES = 50;
/** The longest label or annotation value kept in full. */
const MAX_TEXT = 2000;
/** An SLS project name. @see https://www.alibabacloud.com/help/en/sls/manage-a-project (naming rules) */
const PROJECT = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;
/** An alert rule id: letters, digits, `-` and `_`. */
const ALERT_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;
const ACCOUNT_ID = /^\d{1,32}$/;
/** Latest plausible time, seconds: rejects milliseconds passed as seconds. */
const MAX_SECONDS = 1e11;

/**
 * Validates the `data` of an `sls.alert` envelope, field by field.
 * @throws MalformedEventError naming the field, the value received and what is allowed.
 */
export function parseSlsAlert(envelope: EventEnvelope): SlsAlertEvent {
  if (envelope.format !== 'eventbridge') {
    throw new MalformedEventError(
      'an "sls.alert" event must be an EventBridge CloudEvent (it has no Cloud Monitor form)',
    );
  }
  if (!SLS_ALERT_SOURCES.includes(envelope.source)) {
    throw new MalformedEventError(
      `field "source": "${show(envelope.source)}" is not a source of SLS alerts; expected ${SLS_ALERT_SOURCES.join(' or ')}`,
    );
  }
  const data = envelope.data;
  const project = matching(data, 'project', PROJECT, 'an SLS project name (3-63 lower-case letters, digits, "-")');
  const alertId = matching(data, 'alert_id', ALERT_ID, 'an alert rule id (letters, digits, "-", "_", at most 128)');
  const alertName = text(data, 'alert_name');
  const status = data.status;
  if (typeof status !== 'string' || !(SLS_ALERT_STATUSES as readonly string[]).includes(status)) {
    throw new MalformedEventError(
      `field "data.status": ${describe(status)} is not one of ${SLS_ALERT_STATUSES.join(', ')}`,
    );
  }
  const severity = data.severity;
  if (!(SLS_ALERT_SEVERITIES as readonly unknown[]).includes(severity)) {
    throw new MalformedEventError(
      `field "data.severity": ${describe(severity)} is not an SLS severity; expected one of the numbers ${SLS_ALERT_SEVERITIES.join(', ')}`,
    );
  }
  const fireTime = seconds(data, 'fire_time', 1);
  const resolveTime = data.resolve_time === undefined ? 0 : seconds(data, 'resolve_time', 0);
  if (status === 'resolved' && resolveTime === 0) {
    throw new MalformedEventError(
      'field "data.resolve_time" is missing or 0, but a resolved alert has its resolution time',
    );
  }
  const accountId = agreeing(
    envelope.accountId,
    'aliyunaccountid',
    data,
    'aliuid',
    ACCOUNT_ID,
    'an account id (digits)',
  );
  const region = agreeing(envelope.region, 'aliyunregionid', data, 'region', /^[a-z]{2,}(-[a-z0-9]+)+$/, 'a region id');
  const subject = envelope.raw.subject;
  return {
    ...envelope,
    accountId,
    region,
    kind: 'SlsAlert',
    project,
    alertId,
    alertName,
    status: status as SlsAlertStatus,
    severity: severity as SlsAlertSeverity,
    fireTime,
    resolveTime: resolveTime === 0 ? undefined : resolveTime,
    labels: stringMap(data, 'labels'),
    annotations: stringMap(data, 'annotations'),
    queryUrl: typeof subject === 'string' && subject.startsWith('https://') ? subject : undefined,
  };
}

function text(data: Readonly<Record<string, unknown>>, key: string): string {
  const value = data[key];
  if (value === undefined || value === null) throw new MalformedEventError(`field "data.${key}" is missing`);
  if (typeof value !== 'string' || value.trim() === '' || value.length > 256) {
    throw new MalformedEventError(
      `field "data.${key}" must be a non-empty string of at most 256 characters, got ${describe(value)}`,
    );
  }
  return value;
}

function matching(data: Readonly<Record<string, unknown>>, key: string, pattern: RegExp, expected: string): string {
  const value = text(data, key);
  if (!pattern.test(value)) throw new MalformedEventError(`field "data.${key}": ${describe(value)} is not ${expected}`);
  return value;
}

function seconds(data: Readonly<Record<string, unknown>>, key: string, min: number): number {
  const value = data[key];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > MAX_SECONDS) {
    throw new MalformedEventError(
      `field "data.${key}": ${describe(value)} is not a UNIX time in whole seconds${min === 0 ? ' (or 0)' : ''}`,
    );
  }
  return value;
}

/** The envelope's value, else the data field's; each validated, and the two must agree when both are set. */
function agreeing(
  fromEnvelope: string | undefined,
  envelopeField: string,
  data: Readonly<Record<string, unknown>>,
  key: string,
  pattern: RegExp,
  expected: string,
): string | undefined {
  const raw = data[key];
  const fromData = raw === undefined || raw === null ? undefined : matching(data, key, pattern, expected);
  if (fromEnvelope !== undefined && fromData !== undefined && fromEnvelope !== fromData) {
    throw new MalformedEventError(
      `field "data.${key}": ${describe(fromData)} contradicts "${envelopeField}" ${describe(fromEnvelope)}`,
    );
  }
  return fromEnvelope ?? fromData;
}

function stringMap(data: Readonly<Record<string, unknown>>, key: string): Record<string, string> {
  const value = data[key];
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new MalformedEventError(`field "data.${key}" must be an object of strings, got ${describe(value)}`);
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length > MAX_ENTRIES) {
    throw new MalformedEventError(
      `field "data.${key}" has ${entries.length} entries; at most ${MAX_ENTRIES} are accepted`,
    );
  }
  const out: Record<string, string> = {};
  for (const [name, entry] of entries) {
    if (typeof entry !== 'string') {
      throw new MalformedEventError(`field "data.${key}.${show(name)}" must be a string, got ${describe(entry)}`);
    }
    out[name] = entry.length > MAX_TEXT ? `${entry.slice(0, MAX_TEXT - 3)}...` : entry;
  }
  return out;
}
