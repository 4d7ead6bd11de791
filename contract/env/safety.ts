import { statePrefix } from '../archive';
import { DLQ_RETENTION_SECONDS } from '../retention';

/**
 * The safety settings of every action automation (auto-restart, spot-drain, scale-out, and the ones to come): how old
 * an event may be, whether the automation runs dry, and how many actions it may take per hour (the fleet breaker).
 * Written once here: the units format the environment ({@link formatSafetyEnv}), the handler framework
 * (lambda-src/commons/handler.ts) parses it ({@link parseSafetyEnv}) at container start.
 */

/** The variables, the same names in every action automation's function. */
export const SAFETY_ENV = {
  /** Events whose `time` is older than this many hours are skipped as `stale`. */
  maxEventAgeHours: 'SAFETY_MAX_EVENT_AGE_HOURS',
  /** `true`: mutating calls are recorded, not made. */
  dryRun: 'SAFETY_DRY_RUN',
  /** Actions (invocations that make a mutating call) per sliding hour and region. */
  maxActionsPerHour: 'SAFETY_MAX_ACTIONS_PER_HOUR',
} as const;

/** The longest age limit, in hours: dead-letter queues keep a message 7 days, so nothing older is ever re-delivered. */
export const MAX_EVENT_AGE_HOURS = DLQ_RETENTION_SECONDS / 3600;

/** The highest `maxActionsPerHour` (our bound: beyond it a breaker no longer protects a region). */
export const MAX_ACTIONS_PER_HOUR = 10_000;

/** The safety settings of one automation in one region. */
export interface SafetySettings {
  /** @default 24 (the retry horizon: EventBridge and FC stop retrying after a day) */
  readonly maxEventAgeHours: number;
  /** @default false */
  readonly dryRun: boolean;
  /** @default per automation, see lib/config/schema.ts */
  readonly maxActionsPerHour: number;
}

/** The environment for `settings`. */
export function formatSafetyEnv(settings: SafetySettings): Record<string, string> {
  return {
    [SAFETY_ENV.maxEventAgeHours]: String(settings.maxEventAgeHours),
    [SAFETY_ENV.dryRun]: String(settings.dryRun),
    [SAFETY_ENV.maxActionsPerHour]: String(settings.maxActionsPerHour),
  };
}

/** What {@link parseSafetyEnv} found: each setting, or undefined when its variable is unset or empty. */
export type ParsedSafetyEnv =
  | { readonly settings: Partial<SafetySettings> }
  | { readonly problem: { readonly variable: string; readonly value: string; readonly allowed: string } };

/**
 * Reads the variables back. An unset variable is left out (the caller decides what that means); a set one must be
 * well formed, else the problem names the variable, the value and what is allowed.
 */
export function parseSafetyEnv(env: Readonly<Record<string, string | undefined>>): ParsedSafetyEnv {
  const settings: { -readonly [K in keyof SafetySettings]?: SafetySettings[K] } = {};
  type Problem = { readonly variable: string; readonly value: string; readonly allowed: string };
  const integer = (variable: string, min: number, max: number): { value?: number } | { problem: Problem } => {
    const raw = env[variable]?.trim();
    if (raw === undefined || raw === '') return { value: undefined };
    const value = Number(raw);
    return Number.isInteger(value) && value >= min && value <= max
      ? { value }
      : { problem: { variable, value: raw, allowed: `an integer from ${min} to ${max}` } };
  };
  const age = integer(SAFETY_ENV.maxEventAgeHours, 1, MAX_EVENT_AGE_HOURS);
  if ('problem' in age) return { problem: age.problem };
  settings.maxEventAgeHours = age.value;
  const actions = integer(SAFETY_ENV.maxActionsPerHour, 1, MAX_ACTIONS_PER_HOUR);
  if ('problem' in actions) return { problem: actions.problem };
  settings.maxActionsPerHour = actions.value;
  const dry = env[SAFETY_ENV.dryRun]?.trim();
  if (dry !== undefined && dry !== '') {
    if (dry !== 'true' && dry !== 'false') {
      return { problem: { variable: SAFETY_ENV.dryRun, value: dry, allowed: 'true or false' } };
    }
    settings.dryRun = dry === 'true';
  }
  return { settings };
}

/**
 * `state/breaker/<automation>/`: the fleet breaker's claims, one folder per UTC hour (`<yyyymmddhh>/`), so that a
 * check lists two hours of claims, never the whole retention.
 */
export function breakerPrefix(automation: string): string {
  return `${statePrefix('breaker')}${automation}/`;
}

/**
 * The deliberate age override of a redrive: the redrive tool invokes the function directly (FC `InvokeFunction`,
 * never through EventBridge) with `{"<REDRIVE_OVERRIDE_FIELD>": {"maxEventAgeHours": n}, "event": <original>}`.
 *
 * Why this form: an EventBridge rule delivers the event itself (`Form` ORIGINAL) to our functions, so no event
 * published to a bus, whatever its content, reaches a handler in this wrapper; producing it takes
 * `fc:InvokeFunction` on the function (or rights to rewrite the rule's target), which is an operator's, not a
 * publisher's, permission. `n` is at most {@link MAX_EVENT_AGE_HOURS}: nothing older than the dead-letter retention
 * is ever re-delivered.
 */
export const REDRIVE_OVERRIDE_FIELD = 'eeoRedrive';

/** The wrapped payload of a redrive with an age override. */
export function wrapRedrivePayload(event: unknown, maxEventAgeHours: number): string {
  return JSON.stringify({ [REDRIVE_OVERRIDE_FIELD]: { maxEventAgeHours }, event });
}
