import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ScheduleEntity } from '../schedules/entities/schedule.entity';
import { createTestDatabase, TestDatabase } from '../testing/test-database';
import { bulkInsert } from './bulk-insert';
import { typeormOptions } from './typeorm.options';

/** Rows through one JSON parameter come back as TypeORM would have written them: types, nulls, arrays, JSON. */
describe('bulkInsert', () => {
  let db: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase('bulk-insert');
    dataSource = await new DataSource(typeormOptions({ url: db.url, poolSize: 2 })).initialize();
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  const schedule = (name: string): ScheduleEntity =>
    Object.assign(new ScheduleEntity(), {
      id: randomUUID(),
      name,
      description: 'it\'s "quoted", with a newline\nand ünïcode',
      imageId: 'image',
      flavorId: 'flavor',
      networkIds: ['net-a', 'net-b'],
      launch: { tags: ['x'], metadata: { role: 'worker' }, bootVolume: { sizeGiB: 20 } },
      instanceCount: 3,
      timeZone: 'Europe/Rome',
      windowType: 'recurring',
      startAt: null,
      endAt: null,
      cron: '0 9 * * 1-5',
      durationMinutes: 480,
      validFrom: new Date('2026-05-04T07:00:00.123Z'),
      validUntil: null,
      excludedDates: [],
      leadTimeMinutes: 10,
      enabled: true,
      keptWindowStart: null,
      keptWindowEnd: null,
      nextWindowStart: null,
      nextWindowEnd: null,
      nextProvisionAt: null,
      deletingSince: null,
      createdAt: new Date('2026-05-01T10:00:00Z'),
      updatedAt: new Date('2026-05-01T10:00:00Z'),
      projectId: 'p1',
      projectName: null,
      projectDomainId: null,
      trustId: null,
      trustorId: null,
      trustorName: null,
      createdById: null,
      createdByName: null,
      updatedById: null,
      updatedByName: null,
      version: 1,
    });

  it('writes every row in one statement, and reads back what it wrote', async () => {
    const rows = Array.from({ length: 700 }, (_, i) => schedule(`bulk-${i}`));
    const ids = await bulkInsert(dataSource.manager, ScheduleEntity, rows, { returning: 'id' });
    expect(ids.sort()).toEqual(rows.map((r) => r.id).sort());
    const [first] = rows;
    const { changeXid: _x, ...read } = await dataSource.getRepository(ScheduleEntity).findOneByOrFail({ id: first?.id });
    expect(read).toEqual({ ...first });
    expect(await dataSource.getRepository(ScheduleEntity).countBy({ timeZone: 'Europe/Rome' })).toBe(700);
  });

  it('skips conflicting rows when asked, returning only the ids it inserted', async () => {
    const kept = schedule('kept');
    await bulkInsert(dataSource.manager, ScheduleEntity, [kept]);
    const fresh = schedule('fresh');
    const ids = await bulkInsert(dataSource.manager, ScheduleEntity, [{ ...kept, name: 'changed' }, fresh], {
      onConflictDoNothing: true,
      returning: 'id',
    });
    expect(ids).toEqual([fresh.id]);
    expect((await dataSource.getRepository(ScheduleEntity).findOneByOrFail({ id: kept.id })).name).toBe('kept');
    await expect(bulkInsert(dataSource.manager, ScheduleEntity, [kept])).rejects.toThrow(/duplicate key/);
  });
});
