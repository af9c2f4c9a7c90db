import { randomBytesFromPool } from './entropy';

describe(randomBytesFromPool.name, () => {
  it('gives the size asked for, each time different bytes, across refills of its pool', () => {
    const seen = new Set<string>();
    // 2,000 draws of 9 bytes: more than four refills of the 4 KB pool.
    for (let i = 0; i < 2000; i++) {
      const bytes = randomBytesFromPool(9);
      expect(bytes).toHaveLength(9);
      seen.add(bytes.toString('hex'));
    }
    expect(seen.size).toBe(2000);
    expect(randomBytesFromPool(10_000)).toHaveLength(10_000);
  });

  it('hands out copies: refilling the pool leaves the bytes given earlier as they were', () => {
    const first = randomBytesFromPool(16);
    const kept = Buffer.from(first);
    for (let drawn = 0; drawn < 8192; drawn += 512) randomBytesFromPool(512);
    expect(first.equals(kept)).toBe(true);
  });
});
