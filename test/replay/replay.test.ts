import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import { BUILT_IN_UNITS } from '../../lib/automations';
import type { CodeManifest } from '../../lib/code/manifest';
import { readCodeIndexJs } from '../../lib/code/read';
import { zipHandlerCode } from '../../lib/code/zip';
import { loadConfig } from '../../lib/config';
import { RegionStack } from '../../lib/stacks/region-stack';
import { runReplayCli } from '../../ops/replay';
import { fixture, freshFixtureFile, INSTANCE_ID, type MutableEvent, stampNow, world } from '../support/harness';
import { testApp } from '../support/synth';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'events', 'acs.ecs');

/**
 * A copy of a fixture dated now (`time`, or the Cloud Monitor `eventTime`): action automations skip an event older
 * than their age limit (24 hours by default), and the fixtures were recorded long ago.
 */
function freshFixture(name: string): string {
  return freshFixtureFile(path.join(FIXTURES, name));
}

const STOPPED = freshFixture('instance-statechange-stopped.json');
const STOPPED_CMS = freshFixture('instance-statechange-stopped.cms.json');
const SPOT = freshFixture('instance-preemptibleinstanceinterruption.json');
const UNTAGGED_ID = 'i-bp1untagged000000001';
/** The global the counting bundles of the container test push to. */
const EVALUATIONS = '__eeoReplayBundleEvaluations';

let assembly = '';
let withEventStore = '';
let scratch = '';

/** An assembly synthesized in-process as bin/app.ts does, for `context`. */
function synthAssembly(context: unknown): string {
  const app = testApp();
  const config = loadConfig(context);
  for (const region of config.regions)
    new RegionStack(app, { config: region, assetsQualifier: config.assetsQualifier, units: BUILT_IN_UNITS });
  return app.synth().directory;
}

before(() => {
  // One real assembly for the file, with the default configuration but the SLS event store: its rule takes every
  // event to an acs.sls target (reported, not invoked), which the assertions on the automations' deliveries leave
  // out. The default assembly, event store included, is checked once below.
  assembly = synthAssembly({ eventStore: { enabled: false } });
  withEventStore = synthAssembly({});
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'eeo-replay-'));
});

/** Writes a JSON file to the scratch folder and returns its path. */
function writeJson(name: string, value: unknown): string {
  const file = path.join(scratch, name);
  fs.writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));
  return file;
}

/** A clone of a fixture with `change` applied, written to the scratch folder. */
function variantFile(name: string, variant: string, change: (event: MutableEvent) => void): string {
  const event = fixture('acs.ecs', variant) as MutableEvent;
  stampNow(event);
  change(event);
  return writeJson(name, event);
}

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function replay(...argv: string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await runReplayCli(argv, {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
  });
  return { code, stdout, stderr };
}

interface JsonCall {
  service: string;
  action: string;
  params: Record<string, string>;
}
interface JsonDelivery {
  stack: string;
  rule: string;
  target: { type: string; function?: string };
  outcome: string;
  attempts: number;
  calls: JsonCall[];
  ledger: Record<string, unknown>[];
}
interface JsonEvent {
  file: string;
  eventId: string | null;
  type: string | null;
  deliveries: JsonDelivery[];
  error?: string;
}

async function replayJson(...argv: string[]): Promise<{ code: number; events: JsonEvent[]; stderr: string }> {
  const run = await replay('--assembly', assembly, '--json', ...argv);
  return { code: run.code, events: (JSON.parse(run.stdout) as { events: JsonEvent[] }).events, stderr: run.stderr };
}

const actions = (delivery: JsonDelivery | undefined, service: string) =>
  (delivery?.calls ?? []).filter((c) => c.service === service).map((c) => c.action);
const byRule = (event: JsonEvent, rule: string) => event.deliveries.find((d) => d.rule === rule);

describe('npm run replay', () => {
  test('reports the event store rule of the default app as an acs.sls delivery, ahead of the automations', async () => {
    const run = await replay('--assembly', withEventStore, '--json', STOPPED);

    const [event] = (JSON.parse(run.stdout) as { events: JsonEvent[] }).events;
    assert.deepEqual(
      event.deliveries.map((d) => [d.rule, d.target.type, d.outcome]),
      [
        ['ecs-event-ops-event-store', 'acs.sls', 'ok'],
        ['ecs-event-ops-lifecycle-audit', 'acs.fc.function', 'ok'],
        ['ecs-event-ops-auto-restart', 'acs.fc.function', 'ok'],
      ],
    );
  });

  test('routes a Stopped state change to lifecycle-audit and auto-restart, not to spot-drain', async () => {
    const { code, events } = await replayJson(STOPPED);

    assert.equal(code, 0);
    assert.deepEqual(
      events[0].deliveries.map((d) => [d.rule, d.target.function, d.outcome]),
      [
        ['ecs-event-ops-lifecycle-audit', 'ecs-event-ops-lifecycle-audit/lifecycle-audit', 'ok'],
        ['ecs-event-ops-auto-restart', 'ecs-event-ops-auto-restart/auto-restart', 'ok'],
      ],
    );
    const archived = byRule(events[0], 'ecs-event-ops-lifecycle-audit')?.calls.find((c) => c.action === 'PutObject');
    assert.equal(archived?.params.bucket, 'ecs-event-ops-cn-hangzhou-archive');
    assert.match(archived?.params.key ?? '', /^archive\/acs\.ecs\/ecs:Instance:StateChange\/region=cn-hangzhou\//);
  });

  test('starts an opted-in stopped instance of the world, not one without the tag, and keeps state between events', async () => {
    const worldFile = writeJson(
      'world-restart.json',
      world({
        instances: [
          { id: INSTANCE_ID, status: 'Stopped', tags: { 'auto-restart': 'true' } },
          { id: UNTAGGED_ID, status: 'Stopped', tags: {} },
        ],
      }),
    );
    const untagged = variantFile('stopped-untagged.json', 'instance-statechange-stopped', (e) => {
      e.id = 'stopped-untagged-0001';
      e.data = { ...e.data, resourceId: UNTAGGED_ID };
    });
    const again = variantFile('stopped-again.json', 'instance-statechange-stopped', (e) => {
      e.id = 'stopped-again-0001';
    });

    const { code, events } = await replayJson('--world', worldFile, STOPPED, untagged, again);

    assert.equal(code, 0);
    const [tagged, other, second] = events.map((e) => byRule(e, 'ecs-event-ops-auto-restart'));
    assert.deepEqual(actions(tagged, 'ecs'), ['DescribeInstances', 'StartInstance']);
    assert.equal(tagged?.calls.find((c) => c.action === 'StartInstance')?.params.InstanceId, INSTANCE_ID);
    assert.deepEqual(actions(other, 'ecs'), ['DescribeInstances']);
    // The fake started the instance on the first event: the third finds it Running and leaves it alone.
    assert.deepEqual(actions(second, 'ecs'), ['DescribeInstances']);
  });

  test('drains a spot instance from its vServer group on both ports', async () => {
    const worldFile = writeJson(
      'world-spot.json',
      world({
        loadBalancers: [
          {
            id: 'lb-bp1loadbalancer0001',
            vServerGroups: [
              {
                id: 'rsp-bp1group000001',
                backendServers: [
                  { serverId: INSTANCE_ID, port: 80, weight: 100 },
                  { serverId: INSTANCE_ID, port: 443, weight: 100 },
                  { serverId: UNTAGGED_ID, port: 80, weight: 100 },
                ],
              },
            ],
          },
        ],
      }),
    );

    const { code, events } = await replayJson('--world', worldFile, SPOT);

    assert.equal(code, 0);
    assert.deepEqual(
      events[0].deliveries.map((d) => [d.rule, d.outcome]),
      [
        ['ecs-event-ops-spot-drain', 'ok'],
        ['ecs-event-ops-audit', 'ok'],
      ],
    );
    const removals = events[0].deliveries[0].calls.filter((c) => c.action === 'RemoveVServerGroupBackendServers');
    assert.equal(removals.length, 1);
    assert.equal(removals[0].params.VServerGroupId, 'rsp-bp1group000001');
    const removed = (JSON.parse(removals[0].params.BackendServers) as { ServerId: string; Port: number }[])
      .map((s) => `${s.ServerId}:${s.Port}`)
      .sort();
    assert.deepEqual(removed, [`${INSTANCE_ID}:443`, `${INSTANCE_ID}:80`]);
  });

  test('routes a Cloud Monitor event like its EventBridge twin', async () => {
    const { code, events } = await replayJson(STOPPED, STOPPED_CMS);

    assert.equal(code, 0);
    const [eventBridge, cloudMonitor] = events;
    assert.equal(cloudMonitor.type, 'ecs:Instance:StateChange');
    assert.equal(cloudMonitor.eventId, '9435EAD6-3CF6-4494-8F7A-3A5B6C7D0001');
    const route = (e: JsonEvent) => e.deliveries.map((d) => [d.stack, d.rule, d.target.function, d.outcome]);
    assert.deepEqual(route(cloudMonitor), route(eventBridge));
    assert.deepEqual(
      cloudMonitor.deliveries.map((d) => actions(d, 'ecs')),
      eventBridge.deliveries.map((d) => actions(d, 'ecs')),
    );
  });

  test('routes every Cloud Monitor fixture like its EventBridge twin', async () => {
    const twins = fs
      .readdirSync(FIXTURES)
      .filter((f) => f.endsWith('.cms.json') && fs.existsSync(path.join(FIXTURES, f.replace('.cms.json', '.json'))))
      .flatMap((f) => [path.join(FIXTURES, f.replace('.cms.json', '.json')), path.join(FIXTURES, f)]);

    const { events } = await replayJson(...twins);

    assert.ok(twins.length >= 10);
    const route = (e: JsonEvent) => [e.type, ...e.deliveries.map((d) => `${d.rule} -> ${d.target.function}`)];
    for (let i = 0; i < events.length; i += 2) {
      assert.deepEqual(route(events[i + 1]), route(events[i]), `${events[i + 1].file} vs ${events[i].file}`);
    }
  });

  test('reports a malformed file, replays the others, and exits 1', async () => {
    const broken = writeJson('broken.json', '{"specversion": "1.0", "id": ');
    const neither = writeJson('neither.json', { hello: 'world' });

    const { code, events, stderr } = await replayJson(broken, STOPPED, neither);

    assert.equal(code, 1);
    assert.match(events[0].error ?? '', /not valid JSON/);
    assert.deepEqual(events[0].deliveries, []);
    assert.equal(events[1].deliveries.length, 2);
    assert.match(events[2].error ?? '', /neither an EventBridge event .* nor a Cloud Monitor event/);
    assert.match(stderr, /event file .*broken\.json: not valid JSON/);
  });

  test('reports a deeply nested file and a broken link by path and reason, and replays the others', async () => {
    const stopped = fixture('acs.ecs', 'instance-statechange-stopped');
    const deep = writeJson(
      'deep.json',
      `${JSON.stringify(stopped).slice(0, -1)},"deep":${'{"x":'.repeat(20_000)}1${'}'.repeat(20_000)}}`,
    );
    const folder = fs.mkdtempSync(path.join(scratch, 'broken-link-'));
    fs.copyFileSync(STOPPED, path.join(folder, 'a.json'));
    fs.symlinkSync(path.join(scratch, 'nowhere.json'), path.join(folder, 'b.json'));

    const { code, events, stderr } = await replayJson(deep, folder, STOPPED);

    assert.equal(code, 1);
    assert.deepEqual(
      events.map((e) => [e.file, e.deliveries.length]),
      [
        [deep, 0],
        [path.join(folder, 'a.json'), 2],
        [path.join(folder, 'b.json'), 0],
        [STOPPED, 2],
      ],
    );
    assert.match(events[0].error ?? '', /nested deeper than 64 levels \(at \$\.deep\.x\.x/);
    assert.match(events[2].error ?? '', /broken symbolic link: ENOENT/);
    assert.match(stderr, /event file .*deep\.json: nested deeper than 64 levels/);
  });

  test('replays the event files of a folder recursively, in name order, following links and ending link loops', async () => {
    const root = fs.mkdtempSync(path.join(scratch, 'folder-'));
    const outside = fs.mkdtempSync(path.join(scratch, 'outside-'));
    fs.mkdirSync(path.join(root, 'b', 'c'), { recursive: true });
    fs.copyFileSync(STOPPED, path.join(root, 'b', 'c', 'stopped.json'));
    fs.copyFileSync(SPOT, path.join(root, 'a-spot.json'));
    fs.writeFileSync(path.join(root, 'notes.txt'), 'not an event');
    fs.copyFileSync(STOPPED_CMS, path.join(outside, 'stopped.cms.json'));
    fs.symlinkSync(outside, path.join(root, 'linked'));
    // A link back to the root: walked once, not forever.
    fs.symlinkSync(root, path.join(root, 'b', 'loop'));

    const { code, events } = await replayJson(root);

    assert.equal(code, 0);
    assert.deepEqual(
      events.map((e) => [path.relative(root, e.file), e.type]),
      [
        ['a-spot.json', 'ecs:Instance:PreemptibleInstanceInterruption'],
        [path.join('b', 'c', 'stopped.json'), 'ecs:Instance:StateChange'],
        [path.join('linked', 'stopped.cms.json'), 'ecs:Instance:StateChange'],
      ],
    );
  });

  test('reads event paths from --events-from, one per line, skipping blank lines and comments', async () => {
    const list = writeJson('list.txt', ['# the stopped twins', STOPPED, '', `  ${STOPPED_CMS}  `, SPOT].join('\n'));

    const { code, events } = await replayJson('--events-from', list);

    assert.equal(code, 0);
    assert.deepEqual(
      events.map((e) => e.file),
      [STOPPED, STOPPED_CMS, SPOT],
    );
  });

  test('names the list file and line of a path in --events-from that does not exist', async () => {
    const list = writeJson('list-missing.txt', [STOPPED, path.join(scratch, 'gone.json')].join('\n'));

    const run = await replay('--assembly', assembly, '--events-from', list);

    assert.equal(run.code, 2);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /--events-from ".*list-missing\.txt" line 2: ".*gone\.json" does not exist/);
  });

  test('retries a handler while the cloud keeps failing, then dead-letters the event', async () => {
    const worldFile = writeJson('world-faults.json', {
      ...world(),
      faults: [{ action: 'DescribeInstances', status: 503, code: 'ServiceUnavailable', times: 50 }],
    });

    const { code, events } = await replayJson('--world', worldFile, STOPPED);

    assert.equal(code, 1);
    const restart = byRule(events[0], 'ecs-event-ops-auto-restart');
    // functions.asyncRetryAttempts defaults to 2: one attempt and two FC retries.
    assert.equal(restart?.outcome, 'dead-lettered');
    assert.equal(restart?.attempts, 3);
    assert.ok(actions(restart, 'ecs').every((a) => a === 'DescribeInstances'));
    assert.ok(actions(restart, 'ecs').length >= 3);
    assert.equal(byRule(events[0], 'ecs-event-ops-lifecycle-audit')?.outcome, 'ok');
  });

  test('--json follows the documented schema exactly', async () => {
    const broken = writeJson('broken-schema.json', 'not json');

    const { events } = await replayJson(STOPPED, broken);

    const sorted = (o: object) => Object.keys(o).sort();
    assert.deepEqual(sorted(events[0]), ['deliveries', 'eventId', 'file', 'type']);
    assert.equal(events[0].file, STOPPED);
    assert.deepEqual(sorted(events[1]), ['deliveries', 'error', 'eventId', 'file', 'type']);
    for (const delivery of events[0].deliveries) {
      assert.deepEqual(sorted(delivery), ['attempts', 'calls', 'ledger', 'outcome', 'rule', 'stack', 'target']);
      for (const record of delivery.ledger) {
        assert.deepEqual(sorted(record), [
          'automation',
          'calls',
          'decision',
          'dryRun',
          'durationMs',
          'eventId',
          'reason',
        ]);
      }
      assert.deepEqual(sorted(delivery.target), ['function', 'type']);
      assert.equal(delivery.target.type, 'acs.fc.function');
      assert.ok(['ok', 'failed', 'dead-lettered'].includes(delivery.outcome));
      assert.equal(typeof delivery.attempts, 'number');
      for (const call of delivery.calls) {
        assert.deepEqual(sorted(call), ['action', 'params', 'service']);
        assert.ok(Object.values(call.params).every((v) => typeof v === 'string'));
      }
    }
  });

  test('prints a readable report with the handler log lines by default', async () => {
    const run = await replay('--assembly', assembly, STOPPED);

    assert.equal(run.code, 0);
    assert.match(
      run.stdout,
      /instance-statechange-stopped\.json: id 7adc8c1a-645d-4476-bdef-5d6fb57f0001, type ecs:Instance:StateChange/,
    );
    assert.match(
      run.stdout,
      /rule ecs-event-ops-auto-restart -> acs\.fc\.function ecs-event-ops-auto-restart\/auto-restart: ok \(1 attempt\)/,
    );
    assert.match(run.stdout, /call ecs DescribeInstances/);
    assert.match(run.stdout, /log {2}\{"level":"info","handler":"auto-restart"/);
  });

  test('starts one container per function and reuses it for every later delivery', async () => {
    // A copy of the assembly whose bundles count their own evaluations (module loads) in a global.
    const counted = fs.mkdtempSync(path.join(os.tmpdir(), 'eeo-replay-counted-'));
    fs.cpSync(assembly, counted, { recursive: true });
    for (const entry of fs.readdirSync(counted).filter((f) => f.endsWith('.code.json'))) {
      const manifestFile = path.join(counted, entry);
      const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as CodeManifest;
      const objects = manifest.objects.map((object) => {
        const marker = `\n;(globalThis.${EVALUATIONS} ??= []).push(${JSON.stringify(object.handler)});\n`;
        const zip = zipHandlerCode(Buffer.concat([Buffer.from(readCodeIndexJs(counted, object)), Buffer.from(marker)]));
        const sha256 = createHash('sha256').update(zip).digest('hex');
        fs.writeFileSync(path.join(counted, 'eeo-code', `${sha256}.zip`), zip);
        return { ...object, file: `eeo-code/${sha256}.zip`, sha256, bytes: zip.length };
      });
      fs.writeFileSync(manifestFile, JSON.stringify({ ...manifest, objects }));
    }
    const files = Array.from({ length: 12 }, (_, i) =>
      variantFile(`stopped-container-${i}.json`, 'instance-statechange-stopped', (e) => {
        e.id = `stopped-container-${String(i).padStart(4, '0')}`;
      }),
    );
    const evaluations = () => ((globalThis as Record<string, unknown>)[EVALUATIONS] as string[] | undefined) ?? [];
    const before = evaluations().length;

    const first = await replay('--assembly', counted, '--json', ...files);
    const afterFirst = evaluations().slice(before);
    const second = await replay('--assembly', counted, '--json', files[0]);
    const afterSecond = evaluations().slice(before);

    assert.equal(first.code, 0, first.stderr);
    const deliveries = (JSON.parse(first.stdout) as { events: JsonEvent[] }).events.flatMap((e) => e.deliveries);
    assert.equal(deliveries.length, 24);
    // Two functions (lifecycle-audit, auto-restart) got 12 deliveries each: one bundle evaluation each.
    assert.equal(afterFirst.length, 2);
    assert.equal(new Set(afterFirst).size, 2);
    // A new replay starts new containers (its fake cloud has new endpoints).
    assert.equal(second.code, 0, second.stderr);
    assert.equal(afterSecond.length, 4);
  });

  test("--region restricts the replay to that region's stack", async () => {
    const { code, events } = await replayJson('--region', 'cn-hangzhou', STOPPED);

    assert.equal(code, 0);
    assert.ok(events[0].deliveries.every((d) => d.stack === 'ecs-event-ops-cn-hangzhou'));
  });

  describe('refuses a bad command line (exit 2) or an unusable world file (exit 1) with one error line', () => {
    const cases: [string, () => string[], RegExp, number][] = [
      [
        'an unknown flag',
        () => ['--jsn', STOPPED],
        /^error: unknown option '--jsn' \(did you mean --json\?\) \(see npm run replay -- --help\)\n$/,
        2,
      ],
      ['no event file', () => [], /^error: no event file given: name event files or folders, or --events-from/, 2],
      [
        'a missing event file',
        () => [path.join(scratch, 'nope.json')],
        /^error: event file ".*nope\.json" does not exist\n$/,
        2,
      ],
      [
        'a region that is not a region id',
        () => ['--region', 'cn-hangzou', STOPPED],
        /--region "cn-hangzou" is not an Alibaba Cloud region id \(did you mean cn-hangzhou\?\); known: .*cn-shanghai/,
        2,
      ],
      [
        'a region without a stack',
        () => ['--region', 'cn-beijing', STOPPED],
        /--region "cn-beijing": the assembly has no stack for it; stacks: ecs-event-ops-cn-hangzhou \(cn-hangzhou\)/,
        2,
      ],
      [
        'a missing world file',
        () => ['--world', path.join(scratch, 'no-world.json'), STOPPED],
        /--world ".*no-world\.json": the file does not exist/,
        2,
      ],
      [
        'an invalid world file',
        () => ['--world', writeJson('bad-world.json', { region: 'cn-hangzhou' }), STOPPED],
        /--world ".*bad-world\.json": world\.accountId: missing/,
        1,
      ],
      [
        'an invalid fault',
        () => [
          '--world',
          writeJson('bad-fault.json', { ...world(), faults: [{ action: 'X', status: 200, code: 'C' }] }),
          STOPPED,
        ],
        /world\.faults\[0\]: .* is not valid/,
        1,
      ],
      [
        'a world file with a misspelt status',
        () => [
          '--world',
          writeJson(
            'typo-world.json',
            world({ instances: [{ id: INSTANCE_ID, status: 'Runing' as unknown as 'Running', tags: {} }] }),
          ),
          STOPPED,
        ],
        /--world ".*typo-world\.json": world\.instances\[0\]\.status: "Runing" is not a known status \(did you mean Running\?\); allowed: Pending, Starting, Running, Stopping, Stopped/,
        1,
      ],
      [
        'a fault with an unknown key',
        () => [
          '--world',
          writeJson('fault-key.json', {
            ...world(),
            faults: [{ action: 'StartInstance', status: 503, code: 'ServiceUnavailable', time: 2 }],
          }),
          STOPPED,
        ],
        /world\.faults\[0\]: "time" is not a known key \(did you mean times\?\); allowed: action, status, code, message, times/,
        1,
      ],
      [
        'a world of a region without a stack',
        () => ['--world', writeJson('shanghai.json', world({ region: 'cn-shanghai' })), STOPPED],
        /region "cn-shanghai" has no stack in the replay/,
        1,
      ],
    ];
    for (const [name, argv, message, code] of cases) {
      test(`${name} (exit ${code})`, async () => {
        const run = await replay('--assembly', assembly, ...argv());

        assert.equal(run.code, code);
        assert.equal(run.stdout, '');
        assert.match(run.stderr, message);
        assert.equal(run.stderr.trimEnd().split('\n').length, 1, run.stderr);
      });
    }

    test('a folder that is not a cloud assembly', async () => {
      const run = await replay('--assembly', scratch, STOPPED);

      assert.equal(run.code, 1);
      assert.match(
        run.stderr,
        /^error: --assembly ".*" is not a cloud assembly \(no manifest\.json\); run npm run synth first/,
      );
    });
  });

  test('--help shows the usage, the inputs and an example, and exits 0', async () => {
    const run = await replay('--help');

    assert.equal(run.code, 0);
    assert.match(run.stdout, /Usage: npm run replay -- \[--assembly cdk\.out\].*--events-from list\.txt/);
    assert.match(run.stdout, /Examples:\n {2}npm run replay -- --world examples\/world\.json /);
    assert.match(run.stdout, /--events-from <file>/);
    assert.equal(run.stderr, '');
  });
});
