import type { Clock } from '../common/clock';

interface Entry<T> {
  value: T;
  expiresAt: number;
}

/**
 * A small time-boxed cache with single flight: concurrent callers of a missing key share one upstream
 * call, so a console opening three selects at once costs the cloud one request per list, not three.
 * Failures are not cached.
 */
export class TtlCache<T> {
  private readonly entries = new Map<string, Entry<T>>();
  private readonly inFlight = new Map<string, Promise<T>>();

  constructor(
    private readonly ttlMs: number,
    private readonly clock: Clock,
  ) {}

  async get(key: string, load: () => Promise<T>, options: { refresh?: boolean } = {}): Promise<T> {
    const now = this.clock.now().getTime();
    const cached = this.entries.get(key);
    if (!options.refresh && cached && cached.expiresAt > now) return cached.value;

    const pending = this.inFlight.get(key);
    if (pending) return pending;

    const loading = load()
      .then((value) => {
        if (this.ttlMs > 0) {
          const at = this.clock.now().getTime();
          this.sweep(at);
          this.entries.set(key, { value, expiresAt: at + this.ttlMs });
        }
        return value;
      })
      .finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, loading);
    return loading;
  }

  /** Drops expired entries, so that keys nobody asks for again (a project's, a token's) do not pile up. */
  private sweep(now: number): void {
    for (const [key, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(key);
  }

  invalidate(key?: string): void {
    if (key === undefined) this.entries.clear();
    else this.entries.delete(key);
  }
}
