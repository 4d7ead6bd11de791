import { breakerPrefix, formatSafetyEnv, type SafetySettings } from '../../contract/env/safety';
import type { PolicyStatement } from '../constructs/handler-function';
import type { RegionResources } from './unit';

/** What an action automation adds to its plan for the safety rails: variables and permissions. */
export interface SafetyPlan {
  readonly environment: Readonly<Record<string, string>>;
  readonly statements: readonly PolicyStatement[];
}

/**
 * The environment and permissions of the safety rails (lambda-src/commons/safety.ts) of the action automation `name`:
 * its `SAFETY_ENV` variables; the fleet breaker's claims and alert delivery records under
 * `state/breaker/<name>/` (read, write, and a listing of the bucket); and the alert channels (their secrets' names
 * and the right to read them), through which an open breaker alerts.
 *
 * @example const safety = safetyPlan(region, 'auto-restart', region.config.autoRestart);
 */
export function safetyPlan(region: RegionResources, name: string, settings: SafetySettings): SafetyPlan {
  const channels = region.alertChannels();
  return {
    environment: { ...formatSafetyEnv(settings), ...channels.environment },
    statements: [
      { actions: ['oss:GetObject', 'oss:PutObject'], resources: [region.archive.objectsArn(breakerPrefix(name))] },
      { actions: ['oss:ListObjects'], resources: [region.archive.bucketArn] },
      ...channels.statements,
    ],
  };
}
