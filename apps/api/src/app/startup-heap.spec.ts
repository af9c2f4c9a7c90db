import { join } from 'node:path';
import { runInFreshNode } from '../testing/fresh-node';

interface Outcome {
  /** The old generation's resident size (MB) with the garbage in it, and after the collection. */
  before: number;
  after: number;
  /** Objects still alive afterwards, and what `typeof gc` says in the program's own context. */
  kept: number;
  gcGlobal: string;
}

/**
 * In a fresh Node process: objects that outlive young collections (held while allocated), then all but one in 50
 * dropped, so that no page of the old generation is left empty; then either `compactStartupHeap()` or (the control,
 * with `--expose-gc`) a plain full collection.
 */
function oldGenerationAround(collect: 'compact' | 'plain'): Outcome {
  const program = `
    const { getHeapSpaceStatistics } = require('node:v8');
    const oldMb = () => getHeapSpaceStatistics().find((space) => space.space_name === 'old_space').physical_space_size / 1e6;
    let all = [];
    for (let i = 0; i < 400_000; i++) all.push({ i, text: 'item ' + i });
    const kept = all.filter((_, i) => i % 50 === 0);
    all = null;
    const before = oldMb();
    ${collect === 'compact' ? `require(MODULES['startup-heap']).compactStartupHeap();` : 'gc();'}
    const after = oldMb();
    process.stdout.write(JSON.stringify({ before, after, kept: kept.length, gcGlobal: typeof gc }));`;
  return runInFreshNode(program, {
    modules: [join(__dirname, 'startup-heap.ts')],
    nodeArgs: collect === 'plain' ? ['--expose-gc'] : [],
  });
}

describe('startup-heap', () => {
  it("gives back the pages of the garbage a full collection frees in place, and leaves no gc() in the program's globals", () => {
    const plain = oldGenerationAround('plain');
    const compacted = oldGenerationAround('compact');

    // Measured: 29.9 MB of old generation before on Node 20, 19.4 MB on Node 24; the same after a plain full
    // collection; 4.2 and 4.5 MB compacted.
    expect(plain.before).toBeGreaterThan(15);
    expect(plain.after).toBeGreaterThan(0.8 * plain.before);
    expect(compacted.after).toBeLessThan(0.4 * compacted.before);
    expect(compacted.kept).toBe(8000);
    expect(compacted.gcGlobal).toBe('undefined');
  });
});
