import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as ros from '@alicloud/ros-cdk-core';
import { BUILT_IN_UNITS } from '../../lib/automations';
import { HandlerCode } from '../../lib/code/handler-code';
import { TemplateOnlySynthesizer } from '../../lib/code/template-only-synthesizer';
import { CONTEXT_KEY, loadConfig } from '../../lib/config';
import { RegionStack } from '../../lib/stacks/region-stack';

/** A synthesized ROS template, loosely typed for assertions. */
export interface Template {
  readonly Resources: Record<
    string,
    { readonly Type: string; readonly Properties: Record<string, unknown>; readonly DeletionPolicy?: string }
  >;
  readonly Outputs?: Record<string, unknown>;
}

/** A fresh app writing to a temporary folder, with the same options as bin/app.ts. */
export function testApp(): ros.App {
  return new ros.App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'eeo-test-')), stackTraces: false });
}

/** Synthesizes the app for `config` (the value of the `ecs-event-ops` context) and returns templates by stack name. */
export function synthRegions(config: unknown = {}): Record<string, Template> {
  const app = testApp();
  const parsed = loadConfig(config);
  for (const region of parsed.regions)
    new RegionStack(app, { config: region, assetsQualifier: parsed.assetsQualifier, units: BUILT_IN_UNITS });
  const assembly = app.synth();
  return Object.fromEntries(assembly.stacks.map((s) => [s.stackName, s.template as Template]));
}

/** Synthesizes one stack built by `build` in a fresh app and returns its template. */
export function synthStack(build: (stack: ros.Stack) => void): Template {
  const app = testApp();
  const stack = new ros.Stack(app, 'test-stack', {
    env: { region: 'cn-hangzhou' },
    synthesizer: new TemplateOnlySynthesizer(),
  });
  new HandlerCode(stack, { qualifier: 'test' });
  build(stack);
  return app.synth().getStackByName('test-stack').template as Template;
}

/** Resources of `type` in `template`, by logical id. */
export function resourcesOfType(template: Template, type: string): Record<string, Template['Resources'][string]> {
  return Object.fromEntries(Object.entries(template.Resources).filter(([, r]) => r.Type === type));
}

/** Context key, re-exported for tests. */
export { CONTEXT_KEY };

/**
 * A configuration with every optional feature on at once: both alert channels, the monitoring endpoint, a snapshot
 * policy applied to joining instances, scale-out protection, configured protected instances, drained vServer groups,
 * the dead-letter check, service activation; two regions, the second keeping its secrets in KMS.
 */
export const EVERY_FEATURE = {
  regions: ['cn-hangzhou', 'cn-shanghai'],
  notifications: { dingTalk: true, webhook: true },
  spotDrain: { vServerGroupIds: ['rsp-bp1abcdefghij0123'] },
  deadLetterCheck: { enabled: true, intervalMinutes: 5 },
  snapshots: {
    monitoringEndpoint: 'https://monitor.example.com/hooks/ecs',
    policy: {
      timePoints: [2],
      repeatWeekdays: [1, 2, 3, 4, 5, 6, 7],
      retentionDays: 30,
      diskIds: ['d-bp1abcdefghij0123456'],
    },
  },
  autoScaling: {
    scalingGroups: [
      { id: 'asg-bp1abcdefghij0123', protectedInstanceIds: ['i-bp1abcdefghij0123456'] },
      { id: 'asg-bp1abcdefghij0456' },
    ],
    protectTag: { key: 'protect', value: 'true' },
    applySnapshotPolicy: true,
  },
  activateServices: true,
  'cn-shanghai': { notifications: { secretStore: 'kms', kmsInstanceId: 'kst-shz65f176a0ogplgq0001' } },
} as const;
