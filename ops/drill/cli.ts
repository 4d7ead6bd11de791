import * as path from 'node:path';
import { z } from 'zod';
import { archiveBucketName } from '../../contract/naming';
import { ConfigError, idProblem } from '../../lib/config';
import { ContextSourceError } from '../../lib/config/context';
import { didYouMean } from '../../lib/private/did-you-mean';
import { readAppFacts } from '../app-config';
import {
  accountIdOption,
  type CliIo,
  contextOption,
  createStyle,
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
  type Style,
  ToolFailure,
  type ToolSpec,
  UsageError,
  usage,
} from '../cli';
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
  resolveCredentials,
  STS,
} from './cloud';
import { type Clock, type DrillReport, describeParams, drillExitCode, runDrill, SYSTEM_CLOCK } from './drill';
import {
  formatDuration,
  formatUtc,
  parseDuration,
  parseNotBefore,
  SIMULATABLE_EVENT_TYPES,
  type SimulatableEventType,
} from './simulated-event';

/** Usage, after `npm run drill --`. */
export const DRILL_USAGE =
  '--region R --instance i-... --type T [--not-before +10m|<UTC time>] [--timeout 15m] ' +
  '[--poll-interval 10s] [--bucket B | --name-prefix P] [--account-id N] [--dry-run] [--json]';

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

/** A duration option: `15m`, `90s`, `1h`, at most `max` milliseconds; converted to milliseconds. */
function durationOption(fallback: string, max: number) {
  return z
    .string()
    .transform((raw, ctx) => {
      const ms = parseDuration(raw);
      if (ms !== undefined && ms > 0 && ms <= max) return ms;
      ctx.addIssue({
        code: 'custom',
        input: raw,
        message: `is not a duration between 1ms and ${formatDuration(max)}; e.g. 15m, 90s, 1h`,
      });
      return z.NEVER;
    })
    .prefault(fallback);
}

/** The options of drill at `nowMs` (the time `--not-before +10m` counts from); types inferred. */
export function drillOptionsSchema(nowMs: number) {
  const types = SIMULATABLE_EVENT_TYPES.join(', ');
  return z.object({
    region: regionOption({ required: true }),
    instance: z
      .string(usage('is required (the instance to drill, like i-bp1abcdefghij0123456)', 'is not an instance id'))
      .superRefine((value, ctx) => {
        const problem = idProblem('instance', value);
        if (problem !== undefined) ctx.addIssue({ code: 'custom', input: value, message: `: ${problem}` });
      }),
    type: z.enum(
      SIMULATABLE_EVENT_TYPES,
      usage(
        `is required; simulatable types: ${types}`,
        (input) =>
          `is not a simulatable system event type${didYouMean(String(input), SIMULATABLE_EVENT_TYPES)}; simulatable types: ${types}`,
      ),
    ),
    notBefore: z
      .string()
      .transform((raw, ctx) => {
        const notBefore = parseNotBefore(raw, nowMs);
        if ('ms' in notBefore) return notBefore.ms;
        ctx.addIssue({ code: 'custom', input: raw, message: notBefore.problem });
        return z.NEVER;
      })
      .prefault('+10m'),
    timeout: durationOption('15m', 24 * 3_600_000),
    pollInterval: durationOption('10s', 3_600_000),
    bucket: z
      .string()
      .regex(
        /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/,
        'is not an OSS bucket name (3 to 63 lowercase letters, digits and hyphens)',
      )
      .optional(),
    namePrefix: z.string().regex(NAME_PREFIX, NAME_PREFIX_ALLOWED).optional(),
    accountId: accountIdOption,
    context: repeatableOption,
    dryRun: flagOption,
  });
}

/**
 * Checks the parsed command line before anything is called (the schema of {@link drillOptionsSchema}, then the name
 * prefix the app's configuration gives when `--name-prefix` is not set). Every problem of the flags is reported.
 *
 * @throws UsageError
 */
export function checkDrillArgs(
  options: OptionReader,
  json: boolean,
  nowMs: number,
  projectRoot: string = path.resolve(__dirname, '..', '..'),
): DrillArgs {
  const parsed = options.parse(drillOptionsSchema(nowMs));
  // The namePrefix as synth reads it (cdk.json, cdk.context.json, -c), unless --name-prefix overrides it.
  const namePrefix =
    parsed.namePrefix ?? readAppFacts(projectRoot, parseContextPairs(parsed.context), parsed.region).namePrefix;
  if (!NAME_PREFIX.test(namePrefix)) throw new UsageError(`--name-prefix "${namePrefix}" ${NAME_PREFIX_ALLOWED}`);
  return {
    region: parsed.region,
    instanceId: parsed.instance,
    eventType: parsed.type,
    notBeforeMs: parsed.notBefore,
    timeoutMs: parsed.timeout,
    pollIntervalMs: parsed.pollInterval,
    bucket: parsed.bucket,
    namePrefix,
    accountId: parsed.accountId,
    dryRun: parsed.dryRun,
    json,
  };
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
    when: 'at the end, on every exit path (handled, timeout, error, SIGINT, SIGTERM, SIGHUP)',
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
export type DrillIo = CliIo;

/** What the CLI runs against; everything defaults to the real thing. */
export interface DrillEnvironment {
  /** @default the standard credential chain */
  readonly credentials?: CredentialProvider;
  /** @default read from EEO_*_ENDPOINT environment variables */
  readonly endpoints?: EndpointOverrides;
  /** @default the system clock */
  readonly clock?: Clock;
  /** The folder of cdk.json whose configuration names the archive bucket. @default this repository */
  readonly projectRoot?: string;
  /**
   * Aborts a running drill; the event is still canceled. The real main wires SIGINT, SIGTERM and SIGHUP to it
   * (through the CLI kit); in-process callers pass their own.
   */
  readonly signal?: AbortSignal;
}

/**
 * The `npm run drill` tool. Exit code 0 when the pipeline handled the event and nothing was left pending, 1 on a
 * failure or a timeout, 2 on a bad command line, 128 + the signal number when interrupted (130 for Ctrl-C).
 */
export function createDrillTool(environment: DrillEnvironment = {}): ToolSpec {
  return defineTool({
    name: 'drill',
    summary:
      'Drills the deployed pipeline with a simulated ECS system event: creates it, waits for its archived copy, ' +
      'reports timings, and always cancels the event (also on Ctrl-C, SIGTERM and SIGHUP).',
    usage: DRILL_USAGE,
    examples: [
      'npm run drill -- --region cn-hangzhou --instance i-bp1abcdefghij0123456 --type SystemMaintenance.Reboot',
      'npm run drill -- --region cn-hangzhou --instance i-bp1abcdefghij0123456 --type SystemFailure.Reboot --timeout 20m --json',
      'npm run drill -- --region cn-hangzhou --instance i-bp1abcdefghij0123456 --type SystemMaintenance.Reboot --dry-run',
    ],
    json: true,
    failures: [ConfigError, ContextSourceError],
    notes:
      'Credentials: the standard Alibaba Cloud credential chain (ALIBABA_CLOUD_ACCESS_KEY_ID and ' +
      'ALIBABA_CLOUD_ACCESS_KEY_SECRET, OIDC, ~/.aliyun/config.json, ~/.alibabacloud/credentials, the ECS RAM role).\n' +
      'Exit codes: 0 handled and nothing left pending; 1 failed or timed out; 2 usage; 130/143/129 interrupted by ' +
      'SIGINT/SIGTERM/SIGHUP (after canceling the event).',
    configure: (command) =>
      command
        .option('--region <region>', 'the region of the instance and the deployed stack (required)')
        .option('--instance <id>', 'the instance to drill (required)')
        .option('--type <type>', `the event type (required): ${SIMULATABLE_EVENT_TYPES.join(', ')}`)
        .option(
          '--not-before <when>',
          'when the event is due: +10m, +1h or a UTC time like 2026-03-01T10:00:00Z (default +10m)',
        )
        .option('--timeout <duration>', 'how long to wait for the archived copy (default 15m)')
        .option('--poll-interval <duration>', 'time between two looks into the archive (default 10s)')
        .option('--bucket <name>', 'the archive bucket (default: named from the name prefix, account and region)')
        .option('--name-prefix <prefix>', "the stack's namePrefix (default: the configuration's, as synth reads it)")
        .option('--account-id <id>', 'the account id for the bucket name (default: asked from STS)')
        .option('--dry-run', 'print the calls the drill would make, and call nothing')
        .addOption(contextOption()),
    run: async (context) => {
      const clock = environment.clock ?? SYSTEM_CLOCK;
      const args = checkDrillArgs(context.options, context.json, clock.now(), environment.projectRoot);
      if (args.dryRun) {
        const calls = drillPlan(args);
        if (context.json) context.printJson({ dryRun: true, calls });
        else context.io.stdout(formatPlan(calls));
        return EXIT.ok;
      }

      const credentials = environment.credentials ?? defaultCredentials();
      // Resolved once up front: no credentials is a clear message, not a network error from the first call.
      await resolveCredentials(credentials);
      const endpoints = environment.endpoints ?? endpointsFromTheEnvironment();
      const progress = context.progress;
      let bucket = args.bucket;
      if (bucket === undefined) {
        let accountId = args.accountId;
        if (accountId === undefined) {
          try {
            accountId = await callerAccountId(
              createRpcCaller({ product: STS, region: args.region, credentials, endpoint: endpoints.sts }),
            );
          } catch (error) {
            context.io.stderr(
              `error: cannot tell the account id for the archive bucket name (pass --account-id or --bucket): ${(error as Error).message}\n`,
            );
            return EXIT.failure;
          }
        }
        bucket = archiveBucketName(args.namePrefix, accountId, args.region);
      }
      progress(`drill ${args.eventType} on ${args.instanceId} in ${args.region}; archive bucket ${bucket}`);
      const reader = createArchiveReader({ bucket, region: args.region, credentials, endpoint: endpoints.oss });
      const report = await runDrill(args, {
        ecs: createRpcCaller({ product: ECS, region: args.region, credentials, endpoint: endpoints.ecs }),
        archive: new ArchiveFinder(reader, args),
        clock,
        signal: environment.signal ?? context.signal,
        progress,
      });
      if (context.json) context.printJson(report);
      else context.io.stdout(formatReport(report, args.timeoutMs, context.style));
      if (report.error !== undefined) context.io.stderr(`error: ${report.error}\n`);
      if (report.cancel.result === 'failed') {
        context.io.stderr(
          `error: the simulated event ${report.eventId ?? '(id unknown)'} may still be pending: ${report.cancel.error}\n`,
        );
      }
      return drillExitCode(report);
    },
  });
}

/**
 * Runs the drill command in-process; resolves to its exit code (see {@link createDrillTool}).
 *
 * @example await runDrillCli(['--dry-run', '--region', 'cn-hangzhou', '--instance', 'i-...', '--type', 'SystemMaintenance.Reboot'], io)
 */
export function runDrillCli(argv: readonly string[], io: DrillIo, environment: DrillEnvironment = {}): Promise<number> {
  return runTool(createDrillTool(environment), argv, io, { signal: environment.signal });
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
export function formatReport(report: DrillReport, timeoutMs: number, style: Style = createStyle(false)): string {
  const t = report.timings;
  const verdicts: Record<DrillReport['verdict'], string> = {
    handled: style.green('PASS: the pipeline archived the event'),
    timeout: style.red(`FAIL: no archived copy within ${formatDuration(timeoutMs)}`),
    failed: style.red('FAIL: the drill could not run to the end'),
    interrupted: style.yellow('INTERRUPTED'),
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
  const found = report.cancel.eventIds?.join(', ');
  const cancel: Record<DrillReport['cancel']['result'], string> = {
    canceled:
      found === undefined ? 'canceled' : `canceled ${found} (created although the answer of the create was lost)`,
    'not-needed': `not needed (already ${report.cancel.statusBefore})`,
    failed:
      report.eventId === undefined
        ? style.red(`FAILED: ${report.cancel.error}`)
        : style.red(
            `FAILED: ${report.cancel.error}; cancel by hand: aliyun ecs CancelSimulatedSystemEvents --RegionId ${report.region} --EventId.1 ${report.eventId}`,
          ),
    'not-created': report.cancel.lookedUp
      ? 'nothing to cancel (the create failed; no active event of this type and NotBefore on the instance)'
      : 'nothing to cancel',
  };
  lines.push(`  cancel     ${cancel[report.cancel.result]}`);
  if (report.error !== undefined) lines.push(`  error      ${report.error}`);
  return `${lines.join('\n')}\n`;
}

function duration(prefix: string, ms: number | undefined, suffix: string): string {
  return ms === undefined ? '' : `${prefix}${formatDuration(Math.max(0, ms))}${suffix}`;
}

/** The endpoint overrides of the environment; a bad value is the user's to fix, not a crash. */
function endpointsFromTheEnvironment(): EndpointOverrides {
  try {
    return endpointsFromEnv(process.env);
  } catch (error) {
    throw new ToolFailure((error as Error).message, { cause: error });
  }
}
