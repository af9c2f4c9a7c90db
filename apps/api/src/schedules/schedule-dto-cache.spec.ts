import { ScheduleEntity } from './entities/schedule.entity';
import { ScheduleDtoCache } from './schedule-dto-cache';
import type { ScheduleView } from './schedules.repository';

function view(overrides: Partial<ScheduleView> = {}, version = 1): ScheduleView {
  const schedule = Object.assign(new ScheduleEntity(), {
    id: '3f0c2a52-6f1e-4e53-9a1e-0d6c0a6f0001',
    name: 'office hours',
    description: '',
    imageId: 'img',
    flavorId: '2',
    networkIds: ['net'],
    instanceCount: 2,
    timeZone: 'Europe/Rome',
    windowType: 'recurring',
    startAt: null,
    endAt: null,
    cron: '0 9 * * *',
    durationMinutes: 60,
    validFrom: null,
    validUntil: null,
    excludedDates: [],
    leadTimeMinutes: 0,
    enabled: true,
    nextWindowStart: null,
    nextWindowEnd: null,
    nextProvisionAt: null,
    deletingSince: null,
    createdAt: new Date('2026-05-01T00:00:00Z'),
    updatedAt: new Date('2026-05-01T00:00:00Z'),
    version,
  });
  return { schedule, latestRun: null, state: 'idle', ...overrides };
}

describe(ScheduleDtoCache.name, () => {
  it('reuses a response until its next window ends, then moves to the following window', () => {
    const sut = new ScheduleDtoCache();
    const first = sut.get(view(), new Date('2026-05-02T06:00:00Z'));
    expect(first.nextOccurrence?.localStart).toBe('2026-05-02T09:00:00+02:00');
    expect(sut.get(view(), new Date('2026-05-02T07:59:59Z'))).toBe(first);
    expect(sut.get(view(), new Date('2026-05-02T08:00:00Z')).nextOccurrence?.localStart).toBe('2026-05-03T09:00:00+02:00');
  });

  it('rebuilds when the state, the latest run or the version changes', () => {
    const sut = new ScheduleDtoCache();
    const at = new Date('2026-05-02T06:00:00Z');
    const first = sut.get(view(), at);
    expect(sut.get(view({ state: 'upcoming' }), at).state).toBe('upcoming');
    const run = {
      id: 'r1',
      state: 'active' as const,
      shortfallReason: null,
      windowStart: new Date('2026-05-02T07:00:00Z'),
      windowEnd: new Date('2026-05-02T08:00:00Z'),
      desiredCount: 2,
      activeCount: 1,
    };
    const running = sut.get(view({ state: 'active', latestRun: run }), at);
    expect(running.latestRun?.activeCount).toBe(1);
    expect(sut.get(view({ state: 'active', latestRun: { ...run, activeCount: 2 } }), at).latestRun?.activeCount).toBe(2);
    const short = sut.get(view({ state: 'degraded', latestRun: { ...run, state: 'degraded', shortfallReason: 'quota' } }), at);
    expect(short.latestRun).toMatchObject({ state: 'degraded', shortfallReason: 'quota' });
    expect(sut.get(view({}, 2), at).version).toBe(2);
    expect(sut.get(view(), at)).not.toBe(first);
  });

  it('skips the window the latest run already took', () => {
    const sut = new ScheduleDtoCache();
    const run = {
      id: 'r1',
      state: 'completed' as const,
      shortfallReason: null,
      windowStart: new Date('2026-05-02T07:00:00Z'),
      windowEnd: new Date('2026-05-02T08:00:00Z'),
      desiredCount: 2,
      activeCount: 0,
    };
    expect(sut.get(view({ latestRun: run }), new Date('2026-05-02T07:30:00Z')).nextOccurrence?.start).toBe('2026-05-03T07:00:00.000Z');
  });
});
