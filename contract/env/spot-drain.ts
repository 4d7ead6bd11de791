/** The environment of the spot-drain handler. */
export const SPOT_DRAIN_ENV = {
  /** Comma-separated CLB vServer group ids; empty = discover the CLB groups of the instance (default groups too). */
  vServerGroupIds: 'DRAIN_VSERVER_GROUP_IDS',
  /** Comma-separated ALB server group ids; empty = look in every ALB server group of the region. */
  albServerGroupIds: 'DRAIN_ALB_SERVER_GROUP_IDS',
  /** Comma-separated NLB server group ids; empty = look in every NLB server group of the region. */
  nlbServerGroupIds: 'DRAIN_NLB_SERVER_GROUP_IDS',
  /** Seconds between weight 0 and removal. @default 60 */
  drainSeconds: 'DRAIN_SECONDS',
} as const;

/**
 * `spotDrain.drainSeconds`: default and bounds. ECS sends the interruption notice about 5 minutes before it releases
 * a spot instance; at most 240 s of waiting leaves a minute of that window for discovery, the weight changes and the
 * removal (and the function's timeout is raised to `drainSeconds` + 30 s, see {@link SPOT_DRAIN_TIMEOUT_MARGIN_SECONDS}).
 * 0 removes at once, without a drain.
 * @see https://www.alibabacloud.com/help/en/ecs/user-guide/spot-instance-interruption-events
 */
export const DRAIN_SECONDS = { default: 60, min: 0, max: 240 } as const;

/** The spot-drain function's timeout is at least `drainSeconds` plus this. */
export const SPOT_DRAIN_TIMEOUT_MARGIN_SECONDS = 30;

/** The settings the stack passes to spot-drain. */
export interface SpotDrainSettings {
  readonly vServerGroupIds: readonly string[];
  readonly albServerGroupIds: readonly string[];
  readonly nlbServerGroupIds: readonly string[];
  readonly drainSeconds: number;
}

/** The environment for `settings`. */
export function formatSpotDrainEnv(settings: SpotDrainSettings): Record<string, string> {
  return {
    [SPOT_DRAIN_ENV.vServerGroupIds]: settings.vServerGroupIds.join(','),
    [SPOT_DRAIN_ENV.albServerGroupIds]: settings.albServerGroupIds.join(','),
    [SPOT_DRAIN_ENV.nlbServerGroupIds]: settings.nlbServerGroupIds.join(','),
    [SPOT_DRAIN_ENV.drainSeconds]: String(settings.drainSeconds),
  };
}
