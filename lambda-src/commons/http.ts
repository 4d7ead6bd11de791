import * as http from 'node:http';
import * as https from 'node:https';
import { isLoopbackHost } from '../../contract/endpoints';
import { ConfigurationError, RetryableError } from './errors';

/**
 * Outbound HTTP(S) for webhooks (notify) and custom-resource responses (protect-instances), on Node's http/https
 * (no client library: a few KB instead of a dependency).
 */

/** A response: status and body text. */
export interface HttpResponse {
  readonly status: number;
  readonly body: string;
}

/** Options of {@link sendJson}. */
export interface SendJsonOptions {
  /** @default POST */
  readonly method?: 'POST' | 'PUT';
  readonly headers?: Readonly<Record<string, string>>;
  /** @default 10000 */
  readonly timeoutMs?: number;
  /** Name used in error messages instead of the URL, which may carry a token (e.g. `DingTalk`). */
  readonly target: string;
}

/**
 * Parses an outbound URL from the environment: `https:` anywhere, `http:` only to a loopback host (tests, local
 * replay), anything else refused, so a webhook token is never sent in clear text over a network.
 *
 * @param what how the value is named in errors, e.g. `secret "ecs-event-ops-webhook-url"`
 * @throws ConfigurationError naming the value (never its content: webhook URLs carry tokens).
 */
export function outboundUrl(name: string, raw: string, what = `environment variable "${name}"`): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigurationError(`${what} is not a URL; expected https://host/path`);
  }
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return url;
  throw new ConfigurationError(
    `${what} has scheme "${url.protocol}" to host "${url.hostname}"; only https:// is allowed (http:// only to a loopback address)`,
  );
}

/** A URL for messages: scheme, host and path, without the query (where webhook tokens live). */
export function redactedUrl(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

/** Longest response excerpt quoted in an error message. */
export const EXCERPT_CHARS = 200;

/**
 * A short, single-line excerpt of a response body for an error message: at most {@link EXCERPT_CHARS} characters,
 * control characters as spaces, and every occurrence of a secret (a webhook token, a signing secret, the URL's query,
 * which some services echo back) replaced by `***`.
 */
export function responseExcerpt(body: string, secrets: readonly (string | undefined)[] = []): string {
  let text = body;
  for (const secret of secrets) {
    if (secret !== undefined && secret.length >= 4) text = text.split(secret).join('***');
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is replaced here
  text = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  if (text === '') return '(empty body)';
  return text.length > EXCERPT_CHARS ? `${text.slice(0, EXCERPT_CHARS)}…` : text;
}

/** The parts of a URL that may carry a secret: each query value. */
export function urlSecrets(url: URL): string[] {
  return [...url.searchParams.values()];
}

/**
 * Sends a JSON body and returns the response, whatever its status. No answer at all (refused connection, DNS
 * failure, reset, timeout) is a {@link RetryableError} labelled `network error` with the cause's code and message;
 * an answer with any status is returned, and classifying it is left to the caller, which knows the protocol.
 */
export async function sendJson(url: URL, body: unknown, options: SendJsonOptions): Promise<HttpResponse> {
  const text = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body), 'utf8');
  const timeoutMs = options.timeoutMs ?? 10_000;
  const transport = url.protocol === 'http:' ? http : https;
  try {
    return await new Promise<HttpResponse>((resolve, reject) => {
      const request = transport.request(
        url,
        {
          method: options.method ?? 'POST',
          headers: {
            'content-type': 'application/json',
            'content-length': String(text.length),
            ...options.headers,
          },
          timeout: timeoutMs,
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () =>
            resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
          );
          response.on('error', reject);
        },
      );
      request.on('timeout', () => request.destroy(new Error(`timed out after ${timeoutMs} ms`)));
      request.on('error', reject);
      request.end(text);
    });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const cause = `${typeof code === 'string' ? `${code}: ` : ''}${(error as Error).message}`;
    throw new RetryableError(`${options.target}: network error sending to ${redactedUrl(url)} (no answer): ${cause}`, {
      cause: error,
    });
  }
}
