import * as ros from '@alicloud/ros-cdk-core';
import { formatScaleOutEnv } from '../../contract/env/scale-out';
import { ESS_SOURCE, EVENT_TYPES } from '../../contract/events';
import { safetyPlan } from './safety';
import type { AutomationUnit } from './unit';

/**
 * Protects tagged instances joining a scaling group and applies the snapshot policy to their disks. Config:
 * `autoScaling` (groups, `protectTag`, `applySnapshotPolicy`), `snapshots.policy`.
 */
export const scaleOut: AutomationUnit = {
  kind: 'automation',
  name: 'scale-out',
  id: 'ScaleOut',
  settings: ['autoScaling', 'snapshots', 'notifications'],
  plan: (region, feed) => {
    const { config, stack } = region;
    // The policy is a region resource, created here (where it always was in the template) whether or not this
    // automation is deployed.
    const snapshotPolicy = region.snapshotPolicy();
    const groups = config.autoScaling.scalingGroups;
    const tag = config.autoScaling.protectTag;
    const applyPolicy = config.autoScaling.applySnapshotPolicy && snapshotPolicy !== undefined;
    if (groups.length === 0 || (tag === null && !config.autoScaling.applySnapshotPolicy)) return undefined;
    const safety = safetyPlan(region, 'scale-out', config.autoScaling);
    return {
      description: 'Protects tagged instances joining a scaling group and applies the snapshot policy to their disks',
      rules: [
        {
          id: 'ScaleOutRule',
          name: 'scale-out',
          description: 'Successful scale-outs (the handler keeps the configured groups)',
          pattern: { source: [ESS_SOURCE], type: [EVENT_TYPES.scaleOutSuccess] },
        },
        ...feed.rules,
      ],
      statements: [
        ...region.idempotency,
        {
          actions: [
            'ecs:DescribeInstances',
            'ecs:DescribeDisks',
            'ess:DescribeScalingActivities',
            'ess:DescribeScalingInstances',
          ],
          resources: ['*'],
        },
        ...(tag === null
          ? []
          : [
              {
                actions: ['ess:SetInstancesProtection'],
                resources: groups.map((g) => region.arn('ess', `scalinggroup/${g.id}`)),
              },
            ]),
        // The stack's own policy only. Disks stay disk/*: they are not known before they join, and the API reference
        // lists no condition key for ApplyAutoSnapshotPolicy (https://alibabacloud.com/help/en/doc-detail/25531.htm).
        ...(applyPolicy
          ? [
              {
                actions: ['ecs:ApplyAutoSnapshotPolicy'],
                resources: [
                  ros.Fn.join('', [
                    'acs:ecs:',
                    stack.region,
                    ':',
                    stack.account,
                    ':snapshotpolicy/',
                    snapshotPolicy.policyId,
                  ]),
                  region.arn('ecs', 'disk/*'),
                ],
              },
            ]
          : []),
        ...safety.statements,
      ],
      environment: {
        ...formatScaleOutEnv({
          scalingGroupIds: groups.map((g) => g.id),
          protectTag: tag,
          snapshotPolicyId: applyPolicy ? snapshotPolicy.policyId : null,
        }),
        ...safety.environment,
      },
    };
  },
};
