/** The environment of the scale-in-hook handler. */
export const SCALE_IN_HOOK_ENV = {
  /** Comma-separated scaling group ids whose scale-in hook notifications the handler acts on. */
  scalingGroupIds: 'HOOK_SCALING_GROUP_IDS',
  /** `CONTINUE` or `ABANDON`: the result on a failed drain or snapshot (and the hook's own DefaultResult). */
  defaultResult: 'HOOK_DEFAULT_RESULT',
  /** Seconds each RecordLifecycleActionHeartbeat extends the wait by (30 to 21600). */
  heartbeatTimeoutSeconds: 'HEARTBEAT_TIMEOUT_SECONDS',
  /** `true` or `false`: snapshot the data disks before release. */
  snapshotDataDisks: 'SNAPSHOT_DATA_DISKS',
  /** Days the snapshots are kept (CreateSnapshot `RetentionDays`). @default - unset: kept until deleted */
  snapshotRetentionDays: 'SNAPSHOT_RETENTION_DAYS',
  /** Minutes after the first notification when the handler stops waiting and completes with the default result. */
  maxWaitMinutes: 'MAX_WAIT_MINUTES',
} as const;

/** ESS lifecycle transitions (`LifecycleTransition` of a hook, `lifecycleTransition` of its notification). */
export const LIFECYCLE_TRANSITIONS = { scaleIn: 'SCALE_IN', scaleOut: 'SCALE_OUT' } as const;
/** A lifecycle transition. */
export type LifecycleTransition = (typeof LIFECYCLE_TRANSITIONS)[keyof typeof LIFECYCLE_TRANSITIONS];

/** The lifecycle action results the handler may complete with on a scale-in. */
export const LIFECYCLE_RESULTS = ['CONTINUE', 'ABANDON'] as const;
/** A lifecycle action result. */
export type LifecycleResult = (typeof LIFECYCLE_RESULTS)[number];

/** The settings the stack passes to scale-in-hook. */
export interface ScaleInHookEnvSettings {
  readonly scalingGroupIds: readonly string[];
  readonly defaultResult: LifecycleResult;
  readonly heartbeatTimeoutSeconds: number;
  readonly snapshotDataDisks: boolean;
  readonly snapshotRetentionDays: number | null;
  readonly maxWaitMinutes: number;
}

/** The environment for `settings`: unset variables for what is null. */
export function formatScaleInHookEnv(settings: ScaleInHookEnvSettings): Record<string, string> {
  return {
    [SCALE_IN_HOOK_ENV.scalingGroupIds]: settings.scalingGroupIds.join(','),
    [SCALE_IN_HOOK_ENV.defaultResult]: settings.defaultResult,
    [SCALE_IN_HOOK_ENV.heartbeatTimeoutSeconds]: String(settings.heartbeatTimeoutSeconds),
    [SCALE_IN_HOOK_ENV.snapshotDataDisks]: String(settings.snapshotDataDisks),
    ...(settings.snapshotRetentionDays === null
      ? {}
      : { [SCALE_IN_HOOK_ENV.snapshotRetentionDays]: String(settings.snapshotRetentionDays) }),
    [SCALE_IN_HOOK_ENV.maxWaitMinutes]: String(settings.maxWaitMinutes),
  };
}
