import { describe, expect, it } from 'vitest';
import { mapLimited } from '../../src/steps/map-limited.js';

describe('mapLimited', () => {
  it('never has more than the limit under way, starts items in order and returns results in item order', async () => {
    let running = 0;
    let most = 0;
    const startOrder: number[] = [];
    const releases: (() => void)[] = [];
    const done = mapLimited([0, 1, 2, 3, 4, 5, 6], 3, async (item) => {
      startOrder.push(item);
      running++;
      most = Math.max(most, running);
      await new Promise<void>((resolve) => releases.push(resolve));
      running--;
      return item * 10;
    });
    // Release the waiting items last-started first, one at a time, until all ended.
    while (startOrder.length < 7 || releases.length > 0) {
      await new Promise((resolve) => setImmediate(resolve));
      releases.pop()?.();
    }
    expect(await done).toEqual([0, 10, 20, 30, 40, 50, 60]);
    expect(most).toBe(3);
    expect(startOrder).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('handles no items and a limit above the count', async () => {
    expect(await mapLimited([], 4, async () => 1)).toEqual([]);
    expect(await mapLimited(['a'], 4, async (item, index) => `${item}${index}`)).toEqual(['a0']);
  });
});
