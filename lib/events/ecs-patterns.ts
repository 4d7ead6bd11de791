import { ECS_SOURCE, EVENT_TYPES } from '../../contract/events';
import { SYSTEM_EVENT_CATEGORIES, type SYSTEM_EVENT_STATUSES, type SYSTEM_EVENT_TYPES } from './catalogue';
import type { EventPattern, Matcher } from './pattern';

/** The event sources, re-exported from the contract for the pattern builders' users. */
export { ECS_SOURCE, ESS_SOURCE } from '../../contract/events';

/** Instance states of `ecs:Instance:StateChange`, per the ECS event notification reference. */
export const INSTANCE_STATES = ['Pending', 'Starting', 'Running', 'Stopping', 'Stopped', 'Deleted'] as const;

/** One instance state. */
export type InstanceState = (typeof INSTANCE_STATES)[number];

/** One system event category. */
export type SystemEventCategory = (typeof SYSTEM_EVENT_CATEGORIES)[number];

/** One system event type, e.g. `SystemMaintenance.Reboot`. */
export type SystemEventType = (typeof SYSTEM_EVENT_TYPES)[number];

/** One system event status. */
export type SystemEventStatus = (typeof SYSTEM_EVENT_STATUSES)[number];

/**
 * Matches `ecs:Instance:StateChange` events, optionally only those reaching one of `states` (`data.state`).
 *
 * @example instanceStateChange(['Stopped']) // instances that stopped
 */
export function instanceStateChange(states?: readonly InstanceState[]): EventPattern {
  return {
    source: [ECS_SOURCE],
    type: [EVENT_TYPES.instanceStateChange],
    ...(states === undefined ? {} : { data: { state: [...states] } }),
  };
}

/** Matches spot (preemptible) instance interruption notices, sent about 5 minutes before the instance is released. */
export function preemptibleInstanceInterruption(): EventPattern {
  return { source: [ECS_SOURCE], type: [EVENT_TYPES.preemptibleInstanceInterruption] };
}

/** Options of {@link systemEvents}. */
export interface SystemEventsOptions {
  /** Categories to match. @default all three */
  readonly categories?: readonly SystemEventCategory[];
  /** Only these event types (`data.eventType`), at most 5. @default every type of the categories */
  readonly eventTypes?: readonly SystemEventType[];
  /** Only these statuses (`data.eventStatus`), at most 5. @default every status */
  readonly statuses?: readonly SystemEventStatus[];
}

/**
 * Matches ECS system events in every documented form (see catalogue.ts): `ecs:Instance:<eventType>`, the same with a
 * `:<status>` suffix, and `ecs:SystemEvent:<status>`. The type is matched by prefix (one expression per category,
 * plus one for `ecs:SystemEvent:`), and the selection is made on `data.eventType` and `data.eventStatus`, which every
 * form carries.
 *
 * @example systemEvents({ categories: ['SystemMaintenance'], statuses: ['Scheduled'] })
 */
export function systemEvents(options: SystemEventsOptions = {}): EventPattern {
  const categories = options.categories ?? SYSTEM_EVENT_CATEGORIES;
  const data: Record<string, Matcher[]> = {
    eventType: options.eventTypes ? [...options.eventTypes] : categories.map((c) => ({ prefix: `${c}.` })),
  };
  if (options.statuses) data.eventStatus = [...options.statuses];
  return {
    source: [ECS_SOURCE],
    type: [...categories.map((c) => ({ prefix: `ecs:Instance:${c}.` })), { prefix: 'ecs:SystemEvent:' }],
    data,
  };
}

/**
 * Matches snapshot creation results, optionally only one result. There is no `CreateSnapshotFailed` type: a failed
 * snapshot is `ecs:Snapshot:CreateSnapshotCompleted` with `data.result` = `failed`.
 *
 * @example snapshotCompleted('failed')
 */
export function snapshotCompleted(result?: 'accomplished' | 'failed'): EventPattern {
  return {
    source: [ECS_SOURCE],
    type: [EVENT_TYPES.snapshotCompleted],
    ...(result === undefined ? {} : { data: { result: [result] } }),
  };
}

/**
 * Matches every event of the given services: the pattern of an audit rule.
 *
 * @example allEventsOf([ECS_SOURCE, ESS_SOURCE])
 */
export function allEventsOf(sources: readonly string[]): EventPattern {
  return { source: [...sources] };
}
