import { Command, CommanderError, Option } from 'commander';
import { EXIT, oneLine, ToolFailure, UsageError } from './errors';
import type { CliIo } from './io';
import { OptionReader } from './options';
import { colourEnabled, createStyle, type Style } from './style';

/**
 * One way to build an operator tool on commander: `--help` with usage and examples, `--json` for tools that report,
 * one error style (`error: …` lines on stderr; exit 2 for usage, 1 for a failure), and never a stack trace for a
 * user mistake.
 * @see https://github.com/tj/commander.js#readme
 */

/** What a tool's `run` gets. */
export interface ToolContext {
  /** The tool's name, as in `npm run <name>`. */
  readonly name: string;
  readonly options: OptionReader;
  /** Positional arguments, for tools that declare them. */
  readonly args: readonly string[];
  /** `--json` was given: write the report with {@link ToolContext.printJson} and nothing else to stdout. */
  readonly json: boolean;
  readonly io: CliIo;
  /** Styles for stdout (identity unless stdout is a terminal and NO_COLOR is unset). */
  readonly style: Style;
  /** Aborted when the tool should stop (a termination signal, see `trapTerminationSignals`). */
  readonly signal: AbortSignal;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** A progress line on stderr (never stdout, so that `--json` output stays parseable). */
  readonly progress: (line: string) => void;
  /** Writes `value` to stdout as indented JSON. */
  readonly printJson: (value: unknown) => void;
}

/** An operator tool. */
export interface ToolSpec {
  /** Its name as in `npm run <name>`: `drill`, `rules:report`. */
  readonly name: string;
  /** One sentence: what it does. */
  readonly summary: string;
  /** The usage line after `npm run <name> --`. @default commander's `[options]` */
  readonly usage?: string;
  /** Whole example command lines, at least one; `--help` shows them all. */
  readonly examples: readonly string[];
  /** Adds `--json`: stdout then holds only the JSON report. */
  readonly json?: boolean;
  /** Text after the examples: exit codes, environment variables. */
  readonly notes?: string;
  /**
   * Error classes that are user-facing failures like {@link ToolFailure} (exit 1, message only), for libraries that
   * have their own (`AssemblyError`, `ConfigError`).
   */
  readonly failures?: readonly (abstract new (
    ...args: never[]
  ) => Error)[];
  /** Declares the options and arguments on the commander command. */
  readonly configure: (command: Command) => void;
  /** Runs; resolves to the exit code (undefined means 0). */
  readonly run: (context: ToolContext) => Promise<number | undefined> | number | undefined;
}

/** Declares a tool (an identity function: it gives the spec its type where it is written). */
export function defineTool(spec: ToolSpec): ToolSpec {
  return spec;
}

/** What {@link runTool} runs against; everything defaults to the process's own. */
export interface RunToolOptions {
  /** @default an AbortSignal that never aborts */
  readonly signal?: AbortSignal;
  /** @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Whether stdout is a terminal (colour). @default false */
  readonly stdoutIsTTY?: boolean;
}

/** Builds the commander command of a tool, writing help to `io.stdout` and errors nowhere (the kit prints them). */
export function buildCommand(spec: ToolSpec, io: CliIo): Command {
  const command = new Command()
    .name(`npm run ${spec.name} --`)
    .description(spec.summary)
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr, outputError: () => undefined })
    .showSuggestionAfterError(true)
    .allowExcessArguments(false)
    .helpOption('-h, --help', 'show this help');
  if (spec.usage !== undefined) command.usage(spec.usage);
  spec.configure(command);
  if (spec.json === true) {
    command.addOption(new Option('--json', 'write the report as JSON to stdout (progress still goes to stderr)'));
  }
  const examples = spec.examples.map((example) => `  ${example}`).join('\n');
  command.addHelpText('after', `\nExamples:\n${examples}${spec.notes === undefined ? '' : `\n\n${spec.notes}`}`);
  return command;
}

/** Commander's message as one line of ours: no `error:` prefix of its own, the suggestion on the same line. */
function commanderProblem(error: CommanderError): string {
  return oneLine(error.message.replace(/^error:\s*/, '').replace(/\n\(Did you mean/, ' (did you mean'));
}

/**
 * Runs a tool to its exit code: parses `argv` (the arguments after the script name), runs it, and prints any error
 * in the kit's style. Never throws.
 *
 * @example const code = await runTool(drillTool, ['--help'], bufferIo())
 */
export async function runTool(
  spec: ToolSpec,
  argv: readonly string[],
  io: CliIo,
  options: RunToolOptions = {},
): Promise<number> {
  const command = buildCommand(spec, io);
  try {
    command.parse([...argv], { from: 'user' });
  } catch (error) {
    if (!(error instanceof CommanderError)) return reportError(spec, io, error, options.env ?? process.env);
    // --help (and --version): commander printed it and asks for exit code 0.
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return EXIT.ok;
    io.stderr(`error: ${commanderProblem(error)} (see npm run ${spec.name} -- --help)\n`);
    return EXIT.usage;
  }
  const env = options.env ?? process.env;
  const values = command.opts();
  const json = values.json === true;
  const context: ToolContext = {
    name: spec.name,
    options: new OptionReader(values),
    args: command.args,
    json,
    io,
    style: createStyle(colourEnabled({ isTTY: options.stdoutIsTTY === true }, env)),
    signal: options.signal ?? new AbortController().signal,
    env,
    progress: (line) => io.stderr(`${line}\n`),
    printJson: (value) => io.stdout(`${JSON.stringify(value, null, 2)}\n`),
  };
  try {
    return (await spec.run(context)) ?? EXIT.ok;
  } catch (error) {
    return reportError(spec, io, error, env);
  }
}

function reportError(
  spec: ToolSpec,
  io: CliIo,
  error: unknown,
  env: Readonly<Record<string, string | undefined>>,
): number {
  if (error instanceof UsageError) {
    for (const problem of error.problems) io.stderr(`error: ${oneLine(problem)}\n`);
    return EXIT.usage;
  }
  if (error instanceof ToolFailure) {
    io.stderr(`error: ${oneLine(error.message)}\n`);
    return error.exitCode;
  }
  if (error instanceof Error && (spec.failures ?? []).some((type) => error instanceof type)) {
    io.stderr(`error: ${oneLine(error.message)}\n`);
    return EXIT.failure;
  }
  // A bug, not a user mistake: still one line, with the stack on request.
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  if (env.EEO_DEBUG !== undefined && env.EEO_DEBUG !== '' && error instanceof Error) {
    io.stderr(`error: ${oneLine(text)}\n${error.stack ?? ''}\n`);
  } else {
    io.stderr(`error: ${oneLine(text)} (unexpected; set EEO_DEBUG=1 for the stack trace)\n`);
  }
  return EXIT.failure;
}
