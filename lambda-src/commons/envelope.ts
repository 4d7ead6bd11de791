import { parseEventTime } from '../../contract/event-time';
import { idPattern } from '../../contract/ids';
import { SLS_ALERT_TYPE } from '../../contract/observability';
import { describe } from './describe';
import { MalformedEventError } from './errors';
import { parseSlsAlert, type SlsAlertEvent } from './sls-alert';

export type { SlsAlertEvent };

/**
 * Envelope parsing: turns the invocation payload into a typed ECS event.
 *
 * Two wire formats are accepted:
 *
 * 1. EventBridge CloudEvents (rule target with `Body` = ORIGINAL): `specversion`, `id`, `source` (`acs.ecs`),
 *    `type` (`ecs:Instance:StateChange`), `time`, `data`, `aliyunregionid`, `aliyunaccountid`, `subject`.
 *    @see https://www.alibabacloud.com/help/en/eventbridge/user-guide/event-overview
 * 2. Cloud Monitor (CMS) event notifications routed to FC: `id`, `product` (`ECS`), `name`
 *    (`Instance:StateChange`, `Instance:SystemMaintenance.Reboot:Scheduled`), `content`, `regionId`, `userId`,
 *    `eventTime` (`20190409T121826.922+0800`), `resourceId` (ARN).
 *    @see https://help.aliyun.com/en/ecs/user-guide/overview-35
 *
 * Mapping CMS -> our normalized fields:
 *   source = `acs.` + lower-case(product)            (ECS -> acs.ecs)
 *   type   = lower-case(product) + `:` + name without a trailing `:<status>` segment
 *            (CMS appends the status only for system events: `Instance:SystemMaintenance.Reboot:Scheduled`
 *            -> `ecs:Instance:SystemMaintenance.Reboot`)
 *   data   = content, region = regionId, accountId = userId, time = eventTime
 * ASSUMPTION: Alibaba does not document that the EventBridge `data` object equals the CMS `content` object
 * (UNCONFIRMED, see alibaba-facts.md 2.2); we assume it does, as public FC handlers read the same keys from both.
 */

/** Which wire format an event arrived in. */
export type EnvelopeFormat = 'eventbridge' | 'cloudmonitor';

/** The envelope fields common to both formats, normalized. */
export interface EventEnvelope {
  readonly format: EnvelopeFormat;
  /** Event id; together with `source` it identifies the event (used for idempotency). */
  readonly id: string;
  /** e.g. `acs.ecs`. */
  readonly source: string;
  /** EventBridge-style type, e.g. `ecs:Instance:StateChange`. */
  readonly type: string;
  /** The time string exactly as received (not always RFC 3339, e.g. `2020-08-17T16:04:46.149Asia/Shanghai`). */
  readonly time?: string;
  /** `time` parsed best-effort to epoch milliseconds; undefined when it could not be parsed. */
  readonly timeMs?: number;
  /** Region of the event source; undefined if the envelope does not say. */
  readonly region?: string;
  readonly accountId?: string;
  /** The event payload: EventBridge `data` / CMS `content`. */
  readonly data: Readonly<Record<string, unknown>>;
  /** The complete original envelope as received, for archiving. */
  readonly raw: Readonly<Record<string, unknown>>;
}

/** ECS instance lifecycle states carried by `ecs:Instance:StateChange` (`Created` appears in the CMS docs). */
export const INSTANCE_STATES = ['Pending', 'Created', 'Starting', 'Running', 'Stopping', 'Stopped', 'Deleted'] as const;
/** One of {@link INSTANCE_STATES}. */
export type InstanceState = (typeof INSTANCE_STATES)[number];

/** EventBridge type of instance state changes. */
export const INSTANCE_STATE_CHANGE = 'ecs:Instance:StateChange';
/** EventBridge type of the spot-instance release notice (about 5 minutes before release). */
export const PREEMPTIBLE_INSTANCE_INTERRUPTION = 'ecs:Instance:PreemptibleInstanceInterruption';

/** `ecs:Instance:StateChange`; instance id from `data.resourceId`. */
export interface InstanceStateChangeEvent extends EventEnvelope {
  readonly kind: 'InstanceStateChange';
  readonly instanceId: string;
  readonly state: InstanceState;
}

/** `ecs:Instance:PreemptibleInstanceInterruption`; instance id from `data.instanceId`. */
export interface PreemptibleInstanceInterruptionEvent extends EventEnvelope {
  readonly kind: 'PreemptibleInstanceInterruption';
  readonly instanceId: string;
  /** `delete` is the only documented value; kept as a string so new actions can be skipped, not rejected. */
  readonly action: string;
}

/** Statuses of a system event documented by ECS (`data.eventStatus`). */
export const SYSTEM_EVENT_STATUSES = [
  'Scheduled',
  'Avoided',
  'Executing',
  'Executed',
  'Canceled',
  'Failed',
  'Inquiring',
] as const;
/** One of {@link SYSTEM_EVENT_STATUSES}. */
export type SystemEventStatus = (typeof SYSTEM_EVENT_STATUSES)[number];
/** Categories of system events: the part of `eventType` before the dot. */
export type SystemEventCategory = 'SystemMaintenance' | 'SystemFailure' | 'InstanceFailure';

/**
 * A system event (maintenance, system failure, instance failure), in any of its three documented type forms:
 * - `ecs:Instance:<eventType>` with the status in `data.eventStatus` (ECS event list; Cloud Monitor names map here);
 * - `ecs:Instance:<eventType>:<status>` (status in the type, as in Cloud Monitor notification names);
 * - `ecs:SystemEvent:<status>` with the action in `data.eventType` (simulated system events tutorial).
 * Actions are not restricted to the documented list: a new `SystemMaintenance.X` still parses (and alerts).
 */
export interface SystemEventEvent extends EventEnvelope {
  readonly kind: 'SystemEvent';
  readonly instanceId: string;
  readonly category: SystemEventCategory;
  /** e.g. `SystemMaintenance.Reboot`. */
  readonly eventType: string;
  readonly eventStatus: SystemEventStatus;
  /** Scheduled execution time as sent (UTC), maintenance events only. */
  readonly notBefore?: string;
  /** `notBefore` in epoch milliseconds. */
  readonly notBeforeMs?: number;
  /** The system event id (`e-…`), when sent. */
  readonly systemEventId?: string;
  /** Which of the three type forms the event came in. */
  readonly form: 'status-in-data' | 'status-in-type' | 'simulated';
}

/** The instance notices of {@link InstanceNoticeEvent}. */
export const INSTANCE_NOTICES = [
  'LiveMigrationAcrossDDH',
  'PerformanceModeChange',
  'BurstablePerformanceRestricted',
] as const;
/** One of {@link INSTANCE_NOTICES}. */
export type InstanceNotice = (typeof INSTANCE_NOTICES)[number];

/** `ecs:Instance:LiveMigrationAcrossDDH`, `…:PerformanceModeChange`, `…:BurstablePerformanceRestricted`. */
export interface InstanceNoticeEvent extends EventEnvelope {
  readonly kind: 'InstanceNotice';
  readonly notice: InstanceNotice;
  readonly instanceId: string;
  /** `data.status` of a live migration (`started`, `failed`, `accomplished`); undefined for the other notices. */
  readonly status?: string;
}

/** The disk notices of {@link DiskNoticeEvent}. */
export const DISK_NOTICES = ['ErrorDetected', 'Stalled'] as const;
/** One of {@link DISK_NOTICES}. */
export type DiskNotice = (typeof DISK_NOTICES)[number];

/** `ecs:Disk:ErrorDetected` (local disk damaged) and `ecs:Disk:Stalled` (disk performance critically impacted). */
export interface DiskNoticeEvent extends EventEnvelope {
  readonly kind: 'DiskNotice';
  readonly notice: DiskNotice;
  readonly diskId: string;
  /** The instance the disk is attached to, when the event says. */
  readonly instanceId?: string;
}

/** EventBridge type of snapshot completion (success and failure alike, see `result`). */
export const CREATE_SNAPSHOT_COMPLETED = 'ecs:Snapshot:CreateSnapshotCompleted';

/** `ecs:Snapshot:CreateSnapshotCompleted`; there is no CreateSnapshotFailed type, a failure has `result: failed`. */
export interface SnapshotCompletedEvent extends EventEnvelope {
  readonly kind: 'SnapshotCompleted';
  readonly result: 'accomplished' | 'failed';
  readonly snapshotId: string;
  readonly diskId: string;
  readonly snapshotName?: string;
  /** `user`, `timer`, `copied`, `imported`. */
  readonly snapshotType?: string;
}

/** Prefix of Auto Scaling activity types (`ess:ScalingActivity:ScaleOutSuccess`, …). */
export const SCALING_ACTIVITY_PREFIX = 'ess:ScalingActivity:';

/**
 * `ess:ScalingActivity:<activity>`. The `data` of Auto Scaling events is not documented (UNCONFIRMED): we read
 * `scalingGroupId`, `scalingActivityId` and `instanceIds` when present and require one of the two ids, so the
 * handler can look up the rest.
 */
export interface ScalingActivityEvent extends EventEnvelope {
  readonly kind: 'ScalingActivity';
  /** e.g. `ScaleOutSuccess`. */
  readonly activity: string;
  readonly scalingGroupId?: string;
  readonly scalingActivityId?: string;
  /** Instances of the activity, when the event lists them. */
  readonly instanceIds?: readonly string[];
}

/** Any other event: parsed envelope, payload not interpreted. */
export interface OtherEvent extends EventEnvelope {
  readonly kind: 'Other';
}

/** Discriminated (by `kind`) union of the events our handlers understand. */
export type EcsEvent =
  | InstanceStateChangeEvent
  | PreemptibleInstanceInterruptionEvent
  | SystemEventEvent
  | InstanceNoticeEvent
  | DiskNoticeEvent
  | SnapshotCompletedEvent
  | ScalingActivityEvent
  | SlsAlertEvent
  | OtherEvent;
/** The `kind` values of {@link EcsEvent}. */
export type EcsEventKind = EcsEvent['kind'];

/** The EventBridge types each kind corresponds to, for error messages. */
export const TYPE_OF_KIND: Readonly<Record<EcsEventKind, string>> = {
  InstanceStateChange: INSTANCE_STATE_CHANGE,
  PreemptibleInstanceInterruption: PREEMPTIBLE_INSTANCE_INTERRUPTION,
  SystemEvent: 'ecs:Instance:<SystemMaintenance|SystemFailure|InstanceFailure>.*',
  InstanceNotice: INSTANCE_NOTICES.map((n) => `ecs:Instance:${n}`).join('|'),
  DiskNotice: DISK_NOTICES.map((n) => `ecs:Disk:${n}`).join('|'),
  SnapshotCompleted: CREATE_SNAPSHOT_COMPLETED,
  ScalingActivity: `${SCALING_ACTIVITY_PREFIX}*`,
  SlsAlert: SLS_ALERT_TYPE,
  Other: '*',
};

/**
 * ECS instance ids: `i-` followed by lower-case letters and digits. Masked ids from the documentation
 * (`i-bp1ecr********5go2go`) are deliberately rejected: a real event never contains `*`, and calling an API with
 * a masked id could only fail later with a less clear error.
 */
export const INSTANCE_ID = idPattern('instance');

/**
 * Parses an invocation payload into an {@link EcsEvent}.
 *
 * @throws MalformedEventError naming the field when the payload is not JSON, is neither envelope format,
 * or a known event type lacks or garbles a field.
 * @example
 * const event = parseEvent(Buffer.from(JSON.stringify(cloudEvent)));
 * if (event.kind === 'InstanceStateChange') console.log(event.instanceId, event.state);
 */
export function parseEvent(payload: Buffer | string): EcsEvent {
  return typeEnvelope(parseEnvelope(payload));
}

/** Interprets the payload of an already parsed envelope (see {@link parseEvent}). */
export function typeEnvelope(envelope: EventEnvelope): EcsEvent {
  const systemEvent = systemEventForm(envelope.type);
  if (systemEvent !== undefined) return parseSystemEvent(envelope, systemEvent);
  const [product, resource, name] = envelope.type.split(':');
  if (product === 'ecs' && resource === 'Instance' && (INSTANCE_NOTICES as readonly string[]).includes(name)) {
    return {
      ...envelope,
      kind: 'InstanceNotice',
      notice: name as InstanceNotice,
      instanceId: instanceIdField(envelope, 'instanceId'),
      status: name === 'LiveMigrationAcrossDDH' ? optionalDataString(envelope, 'status') : undefined,
    };
  }
  if (product === 'ecs' && resource === 'Disk' && (DISK_NOTICES as readonly string[]).includes(name)) {
    return {
      ...envelope,
      kind: 'DiskNotice',
      notice: name as DiskNotice,
      diskId: idField(envelope, 'diskId', DISK_ID, 'a disk id ("d-…")'),
      instanceId: envelope.data.instanceId === undefined ? undefined : instanceIdField(envelope, 'instanceId'),
    };
  }
  if (envelope.type.startsWith(SCALING_ACTIVITY_PREFIX)) return parseScalingActivity(envelope);
  // SLS alerts routed to notify (commons/sls-alert.ts): the only event of another service a handler interprets.
  if (envelope.type === SLS_ALERT_TYPE) return parseSlsAlert(envelope);
  switch (envelope.type) {
    case INSTANCE_STATE_CHANGE:
      return {
        ...envelope,
        kind: 'InstanceStateChange',
        instanceId: instanceIdField(envelope, 'resourceId'),
        state: enumField(envelope, 'state', INSTANCE_STATES),
      };
    case PREEMPTIBLE_INSTANCE_INTERRUPTION:
      return {
        ...envelope,
        kind: 'PreemptibleInstanceInterruption',
        instanceId: instanceIdField(envelope, 'instanceId'),
        action: stringField(envelope.data, dataPath(envelope, 'action')),
      };
    case CREATE_SNAPSHOT_COMPLETED:
      return {
        ...envelope,
        kind: 'SnapshotCompleted',
        result: enumField(envelope, 'result', ['accomplished', 'failed'] as const),
        snapshotId: idField(envelope, 'snapshotId', SNAPSHOT_ID, 'a snapshot id ("s-…")'),
        diskId: idField(envelope, 'diskId', DISK_ID, 'a disk id ("d-…")'),
        snapshotName: optionalDataString(envelope, 'snapshotName'),
        snapshotType: optionalDataString(envelope, 'snapshotType'),
      };
    default:
      return { ...envelope, kind: 'Other' };
  }
}

/** Parses only the envelope (either format), without interpreting the payload. */
export function parseEnvelope(payload: Buffer | string): EventEnvelope {
  const text = typeof payload === 'string' ? payload : payload.toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new MalformedEventError(`event payload is not valid JSON (${(error as Error).message})`, { cause: error });
  }
  if (!isRecord(json)) {
    throw new MalformedEventError(`event payload must be a JSON object, got ${describe(json)}`);
  }
  if ('specversion' in json) return parseCloudEvent(json);
  if ('product' in json && 'name' in json) return parseCloudMonitorEvent(json);
  throw new MalformedEventError(
    'event payload is neither an EventBridge CloudEvent (no "specversion") nor a Cloud Monitor event (no "product"/"name")',
  );
}

function parseCloudEvent(json: Record<string, unknown>): EventEnvelope {
  const data = json.data;
  if (!isRecord(data)) throw new MalformedEventError(`field "data" must be a JSON object, got ${describe(data)}`);
  const time = optionalString(json, 'time');
  return {
    format: 'eventbridge',
    id: stringField(json, 'id'),
    source: stringField(json, 'source'),
    type: stringField(json, 'type'),
    time,
    timeMs: time === undefined ? undefined : parseEventTime(time),
    region: optionalString(json, 'aliyunregionid'),
    accountId: optionalString(json, 'aliyunaccountid'),
    data,
    raw: json,
  };
}

function parseCloudMonitorEvent(json: Record<string, unknown>): EventEnvelope {
  const product = stringField(json, 'product');
  const name = stringField(json, 'name');
  const content = json.content;
  if (!isRecord(content)) {
    throw new MalformedEventError(`field "content" must be a JSON object, got ${describe(content)}`);
  }
  // `<resource>:<event>` or, for system events, `<resource>:<event>:<status>`; the status lives in content too.
  const segments = name.split(':');
  if (segments.length < 2 || segments.length > 3 || segments.some((s) => s === '')) {
    throw new MalformedEventError(
      `field "name": "${name}" is not a Cloud Monitor event name; expected <resource>:<event>[:<status>]`,
    );
  }
  const time = optionalString(json, 'eventTime');
  return {
    format: 'cloudmonitor',
    id: stringField(json, 'id'),
    source: `acs.${product.toLowerCase()}`,
    type: `${product.toLowerCase()}:${segments[0]}:${segments[1]}`,
    time,
    timeMs: time === undefined ? undefined : parseEventTime(time),
    region: optionalString(json, 'regionId'),
    accountId: optionalString(json, 'userId'),
    data: content,
    raw: json,
  };
}

export { parseEventTime };

const DISK_ID = idPattern('disk');
const SNAPSHOT_ID = idPattern('snapshot');
const SCALING_GROUP_ID = idPattern('scalingGroup');
const SCALING_ACTIVITY_ID = idPattern('scalingActivity');
const SYSTEM_EVENT_TYPE = /^(SystemMaintenance|SystemFailure|InstanceFailure)\.[A-Za-z]+$/;

/** Which system-event form a type is, with what the type itself says; undefined for other types. */
function systemEventForm(
  type: string,
): { form: SystemEventEvent['form']; eventType?: string; status?: string } | undefined {
  const segments = type.split(':');
  if (segments[0] !== 'ecs') return undefined;
  if (segments[1] === 'SystemEvent' && segments.length === 3) return { form: 'simulated', status: segments[2] };
  if (segments[1] !== 'Instance' || !SYSTEM_EVENT_TYPE.test(segments[2] ?? '')) return undefined;
  if (segments.length === 3) return { form: 'status-in-data', eventType: segments[2] };
  if (segments.length === 4) return { form: 'status-in-type', eventType: segments[2], status: segments[3] };
  return undefined;
}

function parseSystemEvent(
  envelope: EventEnvelope,
  fromType: { form: SystemEventEvent['form']; eventType?: string; status?: string },
): SystemEventEvent {
  const eventTypePath = dataPath(envelope, 'eventType');
  const dataEventType = optionalDataString(envelope, 'eventType');
  const eventType = fromType.eventType ?? stringField(envelope.data, eventTypePath);
  if (!SYSTEM_EVENT_TYPE.test(eventType)) {
    throw new MalformedEventError(
      `field "${eventTypePath}": "${eventType}" is not a system event type; expected <SystemMaintenance|SystemFailure|InstanceFailure>.<Action>`,
    );
  }
  if (dataEventType !== undefined && dataEventType !== eventType) {
    throw new MalformedEventError(
      `field "${eventTypePath}": "${dataEventType}" contradicts the event type "${envelope.type}"`,
    );
  }
  const statusPath = dataPath(envelope, 'eventStatus');
  const dataStatus = optionalDataString(envelope, 'eventStatus');
  const status = fromType.status ?? dataStatus;
  if (status === undefined) throw new MalformedEventError(`field "${statusPath}" is missing`);
  if (!(SYSTEM_EVENT_STATUSES as readonly string[]).includes(status)) {
    const where = fromType.status === undefined ? `field "${statusPath}"` : `the status in type "${envelope.type}"`;
    throw new MalformedEventError(`${where}: "${status}" is not one of ${SYSTEM_EVENT_STATUSES.join(', ')}`);
  }
  if (dataStatus !== undefined && dataStatus !== status) {
    throw new MalformedEventError(
      `field "${statusPath}": "${dataStatus}" contradicts the event type "${envelope.type}"`,
    );
  }
  const notBefore = optionalDataString(envelope, 'notBefore');
  const notBeforeMs = notBefore === undefined ? undefined : parseEventTime(notBefore);
  if (notBefore !== undefined && notBeforeMs === undefined) {
    throw new MalformedEventError(
      `field "${dataPath(envelope, 'notBefore')}": "${notBefore}" is not a time (expected UTC, e.g. 2024-05-23T01:01:01Z)`,
    );
  }
  return {
    ...envelope,
    kind: 'SystemEvent',
    instanceId: instanceIdField(envelope, 'instanceId'),
    category: eventType.slice(0, eventType.indexOf('.')) as SystemEventCategory,
    eventType,
    eventStatus: status as SystemEventStatus,
    notBefore,
    notBeforeMs,
    systemEventId: optionalDataString(envelope, 'eventId'),
    form: fromType.form,
  };
}

function parseScalingActivity(envelope: EventEnvelope): ScalingActivityEvent {
  const activity = envelope.type.slice(SCALING_ACTIVITY_PREFIX.length);
  const scalingGroupId =
    envelope.data.scalingGroupId === undefined
      ? undefined
      : idField(envelope, 'scalingGroupId', SCALING_GROUP_ID, 'a scaling group id ("asg-…")');
  const scalingActivityId =
    envelope.data.scalingActivityId === undefined
      ? undefined
      : idField(envelope, 'scalingActivityId', SCALING_ACTIVITY_ID, 'a scaling activity id ("asa-…")');
  if (scalingGroupId === undefined && scalingActivityId === undefined) {
    throw new MalformedEventError(
      `fields "${dataPath(envelope, 'scalingGroupId')}" and "${dataPath(envelope, 'scalingActivityId')}" are both missing; one is needed to find the scaling group`,
    );
  }
  let instanceIds: string[] | undefined;
  const rawIds = envelope.data.instanceIds;
  if (rawIds !== undefined && rawIds !== null) {
    const path = dataPath(envelope, 'instanceIds');
    if (!Array.isArray(rawIds) || !rawIds.every((id) => typeof id === 'string' && INSTANCE_ID.test(id))) {
      throw new MalformedEventError(`field "${path}" must be an array of ECS instance ids, got ${describe(rawIds)}`);
    }
    instanceIds = [...new Set(rawIds as string[])];
  }
  return { ...envelope, kind: 'ScalingActivity', activity, scalingGroupId, scalingActivityId, instanceIds };
}

/** The account segment of an `acs:<service>:<region>:<account>:<resource>` ARN; undefined for anything else. */
export function arnAccountId(value: unknown): string | undefined {
  if (typeof value !== 'string' || !value.startsWith('acs:')) return undefined;
  const segments = value.split(':');
  return segments.length >= 5 && segments[3] !== '' ? segments[3] : undefined;
}

/** Where an envelope says which account it belongs to, with the field as the sender wrote it. */
export interface AccountClaim {
  readonly field: string;
  readonly accountId: string;
}

/**
 * Every account the envelope claims: the account field (`aliyunaccountid`, Cloud Monitor `userId`), and the account
 * of the resource ARN (`subject`, Cloud Monitor `resourceId`) when it is one. Empty when the event names no account.
 */
export function accountClaims(envelope: EventEnvelope): AccountClaim[] {
  const claims: AccountClaim[] = [];
  const eventBridge = envelope.format === 'eventbridge';
  if (envelope.accountId !== undefined) {
    claims.push({ field: eventBridge ? 'aliyunaccountid' : 'userId', accountId: envelope.accountId });
  }
  const arnField = eventBridge ? 'subject' : 'resourceId';
  const arnAccount = arnAccountId(envelope.raw[arnField]);
  if (arnAccount !== undefined) claims.push({ field: arnField, accountId: arnAccount });
  return claims;
}

/**
 * The instance an event names, without validating the payload: `data.instanceId`, or `data.resourceId` when it
 * starts with `i-` (instance state changes). For archives and log lines of events of any type.
 */
export function namedInstanceId(envelope: EventEnvelope): string | undefined {
  for (const key of ['instanceId', 'resourceId']) {
    const value = envelope.data[key];
    if (typeof value === 'string' && value.startsWith('i-') && value.length <= 128) return value;
  }
  return undefined;
}

function idField(envelope: EventEnvelope, key: string, pattern: RegExp, expected: string): string {
  const path = dataPath(envelope, key);
  const value = stringField(envelope.data, path);
  if (!pattern.test(value)) throw new MalformedEventError(`field "${path}": "${value}" is not ${expected}`);
  return value;
}

function optionalDataString(envelope: EventEnvelope, key: string): string | undefined {
  const value = envelope.data[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value === '') {
    throw new MalformedEventError(
      `field "${dataPath(envelope, key)}" must be a non-empty string, got ${describe(value)}`,
    );
  }
  return value;
}

function instanceIdField(envelope: EventEnvelope, key: string): string {
  const path = dataPath(envelope, key);
  const value = stringField(envelope.data, path);
  if (!INSTANCE_ID.test(value)) {
    throw new MalformedEventError(
      `field "${path}": "${value}" is not an ECS instance id; expected "i-" followed by lower-case letters and digits`,
    );
  }
  return value;
}

function enumField<T extends string>(envelope: EventEnvelope, key: string, allowed: readonly T[]): T {
  const path = dataPath(envelope, key);
  const value = stringField(envelope.data, path);
  if (!(allowed as readonly string[]).includes(value)) {
    throw new MalformedEventError(`field "${path}": "${value}" is not one of ${allowed.join(', ')}`);
  }
  return value as T;
}

/** The field path as the sender wrote it: `data.x` for EventBridge, `content.x` for Cloud Monitor. */
function dataPath(envelope: EventEnvelope, key: string): string {
  return `${envelope.format === 'eventbridge' ? 'data' : 'content'}.${key}`;
}

/** Reads a required non-empty string; `path` may be dotted, only its last segment is looked up in `record`. */
function stringField(record: Readonly<Record<string, unknown>>, path: string): string {
  const key = path.slice(path.lastIndexOf('.') + 1);
  const value = record[key];
  if (value === undefined || value === null) throw new MalformedEventError(`field "${path}" is missing`);
  if (typeof value !== 'string' || value === '') {
    throw new MalformedEventError(`field "${path}" must be a non-empty string, got ${describe(value)}`);
  }
  return value;
}

function optionalString(record: Readonly<Record<string, unknown>>, key: string): string | undefined {
  const value = record[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') {
    throw new MalformedEventError(`field "${key}" must be a string, got ${describe(value)}`);
  }
  return value;
}

/** Narrows to a plain JSON object. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
