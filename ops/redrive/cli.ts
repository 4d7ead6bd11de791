import * as path from 'node:path';
import { AssemblyError } from '../../lib/assembly';
import { ConfigError, REGION_IDS } from '../../lib/config';
import { ContextSourceError } from '../../lib/config/context';
import { didYouMean } from '../../lib/private/did-you-mean';
import { readAppFacts } from '../app-config';
import {
  type CliIo,
  contextOption,
  defineTool,
  EXIT,
  type OptionReader,
  parseContextPairs,
  runTool,
  ToolFailure,
  type ToolSpec,
  UsageError,
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
  '[--name-prefix P] [--dry-run] [--json]';

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
  readonly dryRun: boolean;
  readonly json: boolean;
}

/**
 * Checks the parsed command line; every problem is reported.
 *
 * @throws UsageError
 */
export function checkRedriveArgs(
  options: OptionReader,
  json: boolean,
  projectRoot: string = PROJECT_ROOT,
): RedriveArgs {
  const text = (key: string) => options.string(key);
  const problems: string[] = [];
  const region = text('region');
  if (region === undefined) problems.push(`--region is required; known: ${REGION_IDS.join(', ')}`);
  else if (!REGION_IDS.includes(region)) {
    problems.push(
      `--region "${region}" is not an Alibaba Cloud region id${didYouMean(region, REGION_IDS)}; known: ${REGION_IDS.join(', ')}`,
    );
  }
  // Names as synth makes them: the configuration (cdk.json, cdk.context.json, -c) and the synthesized assembly.
  const facts = readAppFacts(
    projectRoot,
    parseContextPairs(options.strings('context')),
    region,
    options.string('assembly') === undefined ? undefined : path.resolve(options.string('assembly') as string),
  );
  const namePrefix = text('namePrefix') ?? facts.namePrefix;
  if (!/^[a-z][a-z0-9-]{1,19}$/.test(namePrefix)) {
    problems.push(
      `--name-prefix "${namePrefix}" is not valid: lowercase letters, digits and hyphens, starting with a letter, 2 to 20 characters`,
    );
  }
  const queue = text('queue');
  const known = facts.deadLetterQueues ?? [];
  if (queue === undefined) problems.push(`--queue is required; ${queueList(known)}`);
  else if (!/^[A-Za-z][A-Za-z0-9-]{0,119}$/.test(queue)) {
    problems.push(
      `--queue "${queue}" is not an MNS queue name (a letter, then letters, digits and hyphens, at most 120)${didYouMean(queue, known)}`,
    );
  }
  const maxText = text('max') ?? '10';
  const max = Number(maxText);
  if (!/^\d+$/.test(maxText) || max < 1 || max > 1000)
    problems.push(`--max "${maxText}" must be a whole number from 1 to 1000`);
  const to = text('to') ?? DEFAULT_DESTINATION;
  if (to !== 'eventbridge' && to !== 'target') {
    problems.push(
      `--to "${to}" is not allowed${didYouMean(to, ['eventbridge', 'target'])}; allowed: eventbridge, target`,
    );
  }
  const bus = text('bus') ?? 'default';
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,126}$/.test(bus)) problems.push(`--bus "${bus}" is not an event bus name`);
  const accountId = text('accountId');
  if (accountId !== undefined && !/^\d{6,20}$/.test(accountId)) {
    problems.push(
      `--account-id "${accountId}" is not an Alibaba Cloud account id (digits only, e.g. 1234567890123456)`,
    );
  }
  if (problems.length > 0) throw new UsageError(problems);
  return {
    region: region as string,
    queue: queue as string,
    max,
    to: to as RedriveDestination,
    bus,
    accountId,
    namePrefix,
    knownQueues: known,
    dryRun: options.flag('dryRun'),
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
      'npm run redrive -- --region cn-hangzhou --queue ecs-event-ops-notify-dlq --to eventbridge --json',
    ],
    json: true,
    failures: [QueueError, ConfigError, ContextSourceError, AssemblyError],
    notes:
      '--to target (the default) re-invokes the function that failed; --to eventbridge re-publishes the event to the ' +
      'bus, where every matching rule acts on it again.\n' +
      'Exit codes: 0 all re-delivered and deleted (or a dry run); 1 a message was kept or a call failed; 2 usage.',
    configure: (command) =>
      command
        .option('--region <region>', 'the region of the queue (required)')
        .option('--queue <name>', 'the dead-letter queue, <namePrefix>-<automation>-dlq (required)')
        .option('--max <n>', 'handle at most this many messages, 1 to 1000 (default 10)')
        .option('--to <where>', 'target: re-invoke the automation that failed (default); eventbridge: re-publish')
        .option('--bus <name>', 'the event bus for --to eventbridge (default: default)')
        .option('--account-id <id>', 'the account id of the endpoints (default: asked from STS)')
        .option('--name-prefix <prefix>', "the stack's namePrefix (default: the configuration's, as synth reads it)")
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
        (report.kept > 0 ? " (kept messages are visible again after the queue's visibility timeout)" : ''),
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
