#!/usr/bin/env node
import * as ros from '@alicloud/ros-cdk-core';
import { CONTEXT_KEY, ConfigError, loadConfig } from '../lib/config';
import { RegionStack } from '../lib/stacks/region-stack';

// Entry point run by `ros-cdk synth|diff|deploy` (see cdk.json) and by `npm run synth`: reads the context, builds one
// stack per configured region, nothing else. Stack traces are left out of the cloud assembly: they hold absolute
// paths, which would make synth depend on the checkout folder.
const app = new ros.App({ stackTraces: false });
try {
  const config = loadConfig(app.node.tryGetContext(CONTEXT_KEY));
  for (const region of config.regions) {
    new RegionStack(app, { config: region, assetsQualifier: config.assetsQualifier });
  }
  app.synth();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exitCode = 1;
}
