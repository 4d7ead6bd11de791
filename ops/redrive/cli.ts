import * as path from 'node:path';
import { z } from 'zod';
import { MAX_EVENT_AGE_HOURS } from '../../contract/env/safety';
import { AssemblyError } from '../../lib/assembly';
import { ConfigError } from '../../lib/config';
import { ContextSourceError } from '../../lib/config/context';
import { loadProjectConfig } from '../../lib/config/project';
import { didYouMean } from '../../lib/private/did-you-mean';
import { readAppFacts } from '../app-config';
import {
  accountIdOption,
  type CliIo,
  contextOption,
  defineTool,
  EXIT,
  flagOption,
  NAME_PREFIX,
  NAME_PREFIX_ALLOWED,
  type OptionReader,
  parseContextPairs,
  regionOption,
  repeatableOption,
  runTool,
  ToolFailure,
  type ToolSpec,
  UsageError,
  usage,
} from '../cli';
import {
  type CredentialProvider,
  callerAccountId,
  createRpcCaller,
  defaultCredentials,
  type EndpointOverrides,
  endpointsFromEnv,
  resolveCredentials,
  STS,
} from '../drill/cloud';
import { type AgeLimits, readAgeLimits } from './age-limits';
import { createDeadLetterQueue, createEventPublisher, createFunctionInvoker, QueueError } from './clients';
import {
  DEFAULT_DESTINATION,
  formatOutcome,
  MNS_BATCH_LIMIT,
  type RedriveDestination,
  type RedriveReport,
  redrive,
  redriveExitCode,
} from './redrive';

/** Usage, after `npm run redrive --`. */
export const REDRIVE_USAGE =
  '--region R --queue <dlq> [--max N] [--to target|eventbridge] [--bus default] [--account-id N] ' +
  '[--name-prefix P] [--max-age-hours H] [--dry-run] [--json]';

/** The checked command line. */
export interface RedriveArgs {
  readonly region: string;
  readonly queue: string;
  readonly max: number;
  readonly to: RedriveDestination;
  readonly bus: string;
  readonly accountId?: string;
  readonly namePrefix: string;
  /** The dead-letter queues of the region's stack in the synthesized assembly (empty without one). */
  readonly knownQueues: readonly string[];
  /** The age limit of each automation of the region, from the configuration. */
  readonly ageLimits: AgeLimits;
  /** `--max-age-hours`: act on older events deliberately (see `RedriveRequest.maxAgeHours`). */
  readonly maxAgeHours?: number;
  readonly dryRun: boolean;
  readonly json: boolean;
}

const MAX_AGE_ALLOWED = `must be a whole number of hours from 1 to ${MAX_EVENT_AGE_HOURS} (the dead-letter retention)`;

/** The options of redrive, given the dead-letter queues the app has (for the messages); types inferred. */
export function redriveOptionsSchema(knownQueues: readonly string[]) {
  const destinations = ['eventbridge', 'target'] as const;
  return z.object({
    region: regionOption({ required: true }),
    queue: z
      .string(usage(`is required; ${queueList(knownQueues)}`, 'is not an MNS queue name'))
      .refine((queue) => /^[A-Za-z][A-Za-z0-9-]{0,119}$/.test(queue), {
        error: (issue) =>
          `is not an MNS queue name (a letter, then letters, digits and hyphens, at most 120)${didYouMean(String(issue.input), knownQueues)}`,
      }),
    max: z
      .string()
      .regex(/^\d+$/, 'must be a whole number from 1 to 1000')
      .transform(Number)
      .pipe(
        z.number().min(1, 'must be a whole number from 1 to 1000').max(1000, 'must be a whole number from 1 to 1000'),
      )
      .prefault('10'),
    to: z
      .enum(destinations, {
        error: (issue) =>
          `is not allowed${didYouMean(String(issue.input), destinations)}; allowed: ${destinations.join(', ')}`,
      })
      .prefault(DEFAULT_DESTINATION),
    bus: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,126}$/, 'is not an event bus name')
      .prefault('default'),
    namePrefix: z.string().regex(NAME_PREFIX, NAME_PREFIX_ALLOWED).optional(),
    maxAgeHours: z
      .string()
      .regex(/^\d+$/, MAX_AGE_ALLOWED)
      .transform(Number)
      .pipe(z.number().min(1, MAX_AGE_ALLOWED).max(MAX_EVENT_AGE_HOURS, MAX_AGE_ALLOWED))
      .optional(),
    accountId: accountIdOption,
    assembly: z.string().optional(),
    context: repeatableOption,
    dryRun: flagOption,
  });
}

/**
 * Checks the parsed command line ({@link redriveOptionsSchema}, after reading the app's names, which the messages
 * about queues list); every problem of the flags is reported.
 *
 * @throws UsageError
 */
export function checkRedriveArgs(
  options: OptionReader,
  json: boolean,
  projectRoot: string = PROJECT_ROOT,
): RedriveArgs {
  // Names as synth makes them: the configuration (cdk.json, cdk.context.json, -c) and the synthesized assembly.
  // Read before the flags are checked, with the region as given: the queue messages list the app's queues.
  const assembly = options.string('assembly');
  const facts = readAppFacts(
    projectRoot,
    parseContextPairs(options.strings('context')),
    options.string('region'),
    assembly === undefined ? undefined : path.resolve(assembly),
  );
  const known = facts.deadLetterQueues ?? [];
  const parsed = options.parse(redriveOptionsSchema(known));
  const namePrefix = parsed.namePrefix ?? facts.namePrefix;
  if (!NAME_PREFIX.test(namePrefix)) throw new UsageError(`--name-prefix "${namePrefix}" ${NAME_PREFIX_ALLOWED}`);
  if (parsed.maxAgeHours !== undefined && parsed.to === 'eventbridge') {
    throw new UsageError(
      `--max-age-hours ${parsed.maxAgeHours} is not allowed with --to eventbridge: handlers accept an age override only from a direct invocation (--to target, the default)`,
    );
  }
  // The limits as synth computes them for this region's functions; a region without a block has none we know of.
  const config = loadProjectConfig(projectRoot, parseContextPairs(options.strings('context')));
  const regionConfig = config.regions.find((r) => r.region === parsed.region);
  return {
    region: parsed.region,
    queue: parsed.queue,
    max: parsed.max,
    to: parsed.to,
    bus: parsed.bus,
    accountId: parsed.accountId,
    namePrefix,
    knownQueues: known,
    ageLimits: regionConfig === undefined ? {} : readAgeLimits(regionConfig),
    maxAgeHours: parsed.maxAgeHours,
    dryRun: parsed.dryRun,
    json,
  };
}

/** The folder of cdk.json. */
const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

function queueList(queues: readonly string[]): string {
  return queues.length > 0
    ? `the dead-letter queues of this region's stack are ${queues.join(', ')}`
    : 'no synthesized stack for this region lists its dead-letter queues (run "npm run synth", or pass --assembly <dir>)';
}

/** Where the CLI writes. */
export type RedriveIo = CliIo;

/** What the CLI runs against; everything defaults to the real services. */
export interface RedriveEnvironment {
  /** @default the standard credential chain */
  readonly credentials?: CredentialProvider;
  /** @default read from EEO_*_ENDPOINT environment variables */
  readonly endpoints?: EndpointOverrides;
  /** The folder of cdk.json whose configuration names the queues. @default this repository */
  readonly projectRoot?: string;
  /** The clock message ages are measured with. @default Date.now */
  readonly now?: () => number;
}

/**
 * The `npm run redrive` tool. Exit code 0 when every message handled was re-delivered and deleted (or on a dry run),
 * 1 when one was kept or the queue cannot be read, 2 on a bad command line.
 */
export function createRedriveTool(environment: RedriveEnvironment = {}): ToolSpec {
  return defineTool({
    name: 'redrive',
    summary:
      'Lists the messages of a dead-letter queue with their age, re-delivers each original event (by default to ' +
      'the automation that failed, and only to it) and deletes a message only after its re-delivery succeeded.',
    usage: REDRIVE_USAGE,
    examples: [
      'npm run redrive -- --region cn-hangzhou --queue ecs-event-ops-auto-restart-dlq --dry-run',
      'npm run redrive -- --region cn-hangzhou --queue ecs-event-ops-auto-restart-dlq --max 50',
      'npm run redrive -- --region cn-hangzhou --queue ecs-event-ops-auto-restart-dlq --max-age-hours 96',
      'npm run redrive -- --region cn-hangzhou --queue ecs-event-ops-notify-dlq --to eventbridge --json',
    ],
    json: true,
    failures: [QueueError, ConfigError, ContextSourceError, AssemblyError],
    notes:
      '--to target (the default) re-invokes the function that failed; --to eventbridge re-publishes the event to the ' +
      'bus, where every matching rule acts on it again.\n' +
      "Age limit: a message whose event is older than its automation's maxEventAgeHours (configuration, per region) " +
      'is stale: it is listed and kept in the queue, not re-delivered. --max-age-hours H acts on events up to H hours ' +
      'old deliberately (the function gets the override, its ledger records ageOverrideHours). notify and ' +
      'event-archive have no age limit: their messages are re-delivered whatever their age.\n' +
      'Exit codes: 0 all re-delivered and deleted (or a dry run); 1 a message was kept (stale, or its re-delivery ' +
      'failed) or a call failed; 2 usage.',
    configure: (command) =>
      command
        .option('--region <region>', 'the region of the queue (required)')
        .option('--queue <name>', 'the dead-letter queue, <namePrefix>-<automation>-dlq (required)')
        .option('--max <n>', 'handle at most this many messages, 1 to 1000 (default 10)')
        .option('--to <where>', 'target: re-invoke the automation that failed (default); eventbridge: re-publish')
        .option('--bus <name>', 'the event bus for --to eventbridge (default: default)')
        .option('--account-id <id>', 'the account id of the endpoints (default: asked from STS)')
        .option('--name-prefix <prefix>', "the stack's namePrefix (default: the configuration's, as synth reads it)")
        .option(
          '--max-age-hours <h>',
          `act on events up to this many hours old, 1 to ${MAX_EVENT_AGE_HOURS} (default: each automation's maxEventAgeHours)`,
        )
        .option('--dry-run', 'list (peek at) the messages; nothing is received, re-delivered or deleted')
        .option('--assembly <dir>', 'the synthesized cloud assembly that lists the queues (default: cdk.out)')
        .addOption(contextOption()),
    run: async (context) => {
      const args = checkRedriveArgs(context.options, context.json, environment.projectRoot);
      const credentials = environment.credentials ?? defaultCredentials();
      // Resolved once up front: no credentials is a clear message, not a network error from the first call.
      await resolveCredentials(credentials);
      const endpoints = environment.endpoints ?? endpointsFromTheEnvironment();
      const accountId =
        args.accountId ??
        (await callerAccountId(
          createRpcCaller({ product: STS, region: args.region, credentials, endpoint: endpoints.sts }),
        ).catch((error: unknown) => {
          throw new ToolFailure((error as Error).message, { cause: error });
        }));
      const common = { accountId, region: args.region, credentials };
      const queue = await createDeadLetterQueue({ ...common, queueName: args.queue, endpoint: endpoints.mns });
      const publisher = createEventPublisher({ ...common, endpoint: endpoints.eventbridge });
      const invoker = createFunctionInvoker({ ...common, endpoint: endpoints.fc });
      let report: RedriveReport;
      try {
        report = await redrive(args, {
          queue,
          publisher,
          invoker,
          now: environment.now,
          progress: args.json ? undefined : (line) => context.io.stdout(`${line}\n`),
        });
      } catch (error) {
        const text = (error as Error).message;
        const hint = /QueueNotExist/.test(text)
          ? `; ${queueList(args.knownQueues)}${didYouMean(args.queue, args.knownQueues)}`
          : '';
        throw new ToolFailure(`${text}${hint}`, { cause: error });
      }
      if (args.json) context.printJson({ queue: args.queue, ...report });
      else context.io.stdout(formatSummary(args, report));
      return redriveExitCode(report) === 0 ? EXIT.ok : EXIT.failure;
    },
  });
}

/**
 * Runs the redrive command in-process; resolves to its exit code (see {@link createRedriveTool}).
 *
 * @example await runRedriveCli(['--region', 'cn-hangzhou', '--queue', 'ecs-event-ops-auto-restart-dlq', '--dry-run'], io)
 */
export function runRedriveCli(
  argv: readonly string[],
  io: RedriveIo,
  environment: RedriveEnvironment = {},
): Promise<number> {
  return runTool(createRedriveTool(environment), argv, io);
}

/** The closing lines for people (the per-message lines are printed as they happen; a dry run prints them here). */
export function formatSummary(args: RedriveArgs, report: RedriveReport): string {
  const lines: string[] = [];
  if (report.dryRun) {
    lines.push(`Dry run: peeked at ${args.queue}; nothing was received, re-delivered or deleted.`);
    for (const m of report.messages) lines.push(formatOutcome(m));
    if (args.max > MNS_BATCH_LIMIT)
      lines.push(`(a dry run shows at most ${MNS_BATCH_LIMIT} messages: MNS peeks no more)`);
  }
  if (report.messages.length === 0) lines.push(`${args.queue}: no visible message`);
  else if (!report.dryRun) {
    lines.push(
      `${args.queue}: ${report.redelivered} re-delivered (--to ${report.to}), ${report.deleted} deleted, ${report.kept} kept` +
        (report.stale > 0 ? ` (${report.stale} stale)` : '') +
        (report.kept > 0 ? " (kept messages are visible again after the queue's visibility timeout)" : ''),
    );
  }
  if (report.stale > 0 && args.maxAgeHours === undefined) {
    lines.push(
      `${report.stale} stale message${report.stale === 1 ? '' : 's'} ${report.dryRun ? 'would be' : 'were'} left in the queue: older than the age limit of their automation; to act on them deliberately, add --max-age-hours <h>`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** The endpoint overrides of the environment; a bad value is the user's to fix, not a crash. */
function endpointsFromTheEnvironment(): EndpointOverrides {
  try {
    return endpointsFromEnv(process.env);
  } catch (error) {
    throw new ToolFailure((error as Error).message, { cause: error });
  }
}
