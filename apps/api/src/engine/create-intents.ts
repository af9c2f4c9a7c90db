import type { SlotRecord } from './planner';

/**
 * The create intents of a pass's new slots, written a chunk at a time instead of one statement per create: the
 * first create of a chunk to go out writes the intents of its whole chunk (one statement), and the others of the
 * chunk find theirs already written. Creates are sent in order, so a chunk (as large as the engine's concurrency)
 * is written just before its creates; each create still waits for its own intent, so no `POST /servers` goes out
 * before the database knows of it. Once a chunk asked for is written, the next one is written too, while the first
 * one's creates are out: when its creates' turn comes, their intents are already there (one chunk ahead, no more).
 *
 * The price: if the lease is lost in the middle of a chunk, that chunk's creates not sent yet, and the next chunk's,
 * are recorded as sent (CREATING, one attempt more). The next leader treats them like any create whose answer was
 * lost: it looks for them by tags, finds none, and creates them once their grace period is over.
 */
export class CreateIntents {
  private readonly chunkOf = new Map<string, number>();
  private readonly written = new Map<number, Promise<void>>();
  /** The chunks a create asked for (each starts the next one's write once it is written). */
  private readonly asked = new Set<number>();
  private readonly chunks: readonly (readonly SlotRecord[])[];

  /**
   * `slots`: the new slots to create, in the order their creates go out. `write`: records a chunk's intents (it
   * marks each slot CREATING and counts the attempt).
   */
  constructor(
    slots: readonly SlotRecord[],
    chunkSize: number,
    private readonly write: (chunk: readonly SlotRecord[]) => Promise<void>,
  ) {
    const size = Math.max(1, chunkSize);
    slots.forEach((slot, i) => this.chunkOf.set(slot.id, Math.floor(i / size)));
    this.chunks = Array.from({ length: Math.ceil(slots.length / size) }, (_, i) => slots.slice(i * size, (i + 1) * size));
  }

  /** Whether this slot's intent is written here (by its chunk), not by its own create. */
  has(slotId: string): boolean {
    return this.chunkOf.has(slotId);
  }

  /** Resolves once this slot's intent is on the database (writing its chunk's now if none did yet). */
  ready(slotId: string): Promise<void> {
    const index = this.chunkOf.get(slotId);
    if (index === undefined) return Promise.resolve();
    const written = this.chunk(index);
    if (!this.asked.has(index)) {
      this.asked.add(index);
      if (index + 1 < this.chunks.length)
        written.then(
          () => void this.chunk(index + 1).catch(() => undefined),
          () => undefined,
        );
    }
    return written;
  }

  /** The write of a chunk's intents, started on first use. */
  private chunk(index: number): Promise<void> {
    let written = this.written.get(index);
    if (!written) {
      written = this.write(this.chunks[index] ?? []);
      this.written.set(index, written);
    }
    return written;
  }
}
