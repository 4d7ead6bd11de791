/**
 * The typed configuration of ecs-event-ops, read from the CDK context key {@link CONTEXT_KEY}.
 *
 * Shape of the context value (every key optional):
 * ```json
 * { "regions": ["cn-hangzhou"], "namePrefix": "ecs-event-ops", "assetsQualifier": "eeo",
 *   "archive": { ... }, "functions": { ... }, "autoRestart": { ... }, "spotDrain": { ... },
 *   "cn-shanghai": { "spotDrain": { "vServerGroupIds": ["rsp-..."] } } }
 * ```
 * Settings at the top level are shared by every region; a block keyed by a region id overrides them for that
 * region (objects merge key by key, lists replace). Defaults are in {@link DEFAULT_SETTINGS}.
 */

/** The context key that holds the whole configuration. */
export const CONTEXT_KEY = 'ecs-event-ops';

/** The OSS archive bucket. */
export interface ArchiveSettings {
  /** Days after which archived events expire. 1 to 36500. @default 365 */
  readonly retentionDays: number;
  /** Days after which archived events move to the IA storage class; null keeps them Standard. @default 30 */
  readonly infrequentAccessAfterDays: number | null;
}

/** Every Function Compute handler of the region. */
export interface FunctionSettings {
  /** Memory per instance, MB: 128 to 3072, a multiple of 64 (FC 2.0 limits). @default 256 */
  readonly memoryMb: number;
  /** Timeout, seconds: 10 to 600. @default 60 */
  readonly timeoutSeconds: number;
  /** FC asynchronous-invocation retries after a handler error, before the event goes to the DLQ: 0 to 8. @default 2 */
  readonly asyncRetryAttempts: number;
  /** Largest allowed handler bundle, KB: 50 to 5000. Synth fails above it. @default 350 */
  readonly bundleBudgetKb: number;
  /** Days the functions' logs are kept in SLS: 1 to 3600 (the SLS logstore TTL limit). @default 30 */
  readonly logRetentionDays: number;
}

/** Scenario 2: restart instances that stop, when they opted in by tag. */
export interface AutoRestartSettings {
  /** @default true */
  readonly enabled: boolean;
  /** Tag key an instance must carry to be restarted. @default "auto-restart" */
  readonly tagKey: string;
  /** Value the tag must have. @default "true" */
  readonly tagValue: string;
  /** Restarts allowed per instance in any sliding hour (the restart-loop breaker): 1 to 20. @default 3 */
  readonly maxRestartsPerHour: number;
  /**
   * Scope the role's `ecs:StartInstance` to instances carrying the tag (`acs:ResourceTag/<tagKey>`). Whether
   * StartInstance evaluates that key is not confirmed by its API reference: turn this off if tagged instances get
   * `Forbidden.RAM`; the handler re-checks the tag either way.
   * @default true
   */
  readonly ramTagCondition: boolean;
}

/** Scenario 3: take spot instances out of SLB vServer groups when they are about to be reclaimed. */
export interface SpotDrainSettings {
  /** @default true */
  readonly enabled: boolean;
  /** Restrict draining to these vServer groups (`rsp-…`); empty means discover them through the SLB API. @default [] */
  readonly vServerGroupIds: readonly string[];
}

/** System events and instance-health events, turned into alerts by the notify function. */
export interface SystemEventSettings {
  /** @default true */
  readonly enabled: boolean;
}

/**
 * Alert channels. Each one turned on adds NoEcho ROS parameters that take its URL and secret at deploy time; the
 * stack keeps each value in a secret store, and the functions read it from there at run time (their configuration
 * holds only the secret's name).
 */
export interface NotificationSettings {
  /** DingTalk custom robot: parameters `DingTalkWebhookUrl` and `DingTalkSecret`. @default false */
  readonly dingTalk: boolean;
  /** Generic HTTPS webhook: parameters `WebhookUrl` and `WebhookToken` (sent as a bearer token). @default false */
  readonly webhook: boolean;
  /**
   * Where the channel secrets are kept: `oos` (OOS secret parameters, encrypted with the OOS default KMS key) or
   * `kms` (KMS generic secrets; on KMS 3.0 they live in a paid KMS instance, see `kmsInstanceId`). @default "oos"
   */
  readonly secretStore: 'oos' | 'kms';
  /** KMS instance (`kst-…`) of the `kms` store; ignored by `oos`. @default null (no instance given) */
  readonly kmsInstanceId: string | null;
}

/** The scheduled check that alerts when a dead-letter queue holds messages (the `dlq-check` automation). */
export interface DeadLetterCheckSettings {
  /** Deploy the check (a function run by an FC timer trigger). @default true */
  readonly enabled: boolean;
  /** Minutes between two checks: 5 to 1440. @default 15 */
  readonly intervalMinutes: number;
}

/** The all-events audit trail. */
export interface AuditSettings {
  /** Archive every `acs.ecs` and `acs.ess` event. @default true */
  readonly enabled: boolean;
}

/** An automatic snapshot policy (`ALIYUN::ECS::AutoSnapshotPolicy`). */
export interface SnapshotPolicySettings {
  /** Hours of the day (0 to 23, UTC+8 per ECS) at which snapshots are taken. Seed 003's "02:00" is `[2]`. */
  readonly timePoints: readonly number[];
  /** Days of the week, 1 (Monday) to 7. */
  readonly repeatWeekdays: readonly number[];
  /** Days snapshots are kept: 1 to 65536, or -1 for ever. */
  readonly retentionDays: number;
  /** Disks (`d-…`) the policy applies to at deploy. @default [] */
  readonly diskIds: readonly string[];
}

/** Snapshot results and policies. */
export interface SnapshotSettings {
  /** Archive every snapshot result and alert on failed ones. @default true */
  readonly enabled: boolean;
  /**
   * HTTPS endpoint of an external monitoring system that receives failed-snapshot events through an EventBridge API
   * destination, authenticated with the bearer token of the NoEcho parameter `MonitoringToken`. At most 127
   * characters. @default null (no API destination)
   */
  readonly monitoringEndpoint: string | null;
  /** @default null (no policy) */
  readonly policy: SnapshotPolicySettings | null;
}

/** A scaling group and the instances to protect from scale-in. */
export interface ScalingGroupSettings {
  /** `asg-…` */
  readonly id: string;
  /** Instances (`i-…`) protected from scale-in at deploy, unprotected when removed. @default [] */
  readonly protectedInstanceIds: readonly string[];
}

/** Auto Scaling: instance protection and backups of the instances that join. */
export interface AutoScalingSettings {
  /** Existing scaling groups of the region. @default [] */
  readonly scalingGroups: readonly ScalingGroupSettings[];
  /** Instances joining a group with this tag are protected from scale-in; null turns it off. @default {key:"protect",value:"true"} */
  readonly protectTag: { readonly key: string; readonly value: string } | null;
  /** Apply `snapshots.policy` to every disk of the instances that join a group. @default false */
  readonly applySnapshotPolicy: boolean;
}

/** Settings that may be shared or set per region. */
export interface RegionSettings {
  readonly archive: ArchiveSettings;
  readonly functions: FunctionSettings;
  readonly autoRestart: AutoRestartSettings;
  readonly spotDrain: SpotDrainSettings;
  readonly systemEvents: SystemEventSettings;
  readonly notifications: NotificationSettings;
  readonly deadLetterCheck: DeadLetterCheckSettings;
  readonly audit: AuditSettings;
  readonly snapshots: SnapshotSettings;
  readonly autoScaling: AutoScalingSettings;
  /** Activate FC, MNS, SLS and OSS on a fresh account (`ALIYUN::ROS::AutoEnableService`). @default false */
  readonly activateServices: boolean;
}

/** The settings of one region stack, with the app-wide names it needs. */
export interface RegionConfig extends RegionSettings {
  /** Region id, e.g. `cn-hangzhou`. */
  readonly region: string;
  /** Prefix of every resource name. */
  readonly namePrefix: string;
}

/** A deliberate exception to a synth-time policy rule. */
export interface PolicySuppression {
  /** Rule id, e.g. `ram-least-privilege`. */
  readonly rule: string;
  /** `<stack>/<logicalId>`, or `<logicalId>` for every region. */
  readonly resource: string;
  /** Why the exception is safe: shown in every policy report. */
  readonly reason: string;
}

/** The whole validated configuration. */
export interface AppConfig {
  /** Suppressed policy findings. @default [] */
  readonly policySuppressions: readonly PolicySuppression[];
  /** One entry per deployed region, in the order of `regions`. */
  readonly regions: readonly RegionConfig[];
  /** Qualifier of the asset bucket `cdk-<qualifier>-assets-<region>` the ROS CDK CLI uploads code to. */
  readonly assetsQualifier: string;
  /** Prefix of every resource name. */
  readonly namePrefix: string;
}

/** Defaults applied under the shared settings and region blocks. */
export const DEFAULT_SETTINGS: RegionSettings = {
  archive: { retentionDays: 365, infrequentAccessAfterDays: 30 },
  functions: { memoryMb: 256, timeoutSeconds: 60, asyncRetryAttempts: 2, bundleBudgetKb: 350, logRetentionDays: 30 },
  autoRestart: {
    enabled: true,
    tagKey: 'auto-restart',
    tagValue: 'true',
    maxRestartsPerHour: 3,
    ramTagCondition: true,
  },
  spotDrain: { enabled: true, vServerGroupIds: [] },
  systemEvents: { enabled: true },
  notifications: { dingTalk: false, webhook: false, secretStore: 'oos', kmsInstanceId: null },
  deadLetterCheck: { enabled: true, intervalMinutes: 15 },
  audit: { enabled: true },
  snapshots: { enabled: true, monitoringEndpoint: null, policy: null },
  autoScaling: { scalingGroups: [], protectTag: { key: 'protect', value: 'true' }, applySnapshotPolicy: false },
  activateServices: false,
};

/** Default name prefix. */
export const DEFAULT_NAME_PREFIX = 'ecs-event-ops';

/**
 * Default asset qualifier. OSS bucket names are global, so teams sharing a region with other users of this
 * project should set their own (README, "Configuration").
 */
export const DEFAULT_ASSETS_QUALIFIER = 'eeo';
