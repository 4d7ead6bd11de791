import { ECS_SOURCE, ESS_SOURCE } from '../contract/events';
import { archiveKey, archiveRecord, putArchive } from './commons/archive';
import { type CommonConfig, type Env, loadCommonConfig } from './commons/config';
import type { HandlerResult } from './commons/context';
import { namedInstanceId, type OtherEvent } from './commons/envelope';
import { type BaseDeps, createFcHandler, type HandlerSpec } from './commons/handler';

/**
 * event-archive: the all-events audit trail. Archives every `acs.ecs` and `acs.ess` event, of any type, including
 * types the event catalogue does not know yet, exactly like lifecycle-audit archives state changes:
 * `archive/<source>/<type>/region=<region>/date=<yyyy-mm-dd>[/instance=<instanceId>]/<eventId>.json` holding
 * `{ normalized, original }` (commons/archive.ts).
 *
 * The payload is deliberately not validated beyond the envelope: an audit that refused a state change with a state
 * it does not know, or a system event of a new type, would lose exactly the events worth keeping. The `instance=`
 * folder is added when the event names an instance (`data.instanceId`, or `data.resourceId` starting with `i-`).
 * The region is the event's, or the function's when the event does not say.
 */

/** Sources this function archives. */
export const ARCHIVED_SOURCES = [ECS_SOURCE, ESS_SOURCE] as const;

/** Dependencies of {@link handle}. */
export type EventArchiveDeps = BaseDeps;

/** Core: writes the original envelope plus normalized fields. */
export async function handle(event: OtherEvent, deps: EventArchiveDeps): Promise<HandlerResult> {
  const region = event.region ?? deps.region;
  const instanceId = namedInstanceId(event);
  const now = deps.now();
  const key = archiveKey({ folders: [event.source, event.type], region, event, nowMs: now, instanceId });
  await putArchive(deps.store, key, archiveRecord(event, region, now, { instanceId: instanceId ?? null }));
  return { outcome: 'ok', archiveKey: key };
}

/** Wiring of this function. */
export const spec: HandlerSpec<'Other', CommonConfig, EventArchiveDeps> = {
  name: 'event-archive',
  kind: 'Other',
  parsing: 'envelope',
  sources: ARCHIVED_SOURCES,
  loadConfig: (env: Env) => loadCommonConfig(env),
  buildDeps: (_config, _context, base) => base,
  handle,
};

/** FC entry point (`index.handler`). */
export const handler = createFcHandler(spec, process.env);
