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

  function row(overrides: Partial<ScheduleEntity> = {}): ScheduleEntity {
    return Object.assign(new ScheduleEntity(), {
      id: randomUUID(),
      name: `s-${randomUUID().slice(0, 8)}`,
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
    const findSpy = jest.spyOn(dataSource.getRepository(ScheduleEntity), 'find');
    expect(await sut.refresh()).toEqual([]);
    expect(await sut.refresh()).toEqual([]);
    expect(findSpy).not.toHaveBeenCalled(); // no full reload: the unusable row is accounted for
  });
});
