import { CompiledSchedule, type ScheduleTiming } from '@peak/schedule-domain';
import { PlanIndex } from './plan-index';

const MINUTE = 60_000;
const t0 = Date.UTC(2026, 5, 15, 7, 50);

/** Short recurring windows and one-off ones around t0, so that a few minutes of looks cross many boundaries. */
function timing(i: number): ScheduleTiming {
  if (i % 3 === 0) {
    const start = t0 + ((i * 7) % 90) * MINUTE;
    return {
      timeZone: 'UTC',
      leadTimeMinutes: i % 4,
      window: { type: 'once', startAt: new Date(start), endAt: new Date(start + (5 + (i % 20)) * MINUTE) },
    };
  }
  return {
    timeZone: i % 2 ? 'Europe/Rome' : 'America/New_York',
    leadTimeMinutes: i % 5,
    window: { type: 'recurring', cron: `*/${5 + (i % 11)} * * * *`, durationMinutes: 1 + (i % 4) },
  };
}

/** What a walk over every schedule, each compiled afresh, says at `at`. */
function bruteForce(schedules: Map<string, ScheduleTiming>, at: Date) {
  const inWindow: string[] = [];
  let next: number | null = null;
  for (const [id, t] of schedules) {
    const plan = new CompiledSchedule(t).planAt(at);
    if (plan.current) inWindow.push(id);
    const boundary = plan.nextBoundary?.getTime();
    if (boundary !== undefined && (next === null || boundary < next)) next = boundary;
  }
  return { inWindow: inWindow.sort(), nextBoundary: next };
}

describe(PlanIndex.name, () => {
  let timings: Map<string, ScheduleTiming>;
  let compiled: Map<string, CompiledSchedule>;
  let sut: PlanIndex;

  beforeEach(() => {
    timings = new Map(Array.from({ length: 300 }, (_, i) => [`s${i}`, timing(i)]));
    compiled = new Map([...timings].map(([id, t]) => [id, new CompiledSchedule(t)]));
    sut = new PlanIndex(
      (id) => compiled.get(id),
      () => compiled.keys(),
    );
    sut.reset();
  });

  function look(at: number) {
    const { inWindow, nextBoundary, planned } = sut.look(new Date(at));
    return { inWindow: [...inWindow.keys()].sort(), nextBoundary: nextBoundary?.getTime() ?? null, planned };
  }

  function change(id: string, t: ScheduleTiming | undefined): void {
    if (t) {
      timings.set(id, t);
      compiled.set(id, new CompiledSchedule(t));
    } else {
      timings.delete(id);
      compiled.delete(id);
    }
    sut.touch(id);
  }

  it('answers as a walk over every schedule would, look after look, while schedules change and the clock steps back', () => {
    let at = t0;
    let looks = 0;
    for (let step = 0; step < 400; step++) {
      // Mostly forward by up to 50 s; every 97th look the clock steps back by 7 minutes.
      at += step % 97 === 96 ? -7 * MINUTE : ((step * 7919) % 50) * 1000;
      if (step % 13 === 0) change(`s${(step * 31) % 300}`, timing(step + 1000));
      if (step % 29 === 0) change(`s${(step * 17) % 300}`, undefined);
      if (step % 41 === 0) change(`n${step}`, timing(step));
      const { inWindow, nextBoundary } = look(at);
      expect({ at: new Date(at).toISOString(), inWindow, nextBoundary }).toEqual({
        at: new Date(at).toISOString(),
        ...bruteForce(timings, new Date(at)),
      });
      looks++;
    }
    expect(looks).toBe(400);
  });

  it('plans afresh only the schedules whose plan ran out or that changed', () => {
    expect(look(t0).planned).toBe(300);
    // Within the same second nothing ran out.
    expect(look(t0 + 500).planned).toBe(0);
    const boundary = look(t0 + 500).nextBoundary as number;
    // At the earliest boundary, only the schedules whose plans end there.
    const due = [...compiled.values()].filter((s) => s.planAt(new Date(t0 + 500)).nextBoundary?.getTime() === boundary).length;
    expect(due).toBeGreaterThan(0);
    expect(look(boundary).planned).toBe(due);
    change('s1', timing(5000));
    expect(look(boundary + 1).planned).toBe(1);
  });

  it('leaves no plan memoised in the schedules it planned: it keeps their boundaries, and whole plans only in a window', () => {
    const at = new Date(t0 + 20 * MINUTE);
    const { inWindow } = sut.look(at);
    expect(inWindow.size).toBeGreaterThan(0);
    // A schedule that still held its memo would answer with the very plan the index returned.
    for (const [id, plan] of inWindow) {
      const again = compiled.get(id)?.planAt(at);
      expect(again).not.toBe(plan);
      expect(again).toEqual(plan);
    }
  });

  it('forgets a removed schedule and gives no boundary when nothing is left to plan', () => {
    for (const id of [...compiled.keys()]) change(id, undefined);
    expect(look(t0)).toEqual({ inWindow: [], nextBoundary: null, planned: 300 });
    expect(look(t0 + 1)).toEqual({ inWindow: [], nextBoundary: null, planned: 0 });
  });
});
