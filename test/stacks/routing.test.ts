import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { PatternIndex } from '../../lib/patterns/matcher';
import { resourcesOfType, synthRegions } from '../support/synth';

/**
 * Routing coverage: every rule of every region stack matches at least one catalogue fixture, and the table below
 * pins which rules each fixture must reach. A fixture missing from the table must reach exactly the audit rule: the
 * audit trail archives everything no other rule archives, so nothing the platform emits is lost. A change of routing
 * shows up here as a failing, readable diff.
 */

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'events');
const PREFIX = 'ecs-event-ops-';

const SYSTEM_EVENT = ['system-events', 'audit'];
const HEALTH = ['instance-health', 'audit'];

/** Fixture (source/name) → rules (without the name prefix) it must reach, in stack order. */
const EXPECTED: Record<string, readonly string[]> = {
  'acs.ecs/instance-statechange-stopped': ['lifecycle-audit', 'auto-restart'],
  'acs.ecs/instance-statechange-running': ['lifecycle-audit'],
  'acs.ecs/instance-statechange-pending': ['lifecycle-audit'],
  'acs.ecs/instance-statechange-deleted': ['lifecycle-audit'],
  'acs.ecs/instance-preemptibleinstanceinterruption': ['spot-drain', 'audit'],
  'acs.ecs/disk-errordetected': HEALTH,
  'acs.ecs/disk-stalled': HEALTH,
  'acs.ecs/instance-burstableperformancerestricted': HEALTH,
  'acs.ecs/instance-livemigrationacrossddh': HEALTH,
  'acs.ecs/instance-performancemodechange': HEALTH,
  'acs.ecs/instance-instancefailure-reboot': SYSTEM_EVENT,
  'acs.ecs/instance-systemfailure-delete': SYSTEM_EVENT,
  'acs.ecs/instance-systemfailure-reboot': SYSTEM_EVENT,
  'acs.ecs/instance-systemfailure-reboot-executing': SYSTEM_EVENT,
  'acs.ecs/instance-systemfailure-redeploy': SYSTEM_EVENT,
  'acs.ecs/instance-systemfailure-stop': SYSTEM_EVENT,
  'acs.ecs/instance-systemmaintenance-cleanreleaseddisks': SYSTEM_EVENT,
  'acs.ecs/instance-systemmaintenance-isolateerrordisk': SYSTEM_EVENT,
  'acs.ecs/instance-systemmaintenance-reboot': SYSTEM_EVENT,
  'acs.ecs/instance-systemmaintenance-reboot-executed': SYSTEM_EVENT,
  'acs.ecs/instance-systemmaintenance-reboot-scheduled-status-in-type': SYSTEM_EVENT,
  'acs.ecs/instance-systemmaintenance-rebootandisolateerrordisk': SYSTEM_EVENT,
  'acs.ecs/instance-systemmaintenance-rebootandreiniterrordisk': SYSTEM_EVENT,
  'acs.ecs/instance-systemmaintenance-redeploy': SYSTEM_EVENT,
  'acs.ecs/instance-systemmaintenance-reiniterrordisk': SYSTEM_EVENT,
  'acs.ecs/instance-systemmaintenance-stop': SYSTEM_EVENT,
  'acs.ecs/systemevent-scheduled': SYSTEM_EVENT,
  'acs.ecs/snapshot-createsnapshotcompleted': ['snapshot-results'],
  'acs.ecs/snapshot-createsnapshotcompleted-failed': ['snapshot-failed', 'snapshot-results'],
  'acs.ess/scalingactivity-scaleoutsuccess': ['audit', 'scale-out'],
  // SLS alerts of this project go to notify only: the event store and the audit trail take ECS and ESS events.
  'acs.sls/sls-alert-firing': ['sls-alerts'],
};

/** A configuration with every rule on: scaling groups add the scale-out rule. */
const EVERYTHING = {
  regions: ['cn-hangzhou', 'ap-southeast-1'],
  autoScaling: { scalingGroups: [{ id: 'asg-bp1abcdefghij0123', protectedInstanceIds: ['i-bp1abcdefghij0123456'] }] },
};

/** Every EventBridge-form fixture, by `source/name`. */
function fixtures(): Map<string, unknown> {
  const found = new Map<string, unknown>();
  for (const source of fs.readdirSync(FIXTURES)) {
    for (const file of fs.readdirSync(path.join(FIXTURES, source))) {
      if (!file.endsWith('.json') || file.endsWith('.cms.json')) continue;
      found.set(
        `${source}/${file.slice(0, -'.json'.length)}`,
        JSON.parse(fs.readFileSync(path.join(FIXTURES, source, file), 'utf8')),
      );
    }
  }
  return found;
}

describe('routing of the catalogue fixtures', () => {
  const templates = synthRegions(EVERYTHING);
  const events = fixtures();

  for (const [stackName, template] of Object.entries(templates)) {
    const rules = Object.values(resourcesOfType(template, 'ALIYUN::EventBridge::Rule')).map((r) => ({
      id: String(r.Properties.RuleName).slice(PREFIX.length),
      pattern: r.Properties.FilterPattern,
    }));
    const index = new PatternIndex(rules);

    test(`every rule of ${stackName} matches at least one fixture`, () => {
      const reached = new Set([...events.values()].flatMap((event) => index.match(event)));
      assert.deepEqual(
        rules.map((r) => r.id).filter((id) => !reached.has(id)),
        [],
      );
    });

    test(`each fixture reaches exactly the expected rules of ${stackName}`, () => {
      const actual = Object.fromEntries([...events].map(([name, event]) => [name, index.match(event)]));
      // Every ECS and Auto Scaling event also reaches the event store's rule (SLS), declared before the automations.
      const expected = Object.fromEntries(
        [...events.keys()].map((name) => [
          name,
          [...(name.startsWith('acs.sls/') ? [] : ['event-store']), ...(EXPECTED[name] ?? ['audit'])],
        ]),
      );
      assert.deepEqual(actual, expected);
    });
  }

  test('the table names only fixtures that exist', () => {
    assert.deepEqual(
      Object.keys(EXPECTED).filter((name) => !events.has(name)),
      [],
    );
  });
});
