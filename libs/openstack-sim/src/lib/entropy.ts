import { randomFillSync } from 'node:crypto';

const POOL_BYTES = 4096;
const pool = Buffer.alloc(POOL_BYTES);
let offset = POOL_BYTES;

/**
 * Cryptographically random bytes for the ids, passwords and MAC addresses the simulator makes, drawn from a pool
 * refilled 4 KB at a time (as Node's own `randomUUID` does) instead of one `randomBytes` call each: a create asks for
 * three such values, and a window of 500 creates made them a tenth of the simulator's CPU.
 */
export function randomBytesFromPool(size: number): Buffer {
  if (size > POOL_BYTES) return randomFillSync(Buffer.alloc(size));
  if (offset + size > POOL_BYTES) {
    randomFillSync(pool);
    offset = 0;
  }
  const bytes = Buffer.from(pool.subarray(offset, offset + size));
  offset += size;
  return bytes;
}
