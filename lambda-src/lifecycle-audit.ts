import { type CommonConfig, type Env, loadCommonConfig } from './commons/config';
import type { HandlerResult } from './commons/context';
import type { InstanceStateChangeEvent } from './commons/envelope';
import { type BaseDeps, createFcHandler, type HandlerSpec } from './commons/handler';

/**
 * lifecycle-audit: archives every `ecs:Instance:StateChange` event to OSS (seed scenario 1, "log instance creation
 * and release"). Released instances vanish from the console; the archive is the audit trail.
 *
 * Archive key scheme (stable; consumers and lifecycle rules depend on it):
 * `archive/<source>/<type>/region=<region>/date=<yyyy-mm-dd>/instance=<instanceId>/<eventId>.json`
 * - `date` is the UTC day of the event time, or of the processing time when the event time cannot be parsed;
 * - the event id as file name makes a repeated write land on the same key (idempotent);
 * - `key=value` folders let SLS/MaxCompute/Athena-style tools treat them as partitions.
 */

/** Dependencies of {@link handle}. */
export type LifecycleAuditDeps = BaseDeps;

/** `created` for Pending/Created, `deleted` for Deleted, otherwise undefined. */
export function lifecycleOf(state: InstanceStateChangeEvent['state']): 'created' | 'deleted' | undefined {
  if (state === 'Pending' || state === 'Created') return 'created';
  if (state === 'Deleted') return 'deleted';
  return undefined;
}

/** The archive object key for an event. */
export function archiveKey(event: InstanceStateChangeEvent, region: string, nowMs: number): string {
  const day = new Date(event.timeMs ?? nowMs).toISOString().slice(0, 10);
  return [
    'archive',
    event.source,
    event.type,
    `region=${region}`,
    `date=${day}`,
    `instance=${event.instanceId}`,
    `${encodeURIComponent(event.id)}.json`,
  ].join('/');
}

/** Core: writes the original envelope plus normalized fields. */
export async function handle(event: InstanceStateChangeEvent, deps: LifecycleAuditDeps): Promise<HandlerResult> {
  const region = event.region ?? 'unknown-region';
  const key = archiveKey(event, region, deps.now());
  const lifecycle = lifecycleOf(event.state);
  const record = {
    normalized: {
      id: event.id,
      source: event.source,
      type: event.type,
      format: event.format,
      time: event.time ?? null,
      timeIso: event.timeMs === undefined ? null : new Date(event.timeMs).toISOString(),
      region,
      accountId: event.accountId ?? null,
      instanceId: event.instanceId,
      state: event.state,
      lifecycle: lifecycle ?? null,
      archivedAt: new Date(deps.now()).toISOString(),
    },
    original: event.raw,
  };
  // No forbid-overwrite: a redelivery (after an expired idempotency marker) rewrites identical content.
  await deps.store.putObject(key, `${JSON.stringify(record)}\n`, { contentType: 'application/json' });
  return { outcome: 'ok', state: event.state, lifecycle, archiveKey: key };
}

/** Wiring of this function. */
export const spec: HandlerSpec<'InstanceStateChange', CommonConfig, LifecycleAuditDeps> = {
  name: 'lifecycle-audit',
  kind: 'InstanceStateChange',
  loadConfig: (env: Env) => loadCommonConfig(env),
  buildDeps: (_config, _context, base) => base,
  handle,
};

/** FC entry point (`index.handler`). */
export const handler = createFcHandler(spec, process.env);
