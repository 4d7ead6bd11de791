import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { AssemblyError, readAssembly } from './assembly';
import { compareAssemblies } from './compare';
import { FAIL_EXIT_CODE, FAIL_ON_VALUES, type FailOn, failingChanges } from './fail-on';
import { renderMarkdown } from './markdown';

/**
 * The npm script that runs this CLI, as package.json declares it (`"diff": "tsx tools/diff.ts"`). The workflow
 * test accepts `npm run diff` by this name until package.json has the script, and then checks the command.
 */
export const DIFF_SCRIPT = { name: 'diff', command: 'tsx tools/diff.ts' } as const;

/** The report formats of `--format`. */
export const FORMATS = ['markdown', 'json'] as const;

/** Usage of `npm run diff`. */
export const USAGE =
  'Usage: npm run diff -- --base <cdk.out> [--head <cdk.out>] [--format markdown|json] ' +
  '[--fail-on replace|delete|any|never]';

/** The command line is wrong; the message says what and how to call it. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** What {@link runDiff} reads from and writes to, so that tests run it in-process. */
export interface DiffIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Synthesizes the working tree into a new folder and returns it; called when `--head` is not given. */
  readonly synthHead: () => string;
  /** Folder that relative `--base`/`--head` paths are resolved against. @default process.cwd() */
  readonly cwd?: string;
}

/** Parsed options of `npm run diff`. */
export interface DiffOptions {
  readonly base: string;
  readonly head?: string;
  readonly format: (typeof FORMATS)[number];
  readonly failOn: FailOn;
}

/**
 * Parses the arguments of `npm run diff`.
 *
 * @throws UsageError for an unknown option, a missing `--base` or a value that is not allowed.
 */
export function parseDiffArgs(argv: readonly string[]): DiffOptions {
  let values: { base?: string; head?: string; format?: string; 'fail-on'?: string };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        base: { type: 'string' },
        head: { type: 'string' },
        format: { type: 'string' },
        'fail-on': { type: 'string' },
      },
      allowPositionals: false,
      strict: true,
    }));
  } catch (cause) {
    throw new UsageError(`${(cause as Error).message}. ${USAGE}`, { cause });
  }
  if (values.base === undefined) throw new UsageError(`--base is required. ${USAGE}`);
  const format = values.format ?? 'markdown';
  if (!isOneOf(format, FORMATS)) {
    throw new UsageError(`--format "${format}" is not valid: one of ${FORMATS.join(', ')}`);
  }
  const failOn = values['fail-on'] ?? 'never';
  if (!isOneOf(failOn, FAIL_ON_VALUES)) {
    throw new UsageError(`--fail-on "${failOn}" is not valid: one of ${FAIL_ON_VALUES.join(', ')}`);
  }
  return { base: values.base, head: values.head, format, failOn };
}

/**
 * Runs `npm run diff`: compares the assemblies, writes the report to stdout, and returns the exit code: 0, or
 * {@link FAIL_EXIT_CODE} when the report fails `--fail-on` (the failing changes are listed on stderr), or 1 for a
 * usage error or an assembly that cannot be read (the message names the path).
 */
export function runDiff(argv: readonly string[], io: DiffIo): number {
  try {
    const options = parseDiffArgs(argv);
    const cwd = io.cwd ?? process.cwd();
    const base = readAssembly(path.resolve(cwd, options.base));
    const head = readAssembly(options.head === undefined ? io.synthHead() : path.resolve(cwd, options.head));
    const comparison = compareAssemblies(base, head);
    io.stdout(
      options.format === 'json' ? `${JSON.stringify(comparison.report, null, 2)}\n` : renderMarkdown(comparison),
    );
    const failing = failingChanges(comparison.report, options.failOn);
    if (failing.length === 0) return 0;
    io.stderr(
      `diff: --fail-on ${options.failOn}: ${failing.length} change${failing.length === 1 ? '' : 's'} fail the check: ` +
        `${failing.map((f) => `${f.stack}/${f.logicalId} (${f.risk})`).join(', ')}\n`,
    );
    return FAIL_EXIT_CODE;
  } catch (error) {
    if (!(error instanceof UsageError || error instanceof AssemblyError)) throw error;
    io.stderr(`diff: ${error.message}\n`);
    return 1;
  }
}

function isOneOf<T extends string>(value: string, allowed: readonly T[]): value is T {
  return (allowed as readonly string[]).includes(value);
}
