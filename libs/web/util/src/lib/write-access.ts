import { InjectionToken, Signal, signal } from '@angular/core';

/**
 * Whether the logged-in user may create, change and delete schedules, so pages offer only what the API would
 * accept. The app provides it from the session (`AuthSession.canWrite`); without a provider it is `true`: the
 * API stays the authority and refuses a write without a write role (403), so a feature used on its own loses
 * nothing but the hint.
 */
export const WRITE_ACCESS = new InjectionToken<Signal<boolean>>('WRITE_ACCESS', {
  providedIn: 'root',
  factory: () => signal(true).asReadonly(),
});
