import * as path from 'node:path';
import { z } from 'zod';
import { ENDPOINT_ENV } from '../../contract/env/endpoints';
import { archiveBucketName, DEFAULT_NAME_PREFIX, stackName } from '../../contract/naming';
import { logProjectName } from '../../contract/observability';
import { AssemblyError, type RosTemplate, readAssembly } from '../../lib/assembly';
import {
  accountIdOption,
  defineTool,
  NAME_PREFIX,
  NAME_PREFIX_ALLOWED,
  regionOption,
  ToolFailure,
  type ToolSpec,
  UsageError,
} from '../cli';
import { createArchiveReader } from '../drill/archive-reader';
import {
  type CredentialProvider,
  callerAccountId,
  createRpcCaller,
  defaultCredentials,
  endpointsFromEnv,
  STS,
  staticCredentials,
} from '../drill/cloud';
import { FakeCloud, TEST_CREDENTIALS } from '../fake-cloud';
import { createDeadLetterQueue, QueueError } from '../redrive/clients';
import { queueNameOf } from '../replay/assembly';
import { ReplayStoreError, readReplayStore } from '../replay/store';
import { createSlsReader, LogQueryError } from './sls-client';
import {
  DEAD_LETTER_PEEK_LIMIT,
  formatTimeline,
  type Timeline,
  type TimelineEvent,
  type TraceSubject,
  traceTimeline,
} from './trace';

/**
 * The names of the dead-letter queues of a stack: each rule target's `DeadLetterQueue.Arn` and each function's
 * asynchronous `OnFailure` destination that is a queue of the stack, sorted.
 */
export function deadLetterQueueNames(template: RosTemplate): string[] {
  const resources = template.Resources ?? {};
  const names = new Set<string>();
  for (const resource of Object.values(resources)) {
    const props = resource.Properties ?? {};
    if (resource.Type === 'ALIYUN::EventBridge::Rule' && Array.isArray(props.Targets)) {
      for (const target of props.Targets as { DeadLetterQueue?: { Arn?: unknown } }[]) {
        const name = queueNameOf(target?.DeadLetterQueue?.Arn, resources);
        if (name !== undefined) names.add(name);
      }
    } else if (resource.Type === 'ALIYUN::FC::Function') {
      const async = props.AsyncConfiguration as { Destination?: { OnFailure?: unknown } } | undefined;
      const name = queueNameOf(async?.Destination?.OnFailure, resources);
      if (name !== undefined) names.add(name);
    }
  }
  return [...names].sort();
}

/** A duration such as `90s`, `30m`, `1h`, `7d`, in milliseconds; undefined when it is not one. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d{1,6})(s|m|h|d)$/.exec(text);
  if (match === null) return undefined;
  const unit = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as 's' | 'm' | 'h' | 'd'];
  return Number(match[1]) * unit;
}

const DURATION_ALLOWED = 'a duration such as 30m, 1h, 7d (s, m, h, d)';

const schema = z.object({
  eventId: z.string().min(1).optional(),
  instance: z
    .string()
    .regex(/^i-[a-z0-9]+$/, 'is not an ECS instance id (i-…)')
    .optional(),
  since: z
    .string()
    .refine((v) => parseDuration(v) !== undefined, `is not ${DURATION_ALLOWED}`)
    .default('24h'),
  until: z
    .string()
    .refine(
      (v) => parseDuration(v) !== undefined || !Number.isNaN(Date.parse(v)),
      `is neither ${DURATION_ALLOWED} (that long ago) nor an ISO time`,
    )
    .optional(),
  region: regionOption(),
  accountId: accountIdOption,
  namePrefix: z.string().regex(NAME_PREFIX, NAME_PREFIX_ALLOWED).default(DEFAULT_NAME_PREFIX),
  assembly: z.string().default('cdk.out'),
  store: z.string().optional(),
});

/** The time range of `--since` / `--until`, relative to `now`. */
export function traceRange(since: string, until: string | undefined, now: Date): { from: Date; to: Date } {
  const untilMs = until === undefined ? 0 : parseDuration(until);
  const to =
    until === undefined ? now : untilMs !== undefined ? new Date(now.getTime() - untilMs) : new Date(Date.parse(until));
  const from = new Date(to.getTime() - (parseDuration(since) ?? 0));
  if (from.getTime() >= to.getTime()) throw new UsageError(`--since "${since}" must be a positive duration`);
  return { from, to };
}

/**
 * The `npm run trace` tool. Reads the cloud (SLS with the official SDK, the OSS archive as the fallback) or, with
 * `--store`, the local store a replay left (served by a loopback fake cloud, through the same clients).
 *
 * @example await runTool(createTraceTool(), ['--store', 'cdk.out/replay-store', '--instance', 'i-bp1…', '--since', '1h'], io)
 */
export function createTraceTool(options: { readonly cwd?: string; readonly now?: () => Date } = {}): ToolSpec {
  return defineTool({
    name: 'trace',
    summary:
      'Prints one timeline of an event or an instance: the events (SLS events logstore, else the OSS archive), the ' +
      'rules of the synthesized assembly that matched each, each automation’s ledger record and outcome, and any ' +
      'dead-lettered copy in the dead-letter queues (peeked, not consumed).',
    usage:
      '(--event-id <id> | --instance <i-…>) [--since 24h] [--until <duration|ISO>] [--region R] [--store dir] [--json]',
    examples: [
      'npm run trace -- --store cdk.out/replay-store --instance i-bp1abcdefghij0123456 --since 1h',
      'npm run trace -- --region cn-hangzhou --event-id 4ad2c5d6-1234-4cde-8f00-5e7b00000001 --since 7d --json',
    ],
    json: true,
    notes:
      'Without --store, reads the cloud with the standard credential chain; the account id comes from STS unless ' +
      `--account-id is given. ${ENDPOINT_ENV.sls}, ${ENDPOINT_ENV.oss} and ${ENDPOINT_ENV.mns} override the endpoints.\n` +
      `Dead letters: the first ${DEAD_LETTER_PEEK_LIMIT} messages of each dead-letter queue of the stack (MNS peek cannot page).\n` +
      'Exit codes: 0 a timeline was printed (possibly empty); 1 the assembly, store or cloud cannot be read; 2 a usage error.',
    failures: [AssemblyError, ReplayStoreError, LogQueryError, QueueError],
    configure: (command) =>
      command
        .option('--event-id <id>', 'the event to trace (CloudEvent id)')
        .option('--instance <id>', 'the ECS instance whose events to trace')
        .option('--since <duration>', 'how far back to search (default: 24h)')
        .option('--until <time>', 'end of the search: a duration ago or an ISO time (default: now)')
        .option('--region <region>', 'the region (required without --store)')
        .option('--account-id <id>', 'the account (default: from STS GetCallerIdentity)')
        .option('--name-prefix <prefix>', `the configured namePrefix (default: ${DEFAULT_NAME_PREFIX})`)
        .option('--assembly <dir>', 'the cloud assembly of npm run synth, for the rules (default: cdk.out)')
        .option('--store <dir>', 'read the local store of npm run replay instead of the cloud'),
    run: async (context) => {
      const cwd = options.cwd ?? process.cwd();
      const args = context.options.parse(schema);
      if ((args.eventId === undefined) === (args.instance === undefined)) {
        throw new UsageError('give exactly one of --event-id <id> and --instance <i-…>');
      }
      if (args.store === undefined && args.region === undefined) {
        throw new UsageError('--region is required when reading the cloud (without --store)');
      }
      const subject: TraceSubject =
        args.eventId !== undefined ? { eventId: args.eventId } : { instanceId: args.instance as string };
      const range = traceRange(args.since, args.until, options.now?.() ?? new Date());
      const assembly = readAssembly(path.resolve(cwd, args.assembly));
      const templateOf = (stack: string): RosTemplate => {
        const found = assembly.stacks.find((s) => s.name === stack);
        if (found === undefined) {
          throw new ToolFailure(
            `--assembly "${args.assembly}" has no stack ${stack}; stacks: ${assembly.stacks.map((s) => s.name).join(', ')}`,
          );
        }
        return found.template;
      };
      const timeline =
        args.store !== undefined
          ? await traceStore(path.resolve(cwd, args.store), args.region, subject, range, templateOf)
          : await traceCloud(args, subject, range, templateOf, context.env);
      if (context.json) context.printJson(timeline);
      else context.io.stdout(formatTimeline(timeline));
      return 0;
    },
  });
}

type Range = { from: Date; to: Date };

async function traceStore(
  dir: string,
  region: string | undefined,
  subject: TraceSubject,
  range: Range,
  templateOf: (stack: string) => RosTemplate,
): Promise<Timeline> {
  const files = readReplayStore(dir).filter((f) => region === undefined || f.region === region);
  if (files.length === 0) throw new ToolFailure(`--store: no replay store file for region ${region}`);
  const events: TimelineEvent[] = [];
  for (const file of files) {
    const cloud = await FakeCloud.start({
      world: { region: file.region, accountId: file.accountId, instances: [], loadBalancers: [], scalingGroups: [] },
    });
    try {
      cloud.sls.load(file.sls);
      for (const [key, body] of Object.entries(file.archive)) cloud.putObject(file.archiveBucket, key, body);
      const template = templateOf(file.stack);
      const queueNames = deadLetterQueueNames(template);
      for (const name of queueNames) {
        cloud.mns.createQueue(name);
        for (const body of file.deadLetters?.[name] ?? []) cloud.mns.sendMessage(name, body);
      }
      const credentials = staticCredentials(TEST_CREDENTIALS);
      const endpoint = new URL(cloud.url);
      const clientOptions = { accountId: file.accountId, region: file.region, credentials, endpoint };
      const timeline = await traceTimeline(subject, {
        ...range,
        template,
        sources: {
          project: file.project,
          logs: createSlsReader({ region: file.region, credentials, endpoint }),
          archive: createArchiveReader({ bucket: file.archiveBucket, region: file.region, credentials, endpoint }),
          // Through the same MNS client as against the cloud, so the local path tests the real one.
          deadLetterQueues: await Promise.all(
            queueNames.map(async (name) => ({
              name,
              queue: await createDeadLetterQueue({ ...clientOptions, queueName: name }),
            })),
          ),
        },
      });
      events.push(...timeline.events);
    } finally {
      await cloud.stop();
    }
  }
  return { subject, from: range.from.toISOString(), to: range.to.toISOString(), events };
}

async function traceCloud(
  args: z.output<typeof schema>,
  subject: TraceSubject,
  range: Range,
  templateOf: (stack: string) => RosTemplate,
  env: Readonly<Record<string, string | undefined>>,
): Promise<Timeline> {
  const region = args.region as string;
  const endpoints = endpointsFromEnv(env);
  const credentials: CredentialProvider = defaultCredentials();
  const accountId =
    args.accountId ??
    (await callerAccountId(createRpcCaller({ product: STS, region, credentials, endpoint: endpoints.sts })));
  const template = templateOf(stackName(args.namePrefix, region));
  const queueOptions = { accountId, region, credentials, endpoint: endpoints.mns };
  return traceTimeline(subject, {
    ...range,
    template,
    sources: {
      deadLetterQueues: await Promise.all(
        deadLetterQueueNames(template).map(async (name) => ({
          name,
          queue: await createDeadLetterQueue({ ...queueOptions, queueName: name }),
        })),
      ),
      project: logProjectName(args.namePrefix, accountId, region),
      logs: createSlsReader({ region, credentials, endpoint: endpoints.sls }),
      archive: createArchiveReader({
        bucket: archiveBucketName(args.namePrefix, accountId, region),
        region,
        credentials,
        endpoint: endpoints.oss,
      }),
    },
  });
}
