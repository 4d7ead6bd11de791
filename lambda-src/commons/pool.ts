/**
 * Maps `items` through `work` with at most `limit` calls in flight, keeping the order of `items` in the result.
 * Discovery calls (one lookup per load balancer) go through it, so that a large fleet does not throttle itself.
 * The first failure rejects the whole map (calls already started still finish).
 *
 * @example
 * const groups = await mapPool(loadBalancerIds, 4, (id) => slb.vServerGroupIds(id));
 */
export async function mapPool<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  if (!Number.isInteger(limit) || limit < 1)
    throw new RangeError(`pool limit must be a positive integer, got ${limit}`);
  const results: R[] = new Array(items.length);
  let next = 0;
  let failed = false;
  const lane = async (): Promise<void> => {
    while (!failed && next < items.length) {
      const index = next++;
      try {
        results[index] = await work(items[index], index);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}

/** Lookups in flight at once during discovery. */
export const DISCOVERY_CONCURRENCY = 4;
