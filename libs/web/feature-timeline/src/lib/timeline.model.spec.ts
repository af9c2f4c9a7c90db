import type { CapacityDto, ScheduleDto } from '@peak/api-client';
import {
  addDays,
  conflictMarks,
  demandChart,
  place,
  rangeStart,
  scheduleColours,
  SCHEDULE_PALETTE,
  shiftRange,
  timelineRange,
  timelineRows,
  todayIn,
} from './timeline.model';

const contribution = (id: string, name: string, from: string, to: string, instances: number) => ({
  schedule: { id, name },
  from,
  to,
  instances,
  vcpus: instances * 2,
  ramMb: instances * 4096,
  volumeGb: 0,
});

/** Two schedules in the week of Mon 2026-12-14 (UTC): a one-off of 3 VMs and a daily one of 2 VMs, 5 > 4 on Monday 12:00–14:00. */
const capacity: CapacityDto = {
  projectId: 'p1',
  from: '2026-12-14T00:00:00.000Z',
  to: '2026-12-21T00:00:00.000Z',
  fits: false,
  reason: null,
  resources: [
    { resource: 'instances', limit: 5, usageNotOurs: 1, available: 4, steps: [] },
    { resource: 'vcpus', limit: null, usageNotOurs: 0, available: null, steps: [] },
    { resource: 'ramMb', limit: 51200, usageNotOurs: 0, available: 51200, steps: [] },
  ],
  contributions: [
    contribution('a', 'Release', '2026-12-14T10:00:00.000Z', '2026-12-14T14:00:00.000Z', 3),
    contribution('b', 'Daily', '2026-12-14T12:00:00.000Z', '2026-12-14T14:00:00.000Z', 2),
    contribution('b', 'Daily', '2026-12-16T12:00:00.000Z', '2026-12-16T14:00:00.000Z', 2),
  ],
  conflicts: [
    {
      resource: 'instances',
      from: '2026-12-14T12:00:00.000Z',
      to: '2026-12-14T14:00:00.000Z',
      needed: 5,
      available: 4,
      schedules: [
        { id: 'a', name: 'Release' },
        { id: 'b', name: 'Daily' },
      ],
    },
  ],
};

const daily = {
  id: 'b',
  name: 'Daily',
  enabled: true,
  timeZone: 'Europe/Paris',
  window: { type: 'recurring', cron: '0 13 * * *', durationMinutes: 120, excludedDates: ['2026-12-15', '2026-12-31'] },
} as unknown as ScheduleDto;
const idle = {
  id: 'c',
  name: 'Archive',
  enabled: false,
  timeZone: 'UTC',
  window: { type: 'once', startAt: '', endAt: '' },
} as unknown as ScheduleDto;

describe('timeline model', () => {
  it('starts weeks on Monday and months on the 1st, and steps by whole weeks and months', () => {
    expect(rangeStart('week', '2026-12-17')).toBe('2026-12-14');
    expect(rangeStart('week', '2026-12-14')).toBe('2026-12-14');
    expect(rangeStart('week', '2026-12-20')).toBe('2026-12-14');
    expect(rangeStart('month', '2026-12-17')).toBe('2026-12-01');
    expect(shiftRange('week', '2026-12-17', 1)).toBe('2026-12-21');
    expect(shiftRange('month', '2026-12-17', 1)).toBe('2027-01-01');
    expect(shiftRange('month', '2026-03-31', -1)).toBe('2026-02-01');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
  });

  it("reads today on the zone's clock", () => {
    const instant = new Date('2026-12-14T23:30:00.000Z');
    expect(todayIn('UTC', instant)).toBe('2026-12-14');
    expect(todayIn('Europe/Paris', instant)).toBe('2026-12-15');
    expect(todayIn('America/New_York', instant)).toBe('2026-12-14');
  });

  it('cuts the range at midnights of the zone and marks the day the clocks change (23 hours in spring, 25 in autumn)', () => {
    const spring = timelineRange('week', '2026-03-29', 'Europe/Paris');
    expect(spring.days.map((d) => d.date)).toEqual([
      '2026-03-23',
      '2026-03-24',
      '2026-03-25',
      '2026-03-26',
      '2026-03-27',
      '2026-03-28',
      '2026-03-29',
    ]);
    expect(new Date(spring.from).toISOString()).toBe('2026-03-22T23:00:00.000Z');
    expect(new Date(spring.to).toISOString()).toBe('2026-03-29T22:00:00.000Z');
    const changes = spring.days.filter((d) => d.dstChange !== null);
    expect(changes.map((d) => [d.date, d.dstChange, (d.end - d.start) / 3_600_000])).toEqual([['2026-03-29', 'GMT+1 → GMT+2', 23]]);

    const october = timelineRange('month', '2026-10-10', 'Europe/Paris');
    expect(october.days).toHaveLength(31);
    const autumn = october.days.filter((d) => d.dstChange !== null);
    expect(autumn.map((d) => [d.date, d.dstChange, (d.end - d.start) / 3_600_000])).toEqual([['2026-10-25', 'GMT+2 → GMT+1', 25]]);
    expect(timelineRange('month', '2026-10-10', 'UTC').days.every((d) => d.dstChange === null)).toBe(true);
  });

  it('places an interval in percent of the range, cut to it', () => {
    const range = { from: 0, to: 1000 };
    expect(place(range, 100, 300)).toEqual({ left: 10, width: 20 });
    expect(place(range, -100, 100)).toEqual({ left: 0, width: 10 });
    expect(place(range, 900, 2000)).toEqual({ left: 90, width: 10 });
    expect(place(range, 1000, 2000)).toBeNull();
  });

  it("gives a row per schedule with its windows, its excluded dates (a day in the schedule's zone) as gaps, and disabled ones", () => {
    const range = timelineRange('week', '2026-12-14', 'UTC');
    const rows = timelineRows(capacity, [daily, idle], range);
    expect(rows.map((r) => [r.name, r.enabled, r.bars.length, r.gaps.map((g) => g.date)])).toEqual([
      ['Archive', false, 0, []],
      ['Daily', true, 2, ['2026-12-15']],
      // Not in the list (e.g. past the first page): still a row, named as the overview names it.
      ['Release', null, 1, []],
    ]);
    const [gap] = rows[1]?.gaps ?? [];
    // 2026-12-15 in Paris is 2026-12-14T23:00Z to 2026-12-15T23:00Z.
    expect(gap?.left).toBeCloseTo((23 / (7 * 24)) * 100);
    expect(gap?.width).toBeCloseTo((24 / (7 * 24)) * 100);
    const release = rows[2]?.bars[0];
    expect(release?.left).toBeCloseTo((10 / (7 * 24)) * 100);
    expect(release?.width).toBeCloseTo((4 / (7 * 24)) * 100);
  });

  it('stacks the demand per schedule as steps, with the quota line and the intervals above it', () => {
    const range = timelineRange('week', '2026-12-14', 'UTC');
    const chart = demandChart(capacity, 'instances', range);
    const at = (iso: string) => Date.parse(iso);
    expect(chart.series.map((s) => s.name)).toEqual(['Daily', 'Release']);
    const release = chart.series.find((s) => s.name === 'Release');
    expect(release?.points.find((p) => p.x === at('2026-12-14T10:00:00.000Z'))?.y).toBe(3);
    expect(release?.points.find((p) => p.x === at('2026-12-14T14:00:00.000Z'))?.y).toBe(0);
    expect(chart.available).toBe(4);
    expect(chart.limit).toBe(5);
    expect(chart.usageNotOurs).toBe(1);
    expect(chart.overQuota).toEqual([
      { x: at('2026-12-14T12:00:00.000Z'), y: 5 },
      { x: at('2026-12-14T14:00:00.000Z'), y: 5 },
      { x: at('2026-12-14T14:00:00.000Z'), y: null },
    ]);
    expect(chart.totals.map((t) => [new Date(t.from).toISOString(), t.value])).toEqual([
      ['2026-12-14T00:00:00.000Z', 0],
      ['2026-12-14T10:00:00.000Z', 3],
      ['2026-12-14T12:00:00.000Z', 5],
      ['2026-12-14T14:00:00.000Z', 0],
      ['2026-12-16T12:00:00.000Z', 2],
      ['2026-12-16T14:00:00.000Z', 0],
    ]);

    const vcpus = demandChart(capacity, 'vcpus', range);
    expect(vcpus.available).toBeNull();
    expect(vcpus.conflicts).toEqual([]);
    expect(vcpus.overQuota).toEqual([]);
    expect(Math.max(...vcpus.totals.map((t) => t.value))).toBe(10);
  });

  it('gives each row a colour, in row order, repeating past the palette', () => {
    const rows = Array.from({ length: SCHEDULE_PALETTE.length + 1 }, (_, i) => ({ scheduleId: `s${i}` }));
    const colours = scheduleColours(rows);
    expect(colours['s0']).toBe(SCHEDULE_PALETTE[0]);
    expect(colours['s1']).toBe(SCHEDULE_PALETTE[1]);
    expect(colours[`s${SCHEDULE_PALETTE.length}`]).toBe(SCHEDULE_PALETTE[0]);
  });

  it('marks each conflict interval once on the rows, whatever the resources short in it', () => {
    const range = timelineRange('week', '2026-12-14', 'UTC');
    const vcpus = { ...capacity.conflicts[0], resource: 'vcpus' as const, needed: 10, available: 8 };
    const marks = conflictMarks({ ...capacity, conflicts: [...capacity.conflicts, vcpus] }, range);
    expect(marks).toHaveLength(1);
    expect(marks[0]?.conflicts.map((c) => c.resource)).toEqual(['instances', 'vcpus']);
    expect(marks[0]?.left).toBeCloseTo((12 / (7 * 24)) * 100);
    expect(conflictMarks(capacity, timelineRange('week', '2026-12-21', 'UTC'))).toEqual([]);
  });
});
