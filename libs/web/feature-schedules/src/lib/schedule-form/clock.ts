import { InjectionToken } from '@angular/core';

/** The current time, for what the form says about "now" (a new one-off's default date, "starts in …"); tests fix it. */
export const FORM_CLOCK = new InjectionToken<() => Date>('the current time of the schedule form', {
  providedIn: 'root',
  factory: () => () => new Date(),
});
