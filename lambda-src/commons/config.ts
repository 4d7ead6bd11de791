import { ENDPOINT_ALLOWED, parseEndpoint } from '../../contract/endpoints';
import { COMMON_ENV } from '../../contract/env/common';
import { ENDPOINT_ENV, type EndpointService } from '../../contract/env/endpoints';
import {
  DLQ_RETENTION_SECONDS,
  IDEMPOTENCY_WINDOW_SECONDS,
  MAX_IDEMPOTENCY_WINDOW_SECONDS,
} from '../../contract/retention';
import { ConfigurationError } from './errors';

/** The environment as a plain string map (`process.env` fits). */
export type Env = Readonly<Record<string, string | undefined>>;

/**
 * The shortest idempotency window accepted: the dead-letter retention. A message can be re-delivered from a
 * dead-letter queue until it expires there, so a shorter window would let a re-delivery act a second time.
 */
export const MIN_IDEMPOTENCY_WINDOW_SECONDS = DLQ_RETENTION_SECONDS;

/** Settings every handler reads. */
export interface CommonConfig {
  /** OSS bucket for archives, idempotency markers and guard state (`COMMON_ENV.archiveBucket`). */
  readonly archiveBucket: string;
  /**
   * How long a completed event id is remembered (`COMMON_ENV.idempotencyWindowSeconds`), at least the dead-letter retention.
   * @default IDEMPOTENCY_WINDOW_SECONDS of contract/retention.ts (8 days)
   */
  readonly idempotencyWindowSeconds: number;
  /**
   * Endpoint overrides (`ENDPOINT_ENV` of contract/env/endpoints.ts); undefined = the default endpoint of the
   * region.
   */
  readonly endpoints: EndpointOverrides;
}

/** Full URLs such as `http://127.0.0.1:40123`, used by tests and private endpoints. */
export interface EndpointOverrides {
  readonly ecs?: URL;
  readonly slb?: URL;
  /** Application Load Balancer; default `https://alb.<region>.aliyuncs.com`. */
  readonly alb?: URL;
  /** Network Load Balancer; default `https://nlb.<region>.aliyuncs.com`. */
  readonly nlb?: URL;
  /** Auto Scaling; default `https://ess.<region>.aliyuncs.com`. */
  readonly ess?: URL;
  readonly oss?: URL;
  /** MNS queues; default `https://<account id>.mns.<region>-internal.aliyuncs.com`. */
  readonly mns?: URL;
  /** OOS (secret parameters); default `https://oos.<region>.aliyuncs.com`. */
  readonly oos?: URL;
  /** KMS (secrets); default `https://kms.<region>.aliyuncs.com`. */
  readonly kms?: URL;
}

// OSS bucket naming rules: 3-63 chars, lowercase letters, digits and hyphens, starting and ending with a letter/digit.
const BUCKET_NAME = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;

/** Reads the variables shared by all handlers; throws a {@link ConfigurationError} naming the variable. */
export function loadCommonConfig(env: Env): CommonConfig {
  const bucket = env[COMMON_ENV.archiveBucket];
  if (bucket === undefined || bucket === '') {
    throw new ConfigurationError(
      `environment variable "${COMMON_ENV.archiveBucket}" is not set; it must name the OSS bucket for archives and idempotency markers`,
    );
  }
  if (!BUCKET_NAME.test(bucket)) {
    throw new ConfigurationError(
      `environment variable "${COMMON_ENV.archiveBucket}": "${bucket}" is not a valid OSS bucket name (3-63 lowercase letters, digits and hyphens, starting and ending with a letter or digit)`,
    );
  }
  return {
    archiveBucket: bucket,
    idempotencyWindowSeconds: readInteger(env, COMMON_ENV.idempotencyWindowSeconds, IDEMPOTENCY_WINDOW_SECONDS, {
      min: MIN_IDEMPOTENCY_WINDOW_SECONDS,
      max: MAX_IDEMPOTENCY_WINDOW_SECONDS,
      why: 'dead-letter queues keep a failed event 7 days, and a re-delivery within that time must still be recognised',
    }),
    endpoints: loadEndpointOverrides(env),
  };
}

/** Reads the endpoint overrides only (for functions without an archive bucket, e.g. a custom-resource provider). */
export function loadEndpointOverrides(env: Env): EndpointOverrides {
  const read = (service: EndpointService) => readEndpoint(env, ENDPOINT_ENV[service]);
  return {
    ecs: read('ecs'),
    slb: read('slb'),
    alb: read('alb'),
    nlb: read('nlb'),
    ess: read('ess'),
    oss: read('oss'),
    mns: read('mns'),
    oos: read('oos'),
    kms: read('kms'),
  };
}

/** Bounds for {@link readInteger}. */
export interface IntegerBounds {
  readonly min: number;
  readonly max: number;
  /** Appended to the error message to explain the bounds. */
  readonly why?: string;
}

/** A comma-separated variable as a list: items trimmed, empty ones dropped, duplicates kept once, in order. */
export function readList(env: Env, name: string): string[] {
  const raw = env[name] ?? '';
  return [
    ...new Set(
      raw
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== ''),
    ),
  ];
}

/** Reads an integer variable; unset or empty gives the default. */
export function readInteger(env: Env, name: string, defaultValue: number, bounds: IntegerBounds): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return defaultValue;
  const value = Number(raw.trim());
  if (!Number.isInteger(value) || value < bounds.min || value > bounds.max) {
    const why = bounds.why === undefined ? '' : ` (${bounds.why})`;
    throw new ConfigurationError(
      `environment variable "${name}": "${raw}" is not an integer between ${bounds.min} and ${bounds.max}${why}`,
    );
  }
  return value;
}

/** Reads a string variable; unset or empty gives the default. */
export function readString(env: Env, name: string, defaultValue: string, pattern: RegExp, allowed: string): string {
  const raw = env[name];
  if (raw === undefined || raw === '') return defaultValue;
  if (!pattern.test(raw)) {
    throw new ConfigurationError(`environment variable "${name}": "${raw}" is not allowed; expected ${allowed}`);
  }
  return raw;
}

/**
 * Reads an endpoint override (every `ENDPOINT_ENV` variable goes through here) under the rule of contract/endpoints.ts: signed
 * requests and STS tokens never go in clear text over a network. A refused value is a configuration error naming the
 * variable and the value.
 * @throws ConfigurationError
 */
export function readEndpoint(env: Env, name: string): URL | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const parsed = parseEndpoint(raw);
  if ('problem' in parsed) {
    throw new ConfigurationError(
      `environment variable "${name}": "${raw}" ${parsed.problem}; expected ${ENDPOINT_ALLOWED}`,
    );
  }
  return parsed.url;
}
