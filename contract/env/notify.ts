/** The environment of the notify handler (besides the alert channels, contract/env/secrets.ts). */
export const NOTIFY_ENV = {
  /** IANA time zone the alert times are shown in. */
  timeZone: 'REGION_TIME_ZONE',
} as const;

/** The settings the stack passes to notify. */
export interface NotifySettings {
  readonly timeZone: string;
}

/** The environment for `settings`. */
export function formatNotifyEnv(settings: NotifySettings): Record<string, string> {
  return { [NOTIFY_ENV.timeZone]: settings.timeZone };
}
