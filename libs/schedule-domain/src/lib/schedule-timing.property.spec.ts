import { Cron } from 'croner';
import fc from 'fast-check';
import { seedPropertyTests } from '@peak/testing';
import { IANAZone } from 'luxon';
import { CompiledSchedule, ScheduleTiming } from './schedule-timing';
import { validateTiming } from './validation';

seedPropertyTests(fc);

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/**
 * An independent oracle: walk the timeline minute by minute with luxon's offsets and croner's `match`,
 * and apply the DST policy literally. A start whose local time is skipped by a spring-forward fires at
 * the first instant after the gap; a local time seen twice fires only the first time.
 */
function oracleStarts(cron: string, zone: string, from: number, to: number): number[] {
  const tz = IANAZone.create(zone);
  const job = new Cron(cron, { utcOffset: 0, paused: true });
  const seenWalls = new Set<number>();
  const starts: number[] = [];
  // Start early enough to have seen the first pass of any repeated hour.
  for (let m = from - 4 * HOUR; m < to; m += MINUTE) {
    const offset = tz.offset(m);
    const previous = tz.offset(m - MINUTE);
    let fires = false;
    for (let w = m + previous * MINUTE; offset > previous && w < m + offset * MINUTE; w += MINUTE) {
      if (job.match(new Date(w))) fires = true;
    }
    const wall = m + offset * MINUTE;
    if (!seenWalls.has(wall) && job.match(new Date(wall))) fires = true;
    seenWalls.add(wall);
    if (fires && m >= from) starts.push(m);
  }
  return starts;
}

// Transitions of 2026-2027 to aim at, so most runs cross a DST change.
const hotspots: Record<string, string[]> = {
  'Europe/Rome': ['2026-03-29T01:00:00Z', '2026-10-25T01:00:00Z', '2027-03-28T01:00:00Z', '2027-10-31T01:00:00Z'],
  'America/New_York': ['2026-03-08T07:00:00Z', '2026-11-01T06:00:00Z', '2027-03-14T07:00:00Z', '2027-11-07T06:00:00Z'],
  'Australia/Lord_Howe': ['2026-04-04T15:00:00Z', '2026-10-03T15:30:00Z', '2027-04-03T15:00:00Z', '2027-10-02T15:30:00Z'],
  'Pacific/Chatham': ['2026-04-05T14:00:00Z', '2026-09-26T14:00:00Z'],
  UTC: ['2026-06-01T00:00:00Z'],
};

const field = (max: number) =>
  fc.oneof(
    fc.constant('*'),
    fc.integer({ min: 0, max }).map(String),
    fc.integer({ min: 2, max: Math.max(2, Math.floor(max / 2)) }).map((step) => `*/${step}`),
    fc.uniqueArray(fc.integer({ min: 0, max }), { minLength: 2, maxLength: 4 }).map((values) => values.sort((a, b) => a - b).join(',')),
  );
// Hours and minutes around the 01:00-03:00 local transitions are drawn often, so gaps and repeats are hit.
const minuteArb = fc.oneof(field(59), fc.constantFrom('15', '30', '45', '*/20', '10,40'));
const hourArb = fc.oneof(field(23), fc.constantFrom('1', '2', '1,2', '2,3', '1-3'));
const cronArb = fc
  .tuple(
    minuteArb,
    hourArb,
    fc.oneof(fc.constant('*'), fc.constant('*'), fc.integer({ min: 1, max: 28 }).map(String)),
    fc.oneof(fc.constant('*'), fc.constant('1-5'), fc.constant('0')),
  )
  .map(([minute, hour, dom, dow]) => `${minute} ${hour} ${dom} * ${dow}`);

const caseArb = fc.record({
  zone: fc.constantFrom(...Object.keys(hotspots)),
  cron: cronArb,
  durationMinutes: fc.integer({ min: 1, max: 90 }),
  leadTimeMinutes: fc.integer({ min: 0, max: 30 }),
  hotspotIndex: fc.nat(),
  offsetMinutes: fc.integer({ min: -10 * 60, max: 10 * 60 }),
});

describe('CompiledSchedule against a minute-by-minute oracle', () => {
  it('lists exactly the starts the DST policy gives, in order', () => {
    fc.assert(
      fc.property(caseArb, ({ zone, cron, hotspotIndex, offsetMinutes }) => {
        const spots = hotspots[zone];
        const t = new Date(spots[hotspotIndex % spots.length]).getTime() + offsetMinutes * MINUTE;
        const from = t - 6 * HOUR;
        const to = t + 6 * HOUR;
        const expected = oracleStarts(cron, zone, from, to);
        // A 1-minute window lists starts after from - 1 minute, i.e. from `from` on.
        const sut = new CompiledSchedule({
          timeZone: zone,
          leadTimeMinutes: 0,
          window: { type: 'recurring', cron, durationMinutes: 1 },
        });
        const listed = sut
          .occurrences(new Date(from + MINUTE - 1), expected.length + 1)
          .map((o) => o.start.getTime())
          .filter((s) => s < to);
        expect(listed).toEqual(expected);
      }),
      { numRuns: 60 },
    );
  }, 60_000);

  it('plans the window that contains t, and a boundary after t, for every valid timing', () => {
    fc.assert(
      fc.property(caseArb, ({ zone, cron, durationMinutes, leadTimeMinutes, hotspotIndex, offsetMinutes }) => {
        const spots = hotspots[zone];
        const t = new Date(spots[hotspotIndex % spots.length]).getTime() + offsetMinutes * MINUTE;
        const timing: ScheduleTiming = {
          timeZone: zone,
          leadTimeMinutes,
          window: { type: 'recurring', cron, durationMinutes },
        };
        fc.pre(validateTiming(timing, new Date(t - 2 * 24 * HOUR)).length === 0);
        const starts = oracleStarts(cron, zone, t - (durationMinutes + 2) * MINUTE, t + (leadTimeMinutes + 2) * MINUTE);
        const containing = starts.filter((s) => s - leadTimeMinutes * MINUTE <= t && t < s + durationMinutes * MINUTE);
        expect(containing.length).toBeLessThanOrEqual(1); // windows of a valid timing never overlap

        const plan = new CompiledSchedule(timing).planAt(new Date(t));
        expect(plan.current?.start.getTime() ?? null).toBe(containing[0] ?? null);
        if (plan.nextBoundary) expect(plan.nextBoundary.getTime()).toBeGreaterThan(t);
        if (plan.current && plan.next) expect(plan.next.provisionAt.getTime()).toBeGreaterThanOrEqual(plan.current.end.getTime());
        if (!plan.current && plan.next) {
          // Nothing starts between t and the next provisioning start.
          const upTo = plan.next.start.getTime();
          expect(oracleStarts(cron, zone, t, Math.min(upTo, t + 6 * HOUR))).toEqual([]);
        }
      }),
      { numRuns: 60 },
    );
  }, 60_000);
});
