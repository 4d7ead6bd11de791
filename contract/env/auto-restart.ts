/** The environment of the auto-restart handler. */
export const AUTO_RESTART_ENV = {
  /** The opt-in tag key. @default auto-restart */
  tagKey: 'RESTART_TAG_KEY',
  /** The opt-in tag value. @default true */
  tagValue: 'RESTART_TAG_VALUE',
  /** Restarts per instance and rolling hour. @default 3 */
  maxRestartsPerHour: 'RESTART_MAX_PER_HOUR',
} as const;

/** The settings the stack passes to auto-restart. */
export interface AutoRestartSettings {
  readonly tagKey: string;
  readonly tagValue: string;
  readonly maxRestartsPerHour: number;
}

/** The environment for `settings`. */
export function formatAutoRestartEnv(settings: AutoRestartSettings): Record<string, string> {
  return {
    [AUTO_RESTART_ENV.tagKey]: settings.tagKey,
    [AUTO_RESTART_ENV.tagValue]: settings.tagValue,
    [AUTO_RESTART_ENV.maxRestartsPerHour]: String(settings.maxRestartsPerHour),
  };
}
