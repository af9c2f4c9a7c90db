import { browserTimeZone, formatTimeInZone, ianaTimeZones, offsetLabel } from './time-zones';

describe('time zones', () => {
  it('lists the full IANA set, sorted, with UTC and the browser zone', () => {
    const sut = ianaTimeZones();

    expect(sut.length).toBeGreaterThan(300);
    expect(sut).toEqual(expect.arrayContaining(['UTC', 'Europe/Paris', 'America/New_York', browserTimeZone()]));
    expect([...sut].sort((a, b) => a.localeCompare(b))).toEqual(sut);
  });

  it('names the offset in force at an instant, so DST shows', () => {
    expect(offsetLabel('2026-01-15T12:00:00Z', 'Europe/Paris')).toBe('GMT+1');
    expect(offsetLabel('2026-07-15T12:00:00Z', 'Europe/Paris')).toBe('GMT+2');
    expect(offsetLabel('2026-07-15T12:00:00Z', 'Asia/Kolkata')).toBe('GMT+5:30');
  });

  it('formats an instant in the given zone, not the machine zone', () => {
    expect(formatTimeInZone('2026-07-15T06:00:00Z', 'Europe/Paris', 'en-GB')).toBe('08:00');
    expect(formatTimeInZone('2026-07-15T06:00:00Z', 'America/New_York', 'en-GB')).toBe('02:00');
  });
});
