import { findOverlap, OverlapCheckInput } from './overlap';

const from = new Date('2026-01-01T00:00:00Z');
const check = (input: Partial<OverlapCheckInput> & Pick<OverlapCheckInput, 'cron' | 'durationMinutes'>) =>
  findOverlap({ timeZone: 'UTC', leadTimeMinutes: 0, from, ...input });

describe(findOverlap.name, () => {
  it('allows back-to-back windows (end = next start)', () => {
    expect(check({ cron: '0 * * * *', durationMinutes: 60 })).toBeNull();
  });

  it('rejects a duration longer than the period, naming the two starts', () => {
    expect(check({ cron: '0 * * * *', durationMinutes: 61 })).toEqual({
      gapMinutes: 60,
      neededMinutes: 61,
      first: '2026-01-01T00:00',
      second: '2026-01-01T01:00',
    });
  });

  it('counts the lead time as part of the window', () => {
    expect(check({ cron: '0 * * * *', durationMinutes: 50, leadTimeMinutes: 10 })).toBeNull();
    expect(check({ cron: '0 * * * *', durationMinutes: 50, leadTimeMinutes: 11 })?.neededMinutes).toBe(61);
  });

  it('uses the smallest gap of an irregular pattern, within a day and across days', () => {
    expect(check({ cron: '0 8,12,13 * * *', durationMinutes: 61 })?.gapMinutes).toBe(60);
    expect(check({ cron: '0 1,23 * * *', durationMinutes: 121 })?.gapMinutes).toBe(120);
    expect(check({ cron: '0 9 * * 1-5', durationMinutes: 24 * 60 })).toBeNull();
    expect(check({ cron: '0 9 * * 1,3,5', durationMinutes: 2 * 24 * 60 + 1 })?.gapMinutes).toBe(2 * 24 * 60);
  });

  it('finds month-length and leap-year gaps', () => {
    // February is the shortest month: 28 days, except in leap years.
    expect(check({ cron: '0 0 1 * *', durationMinutes: 28 * 24 * 60 })).toBeNull();
    expect(check({ cron: '0 0 1 * *', durationMinutes: 29 * 24 * 60 })?.first).toBe('2026-02-01T00:00');
    expect(check({ cron: '0 0 29 2 *', durationMinutes: 4 * 365 * 24 * 60 })).toBeNull();
  });

  it('a daily 24-hour window fits in UTC but not in a zone with a 23-hour day', () => {
    expect(check({ cron: '0 9 * * *', durationMinutes: 24 * 60 })).toBeNull();
    expect(
      check({
        cron: '0 9 * * *',
        durationMinutes: 24 * 60,
        timeZone: 'Europe/Rome',
      }),
    ).toEqual({
      gapMinutes: 23 * 60,
      neededMinutes: 24 * 60,
      first: '2026-03-28T09:00:00+01:00',
      second: '2026-03-29T09:00:00+02:00',
    });
  });

  it('a weekly 7-day window overlaps across the New York spring-forward', () => {
    expect(
      check({
        cron: '0 9 * * 1',
        durationMinutes: 7 * 24 * 60,
        timeZone: 'America/New_York',
      })?.gapMinutes,
    ).toBe(7 * 24 * 60 - 60);
  });

  it('sees gaps shrunk by a start moved out of a spring-forward gap', () => {
    // On the wall clock 02:30 and 03:30 are an hour apart; on 2026-03-29 02:30 becomes 03:00 CEST.
    const input = {
      cron: '30 2,3 * * *',
      durationMinutes: 45,
      timeZone: 'Europe/Rome',
    };
    expect(check({ ...input, timeZone: 'UTC' })).toBeNull();
    expect(check(input)).toEqual({
      gapMinutes: 30,
      neededMinutes: 45,
      first: '2026-03-29T03:00:00+02:00',
      second: '2026-03-29T03:30:00+02:00',
    });
  });

  it('sees the 30-minute shift of Lord Howe Island', () => {
    const input = {
      cron: '15 1,2 * * *',
      durationMinutes: 50,
      timeZone: 'Australia/Lord_Howe',
    };
    expect(check(input)).toEqual({
      gapMinutes: 45,
      neededMinutes: 50,
      first: '2026-10-04T01:15:00+10:30',
      second: '2026-10-04T02:30:00+11:00',
    });
    expect(check({ ...input, durationMinutes: 45 })).toBeNull();
  });

  it('checks only up to validUntil', () => {
    const input = {
      cron: '0 9 * * *',
      durationMinutes: 24 * 60,
      timeZone: 'Europe/Rome',
    };
    expect(check({ ...input, until: new Date('2026-03-01T00:00:00Z') })).toBeNull();
  });

  it('handles dense patterns', () => {
    expect(check({ cron: '* * * * *', durationMinutes: 1, timeZone: 'Europe/Rome' })).toBeNull();
    expect(
      check({
        cron: '*/5 * * * 1,3,5',
        durationMinutes: 5,
        timeZone: 'America/New_York',
      }),
    ).toBeNull();
    expect(check({ cron: '* * * * *', durationMinutes: 2, timeZone: 'Europe/Rome' })?.gapMinutes).toBe(1);
  });
});
