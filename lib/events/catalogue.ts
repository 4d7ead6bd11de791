/**
 * The catalogue of ECS and Auto Scaling events that Alibaba Cloud publishes to the EventBridge default bus.
 *
 * Sources: EventBridge "ECS events" (https://www.alibabacloud.com/help/en/eventbridge/user-guide/ecs-events) and
 * "Auto Scaling events" (https://www.alibabacloud.com/help/en/eventbridge/user-guide/auto-scaling-events) for the
 * type names; the ECS event-notification reference (https://www.alibabacloud.com/help/doc-detail/143663.htm,
 * https://help.aliyun.com/en/ecs/user-guide/snapshot-event-notifications) for the payloads, documented in the
 * Cloud Monitor format. We assume EventBridge `data` equals Cloud Monitor `content` (not confirmed officially;
 * public handlers read the same fields).
 *
 * Two documented forms disagree, and the catalogue accepts both:
 * - System events. The ECS event list names them `ecs:Instance:<SystemMaintenance|SystemFailure|InstanceFailure>.<Action>`
 *   with the status (Scheduled, Executed, …) in `data.eventStatus`; Cloud Monitor puts the status in the name
 *   (`Instance:SystemMaintenance.Reboot:Scheduled`), so the EventBridge type may carry it as a `:<Status>` suffix;
 *   and the simulated-system-event tutorial shows `ecs:SystemEvent:<Status>` with the action in `data.eventType`.
 *   Every form is in the catalogue (the last two as `variant` entries), and `systemEvents()` matches all three.
 * - `source` of Auto Scaling events is `acs.ess` by analogy with `acs.ecs` (no official sample found).
 */

import { ECS_SOURCE, ESS_SOURCE } from '../../contract/events';
import { SLS_ALERT_SOURCES, SLS_ALERT_STATUSES, SLS_ALERT_TYPE } from '../../contract/observability';

/** The schema of one `data` field. */
export interface FieldSchema {
  readonly type: 'string' | 'number' | 'boolean' | 'object' | 'array';
  /** Allowed values, when the documentation lists them. */
  readonly values?: readonly string[];
  /** Nested fields of an object. */
  readonly fields?: Readonly<Record<string, FieldSchema>>;
  readonly description?: string;
}

/** One event type of the catalogue. */
export interface EventTypeSpec {
  /** `source` of the event: `acs.ecs` or `acs.ess`. */
  readonly source: string;
  /** EventBridge `type`, e.g. `ecs:Instance:StateChange`. */
  readonly type: string;
  /** What the event means. */
  readonly description: string;
  /** Documented `data` fields; undefined when no payload is documented (patterns on `data` are then unchecked). */
  readonly data?: Readonly<Record<string, FieldSchema>>;
  /** Cloud Monitor notification `name`, for types that have one. */
  readonly cmsName?: string;
  /** Set on the alternative forms of system events (see the module comment): why the form is accepted. */
  readonly variant?: string;
}

/** Statuses of a system event (`data.eventStatus`). */
export const SYSTEM_EVENT_STATUSES = [
  'Scheduled',
  'Avoided',
  'Executing',
  'Executed',
  'Canceled',
  'Failed',
  'Inquiring',
] as const;

/** Categories of system events, the part of `eventType` before the dot. */
export const SYSTEM_EVENT_CATEGORIES = ['SystemMaintenance', 'SystemFailure', 'InstanceFailure'] as const;

/** Every system event type (`data.eventType`), per the ECS event list. */
export const SYSTEM_EVENT_TYPES = [
  'SystemMaintenance.Reboot',
  'SystemMaintenance.Redeploy',
  'SystemMaintenance.Stop',
  'SystemMaintenance.IsolateErrorDisk',
  'SystemMaintenance.ReInitErrorDisk',
  'SystemMaintenance.RebootAndIsolateErrorDisk',
  'SystemMaintenance.RebootAndReInitErrorDisk',
  'SystemMaintenance.CleanReleasedDisks',
  'SystemFailure.Reboot',
  'SystemFailure.Redeploy',
  'SystemFailure.Stop',
  'SystemFailure.Delete',
  'InstanceFailure.Reboot',
] as const;

const text = (description?: string, values?: readonly string[]): FieldSchema => ({
  type: 'string',
  description,
  values,
});

const INSTANCE_ID = text('instance id, i-…');

/** `data` of system events (Cloud Monitor `content` of `Instance:<eventType>:<status>`). */
const SYSTEM_EVENT_DATA: Record<string, FieldSchema> = {
  eventId: text('system event id, e-…'),
  publishTime: text('UTC'),
  notBefore: text('UTC; scheduled execution time, maintenance events only'),
  instanceId: INSTANCE_ID,
  eventType: text('e.g. SystemMaintenance.Reboot', SYSTEM_EVENT_TYPES),
  eventStatus: text(undefined, SYSTEM_EVENT_STATUSES),
  executeStartTime: text('UTC; Executing, Executed, Canceled, Avoided only'),
  executeFinishTime: text('UTC; Executing, Executed, Canceled, Avoided only'),
  // Seen in the simulated-system-event tutorial's EventBridge sample only.
  regionId: text(),
  eventCategory: text(undefined, SYSTEM_EVENT_CATEGORIES),
};

const SYSTEM_EVENT_DESCRIPTIONS: Record<(typeof SYSTEM_EVENT_TYPES)[number], string> = {
  'SystemMaintenance.Reboot': 'Instance restart scheduled for maintenance',
  'SystemMaintenance.Redeploy': 'Instance redeployment scheduled for maintenance',
  'SystemMaintenance.Stop': 'Instance stop scheduled for maintenance',
  'SystemMaintenance.IsolateErrorDisk': 'Maintenance: isolate a faulty local disk',
  'SystemMaintenance.ReInitErrorDisk': 'Maintenance: re-initialize a faulty local disk',
  'SystemMaintenance.RebootAndIsolateErrorDisk': 'Maintenance: restart and isolate a faulty local disk',
  'SystemMaintenance.RebootAndReInitErrorDisk': 'Maintenance: restart and re-initialize a faulty local disk',
  'SystemMaintenance.CleanReleasedDisks': 'Maintenance: clean up released disks',
  'SystemFailure.Reboot': 'Instance restarted after a system fault',
  'SystemFailure.Redeploy': 'Instance redeployed after a system fault',
  'SystemFailure.Stop': 'Instance stopped after a system fault',
  'SystemFailure.Delete': 'Instance released after its creation failed',
  'InstanceFailure.Reboot': 'Instance restarted after an instance (guest) fault',
};

function ecs(type: string, description: string, data?: Record<string, FieldSchema>, cmsName?: string): EventTypeSpec {
  return { source: ECS_SOURCE, type: `ecs:${type}`, description, data, cmsName: cmsName ?? type };
}

function ess(type: string, description: string): EventTypeSpec {
  return { source: ESS_SOURCE, type: `ess:${type}`, description };
}

const systemEvents: EventTypeSpec[] = SYSTEM_EVENT_TYPES.flatMap((eventType) => [
  ecs(`Instance:${eventType}`, SYSTEM_EVENT_DESCRIPTIONS[eventType], SYSTEM_EVENT_DATA, `Instance:${eventType}`),
  ...SYSTEM_EVENT_STATUSES.map((status) => ({
    ...ecs(`Instance:${eventType}:${status}`, `${SYSTEM_EVENT_DESCRIPTIONS[eventType]} (${status})`, SYSTEM_EVENT_DATA),
    cmsName: `Instance:${eventType}:${status}`,
    variant: 'status in the type, as in the Cloud Monitor notification name',
  })),
]);

const simulatedSystemEvents: EventTypeSpec[] = SYSTEM_EVENT_STATUSES.map((status) => ({
  source: ECS_SOURCE,
  type: `ecs:SystemEvent:${status}`,
  description: `System event, ${status} (action in data.eventType)`,
  data: SYSTEM_EVENT_DATA,
  variant: 'form shown by the simulated system events tutorial; not in the ECS event list',
}));

/**
 * `data` of an SLS alert (`sls.alert`), which the project's own SLS alert rules publish to the bus through their
 * action policy. `labels` and `annotations` are free-form string maps (their keys are the rule's), so a pattern may
 * match any key under them.
 * @see https://help.aliyun.com/zh/sls/product-overview/events (format and sample)
 * @see https://www.alibabacloud.com/help/en/sls/variables-in-new-alert-templates (fields)
 */
const SLS_ALERT_DATA: Record<string, FieldSchema> = {
  aliuid: text('account id of the project'),
  region: text('region of the project'),
  project: text('SLS project of the alert rule'),
  alert_id: text('alert rule id, unique in the project'),
  alert_name: text('display name of the alert rule'),
  alert_instance_id: text('id of this evaluation'),
  alert_type: text(undefined, ['sls_alert']),
  next_eval_interval: { type: 'number', description: 'seconds to the next evaluation' },
  fire_time: { type: 'number', description: 'first firing, UNIX seconds' },
  alert_time: { type: 'number', description: 'this evaluation, UNIX seconds' },
  resolve_time: { type: 'number', description: 'resolution, UNIX seconds; 0 while firing' },
  status: text(undefined, SLS_ALERT_STATUSES),
  severity: { type: 'number', description: '2 report, 4 low, 6 medium, 8 high, 10 critical' },
  labels: { type: 'object', description: "the rule's and the group's labels" },
  annotations: { type: 'object', description: 'title, desc and the rule’s own annotations' },
};

/**
 * SLS alerts, under the source of the SLS event format (`acs:sls`) and, as a variant, the spelling of the services
 * on the default bus (`acs.sls`): which one the bus carries is UNCONFIRMED, so both are catalogued and matched.
 */
const slsAlerts: EventTypeSpec[] = SLS_ALERT_SOURCES.map((source) => ({
  source,
  type: SLS_ALERT_TYPE,
  description: 'An SLS alert of this project fired or resolved',
  data: SLS_ALERT_DATA,
  variant: source === 'acs:sls' ? undefined : 'source spelled like the services on the default bus (UNCONFIRMED)',
}));

/** The catalogue, ECS then Auto Scaling, then SLS alerts. */
export const EVENT_CATALOGUE: readonly EventTypeSpec[] = [
  ecs('Instance:StateChange', 'Instance lifecycle state change', {
    resourceId: INSTANCE_ID,
    resourceType: text(undefined, ['ALIYUN::ECS::Instance']),
    state: text(undefined, ['Pending', 'Starting', 'Running', 'Stopping', 'Stopped', 'Deleted']),
  }),
  ecs('Instance:PreemptibleInstanceInterruption', 'Spot instance about to be released (about 5 minutes ahead)', {
    instanceId: INSTANCE_ID,
    action: text(undefined, ['delete']),
  }),
  ...systemEvents,
  ...simulatedSystemEvents,
  ecs('Instance:LiveMigrationAcrossDDH', 'Hot migration of an instance between dedicated hosts', {
    instanceId: INSTANCE_ID,
    sourceDedicatedHostId: text('dh-…'),
    destinationDedicatedHostId: text('dh-…'),
    startTime: text('UTC'),
    endTime: text('UTC'),
    status: text(undefined, ['started', 'failed', 'accomplished']),
  }),
  ecs('Instance:PerformanceModeChange', 'Burstable instance performance mode changed', {
    instanceId: INSTANCE_ID,
    creditSpecification: text(undefined, ['Standard', 'Unlimited']),
    operator: text(undefined, ['User', 'System']),
  }),
  ecs('Instance:BurstablePerformanceRestricted', 'Burstable instance limited to its baseline (CPU credits exhausted)', {
    instanceId: INSTANCE_ID,
    intervalStart: text('UTC'),
    intervalEnd: text('UTC'),
  }),
  ecs('Instance:SurplusCreditIncurCharge', 'Burstable instance incurred extra charges'),
  ecs('Instance:AutoReactivateCompleted', 'Automatic restart completed'),
  ecs('Instance:Security.TpmAlert', 'TPM security warning'),
  ecs('Instance:VSwitchChanged', 'Instance vSwitch changed'),
  ecs('Disk:ConvertToPostpaidCompleted', 'Disk converted to pay-as-you-go (retention)'),
  ecs('Disk:DiskOperationCompleted', 'Data disk attached or detached'),
  ecs('Disk:OverduePaymentRelease', 'Block storage released for overdue payment'),
  ecs('Disk:ErrorDetected', 'Local disk corruption detected'),
  ecs('Disk:Stalled', 'Disk performance critically impacted'),
  ecs('NetworkInterface:NetworkInterfaceOperateCompleted', 'ENI operation completed'),
  ecs('NetworkInterface:PrivateIPAssigned', 'Private IPv4 address assigned to an ENI'),
  ecs('NetworkInterface:PrivateIPUnassigned', 'Private IPv4 address unassigned from an ENI'),
  ecs('NetworkInterface:PrivateIPv6Assigned', 'IPv6 address assigned to an ENI'),
  ecs('NetworkInterface:PrivateIPv6Unassigned', 'IPv6 address unassigned from an ENI'),
  ecs('NetworkInterface:SlaveEniWorkStateChanged', 'Secondary ENI working state changed'),
  ecs('Snapshot:CreateSnapshotCompleted', 'Snapshot creation finished, successfully or not (data.result)', {
    result: text(undefined, ['accomplished', 'failed']),
    snapshotId: text('s-…'),
    snapshotName: text(),
    snapshotType: text(undefined, ['user', 'timer', 'copied', 'imported']),
    diskId: text('d-…'),
    startTime: text('UTC'),
    endTime: text('UTC'),
  }),
  ecs('Snapshot:CreateSnapshotInitiated', 'Snapshot creation started'),
  ecs('Snapshot:SnapshotDeleted', 'Snapshot deleted'),
  ecs('ActionTrail:AliyunServiceEvent', 'Operation performed by an Alibaba Cloud service on an ECS resource'),
  ...['ScaleInStart', 'ScaleInSuccess', 'ScaleInPartialSuccess', 'ScaleInError'].map((a) =>
    ess(`ScalingActivity:${a}`, `Scale-in activity: ${a.slice(7)}`),
  ),
  ...['ScaleOutStart', 'ScaleOutSuccess', 'ScaleOutPartialSuccess', 'ScaleOutError'].map((a) =>
    ess(`ScalingActivity:${a}`, `Scale-out activity: ${a.slice(8)}`),
  ),
  ess('LifecycleHook:ScaleIn', 'Lifecycle hook triggered by a scale-in'),
  ess('LifecycleHook:ScaleOut', 'Lifecycle hook triggered by a scale-out'),
  ess('LifecycleHook:Test', 'Lifecycle hook test notification'),
  ess('ActionTrail:AliyunServiceEvent', 'Operation performed by an Alibaba Cloud service on a scaling resource'),
  ess('ActionTrail:ApiCall', 'Auto Scaling API call recorded by ActionTrail'),
  ess('ActionTrail:ConsoleOperation', 'Auto Scaling console operation recorded by ActionTrail'),
  // The Auto Scaling event list writes these as AUTOSCALING[X]; the ":" separator is our reading of it.
  ...[
    'SCALEINERROR',
    'SCALEINSTART',
    'SCALEINSUCCESS',
    'SCALEINWARN',
    'SCALEOUTERROR',
    'SCALEOUTSTART',
    'SCALEOUTSUCCESS',
    'SCALEOUTWARN',
    'SCALEREJECT',
    'SCHEDULETASKEXPIRING',
  ].map((x) => ess(`CloudMonitor:AUTOSCALING:${x}`, `Cloud Monitor Auto Scaling alert ${x}`)),
  ...slsAlerts.filter((spec) => spec.variant === undefined),
  ...slsAlerts.filter((spec) => spec.variant !== undefined),
];

// The first entry of a type wins: `sls.alert` is catalogued under two sources, its documented one first.
const BY_TYPE = new Map([...EVENT_CATALOGUE].reverse().map((spec) => [spec.type, spec]));

/** The catalogue entry of `type`, or undefined. */
export function findEventType(type: string): EventTypeSpec | undefined {
  return BY_TYPE.get(type);
}

/** The `source` values of the catalogue. */
export const CATALOGUE_SOURCES: readonly string[] = [...new Set(EVENT_CATALOGUE.map((s) => s.source))];

/**
 * Well-known mistakes and what to write instead, checked before the generic "did you mean". Keys are exact
 * pattern values (`type` or `source`).
 */
export const KNOWN_MISTAKES: Readonly<Record<string, string>> = {
  'ecs:Snapshot:CreateSnapshotFailed':
    'there is no CreateSnapshotFailed type: match "ecs:Snapshot:CreateSnapshotCompleted" with data.result ["failed"]',
  'ecs:Snapshot:CreateSnapshotSucceeded':
    'match "ecs:Snapshot:CreateSnapshotCompleted" with data.result ["accomplished"]',
  'aws.ecs': 'Alibaba Cloud ECS events have source "acs.ecs"',
  'aws.autoscaling': 'Alibaba Cloud Auto Scaling events have source "acs.ess"',
  'acs:ecs': 'the source is "acs.ecs" (a dot, not a colon)',
};
