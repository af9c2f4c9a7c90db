import { CompiledSchedule, Plan, ScheduleTiming } from './schedule-timing';

const ZONES = ['UTC', 'Europe/Rome', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Tokyo', 'Europe/London', 'America/Sao_Paulo'];
const DAYS = ['* * *', '* * 1-5', '* * 0,6', '*/2 * *', '1,15 * *', 'L * *', '* * FRI#L'];

/** 10,000 timings with distinct cron expressions, so nothing is shared but the zones. */
function timings(count: number): ScheduleTiming[] {
  return Array.from({ length: count }, (_, i) => ({
    timeZone: ZONES[i % ZONES.length],
    leadTimeMinutes: i % 15,
    window: {
      type: 'recurring',
      cron: `${i % 60} ${Math.floor(i / 60) % 24} ${DAYS[Math.floor(i / 1440) % DAYS.length]}`,
      durationMinutes: 30 + (i % 240),
      excludedDates: i % 10 === 0 ? ['2026-06-16', '2026-12-25'] : [],
    },
  }));
}

/**
 * How long a pass takes is measured by `npm run bench` (the engine's own planning histogram), not here:
 * a timed assertion fails on a busy CI machine. This spec checks what makes the pass cheap and right.
 */
describe('planning pass over 10,000 schedules', () => {
  const at = new Date(Date.UTC(2026, 5, 13, 10, 17));

  it('plans every schedule with a boundary after the instant, some inside a window', () => {
    const plans = timings(10_000).map((t) => new CompiledSchedule(t).planAt(at));
    const wrong = plans.filter(
      (plan) =>
        (plan.nextBoundary && plan.nextBoundary.getTime() <= at.getTime()) ||
        (plan.current && plan.current.provisionAt.getTime() > at.getTime()),
    );
    expect(wrong).toEqual([]);
    const inWindow = plans.filter((p) => p.current).length;
    expect(inWindow).toBeGreaterThan(0);
    expect(inWindow).toBeLessThan(plans.length);
  }, 60_000);

  it('answers the next pass from each memo until its boundary, and plans afresh at the boundary', () => {
    const schedules = timings(10_000).map((t) => new CompiledSchedule(t));
    const first = schedules.map((s) => s.planAt(at));
    const second = new Date(at.getTime() + 1000);
    const memoised = schedules.flatMap((s, i) => ((first[i].nextBoundary?.getTime() ?? Infinity) > second.getTime() ? [i] : []));
    expect(memoised.length).toBeGreaterThan(9_000);
    const recomputed = memoised.filter((i) => schedules[i].planAt(second) !== first[i]);
    expect(recomputed).toEqual([]);

    // At its boundary a schedule gets a new plan, equal to what a fresh instance computes.
    const crossed: Array<[CompiledSchedule, Plan]> = schedules.slice(0, 200).map((s, i) => [s, first[i]]);
    for (const [schedule, plan] of crossed) {
      if (!plan.nextBoundary) continue;
      const later = schedule.planAt(plan.nextBoundary);
      expect(later).not.toBe(plan);
      expect(later).toEqual(new CompiledSchedule(schedule.timing).planAt(plan.nextBoundary));
    }
  }, 60_000);
});
