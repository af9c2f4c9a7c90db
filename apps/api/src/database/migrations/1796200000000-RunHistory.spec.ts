import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { createTestDatabase, TestDatabase } from '../../testing/test-database';
import { typeormOptions } from '../typeorm.options';
import { MIGRATIONS } from './index';
import { RunHistory1796200000000 } from './1796200000000-RunHistory';

/** Runs recorded under the cascading key, then the migration: they get their schedule's name and outlive it. */
describe(RunHistory1796200000000.name, () => {
  let db: TestDatabase;
  let sut: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase('run_history_migration');
    sut = await new DataSource({
      ...typeormOptions({ url: db.url, poolSize: 1, migrationsRun: false }),
      migrations: MIGRATIONS.slice(0, MIGRATIONS.indexOf(RunHistory1796200000000)),
    }).initialize();
    await sut.runMigrations({ transaction: 'each' });
  });

  afterAll(async () => {
    await sut?.destroy();
    await db?.drop();
  });

  async function schedule(name: string): Promise<string> {
    const id = randomUUID();
    await sut.query(
      `INSERT INTO schedule (id, name, image_id, flavor_id, network_ids, instance_count, time_zone, window_type, cron, duration_minutes,
                             lead_time_minutes, enabled, created_at, updated_at, version)
       VALUES ($1, $2, 'img', 'flv', '{net}', 1, 'UTC', 'recurring', '0 9 * * *', 60, 0, true, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', 1)`,
      [id, name],
    );
    return id;
  }

  async function run(scheduleId: string, windowStart: string): Promise<string> {
    const id = randomUUID();
    await sut.query(
      `INSERT INTO run (id, schedule_id, window_start, window_end, provision_at, state, desired_count, created_at, updated_at)
       VALUES ($1, $2, $3, $3::timestamptz + interval '1 hour', $3, 'completed', 1, $3, $3)`,
      [id, scheduleId, windowStart],
    );
    await sut.query(`INSERT INTO run_vm (id, run_id, slot, name, status, attempts) VALUES ($1, $2, 1, 'peak-1', 'DELETED', 1)`, [
      randomUUID(),
      id,
    ]);
    return id;
  }

  it('names existing runs after their schedule, drops the key to the schedule and keeps the one to the run', async () => {
    const nightly = await schedule('nightly');
    const weekly = await schedule('weekly');
    const first = await run(nightly, '2026-06-01T09:00:00Z');
    const second = await run(nightly, '2026-06-02T09:00:00Z');
    const third = await run(weekly, '2026-06-01T09:00:00Z');

    await new DataSource(typeormOptions({ url: db.url, poolSize: 1, migrationsRun: false })).initialize().then(async (all) => {
      await all.runMigrations({ transaction: 'each' });
      await all.destroy();
    });

    const names = new Map(
      (await sut.query<{ id: string; schedule_name: string }[]>(`SELECT id, schedule_name FROM run`)).map((r) => [r.id, r.schedule_name]),
    );
    expect(Object.fromEntries(names)).toEqual({ [first]: 'nightly', [second]: 'nightly', [third]: 'weekly' });

    // The schedule goes; its runs and their VMs stay. A run still takes its VMs with it.
    await sut.query(`DELETE FROM schedule WHERE id = $1`, [nightly]);
    expect(await sut.query(`SELECT count(*)::int AS n FROM run WHERE schedule_id = $1`, [nightly])).toEqual([{ n: 2 }]);
    expect(await sut.query(`SELECT count(*)::int AS n FROM run_vm WHERE run_id = ANY($1::uuid[])`, [[first, second]])).toEqual([{ n: 2 }]);
    await sut.query(`DELETE FROM run WHERE id = $1`, [first]);
    expect(await sut.query(`SELECT count(*)::int AS n FROM run_vm WHERE run_id = $1`, [first])).toEqual([{ n: 0 }]);
    const constraints = await sut.query<{ conname: string }[]>(
      `SELECT conname FROM pg_constraint WHERE conrelid = 'run'::regclass AND contype = 'f'`,
    );
    expect(constraints).toEqual([]);
  });
});
