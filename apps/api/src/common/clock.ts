import { performance } from 'node:perf_hooks';

/**
 * The time source. Everything that asks "what time is it" (schedules, the engine, caches) injects this,
 * so tests can move time instead of sleeping for real minutes.
 *
 * Two readings: `now()` is the wall clock (when windows start and end, what is stored), which an operator or
 * NTP may step; `monotonicMs()` only ever moves forward at the rate time passes, for durations (build timeouts,
 * backoffs, lease validity), so that a clock step neither fails nor expires anything.
 */
export abstract class Clock {
  abstract now(): Date;
  /** Milliseconds from an arbitrary origin; never goes back, unaffected by wall-clock steps. */
  abstract monotonicMs(): number;
}

export class SystemClock extends Clock {
  now(): Date {
    return new Date();
  }

  monotonicMs(): number {
    return performance.now();
  }
}

/** A clock that tests set and advance by hand. */
export class ManualClock extends Clock {
  private elapsed = 0;

  constructor(private current: Date = new Date()) {
    super();
  }

  now(): Date {
    return new Date(this.current.getTime());
  }

  monotonicMs(): number {
    return this.elapsed;
  }

  /** Sets the wall clock; moving it forward counts as time passing, moving it back does not. */
  set(instant: Date | string): void {
    const next = new Date(instant);
    this.elapsed += Math.max(0, next.getTime() - this.current.getTime());
    this.current = next;
  }

  /** Time passes: both readings move. */
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
    this.elapsed += ms;
  }

  /** The wall clock is stepped (NTP, an operator), no time passes: only `now()` moves. */
  jump(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}
