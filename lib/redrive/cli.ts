import { parseArgs } from 'node:util';
import { DEFAULT_NAME_PREFIX, REGION_IDS } from '../config';
import {
  type CredentialProvider,
  callerAccountId,
  createRpcCaller,
  defaultCredentials,
  type EndpointOverrides,
  endpointsFromEnv,
  STS,
} from '../drill/cloud';
import { didYouMean } from '../private/did-you-mean';
import {
  createDeadLetterQueue,
  createEventPublisher,
  createFunctionInvoker,
  type DeadLetterQueue,
  type EventPublisher,
  type FunctionInvoker,
} from './clients';
import {
  AUTOMATIONS,
  formatOutcome,
  MNS_BATCH_LIMIT,
  type RedriveDestination,
  type RedriveReport,
  redrive,
  redriveExitCode,
} from './redrive';

/** Usage line. */
export const REDRIVE_USAGE =
  'usage: redrive --region R --queue <dlq> [--max N] [--to eventbridge|target] [--bus default] [--account-id N] ' +
  '[--name-prefix P] [--dry-run] [--json]';

const FLAGS = ['--region', '--queue', '--max', '--to', '--bus', '--account-id', '--name-prefix', '--dry-run', '--json'];

/** A bad command line; one line per problem. */
export class RedriveUsageError extends Error {
  override readonly name = 'RedriveUsageError';
  constructor(readonly problems: readonly string[]) {
    super(problems.join('\n'));
  }
}

/** The checked command line. */
export interface RedriveArgs {
  readonly region: string;
  readonly queue: string;
  readonly max: number;
  readonly to: RedriveDestination;
  readonly bus: string;
  readonly accountId?: string;
  readonly namePrefix: string;
  readonly dryRun: boolean;
  readonly json: boolean;
}

/**
 * Parses and checks the command line; every problem is reported.
 *
 * @throws RedriveUsageError
 */
export function parseRedriveArgs(argv: readonly string[]): RedriveArgs {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        region: { type: 'string' },
        queue: { type: 'string' },
        max: { type: 'string' },
        to: { type: 'string' },
        bus: { type: 'string' },
        'account-id': { type: 'string' },
        'name-prefix': { type: 'string' },
        'dry-run': { type: 'boolean' },
        json: { type: 'boolean' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    const code = (error as { code?: string }).code;
    const flag = /'(-[^']*)'/.exec((error as Error).message)?.[1] ?? '';
    throw new RedriveUsageError([
      code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION'
        ? `unknown flag "${flag}"${didYouMean(flag, FLAGS)}; allowed: ${FLAGS.join(', ')}`
        : `${(error as Error).message}; ${REDRIVE_USAGE}`,
    ]);
  }
  const text = (name: string) => values[name] as string | undefined;
  const problems: string[] = [];
  const region = text('region');
  if (region === undefined) problems.push(`--region is required; known: ${REGION_IDS.join(', ')}`);
  else if (!REGION_IDS.includes(region)) {
    problems.push(
      `--region "${region}" is not an Alibaba Cloud region id${didYouMean(region, REGION_IDS)}; known: ${REGION_IDS.join(', ')}`,
    );
  }
  const namePrefix = text('name-prefix') ?? DEFAULT_NAME_PREFIX;
  if (!/^[a-z][a-z0-9-]{1,19}$/.test(namePrefix)) {
    problems.push(
      `--name-prefix "${namePrefix}" is not valid: lowercase letters, digits and hyphens, starting with a letter, 2 to 20 characters`,
    );
  }
  const queue = text('queue');
  const known = AUTOMATIONS.map((a) => `${namePrefix}-${a}-dlq`);
  if (queue === undefined) problems.push(`--queue is required; the dead-letter queues are ${known.join(', ')}`);
  else if (!/^[A-Za-z][A-Za-z0-9-]{0,119}$/.test(queue)) {
    problems.push(
      `--queue "${queue}" is not an MNS queue name (a letter, then letters, digits and hyphens, at most 120)${didYouMean(queue, known)}`,
    );
  }
  const maxText = text('max') ?? '10';
  const max = Number(maxText);
  if (!/^\d+$/.test(maxText) || max < 1 || max > 1000)
    problems.push(`--max "${maxText}" must be a whole number from 1 to 1000`);
  const to = text('to') ?? 'eventbridge';
  if (to !== 'eventbridge' && to !== 'target') {
    problems.push(
      `--to "${to}" is not allowed${didYouMean(to, ['eventbridge', 'target'])}; allowed: eventbridge, target`,
    );
  }
  const bus = text('bus') ?? 'default';
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,126}$/.test(bus)) problems.push(`--bus "${bus}" is not an event bus name`);
  const accountId = text('account-id');
  if (accountId !== undefined && !/^\d{6,20}$/.test(accountId)) {
    problems.push(
      `--account-id "${accountId}" is not an Alibaba Cloud account id (digits only, e.g. 1234567890123456)`,
    );
  }
  if (problems.length > 0) throw new RedriveUsageError(problems);
  return {
    region: region as string,
    queue: queue as string,
    max,
    to: to as RedriveDestination,
    bus,
    accountId,
    namePrefix,
    dryRun: values['dry-run'] === true,
    json: values.json === true,
  };
}

/** Where the CLI writes. */
export interface RedriveIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

/** What the CLI runs against; everything defaults to the real services. */
export interface RedriveEnvironment {
  /** @default the standard credential chain */
  readonly credentials?: CredentialProvider;
  /** @default read from EEO_*_ENDPOINT environment variables */
  readonly endpoints?: EndpointOverrides;
}

/**
 * The redrive command. Exit code 0 when every message handled was re-delivered and deleted (or on a dry run), 1 when
 * one was kept, on a bad command line or when the queue cannot be read.
 *
 * @example await runRedriveCli(['--region', 'cn-hangzhou', '--queue', 'ecs-event-ops-auto-restart-dlq', '--dry-run'], io)
 */
export async function runRedriveCli(
  argv: readonly string[],
  io: RedriveIo,
  environment: RedriveEnvironment = {},
): Promise<number> {
  let args: RedriveArgs;
  try {
    args = parseRedriveArgs(argv);
  } catch (error) {
    if (error instanceof RedriveUsageError) {
      for (const problem of error.problems) io.stderr(`redrive: ${problem}\n`);
      return 1;
    }
    throw error;
  }
  const credentials = environment.credentials ?? defaultCredentials();
  const endpoints = environment.endpoints ?? endpointsFromEnv(process.env);
  let queue: DeadLetterQueue;
  let publisher: EventPublisher;
  let invoker: FunctionInvoker;
  try {
    const accountId =
      args.accountId ??
      (await callerAccountId(
        createRpcCaller({ product: STS, region: args.region, credentials, endpoint: endpoints.sts }),
      ));
    const common = { accountId, region: args.region, credentials };
    queue = await createDeadLetterQueue({ ...common, queueName: args.queue, endpoint: endpoints.mns });
    publisher = createEventPublisher({ ...common, endpoint: endpoints.eventbridge });
    invoker = createFunctionInvoker({ ...common, endpoint: endpoints.fc });
  } catch (error) {
    io.stderr(`redrive: ${(error as Error).message}\n`);
    return 1;
  }
  let report: RedriveReport;
  try {
    report = await redrive(args, {
      queue,
      publisher,
      invoker,
      progress: args.json ? undefined : (line) => io.stdout(`${line}\n`),
    });
  } catch (error) {
    const text = (error as Error).message;
    const hint = /QueueNotExist/.test(text)
      ? `; the dead-letter queues are ${AUTOMATIONS.map((a) => `${args.namePrefix}-${a}-dlq`).join(', ')}${didYouMean(
          args.queue,
          AUTOMATIONS.map((a) => `${args.namePrefix}-${a}-dlq`),
        )}`
      : '';
    io.stderr(`redrive: ${text}${hint}\n`);
    return 1;
  }
  io.stdout(args.json ? `${JSON.stringify({ queue: args.queue, ...report }, null, 2)}\n` : formatSummary(args, report));
  return redriveExitCode(report);
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
