/**
 * How a function finds its secrets: the store (`oos` or `kms`) and, per secret, the name it has in the store. The
 * values themselves never go in the environment.
 */

/** The variable naming the secret store. */
export const SECRET_STORE_ENV = 'SECRET_STORE';

/** Where secrets are kept: OOS secret parameters or KMS secrets. */
export type SecretStoreKind = 'oos' | 'kms';

/** The secrets of the alert channels, by the variable each stands for. */
export const ALERT_CHANNEL_SECRETS = {
  dingTalkWebhookUrl: 'DINGTALK_WEBHOOK_URL',
  dingTalkSecret: 'DINGTALK_SECRET',
  webhookUrl: 'WEBHOOK_URL',
  webhookToken: 'WEBHOOK_TOKEN',
} as const;

/** One alert-channel secret. */
export type AlertChannelSecret = keyof typeof ALERT_CHANNEL_SECRETS;

/** The variable holding the store name of the secret `variable`: `<variable>_SECRET_NAME`. */
export function secretNameVariable(variable: string): string {
  return `${variable}_SECRET_NAME`;
}

/**
 * The variables of the alert channels: each secret's name in the store (in the order given), then the store when
 * there is any secret.
 */
export function formatAlertChannelEnv(
  store: SecretStoreKind,
  secretNames: readonly (readonly [AlertChannelSecret, string])[],
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [secret, name] of secretNames) env[secretNameVariable(ALERT_CHANNEL_SECRETS[secret])] = name;
  if (secretNames.length > 0) env[SECRET_STORE_ENV] = store;
  return env;
}
