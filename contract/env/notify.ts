/** The environment of the notify handler (besides the alert channels, contract/env/secrets.ts). */
export const NOTIFY_ENV = {
  /** IANA time zone the alert times are shown in. */
  timeZone: 'REGION_TIME_ZONE',
  /**
   * Seconds an alert waits for others of the same wave (`notifications.groupingWindowSeconds`); `0` or unset sends
   * every alert on its own.
   */
  groupingWindowSeconds: 'ALERT_GROUPING_WINDOW_SECONDS',
  /** JSON `{ "<channel>": { "include": [...], "exclude": [...] } }`; unset = every type on every channel. */
  eventTypes: 'ALERT_EVENT_TYPES',
  /** JSON list of {@link MuteWindow}; unset = never muted. */
  muteWindows: 'ALERT_MUTE_WINDOWS',
} as const;

/** The channel names of the alert policy, as the handler names its channels (`dingtalk`, `webhook`). */
export const ALERT_CHANNEL_NAMES = ['dingtalk', 'webhook'] as const;
/** One of {@link ALERT_CHANNEL_NAMES}. */
export type AlertChannelName = (typeof ALERT_CHANNEL_NAMES)[number];

/**
 * Which event types a channel gets. An entry is an alert's event name (`SystemMaintenance.Reboot`, `Disk:Stalled`,
 * `ScalingActivity:ScaleOutError`) or its full type (`ecs:Instance:SystemMaintenance.Reboot`); a trailing `*` matches
 * every name or type that starts with the rest (`SystemMaintenance.*`). Empty `include` means every type.
 */
export interface EventTypeFilter {
  readonly include: readonly string[];
  readonly exclude: readonly string[];
}

/** A day of the week, as mute windows name them. */
export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';
/** Every weekday, Monday first. */
export const WEEKDAYS: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/**
 * A time range in which alerts are archived and recorded but not sent. `start` and `end` are `HH:MM` in `timeZone`;
 * a range whose end is not after its start runs over midnight (`22:00`-`07:00`). `days` are the days the range
 * starts on; empty means every day.
 */
export interface MuteWindow {
  readonly start: string;
  readonly end: string;
  readonly timeZone: string;
  readonly days: readonly Weekday[];
}

/** `HH:MM`, 00:00 to 23:59. */
export const CLOCK_TIME = /^([01][0-9]|2[0-3]):[0-5][0-9]$/;

/** The settings the stack passes to notify. */
export interface NotifySettings {
  readonly timeZone: string;
  readonly groupingWindowSeconds: number;
  /** Per channel; a channel not listed gets every type. */
  readonly eventTypes: Readonly<Partial<Record<AlertChannelName, EventTypeFilter>>>;
  readonly muteWindows: readonly MuteWindow[];
}

/** The environment for `settings`. Empty filters and no mute windows leave their variables out. */
export function formatNotifyEnv(settings: NotifySettings): Record<string, string> {
  const filters = Object.entries(settings.eventTypes).filter(
    ([, f]) => f !== undefined && (f.include.length > 0 || f.exclude.length > 0),
  );
  return {
    [NOTIFY_ENV.timeZone]: settings.timeZone,
    [NOTIFY_ENV.groupingWindowSeconds]: String(settings.groupingWindowSeconds),
    ...(filters.length === 0 ? {} : { [NOTIFY_ENV.eventTypes]: JSON.stringify(Object.fromEntries(filters)) }),
    ...(settings.muteWindows.length === 0 ? {} : { [NOTIFY_ENV.muteWindows]: JSON.stringify(settings.muteWindows) }),
  };
}
