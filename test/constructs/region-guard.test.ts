import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EVERY_FEATURE, synthRegions, type Template } from '../support/synth';

type GuardedTemplate = Template & {
  readonly Parameters?: Record<string, { Type: string; Default?: string; AllowedValues?: string[] }>;
  readonly Resources: Record<string, Template['Resources'][string] & { DependsOn?: string[] }>;
};

describe('the region guard', () => {
  const templates = synthRegions({ ...EVERY_FEATURE, regions: ['cn-hangzhou', 'cn-shanghai'] }) as Record<
    string,
    GuardedTemplate
  >;

  test('asserts ALIYUN::Region equals a StackRegion parameter that defaults to, and only allows, the stack region', () => {
    for (const region of ['cn-hangzhou', 'cn-shanghai']) {
      const template = templates[`ecs-event-ops-${region}`];
      assert.deepEqual(template.Parameters?.StackRegion, {
        Type: 'String',
        Default: region,
        AllowedValues: [region],
        Description: `The region this stack is for. Deploy it with REGION_ID=${region} (ros-cdk deploys to its configured region, not the stack's).`,
      });
      const guard = template.Resources.RegionGuard;
      assert.equal(guard.Type, 'ALIYUN::ROS::Assert');
      assert.deepEqual(guard.Properties.Values, [{ Ref: 'ALIYUN::Region' }, { Ref: 'StackRegion' }]);
      assert.equal(guard.Properties.Operation, 'Equal');
      assert.equal(guard.Properties.AbortCreation, true);
      assert.equal(guard.DependsOn, undefined);
    }
  });

  test('is a dependency of every other resource, with every optional feature on, so nothing is created before it', () => {
    for (const template of Object.values(templates)) {
      const unguarded = Object.entries(template.Resources)
        .filter(([id, resource]) => id !== 'RegionGuard' && !(resource.DependsOn ?? []).includes('RegionGuard'))
        .map(([id]) => id);
      assert.deepEqual(unguarded, []);
      assert.ok(Object.keys(template.Resources).length > 40);
    }
  });
});
