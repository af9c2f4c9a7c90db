import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ScheduleEntity } from '../schedules/entities/schedule.entity';
import { createTestDatabase, TestDatabase } from '../testing/test-database';
import { bulkInsert, bulkUpdate } from './bulk-insert';
import { typeormOptions } from './typeorm.options';

/** Rows through one JSON parameter come back as TypeORM would have written them: types, nulls, arrays, JSON. */
describe('bulkInsert and bulkUpdate', () => {
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

  it('updates the rows whose key exists when asked (in the given columns only), and inserts the others', async () => {
    const existing = schedule('existing');
    await bulkInsert(dataSource.manager, ScheduleEntity, [existing]);
    const fresh = schedule('upserted-fresh');
    const withoutDescription = ({ description: _d, ...rest }: ScheduleEntity) => rest;
    await bulkInsert(
      dataSource.manager,
      ScheduleEntity,
      [withoutDescription({ ...existing, name: 'upserted', instanceCount: 9 }), withoutDescription(fresh)],
      { onConflictUpdate: true },
    );
    const read = async (id: string) => dataSource.getRepository(ScheduleEntity).findOneByOrFail({ id });
    // The column not given keeps its value on the updated row, and takes its default on the inserted one.
    expect(await read(existing.id)).toMatchObject({ name: 'upserted', instanceCount: 9, description: existing.description });
    expect(await read(fresh.id)).toMatchObject({ name: 'upserted-fresh', instanceCount: 3, description: '' });
  });

  it('updates each row with its own values in one statement, and leaves the other columns and rows alone', async () => {
    const rows = Array.from({ length: 3 }, (_, i) => schedule(`to-update-${i}`));
    const untouched = schedule('untouched');
    await bulkInsert(dataSource.manager, ScheduleEntity, [...rows, untouched]);
    const [a, b, c] = rows.map((row) => row.id);
    await bulkUpdate(dataSource.manager, ScheduleEntity, [
      { id: a, instanceCount: 7, nextWindowStart: new Date('2026-06-01T08:00:00.250Z'), networkIds: ['only'] },
      { id: b, instanceCount: 1, nextWindowStart: null, networkIds: ['n'] },
      { id: c, instanceCount: 2, nextWindowStart: new Date('2026-06-02T08:00:00Z'), networkIds: ['x', 'y'] },
    ]);
    const read = async (id: string | undefined) => dataSource.getRepository(ScheduleEntity).findOneByOrFail({ id });
    expect(await read(a)).toMatchObject({
      instanceCount: 7,
      nextWindowStart: new Date('2026-06-01T08:00:00.250Z'),
      networkIds: ['only'],
      name: 'to-update-0',
    });
    expect(await read(b)).toMatchObject({ instanceCount: 1, nextWindowStart: null, networkIds: ['n'], cron: '0 9 * * 1-5' });
    expect(await read(c)).toMatchObject({ instanceCount: 2, networkIds: ['x', 'y'] });
    expect(await read(untouched.id)).toMatchObject({ instanceCount: 3, networkIds: ['net-a', 'net-b'] });
    await expect(
      bulkUpdate(dataSource.manager, ScheduleEntity, [
        { id: a, instanceCount: 4 },
        { id: a, instanceCount: 5 },
      ]),
    ).rejects.toThrow(/given twice/);
    expect((await read(a)).instanceCount).toBe(7);
  });
});
