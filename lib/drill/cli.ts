import { parseArgs } from 'node:util';
import { DEFAULT_NAME_PREFIX, idProblem, REGION_IDS } from '../config';
import { didYouMean } from '../private/did-you-mean';
import { ArchiveFinder, archiveTypeFolders } from './archive';
import { createArchiveReader } from './archive-reader';
import {
  type CredentialProvider,
  callerAccountId,
  createRpcCaller,
  defaultCredentials,
  ECS,
  type EndpointOverrides,
  endpointsFromEnv,
  STS,
} from './cloud';
import { type Clock, type DrillReport, describeParams, drillExitCode, runDrill, SYSTEM_CLOCK } from './drill';
import {
  formatDuration,
  formatUtc,
  isSimulatableEventType,
  parseDuration,
  parseNotBefore,
  SIMULATABLE_EVENT_TYPES,
  type SimulatableEventType,
} from './simulated-event';

/** Usage line. */
export const DRILL_USAGE =
  'usage: drill --region R --instance i-... --type T [--not-before +10m|<UTC time>] [--timeout 15m] ' +
  '[--poll-interval 10s] [--bucket B | --name-prefix P] [--account-id N] [--dry-run] [--json]';

const FLAGS = [
  '--region',
  '--instance',
  '--type',
  '--not-before',
  '--timeout',
  '--poll-interval',
  '--bucket',
  '--name-prefix',
  '--account-id',
  '--dry-run',
  '--json',
];

/** A bad command line; one line per problem, each naming the flag, the value and what is allowed. */
export class DrillUsageError extends Error {
  override readonly name = 'DrillUsageError';
  constructor(readonly problems: readonly string[]) {
    super(problems.join('\n'));
  }
}

/** The checked command line. */
export interface DrillArgs {
  readonly region: string;
  readonly instanceId: string;
  readonly eventType: SimulatableEventType;
  readonly notBeforeMs: number;
  readonly timeoutMs: number;
  readonly pollIntervalMs: number;
  /** Set by `--bucket`; otherwise derived from the name prefix, the account id and the region. */
  readonly bucket?: string;
  readonly namePrefix: string;
  readonly accountId?: string;
  readonly dryRun: boolean;
  readonly json: boolean;
}

/**
 * Parses and checks the command line before anything is called. Every problem is reported, not just the first.
 *
 * @throws DrillUsageError
 */
export function parseDrillArgs(argv: readonly string[], nowMs: number): DrillArgs {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        region: { type: 'string' },
        instance: { type: 'string' },
        type: { type: 'string' },
        'not-before': { type: 'string' },
        timeout: { type: 'string' },
        'poll-interval': { type: 'string' },
        bucket: { type: 'string' },
        'name-prefix': { type: 'string' },
        'account-id': { type: 'string' },
        'dry-run': { type: 'boolean' },
        json: { type: 'boolean' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new DrillUsageError([usageProblem(error)]);
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

  const instanceId = text('instance');
  if (instanceId === undefined)
    problems.push('--instance is required (the instance to drill, like i-bp1abcdefghij0123456)');
  else {
    const problem = idProblem('instance', instanceId);
    if (problem !== undefined) problems.push(`--instance "${instanceId}": ${problem}`);
  }

  const eventType = text('type');
  const allowedTypes = SIMULATABLE_EVENT_TYPES.join(', ');
  if (eventType === undefined) problems.push(`--type is required; simulatable types: ${allowedTypes}`);
  else if (!isSimulatableEventType(eventType)) {
    problems.push(
      `--type "${eventType}" is not a simulatable system event type${didYouMean(eventType, SIMULATABLE_EVENT_TYPES)}; simulatable types: ${allowedTypes}`,
    );
  }

  const notBeforeText = text('not-before') ?? '+10m';
  const notBefore = parseNotBefore(notBeforeText, nowMs);
  if ('problem' in notBefore) problems.push(`--not-before "${notBeforeText}" ${notBefore.problem}`);

  const duration = (flag: string, fallback: string, max: number): number => {
    const raw = text(flag) ?? fallback;
    const ms = parseDuration(raw);
    if (ms === undefined || ms <= 0 || ms > max) {
      problems.push(`--${flag} "${raw}" is not a duration between 1ms and ${formatDuration(max)}; e.g. 15m, 90s, 1h`);
      return 0;
    }
    return ms;
  };
  const timeoutMs = duration('timeout', '15m', 24 * 3_600_000);
  const pollIntervalMs = duration('poll-interval', '10s', 3_600_000);

  const bucket = text('bucket');
  if (bucket !== undefined && !/^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/.test(bucket)) {
    problems.push(`--bucket "${bucket}" is not an OSS bucket name (3 to 63 lowercase letters, digits and hyphens)`);
  }
  const namePrefix = text('name-prefix') ?? DEFAULT_NAME_PREFIX;
  if (!/^[a-z][a-z0-9-]{1,19}$/.test(namePrefix)) {
    problems.push(
      `--name-prefix "${namePrefix}" is not valid: lowercase letters, digits and hyphens, starting with a letter, 2 to 20 characters`,
    );
  }
  const accountId = text('account-id');
  if (accountId !== undefined && !/^\d{6,20}$/.test(accountId)) {
    problems.push(
      `--account-id "${accountId}" is not an Alibaba Cloud account id (digits only, e.g. 1234567890123456)`,
    );
  }

  if (problems.length > 0) throw new DrillUsageError(problems);
  return {
    region: region as string,
    instanceId: instanceId as string,
    eventType: eventType as SimulatableEventType,
    notBeforeMs: (notBefore as { ms: number }).ms,
    timeoutMs,
    pollIntervalMs,
    bucket,
    namePrefix,
    accountId,
    dryRun: values['dry-run'] === true,
    json: values.json === true,
  };
}

function usageProblem(error: unknown): string {
  const code = (error as { code?: string }).code;
  const flag = /'(-[^']*)'/.exec((error as Error).message)?.[1] ?? '';
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    return `unknown flag "${flag}"${didYouMean(flag, FLAGS)}; allowed: ${FLAGS.join(', ')}`;
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE')
    return `flag "${flag.split(' ')[0]}" needs a value; ${DRILL_USAGE}`;
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') return `unexpected argument ${flag}; ${DRILL_USAGE}`;
  return `${(error as Error).message}; ${DRILL_USAGE}`;
}

/** The archive bucket of a stack: `<namePrefix>-archive-<accountId>-<region>`. */
export function archiveBucketName(namePrefix: string, accountId: string, region: string): string {
  return `${namePrefix}-archive-${accountId}-${region}`;
}

/** One planned API call (dry run). */
export interface PlannedCall {
  readonly service: 'sts' | 'ecs' | 'oss';
  readonly action: string;
  readonly params: Readonly<Record<string, string>>;
  /** When it is made. */
  readonly when: string;
}

/** The calls a drill makes, in order, with their parameters (placeholders for values known only at run time). */
export function drillPlan(args: DrillArgs): PlannedCall[] {
  const calls: PlannedCall[] = [];
  const bucket =
    args.bucket ??
    archiveBucketName(args.namePrefix, args.accountId ?? '<AccountId from GetCallerIdentity>', args.region);
  if (args.bucket === undefined && args.accountId === undefined) {
    calls.push({
      service: 'sts',
      action: 'GetCallerIdentity',
      params: {},
      when: 'first: the account id names the archive bucket',
    });
  }
  const eventId = '<EventId from CreateSimulatedSystemEvents>';
  calls.push({
    service: 'ecs',
    action: 'CreateSimulatedSystemEvents',
    params: {
      RegionId: args.region,
      EventType: args.eventType,
      NotBefore: formatUtc(args.notBeforeMs),
      'InstanceId.1': args.instanceId,
    },
    when: 'once',
  });
  const describe = describeParams(args, eventId);
  calls.push({ service: 'ecs', action: 'DescribeInstanceHistoryEvents', params: describe, when: 'after the create' });
  const folders = archiveTypeFolders(args.eventType);
  calls.push({
    service: 'oss',
    action: 'ListObjectsV2',
    params: {
      bucket,
      prefix: `archive/acs.ecs/<type>/region=${args.region}/date=<UTC day>/instance=${args.instanceId}/`,
      '<type>': folders.join(' | '),
    },
    when: `every ${formatDuration(args.pollIntervalMs)} for up to ${formatDuration(args.timeoutMs)}, per UTC day since the create`,
  });
  calls.push({
    service: 'oss',
    action: 'GetObject',
    params: { bucket, key: '<each new key listed>' },
    when: `until one has original.data.eventId = ${eventId}`,
  });
  calls.push({
    service: 'ecs',
    action: 'DescribeInstanceHistoryEvents',
    params: describe,
    when: 'at the end, on every exit path (handled, timeout, error, Ctrl-C)',
  });
  calls.push({
    service: 'ecs',
    action: 'CancelSimulatedSystemEvents',
    params: { RegionId: args.region, 'EventId.1': eventId },
    when: 'at the end, unless the event is already Executed, Canceled, Avoided or Failed',
  });
  return calls;
}

/** Where the CLI writes. */
export interface DrillIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

/** What the CLI runs against; everything defaults to the real thing. */
export interface DrillEnvironment {
  /** @default the standard credential chain */
  readonly credentials?: CredentialProvider;
  /** @default read from EEO_*_ENDPOINT environment variables */
  readonly endpoints?: EndpointOverrides;
  /** @default the system clock */
  readonly clock?: Clock;
  /** Aborts a running drill (the main wires SIGINT to it); the event is still canceled. */
  readonly signal?: AbortSignal;
}

/**
 * The drill command. Exit code 0 when the pipeline handled the event and nothing was left pending, 1 on a bad
 * command line, a failure or a timeout, 130 when interrupted.
 *
 * @example await runDrillCli(['--dry-run', '--region', 'cn-hangzhou', '--instance', 'i-...', '--type', 'SystemMaintenance.Reboot'], io)
 */
export async function runDrillCli(
  argv: readonly string[],
  io: DrillIo,
  environment: DrillEnvironment = {},
): Promise<number> {
  const clock = environment.clock ?? SYSTEM_CLOCK;
  let args: DrillArgs;
  try {
    args = parseDrillArgs(argv, clock.now());
  } catch (error) {
    if (error instanceof DrillUsageError) {
      for (const problem of error.problems) io.stderr(`drill: ${problem}\n`);
      return 1;
    }
    throw error;
  }
  if (args.dryRun) {
    const calls = drillPlan(args);
    io.stdout(args.json ? `${JSON.stringify({ dryRun: true, calls }, null, 2)}\n` : formatPlan(calls));
    return 0;
  }

  const credentials = environment.credentials ?? defaultCredentials();
  const endpoints = environment.endpoints ?? endpointsFromEnv(process.env);
  const progress = args.json ? undefined : (line: string) => io.stdout(`${line}\n`);
  let bucket = args.bucket;
  if (bucket === undefined) {
    let accountId = args.accountId;
    if (accountId === undefined) {
      try {
        accountId = await callerAccountId(
          createRpcCaller({ product: STS, region: args.region, credentials, endpoint: endpoints.sts }),
        );
      } catch (error) {
        io.stderr(
          `drill: cannot tell the account id for the archive bucket name (pass --account-id or --bucket): ${(error as Error).message}\n`,
        );
        return 1;
      }
    }
    bucket = archiveBucketName(args.namePrefix, accountId, args.region);
  }
  progress?.(`drill ${args.eventType} on ${args.instanceId} in ${args.region}; archive bucket ${bucket}`);
  const reader = createArchiveReader({ bucket, region: args.region, credentials, endpoint: endpoints.oss });
  const report = await runDrill(args, {
    ecs: createRpcCaller({ product: ECS, region: args.region, credentials, endpoint: endpoints.ecs }),
    archive: new ArchiveFinder(reader, args),
    clock,
    signal: environment.signal,
    progress,
  });
  io.stdout(args.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report, args.timeoutMs));
  if (report.error !== undefined) io.stderr(`drill: ${report.error}\n`);
  if (report.cancel.result === 'failed')
    io.stderr(`drill: the simulated event ${report.eventId} is still pending: ${report.cancel.error}\n`);
  return drillExitCode(report);
}

/** The dry-run plan for people. */
export function formatPlan(calls: readonly PlannedCall[]): string {
  const lines = ['Dry run: nothing is called. The drill would make these calls:'];
  calls.forEach((call, i) => {
    const params = Object.entries(call.params)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ');
    lines.push(`  ${i + 1}. ${call.service} ${call.action} ${params}`.trimEnd(), `     ${call.when}`);
  });
  return `${lines.join('\n')}\n`;
}

/** The report for people. */
export function formatReport(report: DrillReport, timeoutMs: number): string {
  const t = report.timings;
  const verdicts: Record<DrillReport['verdict'], string> = {
    handled: 'PASS: the pipeline archived the event',
    timeout: `FAIL: no archived copy within ${formatDuration(timeoutMs)}`,
    failed: 'FAIL: the drill could not run to the end',
    interrupted: 'INTERRUPTED',
  };
  const lines = [
    '',
    verdicts[report.verdict],
    `  event      ${report.eventId ?? '(not created)'} ${report.eventType} on ${report.instanceId} in ${report.region}`,
    `  NotBefore  ${report.notBefore}`,
  ];
  if (report.status !== undefined) lines.push(`  status     ${report.status} after creation`);
  if (report.archiveKey !== undefined) lines.push(`  archived   ${report.archiveKey}`);
  if (t.createdAt !== undefined) lines.push(`  created    ${t.createdAt}`);
  if (t.deliveredAt !== undefined) {
    lines.push(`  delivered  ${t.deliveredAt}${duration(' (+', t.createdToDeliveredMs, ' after created)')}`);
  }
  if (t.handledAt !== undefined) {
    lines.push(`  handled    ${t.handledAt}${duration(' (+', t.createdToHandledMs, ' after created)')}`);
  }
  const cancel: Record<DrillReport['cancel']['result'], string> = {
    canceled: 'canceled',
    'not-needed': `not needed (already ${report.cancel.statusBefore})`,
    failed: `FAILED: ${report.cancel.error}; cancel by hand: aliyun ecs CancelSimulatedSystemEvents --RegionId ${report.region} --EventId.1 ${report.eventId}`,
    'not-created': 'nothing to cancel',
  };
  lines.push(`  cancel     ${cancel[report.cancel.result]}`);
  if (report.error !== undefined) lines.push(`  error      ${report.error}`);
  return `${lines.join('\n')}\n`;
}

function duration(prefix: string, ms: number | undefined, suffix: string): string {
  return ms === undefined ? '' : `${prefix}${formatDuration(Math.max(0, ms))}${suffix}`;
}
