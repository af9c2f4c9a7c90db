import { inject, InjectionToken, Signal } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { interval, map, Observable } from 'rxjs';

/**
 * The time pages read to decide what is past (a window that ended, a one-off running now), and when to read it
 * again. Tests provide their own, so what a page says never depends on the wall clock.
 */
export interface PageClock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Emits whenever the time should be read again. */
  readonly ticks: Observable<unknown>;
}

/** A second is fine enough for windows that start and end on minutes. */
const TICK_MS = 1000;

export const PAGE_CLOCK = new InjectionToken<PageClock>('PAGE_CLOCK', {
  providedIn: 'root',
  factory: () => ({ now: () => Date.now(), ticks: interval(TICK_MS) }),
});

/** The clock's time, read again on each tick (call in an injection context). */
export function injectNow(): Signal<number> {
  const clock = inject(PAGE_CLOCK);
  return toSignal(clock.ticks.pipe(map(() => clock.now())), { initialValue: clock.now() });
}
