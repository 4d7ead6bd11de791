/** Event constants both the rules (lib/events) and the handlers need. */

/** The `source` of every ECS event on the default bus. */
export const ECS_SOURCE = 'acs.ecs';

/** The `source` of Auto Scaling events (by analogy with `acs.ecs`; see lib/events/catalogue.ts). */
export const ESS_SOURCE = 'acs.ess';

/** Event types a handler or a built-in rule names. */
export const EVENT_TYPES = {
  instanceStateChange: 'ecs:Instance:StateChange',
  preemptibleInstanceInterruption: 'ecs:Instance:PreemptibleInstanceInterruption',
  snapshotCompleted: 'ecs:Snapshot:CreateSnapshotCompleted',
  scaleOutSuccess: 'ess:ScalingActivity:ScaleOutSuccess',
} as const;
