import { createHash, createHmac } from 'node:crypto';
import { archiveKey, putArchive } from './commons/archive';
import { type CommonConfig, type Env, loadCommonConfig } from './commons/config';
import type { HandlerResult, JsonValue } from './commons/context';
import { type EcsApi, ecsApi } from './commons/ecs-api';
import type {
  DiskNoticeEvent,
  InstanceNoticeEvent,
  SnapshotCompletedEvent,
  SystemEventEvent,
} from './commons/envelope';
import { apiError, ConfigurationError, HandlerError, PermanentError, RetryableError } from './commons/errors';
import { type BaseDeps, createFcHandler, type HandlerSpec } from './commons/handler';
import { outboundUrl, redactedUrl, sendJson } from './commons/http';
import { createRpcClient, ECS } from './commons/openapi';

/**
 * notify: alerts for ECS system events (every `SystemMaintenance.*`, `SystemFailure.*`, `InstanceFailure.*`, in all
 * three type forms), live migrations, burstable-instance notices, local-disk errors, stalled disks and failed
 * snapshots (`ecs:Snapshot:CreateSnapshotCompleted` with `data.result` = `failed`; a successful snapshot is skipped).
 *
 * Each alert carries the instance id and name (`DescribeInstances`; when that lookup fails the alert goes out
 * without the name and the log line says why), region, type, status, `notBefore` in UTC and in `REGION_TIME_ZONE`,
 * a severity and a recommended action, and is:
 * 1. archived to `archive/alerts/region=<region>/date=<UTC date>/<eventId>.json` (every alert, first);
 * 2. sent to each configured channel: a DingTalk custom robot (`DINGTALK_WEBHOOK_URL`, signed with
 *    `DINGTALK_SECRET`) and/or a generic webhook (`WEBHOOK_URL`, optional `WEBHOOK_TOKEN` as a Bearer token);
 *    with no channel, the alert is only written in the structured log line.
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
 * A platform failure stays critical when Executed: the instance was restarted, redeployed or stopped unplanned,
 * and the application needs a look.
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
}

/** The events this function alerts on. */
export type AlertEvent = SystemEventEvent | InstanceNoticeEvent | DiskNoticeEvent | SnapshotCompletedEvent;

/** A delivery channel. */
export interface Channel {
  /** `dingtalk` or `webhook`; also the name of its delivery record. */
  readonly name: string;
  /** Delivers; throws a RetryableError or PermanentError. */
  send(alert: Alert): Promise<void>;
}

/** Settings of this function. */
export interface NotifyConfig extends CommonConfig {
  /** `REGION_TIME_ZONE`, an IANA zone. @default UTC */
  readonly timeZone: string;
  /** `DINGTALK_WEBHOOK_URL` and `DINGTALK_SECRET`; undefined = no DingTalk channel. */
  readonly dingTalk?: { readonly url: URL; readonly secret?: string };
  /** `WEBHOOK_URL` and `WEBHOOK_TOKEN`; undefined = no webhook channel. */
  readonly webhook?: { readonly url: URL; readonly token?: string };
}

/** Dependencies of {@link handle}. */
export interface NotifyDeps extends BaseDeps {
  readonly ecs: EcsApi;
  readonly channels: readonly Channel[];
  readonly timeZone: string;
}

/** Reads the environment of this function. */
export function loadConfig(env: Env): NotifyConfig {
  const timeZone = env.REGION_TIME_ZONE === undefined || env.REGION_TIME_ZONE === '' ? 'UTC' : env.REGION_TIME_ZONE;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
  } catch {
    throw new ConfigurationError(
      `environment variable "REGION_TIME_ZONE": "${timeZone}" is not an IANA time zone; expected e.g. Asia/Shanghai`,
    );
  }
  const set = (name: string) => (env[name] === undefined || env[name] === '' ? undefined : env[name]);
  const dingTalkUrl = set('DINGTALK_WEBHOOK_URL');
  const dingTalkSecret = set('DINGTALK_SECRET');
  if (dingTalkUrl === undefined && dingTalkSecret !== undefined) {
    throw new ConfigurationError(
      'environment variable "DINGTALK_SECRET" is set but "DINGTALK_WEBHOOK_URL" is not; set both, or neither',
    );
  }
  const webhookUrl = set('WEBHOOK_URL');
  const webhookToken = set('WEBHOOK_TOKEN');
  if (webhookUrl === undefined && webhookToken !== undefined) {
    throw new ConfigurationError('environment variable "WEBHOOK_TOKEN" is set but "WEBHOOK_URL" is not');
  }
  return {
    ...loadCommonConfig(env),
    timeZone,
    dingTalk:
      dingTalkUrl === undefined
        ? undefined
        : { url: outboundUrl('DINGTALK_WEBHOOK_URL', dingTalkUrl), secret: dingTalkSecret },
    webhook:
      webhookUrl === undefined ? undefined : { url: outboundUrl('WEBHOOK_URL', webhookUrl), token: webhookToken },
  };
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
  }
}

/** What an operator should do, in one sentence. `notBefore` is the formatted time, or undefined. */
export function recommendedActionOf(event: AlertEvent, notBefore: string | undefined): string {
  const before = notBefore === undefined ? 'the scheduled time' : notBefore;
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

/** `yyyy-mm-dd hh:mm:ss` of an instant in a time zone. */
export function formatInZone(ms: number, timeZone: string): string {
  const parts: Record<string, string> = {};
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
  for (const part of format.formatToParts(ms)) parts[part.type] = part.value;
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}`;
}

function eventName(event: AlertEvent): string {
  switch (event.kind) {
    case 'SystemEvent':
      return event.eventType;
    case 'InstanceNotice':
      return `Instance:${event.notice}`;
    case 'DiskNotice':
      return `Disk:${event.notice}`;
    case 'SnapshotCompleted':
      return 'Snapshot:CreateSnapshotCompleted';
  }
}

function statusOf(event: AlertEvent): string | null {
  switch (event.kind) {
    case 'SystemEvent':
      return event.eventStatus;
    case 'InstanceNotice':
      return event.status ?? null;
    case 'DiskNotice':
      return null;
    case 'SnapshotCompleted':
      return event.result;
  }
}

/** Builds the alert of an event. */
export function buildAlert(
  event: AlertEvent,
  options: { region: string; timeZone: string; instanceName?: string },
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
  const name = eventName(event);
  const status = statusOf(event);
  const subject = instanceId ?? (event.kind === 'SnapshotCompleted' || event.kind === 'DiskNotice' ? event.diskId : '');
  return {
    eventId: event.id,
    source: event.source,
    type: event.type,
    region: options.region,
    severity,
    title: `[${severity.toUpperCase()}] ${name}${status === null ? '' : ` ${status}`}${subject === '' ? '' : ` on ${subject}`} (${options.region})`,
    time: event.timeMs === undefined ? null : new Date(event.timeMs).toISOString(),
    instanceId,
    instanceName: options.instanceName ?? null,
    diskId: event.kind === 'DiskNotice' || event.kind === 'SnapshotCompleted' ? event.diskId : null,
    snapshotId: event.kind === 'SnapshotCompleted' ? event.snapshotId : null,
    event: name,
    status,
    notBefore,
    recommendedAction: recommendedActionOf(event, notBeforeText),
  };
}

/** The DingTalk markdown text of an alert. */
export function markdownOf(alert: Alert): string {
  const lines = [`### ${alert.title}`, ''];
  const item = (label: string, value: string | null) => {
    if (value !== null) lines.push(`- **${label}**: ${value}`);
  };
  item(
    'Instance',
    alert.instanceId === null
      ? null
      : `${alert.instanceId}${alert.instanceName === null ? '' : ` (${alert.instanceName})`}`,
  );
  item('Disk', alert.diskId);
  item('Snapshot', alert.snapshotId);
  item('Region', alert.region);
  item('Event', `${alert.type}${alert.status === null ? '' : ` (${alert.status})`}`);
  item(
    'Not before',
    alert.notBefore === null
      ? null
      : `${alert.notBefore.utc} UTC / ${alert.notBefore.local} ${alert.notBefore.timeZone}`,
  );
  item('Severity', alert.severity);
  item('Action', alert.recommendedAction);
  item('Event id', alert.eventId);
  return lines.join('\n');
}

/**
 * The DingTalk custom-robot signature: base64(HMAC-SHA256(secret, `${timestampMs}\n${secret}`)), sent URL-encoded
 * as `sign` next to `timestamp`.
 * @see https://open.dingtalk.com/document/robots/customize-robot-security-settings
 */
export function dingTalkSign(secret: string, timestampMs: number): string {
  return createHmac('sha256', secret).update(`${timestampMs}\n${secret}`, 'utf8').digest('base64');
}

/** DingTalk errcode "too many messages in a minute": worth retrying later. */
const DINGTALK_RATE_LIMITED = 130101;

/** The DingTalk robot channel. `now` gives the signature timestamp. */
export function dingTalkChannel(config: { url: URL; secret?: string }, now: () => number): Channel {
  return {
    name: 'dingtalk',
    async send(alert) {
      const url = new URL(config.url);
      if (config.secret !== undefined) {
        const timestamp = now();
        // URLSearchParams applies the form URL encoding DingTalk expects (+ / = percent-encoded).
        url.searchParams.set('timestamp', String(timestamp));
        url.searchParams.set('sign', dingTalkSign(config.secret, timestamp));
      }
      const response = await sendJson(
        url,
        { msgtype: 'markdown', markdown: { title: alert.title, text: markdownOf(alert) } },
        { target: 'DingTalk' },
      );
      const failure = { service: 'dingtalk', action: 'robot/send', statusCode: response.status };
      if (response.status < 200 || response.status >= 300) {
        throw apiError(failure, `DingTalk answered HTTP ${response.status} (${redactedUrl(config.url)})`, undefined);
      }
      let errcode: unknown;
      let errmsg: unknown;
      try {
        ({ errcode, errmsg } = JSON.parse(response.body) as { errcode?: unknown; errmsg?: unknown });
      } catch {
        throw new PermanentError(`DingTalk answered a body that is not JSON: ${response.body.slice(0, 200)}`, {
          api: failure,
        });
      }
      if (errcode === 0) return;
      const text = `DingTalk refused the message: errcode ${String(errcode)}, ${String(errmsg)}`;
      const api = { ...failure, code: String(errcode) };
      throw errcode === DINGTALK_RATE_LIMITED ? new RetryableError(text, { api }) : new PermanentError(text, { api });
    },
  };
}

/** The generic webhook channel: POSTs the alert JSON. 2xx ok; 429/5xx retryable; other statuses permanent. */
export function webhookChannel(config: { url: URL; token?: string }): Channel {
  return {
    name: 'webhook',
    async send(alert) {
      const response = await sendJson(config.url, alert, {
        target: 'webhook',
        headers: config.token === undefined ? {} : { authorization: `Bearer ${config.token}` },
      });
      if (response.status >= 200 && response.status < 300) return;
      throw apiError(
        { service: 'webhook', action: 'POST', statusCode: response.status },
        `the webhook ${redactedUrl(config.url)} answered HTTP ${response.status}: ${response.body.slice(0, 200)}`,
        undefined,
      );
    },
  };
}

/** Prefix of the delivery records of an event. */
export function deliveryPrefix(event: { source: string; id: string }): string {
  const digest = createHash('sha256').update(`${event.source}\n${event.id}`, 'utf8').digest('hex');
  return `state/notify/${digest}/`;
}

/** Core. */
export async function handle(event: AlertEvent, deps: NotifyDeps): Promise<HandlerResult> {
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
  const alert = buildAlert(event, { region, timeZone: deps.timeZone, instanceName });
  const now = deps.now();
  const key = archiveKey({ folders: ['alerts'], region, event, nowMs: now });
  await putArchive(deps.store, key, { alert, original: event.raw, archivedAt: new Date(now).toISOString() });

  const delivered: string[] = [];
  const alreadyDelivered: string[] = [];
  const failures: HandlerError[] = [];
  const prefix = deliveryPrefix(event);
  const done = new Set(
    (await (deps.channels.length > 0 ? deps.store.listObjects(prefix) : Promise.resolve([]))).map((k) =>
      k.slice(prefix.length, -'.json'.length),
    ),
  );
  for (const channel of deps.channels) {
    if (done.has(channel.name)) {
      alreadyDelivered.push(channel.name);
      continue;
    }
    try {
      await channel.send(alert);
    } catch (error) {
      if (!(error instanceof HandlerError)) throw error;
      failures.push(error);
      continue;
    }
    await deps.store.putObject(
      `${prefix}${channel.name}.json`,
      JSON.stringify({ eventId: event.id, channel: channel.name, deliveredAt: new Date(deps.now()).toISOString() }),
      { contentType: 'application/json' },
    );
    delivered.push(channel.name);
  }
  if (failures.length > 0) {
    // Retryable if any failure is: the retry repeats only the channels that have not succeeded.
    const message = `alert ${event.id} not delivered to every channel (delivered: ${[...alreadyDelivered, ...delivered].join(', ') || 'none'}): ${failures.map((f) => f.message).join('; ')}`;
    const retryable = failures.find((f) => f.retryable);
    throw retryable !== undefined
      ? new RetryableError(message, { cause: retryable, api: retryable.api })
      : new PermanentError(message, { cause: failures[0], api: failures[0].api });
  }
  const result: Record<string, JsonValue | undefined> = {
    outcome: 'ok',
    severity: alert.severity,
    channels: deps.channels.length === 0 ? 'none (log only)' : [...alreadyDelivered, ...delivered].join(','),
    alertKey: key,
    nameLookup,
    alert: alert as unknown as JsonValue,
  };
  return result as HandlerResult;
}

/** Event kinds this function alerts on. */
export const ALERT_KINDS = ['SystemEvent', 'InstanceNotice', 'DiskNotice', 'SnapshotCompleted'] as const;

/** Wiring of this function. */
export const spec: HandlerSpec<(typeof ALERT_KINDS)[number], NotifyConfig, NotifyDeps> = {
  name: 'notify',
  kind: ALERT_KINDS,
  loadConfig,
  buildDeps: (config, context, base) => ({
    ...base,
    ecs: ecsApi(
      createRpcClient({
        product: ECS,
        credentials: context.credentials,
        region: context.region,
        endpoint: config.endpoints.ecs,
      }),
      context.region,
    ),
    channels: [
      ...(config.dingTalk === undefined ? [] : [dingTalkChannel(config.dingTalk, base.now)]),
      ...(config.webhook === undefined ? [] : [webhookChannel(config.webhook)]),
    ],
    timeZone: config.timeZone,
  }),
  handle,
};

/** FC entry point (`index.handler`). */
export const handler = createFcHandler(spec, process.env);
