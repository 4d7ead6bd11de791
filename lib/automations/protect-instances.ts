import { InstanceProtection } from '../constructs/instance-protection';
import type { AutomationUnit } from './unit';

/**
 * Custom resource provider: protects the configured instances of scaling groups from scale-in
 * (`autoScaling.scalingGroups[].protectedInstanceIds`), one `InstanceProtection` per group.
 */
export const protectInstances: AutomationUnit = {
  kind: 'automation',
  name: 'protect-instances',
  id: 'ProtectInstances',
  settings: ['autoScaling'],
  plan: (region, feed) => {
    const groups = region.config.autoScaling.scalingGroups.filter((g) => g.protectedInstanceIds.length > 0);
    if (groups.length === 0) return undefined;
    return {
      description: 'Custom resource provider: protects configured instances of scaling groups from scale-in',
      rules: [...feed.rules],
      statements: [
        ...region.idempotency,
        { actions: ['ess:DescribeScalingInstances'], resources: ['*'] },
        // Every group of the region, not only the configured ones: removing a group from the configuration must
        // still unprotect its instances (the custom resource's Update or Delete runs after the config changed).
        { actions: ['ess:SetInstancesProtection'], resources: [region.arn('ess', 'scalinggroup/*')] },
      ],
      environment: {},
      afterDeploy: (provider) => {
        for (const group of groups) {
          new InstanceProtection(region.stack, `Protection${group.id.replace(/[^a-zA-Z0-9]/g, '')}`, {
            provider,
            scalingGroupId: group.id,
            instanceIds: group.protectedInstanceIds,
          });
        }
      },
    };
  },
};
