/** The environment of the dlq-check handler (besides the alert channels, contract/env/secrets.ts). */
export const DLQ_CHECK_ENV = {
  /** Comma-separated names of the dead-letter queues to watch. */
  queueNames: 'DLQ_QUEUE_NAMES',
} as const;

/** The settings the stack passes to dlq-check. */
export interface DlqCheckSettings {
  readonly queueNames: readonly string[];
}

/** The environment for `settings`. */
export function formatDlqCheckEnv(settings: DlqCheckSettings): Record<string, string> {
  return { [DLQ_CHECK_ENV.queueNames]: settings.queueNames.join(',') };
}
