import { archiveRecord, putArchive, archiveKey as sharedArchiveKey } from './commons/archive';
import { type CommonConfig, type Env, loadCommonConfig } from './commons/config';
import type { HandlerResult } from './commons/context';
import type { InstanceStateChangeEvent } from './commons/envelope';
import { type BaseDeps, createFcHandler, type HandlerSpec } from './commons/handler';

/**
 * lifecycle-audit: archives every `ecs:Instance:StateChange` event to OSS (seed scenario 1, "log instance creation
 * and release"). Released instances vanish from the console; the archive is the audit trail.
 *
 * Archive key: `archive/<source>/<type>/region=<region>/date=<yyyy-mm-dd>/instance=<instanceId>/<eventId>.json`,
 * the scheme of commons/archive.ts, shared with event-archive.
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
  return sharedArchiveKey({
    folders: [event.source, event.type],
    region,
    event,
    nowMs,
    instanceId: event.instanceId,
  });
}

/** Core: writes the original envelope plus normalized fields. */
export async function handle(event: InstanceStateChangeEvent, deps: LifecycleAuditDeps): Promise<HandlerResult> {
  // As every handler: an event that does not say its region happened in the function's region (events of other
  // regions are refused before this point).
  const region = event.region ?? deps.region;
  const key = archiveKey(event, region, deps.now());
  const lifecycle = lifecycleOf(event.state);
  const record = archiveRecord(event, region, deps.now(), {
    instanceId: event.instanceId,
    state: event.state,
    lifecycle: lifecycle ?? null,
  });
  await putArchive(deps.store, key, record);
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
