/**
 * Key layout of the archive bucket, shared by the bucket's lifecycle rules and RAM scopes (lib/) and the handlers
 * that write under it (lambda-src/). Each prefix has its own lifecycle rule.
 */
export const ARCHIVE_PREFIXES = {
  /** Archived events and alerts, kept `archive.retentionDays`. */
  archive: 'archive/',
  /** Idempotency markers, kept for the idempotency window plus a day (contract/retention.ts). */
  idempotency: 'idempotency/',
  /** Handler state such as restart counters and delivery records, kept like the markers. */
  state: 'state/',
} as const;

/** The folder under `archive/` that holds alerts (events are archived under `<source>/<type>`). */
export const ALERTS_FOLDER = 'alerts';

/** `archive/alerts/`: where notify archives every alert. */
export const ALERTS_PREFIX = `${ARCHIVE_PREFIXES.archive}${ALERTS_FOLDER}/`;

/** `state/<automation>/`: the state of one automation (restart records, delivery records, queue state). */
export function statePrefix(automation: string): string {
  return `${ARCHIVE_PREFIXES.state}${automation}/`;
}

/** `idempotency/<function name>/<digest>.json`: the marker of one completed event. */
export function idempotencyKey(functionName: string, digest: string): string {
  return `${ARCHIVE_PREFIXES.idempotency}${functionName}/${digest}.json`;
}

/**
 * Keys of notify's alert policy state (`lambda-src/notify/alert-state.ts`), all under `state/notify/`, so
 * they expire with the other handler state. `digest` arguments are sha256 hex digests computed by the handler.
 */
export const NOTIFY_STATE = {
  /** `state/notify/alerted/<digest of identity and status>.json`: this alert identity was paged with this status. */
  alerted: (digest: string) => `${statePrefix('notify')}alerted/${digest}.json`,
  /** `state/notify/threads/<alert digest>.json`: the first alert of an identity, which later statuses refer to. */
  thread: (digest: string) => `${statePrefix('notify')}threads/${digest}.json`,
  /** `state/notify/groups/<group digest>/<window>/`: one grouping window (leader, members, closed, flushed). */
  window: (digest: string, window: number) => `${statePrefix('notify')}groups/${digest}/${window}/`,
} as const;
