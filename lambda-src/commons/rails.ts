import { breakerPrefix } from '../../contract/env/safety';
import { type Channel, channelsFor, deliver, loadChannelConfig } from './channels';
import type { CommonConfig, Env } from './config';
import type { FcContext, HandlerResult } from './context';
import type { EcsEvent } from './envelope';
import { errorFields } from './handler';
import { eventDigest } from './idempotency';
import { type LogSink, writeLog } from './logger';
import { createOssClient, type ObjectStore } from './oss';
import { retryScope } from './retry';
import {
  BREAKER_SETTLE_MS,
  breakerAlert,
  CircuitOpenError,
  circuitOpenResult,
  claimAction,
  claimAlert,
  hourFolder,
  loadSafetyConfig,
  staleResult,
  type UnwrappedPayload,
  unwrapRedrive,
} from './safety';

/**
 * The safety rails of an action automation (age limit, dry run, fleet breaker and its alert; commons/safety.ts),
 * plugged into `createFcHandler` through `HandlerSpec.safety = ACTION_RAILS`. They live in this module, which only the
 * action automations import, so that the other handlers (notify, the archives) do not bundle the breaker and the
 * alert channels: every byte counts at a cold start.
 */
export interface SafetyRails {
  /** Reads the rails' settings (and the alert channels) at container start; throws a ConfigurationError. */
  load(env: Env, frame: RailsFrame): LoadedRails;
}

/** What the rails need to know of the handler they guard. */
export interface RailsFrame {
  readonly name: string;
  readonly sink: LogSink;
  readonly now: () => number;
  /** The breaker's wait between writing its claim and counting. @default BREAKER_SETTLE_MS */
  readonly settleMs?: number;
}

/** The rails of one container, with its settings. */
export interface LoadedRails {
  readonly dryRun: boolean;
  /** The event of a payload, and the age limit a redrive raised for it (commons/safety.ts `unwrapRedrive`). */
  unwrap(payload: Buffer): UnwrappedPayload;
  /** The `skipped`/`stale` result of an event older than the age limit (or `ageOverrideHours`), else undefined. */
  stale(event: EcsEvent, nowMs: number, ageOverrideHours: number | undefined): HandlerResult | undefined;
  /** The breaker's check, run at the first mutating call; undefined in a dry run or without a limit. */
  gate(store: ObjectStore, event: EcsEvent, region: string): (() => Promise<void>) | undefined;
  /**
   * The result of a core that failed with the breaker's refusal, after alerting once; undefined for any other error
   * (which the caller rethrows).
   */
  refusal(
    error: unknown,
    event: EcsEvent,
    context: FcContext,
    config: CommonConfig,
  ): Promise<HandlerResult | undefined>;
}

/** The rails every action automation uses. */
export const ACTION_RAILS: SafetyRails = {
  load(env, frame) {
    const settings = loadSafetyConfig(env);
    const channelConfig = loadChannelConfig(env);
    const settleMs = frame.settleMs ?? BREAKER_SETTLE_MS;
    const { name, sink, now } = frame;
    return {
      dryRun: settings.dryRun,
      unwrap: unwrapRedrive,
      stale: (event, nowMs, ageOverrideHours) =>
        staleResult(event.timeMs, event.time, nowMs, ageOverrideHours ?? settings.maxEventAgeHours),
      gate(store, event, region) {
        const limit = settings.maxActionsPerHour;
        if (settings.dryRun || limit === undefined) return undefined;
        return async () => {
          const claim = await claimAction({
            store,
            automation: name,
            limit,
            digest: eventDigest(event),
            eventId: event.id,
            now,
            sleep: retryScope().sleep,
            settleMs,
          });
          if (claim.admitted) return;
          throw new CircuitOpenError(
            `fleet breaker of ${name} in ${region}: ${claim.actionsLastHour} actions in the last hour, limit ${limit}`,
            { actionsLastHour: claim.actionsLastHour, limit },
          );
        };
      },
      async refusal(error, event, context, config) {
        if (!(error instanceof CircuitOpenError)) return undefined;
        await alertOpenBreaker(error, event, context, config);
        return circuitOpenResult(name, error);
      },
    };

    /**
     * Alerts that the breaker is open, once per automation and UTC hour: the first refusal of the hour alerts
     * (`claimAlert`), and per-channel delivery records under `state/breaker/<automation>/alerts/<hour>/` keep a retry
     * from sending it again. With no channel configured, one log line at level `error` is the alert. A failed delivery
     * is logged, not thrown: the event is skipped either way, and failing the invocation would only re-run the breaker.
     */
    async function alertOpenBreaker(
      error: CircuitOpenError,
      event: EcsEvent,
      context: FcContext,
      config: CommonConfig,
    ): Promise<void> {
      const at = now();
      const alert = breakerAlert(name, context.region, error, event.id, at);
      const store = createOssClient({
        bucket: config.archiveBucket,
        region: context.region,
        credentials: context.credentials,
        endpoint: config.endpoints.oss,
      });
      const configured = channelsFor({ ...channelConfig, endpoints: config.endpoints }, context, now);
      const channels: readonly Channel[] =
        configured.length > 0
          ? configured
          : [
              {
                name: 'log',
                send: async () =>
                  writeLog(sink, {
                    level: 'error',
                    handler: name,
                    requestId: context.requestId,
                    eventId: event.id,
                    durationMs: 0,
                    alert,
                  }),
              },
            ];
      try {
        const first = await claimAlert({
          store,
          automation: name,
          digest: eventDigest(event),
          eventId: event.id,
          now,
          sleep: retryScope().sleep,
          settleMs,
        });
        if (!first) return;
        await deliver(
          channels,
          { title: alert.title, markdown: breakerMarkdown(alert), json: alert },
          {
            store,
            now,
            prefix: `${breakerPrefix(name)}alerts/${hourFolder(at)}`,
            label: `fleet breaker alert of ${name}`,
            record: { eventId: event.id },
          },
        );
      } catch (failure) {
        writeLog(sink, {
          level: 'error',
          handler: name,
          requestId: context.requestId,
          eventId: event.id,
          durationMs: 0,
          alertNotDelivered: alert.title,
          ...errorFields(failure),
        });
      }
    }
  },
};

/** The DingTalk text of a breaker alert: every value is ours (names, numbers, ISO times), none from the event. */
function breakerMarkdown(alert: ReturnType<typeof breakerAlert>): string {
  return [
    `### ${alert.title}`,
    '',
    `- **Automation**: ${alert.automation}`,
    `- **Region**: ${alert.region}`,
    `- **Actions in the last hour**: ${alert.actionsLastHour} (limit ${alert.limit})`,
    `- **Opened at**: ${alert.openedAt}`,
    `- **Action**: ${alert.recommendedAction}`,
  ].join('\n');
}
