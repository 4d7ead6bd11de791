import { formatSpotDrainEnv, SPOT_DRAIN_TIMEOUT_MARGIN_SECONDS } from '../../contract/env/spot-drain';
import type { PolicyStatement } from '../constructs/handler-function';
import { preemptibleInstanceInterruption } from '../events/ecs-patterns';
import { safetyPlan } from './safety';
import type { AutomationUnit, RegionResources } from './unit';

/**
 * Drains spot instances about to be reclaimed from CLB, ALB and NLB groups: weight 0, wait, remove (seed scenario 3).
 * Config: `spotDrain`.
 *
 * RAM: reads on `*` (their resource columns are not all documented); writes scoped to load balancers (CLB, whose
 * documented resource is the load balancer) and server groups (ALB, NLB).
 * @see https://www.alibabacloud.com/help/en/slb/classic-load-balancer/developer-reference/api-slb-2014-05-15-setvservergroupattribute
 * @see https://www.alibabacloud.com/help/en/slb/application-load-balancer/developer-reference/api-alb-2020-06-16-updateservergroupserversattribute
 * @see https://api.alibabacloud.com/api/Nlb/2022-04-30/RemoveServersFromServerGroup
 */
export const spotDrain: AutomationUnit = {
  kind: 'automation',
  name: 'spot-drain',
  id: 'SpotDrain',
  settings: ['spotDrain', 'notifications'],
  plan: (region, feed) => {
    const settings = region.config.spotDrain;
    if (!settings.enabled) return undefined;
    const safety = safetyPlan(region, 'spot-drain', settings);
    const description = 'Drains spot instances about to be reclaimed from CLB, ALB and NLB groups (seed scenario 3)';
    return {
      description,
      rules: [
        { id: 'SpotDrainRule', name: 'spot-drain', description, pattern: preemptibleInstanceInterruption() },
        ...feed.rules,
      ],
      statements: [...region.idempotency, ...drainStatements(region), ...safety.statements],
      environment: { ...formatSpotDrainEnv(settings), ...safety.environment },
      minTimeoutSeconds: settings.drainSeconds + SPOT_DRAIN_TIMEOUT_MARGIN_SECONDS,
    };
  },
};

/**
 * The permissions of the graceful drain (lambda-src/commons/drain.ts), shared by spot-drain and the scale-in hook:
 * reads on `*`, writes on the region's load balancers (CLB) and server groups (ALB, NLB) and instances.
 */
export function drainStatements(region: RegionResources): PolicyStatement[] {
  return [
    {
      actions: [
        'slb:DescribeLoadBalancers',
        'slb:DescribeLoadBalancerAttribute',
        'slb:DescribeVServerGroups',
        'slb:DescribeVServerGroupAttribute',
        'alb:ListServerGroups',
        'alb:ListServerGroupServers',
        'nlb:ListServerGroups',
        'nlb:ListServerGroupServers',
      ],
      resources: ['*'],
    },
    {
      actions: [
        'slb:SetVServerGroupAttribute',
        'slb:RemoveVServerGroupBackendServers',
        'slb:SetBackendServers',
        'slb:RemoveBackendServers',
      ],
      resources: [region.arn('slb', 'loadbalancer/*'), region.arn('ecs', 'instance/*')],
    },
    {
      // The ALB server-group ARN is UNCONFIRMED (by analogy with alb loadbalancer/… and nlb servergroup/…);
      // chosen over `*` so the grant stays on server groups. ALB's UpdateServerGroupServersAttribute also names
      // the instance as a resource.
      actions: [
        'alb:UpdateServerGroupServersAttribute',
        'alb:RemoveServersFromServerGroup',
        'nlb:UpdateServerGroupServersAttribute',
        'nlb:RemoveServersFromServerGroup',
      ],
      resources: [
        region.arn('alb', 'servergroup/*'),
        region.arn('nlb', 'servergroup/*'),
        region.arn('ecs', 'instance/*'),
      ],
    },
  ];
}
