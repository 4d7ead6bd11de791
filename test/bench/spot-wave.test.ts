import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { runSpotWave } from '../../ops/bench/spot-wave';

describe('spot wave', () => {
  test('drains 200 notices over 50 load balancers with the load-balancer APIs throttled, losing and dead-lettering none', async () => {
    const realStart = Date.now();

    const result = await runSpotWave({ notices: 200, loadBalancers: 50, callsPerSecond: 10 });

    assert.equal(result.lost, 0);
    assert.equal(result.deadLettered, 0);
    assert.deepEqual(result.loadBalancers, { clb: 17, alb: 17, nlb: 16 });
    // The throttle bit: some calls were refused, and every drain still waited its 60 simulated seconds.
    assert.ok(result.throttledPerNotice > 0, JSON.stringify(result));
    assert.ok(result.drainLatencySeconds.p50 >= 60, JSON.stringify(result));
    assert.ok(result.drainLatencySeconds.max >= result.drainLatencySeconds.p50);
    // 200 waits of 60 s would take over 3 hours: the wave ran on the simulated clock.
    assert.ok(Date.now() - realStart < 300_000);
  });
});
