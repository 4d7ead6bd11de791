import { createHmac } from 'node:crypto';
import { ALERT_CHANNEL_SECRETS, type AlertChannelSecret, secretNameVariable } from '../../contract/env/secrets';
import type { Actions } from './actions';
import type { EndpointOverrides, Env } from './config';
import type { FcContext, JsonValue } from './context';
import { apiError, ConfigurationError, HandlerError, PermanentError, RetryableError } from './errors';
import { outboundUrl, redactedUrl, responseExcerpt, sendJson, urlSecrets } from './http';
import type { ObjectStore } from './oss';
import {
  createSecretReader,
  readSecretRef,
  readSecretStore,
  type SecretReader,
  type SecretRef,
  type SecretStore,
} from './secrets';
import { plainLine } from './text';

/**
 * Alert channels shared by the functions that alert (notify, dlq-check): a DingTalk custom robot (webhook URL, signed
 * with the robot's secret) and a generic HTTPS webhook (URL, optional token sent as a Bearer token), and the
 * per-channel delivery records that keep a retry from sending twice to a channel that already got the alert.
 *
 * The URLs and secrets are not in the environment: it names them in the secret store (`ALERT_CHANNEL_SECRETS` and
 * `SECRET_STORE_ENV` of contract/env/secrets.ts), and a channel reads them (once per container, see `secrets.ts`) when it first sends.
 */

/** What a channel sends: DingTalk gets `title` and `markdown`, the webhook gets `json`. */
export interface ChannelMessage {
  readonly title: string;
  readonly markdown: string;
  readonly json: JsonValue;
}

/** A delivery channel. */
export interface Channel {
  /** `dingtalk` or `webhook`; also the name of its delivery record. */
  readonly name: string;
  /** Delivers; throws a RetryableError or PermanentError. */
  send(message: ChannelMessage): Promise<void>;
}

/** The secrets of each channel, by reference; an undefined channel is off. */
export interface ChannelConfig {
  /** `SECRET_STORE_ENV`. @default oos */
  readonly secretStore: SecretStore;
  readonly dingTalk?: { readonly url: SecretRef; readonly secret?: SecretRef };
  readonly webhook?: { readonly url: SecretRef; readonly token?: SecretRef };
}

/**
 * Reads the channel variables. A secret or token without its URL is refused.
 * @throws ConfigurationError naming the variable.
 */
export function loadChannelConfig(env: Env): ChannelConfig {
  const variable = (secret: AlertChannelSecret) => secretNameVariable(ALERT_CHANNEL_SECRETS[secret]);
  const dingTalkUrl = readSecretRef(env, ALERT_CHANNEL_SECRETS.dingTalkWebhookUrl);
  const dingTalkSecret = readSecretRef(env, ALERT_CHANNEL_SECRETS.dingTalkSecret);
  if (dingTalkUrl === undefined && dingTalkSecret !== undefined) {
    throw new ConfigurationError(
      `environment variable "${variable('dingTalkSecret')}" is set but "${variable('dingTalkWebhookUrl')}" is not; set both, or neither`,
    );
  }
  const webhookUrl = readSecretRef(env, ALERT_CHANNEL_SECRETS.webhookUrl);
  const webhookToken = readSecretRef(env, ALERT_CHANNEL_SECRETS.webhookToken);
  if (webhookUrl === undefined && webhookToken !== undefined) {
    throw new ConfigurationError(
      `environment variable "${variable('webhookToken')}" is set but "${variable('webhookUrl')}" is not`,
    );
  }
  return {
    secretStore: readSecretStore(env),
    dingTalk: dingTalkUrl === undefined ? undefined : { url: dingTalkUrl, secret: dingTalkSecret },
    webhook: webhookUrl === undefined ? undefined : { url: webhookUrl, token: webhookToken },
  };
}

/** Reads a URL from the secret store: `https://` (or `http://` to a loopback host, for tests). */
async function secretUrl(secrets: SecretReader, ref: SecretRef): Promise<URL> {
  return outboundUrl(ref.variable, await secrets.get(ref), `the secret "${ref.name}" (${ref.variable})`);
}

/** The configured channels, DingTalk first. `now` gives the DingTalk signature timestamp. */
export function createChannels(config: ChannelConfig, now: () => number, secrets: SecretReader): Channel[] {
  const { dingTalk, webhook } = config;
  return [
    ...(dingTalk === undefined
      ? []
      : [
          dingTalkChannel(
            async () => ({
              url: await secretUrl(secrets, dingTalk.url),
              secret: dingTalk.secret === undefined ? undefined : await secrets.get(dingTalk.secret),
            }),
            now,
          ),
        ]),
    ...(webhook === undefined
      ? []
      : [
          webhookChannel(async () => ({
            url: await secretUrl(secrets, webhook.url),
            token: webhook.token === undefined ? undefined : await secrets.get(webhook.token),
          })),
        ]),
  ];
}

/** The settings of a channel, or how to get them (from the secret store) when it first sends. */
type Settings<T> = T | (() => Promise<T>);

async function settle<T>(settings: Settings<T>): Promise<T> {
  return typeof settings === 'function' ? (settings as () => Promise<T>)() : settings;
}

/**
 * The DingTalk custom-robot signature: base64(HMAC-SHA256(secret, `${timestampMs}\n${secret}`)), sent URL-encoded
 * as `sign` next to `timestamp`.
 * @see https://open.dingtalk.com/document/robots/customize-robot-security-settings
 */
export function dingTalkSign(secret: string, timestampMs: number): string {
  return createHmac('sha256', secret).update(`${timestampMs}\n${secret}`, 'utf8').digest('base64');
}

/** DingTalk errcode "too many messages in a minute": worth retrying later. */
const DINGTALK_RATE_LIMITED = 130101;

/** The DingTalk robot channel (markdown message). `now` gives the signature timestamp. */
export function dingTalkChannel(settings: Settings<{ url: URL; secret?: string }>, now: () => number): Channel {
  return {
    name: 'dingtalk',
    async send(message) {
      const config = await settle(settings);
      const url = new URL(config.url);
      if (config.secret !== undefined) {
        const timestamp = now();
        // URLSearchParams applies the form URL encoding DingTalk expects (+ / = percent-encoded).
        url.searchParams.set('timestamp', String(timestamp));
        url.searchParams.set('sign', dingTalkSign(config.secret, timestamp));
      }
      const response = await sendJson(
        url,
        // The title is the conversation preview, plain text: one line. The text is markdown built by the caller,
        // with every untrusted value already escaped (commons/text.ts).
        { msgtype: 'markdown', markdown: { title: plainLine(message.title), text: message.markdown } },
        { target: 'DingTalk' },
      );
      const failure = { service: 'dingtalk', action: 'robot/send', statusCode: response.status };
      const secrets = [...urlSecrets(url), config.secret];
      if (response.status < 200 || response.status >= 300) {
        throw apiError(
          failure,
          `DingTalk ${redactedUrl(config.url)} answered HTTP ${response.status}: ${responseExcerpt(response.body, secrets)}`,
          undefined,
        );
      }
      let errcode: unknown;
      let errmsg: unknown;
      try {
        ({ errcode, errmsg } = JSON.parse(response.body) as { errcode?: unknown; errmsg?: unknown });
      } catch {
        throw new PermanentError(
          `DingTalk answered a body that is not JSON: ${responseExcerpt(response.body, secrets)}`,
          { api: failure },
        );
      }
      if (errcode === 0) return;
      const text = `DingTalk refused the message: errcode ${String(errcode)}, ${responseExcerpt(String(errmsg), secrets)}`;
      const api = { ...failure, code: String(errcode) };
      throw errcode === DINGTALK_RATE_LIMITED ? new RetryableError(text, { api }) : new PermanentError(text, { api });
    },
  };
}

/** The generic webhook channel: POSTs `message.json`. 2xx ok; 429/5xx retryable; other statuses permanent. */
export function webhookChannel(settings: Settings<{ url: URL; token?: string }>): Channel {
  return {
    name: 'webhook',
    async send(message) {
      const config = await settle(settings);
      const response = await sendJson(config.url, message.json, {
        target: 'webhook',
        headers: config.token === undefined ? {} : { authorization: `Bearer ${config.token}` },
      });
      if (response.status >= 200 && response.status < 300) return;
      const excerpt = responseExcerpt(response.body, [...urlSecrets(config.url), config.token]);
      throw apiError(
        { service: 'webhook', action: 'POST', statusCode: response.status },
        `the webhook ${redactedUrl(config.url)} answered HTTP ${response.status}: ${excerpt}`,
        undefined,
      );
    },
  };
}

/** Options of {@link deliver}. */
export interface DeliveryOptions {
  readonly store: ObjectStore;
  readonly now: () => number;
  /** Folder of this alert's delivery records, ending in `/`: `<prefix><channel>.json`. */
  readonly prefix: string;
  /** What is delivered, for the error message (e.g. `alert <event id>`). */
  readonly label: string;
  /** Fields written into each delivery record besides `channel` and `deliveredAt`. */
  readonly record: Readonly<Record<string, JsonValue>>;
  /**
   * Where each send is made, as `SendAlert` on the channel's name, so the action ledger records it (and a dry run
   * skips it, with no delivery record). @default sends directly, unrecorded
   */
  readonly actions?: Actions;
}

/** Which channels got the message. */
export interface DeliveryResult {
  /** Delivered by an earlier attempt (a delivery record exists). */
  readonly alreadyDelivered: readonly string[];
  /** Delivered now. */
  readonly delivered: readonly string[];
}

/**
 * Sends a message to every channel that has no delivery record under `prefix` yet, and writes a record for each
 * channel that succeeds. When a channel fails, the others are still tried; then one error is thrown, retryable if
 * any failure is, so the retry repeats only the channels that have not succeeded. With no channel, nothing is read.
 */
export async function deliver(
  channels: readonly Channel[],
  message: ChannelMessage,
  options: DeliveryOptions,
): Promise<DeliveryResult> {
  const { store, prefix } = options;
  const done = new Set(
    (channels.length > 0 ? await store.listObjects(prefix) : []).map((k) => k.slice(prefix.length, -'.json'.length)),
  );
  const delivered: string[] = [];
  const alreadyDelivered: string[] = [];
  const failures: HandlerError[] = [];
  for (const channel of channels) {
    if (done.has(channel.name)) {
      alreadyDelivered.push(channel.name);
      continue;
    }
    try {
      if (options.actions === undefined) await channel.send(message);
      else await options.actions.mutate('SendAlert', channel.name, () => channel.send(message));
    } catch (error) {
      if (!(error instanceof HandlerError)) throw error;
      failures.push(error);
      continue;
    }
    if (options.actions?.dryRun === true) continue;
    await store.putObject(
      `${prefix}${channel.name}.json`,
      JSON.stringify({
        ...options.record,
        channel: channel.name,
        deliveredAt: new Date(options.now()).toISOString(),
      }),
      { contentType: 'application/json' },
    );
    delivered.push(channel.name);
  }
  if (failures.length > 0) {
    const message = `${options.label} not delivered to every channel (delivered: ${[...alreadyDelivered, ...delivered].join(', ') || 'none'}): ${failures.map((f) => f.message).join('; ')}`;
    const retryable = failures.find((f) => f.retryable);
    throw retryable !== undefined
      ? new RetryableError(message, { cause: retryable, api: retryable.api })
      : new PermanentError(message, { cause: failures[0], api: failures[0].api });
  }
  return { alreadyDelivered, delivered };
}

/**
 * The channels of a function, as `notify` and `dlq-check` build them: their secrets are read from the configured store
 * at first use, with the invocation's credentials, through the store's endpoint override when set.
 */
export function channelsFor(
  config: ChannelConfig & { readonly endpoints: EndpointOverrides },
  context: Pick<FcContext, 'credentials' | 'region'>,
  now: () => number,
): Channel[] {
  return createChannels(
    config,
    now,
    createSecretReader({
      store: config.secretStore,
      credentials: context.credentials,
      region: context.region,
      endpoint: config.secretStore === 'oos' ? config.endpoints.oos : config.endpoints.kms,
    }),
  );
}
