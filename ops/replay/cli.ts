import * as fs from 'node:fs';
import * as path from 'node:path';
import type { LedgerRecord } from '../../contract/ledger';
import { REGION_IDS } from '../../lib/config';
import { didYouMean } from '../../lib/private/did-you-mean';
import { type CliIo, defineTool, repeatable, runTool, type ToolSpec } from '../cli';
import { parseWorld, type World, WorldFileError } from '../fake-cloud';
import { type AssemblyStack, readAssembly } from './assembly';
import { AssemblyError, ReplayInputError, ReplayUsageError } from './errors';
import { collectEventInputs } from './inputs';
import {
  type DeliveryDetails,
  type DeliveryReport,
  type EventReport,
  type ReplayFault,
  type ReplayResult,
  replayEvents,
  replaySucceeded,
} from './replay';
import { DEFAULT_STORE_FOLDER } from './store';

/** Usage, after `npm run replay --`. */
export const USAGE =
  '[--assembly cdk.out] [--region R] [--world world.json] [--store dir] [--json] [--events-from list.txt] [<event.json | folder> ...]';

const FAULT_KEYS = ['action', 'status', 'code', 'message', 'times'];

/** Checked command line. */
export interface ReplayArgs {
  readonly assembly: string;
  readonly region?: string;
  readonly world?: string;
  readonly json: boolean;
  /** Event files and folders, as given. */
  readonly files: readonly string[];
  /** List files (`--events-from`, repeatable), as given. */
  readonly eventsFrom: readonly string[];
  /** Where the local store for `npm run trace` goes (ops/replay/store.ts). @default <assembly>/replay-store */
  readonly store: string;
}

/** Where the CLI writes. */
export interface ReplayIo extends CliIo {
  /** Resolves relative paths. @default process.cwd() */
  readonly cwd?: string;
}

/** The option values as commander hands them over. */
export interface ReplayOptionValues {
  readonly assembly?: string;
  readonly region?: string;
  readonly world?: string;
  readonly json?: boolean;
  readonly eventsFrom?: readonly string[];
  readonly store?: string;
}

/**
 * Checks the command line: that an event source was given, that the files exist, that the region is a region id.
 *
 * @throws ReplayUsageError (exit 2) naming every value that is not allowed.
 */
export function checkReplayArgs(
  values: ReplayOptionValues,
  positionals: readonly string[],
  cwd = process.cwd(),
): ReplayArgs {
  const problems: string[] = [];
  const eventsFrom = values.eventsFrom ?? [];
  if (positionals.length === 0 && eventsFrom.length === 0) {
    problems.push('no event file given: name event files or folders, or --events-from <list file>');
  }
  for (const file of positionals) {
    if (!fs.existsSync(path.resolve(cwd, file))) problems.push(`event file "${file}" does not exist`);
  }
  for (const list of eventsFrom) {
    if (!fs.existsSync(path.resolve(cwd, list))) problems.push(`--events-from "${list}": the file does not exist`);
  }
  if (values.world !== undefined && !fs.existsSync(path.resolve(cwd, values.world))) {
    problems.push(`--world "${values.world}": the file does not exist`);
  }
  if (values.region !== undefined && !REGION_IDS.includes(values.region)) {
    problems.push(
      `--region "${values.region}" is not an Alibaba Cloud region id${didYouMean(values.region, REGION_IDS)}; known: ${REGION_IDS.join(', ')}`,
    );
  }
  if (problems.length > 0) throw new ReplayUsageError(problems);
  const assembly = values.assembly ?? 'cdk.out';
  return {
    assembly,
    store: values.store ?? path.join(assembly, DEFAULT_STORE_FOLDER),
    region: values.region,
    world: values.world,
    json: values.json === true,
    files: positionals,
    eventsFrom,
  };
}

/** The stacks of `--region`, or all. */
export function selectStacks(stacks: readonly AssemblyStack[], region: string | undefined): AssemblyStack[] {
  if (region === undefined) return [...stacks];
  const selected = stacks.filter((s) => s.region === region);
  if (selected.length === 0) {
    throw new ReplayUsageError(
      `--region "${region}": the assembly has no stack for it; stacks: ${stacks.map((s) => `${s.name} (${s.region})`).join(', ')}`,
    );
  }
  return selected;
}

/**
 * Reads a world file (tools/fake-cloud/world.ts) with an optional replay-only `faults` list:
 * `"faults": [{ "action": "DescribeInstances", "status": 503, "code": "ServiceUnavailable", "times": 10 }]`
 * makes the next `times` calls of `action` fail (default 1).
 *
 * @throws ReplayInputError (exit 1) naming the file and every bad field by its path.
 */
export function loadWorldFile(file: string): { world: World; faults: ReplayFault[] } {
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ReplayInputError(`--world "${file}" is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  const faults: ReplayFault[] = [];
  if (typeof json === 'object' && json !== null && !Array.isArray(json) && Object.hasOwn(json, 'faults')) {
    const { faults: raw, ...rest } = json as Record<string, unknown>;
    json = rest;
    if (!Array.isArray(raw)) throw new ReplayInputError(`--world "${file}": world.faults: must be a list`);
    raw.forEach((item, i) => {
      const at = `world.faults[${i}]`;
      const shape = '{ "action": string, "status": 400-599, "code": string, "message"?: string, "times"?: 1-1000 }';
      if (typeof item !== 'object' || item === null || Array.isArray(item)) {
        throw new ReplayInputError(`--world "${file}": ${at}: ${JSON.stringify(item)} is not valid: ${shape}`);
      }
      const f = item as Record<string, unknown>;
      const unknown = Object.keys(f).find((key) => !FAULT_KEYS.includes(key));
      if (unknown !== undefined) {
        throw new ReplayInputError(
          `--world "${file}": ${at}: "${unknown}" is not a known key${didYouMean(unknown, FAULT_KEYS)}; allowed: ${FAULT_KEYS.join(', ')}`,
        );
      }
      const times = f.times ?? 1;
      if (
        typeof f.action !== 'string' ||
        typeof f.code !== 'string' ||
        typeof f.status !== 'number' ||
        !Number.isInteger(f.status) ||
        f.status < 400 ||
        f.status > 599 ||
        typeof times !== 'number' ||
        !Number.isInteger(times) ||
        times < 1 ||
        times > 1000 ||
        (f.message !== undefined && typeof f.message !== 'string')
      ) {
        throw new ReplayInputError(`--world "${file}": ${at}: ${JSON.stringify(item)} is not valid: ${shape}`);
      }
      faults.push({
        action: f.action,
        status: f.status,
        code: f.code,
        message: f.message as string | undefined,
        times,
      });
    });
  }
  try {
    return { world: parseWorld(json), faults };
  } catch (error) {
    if (!(error instanceof WorldFileError)) throw error;
    throw new ReplayInputError(`--world "${file}": ${error.message}`, { cause: error });
  }
}

/** Events between two progress lines on stderr. */
const PROGRESS_EVERY = 1000;

/**
 * The `npm run replay` tool, on the CLI kit: exit code 0 when every event was read and every delivery ended `ok`,
 * 1 when one did not (or the assembly or world file cannot be used), 2 for a usage error.
 *
 * @example await runTool(createReplayTool(), ['--json', 'test/fixtures/events/acs.ecs'], bufferIo())
 */
export function createReplayTool(options: { readonly cwd?: string } = {}): ToolSpec {
  return defineTool({
    name: 'replay',
    summary:
      'Replays sample events against the synthesized rules and the bundled handlers of a cloud assembly, with a ' +
      'loopback fake cloud whose state comes from a world file.',
    usage: USAGE,
    examples: [
      'npm run replay -- --world examples/world.json test/fixtures/events/acs.ecs/instance-statechange-stopped.json',
      'npm run replay -- --json test/fixtures/events/',
      'find events -name "*.json" > list.txt && npm run replay -- --events-from list.txt',
    ],
    json: true,
    notes:
      'Folders are read recursively (*.json, following symbolic links). A list file holds one path per line (blank ' +
      'lines and # comments skipped), relative to the current folder.\n' +
      'The fake SLS logs (events and handler lines, ledger records included), archive bucket and dead letters are ' +
      'left in --store ' +
      'for npm run trace -- --store <dir>.\n' +
      'Exit codes: 0 every event replayed and every delivery ok; 1 an event file or a delivery failed, or the ' +
      'assembly or world file cannot be used; 2 a usage error.',
    failures: [AssemblyError, ReplayInputError],
    configure: (command) =>
      command
        .argument('[events...]', 'event files (EventBridge or Cloud Monitor form) and folders of them')
        .option('--assembly <dir>', 'the cloud assembly written by npm run synth (default: cdk.out)')
        .option('--region <region>', 'replay only against the stack of this region')
        .option('--world <file>', "the fake cloud's state (JSON), with optional replay-only faults")
        .option(
          '--store <dir>',
          'where to leave the SLS logs and archive for npm run trace (default: <assembly>/replay-store)',
        )
        .addOption(repeatable('--events-from <file>', 'a list file of event paths, one per line (repeatable)')),
    run: async (context) => {
      const cwd = options.cwd ?? process.cwd();
      const args = checkReplayArgs(
        {
          assembly: context.options.string('assembly'),
          region: context.options.string('region'),
          world: context.options.string('world'),
          json: context.json,
          eventsFrom: context.options.strings('eventsFrom'),
          store: context.options.string('store'),
        },
        context.args,
        cwd,
      );
      return replayCommand(args, context.io, cwd, context.progress);
    },
  });
}

async function replayCommand(
  args: ReplayArgs,
  io: CliIo,
  cwd: string,
  progress: (line: string) => void,
): Promise<number> {
  if (!fs.existsSync(path.resolve(cwd, args.assembly, 'manifest.json'))) {
    throw new AssemblyError(
      `--assembly "${args.assembly}" is not a cloud assembly (no manifest.json); run npm run synth first or pass the folder it wrote`,
    );
  }
  const stacks = selectStacks(readAssembly(path.resolve(cwd, args.assembly)), args.region);
  const loaded = args.world === undefined ? undefined : loadWorldFile(path.resolve(cwd, args.world));
  if (loaded !== undefined && !stacks.some((s) => s.region === loaded.world.region)) {
    throw new ReplayInputError(
      `--world "${args.world}": region "${loaded.world.region}" has no stack in the replay; stacks: ${stacks.map((s) => `${s.name} (${s.region})`).join(', ')}`,
    );
  }
  const inputs = collectEventInputs({ paths: args.files, lists: args.eventsFrom, cwd });
  // Each event is written as soon as it was replayed and then forgotten: memory stays flat however many events.
  const json = new JsonReportWriter(io.stdout);
  let succeeded = true;
  let done = 0;
  await replayEvents({
    stacks,
    files: inputs,
    world: loaded?.world,
    faults: loaded?.faults,
    keepReport: false,
    store: path.resolve(cwd, args.store),
    onEvent: (event, details) => {
      if (args.json) json.write(event);
      else io.stdout(formatEvent(event, details));
      if (event.error !== undefined) io.stderr(`replay: event file ${event.file}: ${event.error}\n`);
      succeeded &&= replaySucceeded({ events: [event] });
      done += 1;
      if (done % PROGRESS_EVERY === 0) progress(`replay: ${done} of ${inputs.length} events`);
    },
  });
  if (args.json) json.end();
  return succeeded ? 0 : 1;
}

/**
 * Runs the replay tool on `argv` (the arguments after `npm run replay --`); see {@link createReplayTool}.
 *
 * @example await runReplayCli(['--json', 'test/fixtures/events/acs.ecs/instance-statechange-stopped.json'], io)
 */
export function runReplayCli(argv: readonly string[], io: ReplayIo): Promise<number> {
  return runTool(createReplayTool({ cwd: io.cwd }), argv, io, { env: {} });
}

/** The human output: per event its file, id and type; per delivery the target, outcome, calls and handler logs. */
export function formatHuman(result: Pick<ReplayResult, 'report' | 'details'>): string {
  return `${result.report.events.map((event) => formatEvent(event, result.details)).join('')}\n`;
}

/** The human output of one event, ending with a blank line. */
export function formatEvent(event: EventReport, details: ReadonlyMap<DeliveryReport, DeliveryDetails>): string {
  const lines: string[] = [];
  if (event.error !== undefined) return `${event.file}: not replayed: ${event.error}\n\n`;
  lines.push(`${event.file}: id ${event.eventId}, type ${event.type}`);
  if (event.deliveries.length === 0) lines.push('  no rule matched');
  for (const d of event.deliveries) {
    const attempts = `${d.attempts} attempt${d.attempts === 1 ? '' : 's'}`;
    lines.push(
      `  ${d.stack} / rule ${d.rule} -> ${d.target.type}${d.target.function ? ` ${d.target.function}` : ''}: ${d.outcome} (${attempts})`,
    );
    for (const call of d.calls) {
      const params = Object.entries(call.params)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ');
      lines.push(`      call ${call.service} ${call.action} ${params}`);
    }
    for (const record of d.ledger) lines.push(`      ledger ${formatLedger(record)}`);
    const detail = details.get(d);
    for (const log of detail?.logs ?? []) lines.push(`      log  ${log}`);
    if (detail?.error !== undefined && d.outcome !== 'ok') lines.push(`      last error: ${detail.error}`);
  }
  return `${lines.join('\n')}\n\n`;
}

/**
 * One ledger record for people: `acted done: StartInstance i-… ok`, `skipped stale`, `dry-run done (dry run):
 * StartInstance i-… dry-run`, with `(age limit raised to <n> h by redrive)` when a redrive overrode it.
 */
export function formatLedger(record: LedgerRecord): string {
  const calls = record.calls.map((c) => `${c.api} ${c.target} ${c.result}`).join(', ');
  return [
    `${record.decision} ${record.reason}`,
    record.dryRun ? ' (dry run)' : '',
    record.ageOverrideHours === undefined ? '' : ` (age limit raised to ${record.ageOverrideHours} h by redrive)`,
    calls === '' ? '' : `: ${calls}`,
  ].join('');
}

/**
 * Writes a {@link ReplayReport} one event at a time, byte for byte as `JSON.stringify(report, null, 2)` would, so the
 * whole report is never held in memory.
 */
export class JsonReportWriter {
  private count = 0;

  constructor(private readonly out: (text: string) => void) {}

  /** Writes one event. */
  write(event: EventReport): void {
    const body = JSON.stringify(event, null, 2).replace(/\n/g, '\n    ');
    this.out(`${this.count === 0 ? '{\n  "events": [\n' : ',\n'}    ${body}`);
    this.count += 1;
  }

  /** Closes the report. */
  end(): void {
    this.out(this.count === 0 ? '{\n  "events": []\n}\n' : '\n  ]\n}\n');
  }
}
