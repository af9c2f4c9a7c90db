import { demandOver, findConflicts, type DemandSchedule } from './capacity';

const at = (iso: string) => new Date(iso);
const steps = (list: readonly { at: Date; value: number }[]) => list.map((s) => [s.at.toISOString(), s.value]);

/** 4 VMs of 2 vCPUs / 4096 MB, once, 10:00-12:00 UTC on 2026-06-01. */
const oneOff: DemandSchedule = {
  id: 'a',
  name: 'A',
  enabled: true,
  timing: {
    timeZone: 'UTC',
    leadTimeMinutes: 0,
    window: { type: 'once', startAt: at('2026-06-01T10:00:00Z'), endAt: at('2026-06-01T12:00:00Z') },
  },
  instanceCount: 4,
  vcpus: 2,
  ramMb: 4096,
};
/** 3 VMs of 1 vCPU / 2048 MB, daily 11:00-13:00 UTC, provisioned 30 minutes ahead. */
const daily: DemandSchedule = {
  id: 'b',
  name: 'B',
  enabled: true,
  timing: { timeZone: 'UTC', leadTimeMinutes: 30, window: { type: 'recurring', cron: '0 11 * * *', durationMinutes: 120 } },
  instanceCount: 3,
  vcpus: 1,
  ramMb: 2048,
};
/** 2 VMs daily at 09:00 London time, for an hour. */
const london: DemandSchedule = {
  id: 'l',
  name: 'London',
  enabled: true,
  timing: { timeZone: 'Europe/London', leadTimeMinutes: 0, window: { type: 'recurring', cron: '0 9 * * *', durationMinutes: 60 } },
  instanceCount: 2,
  vcpus: 1,
  ramMb: 1024,
};

describe(demandOver.name, () => {
  const day = [at('2026-06-01T00:00:00Z'), at('2026-06-02T00:00:00Z')] as const;

  it('adds overlapping one-off and recurring windows, each from its provisioning start (lead time) to its end', () => {
    const sut = demandOver([oneOff, daily], ...day);
    expect(steps(sut.steps.instances)).toEqual([
      ['2026-06-01T00:00:00.000Z', 0],
      ['2026-06-01T10:00:00.000Z', 4],
      ['2026-06-01T10:30:00.000Z', 7], // B provisions 30 minutes before 11:00
      ['2026-06-01T12:00:00.000Z', 3],
      ['2026-06-01T13:00:00.000Z', 0],
    ]);
    expect(sut.steps.vcpus.map((s) => s.value)).toEqual([0, 8, 11, 3, 0]);
    expect(sut.steps.ramMb.map((s) => s.value)).toEqual([0, 16384, 22528, 6144, 0]);
    expect(sut.contributions.map((c) => [c.scheduleId, c.from.toISOString(), c.to.toISOString(), c.demand.instances])).toEqual([
      ['a', '2026-06-01T10:00:00.000Z', '2026-06-01T12:00:00.000Z', 4],
      ['b', '2026-06-01T10:30:00.000Z', '2026-06-01T13:00:00.000Z', 3],
    ]);
  });

  it('cuts windows to the range: one being provisioned at `from` counts from `from`', () => {
    const sut = demandOver([oneOff, daily], at('2026-06-01T10:45:00Z'), at('2026-06-01T12:30:00Z'));
    expect(steps(sut.steps.instances)).toEqual([
      ['2026-06-01T10:45:00.000Z', 7],
      ['2026-06-01T12:00:00.000Z', 3],
    ]);
    expect(sut.contributions.map((c) => [c.from.toISOString(), c.to.toISOString()])).toEqual([
      ['2026-06-01T10:45:00.000Z', '2026-06-01T12:00:00.000Z'],
      ['2026-06-01T10:45:00.000Z', '2026-06-01T12:30:00.000Z'],
    ]);
  });

  it('follows the wall clock across the spring-forward day in Europe/London (09:00 GMT, then 09:00 BST = 08:00 UTC)', () => {
    const sut = demandOver([london], at('2026-03-28T00:00:00Z'), at('2026-03-30T00:00:00Z'));
    expect(steps(sut.steps.instances)).toEqual([
      ['2026-03-28T00:00:00.000Z', 0],
      ['2026-03-28T09:00:00.000Z', 2],
      ['2026-03-28T10:00:00.000Z', 0],
      ['2026-03-29T08:00:00.000Z', 2],
      ['2026-03-29T09:00:00.000Z', 0],
    ]);
  });

  it('leaves out excluded dates', () => {
    const excluding: DemandSchedule = {
      ...london,
      timing: { ...london.timing, window: { type: 'recurring', cron: '0 9 * * *', durationMinutes: 60, excludedDates: ['2026-03-29'] } },
    };
    const sut = demandOver([excluding], at('2026-03-28T00:00:00Z'), at('2026-03-30T00:00:00Z'));
    expect(steps(sut.steps.instances)).toEqual([
      ['2026-03-28T00:00:00.000Z', 0],
      ['2026-03-28T09:00:00.000Z', 2],
      ['2026-03-28T10:00:00.000Z', 0],
    ]);
  });

  it('ignores disabled schedules', () => {
    const sut = demandOver(
      [
        { ...oneOff, enabled: false },
        { ...daily, enabled: false },
      ],
      ...day,
    );
    expect(steps(sut.steps.instances)).toEqual([['2026-06-01T00:00:00.000Z', 0]]);
    expect(sut.contributions).toEqual([]);
  });
});

describe(findConflicts.name, () => {
  const series = demandOver([oneOff, daily], at('2026-06-01T00:00:00Z'), at('2026-06-02T00:00:00Z'));

  it('reports each interval where a resource needs more than is available, naming the schedules in it', () => {
    const sut = findConflicts(series, { instances: 5, vcpus: 20, ramMb: 51200 });
    expect(sut).toEqual([
      {
        from: at('2026-06-01T10:30:00Z'),
        to: at('2026-06-01T12:00:00Z'),
        resource: 'instances',
        needed: 7,
        available: 5,
        schedules: [
          { id: 'a', name: 'A' },
          { id: 'b', name: 'B' },
        ],
      },
    ]);
  });

  it('splits an excess at each change of the demand, and skips resources without a limit', () => {
    const sut = findConflicts(series, { instances: 2, vcpus: null });
    expect(sut.map((c) => [c.from.toISOString(), c.to.toISOString(), c.needed, c.schedules.map((s) => s.id)])).toEqual([
      ['2026-06-01T10:00:00.000Z', '2026-06-01T10:30:00.000Z', 4, ['a']],
      ['2026-06-01T10:30:00.000Z', '2026-06-01T12:00:00.000Z', 7, ['a', 'b']],
      ['2026-06-01T12:00:00.000Z', '2026-06-01T13:00:00.000Z', 3, ['b']],
    ]);
  });

  it('finds nothing when everything fits', () => {
    expect(findConflicts(series, { instances: 7, vcpus: 11, ramMb: 22528 })).toEqual([]);
  });
});
