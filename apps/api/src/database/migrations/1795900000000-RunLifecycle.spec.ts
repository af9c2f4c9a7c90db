import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { createTestDatabase, TestDatabase } from '../../testing/test-database';
import { typeormOptions } from '../typeorm.options';
import { MIGRATIONS } from './index';
import { RunLifecycle1795900000000 } from './1795900000000-RunLifecycle';

/** Rows as the old lifecycle left them, then the migration: what it repairs, and what it leaves to the engine. */
describe(RunLifecycle1795900000000.name, () => {
  let db: TestDatabase;
  let sut: DataSource;
  const scheduleId = randomUUID();

  beforeAll(async () => {
    db = await createTestDatabase('run_lifecycle_migration');
    const upTo = MIGRATIONS.indexOf(RunLifecycle1795900000000);
    sut = await new DataSource({
      ...typeormOptions({ url: db.url, poolSize: 1, migrationsRun: false }),
      migrations: MIGRATIONS.slice(0, upTo),
    }).initialize();
    await sut.runMigrations({ transaction: 'each' });
  });

  afterAll(async () => {
    await sut?.destroy();
    await db?.drop();
  });

  async function run(state: string, windowStart: string, times: { endedAt?: string; tornDownAt?: string } = {}): Promise<string> {
    const id = randomUUID();
    const start = new Date(windowStart);
    await sut.query(
      `INSERT INTO run (id, schedule_id, window_start, window_end, provision_at, started_at, ended_at, torn_down_at, state, desired_count, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $3, $3, $5, $6, $7, 3, $3, COALESCE($6::timestamptz, $3::timestamptz))`,
      [id, scheduleId, start, new Date(start.getTime() + 30 * 60_000), times.endedAt ?? null, times.tornDownAt ?? null, state],
    );
    return id;
  }

  async function vm(runId: string, slot: number, fields: { status: string; serverId?: string; fault?: string; activeAt?: string }) {
    await sut.query(
      `INSERT INTO run_vm (id, run_id, slot, server_id, name, status, fault_message, attempts, active_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8)`,
      [randomUUID(), runId, slot, fields.serverId ?? null, `peak-${slot}`, fields.status, fields.fault ?? null, fields.activeAt ?? null],
    );
  }

  it('closes the runs and slots the old lifecycle left open, and leaves live runs to the engine', async () => {
    await sut.query(
      `INSERT INTO schedule (id, name, image_id, flavor_id, network_ids, instance_count, time_zone, window_type, start_at, end_at, lead_time_minutes, enabled, deleting_since, created_at, updated_at, version)
       VALUES ($1, 'stuck', 'img', 'flv', '{net}', 3, 'UTC', 'once', '2026-11-23T07:00:00Z', '2026-11-23T07:30:00Z', 0, true, '2026-11-23T08:00:00Z', '2026-11-22T00:00:00Z', '2026-11-23T08:00:00Z', 2)`,
      [scheduleId],
    );
    // Ended below its count, then "torn down" again on every pass: both end times far past the window.
    const looping = await run('degraded', '2026-11-23T07:00:00Z', { endedAt: '2026-11-23T09:14:45Z', tornDownAt: '2026-11-23T09:14:45Z' });
    await vm(looping, 1, { status: 'DELETED', serverId: 's1', activeAt: '2026-11-23T07:01:00Z' });
    await vm(looping, 2, { status: 'PENDING', fault: 'Quota exceeded for instances: Requested 1, but already used 1 of 1 instances' });
    await vm(looping, 3, { status: 'FAILED', fault: 'No valid host was found.' });
    // Completed, but a VM that vanished before the end kept its server id: "live" for ever.
    const vanished = await run('completed', '2026-11-22T07:00:00Z', {
      endedAt: '2026-11-22T07:30:00Z',
      tornDownAt: '2026-11-22T07:30:05Z',
    });
    await vm(vanished, 1, { status: 'ACTIVE', serverId: 's2', activeAt: '2026-11-22T07:01:00Z' });
    await vm(vanished, 2, { status: 'CREATING' });
    // Still inside its window with a slot given up: live, and left to the engine.
    const live = await run('degraded', '2026-11-24T07:00:00Z');
    await vm(live, 1, { status: 'ACTIVE', serverId: 's3', activeAt: '2026-11-24T07:01:00Z' });
    await vm(live, 2, { status: 'FAILED', fault: 'No valid host was found.' });

    await new DataSource(typeormOptions({ url: db.url, poolSize: 1, migrationsRun: false })).initialize().then(async (all) => {
      await all.runMigrations({ transaction: 'each' });
      await all.destroy();
    });

    const runs: { id: string; state: string; shortfall_reason: string | null; ended_at: Date; torn_down_at: Date }[] = await sut.query(
      `SELECT id, state, shortfall_reason, ended_at, torn_down_at FROM run`,
    );
    const byId = new Map(runs.map((r) => [r.id, r]));
    expect(byId.get(looping)).toMatchObject({
      state: 'partial',
      shortfall_reason: 'quota',
      ended_at: new Date('2026-11-23T07:30:00Z'),
      torn_down_at: new Date('2026-11-23T07:30:00Z'),
    });
    expect(byId.get(vanished)).toMatchObject({
      state: 'completed',
      shortfall_reason: null,
      torn_down_at: new Date('2026-11-22T07:30:05Z'),
    });
    expect(byId.get(live)).toMatchObject({ state: 'degraded', ended_at: null, torn_down_at: null });

    const slots: { run_id: string; slot: number; status: string; shortfall_reason: string | null; deleted_at: Date | null }[] =
      await sut.query(`SELECT run_id, slot, status, shortfall_reason, deleted_at FROM run_vm ORDER BY slot`);
    const of = (runId: string) => slots.filter((s) => s.run_id === runId).map((s) => [s.slot, s.status, s.shortfall_reason]);
    expect(of(looping)).toEqual([
      [1, 'DELETED', null],
      [2, 'NOT_CREATED', 'quota'],
      [3, 'FAILED', 'attempts_exhausted'],
    ]);
    expect(of(vanished)).toEqual([
      [1, 'DELETED', null],
      [2, 'NOT_CREATED', 'window_ended'],
    ]);
    expect(slots.find((s) => s.run_id === vanished && s.slot === 1)?.deleted_at).toEqual(new Date('2026-11-22T07:30:05Z'));
    expect(of(live)).toEqual([
      [1, 'ACTIVE', null],
      [2, 'FAILED', 'attempts_exhausted'],
    ]);
    // Only the engine can tell whether the schedule's VMs are gone from the cloud: the row waits for it.
    expect(await sut.query(`SELECT deleting_since FROM schedule`)).toEqual([{ deleting_since: new Date('2026-11-23T08:00:00Z') }]);
  });
});
