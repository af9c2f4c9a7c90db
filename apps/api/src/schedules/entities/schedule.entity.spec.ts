import { randomUUID } from 'node:crypto';
import { DataSource, QueryFailedError } from 'typeorm';
import { typeormOptions } from '../../database/typeorm.options';
import { createTestDatabase, TestDatabase } from '../../testing/test-database';
import { RunVmEntity } from '../../runs/entities/run-vm.entity';
import { RunEntity } from '../../runs/entities/run.entity';
import { ScheduleEntity } from './schedule.entity';

const now = new Date('2026-05-01T10:00:00.123Z');

function schedule(overrides: Partial<ScheduleEntity> = {}): ScheduleEntity {
  return Object.assign(new ScheduleEntity(), {
    id: randomUUID(),
    name: `peak-${randomUUID().slice(0, 8)}`,
    description: '',
    imageId: 'img',
    flavorId: '2',
    networkIds: ['net-a', 'net-b'],
    instanceCount: 3,
    timeZone: 'Europe/Rome',
    windowType: 'recurring',
    startAt: null,
    endAt: null,
    cron: '0 9 * * 1-5',
    durationMinutes: 480,
    validFrom: null,
    validUntil: new Date('2026-12-31T23:00:00Z'),
    excludedDates: ['2026-12-25'],
    leadTimeMinutes: 10,
    enabled: true,
    keptWindowStart: null,
    keptWindowEnd: null,
    nextWindowStart: null,
    nextWindowEnd: null,
    nextProvisionAt: null,
    deletingSince: null,
    createdAt: now,
    updatedAt: now,
    projectId: 'p1',
    projectName: 'demo',
    projectDomainId: 'default',
    trustId: 't1',
    trustorId: 'u1',
    trustorName: 'alice',
    createdById: 'u1',
    createdByName: 'alice',
    updatedById: null,
    updatedByName: null,
    version: 1,
    ...overrides,
  });
}

function run(scheduleId: string, windowStart: string): RunEntity {
  const start = new Date(windowStart);
  return Object.assign(new RunEntity(), {
    id: randomUUID(),
    scheduleId,
    scheduleName: 'peak-run',
    windowStart: start,
    windowEnd: new Date(start.getTime() + 3_600_000),
    provisionAt: new Date(start.getTime() - 600_000),
    startedAt: null,
    readyAt: null,
    endedAt: null,
    tornDownAt: null,
    teardownOverdueAt: null,
    state: 'provisioning',
    latenessSeconds: 2,
    lastErrorMessage: null,
    lastErrorRequestId: null,
    lastErrorAt: null,
    desiredCount: 3,
    createdAt: now,
    updatedAt: now,
  });
}

/** The Postgres error code behind a failed query (23505 unique, 23514 check, 23503 foreign key). */
async function pgCode(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof QueryFailedError) return (error.driverError as { code?: string }).code;
    throw error;
  }
  return undefined;
}

describe(ScheduleEntity.name, () => {
  let db: TestDatabase;
  let sut: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase('schedule_entities');
    sut = await new DataSource(typeormOptions({ url: db.url, poolSize: 2, migrationsRun: true })).initialize();
  });

  afterAll(async () => {
    await sut?.destroy();
    await db.drop();
  });

  it('round-trips every field, instants exact to the millisecond and arrays in order', async () => {
    const saved = schedule({ networkIds: ['z', 'a'], deletingSince: new Date('2026-05-02T00:00:00.007Z') });
    await sut.getRepository(ScheduleEntity).insert(saved);
    const loaded = await sut.getRepository(ScheduleEntity).findOneByOrFail({ id: saved.id });
    expect(loaded).toEqual(saved);
  });

  it('stores instants as timestamptz: a session in another zone reads the same instant', async () => {
    const saved = schedule();
    await sut.getRepository(ScheduleEntity).insert(saved);
    const [row] = await sut.transaction(async (m) => {
      await m.query(`SET LOCAL TIME ZONE 'Asia/Tokyo'`);
      return m.query(
        `SELECT valid_until, to_char(valid_until AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI') AS utc FROM schedule WHERE id = $1`,
        [saved.id],
      );
    });
    expect((row as { valid_until: Date }).valid_until).toEqual(saved.validUntil);
    expect((row as { utc: string }).utc).toBe('2026-12-31T23:00');
  });

  it('keeps names unique regardless of case', async () => {
    await sut.getRepository(ScheduleEntity).insert(schedule({ name: 'Black Friday' }));
    expect(await pgCode(sut.getRepository(ScheduleEntity).insert(schedule({ name: 'black friday' })))).toBe('23505');
  });

  it.each<[string, Partial<ScheduleEntity>]>([
    ['a recurring window without a cron expression', { cron: null }],
    ['a recurring window with a one-off start', { startAt: now }],
    ['a one-off window that ends before it starts', { windowType: 'once', cron: null, durationMinutes: null, startAt: now, endAt: now }],
    ['an unknown window type', { windowType: 'weekly' as 'once' }],
    ['no network', { networkIds: [] }],
    ['zero instances', { instanceCount: 0 }],
    ['a negative lead time', { leadTimeMinutes: -1 }],
  ])('refuses %s (check constraint)', async (_what, overrides) => {
    expect(await pgCode(sut.getRepository(ScheduleEntity).insert(schedule(overrides)))).toBe('23514');
  });

  it('never holds two runs of one occurrence', async () => {
    const parent = schedule();
    await sut.getRepository(ScheduleEntity).insert(parent);
    await sut.getRepository(RunEntity).insert(run(parent.id, '2026-06-01T07:00:00Z'));
    expect(await pgCode(sut.getRepository(RunEntity).insert(run(parent.id, '2026-06-01T07:00:00Z')))).toBe('23505');
    expect(
      await pgCode(sut.getRepository(RunEntity).insert({ ...run(parent.id, '2026-06-02T07:00:00Z'), state: 'running' as 'active' })),
    ).toBe('23514');
  });

  it('keeps runs and their VMs when their schedule is removed (history outlives it), and removes VMs with their run', async () => {
    const parent = schedule();
    await sut.getRepository(ScheduleEntity).insert(parent);
    const child = run(parent.id, '2026-06-01T07:00:00Z');
    await sut.getRepository(RunEntity).insert(child);
    await sut.getRepository(RunVmEntity).insert({
      id: randomUUID(),
      runId: child.id,
      serverId: 'srv-1',
      slot: 1,
      name: 'peak-1',
      status: 'ACTIVE',
      faultMessage: null,
      attempts: 1,
      createdAt: now,
      activeAt: now,
      deletedAt: null,
    });
    await sut.getRepository(ScheduleEntity).delete({ id: parent.id });
    expect(await sut.getRepository(RunEntity).countBy({ scheduleId: parent.id })).toBe(1);
    expect(await sut.getRepository(RunVmEntity).countBy({ runId: child.id })).toBe(1);
    await sut.getRepository(RunEntity).delete({ id: child.id });
    expect(await sut.getRepository(RunVmEntity).countBy({ runId: child.id })).toBe(0);
  });

  it('loads a run with its VMs through the relation', async () => {
    const parent = schedule();
    await sut.getRepository(ScheduleEntity).insert(parent);
    const child = run(parent.id, '2026-06-03T07:00:00Z');
    await sut.getRepository(RunEntity).insert(child);
    await sut.getRepository(RunVmEntity).insert({
      id: randomUUID(),
      runId: child.id,
      serverId: null,
      slot: 1,
      name: 'peak-1',
      status: 'PENDING',
      faultMessage: null,
      attempts: 0,
      createdAt: null,
      activeAt: null,
      deletedAt: null,
    });
    const loaded = await sut.getRepository(RunEntity).findOneOrFail({ where: { id: child.id }, relations: { vms: true } });
    expect(loaded.vms?.map((vm) => vm.status)).toEqual(['PENDING']);
  });
});
