/** The environment of the scale-out handler. */
export const SCALE_OUT_ENV = {
  /** Comma-separated scaling group ids looked after. */
  scalingGroupIds: 'SCALING_GROUP_IDS',
  /** Tag key that marks instances to protect from scale-in (set together with the value, or neither). */
  protectTagKey: 'PROTECT_TAG_KEY',
  protectTagValue: 'PROTECT_TAG_VALUE',
  /** Automatic snapshot policy applied to the disks of joining instances. @default - none */
  snapshotPolicyId: 'SNAPSHOT_POLICY_ID',
} as const;

/** The settings the stack passes to scale-out. */
export interface ScaleOutSettings {
  readonly scalingGroupIds: readonly string[];
  readonly protectTag: { readonly key: string; readonly value: string } | null;
  readonly snapshotPolicyId: string | null;
}

/** The environment for `settings`: unset variables for what is null. */
export function formatScaleOutEnv(settings: ScaleOutSettings): Record<string, string> {
  const { protectTag, snapshotPolicyId } = settings;
  return {
    [SCALE_OUT_ENV.scalingGroupIds]: settings.scalingGroupIds.join(','),
    ...(protectTag === null
      ? {}
      : { [SCALE_OUT_ENV.protectTagKey]: protectTag.key, [SCALE_OUT_ENV.protectTagValue]: protectTag.value }),
    ...(snapshotPolicyId === null ? {} : { [SCALE_OUT_ENV.snapshotPolicyId]: snapshotPolicyId }),
  };
}
