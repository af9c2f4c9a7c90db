import { CompiledSchedule, ScheduleTiming } from './schedule-timing';

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
 * CPU time of this process, not wall time: CI runs other suites on the same two cores, and their load
 * would otherwise be measured as ours.
 */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

function pass(schedules: CompiledSchedule[], at: Date): { ms: number; inWindow: number } {
  const started = cpuMs();
  let inWindow = 0;
  for (const schedule of schedules) {
    const plan = schedule.planAt(at);
    if (plan.current) inWindow++;
    if (plan.nextBoundary && plan.nextBoundary.getTime() <= at.getTime()) throw new Error('boundary not after the instant');
  }
  return { ms: cpuMs() - started, inWindow };
}

describe('planning pass over 10,000 schedules', () => {
  const all = timings(10_000);

  it('plans every schedule at one instant within budget', () => {
    const schedules = all.map((t) => new CompiledSchedule(t));
    // A running engine has warm code and zone tables. Warm up after the instants measured below, so
    // that no plan is answered from its memo (a memo serves only instants after the one it was made at).
    pass(schedules, new Date('2026-06-30T08:00:00Z'));
    const runs = [15, 14, 13].map((day) => pass(schedules, new Date(Date.UTC(2026, 5, day, 10, 17))));
    const median = runs.map((r) => r.ms).sort((a, b) => a - b)[1];
    expect(runs.every((r) => r.inWindow > 0)).toBe(true);
    // The target is 100 ms on 2 cores; a pass takes about 40-60 ms of CPU on an idle machine. CPU time still
    // inflates when CI runs other suites on the same cores, so the bound is 2.5x the target: it catches a
    // return to per-lookup costs like croner's Cron (10x) without failing on a busy machine.
    expect(median).toBeLessThan(250);

    // The next pass, before anyone's boundary, is answered from each schedule's memo.
    expect(pass(schedules, new Date(Date.UTC(2026, 5, 13, 10, 17, 1))).ms).toBeLessThan(50);
  });
});
