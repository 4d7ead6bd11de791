import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { wrapRedrivePayload } from '../../contract/env/safety';
import { spec } from '../../lambda-src/auto-restart';
import { createFcHandler } from '../../lambda-src/commons/handler';
import type { FakeCloud, World } from '../../ops/fake-cloud';
import { BUCKET, context, fixture, INSTANCE_ID, logCapture, payload, startCloud, world } from '../support/harness';

const STOPPED = fixture('acs.ecs', 'instance-statechange-stopped');
const EVENT_MS = Date.parse(String(STOPPED.time));
const HOUR_MS = 3_600_000;

let cloud: FakeCloud | undefined;
afterEach(async () => {
  await cloud?.stop();
  cloud = undefined;
});

async function setup(safetyEnv: Record<string, string>, now?: () => number, w: World = world()) {
  const started = await startCloud(w, safetyEnv);
  cloud = started.cloud;
  const logs = logCapture();
  const handler = createFcHandler(spec, started.env, {
    log: logs.sink,
    now,
    retry: { sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) },
    breakerSettleMs: 600,
  });
  return { cloud: started.cloud, handler, logs };
}

const mutating = (c: FakeCloud) => c.calls('ecs').filter((call) => !call.action.startsWith('Describe'));

describe('safety rails of an action automation (auto-restart)', () => {
  it('restarts nothing for a 3-day-old Stopped event of an opted-in instance, and records it as stale', async () => {
    const { cloud, handler, logs } = await setup({ SAFETY_MAX_EVENT_AGE_HOURS: '24' }, () => EVENT_MS + 72 * HOUR_MS);

    const result = await handler(payload(STOPPED), context('auto-restart'));

    assert.equal(result.outcome, 'skipped');
    assert.equal(result.reason, 'stale');
    assert.equal(result.ageHours, 72);
    assert.deepEqual(cloud.calls('ecs'), []);
    assert.equal(cloud.world.instances[0].status, 'Stopped');
    assert.deepEqual(cloud.listKeys(BUCKET, 'idempotency/'), []);
    assert.equal(logs.lines[0].reason, 'stale');
    assert.deepEqual(
      { ...logs.ledger[0], durationMs: 0 },
      {
        eventId: STOPPED.id,
        automation: 'auto-restart',
        decision: 'skipped',
        reason: 'stale',
        calls: [],
        durationMs: 0,
        dryRun: false,
      },
    );
  });

  it('acts on the same old event when a redrive raises the age limit on purpose, and the ledger says so', async () => {
    const { cloud, handler, logs } = await setup({ SAFETY_MAX_EVENT_AGE_HOURS: '24' }, () => EVENT_MS + 72 * HOUR_MS);

    const result = await handler(Buffer.from(wrapRedrivePayload(STOPPED, 96)), context('auto-restart'));

    assert.equal(result.outcome, 'ok');
    assert.deepEqual(
      mutating(cloud).map((c) => c.action),
      ['StartInstance'],
    );
    assert.equal(logs.ledger[0].decision, 'acted');
    assert.equal(logs.ledger[0].ageOverrideHours, 96);
  });

  it('refuses a redrive wrapper whose age limit exceeds the dead-letter retention, before any call', async () => {
    const { cloud, handler, logs } = await setup({ SAFETY_MAX_EVENT_AGE_HOURS: '24' }, () => EVENT_MS);

    await assert.rejects(handler(Buffer.from(wrapRedrivePayload(STOPPED, 169)), context('auto-restart')), {
      name: 'MalformedEventError',
      message: /"eeoRedrive.maxEventAgeHours": 169 is not allowed; expected an integer from 1 to 168/,
    });
    assert.deepEqual(cloud.calls('ecs'), []);
    assert.equal(logs.ledger[0].decision, 'failed');
  });

  it('in a dry run reads, records the StartInstance it would make, makes no mutating call and keeps no state', async () => {
    const { cloud, handler, logs } = await setup({ SAFETY_DRY_RUN: 'true' }, () => EVENT_MS);

    const result = await handler(payload(STOPPED), context('auto-restart'));

    assert.equal(result.outcome, 'ok');
    assert.equal(result.action, 'would-start');
    assert.deepEqual(
      cloud.calls('ecs').map((c) => c.action),
      ['DescribeInstances'],
    );
    assert.equal(cloud.world.instances[0].status, 'Stopped');
    assert.deepEqual(cloud.listKeys(BUCKET, 'state/auto-restart/'), []);
    assert.deepEqual(cloud.listKeys(BUCKET, 'idempotency/'), []);
    assert.deepEqual(
      { ...logs.ledger[0], durationMs: 0 },
      {
        eventId: STOPPED.id,
        automation: 'auto-restart',
        decision: 'dry-run',
        reason: 'done',
        calls: [{ api: 'StartInstance', target: INSTANCE_ID, result: 'dry-run' }],
        durationMs: 0,
        dryRun: true,
      },
    );
  });

  it('acts on an event it saw in a dry run once the automation is switched to live (no marker was kept)', async () => {
    const dry = await setup({ SAFETY_DRY_RUN: 'true' }, () => EVENT_MS);
    await dry.handler(payload(STOPPED), context('auto-restart'));
    const live = createFcHandler(
      spec,
      { ARCHIVE_BUCKET: BUCKET, ...dry.cloud.endpointEnv(), SAFETY_DRY_RUN: 'false' },
      {
        log: logCapture().sink,
        now: () => EVENT_MS,
      },
    );

    const result = await live(payload(STOPPED), context('auto-restart'));

    assert.equal(result.outcome, 'ok');
    assert.equal(result.action, 'started');
    assert.equal(dry.cloud.world.instances[0].status, 'Running');
  });

  it('lets exactly 5 of 12 concurrent restarts through with maxActionsPerHour 5, and alerts once', async () => {
    const ids = Array.from({ length: 12 }, (_, i) => `i-bp1breaker${String(i).padStart(10, '0')}`);
    const w = world({ instances: ids.map((id) => ({ id, status: 'Stopped', tags: { 'auto-restart': 'true' } })) });
    const { cloud, handler, logs } = await setup({ SAFETY_MAX_ACTIONS_PER_HOUR: '5' }, undefined, w);
    const now = new Date().toISOString();
    const events = ids.map((id) => ({
      ...STOPPED,
      id,
      time: now,
      data: { ...(STOPPED.data as object), resourceId: id },
    }));

    const results = await Promise.all(events.map((e) => handler(payload(e), context('auto-restart'))));

    assert.equal(mutating(cloud).length, 5);
    assert.equal(results.filter((r) => r.outcome === 'ok').length, 5);
    assert.equal(results.filter((r) => r.reason === 'circuit-open').length, 7);
    assert.deepEqual(
      logs.ledger.map((r) => `${r.decision}/${r.reason}`).sort(),
      [...Array(5).fill('acted/done'), ...Array(7).fill('skipped/circuit-open')].sort(),
    );
    assert.equal(cloud.world.instances.filter((i) => i.status === 'Running').length, 5);
    // No channel is configured: one error line carries the alert, once for the open period.
    const alerts = logs.lines.filter((line) => line.alert !== undefined);
    assert.equal(alerts.length, 1);
    assert.equal((alerts[0].alert as { kind: string }).kind, 'fleet-breaker');
    assert.equal(alerts[0].level, 'error');
  });
});
