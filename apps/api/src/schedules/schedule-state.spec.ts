import { DataSource } from 'typeorm';
import { SCHEDULE_STATES, type ScheduleDto, type ScheduleState } from './dto/schedule.dto';
import { SchedulesRepository } from './schedules.repository';
import { insertRun, onceBody, recurringBody, startSchedulesTestKit, type SchedulesTestKit } from './testing/schedules-test-kit';

interface Page {
  items: ScheduleDto[];
  total: number;
}

/**
 * The derived state of every kind of schedule, through GET (one and many) and through the state filter,
 * which the database evaluates: both must agree, and `total` must count what the filter keeps.
 */
describe('derived schedule state and the state filter', () => {
  let kit: SchedulesTestKit;
  const expected = new Map<string, ScheduleState>();
  const ids = new Map<string, string>();

  const recurring = (cron: string, durationMinutes: number, extra: Record<string, unknown> = {}) =>
    recurringBody(kit, { timeZone: 'UTC', leadTimeMinutes: 10, window: { type: 'recurring', cron, durationMinutes }, ...extra });

  beforeAll(async () => {
    kit = await startSchedulesTestKit('schedule_state', '2026-05-01T10:00:00Z');
    const definitions: [string, Record<string, unknown>, ScheduleState][] = [
      ['starts-within-the-hour', recurring('0 13 * * *', 60), 'upcoming'],
      ['due-but-not-started', recurring('0 11 * * *', 120), 'upcoming'],
      ['tomorrow-night', recurring('0 3 * * *', 60), 'idle'],
      ['nothing-left', onceBody(kit, { window: { type: 'once', startAt: '2026-05-01T10:30:00Z', endAt: '2026-05-01T11:00:00Z' } }), 'idle'],
      ['switched-off', recurring('0 13 * * *', 60, { enabled: false }), 'disabled'],
      ['switched-off-but-running', recurring('0 11 * * *', 120, { enabled: false }), 'active'],
      ['provisioning', recurring('0 11 * * *', 120), 'provisioning'],
      ['active', recurring('0 11 * * *', 120), 'active'],
      ['degraded', recurring('0 11 * * *', 120), 'degraded'],
      ['tearing-down', recurring('0 11 * * *', 60), 'tearing-down'],
      ['failed', recurring('0 13 * * *', 60), 'failed'],
      ['missed-current-window', recurring('0 11 * * *', 120), 'idle'],
      ['deleting', recurring('0 11 * * *', 120), 'deleting'],
    ];
    for (const [name, body, state] of definitions) {
      const created = (
        await kit
          .http()
          .post('/v1/schedules')
          .send({ ...body, name })
          .expect(201)
      ).body as ScheduleDto;
      ids.set(name, created.id);
      expected.set(name, state);
    }

    // An hour and a half later: the one-off is over, 11:00 windows are under way.
    kit.clock.set('2026-05-01T12:00:00Z');
    const today = '2026-05-01T11:00:00Z';
    const run = (name: string, state: Parameters<typeof insertRun>[2]['state'], vms: { status: string }[] = []) =>
      insertRun(kit, ids.get(name) as string, { windowStart: today, durationMinutes: 120, state, vms });
    await run('switched-off-but-running', 'active', [{ status: 'ACTIVE' }]);
    await run('provisioning', 'provisioning', [{ status: 'BUILD' }]);
    await run('active', 'active', [{ status: 'ACTIVE' }, { status: 'ACTIVE' }]);
    await run('degraded', 'degraded', [{ status: 'ACTIVE' }, { status: 'ERROR' }]);
    await run('tearing-down', 'tearing-down', [{ status: 'ACTIVE' }]);
    await insertRun(kit, ids.get('failed') as string, { windowStart: '2026-04-30T13:00:00Z', durationMinutes: 60, state: 'failed' });
    await run('missed-current-window', 'missed');
    await run('deleting', 'active', [{ status: 'ACTIVE' }]);
    await kit
      .http()
      .delete(`/v1/schedules/${ids.get('deleting')}`)
      .expect(202);
  });

  afterAll(async () => {
    await kit?.close();
  });

  const list = async (query: string) => (await kit.http().get(`/v1/schedules?limit=100&${query}`).expect(200)).body as Page;
  const show = async (name: string) =>
    (
      await kit
        .http()
        .get(`/v1/schedules/${ids.get(name)}`)
        .expect(200)
    ).body as ScheduleDto;
  const namesIn = (state: ScheduleState) =>
    [...expected]
      .filter(([, s]) => s === state)
      .map(([name]) => name)
      .sort();

  it('derives each schedule state, in the list and one by one', async () => {
    const page = await list('');
    expect(Object.fromEntries(page.items.map((s) => [s.name, s.state]))).toEqual(Object.fromEntries(expected));
    for (const [name, state] of expected) {
      expect((await show(name)).state).toBe(state);
    }
  });

  it.each(SCHEDULE_STATES)('filters by state %s, with an exact total', async (state) => {
    const page = await list(`state=${state}`);
    expect(page.items.map((s) => s.name).sort()).toEqual(namesIn(state));
    expect(page.total).toBe(namesIn(state).length);
  });

  it('filters by several states and by enabled, and pages by name', async () => {
    const page = await list('state=active&state=degraded');
    expect(page.items.map((s) => s.name)).toEqual(['active', 'degraded', 'switched-off-but-running']);
    expect((await list('state=active,degraded&enabled=false')).items.map((s) => s.name)).toEqual(['switched-off-but-running']);
    const second = (await kit.http().get('/v1/schedules?limit=2&offset=2').expect(200)).body as Page & { limit: number; offset: number };
    expect(second).toMatchObject({ total: expected.size, limit: 2, offset: 2 });
    expect(second.items.map((s) => s.name)).toEqual([...expected.keys()].sort().slice(2, 4));
  });

  it('searches names case-insensitively, taking % and _ literally, and counts what it keeps', async () => {
    const page = await list('q=SWITCHED');
    expect(page.items.map((s) => s.name)).toEqual(['switched-off', 'switched-off-but-running']);
    expect(page.total).toBe(2);
    expect((await list('q=-but-&state=active')).items.map((s) => s.name)).toEqual(['switched-off-but-running']);
    expect((await list(`q=${encodeURIComponent('%')}`)).total).toBe(0);
    expect((await list('q=_')).total).toBe(0);
  });

  it('sorts by name, next window or state, either way, ties by name, consistently across pages', async () => {
    const names = [...expected.keys()];
    expect((await list('sort=-name')).items.map((s) => s.name)).toEqual([...names].sort().reverse());

    const byState = (await list('sort=state')).items.map((s) => s.name);
    // By state: in a schedule's life order (SCHEDULE_STATES), not alphabetically.
    const rank = (name: string) => SCHEDULE_STATES.indexOf(expected.get(name) as ScheduleState);
    const stateOrder = [...names].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
    expect(byState).toEqual(stateOrder);
    expect((await list('sort=-state')).items.map((s) => expected.get(s.name))).toEqual(stateOrder.map((n) => expected.get(n)).reverse());

    // The next window is the schedule's cursor: the first window that has not ended (the current one, if any).
    const cursors: { name: string; at: Date | null }[] = await kit.app
      .get(DataSource)
      .query('SELECT name, next_window_start AS at FROM schedule');
    const atOf = (name: string) => cursors.find((c) => c.name === name)?.at?.getTime() ?? Infinity;
    const nextOrder = [...names].sort((a, b) => atOf(a) - atOf(b) || a.localeCompare(b));
    expect((await list('sort=nextWindow')).items.map((s) => s.name)).toEqual(nextOrder);
    expect(cursors.some((c) => c.at === null)).toBe(true); // some have none left: they come last

    // Two pages of a sort are the one list cut in two.
    const first = (await kit.http().get('/v1/schedules?sort=-state&limit=5').expect(200)).body as Page;
    const rest = (await kit.http().get('/v1/schedules?sort=-state&limit=100&offset=5').expect(200)).body as Page;
    expect([...first.items, ...rest.items].map((s) => s.name)).toEqual((await list('sort=-state')).items.map((s) => s.name));
  });

  it('rejects an unknown sort, naming the field', async () => {
    const res = await kit.http().get('/v1/schedules?sort=size').expect(400);
    expect((res.body as { errors: { field: string }[] }).errors[0].field).toBe('sort');
  });

  it('rejects an unknown state', async () => {
    const res = await kit.http().get('/v1/schedules?state=running').expect(400);
    expect((res.body as { errors: { field: string }[] }).errors[0].field).toBe('state');
  });

  it('shows the latest run and the next window the engine has not started', async () => {
    const active = await show('active');
    expect(active.latestRun).toMatchObject({ state: 'active', windowStart: '2026-05-01T11:00:00.000Z', desiredCount: 2, activeCount: 2 });
    expect(active.nextOccurrence?.start).toBe('2026-05-02T11:00:00.000Z');
    const due = await show('due-but-not-started');
    expect(due.nextOccurrence?.start).toBe('2026-05-01T11:00:00.000Z');
    const over = await show('nothing-left');
    expect(over.nextOccurrence).toBeNull();
  });

  it('moves a cursor whose window has ended when read, without touching version or updatedAt', async () => {
    const repository = kit.app.get(SchedulesRepository);
    const dataSource = kit.app.get(DataSource);
    const id = ids.get('tomorrow-night') as string;
    const before = await repository.findById(id);
    kit.clock.set('2026-05-02T04:30:00Z'); // tomorrow night's window (03:00-04:00) is over
    await repository.refreshCursors(kit.clock.now());
    const after = await repository.findById(id);
    expect(after?.nextWindowStart).toEqual(new Date('2026-05-03T03:00:00Z'));
    expect([after?.version, after?.updatedAt]).toEqual([before?.version, before?.updatedAt]);
    const [{ stale }] = await dataSource.query(`SELECT count(*)::int AS stale FROM schedule WHERE next_window_end <= $1`, [
      kit.clock.now(),
    ]);
    expect(stale).toBe(0);
    kit.clock.set('2026-05-01T12:00:00Z');
  });
});
