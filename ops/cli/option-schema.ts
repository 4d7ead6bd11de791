import { z } from 'zod';
import { REGION_IDS } from '../../lib/config/regions';
import { didYouMean } from '../../lib/private/did-you-mean';
import { zodProblems } from '../../lib/private/zod-problems';
import { UsageError } from './errors';

/**
 * Options checked by a zod schema (https://zod.dev), so that a tool's option types are inferred from its checks.
 *
 * The schema is a `z.object` keyed like commander's values (the camel-cased long name: `--not-before` is
 * `notBefore`). Each schema carries the end of its own message, which the kit prefixes with the flag and the value
 * received: `--max "0" must be a whole number from 1 to 1000`, or for a value not given `--queue is required; …`
 * (a message starting with `:` follows the value directly: `--instance "i-1": expected an instance id …`).
 * Problems come in the order of the schema's keys, one `UsageError` line each.
 */

/** The flag of a commander key: `notBefore` → `--not-before`. */
export function flagOf(key: string): string {
  return `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/**
 * An error map that says `whenMissing` for an option not given, else `whenInvalid` (of the value received).
 *
 * @example z.string(usage('is required; known: a, b', (v) => `is not allowed; known: a, b`))
 */
export function usage(whenMissing: string, whenInvalid: string | ((input: unknown) => string)) {
  return {
    error: (issue: { readonly input?: unknown }) =>
      issue.input === undefined
        ? whenMissing
        : typeof whenInvalid === 'string'
          ? whenInvalid
          : whenInvalid(issue.input),
  };
}

/**
 * An Alibaba Cloud region id, with the nearest one suggested; `required` makes it required.
 *
 * @example z.object({ region: regionOption({ required: true }) })
 */
export function regionOption(options: { readonly required: true }): z.ZodString;
export function regionOption(options?: { readonly required?: false }): z.ZodOptional<z.ZodString>;
export function regionOption(options: { readonly required?: boolean } = {}) {
  const known = `known: ${REGION_IDS.join(', ')}`;
  const schema = z
    .string(usage(`is required; ${known}`, 'is not an Alibaba Cloud region id'))
    .refine((value) => REGION_IDS.includes(value), {
      error: (issue) => `is not an Alibaba Cloud region id${didYouMean(String(issue.input), REGION_IDS)}; ${known}`,
    });
  return options.required === true ? schema : schema.optional();
}

/** An Alibaba Cloud account id (`--account-id`), optional. */
export const accountIdOption = z
  .string()
  .regex(/^\d{6,20}$/, 'is not an Alibaba Cloud account id (digits only, e.g. 1234567890123456)')
  .optional();

/** A name prefix as the configuration allows it (`--name-prefix`), optional. */
export const NAME_PREFIX = /^[a-z][a-z0-9-]{1,19}$/;
/** What {@link NAME_PREFIX} allows, in words. */
export const NAME_PREFIX_ALLOWED =
  'is not valid: lowercase letters, digits and hyphens, starting with a letter, 2 to 20 characters';

/** A boolean flag: false when not given. */
export const flagOption = z.boolean().default(false);

/** A repeatable string option (see `repeatable`): [] when not given. */
export const repeatableOption = z.array(z.string()).default([]);

function shown(value: unknown): string {
  return typeof value === 'string' ? `"${value}"` : JSON.stringify(value);
}

/**
 * Parses commander's option values with `schema`.
 *
 * @throws UsageError with one line per problem, naming the flag, the value received and what is allowed
 */
export function parseOptions<S extends z.ZodObject>(schema: S, values: Readonly<Record<string, unknown>>): z.output<S> {
  // Every key of the schema present (undefined when not given), in the schema's order: problems come in that order,
  // and an option not given is a value `undefined`, not a missing key.
  const ordered: Record<string, unknown> = {};
  for (const key of Object.keys(schema.shape)) ordered[key] = values[key];
  const parsed = schema.safeParse(ordered);
  if (parsed.success) return parsed.data;
  const lines = zodProblems(parsed.error.issues, ordered).map((problem) => {
    const flag = flagOf(String(problem.at[0] ?? ''));
    if (problem.kind !== 'invalid') return `${flag} is not valid`;
    if (problem.value === undefined) return `${flag} ${problem.message}`;
    // A message that starts with ':' follows the value directly: `--instance "i-1": expected an instance id …`.
    return `${flag} ${shown(problem.value)}${problem.message.startsWith(':') ? '' : ' '}${problem.message}`;
  });
  throw new UsageError(lines, { cause: parsed.error });
}
