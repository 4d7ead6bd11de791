import type { EventPattern } from './pattern';

/** The `source` of every ECS event on the default bus. */
export const ECS_SOURCE = 'acs.ecs';

/** Instance states of `ecs:Instance:StateChange`, per the ECS event notification reference. */
export const INSTANCE_STATES = ['Pending', 'Starting', 'Running', 'Stopping', 'Stopped', 'Deleted'] as const;

/** One instance state. */
export type InstanceState = (typeof INSTANCE_STATES)[number];

/**
 * Matches `ecs:Instance:StateChange` events, optionally only those reaching one of `states` (`data.state`).
 *
 * @example instanceStateChange(['Stopped']) // instances that stopped
 */
export function instanceStateChange(states?: readonly InstanceState[]): EventPattern {
  return {
    source: [ECS_SOURCE],
    type: ['ecs:Instance:StateChange'],
    ...(states === undefined ? {} : { data: { state: [...states] } }),
  };
}

/** Matches spot (preemptible) instance interruption notices, sent about 5 minutes before the instance is released. */
export function preemptibleInstanceInterruption(): EventPattern {
  return { source: [ECS_SOURCE], type: ['ecs:Instance:PreemptibleInstanceInterruption'] };
}
