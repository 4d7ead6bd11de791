/** The environment of the dlq-check handler (besides the alert channels, contract/env/secrets.ts). */
export const DLQ_CHECK_ENV = {
  /** Comma-separated names of the dead-letter queues to watch. */
  queueNames: 'DLQ_QUEUE_NAMES',
  /** `true`: dlq-check sends the alert itself; `false`: it only writes depth records (an SLS alert pages). */
  page: 'DLQ_PAGE',
} as const;

/** The settings the stack passes to dlq-check. */
export interface DlqCheckSettings {
  readonly queueNames: readonly string[];
  /** Whether dlq-check pages (`deadLetterCheck.alertVia: "function"`). */
  readonly page: boolean;
}

/** The environment for `settings`. */
export function formatDlqCheckEnv(settings: DlqCheckSettings): Record<string, string> {
  return { [DLQ_CHECK_ENV.queueNames]: settings.queueNames.join(','), [DLQ_CHECK_ENV.page]: String(settings.page) };
}
