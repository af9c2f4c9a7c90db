import { instantOfWallTime, localDateString, wallTimeAt } from './wall-time';

describe('wall time', () => {
  it('reads an instant as the clock in a zone', () => {
    expect(wallTimeAt(new Date('2026-07-15T06:30:00Z'), 'Europe/Paris')).toEqual({
      year: 2026,
      month: 7,
      day: 15,
      hour: 8,
      minute: 30,
    });
  });

  it.each([
    ['winter', { year: 2026, month: 1, day: 10, hour: 8, minute: 0 }, 'Europe/Paris', '2026-01-10T07:00:00.000Z'],
    ['summer', { year: 2026, month: 7, day: 10, hour: 8, minute: 0 }, 'Europe/Paris', '2026-07-10T06:00:00.000Z'],
    ['half-hour zone', { year: 2026, month: 7, day: 10, hour: 8, minute: 0 }, 'Asia/Kolkata', '2026-07-10T02:30:00.000Z'],
    ['west of UTC', { year: 2026, month: 7, day: 10, hour: 23, minute: 15 }, 'America/Los_Angeles', '2026-07-11T06:15:00.000Z'],
    ['UTC', { year: 2026, month: 3, day: 29, hour: 2, minute: 30 }, 'UTC', '2026-03-29T02:30:00.000Z'],
  ])('turns a %s wall time into its instant', (_case, wall, zone, expected) => {
    expect(instantOfWallTime(wall, zone).toISOString()).toBe(expected);
  });

  it('moves a time in the spring-forward gap forward by the gap', () => {
    // 02:30 does not exist in Paris on 29 March 2026 (02:00 → 03:00): 03:30 CEST.
    const sut = instantOfWallTime({ year: 2026, month: 3, day: 29, hour: 2, minute: 30 }, 'Europe/Paris');

    expect(sut.toISOString()).toBe('2026-03-29T01:30:00.000Z');
  });

  it('takes the first of a repeated time at fall back', () => {
    // 02:30 happens twice in Paris on 25 October 2026: first at CEST (00:30 UTC).
    const sut = instantOfWallTime({ year: 2026, month: 10, day: 25, hour: 2, minute: 30 }, 'Europe/Paris');

    expect(sut.toISOString()).toBe('2026-10-25T00:30:00.000Z');
  });

  it('formats a picked calendar date without shifting it through UTC', () => {
    expect(localDateString(new Date(2026, 11, 31, 23, 30))).toBe('2026-12-31');
  });
});
