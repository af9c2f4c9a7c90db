import { setTimeout as sleep } from 'node:timers/promises';
import { mapWithConcurrency } from './concurrency';

describe(mapWithConcurrency.name, () => {
  it('never has more than `limit` tasks in flight, and runs them in parallel up to it', async () => {
    let inFlight = 0;
    let peak = 0;
    await mapWithConcurrency(
      Array.from({ length: 20 }, (_, i) => i),
      5,
      async () => {
        peak = Math.max(peak, ++inFlight);
        await sleep(20);
        inFlight--;
      },
    );
    expect(peak).toBe(5);
  });

  it('keeps results in input order and reports failures without stopping the others', async () => {
    const results = await mapWithConcurrency([1, 2, 3, 4], 2, async (n) => {
      await sleep(5 * (5 - n));
      if (n === 2) throw new Error('boom');
      return n * 10;
    });
    expect(results).toEqual([
      { status: 'fulfilled', value: 10 },
      { status: 'rejected', reason: new Error('boom') },
      { status: 'fulfilled', value: 30 },
      { status: 'fulfilled', value: 40 },
    ]);
  });

  it('handles an empty list', async () => {
    await expect(mapWithConcurrency([], 3, async () => 1)).resolves.toEqual([]);
  });
});
