import { BUILT_IN_UNITS } from '../../lib/automations';
import { loadConfig } from '../../lib/config';
import { FleetStack } from '../../lib/fleet';
import { RegionStack } from '../../lib/stacks/region-stack';
import { testApp } from '../support/synth';

/** Two member accounts (Alibaba Cloud UIDs are 16 digits). */
export const ACCOUNTS = ['1234567890123456', '2234567890123456'];

/** A fleet of three regions and two accounts, canary cn-hangzhou, Singapore with more memory. */
export const FLEET_CONTEXT = {
  assetsQualifier: 'acme42',
  fleet: {
    regions: ['cn-shanghai', 'cn-hangzhou', 'ap-southeast-1'],
    accountIds: ACCOUNTS,
    canaryRegion: 'cn-hangzhou',
    maxConcurrentPercentage: 50,
    failureToleranceCount: 1,
  },
  'ap-southeast-1': { functions: { memoryMb: 512 } },
};

/** Synthesizes what bin/app.ts does for `context` (region stacks and the fleet stack), in-process. */
export function synthFleet(context: unknown = FLEET_CONTEXT): string {
  const app = testApp();
  const config = loadConfig(context);
  for (const region of config.regions) {
    new RegionStack(app, { config: region, assetsQualifier: config.assetsQualifier, units: BUILT_IN_UNITS });
  }
  if (config.fleet !== undefined) {
    new FleetStack(app, {
      fleet: config.fleet,
      namePrefix: config.namePrefix,
      assetsQualifier: config.assetsQualifier,
      units: BUILT_IN_UNITS,
    });
  }
  return app.synth().directory;
}
