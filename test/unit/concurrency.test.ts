import { describe, expect, it } from 'vitest';
import { mapLimit } from '../../shared/concurrency';

describe('mapLimit', () => {
  it('maps every item in order, never more than the limit at once', async () => {
    // Prepare
    let running = 0;
    let most = 0;
    const items = [5, 1, 4, 2, 3, 0, 6];
    const double = async (n: number): Promise<number> => {
      running += 1;
      most = Math.max(most, running);
      for (let i = 0; i < n; i++) await Promise.resolve();
      running -= 1;
      return n * 2;
    };

    // Act
    const results = await mapLimit(items, 3, double);

    // Assess
    expect(results).toEqual([10, 2, 8, 4, 6, 0, 12]);
    expect(most).toBe(3);
  });

  it('maps nothing for no items', async () => {
    expect(await mapLimit([], 4, async () => 1)).toEqual([]);
  });
});
