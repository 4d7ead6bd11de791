import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConfigError, DEFAULT_SETTINGS, idProblem, loadConfig } from '../../lib/config';

/** Loads `raw` and returns the problems it has (fails the test when it loads). */
function problems(raw: unknown): string[] {
  try {
    loadConfig(raw);
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    return error.problems.map((p) => `${p.path}: ${p.received}: ${p.allowed}`);
  }
  assert.fail('expected the configuration to be refused');
}

describe('loadConfig', () => {
  test('gives one cn-hangzhou region with the documented defaults when the context is empty', () => {
    const config = loadConfig(undefined);
    assert.equal(config.regions.length, 1);
    assert.deepEqual(config.regions[0], { region: 'cn-hangzhou', namePrefix: 'ecs-event-ops', ...DEFAULT_SETTINGS });
    assert.equal(config.assetsQualifier, 'eeo');
    assert.deepEqual(DEFAULT_SETTINGS, {
      archive: { retentionDays: 365, infrequentAccessAfterDays: 30 },
      functions: {
        memoryMb: 256,
        timeoutSeconds: 60,
        asyncRetryAttempts: 2,
        bundleBudgetKb: 350,
        logRetentionDays: 30,
      },
      autoRestart: {
        enabled: true,
        tagKey: 'auto-restart',
        tagValue: 'true',
        maxRestartsPerHour: 3,
        ramTagCondition: true,
        maxEventAgeHours: 24,
        dryRun: false,
        maxActionsPerHour: 30,
      },
      spotDrain: {
        enabled: true,
        vServerGroupIds: [],
        albServerGroupIds: [],
        nlbServerGroupIds: [],
        drainSeconds: 60,
        maxEventAgeHours: 24,
        dryRun: false,
        maxActionsPerHour: 100,
      },
      systemEvents: { enabled: true },
      notifications: {
        dingTalk: false,
        webhook: false,
        secretStore: 'oos',
        kmsInstanceId: null,
        groupingWindowSeconds: 30,
        eventTypes: {},
        muteWindows: [],
      },
      deadLetterCheck: { enabled: true, intervalMinutes: 15, alertVia: 'function' },
      eventStore: { enabled: true, retentionDays: 30 },
      slsAlerts: { enabled: true, actionPolicyId: 'ecs-event-ops-eventbridge' },
      audit: { enabled: true },
      snapshots: { enabled: true, monitoringEndpoint: null, policy: null },
      autoScaling: {
        scalingGroups: [],
        protectTag: { key: 'protect', value: 'true' },
        applySnapshotPolicy: false,
        maxEventAgeHours: 24,
        dryRun: false,
        maxActionsPerHour: 60,
        scaleInHook: {
          enabled: false,
          scalingGroupIds: null,
          heartbeatTimeoutSeconds: 600,
          defaultResult: 'CONTINUE',
          snapshotDataDisks: true,
          snapshotRetentionDays: 30,
          maxWaitMinutes: 120,
        },
      },
      rules: [],
      activateServices: false,
    });
  });

  test('accepts a complete snapshot and Auto Scaling configuration, filling the optional keys', () => {
    const [region] = loadConfig({
      snapshots: {
        monitoringEndpoint: 'https://monitor.example.com/ecs',
        policy: { timePoints: [2], repeatWeekdays: [1, 2, 3, 4, 5, 6, 7], retentionDays: -1 },
      },
      autoScaling: {
        scalingGroups: [
          { id: 'asg-bp1abcdefghij0123', protectedInstanceIds: ['i-bp1abcdefghij0123456'] },
          { id: 'asg-bp1abcdefghij0456' },
        ],
        protectTag: null,
        applySnapshotPolicy: true,
      },
    }).regions;
    assert.deepEqual(region.snapshots.policy, {
      timePoints: [2],
      repeatWeekdays: [1, 2, 3, 4, 5, 6, 7],
      retentionDays: -1,
      diskIds: [],
    });
    assert.deepEqual(region.autoScaling.scalingGroups[1], { id: 'asg-bp1abcdefghij0456', protectedInstanceIds: [] });
    assert.equal(region.autoScaling.protectTag, null);
  });

  test('accepts a dead-letter check interval per region and refuses one outside 5 to 1440 minutes', () => {
    const config = loadConfig({
      regions: ['cn-hangzhou', 'cn-shanghai'],
      deadLetterCheck: { intervalMinutes: 60 },
      'cn-shanghai': { deadLetterCheck: { enabled: false } },
    });
    assert.deepEqual(
      config.regions.map((r) => r.deadLetterCheck),
      [
        { enabled: true, intervalMinutes: 60, alertVia: 'function' },
        { enabled: false, intervalMinutes: 60, alertVia: 'function' },
      ],
    );
    assert.deepEqual(problems({ deadLetterCheck: { intervalMinutes: 4 } }), [
      'ecs-event-ops.deadLetterCheck.intervalMinutes: 4: an integer from 5 to 1440',
    ]);
    assert.match(
      problems({ deadLetterCheck: { enabled: 'yes' } })[0],
      /deadLetterCheck\.enabled: "yes": true or false/,
    );
  });

  test('names the missing key when a feature is turned on with an incomplete configuration', () => {
    assert.deepEqual(problems({ snapshots: { policy: { timePoints: [2] } } }), [
      'ecs-event-ops.snapshots.policy.repeatWeekdays: undefined: "repeatWeekdays" is required here',
      'ecs-event-ops.snapshots.policy.retentionDays: undefined: "retentionDays" is required here',
    ]);
    assert.deepEqual(problems({ autoScaling: { applySnapshotPolicy: true } }), [
      'ecs-event-ops.snapshots.policy: null: a snapshot policy ({ timePoints, repeatWeekdays, retentionDays }): autoScaling.applySnapshotPolicy is on',
      'ecs-event-ops.autoScaling.scalingGroups: []: at least one scaling group: autoScaling.applySnapshotPolicy is on',
    ]);
    assert.match(
      problems({ autoScaling: { scalingGroups: [{ protectedInstanceIds: [] }] } })[0],
      /scalingGroups\[0\]\.id: undefined: "id" is required here/,
    );
  });

  test('refuses malformed scaling group, instance and disk ids, hours and endpoints', () => {
    const found = problems({
      snapshots: {
        monitoringEndpoint: 'http://monitor.example.com',
        policy: { timePoints: [25], repeatWeekdays: [1], retentionDays: 0, diskIds: ['disk-1'] },
      },
      autoScaling: { scalingGroups: [{ id: 'sg-123', protectedInstanceIds: ['ins-1'] }] },
    });
    assert.deepEqual(found, [
      'ecs-event-ops.snapshots.monitoringEndpoint: "http://monitor.example.com": an https:// URL of at most 127 characters (the API destination limit), or null',
      'ecs-event-ops.snapshots.policy.timePoints[0]: 25: an integer from 0 to 23',
      'ecs-event-ops.snapshots.policy.retentionDays: 0: an integer from 1 to 65536',
      'ecs-event-ops.snapshots.policy.diskIds[0]: "disk-1": expected a disk id like d-bp1abcdefghij0123456 ("d-" then 8 to 32 lowercase letters or digits)',
      'ecs-event-ops.autoScaling.scalingGroups[0].id: "sg-123": expected a scaling group id like asg-bp1abcdefghij0123 ("asg-" then 8 to 32 lowercase letters or digits)',
      'ecs-event-ops.autoScaling.scalingGroups[0].protectedInstanceIds[0]: "ins-1": expected an instance id like i-bp1abcdefghij0123456 ("i-" then 8 to 32 lowercase letters or digits)',
    ]);
  });

  test('accepts per-channel event type lists and mute windows, and refuses a bad type, time, zone or day', () => {
    const settings = {
      groupingWindowSeconds: 0,
      eventTypes: { webhook: { exclude: ['Disk:Stalled', 'SystemMaintenance.*'] } },
      muteWindows: [{ start: '22:00', end: '07:00', timeZone: 'Asia/Shanghai', days: ['sat', 'sun'] }],
    };
    assert.deepEqual(loadConfig({ 'cn-hangzhou': { notifications: settings } }).regions[0].notifications, {
      ...DEFAULT_SETTINGS.notifications,
      ...settings,
    });
    assert.deepEqual(
      problems({
        notifications: {
          eventTypes: { webhook: { include: ['System Maintenance'] } },
          muteWindows: [{ start: '24:00', end: '07:00', timeZone: 'Mars/Base', days: ['someday'] }],
        },
      }),
      [
        'ecs-event-ops.notifications.eventTypes.webhook.include[0]: "System Maintenance": an event name (SystemMaintenance.Reboot, Disk:Stalled) or type (ecs:Instance:SystemMaintenance.Reboot), optionally ending in * (a prefix)',
        'ecs-event-ops.notifications.muteWindows[0].start: "24:00": a time HH:MM, 00:00 to 23:59',
        'ecs-event-ops.notifications.muteWindows[0].timeZone: "Mars/Base": an IANA time zone, e.g. Asia/Shanghai',
        'ecs-event-ops.notifications.muteWindows[0].days[0]: "someday": a day: mon, tue, wed, thu, fri, sat, sun',
      ],
    );
  });

  test('accepts a secret store of oos or kms with a KMS instance id, and refuses any other store or id', () => {
    const kms = loadConfig({ notifications: { webhook: true, secretStore: 'kms', kmsInstanceId: 'kst-hzz65f176a0o' } });
    assert.deepEqual(kms.regions[0].notifications, {
      dingTalk: false,
      webhook: true,
      secretStore: 'kms',
      kmsInstanceId: 'kst-hzz65f176a0o',
      groupingWindowSeconds: 30,
      eventTypes: {},
      muteWindows: [],
    });
    assert.deepEqual(problems({ notifications: { secretStore: 'vault', kmsInstanceId: 'key-123' } }), [
      'ecs-event-ops.notifications.secretStore: "vault": "oos" (OOS secret parameters) or "kms" (KMS secrets)',
      'ecs-event-ops.notifications.kmsInstanceId: "key-123": a KMS instance id ("kst-" and lowercase letters or digits), or null',
    ]);
  });

  test('refuses the same scaling group twice', () => {
    const found = problems({
      autoScaling: { scalingGroups: [{ id: 'asg-bp1abcdefghij0123' }, { id: 'asg-bp1abcdefghij0123' }] },
    });
    assert.deepEqual(found, [
      'ecs-event-ops.autoScaling.scalingGroups[1].id: "asg-bp1abcdefghij0123": each scaling group only once',
    ]);
  });

  test('applies shared settings to every region and a region block over them', () => {
    const config = loadConfig({
      regions: ['cn-hangzhou', 'cn-shanghai'],
      autoRestart: { maxRestartsPerHour: 5 },
      'cn-shanghai': { autoRestart: { tagKey: 'restart-me' }, spotDrain: { vServerGroupIds: ['rsp-bp1abcdefgh0123'] } },
    });
    const [hangzhou, shanghai] = config.regions;
    assert.equal(hangzhou.autoRestart.maxRestartsPerHour, 5);
    assert.equal(hangzhou.autoRestart.tagKey, 'auto-restart');
    assert.equal(shanghai.autoRestart.maxRestartsPerHour, 5);
    assert.equal(shanghai.autoRestart.tagKey, 'restart-me');
    assert.deepEqual(shanghai.spotDrain.vServerGroupIds, ['rsp-bp1abcdefgh0123']);
    assert.deepEqual(hangzhou.spotDrain.vServerGroupIds, []);
  });

  test('accepts the configuration as a JSON string, as a -c flag passes it', () => {
    const config = loadConfig('{"regions":["ap-southeast-1"]}');
    assert.deepEqual(
      config.regions.map((r) => r.region),
      ['ap-southeast-1'],
    );
  });

  test('refuses a JSON string that does not parse', () => {
    assert.match(problems('{"regions":')[0], /^ecs-event-ops: .*a JSON object/);
  });

  test('refuses an unknown region id and suggests the nearest one', () => {
    const [problem] = problems({ regions: ['cn-hangzou'] });
    assert.match(
      problem,
      /^ecs-event-ops\.regions\[0\]: "cn-hangzou": an Alibaba Cloud region id \(did you mean cn-hangzhou\?\)/,
    );
  });

  test('refuses an empty or repeated region list', () => {
    assert.match(problems({ regions: [] })[0], /at least one region id/);
    assert.match(
      problems({ regions: ['cn-beijing', 'cn-beijing'] })[0],
      /regions\[1\]: "cn-beijing": each item only once/,
    );
  });

  test('refuses a malformed vServer group id, naming the expected shape', () => {
    const [problem] = problems({ spotDrain: { vServerGroupIds: ['rsp-bp1abcdefgh0123', 'sg-123'] } });
    assert.equal(
      problem,
      'ecs-event-ops.spotDrain.vServerGroupIds[1]: "sg-123": expected a vServer group id like rsp-bp1abcdefghij0123 ("rsp-" then 8 to 32 lowercase letters or digits)',
    );
  });

  test('refuses numbers out of range, with the allowed range', () => {
    const found = problems({
      archive: { retentionDays: 0 },
      functions: { memoryMb: 200, timeoutSeconds: 601, asyncRetryAttempts: 9 },
      autoRestart: { maxRestartsPerHour: 1.5 },
    });
    assert.deepEqual(found, [
      'ecs-event-ops.archive.retentionDays: 0: an integer from 1 to 36500',
      'ecs-event-ops.functions.memoryMb: 200: an integer from 128 to 3072, a multiple of 64',
      'ecs-event-ops.functions.timeoutSeconds: 601: an integer from 10 to 600',
      'ecs-event-ops.functions.asyncRetryAttempts: 9: an integer from 0 to 8',
      'ecs-event-ops.autoRestart.maxRestartsPerHour: 1.5: an integer from 1 to 20',
    ]);
  });

  test('refuses a value of the wrong type', () => {
    assert.match(problems({ autoRestart: { enabled: 'yes' } })[0], /autoRestart\.enabled: "yes": true or false/);
    assert.match(problems({ archive: 'forever' })[0], /^ecs-event-ops\.archive: "forever": an object with keys/);
  });

  test('refuses unknown keys at every level, suggesting the nearest known key', () => {
    const found = problems({ autoRestat: {}, autoRestart: { maxRestartPerHour: 2 }, 'cn-hangzhou': { spotDrian: {} } });
    assert.equal(found.length, 3);
    assert.match(found[0], /^ecs-event-ops\.autoRestat: \{\}: no such key; .*\(did you mean autoRestart\?\)/);
    assert.match(
      found[1],
      /^ecs-event-ops\.autoRestart\.maxRestartPerHour: 2: no such key; .*\(did you mean maxRestartsPerHour\?\)/,
    );
    assert.match(found[2], /^ecs-event-ops\.cn-hangzhou\.spotDrian: \{\}: no such key; .*\(did you mean spotDrain\?\)/);
  });

  test('refuses a region block for a region that is not deployed', () => {
    assert.match(
      problems({ 'cn-beijing': { autoRestart: { enabled: false } } })[0],
      /^ecs-event-ops\.cn-beijing: .*listed in "regions" \(cn-hangzhou\)/,
    );
  });

  test('refuses an IA transition that comes after the expiry, in the region where it happens', () => {
    const [problem] = problems({
      regions: ['cn-hangzhou', 'cn-beijing'],
      'cn-beijing': { archive: { retentionDays: 20 } },
    });
    assert.equal(
      problem,
      'ecs-event-ops.cn-beijing.archive.infrequentAccessAfterDays: 30: fewer days than archive.retentionDays (20), or null',
    );
    assert.equal(
      loadConfig({ archive: { retentionDays: 20, infrequentAccessAfterDays: null } }).regions[0].archive
        .infrequentAccessAfterDays,
      null,
    );
  });

  test('refuses a bad name prefix, asset qualifier or tag key', () => {
    const found = problems({ namePrefix: 'Ops_', assetsQualifier: 'has-dash', autoRestart: { tagKey: 'aliyun:x' } });
    assert.equal(found.length, 3);
    assert.match(found[0], /namePrefix: "Ops_": lowercase letters/);
    assert.match(found[1], /assetsQualifier: "has-dash": lowercase letters and digits/);
    assert.match(found[2], /tagKey: "aliyun:x": an ECS tag key/);
  });

  test('reports every problem in one error whose message lists them line by line', () => {
    try {
      loadConfig({ regions: ['mars-1'], functions: { memoryMb: 1 } });
      assert.fail('expected a ConfigError');
    } catch (error) {
      assert.ok(error instanceof ConfigError);
      assert.equal(error.problems.length, 2);
      assert.match(
        error.message,
        /^Invalid configuration \(2 problems\):\n {2}- context "ecs-event-ops\.regions\[0\]": "mars-1"/,
      );
    }
  });
});

describe('idProblem', () => {
  const cases = [
    ['instance', 'i-bp1abcdefghij0123456', 'i-123', /instance id like i-/],
    ['vServerGroup', 'rsp-bp1abcdefghij0123', 'rsp_bp1abcdefghij', /vServer group id like rsp-/],
    ['scalingGroup', 'asg-bp1abcdefghij0123', 'sg-bp1abcdefghij0123', /scaling group id like asg-/],
    ['disk', 'd-bp1abcdefghij0123456', 'd-BP1ABCDEFGHIJ', /disk id like d-/],
  ] as const;
  for (const [kind, good, bad, message] of cases) {
    test(`accepts ${good} and refuses ${bad} as a ${kind} id`, () => {
      assert.equal(idProblem(kind, good), undefined);
      assert.match(idProblem(kind, bad) ?? '', message);
    });
  }
});
