/** The environment of the spot-drain handler. */
export const SPOT_DRAIN_ENV = {
  /** Comma-separated vServer group ids; empty = discover the groups of the instance. */
  vServerGroupIds: 'DRAIN_VSERVER_GROUP_IDS',
} as const;

/** The settings the stack passes to spot-drain. */
export interface SpotDrainSettings {
  readonly vServerGroupIds: readonly string[];
}

/** The environment for `settings`. */
export function formatSpotDrainEnv(settings: SpotDrainSettings): Record<string, string> {
  return { [SPOT_DRAIN_ENV.vServerGroupIds]: settings.vServerGroupIds.join(',') };
}
