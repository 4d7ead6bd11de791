import type { LedgerCall } from '../../contract/ledger';
import { HandlerError } from './errors';

/**
 * The mutating cloud calls of one invocation, recorded for the action ledger (contract/ledger.ts).
 *
 * A core makes every call that changes the cloud through {@link Actions.mutate}, never directly: that is where a dry
 * run stops the call and where the ledger learns what was done. Reads (Describe*, List*) go straight to the client.
 */
export interface Actions {
  /** True when the automation runs dry: mutating calls are recorded, not made. */
  readonly dryRun: boolean;
  /**
   * Makes one mutating call and records it with its result (`ok`, or the API error code on failure, which is
   * rethrown). In a dry run the call is not made: it is recorded with result `dry-run` and `undefined` is returned,
   * so a core that needs the call's answer must handle that case.
   * @example await deps.actions.mutate('StartInstance', instanceId, () => deps.ecs.startInstance(instanceId));
   */
  mutate<T>(api: string, target: string, call: () => Promise<T>): Promise<T | undefined>;
}

/** An {@link Actions} that also exposes what was recorded (the handler framework reads it for the ledger). */
export interface RecordingActions extends Actions {
  readonly calls: readonly LedgerCall[];
}

/** Options of {@link recordActions}. */
export interface RecordActionsOptions {
  /** @default false */
  readonly dryRun?: boolean;
  /**
   * Runs once, before the invocation's first mutating call is made (never in a dry run); when it throws, the call
   * is not made and the error reaches the core. The fleet breaker (commons/safety.ts) counts actions here, so reads and
   * skips never count. @default - nothing
   */
  readonly beforeFirstCall?: () => Promise<void>;
}

/** A fresh recorder for one invocation. */
export function recordActions(options: RecordActionsOptions = {}): RecordingActions {
  const calls: LedgerCall[] = [];
  const dryRun = options.dryRun ?? false;
  let gate: Promise<void> | undefined;
  return {
    dryRun,
    calls,
    async mutate<T>(api: string, target: string, call: () => Promise<T>): Promise<T | undefined> {
      if (dryRun) {
        calls.push({ api, target, result: 'dry-run' });
        return undefined;
      }
      if (options.beforeFirstCall !== undefined) {
        // Concurrent calls of one core share the first check; a refusal refuses every call of the invocation.
        gate ??= options.beforeFirstCall();
        await gate;
      }
      try {
        const value = await call();
        calls.push({ api, target, result: 'ok' });
        return value;
      } catch (error) {
        calls.push({ api, target, result: callFailure(error) });
        throw error;
      }
    },
  };
}

function callFailure(error: unknown): string {
  if (error instanceof HandlerError && error.api?.code !== undefined) return error.api.code;
  return error instanceof Error ? error.name : 'Error';
}
