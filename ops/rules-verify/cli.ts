import * as path from 'node:path';
import { AssemblyError, readAssembly } from '../../lib/assembly';
import { REGION_IDS } from '../../lib/config';
import { type Disagreement, type VerifyReport, verifyPatterns } from '../../lib/patterns/rules-verify';
import { didYouMean } from '../../lib/private/did-you-mean';
import { type CliIo, defineTool, EXIT, runTool, type Style, ToolFailure, type ToolSpec, UsageError } from '../cli';
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
import { createCloudPatternTester, TestEventPatternError } from './client';
import { fixtureEvents, rulesOfStack, stackOfRegion } from './inputs';

/** The folder of cdk.json. */
const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

/** Usage, after `npm run rules:verify --`. */
export const RULES_VERIFY_USAGE = '--cloud --region R [--assembly cdk.out] [--events <dir>] [--account-id N] [--json]';

/** What the tool runs against; everything defaults to the real service. */
export interface RulesVerifyEnvironment {
  /** @default the standard credential chain */
  readonly credentials?: CredentialProvider;
  /** @default read from the contract's endpoint override variables (`ENDPOINT_ENV`) */
  readonly endpoints?: EndpointOverrides;
  /** The folder `--assembly` and `--events` are relative to, and whose sample events are the default. @default this repository */
  readonly projectRoot?: string;
}

/**
 * The `npm run rules:verify` tool: asks EventBridge's `TestEventPattern`, in a real account, whether each synthesized
 * pattern of a region's stack matches each sample event, and reports where the cloud and the local matcher disagree.
 * Exit 0 when they agree on every case, 1 on a disagreement or a failed call, 2 on a bad command line (including a
 * missing `--cloud`: the flag makes the network calls explicit).
 */
export function createRulesVerifyTool(environment: RulesVerifyEnvironment = {}): ToolSpec {
  return defineTool({
    name: 'rules:verify',
    summary:
      "Asks EventBridge's TestEventPattern, in a real account, whether every synthesized pattern of a region matches " +
      'every sample event, and reports each case where the cloud and the local matcher disagree.',
    usage: RULES_VERIFY_USAGE,
    examples: [
      'npm run rules:verify -- --cloud --region cn-hangzhou',
      'npm run rules:verify -- --cloud --region cn-hangzhou --assembly cdk.out --json',
    ],
    json: true,
    failures: [AssemblyError, TestEventPatternError],
    notes:
      'Needs credentials (the standard Alibaba Cloud credential chain) allowed eventbridge:TestEventPattern; it ' +
      'creates nothing. Sample events: test/fixtures/events/**/*.json (Cloud Monitor files as the CloudEvent they ' +
      'become).\nExit codes: 0 the cloud and the local matcher agree on every case; 1 a disagreement, or a call ' +
      'failed; 2 a usage error.',
    configure: (command) =>
      command
        .option('--cloud', 'call the EventBridge API of a real account (required: the calls are explicit)')
        .option('--region <region>', 'the region whose stack is checked, and whose EventBridge is asked (required)')
        .option('--assembly <dir>', 'the cloud assembly written by npm run synth (default: cdk.out)')
        .option('--events <dir>', 'the sample events (default: test/fixtures/events)')
        .option('--account-id <id>', 'the account id of the EventBridge endpoint (default: asked from STS)'),
    run: async (context) => {
      const root = environment.projectRoot ?? PROJECT_ROOT;
      const region = context.options.string('region');
      const accountId = context.options.string('accountId');
      const problems: string[] = [];
      if (!context.options.flag('cloud')) {
        problems.push(
          'rules:verify calls EventBridge TestEventPattern in a real account: pass --cloud to confirm, with --region',
        );
      }
      if (region === undefined) problems.push(`--region is required; known: ${REGION_IDS.join(', ')}`);
      else if (!REGION_IDS.includes(region)) {
        problems.push(
          `--region "${region}" is not an Alibaba Cloud region id${didYouMean(region, REGION_IDS)}; known: ${REGION_IDS.join(', ')}`,
        );
      }
      if (accountId !== undefined && !/^\d{6,20}$/.test(accountId)) {
        problems.push(`--account-id "${accountId}" is not an Alibaba Cloud account id (digits only)`);
      }
      if (problems.length > 0) throw new UsageError(problems);

      const stack = stackOfRegion(
        readAssembly(path.resolve(root, context.options.string('assembly') ?? 'cdk.out')),
        region as string,
      );
      const rules = rulesOfStack(stack);
      const events = fixtureEvents(path.resolve(root, context.options.string('events') ?? 'test/fixtures/events'));

      const credentials = environment.credentials ?? defaultCredentials();
      // Resolved once up front: no credentials is a clear message, not a network error from the first call.
      await resolveCredentials(credentials);
      const endpoints = environment.endpoints ?? endpointsFromTheEnvironment();
      const account =
        accountId ??
        (await callerAccountId(
          createRpcCaller({ product: STS, region: region as string, credentials, endpoint: endpoints.sts }),
        ).catch((error: unknown) => {
          throw new ToolFailure(
            `cannot tell the account id of the EventBridge endpoint (pass --account-id): ${(error as Error).message}`,
            { cause: error },
          );
        }));
      const cloud = createCloudPatternTester({
        accountId: account,
        region: region as string,
        credentials,
        endpoint: endpoints.eventbridge,
      });
      const patterns = new Set(rules.map((r) => JSON.stringify(r.pattern))).size;
      context.progress(
        `rules:verify: ${rules.length} rules (${patterns} distinct patterns) of ${stack.name} × ${events.length} sample events`,
      );
      const every = Math.max(1, Math.ceil((patterns * events.length) / 10));
      const report = await verifyPatterns(rules, events, cloud, {
        signal: context.signal,
        onCase: (done, total) => {
          if (done % every === 0 && done < total) context.progress(`rules:verify: ${done} of ${total} cases`);
        },
      });
      if (context.json) context.printJson(report);
      else context.io.stdout(formatVerifyReport(report, stack.name, context.style));
      return report.disagreements.length === 0 ? EXIT.ok : EXIT.failure;
    },
  });
}

/** The report for people: one line per disagreement, then a summary line. */
export function formatVerifyReport(report: VerifyReport, stack: string, style: Style): string {
  const side = (d: Disagreement, who: 'cloud' | 'local') => `${who} ${d[who] ? 'matches' : 'does not match'}`;
  const lines = report.disagreements.map(
    (d) =>
      `${style.red('DISAGREE')} stack ${d.stack} rule ${d.ruleName} event ${d.event}: ${side(d, 'cloud')}, ${side(d, 'local')}`,
  );
  lines.push(
    report.disagreements.length === 0
      ? style.green(`OK: the cloud and the local matcher agree on all ${report.cases} cases of ${stack}`)
      : style.red(`FAIL: ${report.disagreements.length} disagreements in ${report.cases} cases of ${stack}`),
  );
  return `${lines.join('\n')}\n`;
}

/**
 * Runs the tool in-process; resolves to its exit code (see {@link createRulesVerifyTool}).
 *
 * @example await runRulesVerifyCli(['--cloud', '--region', 'cn-hangzhou', '--json'], io)
 */
export function runRulesVerifyCli(
  argv: readonly string[],
  io: CliIo,
  environment: RulesVerifyEnvironment = {},
): Promise<number> {
  return runTool(createRulesVerifyTool(environment), argv, io);
}

function endpointsFromTheEnvironment(): EndpointOverrides {
  try {
    return endpointsFromEnv(process.env);
  } catch (error) {
    throw new ToolFailure((error as Error).message, { cause: error });
  }
}
