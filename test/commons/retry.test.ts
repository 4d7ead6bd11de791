import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PermanentError, RetryableError } from '../../lambda-src/commons/errors';
import { mapPool } from '../../lambda-src/commons/pool';
import { DEFAULT_RETRY_POLICY, deadlineOf, type RetryScope, withBackoff } from '../../lambda-src/commons/retry';

/** A scope on a simulated clock: sleeping advances it, nothing really waits. */
function simulated(overrides: Partial<RetryScope> = {}) {
  let clock = 1_000_000;
  const waits: number[] = [];
  const scope: RetryScope = {
    policy: DEFAULT_RETRY_POLICY,
    now: () => clock,
    sleep: async (ms) => {
      waits.push(ms);
      clock += ms;
    },
    random: () => 0.999,
    ...overrides,
  };
  return { scope, waits, at: () => clock };
}

function failing(errors: Error[]): { work: () => Promise<string>; calls: () => number } {
  let calls = 0;
  return {
    work: async () => {
      const error = errors[calls++];
      if (error !== undefined) throw error;
      return 'done';
    },
    calls: () => calls,
  };
}

describe('in-invocation retries', () => {
  it('retries a throttled call and returns its result', async () => {
    const { scope, waits } = simulated();
    const call = failing([new RetryableError('Throttling.User')]);

    assert.equal(await withBackoff(call.work, scope), 'done');

    assert.equal(call.calls(), 2);
    assert.deepEqual(waits, [199]);
  });

  it('does not retry a permanent error', async () => {
    const { scope, waits } = simulated();
    const call = failing([new PermanentError('Forbidden.RAM')]);

    await assert.rejects(withBackoff(call.work, scope), { name: 'PermanentError' });

    assert.equal(call.calls(), 1);
    assert.deepEqual(waits, []);
  });

  it('gives up after 3 attempts, with full-jitter waits under 200 then 400 ms', async () => {
    const { scope, waits } = simulated();
    const call = failing([new RetryableError('a'), new RetryableError('b'), new RetryableError('c')]);

    await assert.rejects(withBackoff(call.work, scope), { message: 'c' });

    assert.equal(call.calls(), 3);
    assert.deepEqual(waits, [199, 399]);
  });

  it('caps each wait at 2 s however many attempts', async () => {
    const { scope, waits } = simulated({ policy: { attempts: 8, baseMs: 200, capMs: 2000 } });
    const call = failing(Array.from({ length: 8 }, () => new RetryableError('x')));

    await assert.rejects(withBackoff(call.work, scope));

    assert.deepEqual(waits, [199, 399, 799, 1598, 1998, 1998, 1998]);
  });

  it('stops before a wait that would end past the deadline, throwing the last error', async () => {
    const clock = simulated();
    const scope = { ...clock.scope, deadline: clock.at() + 300 };
    const call = failing([new RetryableError('first'), new RetryableError('second'), new RetryableError('third')]);

    await assert.rejects(withBackoff(call.work, scope), { message: 'second' });

    assert.equal(call.calls(), 2);
    assert.deepEqual(clock.waits, [199]);
  });

  it('takes the deadline from the function timeout, less a one-second margin', () => {
    assert.equal(deadlineOf(10_000, 60), 69_000);
    assert.equal(deadlineOf(10_000, undefined), undefined);
  });
});

describe('bounded concurrency', () => {
  it('keeps at most the limit in flight and the results in input order', async () => {
    let inFlight = 0;
    let peak = 0;
    const items = Array.from({ length: 20 }, (_, i) => i);

    const results = await mapPool(items, 4, async (item) => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setImmediate(resolve));
      inFlight -= 1;
      return item * 2;
    });

    assert.equal(peak, 4);
    assert.deepEqual(
      results,
      items.map((i) => i * 2),
    );
  });

  it('rejects with the first failure and starts no new item after it', async () => {
    const started: number[] = [];

    await assert.rejects(
      mapPool([1, 2, 3, 4, 5], 1, async (item) => {
        started.push(item);
        if (item === 2) throw new Error('lookup failed');
        return item;
      }),
      { message: 'lookup failed' },
    );

    assert.deepEqual(started, [1, 2]);
  });

  it('refuses a limit below 1', async () => {
    await assert.rejects(
      mapPool([1], 0, async (x) => x),
      RangeError,
    );
  });
});
