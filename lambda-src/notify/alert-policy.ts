import {
  ALERT_CHANNEL_NAMES,
  type AlertChannelName,
  CLOCK_TIME,
  type EventTypeFilter,
  type MuteWindow,
  NOTIFY_ENV,
  WEEKDAYS,
  type Weekday,
} from '../../contract/env/notify';
import { zoneParts } from '../../contract/event-time';
import type { Env } from '../commons/config';
import { ConfigurationError } from '../commons/errors';

/**
 * The alert policy of notify, read from its environment (contract/env/notify.ts): a grouping window for bursts,
 * which event types each channel gets, and mute windows. Pure functions; the state that dedupe, threads and grouping
 * keep in the archive bucket is in alert-state.ts.
 */

/** The alert policy of one function. */
export interface AlertPolicy {
  /** 0 = every alert on its own. */
  readonly groupingWindowSeconds: number;
  readonly eventTypes: Readonly<Partial<Record<AlertChannelName, EventTypeFilter>>>;
  readonly muteWindows: readonly MuteWindow[];
}

/** No grouping, every type on every channel, never muted: the policy of an unset environment. */
export const OPEN_POLICY: AlertPolicy = { groupingWindowSeconds: 0, eventTypes: {}, muteWindows: [] };

/** The longest grouping window the handler accepts (the configuration allows less, lib/config/ranges.ts). */
const MAX_GROUPING_WINDOW_SECONDS = 600;

function parseJson(env: Env, variable: string): unknown {
  const raw = env[variable];
  if (raw === undefined || raw === '') return undefined;
  try {
    return JSON.parse(raw);
  } catch (cause) {
    throw new ConfigurationError(`environment variable "${variable}": ${JSON.stringify(raw)} is not JSON`, { cause });
  }
}

const isStringList = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every((v) => typeof v === 'string' && v !== '');

function isTimeZone(zone: unknown): zone is string {
  return typeof zone === 'string' && zoneParts(zone, 0) !== undefined;
}

/**
 * Reads the policy variables; an unset variable means "off" (the stack always sets the grouping window, see
 * lib/automations/notify.ts).
 * @throws ConfigurationError naming the variable, the value and what is allowed.
 */
export function loadAlertPolicy(env: Env): AlertPolicy {
  const rawWindow = env[NOTIFY_ENV.groupingWindowSeconds];
  let groupingWindowSeconds = 0;
  if (rawWindow !== undefined && rawWindow !== '') {
    groupingWindowSeconds = Number(rawWindow);
    if (!Number.isInteger(groupingWindowSeconds) || groupingWindowSeconds < 0) {
      throw new ConfigurationError(
        `environment variable "${NOTIFY_ENV.groupingWindowSeconds}": "${rawWindow}" is not a whole number of seconds from 0 to ${MAX_GROUPING_WINDOW_SECONDS}`,
      );
    }
    groupingWindowSeconds = Math.min(groupingWindowSeconds, MAX_GROUPING_WINDOW_SECONDS);
  }

  const types = parseJson(env, NOTIFY_ENV.eventTypes) ?? {};
  const eventTypes: Partial<Record<AlertChannelName, EventTypeFilter>> = {};
  if (typeof types !== 'object' || types === null || Array.isArray(types)) {
    throw new ConfigurationError(
      `environment variable "${NOTIFY_ENV.eventTypes}": expected an object keyed by channel (${ALERT_CHANNEL_NAMES.join(', ')})`,
    );
  }
  for (const [channel, filter] of Object.entries(types)) {
    const where = `environment variable "${NOTIFY_ENV.eventTypes}", channel "${channel}"`;
    if (!(ALERT_CHANNEL_NAMES as readonly string[]).includes(channel)) {
      throw new ConfigurationError(`${where}: not a channel; expected ${ALERT_CHANNEL_NAMES.join(' or ')}`);
    }
    const { include = [], exclude = [] } = (filter ?? {}) as { include?: unknown; exclude?: unknown };
    if (!isStringList(include) || !isStringList(exclude)) {
      throw new ConfigurationError(`${where}: "include" and "exclude" must be lists of event types`);
    }
    eventTypes[channel as AlertChannelName] = { include, exclude };
  }

  const windows = parseJson(env, NOTIFY_ENV.muteWindows) ?? [];
  if (!Array.isArray(windows)) {
    throw new ConfigurationError(`environment variable "${NOTIFY_ENV.muteWindows}": expected a list of mute windows`);
  }
  const muteWindows = windows.map((value: unknown, i): MuteWindow => {
    const where = `environment variable "${NOTIFY_ENV.muteWindows}", item ${i}`;
    const { start, end, timeZone, days = [] } = (value ?? {}) as Record<string, unknown>;
    if (typeof start !== 'string' || !CLOCK_TIME.test(start) || typeof end !== 'string' || !CLOCK_TIME.test(end)) {
      throw new ConfigurationError(
        `${where}: start ${JSON.stringify(start)} and end ${JSON.stringify(end)} must be times HH:MM`,
      );
    }
    if (!isTimeZone(timeZone)) {
      throw new ConfigurationError(`${where}: time zone ${JSON.stringify(timeZone)} is not an IANA time zone`);
    }
    if (!Array.isArray(days) || !days.every((d) => WEEKDAYS.includes(d as Weekday))) {
      throw new ConfigurationError(`${where}: days ${JSON.stringify(days)} must be a list of ${WEEKDAYS.join(', ')}`);
    }
    return { start, end, timeZone, days: days as Weekday[] };
  });
  return { groupingWindowSeconds, eventTypes, muteWindows };
}

/** What {@link typeMatches} looks at: the alert's event name and full type. */
export interface TypedAlert {
  /** `SystemMaintenance.Reboot`, `Disk:Stalled`, ... */
  readonly event: string;
  /** `ecs:Instance:SystemMaintenance.Reboot`, ... */
  readonly type: string;
}

/** Whether a filter entry names the alert: equal to its event name or type, or a `*`-ended prefix of either. */
export function typeMatches(entry: string, alert: TypedAlert): boolean {
  if (!entry.endsWith('*')) return entry === alert.event || entry === alert.type;
  const prefix = entry.slice(0, -1);
  return alert.event.startsWith(prefix) || alert.type.startsWith(prefix);
}

/** Whether `channel` gets the alert: in `include` (or `include` empty) and not in `exclude`. */
export function channelWants(policy: AlertPolicy, channel: string, alert: TypedAlert): boolean {
  const filter = policy.eventTypes[channel as AlertChannelName];
  if (filter === undefined) return true;
  if (filter.include.length > 0 && !filter.include.some((e) => typeMatches(e, alert))) return false;
  return !filter.exclude.some((e) => typeMatches(e, alert));
}

const minutesOf = (clock: string) => Number(clock.slice(0, 2)) * 60 + Number(clock.slice(3, 5));

/** The mute window that covers `nowMs`, or undefined. */
export function activeMute(policy: AlertPolicy, nowMs: number): MuteWindow | undefined {
  return policy.muteWindows.find((window) => {
    const parts = zoneParts(window.timeZone, nowMs);
    if (parts === undefined) return false;
    const minute = Number(parts.hour) * 60 + Number(parts.minute);
    const dayIndex =
      (new Date(Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day))).getUTCDay() + 6) % 7;
    const on = (index: number) => window.days.length === 0 || window.days.includes(WEEKDAYS[(index + 7) % 7]);
    const start = minutesOf(window.start);
    const end = minutesOf(window.end);
    if (start < end) return on(dayIndex) && minute >= start && minute < end;
    // Over midnight: the evening part belongs to today, the morning part to the day the range started (yesterday).
    return (on(dayIndex) && minute >= start) || (on(dayIndex - 1) && minute < end);
  });
}
