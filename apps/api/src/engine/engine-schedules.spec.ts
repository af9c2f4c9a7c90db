import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { typeormOptions } from '../database/typeorm.options';
import { ScheduleEntity } from '../schedules/entities/schedule.entity';
import { createTestDatabase, type TestDatabase } from '../testing/test-database';
import { EngineSchedules } from './engine-schedules';

describe(EngineSchedules.name, () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let sut: EngineSchedules;
  const t0 = new Date('2026-11-27T10:00:00Z');
  // Names are unique (case-insensitively): a counter, not a random suffix, which 4,500 rows can draw twice.
  let made = 0;

  function row(overrides: Partial<ScheduleEntity> = {}): ScheduleEntity {
    return Object.assign(new ScheduleEntity(), {
      id: randomUUID(),
      name: `s-${++made}`,
      description: '',
      imageId: 'img',
      flavorId: 'flv',
      networkIds: ['net'],
      instanceCount: 1,
      timeZone: 'Europe/Rome',
      windowType: 'recurring',
      startAt: null,
      endAt: null,
      cron: '0 9 * * 1-5',
      durationMinutes: 60,
      validFrom: null,
      validUntil: null,
      excludedDates: [],
      leadTimeMinutes: 5,
      enabled: true,
      nextWindowStart: null,
      nextWindowEnd: null,
      nextProvisionAt: null,
      deletingSince: null,
      createdAt: t0,
      updatedAt: t0,
      version: 1,
      ...overrides,
    });
  }

  beforeAll(async () => {
    db = await createTestDatabase('engine_schedules');
    dataSource = await new DataSource(typeormOptions({ url: db.url, poolSize: 2 })).initialize();
  });

  beforeEach(async () => {
    await dataSource.query('DELETE FROM schedule');
    sut = new EngineSchedules(dataSource.getRepository(ScheduleEntity));
  });

  afterAll(async () => {
    await dataSource.destroy();
    await db.drop();
  });

  it('picks up rows another replica changed or added, and only those', async () => {
    const repo = dataSource.getRepository(ScheduleEntity);
    const a = row();
    const b = row();
    await repo.insert([a, b]);
    await sut.loadAll();
    expect(await sut.refresh()).toEqual([]);

    const later = new Date(t0.getTime() + 60_000);
    await repo.update(a.id, { instanceCount: 7, version: 2, updatedAt: later });
    const c = row({ updatedAt: later, createdAt: later });
    await repo.insert(c);
    expect((await sut.refresh()).sort()).toEqual([a.id, c.id].sort());
    expect(sut.get(a.id)?.entity.instanceCount).toBe(7);
    expect(sut.get(c.id)).toBeDefined();
    expect(await sut.refresh()).toEqual([]);
  });

  it('cannot miss a change whose transaction began before a look and committed after it, whatever its timestamps', async () => {
    const repo = dataSource.getRepository(ScheduleEntity);
    const a = row();
    await repo.insert(a);
    await sut.loadAll();
    // A slow PATCH on another replica with a clock an hour behind: its write is stamped long before anything seen.
    const slow = dataSource.createQueryRunner();
    await slow.connect();
    await slow.startTransaction();
    try {
      await slow.query(`UPDATE schedule SET instance_count = 9, version = 2, updated_at = $2 WHERE id = $1`, [
        a.id,
        new Date(t0.getTime() - 3600_000),
      ]);
      // Meanwhile other changes commit and the engine looks, more than once.
      const b = row();
      await repo.insert(b);
      expect(await sut.refresh()).toEqual([b.id]);
      expect(await sut.refresh()).toEqual([]);
      await slow.commitTransaction();
    } finally {
      await slow.release();
    }
    expect(await sut.refresh()).toEqual([a.id]);
    expect(sut.get(a.id)?.entity.instanceCount).toBe(9);
    expect(await sut.refresh()).toEqual([]);
  });

  it('notices deletions', async () => {
    const repo = dataSource.getRepository(ScheduleEntity);
    const a = row();
    const b = row();
    await repo.insert([a, b]);
    await sut.loadAll();
    await repo.delete(b.id);
    expect(await sut.refresh()).toEqual([b.id]);
    expect(sut.get(b.id)).toBeUndefined();
    expect(sut.size).toBe(1);
  });

  it('skips a row whose timing cannot be compiled without reloading everything on every look', async () => {
    const repo = dataSource.getRepository(ScheduleEntity);
    await repo.insert([row(), row({ timeZone: 'Mars/Olympus_Mons' })]);
    await sut.loadAll();
    expect(sut.size).toBe(1);
    const loadSpy = jest.spyOn(dataSource.getRepository(ScheduleEntity), 'createQueryBuilder');
    expect(await sut.refresh()).toEqual([]);
    expect(await sut.refresh()).toEqual([]);
    expect(loadSpy).not.toHaveBeenCalled(); // no full reload: the unusable row is accounted for
  });

  it('loads every row when there are more than one page of them', async () => {
    const rows = Array.from({ length: 4_500 }, () => row());
    const repo = dataSource.getRepository(ScheduleEntity);
    for (let i = 0; i < rows.length; i += 500) await repo.insert(rows.slice(i, i + 500));
    await sut.loadAll();
    expect(sut.size).toBe(4_500);
    expect(rows.filter((r) => sut.get(r.id)?.entity.name !== r.name)).toEqual([]);
    expect(await sut.refresh()).toEqual([]);
  });

  it('keeps apart the schedules being deleted and those behind a load balancer, as their rows change', async () => {
    const repo = dataSource.getRepository(ScheduleEntity);
    const pooled = row({ launch: { loadBalancer: { poolId: 'pool-1', protocolPort: 80 } } as ScheduleEntity['launch'] });
    const leaving = row({ deletingSince: t0 });
    const plain = row();
    await repo.insert([pooled, leaving, plain]);
    await sut.loadAll();
    expect(sut.deleting().map((s) => s.entity.id)).toEqual([leaving.id]);
    expect(sut.pools()).toEqual(new Map([['pool-1', pooled.id]]));

    await repo.update(pooled.id, { launch: {}, version: 2 });
    await repo.update(plain.id, { deletingSince: t0, version: 2 });
    await repo.delete(leaving.id);
    await sut.refresh();
    expect(sut.deleting().map((s) => s.entity.id)).toEqual([plain.id]);
    expect(sut.pools()).toEqual(new Map());
  });

  it('tells which schedules are inside a window, from their rows as they change', async () => {
    const repo = dataSource.getRepository(ScheduleEntity);
    // 10:00 UTC on a Friday is 11:00 in Rome: inside a 10:30–12:30 window, not inside a 09:00–10:00 one.
    const inside = row({ cron: '30 10 * * 1-5', durationMinutes: 120 });
    const outside = row({ cron: '0 9 * * 1-5', durationMinutes: 60 });
    await repo.insert([inside, outside]);
    await sut.loadAll();
    const at = sut.plansAt(t0);
    expect(at.inWindow.map((w) => w.schedule.entity.id)).toEqual([inside.id]);
    expect(at.inWindow[0].plan.current?.start).toEqual(new Date('2026-11-27T09:30:00Z'));
    // The earliest change: the 09:00 Rome window of Monday less its 5 minutes of lead time is later than 12:30 today.
    expect(at.nextBoundary).toEqual(new Date('2026-11-27T11:30:00Z'));

    await repo.update(outside.id, { cron: '0 10 * * 1-5', durationMinutes: 120, version: 2 });
    await sut.refresh();
    expect(
      sut
        .plansAt(new Date(t0.getTime() + 1000))
        .inWindow.map((w) => w.schedule.entity.id)
        .sort(),
    ).toEqual([inside.id, outside.id].sort());
  });
});
