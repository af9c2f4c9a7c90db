import type { Clock } from '../../common/clock';

/**
 * The last answer of a probe, kept for `ttlMs` on the monotonic clock (a duration: a wall-clock step neither expires
 * nor freezes it), so that orchestrators probing every few seconds cost one real check per interval, and a burst of
 * probes arriving together shares one check.
 */
export class ProbeCache<T> {
  private last?: { at: number; value: T };
  /** The check under way: probes arriving meanwhile wait for it rather than starting their own. */
  private pending?: Promise<T>;

  constructor(
    private readonly clock: Clock,
    private readonly ttlMs: number,
    private readonly probe: () => Promise<T>,
  ) {}

  get(): Promise<T> {
    const now = this.clock.monotonicMs();
    if (this.last && now - this.last.at < this.ttlMs) return Promise.resolve(this.last.value);
    this.pending ??= this.probe()
      .then((value) => {
        this.last = { at: now, value };
        return value;
      })
      .finally(() => {
        this.pending = undefined;
      });
    return this.pending;
  }
}
