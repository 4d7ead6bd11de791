import { ALERTS_FOLDER, statePrefix } from '../contract/archive';
import { NOTIFY_ENV } from '../contract/env/notify';
import { zoneParts } from '../contract/event-time';
import { ECS_SOURCE, ESS_SOURCE } from '../contract/events';
import { SLS_ALERT_LABEL, SLS_ALERT_SOURCES } from '../contract/observability';
import { archiveKey, putArchive } from './commons/archive';
import {
  type Channel,
  type ChannelConfig,
  type ChannelMessage,
  channelsFor,
  deliver,
  loadChannelConfig,
} from './commons/channels';
import { type CommonConfig, type Env, loadCommonConfig } from './commons/config';
import type { HandlerResult, JsonValue } from './commons/context';
import { type EcsApi, instanceReaderFor } from './commons/ecs-api';
import type {
  DiskNoticeEvent,
  InstanceNoticeEvent,
  InstanceStateChangeEvent,
  OtherEvent,
  PreemptibleInstanceInterruptionEvent,
  ScalingActivityEvent,
  SlsAlertEvent,
  SnapshotCompletedEvent,
  SystemEventEvent,
} from './commons/envelope';
import { ConfigurationError, HandlerError, PermanentError } from './commons/errors';
import { type BaseDeps, createFcHandler, type HandlerSpec } from './commons/handler';
import { eventDigest } from './commons/idempotency';
import { retryScope } from './commons/retry';
import { markdownText } from './commons/text';
import { type AlertPolicy, activeMute, channelWants, loadAlertPolicy } from './notify/alert-policy';
import {
  claimAlert,
  closeWindow,
  joinGroup,
  openThread,
  readThread,
  stateDigest,
  windowDeliveryPrefix,
} from './notify/alert-state';

/**
 * notify: alerts for ECS system events (every `SystemMaintenance.*`, `SystemFailure.*`, `InstanceFailure.*`, in all
 * three type forms), live migrations, burstable-instance notices, local-disk errors, stalled disks and failed
 * snapshots (`ecs:Snapshot:CreateSnapshotCompleted` with `data.result` = `failed`; a successful snapshot is skipped).
 *
 * Each alert carries the instance id and name (`DescribeInstances`; when that lookup fails the alert goes out
 * without the name and the log line says why), region, type, status, `notBefore` in UTC and in `NOTIFY_ENV.timeZone`,
 * a severity and a recommended action, and is:
 * 1. archived to `archive/alerts/region=<region>/date=<UTC date>/<eventId>.json` (every alert, first);
 * 2. sent to each configured channel: a DingTalk custom robot (webhook URL, signed with the robot's secret) and/or
 *    a generic webhook (URL, optional token sent as a Bearer token), whose URLs and secrets are read from the secret
 *    store named in the environment (see commons/channels.ts); with no channel, the alert is only
 *    written in the structured log line.
 * Delivery is tracked per channel (`state/notify/<sha256(source \n id)>/<channel>.json`): when one channel fails,
 * the retry does not repeat the channels that already succeeded; the idempotency marker follows only when every
 * channel succeeded.
 *
 * Severity (see {@link severityOf}):
 * | Event | critical | warning | info |
 * | --- | --- | --- | --- |
 * | `SystemFailure.*`, `InstanceFailure.*` | any other status | | Avoided, Canceled |
 * | `SystemMaintenance.` Reboot, Redeploy, Stop, IsolateErrorDisk, ReInitErrorDisk, RebootAnd… | Scheduled, Inquiring, Executing, Failed | | Executed, Avoided, Canceled |
 * | `SystemMaintenance.CleanReleasedDisks` | Failed | | other statuses |
 * | `SystemMaintenance.<new action>` | Failed | Scheduled, Inquiring, Executing | Executed, Avoided, Canceled |
 * | `Disk:ErrorDetected` (local disk damaged) | always | | |
 * | `Disk:Stalled` | | always | |
 * | `Instance:BurstablePerformanceRestricted` | | always | |
 * | `Instance:LiveMigrationAcrossDDH` | | status `failed` | other statuses |
 * | `Instance:PerformanceModeChange` | | | always |
 * | `Snapshot:CreateSnapshotCompleted`, result `failed` | always (a backup is missing) | | |
 * | any other event (sent by a rule declared in the configuration, `rules`) | | always | |
 * | `sls.alert` (an SLS alert of this project, commons/sls-alert.ts), firing | SLS severity 8, 10 | 4, 6 | 2 |
 * | `sls.alert`, resolved | | | always |
 * A platform failure stays critical when Executed: the instance was restarted, redeployed or stopped unplanned,
 * and the application needs a look.
 *
 * An SLS alert (routed SLS -> EventBridge -> notify by the rule `<namePrefix>-sls-alerts`) is one alert per incident
 * and status: its identity is the rule (`data.project`, `data.alert_id`), its first firing (`data.fire_time`) and its
 * labels, so SLS's repeated notifications of a firing alert are `already-alerted` and its resolution is an update of
 * the first alert. It names the alert, its status, severity and annotations (the query result summary). Only alerts
 * with the label `app=ecs-event-ops` are taken.
 *
 * Any other catalogue event (a rule declared in the configuration may send one) gets a generic alert: its source,
 * type, subject, the resource ids it names, its time and its top-level `data` fields, every value escaped.
 */

/** Alert severity. */
export type Severity = 'critical' | 'warning' | 'info';

/** An alert, as archived, logged and posted to the generic webhook. */
export interface Alert {
  readonly eventId: string;
  readonly source: string;
  readonly type: string;
  readonly region: string;
  readonly severity: Severity;
  readonly title: string;
  /** The event's own time, ISO 8601 UTC, when known. */
  readonly time: string | null;
  readonly instanceId: string | null;
  readonly instanceName: string | null;
  readonly diskId: string | null;
  readonly snapshotId: string | null;
  /** System event type (`SystemMaintenance.Reboot`) or the notice name (`Disk:Stalled`). */
  readonly event: string;
  /** System event status, live-migration status, or snapshot result. */
  readonly status: string | null;
  readonly notBefore: { readonly utc: string; readonly local: string; readonly timeZone: string } | null;
  readonly recommendedAction: string;
  /** The envelope's `subject` (generic alerts only; null otherwise or when absent). */
  readonly subject: string | null;
  /** Resource ids found in the top-level `data` fields, in field order (generic alerts only). */
  readonly resourceIds: readonly string[];
  /** The top-level `data` fields, each rendered as text and shortened (generic alerts only; null otherwise). */
  readonly fields: Readonly<Record<string, string>> | null;
  /**
   * The correlation key of every alert about the same underlying event (a system event's `e-…` id, else the event
   * id), whatever its status: a receiver threads alerts by it. See {@link alertIdentity}.
   */
  readonly threadKey: string;
  /** When an earlier status of the same underlying event was alerted: that first alert. */
  readonly updateOf: { readonly title: string; readonly status: string | null; readonly sentAt: string } | null;
  /** What an SLS alert says (SLS alerts only; null otherwise). */
  readonly sls: SlsAlertDetails | null;
}

/** The SLS side of an alert routed SLS -> EventBridge -> notify (commons/sls-alert.ts). */
export interface SlsAlertDetails {
  readonly project: string;
  readonly alertId: string;
  readonly alertName: string;
  /** SLS severity: 2 report, 4 low, 6 medium, 8 high, 10 critical. */
  readonly slsSeverity: number;
  /** ISO 8601 UTC. */
  readonly firedAt: string;
  /** ISO 8601 UTC; null while firing. */
  readonly resolvedAt: string | null;
  readonly labels: Readonly<Record<string, string>>;
  /** The query result summary: `title`, `desc` and the rule's own annotations. */
  readonly annotations: Readonly<Record<string, string>>;
  /** The link to the alert's query in the SLS console, when the event carried one. */
  readonly queryUrl: string | null;
}

/** The events this function alerts on. */
export type AlertEvent = SpecificEvent | GenericEvent;

/** The events with their own alert. */
type SpecificEvent = SystemEventEvent | InstanceNoticeEvent | DiskNoticeEvent | SnapshotCompletedEvent | SlsAlertEvent;

/** Events alerted generically: they reach notify only through a rule declared in the configuration. */
export type GenericEvent =
  | InstanceStateChangeEvent
  | PreemptibleInstanceInterruptionEvent
  | ScalingActivityEvent
  | OtherEvent;

const SPECIFIC_KINDS: readonly string[] = [
  'SystemEvent',
  'InstanceNotice',
  'DiskNotice',
  'SnapshotCompleted',
  'SlsAlert',
];

function isGeneric(event: AlertEvent): event is GenericEvent {
  return !SPECIFIC_KINDS.includes(event.kind);
}

/** The most `data` fields a generic alert lists, and the longest value it shows: alerts stay readable. */
const MAX_FIELDS = 20;
const MAX_FIELD_LENGTH = 200;

/** A resource id: a known prefix of an Alibaba Cloud resource, then lowercase letters and digits. */
const RESOURCE_ID = /^(i|d|s|sp|asg|asa|rsp|lb|eni|sg|vsw|vpc|m|img)-[a-z0-9]{4,62}$/;

/** The top-level `data` fields as text, at most {@link MAX_FIELDS}, each value shortened. */
function fieldsOf(data: Readonly<Record<string, unknown>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(data).slice(0, MAX_FIELDS)) {
    const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
    out[key] = text.length > MAX_FIELD_LENGTH ? `${text.slice(0, MAX_FIELD_LENGTH - 3)}...` : text;
  }
  return out;
}

/** Resource ids among the top-level `data` values (strings, or lists of strings), once each. */
function resourceIdsOf(data: Readonly<Record<string, unknown>>): string[] {
  const ids = Object.values(data).flatMap((v) => (Array.isArray(v) ? v : [v]));
  return [...new Set(ids.filter((v): v is string => typeof v === 'string' && RESOURCE_ID.test(v)))];
}

/** Settings of this function. */
export interface NotifyConfig extends CommonConfig, ChannelConfig {
  /** `NOTIFY_ENV.timeZone`, an IANA zone. @default UTC */
  readonly timeZone: string;
  /** Grouping, per-channel event types, mute windows. @default OPEN_POLICY (unset variables) */
  readonly policy: AlertPolicy;
}

/** Dependencies of {@link handle}. */
export interface NotifyDeps extends BaseDeps {
  readonly ecs: Pick<EcsApi, 'describeInstance'>;
  readonly channels: readonly Channel[];
  readonly timeZone: string;
  readonly policy: AlertPolicy;
}

/** Reads the environment of this function. */
export function loadConfig(env: Env): NotifyConfig {
  const configured = env[NOTIFY_ENV.timeZone];
  const timeZone = configured === undefined || configured === '' ? 'UTC' : configured;
  // zoneParts answers UTC without Intl, so the default zone costs no ICU load at container start.
  if (zoneParts(timeZone, 0) === undefined) {
    throw new ConfigurationError(
      `environment variable "${NOTIFY_ENV.timeZone}": "${timeZone}" is not an IANA time zone; expected e.g. Asia/Shanghai`,
    );
  }
  return { ...loadCommonConfig(env), ...loadChannelConfig(env), timeZone, policy: loadAlertPolicy(env) };
}

const DISRUPTIVE_MAINTENANCE = new Set([
  'Reboot',
  'Redeploy',
  'Stop',
  'IsolateErrorDisk',
  'ReInitErrorDisk',
  'RebootAndIsolateErrorDisk',
  'RebootAndReInitErrorDisk',
]);

/** The severity of an alert event (table in the module comment). */
export function severityOf(event: AlertEvent): Severity {
  if (isGeneric(event)) return 'warning';
  switch (event.kind) {
    case 'SystemEvent': {
      const status = event.eventStatus;
      if (status === 'Avoided' || status === 'Canceled') return 'info';
      if (event.category !== 'SystemMaintenance' || status === 'Failed') return 'critical';
      if (status === 'Executed') return 'info';
      const action = event.eventType.slice(event.eventType.indexOf('.') + 1);
      if (DISRUPTIVE_MAINTENANCE.has(action)) return 'critical';
      return action === 'CleanReleasedDisks' ? 'info' : 'warning';
    }
    case 'InstanceNotice':
      if (event.notice === 'BurstablePerformanceRestricted') return 'warning';
      if (event.notice === 'LiveMigrationAcrossDDH' && event.status === 'failed') return 'warning';
      return 'info';
    case 'DiskNotice':
      return event.notice === 'ErrorDetected' ? 'critical' : 'warning';
    case 'SnapshotCompleted':
      return 'critical';
    case 'SlsAlert':
      return slsSeverityOf(event);
  }
}

/**
 * An SLS alert's severity: 10 (critical) and 8 (high) are critical, 6 (medium) and 4 (low) warnings, 2 (report)
 * info; a resolved alert is info whatever its severity.
 * @see https://www.alibabacloud.com/help/en/sls/variables-in-new-alert-templates (`severity`)
 */
function slsSeverityOf(event: SlsAlertEvent): Severity {
  if (event.status === 'resolved' || event.severity <= 2) return 'info';
  return event.severity >= 8 ? 'critical' : 'warning';
}

/** What an operator should do, in one sentence. `notBefore` is the formatted time, or undefined. */
export function recommendedActionOf(event: AlertEvent, notBefore: string | undefined): string {
  const before = notBefore === undefined ? 'the scheduled time' : notBefore;
  if (isGeneric(event)) {
    return 'a rule declared in the configuration sends this event: check the resources and the data below';
  }
  switch (event.kind) {
    case 'SystemEvent':
      return systemEventAction(event, before);
    case 'InstanceNotice':
      if (event.notice === 'BurstablePerformanceRestricted') {
        return 'CPU credits are exhausted and the instance is limited to its baseline: switch it to unlimited mode or to a larger type if the workload needs more';
      }
      if (event.notice === 'LiveMigrationAcrossDDH') {
        return event.status === 'failed'
          ? 'the live migration between dedicated hosts failed: check the instance and the application'
          : 'no action needed: the instance is live-migrated between dedicated hosts';
      }
      return `no action needed; if the change of the performance mode (now ${String(event.data.creditSpecification ?? 'unknown')}) was not yours, check the account's credits and payments`;
    case 'DiskNotice':
      return event.notice === 'ErrorDetected'
        ? `back up the data of local disk ${event.diskId} now and plan its isolation or re-initialization (expect a system maintenance event)`
        : `check the I/O load of disk ${event.diskId} and the application; consider a disk category with more performance`;
    case 'SnapshotCompleted':
      return `check the disk ${event.diskId} and retry CreateSnapshot`;
    case 'SlsAlert':
      return event.status === 'resolved'
        ? 'no action needed: the condition of the alert no longer holds'
        : `run the alert's query in SLS project ${event.project} (or the saved searches of "Finding out what happened"), then follow the event with npm run trace`;
  }
}

function systemEventAction(event: SystemEventEvent, before: string): string {
  const action = event.eventType.slice(event.eventType.indexOf('.') + 1);
  const status = event.eventStatus;
  if (event.category !== 'SystemMaintenance') {
    if (status === 'Avoided' || status === 'Canceled') return `no action needed: the event was ${status.toLowerCase()}`;
    if (action === 'Delete')
      return 'the instance failed to be created and is released by the platform: create it again';
    if (action === 'Stop') return 'check the application; the instance was stopped by the platform: start it again';
    const what = action === 'Redeploy' ? 'redeployed' : 'restarted';
    return `check the application; the instance was ${what} by the platform`;
  }
  switch (status) {
    case 'Avoided':
    case 'Canceled':
      return `no action needed: the maintenance was ${status.toLowerCase()}`;
    case 'Executed':
      return 'check that the application came back after the maintenance';
    case 'Failed':
      return 'the maintenance failed: check the instance and open a ticket with Alibaba Cloud if it is impaired';
    case 'Inquiring':
      return `authorize or reschedule the maintenance in the ECS console (Events) before ${before}`;
    case 'Executing':
      return 'the maintenance is running: check the application when it completes';
    default:
      break;
  }
  switch (action) {
    case 'Reboot':
      return `reboot the instance before ${before} to avoid the maintenance reboot`;
    case 'RebootAndIsolateErrorDisk':
    case 'RebootAndReInitErrorDisk':
      return `back up the data of the faulty local disk, then reboot the instance before ${before} to avoid the maintenance reboot`;
    case 'Redeploy':
      return `stop and start the instance in your own window before ${before} to avoid the maintenance redeployment (data on local disks is lost)`;
    case 'Stop':
      return `plan for the instance being stopped at ${before}, and start it again afterwards`;
    case 'IsolateErrorDisk':
    case 'ReInitErrorDisk':
      return `back up the data of the faulty local disk before ${before}`;
    case 'CleanReleasedDisks':
      return 'no action needed: released disks are cleaned up';
    default:
      return `read the event in the ECS console (Events) and act before ${before}`;
  }
}

/** `yyyy-mm-dd hh:mm:ss` of an instant in a time zone (checked when the configuration is read). */
export function formatInZone(ms: number, timeZone: string): string {
  const parts = zoneParts(timeZone, ms);
  if (parts === undefined) throw new ConfigurationError(`unknown time zone "${timeZone}"`);
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}`;
}

function eventName(event: AlertEvent): string {
  // `ess:ScalingActivity:ScaleOutError` -> `ScalingActivity:ScaleOutError`: the source is in the alert already.
  if (isGeneric(event)) return event.type.slice(event.type.indexOf(':') + 1);
  switch (event.kind) {
    case 'SystemEvent':
      return event.eventType;
    case 'InstanceNotice':
      return `Instance:${event.notice}`;
    case 'DiskNotice':
      return `Disk:${event.notice}`;
    case 'SnapshotCompleted':
      return 'Snapshot:CreateSnapshotCompleted';
    case 'SlsAlert':
      // The rule's id, not its display name: stable, and what a channel's include/exclude list names.
      return event.alertId;
  }
}

function statusOf(event: AlertEvent): string | null {
  if (event.kind === 'InstanceStateChange') return event.state;
  if (isGeneric(event)) return null;
  switch (event.kind) {
    case 'SystemEvent':
      return event.eventStatus;
    case 'InstanceNotice':
      return event.status ?? null;
    case 'DiskNotice':
      return null;
    case 'SnapshotCompleted':
      return event.result;
    case 'SlsAlert':
      return event.status;
  }
}

/** Builds the alert of an event. */
export function buildAlert(
  event: AlertEvent,
  options: { region: string; timeZone: string; instanceName?: string; updateOf?: Alert['updateOf'] },
): Alert {
  const notBeforeMs = event.kind === 'SystemEvent' ? event.notBeforeMs : undefined;
  const notBefore =
    notBeforeMs === undefined
      ? null
      : {
          utc: new Date(notBeforeMs).toISOString(),
          local: formatInZone(notBeforeMs, options.timeZone),
          timeZone: options.timeZone,
        };
  const notBeforeText =
    notBefore === null
      ? undefined
      : `${formatInZone(notBeforeMs ?? 0, 'UTC')} UTC (${notBefore.local} ${notBefore.timeZone})`;
  const severity = severityOf(event);
  const instanceId = 'instanceId' in event && event.instanceId !== undefined ? event.instanceId : null;
  const generic = isGeneric(event);
  const subject = generic && typeof event.raw.subject === 'string' ? event.raw.subject : null;
  const name = eventName(event);
  const status = statusOf(event);
  const diskId = event.kind === 'DiskNotice' || event.kind === 'SnapshotCompleted' ? event.diskId : null;
  const parts = { severity, event: name, status, instanceId, diskId, region: options.region };
  return {
    eventId: event.id,
    source: event.source,
    type: event.type,
    region: options.region,
    severity,
    title: alertTitle(parts, (value) => value),
    time: event.timeMs === undefined ? null : new Date(event.timeMs).toISOString(),
    instanceId,
    instanceName: options.instanceName ?? null,
    diskId,
    snapshotId: event.kind === 'SnapshotCompleted' ? event.snapshotId : null,
    event: name,
    status,
    notBefore,
    recommendedAction: recommendedActionOf(event, notBeforeText),
    subject,
    resourceIds: generic ? resourceIdsOf(event.data) : [],
    fields: generic ? fieldsOf(event.data) : null,
    threadKey: alertIdentity(event, options.region),
    updateOf: options.updateOf ?? null,
    sls: event.kind === 'SlsAlert' ? slsDetailsOf(event) : null,
  };
}

function slsDetailsOf(event: SlsAlertEvent): SlsAlertDetails {
  return {
    project: event.project,
    alertId: event.alertId,
    alertName: event.alertName,
    slsSeverity: event.severity,
    firedAt: new Date(event.fireTime * 1000).toISOString(),
    resolvedAt: event.resolveTime === undefined ? null : new Date(event.resolveTime * 1000).toISOString(),
    labels: event.labels,
    annotations: event.annotations,
    queryUrl: event.queryUrl ?? null,
  };
}

/** A stable text of a string map, for identities. */
function mapKey(map: Readonly<Record<string, string>>): string {
  return JSON.stringify(
    Object.keys(map)
      .sort()
      .map((key) => [key, map[key]]),
  );
}

/**
 * The identity of what an alert is about, whatever its status: `sha256(region \n system-event \n <e-… id>)` for a
 * system event that carries its id (so its three EventBridge forms, its Cloud Monitor twin and its later statuses
 * share it), `sha256(region \n event \n <source> \n <event id>)` otherwise. Dedupe is per identity and status,
 * threads are per identity.
 */
export function alertIdentity(event: AlertEvent, region: string): string {
  if (event.kind === 'SlsAlert') {
    // One incident of one alert: its rule, its first firing (its resolution carries the same fire_time, and SLS's
    // repeated notifications of a still-firing alert too) and its labels (a rule that groups fires one alert per group).
    return stateDigest(region, 'sls-alert', event.project, event.alertId, String(event.fireTime), mapKey(event.labels));
  }
  return event.kind === 'SystemEvent' && event.systemEventId !== undefined
    ? stateDigest(region, 'system-event', event.systemEventId)
    : stateDigest(region, 'event', event.source, event.id);
}

/** What an alert title is made of. */
type TitleParts = Pick<Alert, 'severity' | 'event' | 'status' | 'instanceId' | 'diskId' | 'region'>;

/**
 * `[SEVERITY] <event>[ <status>][ on <instance or disk>] (<region>)`, each value passed through `show`: the identity
 * for the alert's `title` (plain data), {@link markdownText} for the DingTalk heading.
 */
export function alertTitle(parts: TitleParts, show: (value: string) => string): string {
  const subject = parts.instanceId ?? parts.diskId;
  return `[${parts.severity.toUpperCase()}] ${show(parts.event)}${parts.status === null ? '' : ` ${show(parts.status)}`}${subject === null ? '' : ` on ${show(subject)}`} (${show(parts.region)})`;
}

/**
 * The DingTalk markdown text of an alert. Every value from the event or the cloud goes through
 * {@link markdownText} (the recommended action too: it quotes event fields), so a hostile instance name cannot
 * add links, images, headings or mentions.
 */
export function markdownOf(alert: Alert): string {
  const md = markdownText;
  const lines = [`### ${alertTitle(alert, md)}`, ''];
  const item = (label: string, value: string | null) => {
    if (value !== null) lines.push(`- **${label}**: ${value}`);
  };
  item(
    'Instance',
    alert.instanceId === null
      ? null
      : `${md(alert.instanceId)}${alert.instanceName === null ? '' : ` (${md(alert.instanceName)})`}`,
  );
  item('Disk', alert.diskId === null ? null : md(alert.diskId));
  item('Snapshot', alert.snapshotId === null ? null : md(alert.snapshotId));
  item('Region', md(alert.region));
  item('Event', `${md(alert.type)}${alert.status === null ? '' : ` (${md(alert.status)})`}`);
  item(
    'Not before',
    alert.notBefore === null
      ? null
      : `${md(alert.notBefore.utc)} UTC / ${md(alert.notBefore.local)} ${md(alert.notBefore.timeZone)}`,
  );
  item('Source', alert.fields === null ? null : md(alert.source));
  item('Subject', alert.subject === null ? null : md(alert.subject));
  item('Resources', alert.resourceIds.length === 0 ? null : alert.resourceIds.map(md).join(', '));
  item('Time', alert.fields === null || alert.time === null ? null : md(alert.time));
  for (const [key, value] of Object.entries(alert.fields ?? {})) item(`data.${md(key)}`, md(value));
  if (alert.sls !== null) {
    item('Alert', `${md(alert.sls.alertName)} (${md(alert.sls.alertId)}, project ${md(alert.sls.project)})`);
    item('Fired at', md(alert.sls.firedAt));
    item('Resolved at', alert.sls.resolvedAt === null ? null : md(alert.sls.resolvedAt));
    for (const [key, value] of Object.entries(alert.sls.annotations)) item(md(key), md(value));
  }
  item('Severity', alert.severity);
  item('Action', md(alert.recommendedAction));
  item('Event id', md(alert.eventId));
  item('Update of', updateText(alert, md));
  return lines.join('\n');
}

/** `<first title> (sent <time>)` of an update, each value through `show`; null for a first alert. */
function updateText(alert: Alert, show: (value: string) => string): string | null {
  return alert.updateOf === null ? null : `${show(alert.updateOf.title)} (sent ${show(alert.updateOf.sentAt)})`;
}

/**
 * The message of one alert. A DingTalk custom robot can only post a new message to its group (it has no reply or
 * thread parameter), so an update says so in its title and names the first alert; the webhook gets the alert JSON,
 * whose `threadKey` and `updateOf` let the receiver thread it.
 * @see https://open.dingtalk.com/document/orgapp/custom-robots-send-group-messages (message types and fields)
 */
export function alertMessage(alert: Alert): ChannelMessage {
  const title = alert.updateOf === null ? alert.title : `Update: ${alert.title}`;
  return { title, markdown: markdownOf(alert), json: alert as unknown as JsonValue };
}

/** The most resources a grouped DingTalk message lists; the webhook JSON carries every alert. */
const MAX_GROUP_LINES = 50;

const SEVERITY_RANK: Readonly<Record<Severity, number>> = { critical: 0, warning: 1, info: 2 };

/**
 * The one message of a grouping window (two or more alerts of the same event type, status and `notBefore` day):
 * `[SEVERITY] <event>[ <status>] on <n> instances (<region>)`, with one line per resource (its `notBefore` when
 * set), and, for the webhook, `{ grouped: true, count, ..., alerts: [every alert] }`.
 */
export function groupMessage(alerts: readonly Alert[]): ChannelMessage {
  const md = markdownText;
  const first = alerts[0];
  const severity = [...alerts].sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity])[0].severity;
  const what = alerts.every((a) => a.instanceId !== null) ? 'instances' : 'resources';
  const heading = (show: (value: string) => string) =>
    `[${severity.toUpperCase()}] ${show(first.event)}${first.status === null ? '' : ` ${show(first.status)}`} on ${alerts.length} ${what} (${show(first.region)})`;
  const actions = new Set(alerts.map((a) => a.recommendedAction));
  const lines = [
    `### ${heading(md)}`,
    '',
    `- **Region**: ${md(first.region)}`,
    `- **Event**: ${md(first.type)}${first.status === null ? '' : ` (${md(first.status)})`}`,
    `- **Severity**: ${severity}`,
    `- **Action**: ${actions.size === 1 ? md(first.recommendedAction) : 'per resource: see the alerts in the archive (archive/alerts/)'}`,
    `- **${alerts.length} ${what}**:`,
  ];
  for (const alert of alerts.slice(0, MAX_GROUP_LINES)) {
    const subject = alert.instanceId ?? alert.diskId ?? alert.eventId;
    const name = alert.instanceName === null ? '' : ` (${md(alert.instanceName)})`;
    const notBefore =
      alert.notBefore === null ? '' : `, not before ${md(alert.notBefore.local)} ${md(alert.notBefore.timeZone)}`;
    const update = alert.updateOf === null ? '' : ', update';
    lines.push(`  - ${md(subject)}${name}${notBefore}${update}`);
  }
  if (alerts.length > MAX_GROUP_LINES) lines.push(`  - and ${alerts.length - MAX_GROUP_LINES} more`);
  const title = heading((value) => value);
  return {
    title,
    markdown: lines.join('\n'),
    json: {
      grouped: true,
      title,
      severity,
      region: first.region,
      type: first.type,
      event: first.event,
      status: first.status,
      count: alerts.length,
      alerts: alerts as unknown as JsonValue,
    },
  };
}

/** Prefix of the delivery records of an event. */
export function deliveryPrefix(event: { source: string; id: string }): string {
  return `${statePrefix('notify')}${eventDigest(event)}/`;
}

/** Time a grouping leader keeps for closing its window and sending, before the function's timeout. */
const FLUSH_RESERVE_MS = 10_000;

/**
 * Core: build and archive the alert, then apply the alert policy (with at least one channel) and send.
 *
 * Policy, in order; each step that stops the alert returns `skipped` with its reason (the ledger's):
 * 1. `muted`: a mute window covers now (the alert is archived and logged, not sent, and not counted as paged);
 * 2. `excluded`: no channel wants this event type (a channel left out by its list is named in `excluded`);
 * 3. `already-alerted`: another event already paged this identity with this status ({@link alertIdentity});
 * 4. `grouped`: with a grouping window, the alert joined a window that another event leads and sends
 *    (notify/alert-state.ts `joinGroup` says why none is lost or sent twice).
 * The leader of a window waits for it to end (never past the function's timeout less {@link FLUSH_RESERVE_MS}),
 * then sends one message for its members. Each send is a `SendAlert` action in the ledger.
 */
export async function handle(event: AlertEvent, deps: NotifyDeps): Promise<HandlerResult> {
  if (event.kind === 'SlsAlert' && event.labels[SLS_ALERT_LABEL.key] !== SLS_ALERT_LABEL.value) {
    // The rule matches only this project's alerts; anything else was sent to the function directly.
    throw new PermanentError(
      `field "data.labels.${SLS_ALERT_LABEL.key}": ${JSON.stringify(event.labels[SLS_ALERT_LABEL.key] ?? null)} is not "${SLS_ALERT_LABEL.value}"; notify only alerts on the SLS alerts of this project`,
    );
  }
  if (event.kind === 'SnapshotCompleted' && event.result !== 'failed') {
    return { outcome: 'skipped', reason: 'snapshot-succeeded', snapshotId: event.snapshotId };
  }
  const region = event.region ?? deps.region;
  const instanceId = 'instanceId' in event ? event.instanceId : undefined;
  let instanceName: string | undefined;
  let nameLookup: string | undefined;
  if (instanceId !== undefined) {
    try {
      const instance = await deps.ecs.describeInstance(instanceId);
      instanceName = instance?.instanceName;
      nameLookup = instance === undefined ? 'instance-not-found' : 'ok';
    } catch (error) {
      // The alert matters more than the name: go on without it, and say why in the log line.
      if (!(error instanceof HandlerError)) throw error;
      nameLookup = `failed: ${error.api?.code ?? error.name}`;
    }
  }
  const delivering = deps.channels.length > 0;
  const identity = alertIdentity(event, region);
  const status = statusOf(event);
  // With no channel there is nothing to page, so no policy state is kept (the role has no access to it either).
  const first = delivering ? await readThread(deps.store, identity) : undefined;
  const updateOf =
    first !== undefined && first.eventId !== event.id && first.status !== status
      ? { title: first.title, status: first.status, sentAt: first.sentAt }
      : undefined;
  const alert = buildAlert(event, { region, timeZone: deps.timeZone, instanceName, updateOf });
  const now = deps.now();
  const key = archiveKey({ folders: [ALERTS_FOLDER], region, event, nowMs: now });
  await putArchive(deps.store, key, { alert, original: event.raw, archivedAt: new Date(now).toISOString() });
  const logged = { severity: alert.severity, alertKey: key, nameLookup, alert: alert as unknown as JsonValue };
  if (!delivering) return { outcome: 'ok', channels: 'none (log only)', ...logged } as HandlerResult;

  const { policy } = deps;
  const skipped = (reason: string, extra: Record<string, JsonValue> = {}) =>
    ({ outcome: 'skipped', reason, ...extra, ...logged }) as HandlerResult;
  const mute = activeMute(policy, now);
  if (mute !== undefined) return skipped('muted', { mute: `${mute.start}-${mute.end} ${mute.timeZone}` });
  const channels = deps.channels.filter((channel) => channelWants(policy, channel.name, alert));
  const excluded = deps.channels.filter((channel) => !channels.includes(channel)).map((channel) => channel.name);
  if (channels.length === 0) return skipped('excluded', { excluded: excluded.join(',') });
  if ((await claimAlert(deps.store, stateDigest(identity, status ?? '-'), event.id, now)) === 'already-alerted') {
    return skipped('already-alerted', { threadKey: alert.threadKey });
  }
  await openThread(deps.store, identity, {
    eventId: event.id,
    title: alert.title,
    status,
    sentAt: new Date(now).toISOString(),
  });

  let message = alertMessage(alert);
  let prefix = deliveryPrefix(event);
  let grouped: number | undefined;
  if (policy.groupingWindowSeconds > 0) {
    const groupDigest = groupOf(alert, now);
    const role = await joinGroup(deps.store, {
      groupDigest,
      eventId: event.id,
      eventDigest: eventDigest(event),
      payload: alert as unknown as JsonValue,
      nowMs: now,
      windowMs: policy.groupingWindowSeconds * 1000,
    });
    if (role.role === 'member') return skipped('grouped', { groupLeader: role.leader });
    await waitUntil(role.endsAt, deps.now);
    const members = (await closeWindow(deps.store, groupDigest, role.window)).map((m) => m.payload as unknown as Alert);
    grouped = members.length;
    if (members.length > 1) message = groupMessage(members);
    else if (members.length === 1) message = alertMessage(members[0]);
    prefix = windowDeliveryPrefix(groupDigest, role.window);
  }

  const { alreadyDelivered, delivered } = await deliver(channels, message, {
    store: deps.store,
    now: deps.now,
    prefix,
    label: `alert ${event.id}`,
    record: { eventId: event.id },
    actions: deps.actions,
  });
  const result: Record<string, JsonValue | undefined> = {
    outcome: 'ok',
    channels: [...alreadyDelivered, ...delivered].join(','),
    excluded: excluded.length === 0 ? undefined : excluded.join(','),
    grouped,
    update: alert.updateOf === null ? undefined : true,
    ...logged,
  };
  return result as HandlerResult;
}

/**
 * The group of an alert: same region, event name, status and `notBefore` day (UTC) — one maintenance wave — and the
 * same day of arrival (UTC), which keeps each group's chain of windows short (a wave that straddles midnight UTC is
 * sent as two messages).
 */
function groupOf(alert: Alert, nowMs: number): string {
  const notBeforeDay = alert.notBefore === null ? '-' : alert.notBefore.utc.slice(0, 10);
  return stateDigest(
    alert.region,
    alert.event,
    alert.status ?? '-',
    notBeforeDay,
    new Date(nowMs).toISOString().slice(0, 10),
  );
}

/** Waits until `endsAt`, but never past the invocation's deadline less {@link FLUSH_RESERVE_MS}. */
async function waitUntil(endsAt: number, now: () => number): Promise<void> {
  // The invocation's retry scope carries its deadline and the sleep tests replace (createFcHandler `retry`).
  const scope = retryScope();
  const until = scope.deadline === undefined ? endsAt : Math.min(endsAt, scope.deadline - FLUSH_RESERVE_MS);
  const wait = until - now();
  if (wait > 0) await scope.sleep(wait);
}

/** Event kinds this function alerts on. */
export const ALERT_KINDS = [
  'SystemEvent',
  'InstanceNotice',
  'DiskNotice',
  'SnapshotCompleted',
  'InstanceStateChange',
  'PreemptibleInstanceInterruption',
  'ScalingActivity',
  'SlsAlert',
  'Other',
] as const;

/** Wiring of this function. */
export const spec: HandlerSpec<(typeof ALERT_KINDS)[number], NotifyConfig, NotifyDeps> = {
  name: 'notify',
  kind: ALERT_KINDS,
  // The sources of the event catalogue: a declared rule may send any of their events; SLS alerts of this project.
  sources: [ECS_SOURCE, ESS_SOURCE, ...SLS_ALERT_SOURCES],
  loadConfig,
  buildDeps: (config, context, base) => ({
    ...base,
    ecs: instanceReaderFor(context, config.endpoints.ecs),
    channels: channelsFor(config, context, base.now),
    timeZone: config.timeZone,
    policy: config.policy,
  }),
  handle,
};

/** FC entry point (`index.handler`). */
export const handler = createFcHandler(spec, process.env);
