import { RecurringWindowSpec, ScheduleTiming } from './schedule-timing';
import { validateTiming } from './validation';

const now = new Date('2026-05-01T10:00:00Z');
const d = (iso: string) => new Date(iso);

function recurring(window: Partial<RecurringWindowSpec> = {}, timing: Partial<ScheduleTiming> = {}): ScheduleTiming {
  return {
    timeZone: 'Europe/Rome',
    leadTimeMinutes: 10,
    ...timing,
    window: {
      type: 'recurring',
      cron: '0 9 * * 1-5',
      durationMinutes: 480,
      ...window,
    },
  };
}

describe(validateTiming.name, () => {
  it('accepts a valid recurring and a valid one-off timing', () => {
    expect(validateTiming(recurring(), now)).toEqual([]);
    expect(
      validateTiming(
        {
          timeZone: 'UTC',
          leadTimeMinutes: 0,
          window: {
            type: 'once',
            startAt: d('2026-05-02T08:00:00Z'),
            endAt: d('2026-05-02T09:00:00Z'),
          },
        },
        now,
      ),
    ).toEqual([]);
  });

  it('names an unknown time zone', () => {
    expect(validateTiming(recurring({}, { timeZone: 'Europe/Atlantis' }), now)).toEqual([
      {
        field: 'timeZone',
        reason: 'must be an IANA time zone such as Europe/Rome or UTC',
      },
    ]);
  });

  it('names an invalid cron expression with the reason', () => {
    expect(validateTiming(recurring({ cron: '0 25 * * *' }), now)).toEqual([
      {
        field: 'window.cron',
        reason: 'must be a valid 5-field cron expression: hour 25 is out of range 0-23',
      },
    ]);
  });

  it('rejects a one-off window that ends before it starts or starts in the past', () => {
    const issues = validateTiming(
      {
        timeZone: 'UTC',
        leadTimeMinutes: 0,
        window: {
          type: 'once',
          startAt: d('2026-05-01T09:00:00Z'),
          endAt: d('2026-05-01T09:00:00Z'),
        },
      },
      now,
    );
    expect(issues).toEqual([
      {
        field: 'window.startAt',
        reason: 'is already past (now is 2026-05-01T10:00:00.000Z)',
      },
      { field: 'window.endAt', reason: 'must be after startAt' },
    ]);
  });

  it('rejects a zero or overlong duration', () => {
    expect(validateTiming(recurring({ durationMinutes: 0 }), now)).toEqual([
      {
        field: 'window.durationMinutes',
        reason: 'must be a whole number of minutes from 1 to 527040',
      },
    ]);
    expect(validateTiming(recurring({ durationMinutes: 2 * 24 * 60 }), now)).toEqual([
      {
        field: 'window.durationMinutes',
        reason:
          'windows would overlap: each needs 2890 minutes (lead time 10 + duration 2880) but starts 2026-05-04T09:00 and ' +
          '2026-05-05T09:00 are only 1440 minutes apart (checked over 10 years, DST changes included)',
      },
    ]);
  });

  it('rejects a negative or fractional lead time', () => {
    expect(validateTiming(recurring({}, { leadTimeMinutes: -1 }), now)).toEqual([
      {
        field: 'leadTimeMinutes',
        reason: 'must be a whole number of minutes from 0 to 1440',
      },
    ]);
  });

  it('rejects a validity range that is empty or has no start in it', () => {
    expect(
      validateTiming(
        recurring({
          validFrom: d('2026-06-01T00:00:00Z'),
          validUntil: d('2026-06-01T00:00:00Z'),
        }),
        now,
      ),
    ).toEqual([{ field: 'window.validUntil', reason: 'must be after validFrom' }]);
    // 1 June 2026 is a Monday; the range ends before its 09:00.
    expect(
      validateTiming(
        recurring({
          validFrom: d('2026-06-01T00:00:00Z'),
          validUntil: d('2026-06-01T06:00:00Z'),
        }),
        now,
      ),
    ).toEqual([
      {
        field: 'window.validUntil',
        reason: 'leaves no start: the cron expression does not match between 2026-06-01T00:00:00.000Z and 2026-06-01T06:00:00.000Z',
      },
    ]);
  });

  it('rejects a cron expression that never matches', () => {
    expect(validateTiming(recurring({ cron: '0 0 30 2 *', durationMinutes: 60 }), now)).toEqual([
      {
        field: 'window.cron',
        reason: 'never matches after 2026-05-01T10:00:00.000Z',
      },
    ]);
  });

  it('names malformed and repeated exclusion dates by index', () => {
    expect(
      validateTiming(
        recurring({
          excludedDates: ['2026-12-25', '2026-02-30', '2026-12-25'],
        }),
        now,
      ),
    ).toEqual([
      {
        field: 'window.excludedDates.1',
        reason: 'must be a calendar date written YYYY-MM-DD',
      },
      { field: 'window.excludedDates.2', reason: 'repeats 2026-12-25' },
    ]);
  });

  it('checks overlap with the DST rules of the zone', () => {
    const daily24h = recurring({ cron: '0 9 * * *', durationMinutes: 1440 }, { leadTimeMinutes: 0 });
    expect(validateTiming({ ...daily24h, timeZone: 'UTC' }, now)).toEqual([]);
    expect(validateTiming({ ...daily24h, timeZone: 'America/New_York' }, now)).toEqual([
      {
        field: 'window.durationMinutes',
        reason:
          'windows would overlap: each needs 1440 minutes (lead time 0 + duration 1440) but starts 2027-03-13T09:00:00-05:00 and ' +
          '2027-03-14T09:00:00-04:00 are only 1380 minutes apart (checked over 10 years, DST changes included)',
      },
    ]);
  });
});
