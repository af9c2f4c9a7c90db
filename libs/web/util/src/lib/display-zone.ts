import { computed, inject, Injectable, InjectionToken, Signal, signal } from '@angular/core';
import { browserTimeZone } from './time-zones';

/** Whose clock window times are shown on: the viewer's (the browser's zone) or each schedule's own zone. */
export type DisplayZoneChoice = 'mine' | 'schedule';

/** What the console showed before there was a choice, and still shows until a user picks. */
export const DEFAULT_DISPLAY_ZONE: DisplayZoneChoice = 'schedule';

/**
 * The logged-in user's Keystone id, null when nobody is. The app provides it from the session; without a provider
 * nobody is logged in and the choice lasts only as long as the page.
 */
export const CURRENT_USER_ID = new InjectionToken<Signal<string | null>>('CURRENT_USER_ID', {
  providedIn: 'root',
  factory: () => signal<string | null>(null).asReadonly(),
});

/** The viewer's own zone (the browser's); a token so that tests can pick one whatever the machine's zone. */
export const BROWSER_TIME_ZONE = new InjectionToken<string>('BROWSER_TIME_ZONE', { providedIn: 'root', factory: browserTimeZone });

/** Local storage key of one user's choice: per user, so people sharing a browser keep their own. */
export function displayZoneStorageKey(userId: string): string {
  return `peak.displayZone.${userId}`;
}

/**
 * Which zone pages show window times in, remembered per user in local storage (a display preference, not a secret:
 * it outlives the session on purpose). Pages ask `zoneFor(schedule.timeZone)` and show the zone's name beside times.
 */
@Injectable({ providedIn: 'root' })
export class DisplayZone {
  private readonly userId = inject(CURRENT_USER_ID);
  /** The viewer's own zone. */
  readonly browserZone = inject(BROWSER_TIME_ZONE);
  /** Choices made in this page view, per user id ('' for nobody): they hold even where storage is disabled. */
  private readonly picked = signal<Readonly<Record<string, DisplayZoneChoice>>>({});

  readonly choice: Signal<DisplayZoneChoice> = computed(() => {
    const userId = this.userId();
    const picked = this.picked()[userId ?? ''];
    if (picked !== undefined) return picked;
    return (userId === null ? null : readChoice(displayZoneStorageKey(userId))) ?? DEFAULT_DISPLAY_ZONE;
  });

  set(choice: DisplayZoneChoice): void {
    const userId = this.userId();
    if (userId !== null) writeChoice(displayZoneStorageKey(userId), choice);
    this.picked.update((picked) => ({ ...picked, [userId ?? '']: choice }));
  }

  /** The zone to show a schedule's times in. */
  zoneFor(scheduleZone: string): string {
    return this.choice() === 'mine' ? this.browserZone : scheduleZone;
  }
}

function readChoice(key: string): DisplayZoneChoice | null {
  try {
    const stored = localStorage.getItem(key);
    return stored === 'mine' || stored === 'schedule' ? stored : null;
  } catch {
    // Storage disabled (private mode, policy): the default then.
    return null;
  }
}

function writeChoice(key: string, choice: DisplayZoneChoice): void {
  try {
    localStorage.setItem(key, choice);
  } catch {
    // Storage disabled or full: the choice then lasts for this page view only.
  }
}
