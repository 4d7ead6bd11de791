import { formatSpotDrainEnv } from '../../contract/env/spot-drain';
import { preemptibleInstanceInterruption } from '../events/ecs-patterns';
import { safetyPlan } from './safety';
import type { AutomationUnit } from './unit';

/** Removes spot instances about to be reclaimed from SLB vServer groups (seed scenario 3). Config: `spotDrain`. */
export const spotDrain: AutomationUnit = {
  kind: 'automation',
  name: 'spot-drain',
  id: 'SpotDrain',
  settings: ['spotDrain', 'notifications'],
  plan: (region, feed) => {
    const settings = region.config.spotDrain;
    if (!settings.enabled) return undefined;
    const safety = safetyPlan(region, 'spot-drain', settings);
    const description = 'Removes spot instances about to be reclaimed from SLB vServer groups (seed scenario 3)';
    return {
      description,
      rules: [
        { id: 'SpotDrainRule', name: 'spot-drain', description, pattern: preemptibleInstanceInterruption() },
        ...feed.rules,
      ],
      statements: [
        ...region.idempotency,
        {
          actions: ['slb:DescribeLoadBalancers', 'slb:DescribeVServerGroups', 'slb:DescribeVServerGroupAttribute'],
          resources: ['*'],
        },
        {
          actions: ['slb:RemoveVServerGroupBackendServers'],
          resources: [region.arn('slb', 'loadbalancer/*'), region.arn('ecs', 'instance/*')],
        },
        ...safety.statements,
      ],
      environment: { ...formatSpotDrainEnv(settings), ...safety.environment },
    };
  },
};
