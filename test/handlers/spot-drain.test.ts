import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { DRAIN_CALL_POLICY } from '../../lambda-src/commons/drain';
import type { PreemptibleInstanceInterruptionEvent } from '../../lambda-src/commons/envelope';
import { createFcHandler } from '../../lambda-src/commons/handler';
import type { SlbApi } from '../../lambda-src/commons/slb-api';
import { handle, type SpotDrainDeps, spec } from '../../lambda-src/spot-drain';
import type { FakeCloud, World } from '../../ops/fake-cloud';
import { SimulatedClock } from '../../ops/replay';
import {
  context,
  failEveryAttempt,
  fixture,
  INSTANCE_ID,
  instantRetries,
  logCapture,
  payload,
  rejection,
  startCloud,
  variantOf,
  world,
} from '../support/harness';

const INTERRUPTION = payload(fixture('acs.ecs', 'instance-preemptibleinstanceinterruption'));
const INTERRUPTION_CMS = payload(fixture('acs.ecs', 'instance-preemptibleinstanceinterruption.cms'));
const OTHER = 'i-bp1otherinstance00001';

/** Two load balancers; the instance serves on ports 80 and 8080 in one group and 443 in another. */
function slbWorld(): World {
  return world({
    instances: [{ id: INSTANCE_ID, status: 'Running', tags: {} }],
    loadBalancers: [
      {
        id: 'lb-bp1first000000000001',
        vServerGroups: [
          {
            id: 'rsp-bp1web',
            backendServers: [
              { serverId: INSTANCE_ID, port: 80, weight: 100 },
              { serverId: INSTANCE_ID, port: 8080, weight: 50 },
              { serverId: OTHER, port: 80, weight: 100 },
            ],
          },
          { id: 'rsp-bp1unrelated', backendServers: [{ serverId: OTHER, port: 80, weight: 100 }] },
        ],
      },
      {
        id: 'lb-bp1second00000000002',
        vServerGroups: [{ id: 'rsp-bp1tls', backendServers: [{ serverId: INSTANCE_ID, port: 443, weight: 100 }] }],
      },
      { id: 'lb-bp1third000000000003', vServerGroups: [{ id: 'rsp-bp1idle', backendServers: [] }] },
    ],
  });
}

// The drain waits 60 s between weight 0 and removal: on a simulated clock, never for real.
const clock = new SimulatedClock();
let uninstall: () => void = () => {};
before(() => {
  uninstall = clock.install();
});
after(() => uninstall());

let cloud: FakeCloud | undefined;
afterEach(async () => {
  await cloud?.stop();
  cloud = undefined;
});

async function setup(w: World = slbWorld(), extraEnv: Record<string, string> = {}) {
  const started = await startCloud(w, extraEnv);
  cloud = started.cloud;
  const logs = logCapture();
  const handler = createFcHandler(spec, started.env, { log: logs.sink, retry: instantRetries().retry });
  return { cloud: started.cloud, handler, logs };
}

function backends(c: FakeCloud, groupId: string): string[] {
  for (const lb of c.world.loadBalancers) {
    const group = lb.vServerGroups.find((g) => g.id === groupId);
    if (group !== undefined) return group.backendServers.map((s) => `${s.serverId}:${s.port}`);
  }
  throw new Error(`no group ${groupId}`);
}

function drainedPorts(result: Record<string, unknown>): [string, number[]][] {
  return (result.drained as { id: string; ports: number[] }[]).map((g) => [g.id, g.ports]);
}

const removals = (c: FakeCloud) => c.calls('slb').filter((call) => call.action === 'RemoveVServerGroupBackendServers');

describe('spot-drain', () => {
  it('removes the instance on every port from every discovered vServer group', async () => {
    const { cloud, handler, logs } = await setup();

    const result = await handler(INTERRUPTION, context('spot-drain'));

    assert.equal(result.outcome, 'ok');
    assert.deepEqual(result.discovery, { clb: 'discovered', alb: 'discovered', nlb: 'discovered' });
    assert.deepEqual(drainedPorts(result), [
      ['rsp-bp1web', [80, 8080]],
      ['rsp-bp1tls', [443]],
    ]);
    assert.deepEqual(backends(cloud, 'rsp-bp1web'), [`${OTHER}:80`]);
    assert.deepEqual(backends(cloud, 'rsp-bp1tls'), []);
    assert.deepEqual(backends(cloud, 'rsp-bp1unrelated'), [`${OTHER}:80`]);
    const lookup = cloud.calls('slb').find((c) => c.action === 'DescribeLoadBalancers');
    assert.equal(lookup?.params.ServerId, INSTANCE_ID);
    assert.equal(lookup?.params.PageSize, '100');
    const [first] = removals(cloud);
    assert.equal(first.params.RegionId, 'cn-hangzhou');
    assert.equal(first.params.VServerGroupId, 'rsp-bp1web');
    assert.deepEqual(JSON.parse(first.params.BackendServers), [
      { ServerId: INSTANCE_ID, Port: '80', Weight: '100', Type: 'ecs' },
      { ServerId: INSTANCE_ID, Port: '8080', Weight: '50', Type: 'ecs' },
    ]);
    assert.ok(cloud.calls().every((c) => c.signed && c.securityToken === 'test-security-token'));
    assert.deepEqual(logs.lines[0].drained, result.drained);
  });

  it('drains all the same when a discovery lookup is throttled once: the call is retried inside the invocation', async () => {
    const { cloud, handler } = await setup();
    cloud.failNext('DescribeVServerGroups', { status: 400, code: 'Throttling.User' });

    const result = await handler(INTERRUPTION, context('spot-drain'));

    assert.equal(result.outcome, 'ok');
    assert.deepEqual(backends(cloud, 'rsp-bp1tls'), []);
    // Two load balancers hold the instance: two lookups, one of them twice.
    assert.equal(cloud.calls('slb').filter((c) => c.action === 'DescribeVServerGroups').length, 3);
  });

  it('looks up the groups of at most 4 load balancers at a time during discovery', async () => {
    let inFlight = 0;
    let peak = 0;
    const loadBalancerIds = Array.from({ length: 12 }, (_, i) => `lb-${i}`);
    const slb: SlbApi = {
      loadBalancersWithServer: async () => loadBalancerIds,
      vServerGroupIds: async (id) => {
        inFlight += 1;
        peak = Math.max(peak, inFlight);
        await new Promise((resolve) => setImmediate(resolve));
        inFlight -= 1;
        return [`rsp-of-${id}`];
      },
      vServerGroupBackends: async () => [],
      removeVServerGroupBackends: async () => {},
      setVServerGroupWeights: async () => {},
      defaultGroupBackends: async () => [],
      setDefaultGroupWeights: async () => {},
      removeDefaultGroupBackends: async () => {},
    };
    const none = { serverGroupIds: async () => [] };
    const event = { action: 'delete', instanceId: INSTANCE_ID } as PreemptibleInstanceInterruptionEvent;

    const result = await handle(event, {
      slb,
      alb: { kind: 'alb', ...none },
      nlb: { kind: 'nlb', ...none },
      vServerGroupIds: [],
    } as unknown as SpotDrainDeps);

    assert.equal(peak, 4);
    // 12 vServer groups and the default server groups of the 12 load balancers.
    assert.equal(result.groupsChecked, 24);
  });

  it('accepts the Cloud Monitor format of the same event', async () => {
    const { cloud, handler } = await setup();

    const result = await handler(INTERRUPTION_CMS, context('spot-drain'));

    assert.equal(result.outcome, 'ok');
    assert.equal(removals(cloud).length, 2);
  });

  it('only touches the groups listed in DRAIN_VSERVER_GROUP_IDS', async () => {
    const { cloud, handler } = await setup(slbWorld(), { DRAIN_VSERVER_GROUP_IDS: ' rsp-bp1tls , rsp-bp1idle' });

    const result = await handler(INTERRUPTION, context('spot-drain'));

    assert.equal((result.discovery as { clb: string }).clb, 'configured');
    assert.deepEqual(drainedPorts(result), [['rsp-bp1tls', [443]]]);
    assert.deepEqual(backends(cloud, 'rsp-bp1web'), [`${INSTANCE_ID}:80`, `${INSTANCE_ID}:8080`, `${OTHER}:80`]);
    assert.ok(!cloud.calls('slb').some((c) => c.action === 'DescribeLoadBalancers'));
  });

  it('in a dry run finds the groups, changes no weight, removes nothing, waits not, and records both steps', async () => {
    const { cloud, handler, logs } = await setup(slbWorld(), { SAFETY_DRY_RUN: 'true' });

    const result = await handler(INTERRUPTION, context('spot-drain'));

    assert.equal(result.outcome, 'ok');
    assert.equal(result.waitedMs, 0);
    const writes = cloud.calls().filter((c) => !/^(Describe|List|Get)/.test(c.action));
    assert.deepEqual(
      writes.map((c) => c.action),
      [],
    );
    assert.deepEqual(backends(cloud, 'rsp-bp1web'), [`${INSTANCE_ID}:80`, `${INSTANCE_ID}:8080`, `${OTHER}:80`].sort());
    const [record] = logs.ledger;
    assert.equal(record.decision, 'dry-run');
    assert.equal(record.dryRun, true);
    assert.deepEqual(
      record.calls.map((c) => [c.api, c.result]),
      [
        ['SetVServerGroupAttribute', 'dry-run'],
        ['SetVServerGroupAttribute', 'dry-run'],
        ['RemoveVServerGroupBackendServers', 'dry-run'],
        ['RemoveVServerGroupBackendServers', 'dry-run'],
      ],
    );
  });

  it('skips with nothing removed when the instance is in no group, and the ledger says so', async () => {
    const { cloud, handler, logs } = await setup(world({ loadBalancers: slbWorld().loadBalancers.slice(2) }));

    const result = await handler(INTERRUPTION, context('spot-drain'));

    assert.equal(result.outcome, 'skipped');
    assert.deepEqual(
      logs.ledger.map((r) => [r.decision, r.reason, r.calls.length]),
      [['skipped', 'not-in-any-group', 0]],
    );
    assert.equal(result.reason, 'not-in-any-group');
    assert.deepEqual(result.drained, []);
    assert.equal(result.waitedMs, 0);
    assert.equal(removals(cloud).length, 0);
  });

  it('removes more than 20 registrations in batches of at most 20', async () => {
    const ports = Array.from({ length: 25 }, (_, i) => 8000 + i);
    const { cloud, handler } = await setup(
      world({
        loadBalancers: [
          {
            id: 'lb-bp1many',
            vServerGroups: [
              {
                id: 'rsp-bp1many',
                backendServers: ports.map((port) => ({ serverId: INSTANCE_ID, port, weight: 100 })),
              },
            ],
          },
        ],
      }),
    );

    await handler(INTERRUPTION, context('spot-drain'));

    assert.deepEqual(
      removals(cloud).map((c) => JSON.parse(c.params.BackendServers).length),
      [20, 5],
    );
    assert.deepEqual(backends(cloud, 'rsp-bp1many'), []);
  });

  it('answers a second delivery as duplicate without removing again', async () => {
    const { cloud, handler } = await setup();
    await handler(INTERRUPTION, context('spot-drain'));

    const second = await handler(INTERRUPTION, context('spot-drain'));

    assert.equal(second.outcome, 'duplicate');
    assert.equal(removals(cloud).length, 2);
  });

  it('skips interruption actions other than delete', async () => {
    const { cloud, handler } = await setup();
    const event = variantOf('acs.ecs', 'instance-preemptibleinstanceinterruption', (e) => {
      e.data!.action = 'stop';
    });

    const result = await handler(event, context('spot-drain'));

    assert.equal(result.outcome, 'skipped');
    assert.deepEqual(cloud.calls('slb'), []);
  });

  it('fails with a RetryableError when SLB answers ServiceUnavailable, and retries for real', async () => {
    const { cloud, handler } = await setup();
    // Two groups are removed concurrently: every attempt of both fails, the drain's own patient retries included.
    for (let i = 0; i < 2 * DRAIN_CALL_POLICY.attempts; i++) {
      failEveryAttempt(cloud, 'RemoveVServerGroupBackendServers', { status: 503, code: 'ServiceUnavailable' });
    }

    const error = await rejection(handler(INTERRUPTION, context('spot-drain')));
    const retry = await handler(INTERRUPTION, context('spot-drain'));

    assert.equal(error.name, 'RetryableError');
    assert.equal(retry.outcome, 'ok');
    assert.deepEqual(backends(cloud, 'rsp-bp1tls'), []);
  });

  it('rejects an event without data.instanceId with a MalformedEventError naming the field, calling nothing', async () => {
    const { cloud, handler } = await setup();
    const event = variantOf('acs.ecs', 'instance-preemptibleinstanceinterruption', (e) => {
      delete e.data!.instanceId;
    });

    const error = await rejection(handler(event, context('spot-drain')));

    assert.equal(error.name, 'MalformedEventError');
    assert.match(error.message, /"data\.instanceId" is missing/);
    assert.deepEqual(cloud.calls(), []);
  });

  it('rejects a state-change event with a PermanentError naming the expected type', async () => {
    const { cloud, handler } = await setup();

    const error = await rejection(
      handler(payload(fixture('acs.ecs', 'instance-statechange-stopped')), context('spot-drain')),
    );

    assert.equal(error.name, 'PermanentError');
    assert.match(
      error.message,
      /handles "ecs:Instance:PreemptibleInstanceInterruption" events, got "ecs:Instance:StateChange"/,
    );
    assert.deepEqual(cloud.calls(), []);
  });

  it('fails with a ConfigurationError naming DRAIN_VSERVER_GROUP_IDS when an id is invalid', async () => {
    const handler = createFcHandler(
      spec,
      { ARCHIVE_BUCKET: 'eeo-archive-test', DRAIN_VSERVER_GROUP_IDS: 'rsp-ok,lb-wrong' },
      { log: () => {} },
    );

    const error = await rejection(handler(INTERRUPTION, context('spot-drain')));

    assert.equal(error.name, 'ConfigurationError');
    assert.match(error.message, /"DRAIN_VSERVER_GROUP_IDS": "rsp-ok,lb-wrong" contains "lb-wrong"/);
  });
});

describe('spot-drain: graceful drain on every load balancer kind', () => {
  /** The instance in a CLB vServer group, a CLB default server group, an ALB and an NLB server group. */
  function everyKind(): World {
    return world({
      instances: [{ id: INSTANCE_ID, status: 'Running', tags: {} }],
      loadBalancers: [
        {
          id: 'lb-bp1clb',
          vServerGroups: [{ id: 'rsp-bp1web', backendServers: [{ serverId: INSTANCE_ID, port: 80, weight: 100 }] }],
          backendServers: [
            { serverId: INSTANCE_ID, weight: 100 },
            { serverId: OTHER, weight: 100 },
          ],
        },
      ],
      albServerGroups: [
        { id: 'sgp-bp1alb', servers: [{ serverId: INSTANCE_ID, port: 8080, weight: 100 }] },
        { id: 'sgp-bp1albother', servers: [{ serverId: OTHER, port: 8080, weight: 100 }] },
      ],
      nlbServerGroups: [
        { id: 'sgp-bp1nlb', servers: [{ serverId: INSTANCE_ID, serverType: 'Ecs', port: 443, weight: 80 }] },
      ],
    });
  }

  /** Per group: the index among all calls of its weight-0 call and of its removal. */
  function order(c: FakeCloud): Record<string, { weight: number; removal: number }> {
    const calls = c.calls();
    const groupOf = (p: Readonly<Record<string, string>>) => p.VServerGroupId ?? p.ServerGroupId ?? p.LoadBalancerId;
    const at = (action: string, service: string, group: string) =>
      calls.findIndex((call) => call.service === service && call.action === action && groupOf(call.params) === group);
    return {
      clbVServer: {
        weight: at('SetVServerGroupAttribute', 'slb', 'rsp-bp1web'),
        removal: at('RemoveVServerGroupBackendServers', 'slb', 'rsp-bp1web'),
      },
      clbDefault: {
        weight: at('SetBackendServers', 'slb', 'lb-bp1clb'),
        removal: at('RemoveBackendServers', 'slb', 'lb-bp1clb'),
      },
      alb: {
        weight: at('UpdateServerGroupServersAttribute', 'alb', 'sgp-bp1alb'),
        removal: at('RemoveServersFromServerGroup', 'alb', 'sgp-bp1alb'),
      },
      nlb: {
        weight: at('UpdateServerGroupServersAttribute', 'nlb', 'sgp-bp1nlb'),
        removal: at('RemoveServersFromServerGroup', 'nlb', 'sgp-bp1nlb'),
      },
    };
  }

  it('sets weight 0 before the removal in CLB vServer and default groups, ALB and NLB groups alike', async () => {
    const { cloud, handler } = await setup(everyKind());

    const result = await handler(INTERRUPTION, context('spot-drain'));

    assert.equal(result.outcome, 'ok');
    const byKind = order(cloud);
    for (const [kind, { weight, removal }] of Object.entries(byKind)) {
      assert.ok(weight >= 0, `${kind}: no weight-0 call`);
      assert.ok(removal > weight, `${kind}: removal (call ${removal}) is not after weight 0 (call ${weight})`);
    }
    // Every weight-0 call comes before every removal: one wait for all groups, not one per group.
    assert.ok(
      Math.max(...Object.values(byKind).map((o) => o.weight)) <
        Math.min(...Object.values(byKind).map((o) => o.removal)),
    );
    const albWeight = cloud.calls('alb').find((c) => c.action === 'UpdateServerGroupServersAttribute');
    assert.deepEqual(
      {
        id: albWeight?.params['Servers.1.ServerId'],
        port: albWeight?.params['Servers.1.Port'],
        weight: albWeight?.params['Servers.1.Weight'],
      },
      { id: INSTANCE_ID, port: '8080', weight: '0' },
    );
    assert.equal(cloud.calls('nlb')[0].params.RegionId, 'cn-hangzhou');
    assert.deepEqual(
      JSON.parse(cloud.calls('slb').find((c) => c.action === 'SetBackendServers')?.params.BackendServers ?? ''),
      [{ ServerId: INSTANCE_ID, Weight: '0', Type: 'ecs' }],
    );
    assert.deepEqual(cloud.world.loadBalancers[0].backendServers, [{ serverId: OTHER, weight: 100 }]);
    assert.deepEqual(
      cloud.world.albServerGroups?.map((g) => g.servers.length),
      [0, 1],
    );
    assert.deepEqual(cloud.world.nlbServerGroups?.[0].servers, []);
    assert.ok(cloud.calls().every((c) => c.signed));
  });

  it('waits drainSeconds once between weight 0 and removal, on the simulated clock, without sleeping for real', async () => {
    const { handler, logs } = await setup(everyKind(), { DRAIN_SECONDS: '90' });
    const simulatedBefore = clock.now();
    const realBefore = Date.now();

    const result = await handler(INTERRUPTION, context('spot-drain'));

    assert.equal(result.waitedMs, 90_000);
    assert.ok(clock.now() - simulatedBefore >= 90_000);
    assert.ok(Date.now() - realBefore < 10_000, 'the test slept for real');
    const [record] = logs.ledger;
    const apis = record.calls.map((c) => c.api);
    const lastWeight = Math.max(
      apis.lastIndexOf('SetVServerGroupAttribute'),
      apis.lastIndexOf('SetBackendServers'),
      apis.lastIndexOf('UpdateServerGroupServersAttribute'),
    );
    const firstRemoval = apis.findIndex((api) => api.startsWith('Remove'));
    assert.equal(apis.length, 8);
    assert.ok(lastWeight < firstRemoval, apis.join(', '));
    assert.equal(record.decision, 'acted');
  });

  it('finishes a drain that an earlier attempt left at weight 0, without setting the weight again', async () => {
    const w = everyKind();
    for (const group of w.albServerGroups ?? []) for (const s of group.servers) s.weight = 0;
    const { cloud, handler } = await setup(w);

    const result = await handler(INTERRUPTION, context('spot-drain'));

    assert.equal(result.outcome, 'ok');
    assert.equal(cloud.calls('alb').filter((c) => c.action === 'UpdateServerGroupServersAttribute').length, 0);
    assert.equal(cloud.calls('alb').filter((c) => c.action === 'RemoveServersFromServerGroup').length, 1);
  });

  it('only looks in the ALB and NLB groups listed in DRAIN_ALB_SERVER_GROUP_IDS and DRAIN_NLB_SERVER_GROUP_IDS', async () => {
    const { cloud, handler } = await setup(everyKind(), {
      DRAIN_ALB_SERVER_GROUP_IDS: 'sgp-bp1albother',
      DRAIN_NLB_SERVER_GROUP_IDS: 'sgp-bp1nlb',
    });

    const result = await handler(INTERRUPTION, context('spot-drain'));

    assert.deepEqual(result.discovery, { clb: 'discovered', alb: 'configured', nlb: 'configured' });
    assert.ok(!cloud.calls().some((c) => c.action === 'ListServerGroups'));
    assert.deepEqual(cloud.world.albServerGroups?.[0].servers.length, 1);
    assert.deepEqual(cloud.world.nlbServerGroups?.[0].servers, []);
  });

  it('fails with a ConfigurationError naming DRAIN_SECONDS when it is beyond the notice window', async () => {
    const handler = createFcHandler(
      spec,
      { ARCHIVE_BUCKET: 'eeo-archive-test', DRAIN_SECONDS: '300' },
      { log: () => {} },
    );

    const error = await rejection(handler(INTERRUPTION, context('spot-drain')));

    assert.equal(error.name, 'ConfigurationError');
    assert.match(error.message, /"DRAIN_SECONDS": "300" is not an integer between 0 and 240/);
  });
});
