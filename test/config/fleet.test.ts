import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConfigError, DEFAULT_SETTINGS, loadConfig } from '../../lib/config';
import { DEFAULT_FLEET } from '../../lib/config/schema';

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

const ACCOUNTS = ['1234567890123456'];
const FLEET = { regions: ['cn-hangzhou', 'cn-shanghai'], accountIds: ACCOUNTS };

describe('loadConfig: the fleet block', () => {
  test('applies the documented defaults and puts the first region first as the canary', () => {
    const { fleet } = loadConfig({ fleet: FLEET });
    assert.ok(fleet);
    assert.deepEqual(DEFAULT_FLEET, {
      maxConcurrentPercentage: 25,
      failureToleranceCount: 0,
      autoDeployment: true,
      codeSource: 'inline',
    });
    assert.equal(fleet.canaryRegion, 'cn-hangzhou');
    assert.deepEqual(fleet.regions, ['cn-hangzhou', 'cn-shanghai']);
    assert.deepEqual(fleet.targets, { kind: 'accounts', accountIds: ACCOUNTS });
    assert.equal(fleet.maxConcurrentPercentage, 25);
    assert.equal(fleet.failureToleranceCount, 0);
    assert.equal(fleet.codeSource, 'inline');
    assert.deepEqual(fleet.template, { region: 'cn-hangzhou', namePrefix: 'ecs-event-ops', ...DEFAULT_SETTINGS });
  });

  test('builds no region stack for a fleet-only configuration (a fleet block and no regions)', () => {
    assert.deepEqual(loadConfig({ fleet: FLEET }).regions, []);
    assert.deepEqual(
      loadConfig({}).regions.map((r) => r.region),
      ['cn-hangzhou'],
    );
  });

  test('keeps the region stacks written in regions beside the fleet', () => {
    const config = loadConfig({ regions: ['eu-central-1'], fleet: FLEET });
    assert.deepEqual(
      config.regions.map((r) => r.region),
      ['eu-central-1'],
    );
    assert.ok(config.fleet);
  });

  test('leaves the fleet out when the context has no fleet block', () => {
    assert.equal(loadConfig({}).fleet, undefined);
  });

  test('moves the canary region first', () => {
    const { fleet } = loadConfig({
      fleet: { ...FLEET, regions: ['cn-shanghai', 'cn-beijing', 'cn-hangzhou'], canaryRegion: 'cn-hangzhou' },
    });
    assert.deepEqual(fleet?.regions, ['cn-hangzhou', 'cn-shanghai', 'cn-beijing']);
  });

  test('gives folders service-managed targets with automatic deployment on by default', () => {
    const { fleet } = loadConfig({ fleet: { regions: ['cn-hangzhou'], folderIds: ['fd-abc123'] } });
    assert.deepEqual(fleet?.targets, { kind: 'folders', folderIds: ['fd-abc123'], autoDeployment: true });
  });

  test('refuses both accountIds and folderIds, and neither', () => {
    const allowed = 'exactly one of "accountIds"';
    assert.match(problems({ fleet: { ...FLEET, folderIds: ['fd-abc123'] } }).join('\n'), new RegExp(allowed));
    assert.match(problems({ fleet: { regions: ['cn-hangzhou'] } }).join('\n'), new RegExp(allowed));
  });

  test('refuses a canary region that is not one of the fleet regions', () => {
    assert.deepEqual(problems({ fleet: { ...FLEET, canaryRegion: 'cn-beijing' } }), [
      'ecs-event-ops.fleet.canaryRegion: "cn-beijing": one of fleet.regions (cn-hangzhou, cn-shanghai)',
    ]);
  });

  test('refuses automatic deployment with a list of accounts', () => {
    assert.match(
      problems({ fleet: { ...FLEET, autoDeployment: true } })[0],
      /^ecs-event-ops\.fleet\.autoDeployment: true: .*folderIds/,
    );
  });

  test('refuses operation preferences outside the CreateStackInstances ranges', () => {
    assert.deepEqual(problems({ fleet: { ...FLEET, maxConcurrentPercentage: 0, failureToleranceCount: 21 } }), [
      'ecs-event-ops.fleet.maxConcurrentPercentage: 0: an integer from 1 to 100',
      'ecs-event-ops.fleet.failureToleranceCount: 21: an integer from 0 to 20',
    ]);
  });

  test('refuses more than 20 regions or accounts in one operation', () => {
    const accounts = Array.from({ length: 21 }, (_, i) => `${1000000000000000 + i}`);
    assert.match(
      problems({ fleet: { ...FLEET, accountIds: accounts } })[0],
      /fleet\.accountIds: .*a list of at most 20 items/,
    );
  });

  test('refuses a per-region difference the template cannot take as a parameter, naming the key', () => {
    assert.deepEqual(problems({ fleet: FLEET, 'cn-shanghai': { autoRestart: { enabled: false } } }), [
      "ecs-event-ops.cn-shanghai.autoRestart.enabled: false: the fleet template's value (cn-hangzhou: true): a stack group deploys one template to every region, and only template parameters may differ per region (functions.memoryMb, functions.timeoutSeconds)",
    ]);
  });

  test('accepts a per-region memory and timeout, which the template takes as parameters', () => {
    const { fleet } = loadConfig({
      fleet: FLEET,
      'cn-shanghai': { functions: { memoryMb: 512, timeoutSeconds: 120 } },
    });
    assert.equal(fleet?.regionConfigs[1].functions.memoryMb, 512);
    assert.equal(fleet?.regionConfigs[1].functions.timeoutSeconds, 120);
  });

  test('accepts a settings block for a fleet region that is not in "regions"', () => {
    const config = loadConfig({
      regions: ['cn-hangzhou'],
      fleet: { ...FLEET, regions: ['cn-beijing'] },
      'cn-beijing': { audit: { enabled: false } },
    });
    assert.equal(config.fleet?.template.audit.enabled, false);
    assert.equal(config.regions[0].audit.enabled, true);
  });
});

describe('loadConfig: the fleet template and one account', () => {
  test("refuses ids of one account's resources in the fleet template, naming the key", () => {
    assert.deepEqual(problems({ fleet: FLEET, spotDrain: { vServerGroupIds: ['rsp-uf6abcdefghij0123'] } }), [
      'ecs-event-ops.cn-hangzhou.spotDrain.vServerGroupIds: ["rsp-uf6abcdefghij0123"]: no ids in a fleet region: they name resources of one account, and the stack group deploys the same template to every target account (use a region stack for that account)',
    ]);
  });
});
