import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as ros from '@alicloud/ros-cdk-core';
import { BUILT_IN_UNITS } from '../../lib/automations';
import { loadConfig } from '../../lib/config';
import { RegionStack } from '../../lib/stacks/region-stack';
import type { World } from '../fake-cloud';
import { readAssembly, replayEvents, SimulatedClock } from '../replay';

/**
 * The spot wave: interruption notices for many instances spread over CLB, ALB and NLB load balancers, replayed
 * through the real spot-drain bundle against the fake cloud, which throttles the three load-balancer APIs at a fixed
 * rate per simulated second. Replay delivers the notices one after another (as it delivers every event), on one
 * simulated clock: the drain waits and the retries' backoff move it on, nothing sleeps for real. So the wave measures
 * what throttling does to each notice's burst of calls (discovery over every group, weight 0, removal), and the
 * FC-level retries and dead letters it causes; it does not model notices overlapping in time.
 */

/** The `spotWave` part of `npm run bench -- --json`. */
export interface SpotWaveResult {
  readonly notices: number;
  /** Load balancers by kind (a CLB with one vServer group and its default group; an ALB/NLB server group each). */
  readonly loadBalancers: { readonly clb: number; readonly alb: number; readonly nlb: number };
  /** Calls per simulated second each of slb, alb and nlb answers before `Throttling.User`. */
  readonly throttleCallsPerSecond: number;
  /** Load-balancer API calls per notice (throttled answers included), mean. */
  readonly apiCallsPerNotice: number;
  /** Of those, answered `Throttling.User`, mean. */
  readonly throttledPerNotice: number;
  /** Simulated seconds from a notice's first attempt to its drain's end (the wait included). */
  readonly drainLatencySeconds: { readonly p50: number; readonly max: number };
  /** Notices whose delivery did not end `ok` and that no dead-letter queue holds. */
  readonly lost: number;
  /** Notices that went to the dead-letter queue after the last retry. */
  readonly deadLettered: number;
}

/** Options of {@link runSpotWave}. */
export interface SpotWaveOptions {
  /** @default 200 */
  readonly notices?: number;
  /** @default 50 */
  readonly loadBalancers?: number;
  /** @default 10 */
  readonly callsPerSecond?: number;
}

const REGION = 'cn-hangzhou';
const ACCOUNT = '1234567890123456';
const LB_SERVICES = new Set(['slb', 'alb', 'nlb']);

const instanceId = (i: number) => `i-bp1wave${String(i).padStart(12, '0')}`;

/** Instance `i` serves in two load balancers of different kinds: `i mod n` and `(i + 1) mod n`, on port 80. */
function waveWorld(notices: number, loadBalancers: number): { world: World; kinds: SpotWaveResult['loadBalancers'] } {
  const world: World = {
    region: REGION,
    accountId: ACCOUNT,
    instances: [],
    loadBalancers: [],
    scalingGroups: [],
    albServerGroups: [],
    nlbServerGroups: [],
  };
  const members = Array.from({ length: loadBalancers }, () => [] as string[]);
  for (let i = 0; i < notices; i++) {
    world.instances.push({ id: instanceId(i), status: 'Running', tags: {} });
    members[i % loadBalancers].push(instanceId(i));
    members[(i + 1) % loadBalancers].push(instanceId(i));
  }
  const kinds = { clb: 0, alb: 0, nlb: 0 };
  members.forEach((ids, lb) => {
    const suffix = String(lb).padStart(10, '0');
    if (lb % 3 === 0) {
      kinds.clb += 1;
      // Half the members in the vServer group, half in the default server group.
      world.loadBalancers.push({
        id: `lb-bp1wave${suffix}`,
        vServerGroups: [
          {
            id: `rsp-bp1wave${suffix}`,
            backendServers: ids.filter((_, k) => k % 2 === 0).map((serverId) => ({ serverId, port: 80, weight: 100 })),
          },
        ],
        backendServers: ids.filter((_, k) => k % 2 === 1).map((serverId) => ({ serverId, weight: 100 })),
      });
    } else {
      const kind = lb % 3 === 1 ? 'alb' : 'nlb';
      kinds[kind] += 1;
      const group = {
        id: `sgp-bp1${kind}${suffix}`,
        servers: ids.map((serverId) => ({ serverId, port: 80, weight: 100 })),
      };
      (kind === 'alb' ? world.albServerGroups : world.nlbServerGroups)?.push(group);
    }
  });
  return { world, kinds };
}

function notice(i: number): Record<string, unknown> {
  const id = instanceId(i);
  return {
    specversion: '1.0',
    id: `spot-wave-${String(i).padStart(4, '0')}`,
    source: 'acs.ecs',
    type: 'ecs:Instance:PreemptibleInstanceInterruption',
    subject: `acs:ecs:${REGION}:${ACCOUNT}:instance/${id}`,
    time: new Date().toISOString(),
    datacontenttype: 'application/json; charset=utf-8',
    data: { instanceId: id, action: 'delete' },
    aliyunaccountid: ACCOUNT,
    aliyunpublishtime: new Date().toISOString(),
    aliyuneventbusname: 'default',
    aliyunregionid: REGION,
  };
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Runs the wave: synthesizes the default app for one region, writes the notices, replays them. */
export async function runSpotWave(options: SpotWaveOptions = {}): Promise<SpotWaveResult> {
  const notices = options.notices ?? 200;
  const callsPerSecond = options.callsPerSecond ?? 10;
  const { world, kinds } = waveWorld(notices, options.loadBalancers ?? 50);
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'eeo-spot-wave-'));
  try {
    const app = new ros.App({ outdir: path.join(scratch, 'cdk.out'), stackTraces: false });
    const config = loadConfig({ regions: [REGION] });
    for (const region of config.regions) {
      new RegionStack(app, { config: region, assetsQualifier: config.assetsQualifier, units: BUILT_IN_UNITS });
    }
    const stacks = readAssembly(app.synth().directory);
    const files = Array.from({ length: notices }, (_, i) => {
      const file = path.join(scratch, `notice-${i}.json`);
      fs.writeFileSync(file, JSON.stringify(notice(i)));
      return file;
    });
    const clock = new SimulatedClock();
    const latencies: number[] = [];
    let calls = 0;
    let throttled = 0;
    let lost = 0;
    let deadLettered = 0;
    let started = clock.now();
    await replayEvents({
      stacks,
      files,
      world,
      clock,
      throttle: { services: ['slb', 'alb', 'nlb'], callsPerSecond },
      keepReport: false,
      onEvent: (event) => {
        latencies.push((clock.now() - started) / 1000);
        started = clock.now();
        for (const delivery of event.deliveries) {
          if (delivery.outcome === 'dead-lettered') deadLettered += 1;
          else if (delivery.outcome !== 'ok') lost += 1;
          const lb = delivery.calls.filter((c) => LB_SERVICES.has(c.service));
          calls += lb.length;
          throttled += lb.filter((c) => c.throttled === true).length;
        }
        if (event.deliveries.length === 0 || event.error !== undefined) lost += 1;
      },
    });
    const sorted = [...latencies].sort((a, b) => a - b);
    return {
      notices,
      loadBalancers: kinds,
      throttleCallsPerSecond: callsPerSecond,
      apiCallsPerNotice: Math.round((calls / notices) * 10) / 10,
      throttledPerNotice: Math.round((throttled / notices) * 10) / 10,
      drainLatencySeconds: { p50: percentile(sorted, 50), max: sorted[sorted.length - 1] },
      lost,
      deadLettered,
    };
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}
