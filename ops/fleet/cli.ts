import * as path from 'node:path';
import { z } from 'zod';
import { ENDPOINT_ALLOWED, parseEndpoint } from '../../contract/endpoints';
import { stackGroupName } from '../../contract/naming';
import { ContextSourceError } from '../../lib/config/context';
import { ConfigError } from '../../lib/config/errors';
import {
  contextOption,
  defineTool,
  EXIT,
  parseContextPairs,
  regionOption,
  repeatable,
  repeatableOption,
  type Style,
  type ToolSpec,
  UsageError,
  usage,
} from '../cli';
import { CloudApiError, type CredentialProvider, defaultCredentials, resolveCredentials } from '../drill/cloud';
import { createFleetApi, type FleetApi, type StackInstance } from './client';
import { readFleetConfig } from './config';
import { type DriftReport, detectDrift, driftClean } from './drift';
import { formatPlan, rolloutPlan } from './plan';
import {
  type OperationReport,
  OperationTimeoutError,
  operationSucceeded,
  operationsSince,
  type PollOptions,
  sortByTarget,
  waitForOperation,
} from './wait';

/** The folder of cdk.json. */
const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

/** Usage, after `npm run fleet --`. */
export const FLEET_USAGE =
  'status|drift|wait|plan [--region R] [--operation-id ID ...] [--since TIME] [--timeout SECONDS] [--endpoint URL] [-c key=value] [--json]';

/** What the tool runs against; everything defaults to the real service and this repository. */
export interface FleetEnvironment {
  /** @default the standard credential chain (ALIBABA_CLOUD_ACCESS_KEY_ID / _SECRET / _SECURITY_TOKEN first) */
  readonly credentials?: CredentialProvider;
  /** The folder of cdk.json. @default this repository */
  readonly projectRoot?: string;
  /** Waits between polls. @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Builds the ROS client. @default the official SDK (ops/fleet/client.ts) */
  readonly api?: (options: { region: string; credentials: CredentialProvider; endpoint?: URL }) => FleetApi;
}

const COMMANDS = ['status', 'drift', 'wait', 'plan'] as const;

const cloudOptions = z.object({
  region: regionOption({ required: true }),
  timeout: z.coerce
    .number(usage('is required', 'must be a whole number of seconds from 10 to 21600'))
    .int('must be a whole number of seconds from 10 to 21600')
    .min(10, 'must be a whole number of seconds from 10 to 21600')
    .max(21_600, 'must be a whole number of seconds from 10 to 21600')
    .default(1800),
  endpoint: z.string().optional(),
  operationId: repeatableOption,
  since: z.string().optional(),
});

/**
 * The `npm run fleet` tool: the stack instances of the fleet's ROS stack group by account and region (`status`), drift
 * detection on the whole group (`drift`), waiting for a stack group operation (`wait`, used by the deploy workflow)
 * and the rollout plan from the configuration (`plan`, no cloud call).
 *
 * Exit codes: 0 all well; 1 an instance not CURRENT (`status`), a drifted instance or a failed detection (`drift`), a
 * failed operation or instance (`wait`), or a failed call; 2 a usage error.
 */
export function createFleetTool(environment: FleetEnvironment = {}): ToolSpec {
  return defineTool({
    name: 'fleet',
    summary:
      "Reports the fleet's ROS stack group by account and region (status), detects drift on it (drift), waits for " +
      'one of its operations (wait), or prints the rollout plan from the configuration (plan).',
    usage: FLEET_USAGE,
    examples: [
      'npm run fleet -- plan',
      'npm run fleet -- status --region cn-hangzhou',
      'npm run fleet -- drift --region cn-hangzhou --timeout 900 --json',
      'npm run fleet -- wait --region cn-hangzhou --operation-id 6da106ca-1784-4a6f-a7e1-e723863d****',
      'npm run fleet -- wait --region cn-hangzhou --since 2025-06-01T08:00:00',
    ],
    json: true,
    failures: [CloudApiError, ConfigError, ContextSourceError, OperationTimeoutError],
    notes:
      '--region is the region of the stack group: the region the fleet stack is deployed to. The stack group is ' +
      '<namePrefix>-fleet (contract/naming.ts stackGroupName), namePrefix read from the configuration as synth reads it.\n' +
      'Credentials: the standard Alibaba Cloud credential chain (ALIBABA_CLOUD_ACCESS_KEY_ID, ' +
      'ALIBABA_CLOUD_ACCESS_KEY_SECRET, ALIBABA_CLOUD_SECURITY_TOKEN first), of the administration account; ROS ' +
      'permissions ros:ListStackInstances, ros:DetectStackGroupDrift, ros:GetStackGroupOperation, ' +
      'ros:ListStackGroupOperations, ros:ListStackGroupOperationResults, ros:ListStackResourceDrifts.\n' +
      'Exit codes: 0 all well; 1 an instance not CURRENT (status), a drifted instance or a detection that did not ' +
      'succeed (drift), an operation or instance that did not succeed (wait), or a failed call; 2 a usage error.',
    configure: (command) =>
      command
        .argument('<command>', `one of ${COMMANDS.join(', ')}`)
        .option('--region <region>', 'the region of the stack group (status, drift, wait)')
        .addOption(repeatable('--operation-id <id>', 'wait: a stack group operation to wait for (repeatable)'))
        .option('--since <time>', 'wait: every operation of the group created at or after this UTC time (ISO 8601)')
        .option('--timeout <seconds>', 'drift, wait: give up after this long (default: 1800)')
        .option('--endpoint <url>', `the ROS endpoint (tests: the loopback fake); ${ENDPOINT_ALLOWED}`)
        .addOption(contextOption()),
    run: async (context) => {
      const [command] = context.args;
      if (!(COMMANDS as readonly string[]).includes(command)) {
        throw new UsageError(`command "${command}" is not known; allowed: ${COMMANDS.join(', ')}`);
      }
      const root = environment.projectRoot ?? PROJECT_ROOT;
      const config = readFleetConfig(root, parseContextPairs(context.options.strings('context')));
      if (command === 'plan') {
        if (config.fleet === undefined) {
          if (context.json) context.printJson({ configured: false });
          else context.io.stdout('The configuration has no "fleet" block: every region deploys on its own.\n');
          return EXIT.ok;
        }
        const plan = rolloutPlan(config.namePrefix, config.fleet);
        if (context.json) context.printJson(plan);
        else context.io.stdout(formatPlan(plan, context.style));
        return EXIT.ok;
      }

      const options = context.options.parse(cloudOptions);
      const endpoint = endpointOf(options.endpoint);
      const since = command === 'wait' ? sinceOf(options.since, options.operationId) : undefined;
      const credentials = environment.credentials ?? defaultCredentials();
      // Resolved once up front: no credentials is a clear message, not a network error from the first call.
      await resolveCredentials(credentials);
      const api = (environment.api ?? createFleetApi)({ region: options.region, credentials, endpoint });
      const group = stackGroupName(config.namePrefix);
      const poll: PollOptions = {
        timeoutMs: options.timeout * 1000,
        sleep: environment.sleep,
        signal: context.signal,
        onPoll: (operation, elapsedMs) =>
          context.progress(
            `fleet: operation ${operation.operationId} (${operation.action}) ${operation.status}, ${Math.round(elapsedMs / 1000)} s`,
          ),
      };

      if (command === 'status') {
        const instances = sortByTarget(await api.listStackInstances(group));
        const notCurrent = instances.filter((i) => i.status !== 'CURRENT');
        if (context.json) {
          context.printJson({ stackGroup: group, region: options.region, instances, notCurrent: notCurrent.length });
        } else context.io.stdout(formatStatus(group, options.region, instances, context.style));
        return notCurrent.length === 0 ? EXIT.ok : EXIT.failure;
      }

      if (command === 'drift') {
        context.progress(`fleet: starting drift detection on stack group ${group} in ${options.region}`);
        const report = await detectDrift(api, group, poll);
        if (context.json) context.printJson(report);
        else context.io.stdout(formatDrift(report, context.style));
        return driftClean(report) ? EXIT.ok : EXIT.failure;
      }

      // wait
      const ids =
        since === undefined
          ? options.operationId
          : (await operationsSince(api, group, since)).map((operation) => operation.operationId);
      if (ids.length === 0) {
        if (context.json) context.printJson({ stackGroup: group, operations: [] });
        else context.io.stdout(`No operation of stack group ${group} since ${options.since}: nothing to wait for.\n`);
        return EXIT.ok;
      }
      const reports: OperationReport[] = [];
      for (const id of ids) {
        context.progress(`fleet: waiting for operation ${id} of stack group ${group}`);
        reports.push(await waitForOperation(api, id, poll));
      }
      if (context.json) context.printJson({ stackGroup: group, operations: reports });
      else context.io.stdout(reports.map((r) => formatOperation(r, context.style)).join(''));
      return reports.every(operationSucceeded) ? EXIT.ok : EXIT.failure;
    },
  });
}

function endpointOf(raw: string | undefined): URL | undefined {
  if (raw === undefined) return undefined;
  const parsed = parseEndpoint(raw);
  if ('problem' in parsed) throw new UsageError(`--endpoint "${raw}" ${parsed.problem}; expected ${ENDPOINT_ALLOWED}`);
  return parsed.url;
}

function sinceOf(raw: string | undefined, operationIds: readonly string[]): Date | undefined {
  if ((raw === undefined) === (operationIds.length === 0)) {
    throw new UsageError('wait needs either --operation-id (repeatable) or --since, not both');
  }
  if (raw === undefined) return undefined;
  const zoned = /(Z|[+-]\d{2}:?\d{2})$/.test(raw) ? raw : `${raw}Z`;
  const date = new Date(zoned);
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(raw) || Number.isNaN(date.getTime())) {
    throw new UsageError(`--since "${raw}" is not an ISO 8601 time such as 2025-06-01T08:00:00 (UTC)`);
  }
  return date;
}

/** Fixed-width columns. */
function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

/** `fleet status` for people: one line per instance, by account then region. */
export function formatStatus(group: string, region: string, instances: readonly StackInstance[], style: Style): string {
  const notCurrent = instances.filter((i) => i.status !== 'CURRENT').length;
  const head = `stack group ${group} in ${region}: ${instances.length} stack instance(s)`;
  if (instances.length === 0) return `${head}\n`;
  const rows = instances.map((i) => [
    i.accountId,
    i.regionId,
    i.status === 'CURRENT' ? style.green(i.status) : style.red(i.status),
    i.driftStatus,
    i.statusReason ?? '',
  ]);
  const summary =
    notCurrent === 0 ? style.green('OK: every instance is CURRENT') : style.red(`FAIL: ${notCurrent} not CURRENT`);
  return `${[head, ...table(['ACCOUNT', 'REGION', 'STATUS', 'DRIFT', 'REASON'], rows), summary].join('\n')}\n`;
}

/** `fleet drift` for people: each instance, and under a drifted one its drifted resources. */
export function formatDrift(report: DriftReport, style: Style): string {
  const lines = [
    `drift detection ${report.operationId} on stack group ${report.stackGroup}: ${report.operationStatus}` +
      (report.detectionStatus === undefined ? '' : ` (${report.detectionStatus})`),
  ];
  for (const i of report.instances) {
    const status = i.driftStatus === 'DRIFTED' ? style.red(i.driftStatus) : i.driftStatus;
    lines.push(`  ${i.accountId} ${i.regionId}: ${status}`);
    for (const r of i.resources ?? []) {
      const paths = r.propertyPaths.length === 0 ? '' : ` ${r.propertyPaths.join(', ')}`;
      lines.push(`    ${r.status} ${r.logicalResourceId} (${r.resourceType})${paths}`);
    }
    if (i.resourcesUnavailable !== undefined) lines.push(`    resources not listed: ${i.resourcesUnavailable}`);
  }
  lines.push(
    driftClean(report)
      ? style.green(`OK: no drift in ${report.instances.length} instance(s)`)
      : style.red(
          report.operationStatus === 'SUCCEEDED'
            ? `DRIFT: ${report.drifted} of ${report.instances.length} instance(s) drifted`
            : `FAIL: the drift detection ended ${report.operationStatus}`,
        ),
  );
  return `${lines.join('\n')}\n`;
}

/** `fleet wait` for people: the operation, then each account and region. */
export function formatOperation(report: OperationReport, style: Style): string {
  const rows = report.results.map((r) => [
    r.accountId,
    r.regionId,
    r.status === 'SUCCEEDED' ? style.green(r.status) : style.red(r.status),
    r.statusReason ?? '',
  ]);
  const ok = operationSucceeded(report);
  return `${[
    `operation ${report.operationId} (${report.action}): ${report.status}`,
    ...table(['ACCOUNT', 'REGION', 'RESULT', 'REASON'], rows),
    ok
      ? style.green(`OK: ${report.results.length} instance(s) succeeded`)
      : style.red(`FAIL: ${report.failed.length} of ${report.results.length} instance(s) did not succeed`),
  ].join('\n')}\n`;
}
