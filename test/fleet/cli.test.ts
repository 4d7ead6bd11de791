import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { stackGroupName } from '../../contract/naming';
import { bufferIo, runTool } from '../../ops/cli';
import { staticCredentials } from '../../ops/drill';
import { FakeCloud, parseWorld, TEST_CREDENTIALS, type World, type WorldStackGroup } from '../../ops/fake-cloud';
import { createFleetTool } from '../../ops/fleet';
import { world } from '../support/harness';

const ADMIN = '1234567890123456';
const MEMBER = '2234567890123456';
const GROUP = stackGroupName('ecs-event-ops');

/** A project folder whose cdk.json has `fleet` (or none). */
function project(fleet?: Record<string, unknown>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eeo-fleet-'));
  const context = { 'ecs-event-ops': { regions: ['cn-hangzhou'], ...(fleet === undefined ? {} : { fleet }) } };
  fs.writeFileSync(path.join(dir, 'cdk.json'), JSON.stringify({ app: 'x', context }));
  return dir;
}

const FLEET = { regions: ['cn-hangzhou', 'cn-shanghai'], accountIds: [ADMIN, MEMBER] };

/** A stack group with an instance per account and region; `change` edits it. */
function group(change: (g: WorldStackGroup) => void = () => undefined): WorldStackGroup {
  const g: WorldStackGroup = {
    name: GROUP,
    instances: [ADMIN, MEMBER].flatMap((accountId) =>
      ['cn-hangzhou', 'cn-shanghai'].map((regionId) => ({ accountId, regionId, status: 'CURRENT' as const })),
    ),
    operations: [],
  };
  change(g);
  return g;
}

let cloud: FakeCloud | undefined;
afterEach(async () => {
  await cloud?.stop();
  cloud = undefined;
});

/** Runs `npm run fleet -- <argv>` in-process against a fake ROS serving `w`, over real HTTP. */
async function fleet(w: World, argv: readonly string[], fleetBlock: Record<string, unknown> = FLEET) {
  cloud = await FakeCloud.start({ world: parseWorld(w) });
  const io = bufferIo();
  const sleeps: number[] = [];
  const code = await runTool(
    createFleetTool({
      credentials: staticCredentials(TEST_CREDENTIALS),
      projectRoot: project(fleetBlock),
      sleep: async (ms) => {
        sleeps.push(ms);
      },
    }),
    [...argv, '--region', 'cn-hangzhou', '--endpoint', cloud.url],
    io,
    { env: {} },
  );
  return { code, out: io.out(), err: io.err(), sleeps, calls: cloud.calls('ros') };
}

describe('fleet status', () => {
  it('lists every stack instance by account and region and exits 0 when all are CURRENT', async () => {
    const run = await fleet(world({ stackGroups: [group()] }), ['status']);

    assert.equal(run.code, 0, run.err);
    assert.match(run.out, /stack group ecs-event-ops-fleet in cn-hangzhou: 4 stack instance\(s\)/);
    const rows = run.out.split('\n').filter((l) => /^\d{16} /.test(l));
    assert.deepEqual(
      rows.map((r) => r.split(/\s+/).slice(0, 3)),
      [
        [ADMIN, 'cn-hangzhou', 'CURRENT'],
        [ADMIN, 'cn-shanghai', 'CURRENT'],
        [MEMBER, 'cn-hangzhou', 'CURRENT'],
        [MEMBER, 'cn-shanghai', 'CURRENT'],
      ],
    );
    assert.ok(run.calls.every((c) => c.signed && c.action === 'ListStackInstances'));
    assert.equal(run.calls[0].params.StackGroupName, GROUP);
  });

  it('exits 1 and names the reason when an instance is OUTDATED, in --json too', async () => {
    const outdated = group((g) => {
      g.instances[3] = { ...g.instances[3], status: 'OUTDATED', statusReason: 'User initiated stop' };
    });

    const run = await fleet(world({ stackGroups: [outdated] }), ['status', '--json']);

    assert.equal(run.code, 1);
    const report = JSON.parse(run.out) as { notCurrent: number; instances: Record<string, string>[] };
    assert.equal(report.notCurrent, 1);
    assert.deepEqual(
      report.instances.filter((i) => i.status !== 'CURRENT'),
      [
        {
          accountId: MEMBER,
          regionId: 'cn-shanghai',
          status: 'OUTDATED',
          statusReason: 'User initiated stop',
          driftStatus: 'NOT_CHECKED',
        },
      ],
    );
  });

  it('reads every page of a group larger than one page', async () => {
    const big = group((g) => {
      g.instances = Array.from({ length: 61 }, (_, n) => ({
        accountId: String(1_000_000_000_000_000 + n),
        regionId: 'cn-hangzhou',
        status: 'CURRENT' as const,
      }));
    });

    const run = await fleet(world({ stackGroups: [big] }), ['status', '--json']);

    assert.equal(run.code, 0, run.err);
    assert.equal((JSON.parse(run.out) as { instances: unknown[] }).instances.length, 61);
    assert.deepEqual(
      run.calls.map((c) => c.params.PageNumber),
      ['1', '2'],
    );
  });

  it('fails with the API message, one line, when the stack group does not exist', async () => {
    const run = await fleet(world({ stackGroups: [] }), ['status']);

    assert.equal(run.code, 1);
    assert.match(run.err, /^error: ros:ListStackInstances failed \(StackGroupNotFound.*could not be found/);
    assert.equal(run.err.trim().split('\n').length, 1);
  });
});

describe('fleet drift', () => {
  const drifted = () =>
    group((g) => {
      g.driftPollsUntilDone = 2;
      // The administration account's own stack: its resources can be listed.
      g.instances[0] = {
        ...g.instances[0],
        driftedResources: [
          {
            logicalResourceId: 'AutoRestartRule',
            resourceType: 'ALIYUN::EventBridge::Rule',
            propertyPaths: ['/Status'],
          },
        ],
      };
      // A member account's stack: ListStackResourceDrifts is refused from the administration account.
      g.instances[3] = {
        ...g.instances[3],
        driftedResources: [{ logicalResourceId: 'Queue', resourceType: 'ALIYUN::MNS::Queue', status: 'DELETED' }],
      };
    });

  it('starts detection, prints progress while it runs, and reports drifted resources per instance', async () => {
    const run = await fleet(world({ stackGroups: [drifted()] }), ['drift']);

    assert.equal(run.code, 1, 'drift found exits 1');
    assert.match(run.err, /fleet: starting drift detection on stack group ecs-event-ops-fleet in cn-hangzhou/);
    assert.equal((run.err.match(/\(DETECT_DRIFT\) RUNNING/g) ?? []).length, 2);
    assert.deepEqual(run.sleeps, [2000, 3000]);
    assert.match(
      run.out,
      new RegExp(
        `${ADMIN} cn-hangzhou: DRIFTED\\n    MODIFIED AutoRestartRule \\(ALIYUN::EventBridge::Rule\\) /Status`,
      ),
    );
    assert.match(run.out, new RegExp(`${MEMBER} cn-shanghai: DRIFTED\\n    resources not listed: .*StackNotFound`));
    assert.match(run.out, new RegExp(`${ADMIN} cn-shanghai: IN_SYNC`));
    assert.match(run.out, /DRIFT: 2 of 4 instance\(s\) drifted/);
    assert.deepEqual(
      [...new Set(run.calls.map((c) => c.action))],
      ['DetectStackGroupDrift', 'GetStackGroupOperation', 'ListStackInstances', 'ListStackResourceDrifts'],
    );
  });

  it('writes the same report as JSON with --json, stdout holding only the JSON', async () => {
    const run = await fleet(world({ stackGroups: [drifted()] }), ['drift', '--json']);

    assert.equal(run.code, 1);
    const report = JSON.parse(run.out) as {
      operationStatus: string;
      detectionStatus: string;
      groupDriftStatus: string;
      drifted: number;
      instances: { accountId: string; regionId: string; driftStatus: string; resources?: unknown[] }[];
    };
    assert.equal(report.operationStatus, 'SUCCEEDED');
    assert.equal(report.detectionStatus, 'COMPLETED');
    assert.equal(report.groupDriftStatus, 'DRIFTED');
    assert.equal(report.drifted, 2);
    assert.deepEqual(report.instances[0].resources, [
      {
        logicalResourceId: 'AutoRestartRule',
        resourceType: 'ALIYUN::EventBridge::Rule',
        status: 'MODIFIED',
        propertyPaths: ['/Status'],
      },
    ]);
  });

  it('exits 0 when every instance is in sync', async () => {
    const run = await fleet(world({ stackGroups: [group()] }), ['drift']);

    assert.equal(run.code, 0, run.err);
    assert.match(run.out, /OK: no drift in 4 instance\(s\)/);
  });

  it('gives up after --timeout with the operation id to wait for again', async () => {
    const slow = group((g) => {
      g.driftPollsUntilDone = 1000;
    });

    const run = await fleet(world({ stackGroups: [slow] }), ['drift', '--timeout', '10']);

    assert.equal(run.code, 1);
    assert.match(
      run.err,
      /error: operation drift-1-\w+ \(DETECT_DRIFT\) is still RUNNING after \d+ s \(--timeout 10 s\)/,
    );
    assert.match(run.err, /wait again with --operation-id drift-1-/);
  });
});

describe('fleet wait', () => {
  const operation = (status: 'SUCCEEDED' | 'FAILED', createTime = '2025-06-01T08:00:05') =>
    group((g) => {
      g.operations = [
        {
          id: 'op-create',
          action: 'CREATE',
          status,
          pollsUntilDone: 1,
          createTime,
          results: [
            { accountId: ADMIN, regionId: 'cn-hangzhou', status: 'SUCCEEDED' },
            {
              accountId: MEMBER,
              regionId: 'cn-hangzhou',
              status: status === 'FAILED' ? 'FAILED' : 'SUCCEEDED',
              ...(status === 'FAILED' ? { statusReason: 'Resource CREATE failed: Forbidden.RAM' } : {}),
            },
          ],
        },
      ];
    });

  it('waits for an operation and reports each account and region, exiting 0 when all succeeded', async () => {
    const run = await fleet(world({ stackGroups: [operation('SUCCEEDED')] }), ['wait', '--operation-id', 'op-create']);

    assert.equal(run.code, 0, run.err);
    assert.match(run.out, /operation op-create \(CREATE\): SUCCEEDED/);
    assert.match(run.out, new RegExp(`${MEMBER}\\s+cn-hangzhou\\s+SUCCEEDED`));
    assert.match(run.out, /OK: 2 instance\(s\) succeeded/);
  });

  it('exits 1 and names the failed account, region and reason when an instance failed', async () => {
    const run = await fleet(world({ stackGroups: [operation('FAILED')] }), [
      'wait',
      '--operation-id',
      'op-create',
      '--json',
    ]);

    assert.equal(run.code, 1);
    const report = JSON.parse(run.out) as { operations: { status: string; failed: unknown[] }[] };
    assert.equal(report.operations[0].status, 'FAILED');
    assert.deepEqual(report.operations[0].failed, [
      {
        accountId: MEMBER,
        regionId: 'cn-hangzhou',
        status: 'FAILED',
        statusReason: 'Resource CREATE failed: Forbidden.RAM',
      },
    ]);
  });

  it('with --since finds the operations the deploy started, and ignores older ones', async () => {
    const w = world({ stackGroups: [operation('FAILED', '2025-06-01T07:00:00')] });

    const old = await fleet(w, ['wait', '--since', '2025-06-01T08:00:00']);
    assert.equal(old.code, 0, old.err);
    assert.match(old.out, /No operation of stack group ecs-event-ops-fleet since 2025-06-01T08:00:00/);
    await cloud?.stop();
    cloud = undefined;

    const recent = await fleet(world({ stackGroups: [operation('FAILED')] }), [
      'wait',
      '--since',
      '2025-06-01T08:00:00',
    ]);
    assert.equal(recent.code, 1);
    assert.match(recent.out, /operation op-create \(CREATE\): FAILED/);
  });

  it('refuses both or neither of --operation-id and --since as a usage error', async () => {
    const neither = await fleet(world({ stackGroups: [group()] }), ['wait']);
    assert.equal(neither.code, 2);
    assert.match(neither.err, /wait needs either --operation-id \(repeatable\) or --since, not both/);
    assert.deepEqual(neither.calls, []);
  });
});

describe('fleet plan and the command line', () => {
  it('prints the canary region first, then the rest, without calling the cloud', async () => {
    const run = await fleet(world(), ['plan', '--json'], {
      ...FLEET,
      regions: ['cn-hangzhou', 'cn-shanghai', 'cn-beijing'],
      canaryRegion: 'cn-shanghai',
      maxConcurrentPercentage: 50,
    });

    assert.equal(run.code, 0, run.err);
    const plan = JSON.parse(run.out) as { steps: { region: string; canary: boolean }[]; stackGroup: string };
    assert.equal(plan.stackGroup, GROUP);
    assert.deepEqual(
      plan.steps.map((s) => [s.region, s.canary]),
      [
        ['cn-shanghai', true],
        ['cn-hangzhou', false],
        ['cn-beijing', false],
      ],
    );
    assert.deepEqual(run.calls, []);
  });

  it('refuses an http endpoint that is not loopback', async () => {
    cloud = await FakeCloud.start({ world: world() });
    const io = bufferIo();
    const code = await runTool(
      createFleetTool({ credentials: staticCredentials(TEST_CREDENTIALS), projectRoot: project(FLEET) }),
      ['status', '--region', 'cn-hangzhou', '--endpoint', 'http://ros.example.com'],
      io,
      { env: {} },
    );
    assert.equal(code, 2);
    assert.match(io.err(), /--endpoint "http:\/\/ros\.example\.com" uses http:\/\/ to the non-loopback host/);
  });

  it('names the fleet key and the value when the fleet block is invalid, in the words of the one config schema', async () => {
    const run = await fleet(world(), ['plan'], { regions: ['cn-hangzou'], accountIds: [ADMIN] });

    assert.equal(run.code, 1);
    assert.match(
      run.err,
      /context "ecs-event-ops\.fleet\.regions\[0\]": "cn-hangzou" is not valid: an Alibaba Cloud region id \(did you mean cn-hangzhou\?\)/,
    );
  });

  it('refuses both accountIds and folderIds with the cross-field rule of the config', async () => {
    const run = await fleet(world(), ['plan'], { ...FLEET, folderIds: ['fd-1'] });

    assert.equal(run.code, 1);
    assert.match(
      run.err,
      /context "ecs-event-ops\.fleet\.accountIds": .* exactly one of "accountIds" \(self-managed permissions\) and "folderIds"/,
    );
  });

  it('plans what synth builds: defaults applied, and the region the fleet stack is deployed to', async () => {
    const run = await fleet(world(), ['plan', '--json'], {
      ...FLEET,
      canaryRegion: 'cn-shanghai',
      codeSource: 'shared',
    });

    assert.equal(run.code, 0, run.err);
    const plan = JSON.parse(run.out) as Record<string, unknown>;
    assert.equal(plan.stack, 'ecs-event-ops-fleet');
    assert.equal(plan.region, 'cn-shanghai');
    assert.equal(plan.codeSource, 'shared');
    assert.deepEqual(plan.operationPreferences, { maxConcurrentPercentage: 25, failureToleranceCount: 0 });
  });
});
