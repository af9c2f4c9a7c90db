import type { Clock } from '../../common/clock';

/**
 * The last answer of a probe, kept for `ttlMs` on the monotonic clock (a duration: a wall-clock step neither expires
 * nor freezes it), so that orchestrators probing every few seconds cost one real check per interval.
 */
export class ProbeCache<T> {
  private last?: { at: number; value: T };

  constructor(
    private readonly clock: Clock,
    private readonly ttlMs: number,
    private readonly probe: () => Promise<T>,
  ) {}

  async get(): Promise<T> {
    const now = this.clock.monotonicMs();
    if (!this.last || now - this.last.at >= this.ttlMs) this.last = { at: now, value: await this.probe() };
    return this.last.value;
  }
}
