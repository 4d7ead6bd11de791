import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { parseWorld, type World } from '../../tools/fake-cloud';
import { REGION_IDS } from '../config';
import { didYouMean } from '../private/did-you-mean';
import { type AssemblyStack, readAssembly } from './assembly';
import { AssemblyError, ReplayUsageError } from './errors';
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

/** Usage line. */
export const USAGE =
  'usage: replay [--assembly cdk.out] [--region R] [--world world.json] [--json] [--events-from list.txt] [<event.json | folder> ...]';

const FAULT_KEYS = ['action', 'status', 'code', 'message', 'times'];

const FLAGS = ['--assembly', '--region', '--world', '--json', '--events-from'];

/** Parsed command line. */
export interface ReplayArgs {
  readonly assembly: string;
  readonly region?: string;
  readonly world?: string;
  readonly json: boolean;
  /** Event files and folders, as given. */
  readonly files: readonly string[];
  /** List files (`--events-from`, repeatable), as given. */
  readonly eventsFrom: readonly string[];
}

/** Where the CLI writes. */
export interface ReplayIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Resolves relative paths. @default process.cwd() */
  readonly cwd?: string;
}

/**
 * Parses and checks the command line: flags, that the files exist, that the region is a region id.
 *
 * @throws ReplayUsageError naming the value and what is allowed.
 */
export function parseReplayArgs(argv: readonly string[], cwd = process.cwd()): ReplayArgs {
  let parsed: {
    values: { assembly?: string; region?: string; world?: string; json?: boolean; 'events-from'?: string[] };
    positionals: string[];
  };
  try {
    parsed = parseArgs({
      args: [...argv],
      options: {
        assembly: { type: 'string' },
        region: { type: 'string' },
        world: { type: 'string' },
        json: { type: 'boolean' },
        'events-from': { type: 'string', multiple: true },
      },
      strict: true,
      allowPositionals: true,
    });
  } catch (error) {
    const code = (error as { code?: string }).code;
    const flag = /'(-[^']*)'/.exec((error as Error).message)?.[1] ?? '';
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      throw new ReplayUsageError(`unknown flag "${flag}"${didYouMean(flag, FLAGS)}; allowed: ${FLAGS.join(', ')}`);
    }
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      throw new ReplayUsageError(`flag "${flag.split(' ')[0]}" needs a value; ${USAGE}`);
    }
    throw new ReplayUsageError(`${(error as Error).message}; ${USAGE}`);
  }
  const { values, positionals } = parsed;
  const eventsFrom = values['events-from'] ?? [];
  if (positionals.length === 0 && eventsFrom.length === 0) throw new ReplayUsageError(`no event file given; ${USAGE}`);
  for (const file of positionals) {
    if (!fs.existsSync(path.resolve(cwd, file))) {
      throw new ReplayUsageError(`event file "${file}" does not exist`);
    }
  }
  for (const list of eventsFrom) {
    if (!fs.existsSync(path.resolve(cwd, list)))
      throw new ReplayUsageError(`--events-from "${list}": the file does not exist`);
  }
  const assembly = values.assembly ?? 'cdk.out';
  if (!fs.existsSync(path.resolve(cwd, assembly, 'manifest.json'))) {
    throw new ReplayUsageError(
      `--assembly "${assembly}" is not a cloud assembly (no manifest.json); run npm run synth first or pass the folder it wrote`,
    );
  }
  if (values.world !== undefined && !fs.existsSync(path.resolve(cwd, values.world))) {
    throw new ReplayUsageError(`--world "${values.world}": the file does not exist`);
  }
  if (values.region !== undefined && !REGION_IDS.includes(values.region)) {
    throw new ReplayUsageError(
      `--region "${values.region}" is not an Alibaba Cloud region id${didYouMean(values.region, REGION_IDS)}; known: ${REGION_IDS.join(', ')}`,
    );
  }
  return {
    assembly,
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
 * @throws ReplayUsageError naming the file and the bad field.
 */
export function loadWorldFile(file: string): { world: World; faults: ReplayFault[] } {
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ReplayUsageError(`--world "${file}" is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  const faults: ReplayFault[] = [];
  if (typeof json === 'object' && json !== null && !Array.isArray(json) && Object.hasOwn(json, 'faults')) {
    const { faults: raw, ...rest } = json as Record<string, unknown>;
    json = rest;
    if (!Array.isArray(raw)) throw new ReplayUsageError(`--world "${file}": world.faults: must be a list`);
    raw.forEach((item, i) => {
      const at = `world.faults[${i}]`;
      const shape = '{ "action": string, "status": 400-599, "code": string, "message"?: string, "times"?: 1-1000 }';
      if (typeof item !== 'object' || item === null || Array.isArray(item)) {
        throw new ReplayUsageError(`--world "${file}": ${at}: ${JSON.stringify(item)} is not valid: ${shape}`);
      }
      const f = item as Record<string, unknown>;
      const unknown = Object.keys(f).find((key) => !FAULT_KEYS.includes(key));
      if (unknown !== undefined) {
        throw new ReplayUsageError(
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
        throw new ReplayUsageError(`--world "${file}": ${at}: ${JSON.stringify(item)} is not valid: ${shape}`);
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
    throw new ReplayUsageError(`--world "${file}": ${(error as Error).message}`, { cause: error });
  }
}

/**
 * The replay command: exit code 0 when every event was read and every delivery ended `ok`, else 1.
 *
 * @example await runReplayCli(['--json', 'test/fixtures/events/acs.ecs/instance-statechange-stopped.json'], io)
 */
export async function runReplayCli(argv: readonly string[], io: ReplayIo): Promise<number> {
  const cwd = io.cwd ?? process.cwd();
  try {
    const args = parseReplayArgs(argv, cwd);
    const stacks = selectStacks(readAssembly(path.resolve(cwd, args.assembly)), args.region);
    const loaded = args.world === undefined ? undefined : loadWorldFile(path.resolve(cwd, args.world));
    if (loaded !== undefined && !stacks.some((s) => s.region === loaded.world.region)) {
      throw new ReplayUsageError(
        `--world "${args.world}": region "${loaded.world.region}" has no stack in the replay; stacks: ${stacks.map((s) => `${s.name} (${s.region})`).join(', ')}`,
      );
    }
    const inputs = collectEventInputs({ paths: args.files, lists: args.eventsFrom, cwd });
    // Each event is written as soon as it was replayed and then forgotten: memory stays flat however many events.
    const json = new JsonReportWriter(io.stdout);
    let succeeded = true;
    await replayEvents({
      stacks,
      files: inputs,
      world: loaded?.world,
      faults: loaded?.faults,
      keepReport: false,
      onEvent: (event, details) => {
        if (args.json) json.write(event);
        else io.stdout(formatEvent(event, details));
        if (event.error !== undefined) io.stderr(`replay: event file ${event.file}: ${event.error}\n`);
        succeeded &&= replaySucceeded({ events: [event] });
      },
    });
    if (args.json) json.end();
    return succeeded ? 0 : 1;
  } catch (error) {
    if (error instanceof ReplayUsageError || error instanceof AssemblyError) {
      io.stderr(`replay: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
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
    const detail = details.get(d);
    for (const log of detail?.logs ?? []) lines.push(`      log  ${log}`);
    if (detail?.error !== undefined && d.outcome !== 'ok') lines.push(`      last error: ${detail.error}`);
  }
  return `${lines.join('\n')}\n\n`;
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
