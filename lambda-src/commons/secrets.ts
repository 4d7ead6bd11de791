import { SECRET_STORE_ENV, secretNameVariable } from '../../contract/env/secrets';
import type { Env } from './config';
import type { FcCredentials } from './context';
import { ConfigurationError, HandlerError, PermanentError, RetryableError } from './errors';
import { createRpcClient, KMS, OOS, type RpcClient } from './openapi';

/**
 * Secrets read at run time from a secret store, so that a function's configuration carries only their names.
 *
 * The stack keeps each secret in an OOS secret parameter (the default) or a KMS secret and passes the store
 * (`oos` or `kms`, `SECRET_STORE_ENV`) and `secretNameVariable(<variable>)`; the function's role may read those secrets and no other. A value is
 * read the first time it is needed in a container (Function Compute hands out credentials only with an invocation)
 * and kept for the container's life: one call per secret per container. A failed read is not kept, so the next
 * invocation tries again.
 *
 * Failures: throttling, 5xx and network errors are retryable; a missing secret, a denied read (RAM) and an empty
 * value are permanent, with a message naming the variable and the secret (never the value).
 *
 * @see https://www.alibabacloud.com/help/en/oos/developer-reference/api-oos-2019-06-01-getsecretparameter
 * @see https://github.com/aliyun/alibabacloud-typescript-sdk/blob/master/kms-20160120/src/models/GetSecretValueRequest.ts
 */

/** Where secrets are kept. */
export type SecretStore = 'oos' | 'kms';

/** A reference to a secret: the environment variable that named it, and its name in the store. */
export interface SecretRef {
  /** The variable holding the secret's name (`secretNameVariable`), for messages. */
  readonly variable: string;
  /** The secret's name in the store. */
  readonly name: string;
}

/** Reads secret values. */
export interface SecretReader {
  /** The value of a secret; rejects with a Retryable/PermanentError. */
  get(ref: SecretRef): Promise<string>;
}

/** Options of {@link createSecretReader}. */
export interface SecretReaderOptions {
  readonly store: SecretStore;
  readonly credentials: FcCredentials;
  readonly region: string;
  /** The OOS or KMS endpoint override (`ENDPOINT_ENV.oos` / `ENDPOINT_ENV.kms`). */
  readonly endpoint?: URL;
}

/** Names allowed for secrets: OOS secret parameter names, and KMS secret names. */
const SECRET_NAME = /^[A-Za-z0-9_/+=.@-]{1,192}$/;

/**
 * Reads the variable `secretNameVariable(variable)`: the reference of a secret, or undefined when the variable is not
 * set (the channel is off).
 * @throws ConfigurationError naming the variable and what is allowed.
 */
export function readSecretRef(env: Env, variable: string): SecretRef | undefined {
  const name = secretNameVariable(variable);
  const value = env[name];
  if (value === undefined || value === '') return undefined;
  if (!SECRET_NAME.test(value)) {
    throw new ConfigurationError(
      `environment variable "${name}": "${value}" is not a secret name; expected 1 to 192 letters, digits or "_/+=.@-"`,
    );
  }
  return { variable: name, name: value };
}

/** Reads the store (`SECRET_STORE_ENV`): `oos` (default) or `kms`. */
export function readSecretStore(env: Env): SecretStore {
  const value = env[SECRET_STORE_ENV];
  if (value === undefined || value === '' || value === 'oos') return 'oos';
  if (value === 'kms') return 'kms';
  throw new ConfigurationError(
    `environment variable "${SECRET_STORE_ENV}": "${value}" is not allowed; expected oos or kms`,
  );
}

/** Values read in this container, by store, endpoint and name. Only successful reads are kept. */
const cache = new Map<string, Promise<string>>();

/** Forgets every value read (tests: a new container). */
export function clearSecretCache(): void {
  cache.clear();
}

/**
 * A reader over the store. Values are cached per container (module scope), so a reader built per invocation still
 * reads each secret once.
 *
 * @example
 * const secrets = createSecretReader({ store: 'oos', credentials: context.credentials, region: context.region });
 * const token = await secrets.get({ variable: secretNameVariable(ALERT_CHANNEL_SECRETS.webhookToken), name: 'ecs-event-ops-webhook-token' });
 */
export function createSecretReader(options: SecretReaderOptions): SecretReader {
  const { store } = options;
  let client: RpcClient | undefined;
  const rpc = () => {
    client ??= createRpcClient({
      product: store === 'oos' ? OOS : KMS,
      credentials: options.credentials,
      region: options.region,
      endpoint: options.endpoint,
    });
    return client;
  };
  return {
    get(ref) {
      const key = [store, options.region, options.endpoint?.href ?? '', ref.name].join('\n');
      const cached = cache.get(key);
      if (cached !== undefined) return cached;
      const read = fetchSecret(rpc(), store, options.region, ref);
      cache.set(key, read);
      // A failed read is forgotten, so that the next invocation tries again.
      read.catch(() => {
        if (cache.get(key) === read) cache.delete(key);
      });
      return read;
    },
  };
}

async function fetchSecret(client: RpcClient, store: SecretStore, region: string, ref: SecretRef): Promise<string> {
  const what = `the secret "${ref.name}" (${store === 'oos' ? 'OOS secret parameter' : 'KMS secret'}, named by environment variable "${ref.variable}")`;
  let body: Record<string, unknown>;
  try {
    body =
      store === 'oos'
        ? await client.call('GetSecretParameter', { RegionId: region, Name: ref.name, WithDecryption: true })
        : await client.call('GetSecretValue', { SecretName: ref.name });
  } catch (error) {
    if (!(error instanceof HandlerError)) throw error;
    const text = `cannot read ${what}: ${error.message}`;
    throw error.retryable
      ? new RetryableError(text, { cause: error, api: error.api })
      : new PermanentError(`${text} (check that the secret exists and that the function's role may read it)`, {
          cause: error,
          api: error.api,
        });
  }
  const parameter = body.Parameter;
  const value =
    store === 'oos'
      ? typeof parameter === 'object' && parameter !== null
        ? (parameter as Record<string, unknown>).Value
        : undefined
      : body.SecretData;
  if (typeof value !== 'string' || value === '') {
    throw new PermanentError(`${what} has no value (the answer carried no decrypted value)`);
  }
  return value;
}
