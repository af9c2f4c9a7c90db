import { join } from 'node:path';
import { runInFreshNode } from '../testing/fresh-node';

/**
 * In a fresh Node process: the young generation's size (V8's `new_space`, in MB) after allocating short-lived objects
 * fast with this module imported (`held`), and after the same once `releaseYoungGeneration()` ran (`released`).
 */
function youngGenerationHeldThenReleased(): { held: number; released: number } {
  const program = `
    const { getHeapSpaceStatistics } = require('node:v8');
    const youngMb = () => getHeapSpaceStatistics().find((space) => space.space_name === 'new_space').space_size / 1e6;
    const allocate = () => {
      let batch = [];
      for (let i = 0; i < 3_000_000; i++) {
        batch.push({ i, text: 'item ' + i });
        if (batch.length === 20_000) batch = [];
      }
    };
    const { releaseYoungGeneration } = require(MODULES['young-generation']);
    allocate();
    const held = youngMb();
    releaseYoungGeneration();
    allocate();
    process.stdout.write(JSON.stringify({ held, released: youngMb() }));`;
  return runInFreshNode(program, { modules: [join(__dirname, 'young-generation.ts')] });
}

describe('young-generation', () => {
  it('holds the young generation at its initial size until released, then lets V8 grow it under the same allocation', () => {
    const { held, released } = youngGenerationHeldThenReleased();

    // Measured: 2.1 MB held on Node 20 and 24; released, 33.6 MB on Node 20 and 67.1 MB on Node 24.
    expect(held).toBeLessThan(5);
    expect(released).toBeGreaterThan(4 * held);
  });
});
