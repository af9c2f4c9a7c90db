import fc from 'fast-check';
import { seedPropertyTests } from '@peak/testing';
import { CAPACITY_RESOURCES, demandOver, type DemandSchedule } from './capacity';
import { CompiledSchedule, type WindowSpec } from './schedule-timing';

seedPropertyTests(fc);

const MINUTE = 60_000;
const BASE = Date.parse('2026-03-20T00:00:00Z'); // a week before the European spring-forward

const windowArb: fc.Arbitrary<WindowSpec> = fc.oneof(
  fc
    .record({ startMinute: fc.integer({ min: -600, max: 20_000 }), minutes: fc.integer({ min: 1, max: 3000 }) })
    .map(({ startMinute, minutes }) => ({
      type: 'once' as const,
      startAt: new Date(BASE + startMinute * MINUTE),
      endAt: new Date(BASE + (startMinute + minutes) * MINUTE),
    })),
  fc
    .record({
      minute: fc.integer({ min: 0, max: 59 }),
      hour: fc.constantFrom('*/6', '1', '2', '9', '1,13', '*'),
      durationMinutes: fc.integer({ min: 1, max: 300 }),
      excluded: fc.boolean(),
    })
    .map(({ minute, hour, durationMinutes, excluded }) => ({
      type: 'recurring' as const,
      cron: `${minute} ${hour} * * *`,
      durationMinutes,
      excludedDates: excluded ? ['2026-03-29'] : [],
    })),
);

const scheduleArb: fc.Arbitrary<DemandSchedule> = fc.record({
  id: fc.uuid(),
  name: fc.constant('s'),
  enabled: fc.boolean(),
  timing: fc.record({
    timeZone: fc.constantFrom('UTC', 'Europe/London', 'America/New_York', 'Australia/Lord_Howe'),
    leadTimeMinutes: fc.integer({ min: 0, max: 60 }),
    window: windowArb,
  }),
  instanceCount: fc.integer({ min: 1, max: 50 }),
  vcpus: fc.integer({ min: 1, max: 16 }),
  ramMb: fc.integer({ min: 512, max: 65536 }),
  // Boot volumes or the flavor's disk (left out).
  volumeGb: fc.option(fc.integer({ min: 1, max: 200 }), { nil: undefined }),
});

const perVm = (s: DemandSchedule, resource: (typeof CAPACITY_RESOURCES)[number]): number =>
  ({ instances: 1, vcpus: s.vcpus, ramMb: s.ramMb, volumeGb: s.volumeGb ?? 0 })[resource];

/** Independently of the sweep: every window's `[start - lead, end)` met with `[from, to)`, walking the windows one by one. */
function occupiedMs(schedule: DemandSchedule, from: Date, to: Date): number {
  if (!schedule.enabled) return 0;
  const compiled = new CompiledSchedule(schedule.timing);
  let total = 0;
  for (
    let w = compiled.windowStartingAfter(new Date(from.getTime() - 7 * 24 * 60 * MINUTE));
    w && w.provisionAt < to;
    w = compiled.windowStartingAfter(w.start)
  ) {
    total += Math.max(0, Math.min(w.end.getTime(), to.getTime()) - Math.max(w.provisionAt.getTime(), from.getTime()));
  }
  return total;
}

describe(`${demandOver.name} (property)`, () => {
  it("integrates to the sum of each window's demand times its duration in the range", () => {
    fc.assert(
      fc.property(
        fc.array(scheduleArb, { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 1, max: 10_000 }),
        (schedules, fromMinute, lengthMinutes) => {
          const from = new Date(BASE + fromMinute * MINUTE);
          const to = new Date(from.getTime() + lengthMinutes * MINUTE);
          const sut = demandOver(schedules, from, to);
          for (const resource of CAPACITY_RESOURCES) {
            const steps = sut.steps[resource];
            const integral = steps.reduce((sum, step, i) => sum + step.value * ((steps[i + 1]?.at ?? to).getTime() - step.at.getTime()), 0);
            expect(integral).toBe(sut.contributions.reduce((sum, c) => sum + c.demand[resource] * (c.to.getTime() - c.from.getTime()), 0));
            const expected = schedules.reduce((sum, s) => sum + perVm(s, resource) * s.instanceCount * occupiedMs(s, from, to), 0);
            expect(integral).toBe(expected);
            expect(steps[0].at).toEqual(from);
          }
          // Only enabled schedules contribute, and only inside the range.
          const enabled = new Set(schedules.filter((s) => s.enabled).map((s) => s.id));
          for (const c of sut.contributions) {
            expect(enabled.has(c.scheduleId)).toBe(true);
            expect(c.from.getTime()).toBeGreaterThanOrEqual(from.getTime());
            expect(c.to.getTime()).toBeLessThanOrEqual(to.getTime());
          }
        },
      ),
      { numRuns: 100 },
    );
  }, 60_000);
});
