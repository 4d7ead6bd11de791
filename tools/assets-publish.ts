#!/usr/bin/env node
/**
 * `npm run assets:publish -- [--region <id>] [--assembly cdk.out] [--dry-run] [--json]`: uploads the handler code of
 * the synthesized stacks to their code buckets, creating a bucket when missing. Run it after `npm run synth` and before
 * `ros-cdk deploy` (lib/code/publish.ts says why the CLI does not do it).
 */
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { credentialsFromEnvironment, PublishError, publishCode } from '../lib/code/publish';
import { CodeManifestError } from '../lib/code/read';

const HELP = `Usage: npm run assets:publish -- [--region <id>] [--assembly <dir>] [--dry-run] [--json]

Uploads each stack's handler code (cdk.out/<stack>.code.json) to its code bucket cdk-<assetsQualifier>-assets-<region>,
creating the bucket (private, AES256) when missing; an object already there is left alone.
Credentials: ALIBABA_CLOUD_ACCESS_KEY_ID / ALIBABA_CLOUD_ACCESS_KEY_SECRET [/ ALIBABA_CLOUD_SECURITY_TOKEN],
or the ros-cdk CLI's ACCESS_KEY_ID / ACCESS_KEY_SECRET [/ SECURITY_TOKEN].

Example:
  npm run synth && npm run assets:publish -- --region cn-hangzhou
`;

class UsageError extends Error {
  override readonly name = 'UsageError';
}

async function main(argv: readonly string[]): Promise<number> {
  let values: { region?: string; assembly?: string; 'dry-run'?: boolean; json?: boolean; help?: boolean };
  try {
    values = parseArgs({
      args: [...argv],
      options: {
        region: { type: 'string' },
        assembly: { type: 'string' },
        'dry-run': { type: 'boolean' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    throw new UsageError(`${(error as Error).message} (see --help)`);
  }
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (values.region !== undefined && !/^[a-z]{2}(-[a-z0-9]+)+$/.test(values.region)) {
    throw new UsageError(`--region "${values.region}" is not a region id such as cn-hangzhou`);
  }
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const published = await publishCode({
    assemblyDir: path.resolve(values.assembly ?? 'cdk.out'),
    region: values.region,
    credentials: credentialsFromEnvironment(process.env),
    // For tests against a loopback fake, like the handlers' EEO_*_ENDPOINT overrides.
    endpoint: process.env.EEO_OSS_ENDPOINT,
    dryRun: values['dry-run'] === true,
    log,
  });
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ dryRun: values['dry-run'] === true, stacks: published }, null, 2)}\n`);
  } else {
    for (const s of published) {
      process.stdout.write(
        `${s.stack}: ${s.bucket}${s.bucketCreated ? ' (created)' : ''}: ${s.uploaded.length} uploaded, ${s.present.length} already there\n`,
      );
    }
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`error: ${error.message}\n`);
      process.exitCode = 2;
    } else if (error instanceof PublishError || error instanceof CodeManifestError) {
      process.stderr.write(`error: ${error.message}\n`);
      process.exitCode = 1;
    } else {
      throw error;
    }
  },
);
