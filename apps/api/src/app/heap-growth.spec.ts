import { join } from 'node:path';
import { appConfig } from '../config/app.config';
import { runInFreshNode } from '../testing/fresh-node';

/**
 * The old generation of a fresh Node process under `limitHeapGrowth(percent)` (V8's own policy for 0; the module
 * compiled on its own, so the process holds little besides the workload): it keeps about 70 MB alive while making
 * objects that outlive young collections and die in the old generation, as request objects do under load (a ring of
 * 400 arrays, each replaced 400 iterations after it was made). `peak`: the largest old generation seen after a
 * warm-up; `live`: what a full collection keeps of it at the end; `fullCollections`: how many ran meanwhile.
 */
function oldSpaceWhileChurning(percent: number): { peak: number; live: number; fullCollections: number } {
  const program = `
    const { getHeapSpaceStatistics, GCProfiler } = require('node:v8');
    const oldSpace = () => getHeapSpaceStatistics().find((space) => space.space_name === 'old_space').space_used_size;
    if (${percent} > 0) require(MODULES['heap-growth']).limitHeapGrowth(${percent});
    const profiler = new GCProfiler();
    profiler.start();
    const ring = new Array(400);
    let peak = 0;
    for (let i = 0; i < 12000; i++) {
      ring[i % ring.length] = Array.from({ length: 1500 }, (_, j) => ({ j, pair: [i, j] }));
      if (i >= 4000 && i % 50 === 0) peak = Math.max(peak, oldSpace());
    }
    const fullCollections = profiler.stop().statistics.filter((collection) => collection.gcType === 'MarkSweepCompact').length;
    gc();
    process.stdout.write(JSON.stringify({ peak, live: oldSpace(), fullCollections, kept: ring.length }));`;
  return runInFreshNode(program, { modules: [join(__dirname, 'heap-growth.ts')], nodeArgs: ['--expose-gc'] });
}

describe('limitHeapGrowth', () => {
  it('makes V8 collect the old generation well before its own policy would, so it holds less garbage', () => {
    const limited = oldSpaceWhileChurning(50);
    const own = oldSpaceWhileChurning(0);

    // Measured: 23-24 full collections against 6 on Node 20, 13-14 against 5 on Node 24.
    expect(limited.fullCollections).toBeGreaterThan(1.5 * own.fullCollections);
    // On its own policy V8 lets this workload reach 6 times what is alive; at 50 %, 2.5-2.8 times on Node 20. Node
    // 24's V8 keeps marking while the workload allocates, and its peak at 50 % varies from run to run (2.5-4.1
    // times), so the peak is held to a bound on Node 20 only.
    if (process.versions.node.startsWith('20.')) expect(limited.peak / limited.live).toBeLessThan(3.5);
  });
});

describe('HEAP_GROWTH_PERCENT', () => {
  const unset = () => delete process.env['HEAP_GROWTH_PERCENT'];
  beforeEach(unset);
  afterEach(unset);

  it("leaves V8's policy unless told otherwise, and refuses a growth beyond 300 %, naming the variable", () => {
    expect(appConfig().heapGrowthPercent).toBe(0);
    process.env['HEAP_GROWTH_PERCENT'] = '50';
    expect(appConfig().heapGrowthPercent).toBe(50);
    process.env['HEAP_GROWTH_PERCENT'] = '301';
    expect(() => appConfig()).toThrow(/HEAP_GROWTH_PERCENT: must be an integer from 0 to 300/);
  });
});
