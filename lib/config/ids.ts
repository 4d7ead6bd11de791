import { z } from 'zod';
import { type ConfigIdKind, ID_FORMATS } from '../../contract/ids';

/** The shapes of configured ids live in the contract (handlers check the same prefixes). */
export { ID_FORMATS } from '../../contract/ids';

/** The kinds of resource id the configuration knows. */
export type IdKind = ConfigIdKind;

/**
 * Why `value` is not a well-formed id of `kind`, or undefined when it is.
 *
 * @example idProblem('instance', 'sg-123') // 'expected an instance id like i-bp1abcdefghij0123456'
 */
export function idProblem(kind: IdKind, value: unknown): string | undefined {
  const format = ID_FORMATS[kind];
  if (typeof value === 'string' && format.pattern.test(value)) return undefined;
  const prefix = format.example.slice(0, format.example.indexOf('-') + 1);
  return `expected ${format.label} id like ${format.example} ("${prefix}" then 8 to 32 lowercase letters or digits)`;
}

/** The schema of a configured id of `kind`, with the message of {@link idProblem}. */
export function idSchema(kind: IdKind): z.ZodType<string> {
  const error = { error: (issue: { input?: unknown }) => idProblem(kind, issue.input) };
  return z.string(error).regex(ID_FORMATS[kind].pattern, error);
}
