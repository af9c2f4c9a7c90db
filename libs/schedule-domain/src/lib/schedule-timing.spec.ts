import { CompiledSchedule, Occurrence, RecurringWindowSpec, ScheduleTiming } from './schedule-timing';

const d = (iso: string) => new Date(iso);

function recurring(timeZone: string, cron: string, durationMinutes: number, extra: Partial<RecurringWindowSpec> = {}, leadTimeMinutes = 0) {
  const timing: ScheduleTiming = {
    timeZone,
    leadTimeMinutes,
    window: { type: 'recurring', cron, durationMinutes, ...extra },
  };
  return new CompiledSchedule(timing);
}

/** The fields a person reads, compactly. */
const view = (o: Occurrence) => ({
  start: o.start.toISOString(),
  local: o.localStart,
  requested: o.requestedLocalStart,
  dst: o.dstAdjustment,
  status: o.status,
});

describe(CompiledSchedule.name, () => {
  describe('occurrences across DST changes', () => {
    it.each([
      // zone, cron, from, expected [utc start, local start, requested, adjustment]
      [
        'Europe/Rome',
        '30 2 * * *',
        '2026-03-28T00:00:00Z',
        [
          ['2026-03-28T01:30:00.000Z', '2026-03-28T02:30:00+01:00', '2026-03-28T02:30', 'none'],
          ['2026-03-29T01:00:00.000Z', '2026-03-29T03:00:00+02:00', '2026-03-29T02:30', 'shifted-forward'],
          ['2026-03-30T00:30:00.000Z', '2026-03-30T02:30:00+02:00', '2026-03-30T02:30', 'none'],
        ],
      ],
      [
        'Europe/Rome',
        '30 2 * * *',
        '2026-10-24T12:00:00Z',
        [
          ['2026-10-25T00:30:00.000Z', '2026-10-25T02:30:00+02:00', '2026-10-25T02:30', 'first-of-repeated'],
          ['2026-10-26T01:30:00.000Z', '2026-10-26T02:30:00+01:00', '2026-10-26T02:30', 'none'],
        ],
      ],
      [
        'Europe/Rome',
        '30 2 * * *',
        '2027-03-27T12:00:00Z',
        [
          ['2027-03-28T01:00:00.000Z', '2027-03-28T03:00:00+02:00', '2027-03-28T02:30', 'shifted-forward'],
          ['2027-03-29T00:30:00.000Z', '2027-03-29T02:30:00+02:00', '2027-03-29T02:30', 'none'],
        ],
      ],
      [
        'Europe/Rome',
        '30 2 * * *',
        '2027-10-30T12:00:00Z',
        [
          ['2027-10-31T00:30:00.000Z', '2027-10-31T02:30:00+02:00', '2027-10-31T02:30', 'first-of-repeated'],
          ['2027-11-01T01:30:00.000Z', '2027-11-01T02:30:00+01:00', '2027-11-01T02:30', 'none'],
        ],
      ],
      [
        'America/New_York',
        '30 2 * * *',
        '2026-03-07T12:00:00Z',
        [
          ['2026-03-08T07:00:00.000Z', '2026-03-08T03:00:00-04:00', '2026-03-08T02:30', 'shifted-forward'],
          ['2026-03-09T06:30:00.000Z', '2026-03-09T02:30:00-04:00', '2026-03-09T02:30', 'none'],
        ],
      ],
      [
        'America/New_York',
        '30 1 * * *',
        '2026-10-31T12:00:00Z',
        [
          ['2026-11-01T05:30:00.000Z', '2026-11-01T01:30:00-04:00', '2026-11-01T01:30', 'first-of-repeated'],
          ['2026-11-02T06:30:00.000Z', '2026-11-02T01:30:00-05:00', '2026-11-02T01:30', 'none'],
        ],
      ],
      [
        'America/New_York',
        '30 2 * * *',
        '2027-03-13T12:00:00Z',
        [
          ['2027-03-14T07:00:00.000Z', '2027-03-14T03:00:00-04:00', '2027-03-14T02:30', 'shifted-forward'],
          ['2027-03-15T06:30:00.000Z', '2027-03-15T02:30:00-04:00', '2027-03-15T02:30', 'none'],
        ],
      ],
      [
        'America/New_York',
        '30 1 * * *',
        '2027-11-06T12:00:00Z',
        [
          ['2027-11-07T05:30:00.000Z', '2027-11-07T01:30:00-04:00', '2027-11-07T01:30', 'first-of-repeated'],
          ['2027-11-08T06:30:00.000Z', '2027-11-08T01:30:00-05:00', '2027-11-08T01:30', 'none'],
        ],
      ],
      [
        'Australia/Lord_Howe',
        '15 2 * * *',
        '2026-10-02T12:00:00Z',
        [
          ['2026-10-02T15:45:00.000Z', '2026-10-03T02:15:00+10:30', '2026-10-03T02:15', 'none'],
          ['2026-10-03T15:30:00.000Z', '2026-10-04T02:30:00+11:00', '2026-10-04T02:15', 'shifted-forward'],
          ['2026-10-04T15:15:00.000Z', '2026-10-05T02:15:00+11:00', '2026-10-05T02:15', 'none'],
        ],
      ],
      [
        'Australia/Lord_Howe',
        '45 1 * * *',
        '2026-04-03T12:00:00Z',
        [
          ['2026-04-03T14:45:00.000Z', '2026-04-04T01:45:00+11:00', '2026-04-04T01:45', 'none'],
          ['2026-04-04T14:45:00.000Z', '2026-04-05T01:45:00+11:00', '2026-04-05T01:45', 'first-of-repeated'],
          ['2026-04-05T15:15:00.000Z', '2026-04-06T01:45:00+10:30', '2026-04-06T01:45', 'none'],
        ],
      ],
      [
        'Australia/Lord_Howe',
        '15 2 * * *',
        '2027-10-02T12:00:00Z',
        [
          ['2027-10-02T15:30:00.000Z', '2027-10-03T02:30:00+11:00', '2027-10-03T02:15', 'shifted-forward'],
          ['2027-10-03T15:15:00.000Z', '2027-10-04T02:15:00+11:00', '2027-10-04T02:15', 'none'],
        ],
      ],
      [
        'Australia/Lord_Howe',
        '45 1 * * *',
        '2027-04-03T12:00:00Z',
        [
          ['2027-04-03T14:45:00.000Z', '2027-04-04T01:45:00+11:00', '2027-04-04T01:45', 'first-of-repeated'],
          ['2027-04-04T15:15:00.000Z', '2027-04-05T01:45:00+10:30', '2027-04-05T01:45', 'none'],
        ],
      ],
    ] as const)('%s %s from %s', (zone, cron, from, expected) => {
      const sut = recurring(zone, cron, 30);
      const got = sut.occurrences(d(from), expected.length).map(view);
      expect(got).toEqual(
        expected.map(([start, local, requested, dst]) => ({
          start,
          local,
          requested,
          dst,
          status: 'scheduled',
        })),
      );
    });

    it('fires once when several local times fall into one spring-forward gap', () => {
      const sut = recurring('Europe/Rome', '*/30 * * * *', 30);
      expect(sut.occurrences(d('2026-03-29T00:30:00Z'), 3).map((o) => [o.localStart, o.requestedLocalStart, o.dstAdjustment])).toEqual([
        ['2026-03-29T01:30:00+01:00', '2026-03-29T01:30', 'none'],
        ['2026-03-29T03:00:00+02:00', '2026-03-29T02:00', 'shifted-forward'],
        ['2026-03-29T03:30:00+02:00', '2026-03-29T03:30', 'none'],
      ]);
    });

    it('does not fire the repeated local times a second time after a fall-back', () => {
      const sut = recurring('Europe/Rome', '*/30 * * * *', 30);
      expect(sut.occurrences(d('2026-10-24T23:30:00Z'), 4).map((o) => o.start.toISOString())).toEqual([
        '2026-10-24T23:30:00.000Z',
        '2026-10-25T00:00:00.000Z',
        '2026-10-25T00:30:00.000Z',
        '2026-10-25T02:00:00.000Z',
      ]);
    });

    it('keeps the duration in elapsed time when a window spans a change', () => {
      const [o] = recurring('Europe/Rome', '0 0 * * *', 8 * 60).occurrences(d('2026-03-28T23:00:00Z'), 1);
      expect([o.localStart, o.localEnd]).toEqual(['2026-03-29T00:00:00+01:00', '2026-03-29T09:00:00+02:00']);
    });
  });

  describe('exclusion dates', () => {
    const sut = recurring('Europe/Rome', '0 9 * * *', 8 * 60, {
      excludedDates: ['2026-12-25', '2026-12-26'],
    });

    it('lists windows that have not ended yet, so the current one comes first', () => {
      expect(sut.occurrences(d('2026-12-24T15:59:59Z'), 1).map((o) => o.start.toISOString())).toEqual(['2026-12-24T08:00:00.000Z']);
    });

    it('lists the excluded dates as skipped and still returns the requested number of windows', () => {
      expect(sut.occurrences(d('2026-12-24T00:00:00Z'), 3).map(view)).toEqual([
        {
          start: '2026-12-24T08:00:00.000Z',
          local: '2026-12-24T09:00:00+01:00',
          requested: '2026-12-24T09:00',
          dst: 'none',
          status: 'scheduled',
        },
        {
          start: '2026-12-25T08:00:00.000Z',
          local: '2026-12-25T09:00:00+01:00',
          requested: '2026-12-25T09:00',
          dst: 'none',
          status: 'skipped',
        },
        {
          start: '2026-12-26T08:00:00.000Z',
          local: '2026-12-26T09:00:00+01:00',
          requested: '2026-12-26T09:00',
          dst: 'none',
          status: 'skipped',
        },
        {
          start: '2026-12-27T08:00:00.000Z',
          local: '2026-12-27T09:00:00+01:00',
          requested: '2026-12-27T09:00',
          dst: 'none',
          status: 'scheduled',
        },
        {
          start: '2026-12-28T08:00:00.000Z',
          local: '2026-12-28T09:00:00+01:00',
          requested: '2026-12-28T09:00',
          dst: 'none',
          status: 'scheduled',
        },
      ]);
    });

    it('plans past them', () => {
      const plan = sut.planAt(d('2026-12-24T17:00:00Z'));
      expect(plan.current).toBeNull();
      expect(plan.next?.start.toISOString()).toBe('2026-12-27T08:00:00.000Z');
    });

    it('reads the date in the schedule zone, not in UTC', () => {
      // 00:30 in Rome on Christmas is still the 24th in UTC.
      const night = recurring('Europe/Rome', '30 0 * * *', 60, {
        excludedDates: ['2026-12-25'],
      });
      expect(night.occurrences(d('2026-12-24T01:00:00Z'), 2).map((o) => [o.localStart, o.status])).toEqual([
        ['2026-12-25T00:30:00+01:00', 'skipped'],
        ['2026-12-26T00:30:00+01:00', 'scheduled'],
        ['2026-12-27T00:30:00+01:00', 'scheduled'],
      ]);
    });

    it('lists one skipped entry per excluded date even for dense patterns', () => {
      const dense = recurring('UTC', '*/10 * * * *', 10, {
        excludedDates: ['2026-05-01'],
      });
      const got = dense.occurrences(d('2026-04-30T23:50:00Z'), 2);
      expect(got.map((o) => [o.start.toISOString(), o.status])).toEqual([
        ['2026-04-30T23:50:00.000Z', 'scheduled'],
        ['2026-05-01T00:00:00.000Z', 'skipped'],
        ['2026-05-02T00:00:00.000Z', 'scheduled'],
      ]);
    });
  });

  describe('validity range', () => {
    const sut = recurring('Europe/Rome', '0 9 * * *', 60, {
      validFrom: d('2026-06-01T07:00:00Z'),
      validUntil: d('2026-06-03T07:00:00Z'),
    });

    it('starts at validFrom (inclusive) and stops before validUntil (exclusive)', () => {
      expect(sut.occurrences(d('2026-01-01T00:00:00Z'), 10).map((o) => o.localStart)).toEqual([
        '2026-06-01T09:00:00+02:00',
        '2026-06-02T09:00:00+02:00',
      ]);
    });

    it('knows its last window', () => {
      expect(sut.lastWindow()).toEqual({
        start: d('2026-06-02T07:00:00Z'),
        end: d('2026-06-02T08:00:00Z'),
        provisionAt: d('2026-06-02T07:00:00Z'),
      });
    });

    it('has nothing left to plan after validUntil', () => {
      expect(sut.planAt(d('2026-06-02T08:00:00Z'))).toEqual({
        current: null,
        next: null,
        nextBoundary: null,
      });
    });

    it('has no last window when unbounded', () => {
      expect(recurring('UTC', '0 9 * * *', 60).lastWindow()).toBeNull();
    });

    it('finds the last window of a sparse, far bounded schedule', () => {
      const leap = recurring('UTC', '0 0 29 2 *', 60, {
        validUntil: d('2040-01-01T00:00:00Z'),
      });
      expect(leap.lastWindow()?.start).toEqual(d('2036-02-29T00:00:00Z'));
    });

    it('skips excluded dates when finding the last window', () => {
      const bounded = recurring('UTC', '0 9 * * *', 60, {
        validUntil: d('2026-06-03T00:00:00Z'),
        excludedDates: ['2026-06-02'],
      });
      expect(bounded.lastWindow()?.start).toEqual(d('2026-06-01T09:00:00Z'));
    });
  });

  describe('planAt', () => {
    // 09:00-17:00 in Rome, VMs wanted 10 minutes early.
    const sut = () => recurring('Europe/Rome', '0 9 * * 1-5', 8 * 60, {}, 10);

    it('before the provisioning start: no current window; the boundary is the provisioning start', () => {
      const plan = sut().planAt(d('2026-06-01T06:49:59Z'));
      expect(plan.current).toBeNull();
      expect(plan.next).toEqual({
        start: d('2026-06-01T07:00:00Z'),
        end: d('2026-06-01T15:00:00Z'),
        provisionAt: d('2026-06-01T06:50:00Z'),
      });
      expect(plan.nextBoundary).toEqual(d('2026-06-01T06:50:00Z'));
    });

    it('from the provisioning start: in the window until its end; next is the following window', () => {
      const plan = sut().planAt(d('2026-06-01T06:50:00Z'));
      expect(plan.current?.start).toEqual(d('2026-06-01T07:00:00Z'));
      expect(plan.nextBoundary).toEqual(d('2026-06-01T15:00:00Z'));
      expect(plan.next?.start).toEqual(d('2026-06-02T07:00:00Z'));
    });

    it('at the end the window is over (half-open)', () => {
      const plan = sut().planAt(d('2026-06-01T15:00:00Z'));
      expect(plan.current).toBeNull();
      expect(plan.nextBoundary).toEqual(d('2026-06-02T06:50:00Z'));
    });

    it('over a weekend, the boundary is Monday', () => {
      expect(sut().planAt(d('2026-06-05T16:00:00Z')).nextBoundary).toEqual(d('2026-06-08T06:50:00Z'));
    });

    it('across the spring-forward weekend, Monday 09:00 is at the new offset', () => {
      expect(sut().planAt(d('2026-03-27T16:00:00Z')).next?.start).toEqual(d('2026-03-30T07:00:00Z'));
    });

    it('a lead time reaching back over midnight and a DST change still finds the window', () => {
      const early = recurring('Europe/Rome', '30 3 * * *', 60, {}, 120);
      const plan = early.planAt(d('2026-03-29T00:00:00Z')); // 01:00 CET; the 03:30 CEST start is 01:30Z
      expect(plan.current).toEqual({
        start: d('2026-03-29T01:30:00Z'),
        end: d('2026-03-29T02:30:00Z'),
        provisionAt: d('2026-03-28T23:30:00Z'),
      });
    });

    it('answers from its memo until the boundary, and recomputes after it', () => {
      const compiled = sut();
      const first = compiled.planAt(d('2026-06-01T10:00:00Z'));
      expect(compiled.planAt(d('2026-06-01T14:59:59Z'))).toBe(first);
      expect(compiled.planAt(d('2026-06-01T15:00:00Z'))).not.toBe(first);
    });

    it('forgets its memo when asked: the next answer is computed afresh, and the same', () => {
      const compiled = sut();
      const first = compiled.planAt(d('2026-06-01T10:00:00Z'));
      compiled.forgetPlan();
      const again = compiled.planAt(d('2026-06-01T14:59:59Z'));
      expect(again).not.toBe(first);
      expect(again).toEqual(first);
    });
  });

  describe('one-off windows', () => {
    const sut = new CompiledSchedule({
      timeZone: 'Europe/Rome',
      leadTimeMinutes: 15,
      window: {
        type: 'once',
        startAt: d('2026-07-01T07:00:00Z'),
        endAt: d('2026-07-01T19:00:00Z'),
      },
    });

    it('plans the single window with its lead time', () => {
      expect(sut.planAt(d('2026-07-01T06:00:00Z')).nextBoundary).toEqual(d('2026-07-01T06:45:00Z'));
      expect(sut.planAt(d('2026-07-01T06:45:00Z')).current?.end).toEqual(d('2026-07-01T19:00:00Z'));
      expect(sut.planAt(d('2026-07-01T19:00:00Z'))).toEqual({
        current: null,
        next: null,
        nextBoundary: null,
      });
    });

    it('lists it while it has not ended, in UTC and in its zone', () => {
      expect(sut.occurrences(d('2026-07-01T12:00:00Z'), 5).map((o) => [o.localStart, o.localEnd, o.dstAdjustment])).toEqual([
        ['2026-07-01T09:00:00+02:00', '2026-07-01T21:00:00+02:00', 'none'],
      ]);
      expect(sut.occurrences(d('2026-07-01T19:00:00Z'), 5)).toEqual([]);
      expect(sut.lastWindow()?.end).toEqual(d('2026-07-01T19:00:00Z'));
    });
  });
});
