import { Option } from 'commander';
import type { z } from 'zod';
import { ContextSourceError, parseContextFlags } from '../../lib/config/context';
import { UsageError } from './errors';
import { parseOptions } from './option-schema';

/**
 * Typed reads of the parsed options. Commander keys options by their camel-cased long name (`--not-before` is
 * `notBefore`); values are strings (or string lists, for repeatable options) and booleans. A tool checks and
 * converts them with a zod schema ({@link OptionReader.parse}), or by hand for what needs more than the command line.
 */
export class OptionReader {
  constructor(private readonly values: Readonly<Record<string, unknown>>) {}

  /** The value of a string option, or undefined when it was not given. */
  string(key: string): string | undefined {
    const value = this.values[key];
    return typeof value === 'string' ? value : undefined;
  }

  /** The values of a repeatable option (see {@link repeatable}); [] when not given. */
  strings(key: string): readonly string[] {
    const value = this.values[key];
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  }

  /** Whether a boolean flag was given. */
  flag(key: string): boolean {
    return this.values[key] === true;
  }

  /**
   * Checks and converts the options with a zod schema (ops/cli/option-schema.ts); the result's type is inferred.
   *
   * @throws UsageError with one line per problem, each naming the flag: `--max "0" must be a whole number from 1 to 1000`
   * @example const { max } = context.options.parse(z.object({ max: z.coerce.number().int() }))
   */
  parse<S extends z.ZodObject>(schema: S): z.output<S> {
    return parseOptions(schema, this.values);
  }
}

/**
 * A string option that may be given several times, collected in order.
 *
 * @example command.addOption(repeatable('-c, --context <key=value>', 'context value, as for synth'))
 */
export function repeatable(flags: string, description: string): Option {
  return new Option(flags, description).argParser<string[]>((value, previous) => [...(previous ?? []), value]);
}

/**
 * The `-c, --context <key=value>` option of synth, for tools that read the app's configuration (policy today; drill
 * and redrive later, so that they use the same names as the deployed stacks).
 */
export function contextOption(): Option {
  return repeatable(
    '-c, --context <key=value>',
    'context value, as `ros-cdk synth --context` takes it (repeatable; -c is our shorthand)',
  );
}

/**
 * Parses `--context key=value` pairs as the ros-cdk CLI does (lib/config/context.ts `parseContextFlags`).
 *
 * @throws UsageError naming every pair without a key or an `=`, and every reserved `aliyun:` key
 */
export function parseContextPairs(pairs: readonly string[]): Record<string, string> {
  const problems: string[] = [];
  for (const pair of pairs) {
    try {
      parseContextFlags([pair]);
    } catch (error) {
      if (!(error instanceof ContextSourceError)) throw error;
      problems.push(error.message);
    }
  }
  if (problems.length > 0) throw new UsageError(problems);
  return parseContextFlags(pairs);
}
