import { formatInZone, isLocalDate, isValidTimeZone, normalizeTimeZone, ZoneRules } from './time-zone';

const at = (iso: string) => new Date(iso).getTime();
const wall = (local: string) => at(`${local}Z`);

describe(ZoneRules.name, () => {
  it('finds the 2026 transitions of Europe/Rome to the second', () => {
    const sut = ZoneRules.for('Europe/Rome');
    expect(sut.transitionsBetween(at('2026-01-01T00:00:00Z'), at('2027-01-01T00:00:00Z'))).toEqual([
      { at: at('2026-03-29T01:00:00Z'), before: 60, after: 120 },
      { at: at('2026-10-25T01:00:00Z'), before: 120, after: 60 },
    ]);
  });

  it('finds the 30-minute transitions of Australia/Lord_Howe', () => {
    const sut = ZoneRules.for('Australia/Lord_Howe');
    expect(sut.transitionsBetween(at('2026-01-01T00:00:00Z'), at('2027-01-01T00:00:00Z'))).toEqual([
      { at: at('2026-04-04T15:00:00Z'), before: 660, after: 630 },
      { at: at('2026-10-03T15:30:00Z'), before: 630, after: 660 },
    ]);
  });

  it('has no transitions in UTC', () => {
    expect(ZoneRules.for('UTC').transitionsBetween(at('2026-01-01T00:00:00Z'), at('2030-01-01T00:00:00Z'))).toEqual([]);
  });

  it.each([
    ['Europe/Rome', '2026-03-29T02:30', '2026-03-29T01:00:00.000Z', 'shifted-forward'],
    ['Europe/Rome', '2026-03-29T02:00', '2026-03-29T01:00:00.000Z', 'shifted-forward'],
    ['Europe/Rome', '2026-03-29T03:00', '2026-03-29T01:00:00.000Z', 'none'],
    ['Europe/Rome', '2026-10-25T02:30', '2026-10-25T00:30:00.000Z', 'first-of-repeated'],
    ['Europe/Rome', '2026-10-25T03:00', '2026-10-25T02:00:00.000Z', 'none'],
    ['America/New_York', '2026-03-08T02:15', '2026-03-08T07:00:00.000Z', 'shifted-forward'],
    ['America/New_York', '2026-11-01T01:30', '2026-11-01T05:30:00.000Z', 'first-of-repeated'],
    ['Australia/Lord_Howe', '2026-10-04T02:15', '2026-10-03T15:30:00.000Z', 'shifted-forward'],
    ['Australia/Lord_Howe', '2026-04-05T01:45', '2026-04-04T14:45:00.000Z', 'first-of-repeated'],
    ['Australia/Lord_Howe', '2026-04-05T02:00', '2026-04-04T15:30:00.000Z', 'none'],
    ['Asia/Tokyo', '2026-03-29T02:30', '2026-03-28T17:30:00.000Z', 'none'],
  ])('resolves %s %s to %s (%s)', (zone, local, expected, adjustment) => {
    const sut = ZoneRules.for(zone);
    const resolved = sut.resolveLocal(wall(local));
    expect(new Date(resolved.instant).toISOString()).toBe(expected);
    expect(resolved.adjustment).toBe(adjustment);
  });

  it('gives offsets either side of a transition', () => {
    const sut = ZoneRules.for('America/New_York');
    expect(sut.offsetAt(at('2026-11-01T05:59:59Z'))).toBe(-240);
    expect(sut.offsetAt(at('2026-11-01T06:00:00Z'))).toBe(-300);
    expect(formatInZone(at('2026-11-01T06:30:00Z'), sut)).toBe('2026-11-01T01:30:00-05:00');
  });
});

describe(isValidTimeZone.name, () => {
  it.each(['Europe/Rome', 'UTC', 'America/New_York', 'Australia/Lord_Howe', 'US/Eastern', 'Etc/GMT+5'])('accepts %s', (zone) => {
    expect(isValidTimeZone(zone)).toBe(true);
  });

  it.each(['Mars/Olympus', '+01:00', 'UTC+1', '', 'Europe/Rome ', 'x'.repeat(65), 42])('rejects %p', (zone) => {
    expect(isValidTimeZone(zone)).toBe(false);
  });

  it('asks the runtime once per valid zone, whatever its spelling, and every time for an invalid one', () => {
    const asked = jest.spyOn(Intl, 'DateTimeFormat');
    try {
      expect(isValidTimeZone('Asia/Tokyo')).toBe(true);
      const once = asked.mock.calls.length;
      expect(isValidTimeZone('ASIA/TOKYO')).toBe(true);
      expect(isValidTimeZone('asia/tokyo')).toBe(true);
      expect(asked.mock.calls.length).toBe(once);
      expect(isValidTimeZone('Asia/Tokio')).toBe(false);
      expect(isValidTimeZone('Asia/Tokio')).toBe(false);
      expect(asked.mock.calls.length).toBe(once + 2);
    } finally {
      asked.mockRestore();
    }
  });

  it('normalizes the case of canonical names and keeps aliases as typed', () => {
    expect(normalizeTimeZone('europe/rome')).toBe('Europe/Rome');
    expect(normalizeTimeZone('utc')).toBe('UTC');
    expect(normalizeTimeZone('US/Eastern')).toBe('US/Eastern');
  });
});

describe(isLocalDate.name, () => {
  it('accepts real dates only', () => {
    expect(isLocalDate('2028-02-29')).toBe(true);
    expect(isLocalDate('2026-02-29')).toBe(false);
    expect(isLocalDate('2026-13-01')).toBe(false);
    expect(isLocalDate('2026-1-01')).toBe(false);
    expect(isLocalDate(20260101)).toBe(false);
  });
});
