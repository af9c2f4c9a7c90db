/** The browser's IANA zone, the default for new schedules (a person usually plans in their own zone). */
export function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

let cachedZones: readonly string[] | undefined;

/**
 * Every IANA zone the browser knows, sorted. `Intl.supportedValuesOf` omits `UTC` in some engines, and the
 * browser's own zone may be an alias missing from the canonical list, so both are added.
 */
export function ianaTimeZones(): readonly string[] {
  if (!cachedZones) {
    const zones = new Set(Intl.supportedValuesOf('timeZone'));
    zones.add('UTC');
    zones.add(browserTimeZone());
    cachedZones = [...zones].sort((a, b) => a.localeCompare(b));
  }
  return cachedZones;
}

/** `GMT+2`, `GMT-5`, `GMT+5:30`: the zone's offset at that instant, as the browser names it. */
export function offsetLabel(instant: Date | string, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'shortOffset' }).formatToParts(new Date(instant));
  return parts.find((p) => p.type === 'timeZoneName')?.value ?? timeZone;
}

/** An instant as a person in `timeZone` reads it, e.g. `Mon, 30 Mar 2026, 08:00`. */
export function formatInZone(instant: Date | string, timeZone: string, locale?: string): string {
  return new Intl.DateTimeFormat(locale, {
    timeZone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  }).format(new Date(instant));
}

/** Time of day only, e.g. `08:00`. */
export function formatTimeInZone(instant: Date | string, timeZone: string, locale?: string): string {
  return new Intl.DateTimeFormat(locale, { timeZone, hour: '2-digit', minute: '2-digit' }).format(new Date(instant));
}
