import * as path from 'node:path';
import { type CliIo, defineTool, runTool, type ToolSpec, UsageError } from '../cli';
import { AssemblyError, readAssembly } from './assembly';
import { compareAssemblies } from './compare';
import { FAIL_EXIT_CODE, FAIL_ON_VALUES, type FailOn, failingChanges } from './fail-on';
import { renderMarkdown } from './markdown';
import { changedRouting } from './routing';

/**
 * The npm script that runs this CLI, as package.json declares it (`"diff": "tsx tools/diff.ts"`). The workflow
 * test accepts `npm run diff` by this name until package.json has the script, and then checks the command.
 */
export const DIFF_SCRIPT = { name: 'diff', command: 'tsx tools/diff.ts' } as const;

/** The report formats of `--format`. */
export const FORMATS = ['markdown', 'json', 'routing'] as const;

/** Usage of `npm run diff`, after `npm run diff --`. */
export const USAGE =
  '--base <cdk.out> [--head <cdk.out>] [--format markdown|json|routing | --json] [--fail-on replace|delete|any|never]';

/** What the diff tool needs besides the command line, so that tests run it in-process. */
export interface DiffDeps {
  /** Synthesizes the working tree into a new folder and returns it; called when `--head` is not given. */
  readonly synthHead: () => string;
  /** Folder that relative `--base`/`--head` paths are resolved against. @default process.cwd() */
  readonly cwd?: string;
}

/** What {@link runDiff} reads from and writes to. */
export interface DiffIo extends CliIo, DiffDeps {}

/** Checked options of `npm run diff`. */
export interface DiffOptions {
  readonly base: string;
  readonly head?: string;
  readonly format: (typeof FORMATS)[number];
  readonly failOn: FailOn;
}

/**
 * The `npm run diff` tool: compares the assemblies, writes the report to stdout, and exits 0, or
 * {@link FAIL_EXIT_CODE} (2) when the report fails `--fail-on` (the failing changes are listed on stderr), 1 when an
 * assembly cannot be read (the message names the path), 2 for a usage error.
 *
 * Exit code 2 means both "fails --fail-on" (kept from before the CLI kit: the pull-request workflow reads it) and "bad
 * command line" (the kit's usage code); the workflow passes fixed flags, and stderr tells the two apart.
 */
export function createDiffTool(deps: DiffDeps): ToolSpec {
  return defineTool({
    name: 'diff',
    summary:
      'Compares two cloud assemblies stack by stack and reports every change with its risk (replacement, deletion, ' +
      'stateful resources). Without --head, the working tree is synthesized first, as npm run synth does.',
    usage: USAGE,
    examples: [
      'npm run diff -- --base cdk.out.base',
      'npm run diff -- --base cdk.out.base --head cdk.out --format json',
      'npm run diff -- --base cdk.out.base --head cdk.out --fail-on replace',
      'npm run diff -- --base cdk.out.base --head cdk.out --format routing',
    ],
    json: true,
    notes:
      'Exit codes: 0 the report passes --fail-on; 2 it fails --fail-on (or a usage error); 1 an assembly cannot be read.',
    failures: [AssemblyError],
    configure: (command) =>
      command
        .option('--base <dir>', 'the cloud assembly before the change (required)')
        .option('--head <dir>', 'the cloud assembly after the change (default: synthesize the working tree)')
        .option(
          '--format <format>',
          'markdown, json, or routing (the Mermaid pictures of the regions whose routing changed; nothing when none ' +
            'did) (default: markdown)',
        )
        .option(
          '--fail-on <what>',
          'replace, delete, any or never: exit 2 when a change is that risky (default: never)',
        ),
    run: (context) => {
      const options = diffOptions(
        {
          base: context.options.string('base'),
          head: context.options.string('head'),
          format: context.options.string('format'),
          failOn: context.options.string('failOn'),
        },
        context.json,
      );
      const cwd = deps.cwd ?? process.cwd();
      const base = readAssembly(path.resolve(cwd, options.base));
      if (options.head === undefined) context.progress('diff: synthesizing the working tree (--head not given)');
      const head = readAssembly(options.head === undefined ? deps.synthHead() : path.resolve(cwd, options.head));
      const comparison = compareAssemblies(base, head);
      if (options.format === 'json') context.printJson(comparison.report);
      else if (options.format === 'routing') context.io.stdout(changedRouting(base, head));
      else context.io.stdout(renderMarkdown(comparison));
      const failing = failingChanges(comparison.report, options.failOn);
      if (failing.length === 0) return 0;
      context.io.stderr(
        `diff: --fail-on ${options.failOn}: ${failing.length} change${failing.length === 1 ? '' : 's'} fail the check: ` +
          `${failing.map((f) => `${f.stack}/${f.logicalId} (${f.risk})`).join(', ')}\n`,
      );
      return FAIL_EXIT_CODE;
    },
  });
}

/**
 * Checks the values of the command line; `--json` is `--format json`.
 *
 * @throws UsageError naming every flag that is missing or not allowed
 */
export function diffOptions(
  values: { readonly base?: string; readonly head?: string; readonly format?: string; readonly failOn?: string },
  json = false,
): DiffOptions {
  const problems: string[] = [];
  if (values.base === undefined) problems.push('--base is required: the cloud assembly before the change');
  const format = values.format ?? (json ? 'json' : 'markdown');
  if (!isOneOf(format, FORMATS)) problems.push(`--format "${format}" is not valid: one of ${FORMATS.join(', ')}`);
  else if (json && format !== 'json') problems.push(`--json contradicts --format ${format}: give one of them`);
  const failOn = values.failOn ?? 'never';
  if (!isOneOf(failOn, FAIL_ON_VALUES)) {
    problems.push(`--fail-on "${failOn}" is not valid: one of ${FAIL_ON_VALUES.join(', ')}`);
  }
  if (problems.length > 0) throw new UsageError(problems);
  return {
    base: values.base as string,
    head: values.head,
    format: format as DiffOptions['format'],
    failOn: failOn as FailOn,
  };
}

/**
 * Runs `npm run diff` in-process and resolves to its exit code (see {@link createDiffTool}).
 *
 * @example const code = await runDiff(['--base', 'cdk.out.base', '--head', 'cdk.out'], { stdout, stderr, synthHead })
 */
export function runDiff(argv: readonly string[], io: DiffIo): Promise<number> {
  return runTool(createDiffTool(io), argv, io);
}

function isOneOf<T extends string>(value: string, allowed: readonly T[]): value is T {
  return (allowed as readonly string[]).includes(value);
}
