import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { typeormOptions } from '../database/typeorm.options';
import { createTestDatabase, TestDatabase } from '../testing/test-database';
import { RunVmEntity } from './entities/run-vm.entity';
import { RunEntity } from './entities/run.entity';
import type { RunState } from './run-lifecycle';
import { RunsRepository } from './runs.repository';

const DAY_MS = 86_400_000;

/** Pruning old runs and recording schedule names, on a real database. Times are relative to the test's own now. */
describe(RunsRepository.name, () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let sut: RunsRepository;
  const now = new Date();
  const daysAgo = (days: number) => new Date(now.getTime() - days * DAY_MS);

  beforeAll(async () => {
    db = await createTestDatabase('runs_repository');
    dataSource = await new DataSource(typeormOptions({ url: db.url, poolSize: 2 })).initialize();
    sut = new RunsRepository(dataSource);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  beforeEach(async () => {
    await dataSource.query(`DELETE FROM run`);
    await dataSource.query(`DELETE FROM schedule`);
  });

  async function schedule(name = `peak-${randomUUID().slice(0, 8)}`, fields: { enabled?: boolean } = {}): Promise<string> {
    const id = randomUUID();
    await dataSource.query(
      `INSERT INTO schedule (id, name, image_id, flavor_id, network_ids, instance_count, time_zone, window_type, cron, duration_minutes,
                             lead_time_minutes, enabled, created_at, updated_at, version)
       VALUES ($1, $2, 'img', 'flv', '{net}', 1, 'UTC', 'recurring', '0 9 * * *', 60, 0, $3, $4, $4, 1)`,
      [id, name, fields.enabled ?? true, daysAgo(400)],
    );
    return id;
  }

  /** A run whose window ended at `windowEnd`, with `vms` slots. */
  async function run(scheduleId: string, state: RunState, windowEnd: Date, vms = 1): Promise<string> {
    const id = randomUUID();
    const start = new Date(windowEnd.getTime() - 3_600_000);
    await dataSource.getRepository(RunEntity).insert({
      id,
      scheduleId,
      scheduleName: 'peak',
      windowStart: start,
      windowEnd,
      provisionAt: start,
      startedAt: start,
      readyAt: null,
      endedAt: null,
      tornDownAt: null,
      teardownOverdueAt: null,
      state,
      latenessSeconds: 0,
      lastErrorMessage: null,
      lastErrorRequestId: null,
      lastErrorAt: null,
      shortfallReason: null,
      desiredCount: vms,
      createdAt: start,
      updatedAt: start,
    });
    for (let slot = 1; slot <= vms; slot++) {
      await dataSource.getRepository(RunVmEntity).insert({
        id: randomUUID(),
        runId: id,
        serverId: null,
        slot,
        name: `peak-${slot}`,
        status: 'DELETED',
        faultMessage: null,
        shortfallReason: null,
        attempts: 1,
        createdAt: start,
        activeAt: null,
        deletedAt: windowEnd,
      });
    }
    return id;
  }

  const runIds = async (): Promise<string[]> =>
    (await dataSource.query<{ id: string }[]>(`SELECT id FROM run ORDER BY id`)).map((row) => row.id);

  describe('markStopped', () => {
    it('marks the live runs whose window is not over, and an engine save from before the mark does not erase it', async () => {
      const scheduleId = await schedule();
      const live = await run(scheduleId, 'active', new Date(now.getTime() + 3_600_000));
      const over = await run(scheduleId, 'tearing-down', daysAgo(1));
      const closed = await run(scheduleId, 'completed', new Date(now.getTime() + 7_200_000));
      // The engine read the run before the stop...
      const read = await dataSource.getRepository(RunEntity).findOneByOrFail({ id: live });

      expect(await sut.markStopped(scheduleId, { at: now, userId: 'u-1', userName: 'alice' })).toBe(1);
      // ...and saves it as it read it (stop fields null) after: the stop stays.
      await sut.save({ ...read, state: 'tearing-down', updatedAt: now }, []);

      const rows = await dataSource.getRepository(RunEntity).findBy({ scheduleId });
      const byId = new Map(rows.map((row) => [row.id, row]));
      expect(byId.get(live)).toMatchObject({ state: 'tearing-down', stoppedAt: now, stoppedById: 'u-1', stoppedByName: 'alice' });
      expect(byId.get(over)?.stoppedAt).toBeNull();
      expect(byId.get(closed)?.stoppedAt).toBeNull();
      // A second stop keeps the first one's author.
      expect(await sut.markStopped(scheduleId, { at: now, userId: 'u-2', userName: 'bob' })).toBe(0);
    });
  });

  describe('saveMany', () => {
    it('saves many runs and their slots in one transaction, announcing only what changed, and keeps a stop recorded since', async () => {
      const scheduleId = await schedule();
      const soon = new Date(now.getTime() + 3_600_000);
      const changing = await run(scheduleId, 'provisioning', soon, 2);
      const steady = await run(await schedule(), 'active', soon);
      const stopped = await run(await schedule(), 'active', soon);
      const read = async (id: string) => dataSource.getRepository(RunEntity).findOneOrFail({ where: { id }, relations: { vms: true } });
      const [a, b, c] = [await read(changing), await read(steady), await read(stopped)];
      // The API stops one of them after the engine read it.
      await dataSource.query(`UPDATE run SET stopped_at = $2, stopped_by_id = 'u-1', stopped_by_name = 'alice' WHERE id = $1`, [
        stopped,
        now,
      ]);
      const events = async () =>
        dataSource.query<{ type: string; data: { id: string; vms: unknown[] } }[]>(`SELECT type, data FROM event ORDER BY seq`);
      const eventsBefore = (await events()).length;
      const later = new Date(now.getTime() + 60_000);
      const split = ({ vms, ...row }: RunEntity) => ({ row, vms: (vms ?? []).map(({ run: _r, ...vm }) => vm) });
      const [ra, rb, rc] = [split(a), split(b), split(c)];
      const replacement = { ...(ra.vms[0] as Omit<RunVmEntity, 'run'>), id: randomUUID(), slot: 3, name: 'peak-3', status: 'PENDING' };
      const transactions = jest.spyOn(dataSource, 'createQueryRunner');

      await sut.saveMany([
        {
          run: { ...ra.row, state: 'active', readyAt: later, updatedAt: later },
          vms: [...ra.vms.map((vm) => ({ ...vm, status: 'ACTIVE' })), replacement],
        },
        { run: { ...rb.row, lastErrorMessage: 'noted', updatedAt: later }, vms: rb.vms },
        { run: { ...rc.row, state: 'tearing-down', teardownOverdueAt: later, updatedAt: later }, vms: rc.vms },
      ]);

      expect(transactions).toHaveBeenCalledTimes(1);
      transactions.mockRestore();
      const [a2, b2, c2] = [await read(changing), await read(steady), await read(stopped)];
      expect(a2).toMatchObject({ state: 'active', readyAt: later, updatedAt: later });
      expect(a2.vms?.map((vm) => `${vm.slot} ${vm.status}`).sort()).toEqual(['1 ACTIVE', '2 ACTIVE', '3 PENDING']);
      expect(b2).toMatchObject({ state: 'active', lastErrorMessage: 'noted', stoppedAt: null });
      expect(c2).toMatchObject({ state: 'tearing-down', teardownOverdueAt: later, stoppedAt: now, stoppedByName: 'alice' });
      // The run that became ready and the teardown found overdue are announced (tearing-down itself is not an event),
      // each with the run as saved, its new slot included; the run whose state stayed is not.
      const announced = (await events()).slice(eventsBefore);
      expect(announced.map((e) => [e.type, e.data.id])).toEqual([
        ['peak.run.ready', changing],
        ['peak.run.teardown_failed', stopped],
      ]);
      expect(announced[0]?.data.vms).toHaveLength(3);
    });
  });

  describe('pruneFinishedBefore', () => {
    it('deletes only final runs whose window ended before the cutoff, with their VMs, in batches', async () => {
      const scheduleId = await schedule();
      const old = [
        await run(scheduleId, 'completed', daysAgo(200), 2),
        await run(scheduleId, 'partial', daysAgo(150)),
        await run(scheduleId, 'failed', daysAgo(120)),
        await run(scheduleId, 'missed', daysAgo(100), 0),
        await run(scheduleId, 'completed', daysAgo(91)),
      ];
      // Whatever their age, live runs stay: the engine still works on them.
      const live = [
        await run(scheduleId, 'active', daysAgo(300)),
        await run(scheduleId, 'tearing-down', daysAgo(95)),
        await run(scheduleId, 'pending', daysAgo(96), 0),
      ];
      const recent = [await run(scheduleId, 'completed', daysAgo(89)), await run(scheduleId, 'failed', daysAgo(1))];
      const query = jest.spyOn(dataSource, 'query');

      const deleted = await sut.pruneFinishedBefore(daysAgo(90), 2);

      const deletes = query.mock.calls.filter(([sql]) => /DELETE FROM run/.test(sql));
      query.mockRestore();
      expect(deleted).toBe(5);
      // 2 + 2 + 1: the short batch ends it.
      expect(deletes).toHaveLength(3);
      expect(await runIds()).toEqual([...live, ...recent].sort());
      const orphans = await dataSource.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM run_vm WHERE run_id = ANY($1::uuid[])`, [
        old,
      ]);
      expect(orphans[0].n).toBe(0);
      expect(await dataSource.getRepository(RunVmEntity).count()).toBe(live.length - 1 + recent.length);
    });

    it('stops after one statement when nothing (or less than a batch) is old, and keeps a run that ended exactly at the cutoff', async () => {
      const scheduleId = await schedule();
      const cutoff = daysAgo(90);
      const atCutoff = await run(scheduleId, 'completed', cutoff);
      const query = jest.spyOn(dataSource, 'query');
      expect(await sut.pruneFinishedBefore(cutoff, 500)).toBe(0);
      expect(query.mock.calls.filter(([sql]) => /DELETE FROM run/.test(sql))).toHaveLength(1);
      query.mockRestore();
      expect(await runIds()).toEqual([atCutoff]);
    });

    it('stops between batches once aborted', async () => {
      const scheduleId = await schedule();
      for (let i = 0; i < 3; i++) await run(scheduleId, 'completed', daysAgo(100 + i));
      const abort = new AbortController();
      abort.abort();
      expect(await sut.pruneFinishedBefore(daysAgo(90), 1, abort.signal)).toBe(0);
      expect(await runIds()).toHaveLength(3);
    });

    it('refuses a batch size below 1', async () => {
      await expect(sut.pruneFinishedBefore(now, 0)).rejects.toThrow(RangeError);
    });
  });

  describe('schedule names', () => {
    const window = (scheduleId: string, hoursAgo: number) => {
      const start = new Date(now.getTime() - hoursAgo * 3_600_000);
      return { scheduleId, windowStart: start, windowEnd: new Date(start.getTime() + 1_800_000), provisionAt: start };
    };

    it('open copies the name the schedule has now onto each run', async () => {
      const scheduleId = await schedule('nightly-batch');
      const id = randomUUID();
      const opened = await sut.open([
        {
          run: {
            id,
            ...window(scheduleId, 0),
            startedAt: now,
            readyAt: null,
            endedAt: null,
            tornDownAt: null,
            teardownOverdueAt: null,
            state: 'provisioning',
            latenessSeconds: 0,
            lastErrorMessage: null,
            lastErrorRequestId: null,
            lastErrorAt: null,
            shortfallReason: null,
            desiredCount: 1,
            expectedShortfall: null,
            launch: null,
            serverGroupId: null,
            stoppedAt: null,
            stoppedById: null,
            stoppedByName: null,
            createdAt: now,
            updatedAt: now,
          },
          vms: [],
        },
      ]);
      expect(opened).toHaveLength(1);
      expect(await dataSource.getRepository(RunEntity).findOneByOrFail({ id })).toMatchObject({ scheduleName: 'nightly-batch' });
    });

    it('recordMissed records the name, and skips windows of a schedule that no longer exists', async () => {
      const scheduleId = await schedule('weekly-report');
      const missed = (of: string, hoursAgo: number) => ({
        id: randomUUID(),
        ...window(of, hoursAgo),
        desiredCount: 1,
        lastErrorMessage: 'No engine was running during this window',
      });
      const kept = missed(scheduleId, 5);
      await sut.recordMissed([kept, missed(randomUUID(), 4)], now);
      const rows = await dataSource.getRepository(RunEntity).find();
      expect(rows.map((r) => [r.id, r.scheduleName, r.state])).toEqual([[kept.id, 'weekly-report', 'missed']]);
    });
  });
});
