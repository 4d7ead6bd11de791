import {
  isSimulatableEventType,
  SIMULATABLE_EVENT_TYPES,
  type SimulatableEventType,
} from '../../contract/simulated-events';
import { SYSTEM_EVENT_STATUSES } from '../../lib/events/catalogue';

export { isSimulatableEventType, SIMULATABLE_EVENT_TYPES, type SimulatableEventType };

/** Every lifecycle status of a system event (`EventCycleStatus.Name`). */
export const EVENT_CYCLE_STATUSES: readonly string[] = SYSTEM_EVENT_STATUSES;

/**
 * Statuses after which a simulated event can no longer be canceled: nothing is pending any more.
 * Scheduled, Executing and Inquiring (and an unknown status) count as pending, so the drill tries to cancel them.
 */
export const FINAL_STATUSES: readonly string[] = ['Avoided', 'Executed', 'Canceled', 'Failed'];

/** Statuses of an event that is still pending (can be canceled): every status that is not final. */
export const ACTIVE_STATUSES: readonly string[] = EVENT_CYCLE_STATUSES.filter((s) => !FINAL_STATUSES.includes(s));

/** `yyyy-MM-ddTHH:mm:ssZ`, the form `NotBefore` takes: UTC, whole seconds. */
export function formatUtc(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

const RELATIVE = /^\+(\d+)(s|m|h)$/;
const ABSOLUTE = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?(\.\d+)?)(Z|[+-]\d{2}:\d{2})?$/;

/**
 * Parses `--not-before`: a delay (`+10m`, `+90s`, `+1h`) or an ISO 8601 time with an explicit zone (`Z` or an
 * offset), returned as epoch ms truncated to whole seconds (the API takes seconds).
 *
 * A time without a zone is refused instead of being read as local time: NotBefore must be UTC, and a local time
 * shifts the event by the zone offset (8 hours in China), which is the mistake the simulated-events tutorial warns
 * about.
 *
 * @returns the time, or a problem text saying what is allowed.
 */
export function parseNotBefore(text: string, nowMs: number): { ms: number } | { problem: string } {
  const relative = RELATIVE.exec(text);
  if (relative !== null) {
    const unit = { s: 1000, m: 60_000, h: 3_600_000 }[relative[2] as 's' | 'm' | 'h'];
    const ms = Math.floor((nowMs + Number(relative[1]) * unit) / 1000) * 1000;
    return ms > nowMs ? { ms } : { problem: 'must be in the future (e.g. +10m)' };
  }
  const absolute = ABSOLUTE.exec(text);
  if (absolute === null) {
    return { problem: 'expected a delay like +10m (s, m or h) or a UTC time like 2026-03-01T10:00:00Z' };
  }
  if (absolute[4] === undefined) {
    return {
      problem: `has no time zone; NotBefore is UTC: write ${absolute[1]}Z if that is UTC (a local time would shift the event by your zone offset)`,
    };
  }
  const parsed = Date.parse(text);
  if (Number.isNaN(parsed)) return { problem: 'is not a valid date and time' };
  const ms = Math.floor(parsed / 1000) * 1000;
  if (ms <= nowMs) return { problem: `is not in the future (now is ${formatUtc(nowMs)})` };
  return { ms };
}

const DURATION = /^(\d+)(ms|s|m|h)$/;

/** Parses a duration like `15m`, `90s`, `1h`, `500ms` to milliseconds, or undefined. */
export function parseDuration(text: string): number | undefined {
  const match = DURATION.exec(text);
  if (match === null) return undefined;
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[match[2] as 'ms' | 's' | 'm' | 'h'];
  return Number(match[1]) * unit;
}

/** A duration for people: `850 ms`, `42.3 s`, `10 s`, `12 min 5 s`, `15 min`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms - minutes * 60_000) / 1000);
  return seconds === 0 ? `${minutes} min` : `${minutes} min ${seconds} s`;
}
