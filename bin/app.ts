#!/usr/bin/env node
import { writeFileSync } from 'node:fs';
import * as ros from '@alicloud/ros-cdk-core';
import { ConfigError, loadConfig } from '../lib/config';
import { ContextSourceError, contextFromEnvironment, readContextFiles, resolveAppConfig } from '../lib/config/context';
import { FleetStack, GroupTemplateError } from '../lib/fleet';
import { formatPolicyReport } from '../lib/policy';
import { checkAssembly } from '../lib/policy/check-assembly';
import { totalBundlingMs } from '../lib/private/bundle';
import { RegionStack } from '../lib/stacks/region-stack';

// Entry point run by `ros-cdk synth|diff|deploy` (see cdk.json) and by `npm run synth`: reads the context, builds one
// stack per configured region (and the fleet stack with a `fleet` block, lib/fleet/), then checks the synthesized assembly against the policy (lib/policy): a finding fails
// synth, so it fails `ros-cdk deploy` too. Stack traces are left out of the cloud assembly: they hold absolute paths,
// which would make synth depend on the checkout folder.
const app = new ros.App({ stackTraces: false });
try {
  // The CLI's merged context, plus what only the app can merge: a whole-key JSON override over the cdk.json block, and
  // dotted keys (lib/config/context.ts). The CLI runs the app in the project folder, where cdk.json is.
  const config = loadConfig(resolveAppConfig(contextFromEnvironment(process.env), readContextFiles(process.cwd())));
  for (const region of config.regions) {
    new RegionStack(app, { config: region, assetsQualifier: config.assetsQualifier });
  }
  if (config.fleet !== undefined) {
    new FleetStack(app, {
      fleet: config.fleet,
      namePrefix: config.namePrefix,
      assetsQualifier: config.assetsQualifier,
    });
  }
  const assembly = app.synth();
  // For the benchmark (tools/bench): how much of synth was spent bundling handlers.
  if (process.env.EEO_SYNTH_TIMINGS) {
    writeFileSync(
      process.env.EEO_SYNTH_TIMINGS,
      JSON.stringify({ bundlingMs: totalBundlingMs(), stacks: config.regions.length }),
    );
  }
  const report = checkAssembly(assembly.directory, config);
  if (report.findings.length > 0 || report.suppressed.length > 0 || report.unused.length > 0) {
    process.stderr.write(formatPolicyReport(report));
  }
  if (report.findings.length > 0) process.exitCode = 1;
} catch (error) {
  if (!(error instanceof ConfigError || error instanceof ContextSourceError || error instanceof GroupTemplateError)) {
    throw error;
  }
  process.stderr.write(`${error.message}\n`);
  process.exitCode = 1;
}
