#!/usr/bin/env node
/**
 * `npm run assets:publish -- [--region <id>] [--assembly cdk.out] [--dry-run] [--json]`: uploads the handler code of
 * the synthesized stacks to their code buckets, creating a bucket when missing. Run it after `npm run synth` and before
 * `ros-cdk deploy` (lib/code/publish.ts says why the CLI does not do it).
 */
import * as path from 'node:path';
import { z } from 'zod';
import { ENDPOINT_ENV } from '../contract/env/endpoints';
import { CodeManifestError } from '../lib/code/read';
import { defineTool, flagOption, runMain } from '../ops/cli';
import { credentialsFromEnvironment, PublishError, publishCode } from '../ops/code/publish';

/** The `npm run assets:publish` tool; `--json` prints `{ dryRun, stacks: PublishedStack[] }`. */
export const assetsPublishTool = defineTool({
  name: 'assets:publish',
  summary:
    "Uploads each stack's handler code (cdk.out/<stack>.code.json) to its code bucket cdk-<assetsQualifier>-assets-<region>, " +
    'creating the bucket (private, AES256) when missing; an object already there is left alone, nothing is deleted.',
  usage: '[--region <id>] [--assembly <dir>] [--account-id <id>] [--dry-run] [--json]',
  examples: ['npm run synth && npm run assets:publish -- --region cn-hangzhou'],
  json: true,
  notes:
    'Credentials: ALIBABA_CLOUD_ACCESS_KEY_ID, ALIBABA_CLOUD_ACCESS_KEY_SECRET [, ALIBABA_CLOUD_SECURITY_TOKEN], or the ' +
    "ros-cdk CLI's ACCESS_KEY_ID, ACCESS_KEY_SECRET [, SECURITY_TOKEN].\nExit codes: 0 published; 1 a failure; 2 a usage error.",
  failures: [PublishError, CodeManifestError],
  configure: (command) =>
    command
      .option('--region <id>', 'publish only the stacks of this region (default: every stack)')
      .option('--assembly <dir>', 'the cloud assembly (default: cdk.out)')
      .option(
        '--account-id <id>',
        "a stack group's member account whose own code buckets to fill (fleet.codeSource per-account)",
      )
      .option('--dry-run', 'only say what would be created and uploaded'),
  run: async (context) => {
    const { region, assembly, dryRun, accountId } = context.options.parse(
      z.object({
        region: z
          .string()
          .regex(/^[a-z]{2}(-[a-z0-9]+)+$/, 'is not a region id such as cn-hangzhou')
          .optional(),
        assembly: z.string().prefault('cdk.out'),
        accountId: z
          .string()
          .regex(/^[0-9]{6,20}$/, 'is not an Alibaba Cloud account id (6 to 20 digits)')
          .optional(),
        dryRun: flagOption,
      }),
    );
    const stacks = await publishCode({
      assemblyDir: path.resolve(assembly),
      region,
      accountId,
      credentials: credentialsFromEnvironment(context.env),
      // For tests against a loopback fake, under the same rule as the handlers' endpoint overrides.
      endpoint: context.env[ENDPOINT_ENV.oss],
      dryRun,
      log: context.progress,
    });
    if (context.json) {
      context.printJson({ dryRun, stacks });
      return 0;
    }
    for (const s of stacks) {
      const created = s.bucketCreated ? ' (created)' : '';
      context.io.stdout(
        `${s.stack}: ${s.bucket}${created}: ${s.uploaded.length} uploaded, ${s.present.length} already there\n`,
      );
    }
    return 0;
  },
});

if (require.main === module) runMain(assetsPublishTool, { exitWhenDone: true });
