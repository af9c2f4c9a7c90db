import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In } from 'typeorm';
import { RunVmEntity } from './entities/run-vm.entity';
import { bulkInsert, bulkUpdate, fieldSet } from '../database/bulk-insert';
import { RunEntity } from './entities/run.entity';
import { LIVE_STATES_SQL, STATES_WITH_VMS_SQL } from './latest-run.sql';
import { FINAL_RUN_STATES, LIVE_RUN_STATES, type RunState } from './run-lifecycle';
import { runEventType, type RunEventType } from '../events/event-types';
import { appendEvents, type NewEvent } from '../events/outbox';
import { mapRun } from '../schedules/schedule.mappers';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Final run states, as an SQL list: the only runs pruning may delete. */
const FINAL_STATES_SQL = FINAL_RUN_STATES.map((s) => `'${s}'`).join(', ');

/** What a run copies from its schedule when it is opened. */
interface ScheduleLabel {
  id: string;
  name: string;
  project_id: string | null;
}

/** An event about a run, with the run as the API shows it. */
function runEvent(type: RunEventType, run: RunEntity, vms: readonly RunVmEntity[], time: Date): NewEvent {
  return {
    type,
    subject: run.scheduleId,
    projectId: run.projectId,
    time,
    data: mapRun(
      run,
      [...vms].sort((a, b) => a.slot - b.slot),
    ),
  };
}

/** The event a run announces in its current state (none for some states: see `runEventType`). */
function runEvents(run: RunEntity, vms: readonly RunVmEntity[], time: Date): NewEvent[] {
  const type = runEventType(run.state);
  return type ? [runEvent(type, run, vms, time)] : [];
}

/**
 * What a run announces as it opens: `peak.run.provisioning`, and at once `peak.run.degraded` as well when the
 * capacity re-check expects it to fall short (its `expectedShortfall` says by how much), before any create is sent.
 */
function openingEvents(run: RunEntity, vms: readonly RunVmEntity[], time: Date): NewEvent[] {
  const events = runEvents(run, vms, time);
  const [opening] = events;
  if (opening && run.expectedShortfall && run.expectedShortfall.length > 0) events.push({ ...opening, type: 'peak.run.degraded' });
  return events;
}

/**
 * The fields of a run the engine writes: never the stop (the API records it; the engine saves runs as it read them at
 * the start of its pass, so a stop recorded since must survive), nor the schedule's name and project (recorded once,
 * when the run is opened).
 */
function engineFields(run: RunChanges): RunChanges {
  const {
    stoppedAt: _at,
    stoppedById: _id,
    stoppedByName: _name,
    scheduleName: _scheduleName,
    projectId: _projectId,
    ...fields
  } = run as RunChanges & Partial<Pick<RunEntity, StopFields | 'scheduleName' | 'projectId'>>;
  return fields;
}

/** Rows grouped by the fields they give: one bulk statement writes each group. */
function bySameFields<T extends object>(rows: readonly T[]): T[][] {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const fields = fieldSet(row);
    const group = groups.get(fields);
    if (group) group.push(row);
    else groups.set(fields, [row]);
  }
  return [...groups.values()];
}

function labelOf(schedule: ScheduleLabel | undefined): Pick<RunEntity, 'scheduleName' | 'projectId'> {
  return { scheduleName: schedule?.name ?? '', projectId: schedule?.project_id ?? null };
}

/**
 * A run to open: its schedule, window and slots (with their ids and names). The schedule's name and project are
 * not given: `open` copies them from the schedule row it locks.
 */
export interface NewRun {
  readonly run: Omit<RunEntity, 'vms' | 'scheduleName' | 'projectId'>;
  readonly vms: readonly Omit<RunVmEntity, 'run'>[];
}

/** Fields only the API writes (`markStopped`): the engine's saves never carry them, so never overwrite them. */
type StopFields = 'stoppedAt' | 'stoppedById' | 'stoppedByName';

/** A run's id and the fields to write (the schedule's name is recorded once, when the run is opened). */
export type RunChanges = Pick<RunEntity, 'id'> & Partial<Omit<RunEntity, 'id' | 'vms' | 'scheduleName' | 'projectId' | StopFields>>;

/** Who ended a window early, and when. */
/** A slot's id and the fields to write to it. */
export type SlotUpdate = Pick<RunVmEntity, 'id'> & Partial<Omit<RunVmEntity, 'id' | 'run'>>;

export interface StopMark {
  at: Date;
  userId: string;
  userName: string;
}

/** Runs that still want VMs (a run tearing down wants none, whatever its quota). */
const QUOTA_STATES_SQL = LIVE_RUN_STATES.filter((state) => state !== 'tearing-down')
  .map((s) => `'${s}'`)
  .join(', ');

/** VMs a project's quota holds back, from `RunsRepository.quotaShortfalls`. */
export interface QuotaShortfall {
  projectId: string | null;
  projectName: string | null;
  /** Schedules with VMs held back. */
  schedules: number;
  /** VMs held back. */
  vms: number;
  lastError: string | null;
  lastErrorAt: Date | null;
}

/** A window that passed with no engine running, to record as `missed`. */
export type MissedRun = Pick<
  RunEntity,
  'id' | 'scheduleId' | 'windowStart' | 'windowEnd' | 'provisionAt' | 'desiredCount' | 'lastErrorMessage'
>;

/**
 * Every statement on `run` and `run_vm`, and the schedule locks that go with them: nothing else writes these
 * tables. The engine opens, saves and closes runs here; the schedules API lists them and asks whether a
 * schedule still has VMs.
 */
@Injectable()
export class RunsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Runs the engine still works on, with their slots. */
  async findLive(): Promise<(RunEntity & { vms: RunVmEntity[] })[]> {
    const runs = await this.dataSource
      .getRepository(RunEntity)
      .find({ where: { state: In([...LIVE_RUN_STATES]) }, relations: { vms: true } });
    return runs.map((run) => Object.assign(run, { vms: run.vms ?? [] }));
  }

  /**
   * Opens runs with their slots in one transaction (50 windows starting in the same second must not wait for 50
   * round trips before their first create). A window that already has a run (closed, or opened by a previous
   * leader) is skipped by the unique (schedule, window start); a schedule being deleted or disabled meanwhile is
   * skipped under a share lock, which orders this against DELETE's `FOR UPDATE`. Each run records the name its
   * schedule has now. Returns the runs opened.
   */
  async open(candidates: readonly NewRun[]): Promise<NewRun[]> {
    if (candidates.length === 0) return [];
    return this.dataSource.transaction(async (tx) => {
      const usable: ScheduleLabel[] = await tx.query(
        // A disabled schedule may still keep the window it was disabled in (the planner checked which).
        `SELECT id, name, project_id FROM schedule
          WHERE id = ANY($1::uuid[]) AND (enabled OR kept_window_start IS NOT NULL) AND deleting_since IS NULL FOR SHARE`,
        [candidates.map((c) => c.run.scheduleId)],
      );
      const names = new Map(usable.map((row) => [row.id, row]));
      const wanted = candidates.filter((c) => names.has(c.run.scheduleId));
      if (wanted.length === 0) return [];
      // One statement each, whatever the count (see bulkInsert); a window that already has a run is skipped.
      const inserted = new Set(
        await bulkInsert(
          tx,
          RunEntity,
          wanted.map((c) => ({ ...c.run, ...labelOf(names.get(c.run.scheduleId)) })),
          { onConflictDoNothing: true, returning: 'id' },
        ),
      );
      const opened = wanted.filter((c) => inserted.has(c.run.id));
      await bulkInsert(
        tx,
        RunVmEntity,
        opened.flatMap((c) => c.vms),
      );
      await appendEvents(
        tx,
        opened.flatMap((c) => {
          const run = Object.assign(new RunEntity(), c.run, labelOf(names.get(c.run.scheduleId)));
          return openingEvents(run, c.vms as RunVmEntity[], c.run.updatedAt);
        }),
      );
      return opened;
    });
  }

  /**
   * Records windows nobody ran, each with its schedule's name; one already recorded (or run) is left as it is,
   * and so is a window of a schedule that no longer exists.
   */
  async recordMissed(rows: readonly MissedRun[], now: Date): Promise<void> {
    if (rows.length === 0) return;
    await this.dataSource.transaction(async (tx) => {
      const schedules: ScheduleLabel[] = await tx.query(`SELECT id, name, project_id FROM schedule WHERE id = ANY($1::uuid[]) FOR SHARE`, [
        [...new Set(rows.map((row) => row.scheduleId))],
      ]);
      const names = new Map(schedules.map((row) => [row.id, row]));
      const known = rows.filter((row) => names.has(row.scheduleId));
      if (known.length === 0) return;
      const values = known.map((row) =>
        Object.assign(new RunEntity(), {
          ...row,
          ...labelOf(names.get(row.scheduleId)),
          state: 'missed' as const,
          createdAt: now,
          updatedAt: now,
        }),
      );
      const result = await tx
        .createQueryBuilder()
        .insert()
        .into(RunEntity)
        .values(values)
        .orIgnore()
        .returning(['id'])
        .updateEntity(false)
        .execute();
      const inserted = new Set((result.raw as { id: string }[]).map((row) => row.id));
      const recorded = await tx.getRepository(RunEntity).findBy({ id: In([...inserted]) });
      await appendEvents(
        tx,
        recorded.flatMap((run) => runEvents(run, [], now)),
      );
    });
  }

  /**
   * Writes slots' fields (the engine's create intents and their outcomes), in one statement: each row its slot's id
   * and the same fields (the engine's `SlotWrites` groups them).
   */
  async updateSlots(rows: readonly SlotUpdate[]): Promise<void> {
    await bulkUpdate(this.dataSource.manager, RunVmEntity, rows);
  }

  /** Saves a run's fields and its slots (new ones included) as the engine last derived them. */
  async save(run: RunChanges, vms: readonly Omit<RunVmEntity, 'run'>[]): Promise<void> {
    await this.saveMany([{ run, vms }]);
  }

  /**
   * Saves runs as the engine's pass left them, with their slots (new ones included), in one transaction of a few
   * statements whatever their number: the runs' rows under lock (in id order), one update of the runs per set of fields,
   * one upsert of the slots per set of fields, and the events of the runs whose state changed or whose teardown was
   * found overdue (outbox), built from the rows as saved. A pass over 500 live runs was 500 transactions of 4 to 8
   * statements each, one after the other.
   */
  async saveMany(items: readonly { run: RunChanges; vms: readonly Omit<RunVmEntity, 'run'>[] }[]): Promise<void> {
    if (items.length === 0) return;
    await this.dataSource.transaction(async (tx) => {
      // The rows before, under their locks: a change of state, or a teardown found overdue, is announced in this transaction.
      const before: { id: string; state: RunState; overdue: Date | null }[] = await tx.query(
        `SELECT id, state, teardown_overdue_at AS overdue FROM run WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`,
        [items.map(({ run }) => run.id)],
      );
      const found = new Map(before.map((row) => [row.id, row]));
      const saved = items.filter(({ run }) => found.has(run.id));
      for (const rows of bySameFields(saved.map(({ run }) => engineFields(run)))) await bulkUpdate(tx, RunEntity, rows);
      for (const rows of bySameFields(saved.flatMap(({ vms }) => vms.map((vm) => ({ ...vm })))))
        await bulkInsert(tx, RunVmEntity, rows, { onConflictUpdate: true });

      const announced = saved
        .map(({ run }) => {
          const row = found.get(run.id) as { state: RunState; overdue: Date | null };
          const stateChanged = run.state !== undefined && run.state !== row.state;
          return { run, stateChanged, overdueNow: run.teardownOverdueAt != null && row.overdue === null };
        })
        .filter(({ stateChanged, overdueNow }) => stateChanged || overdueNow);
      if (announced.length === 0) return;
      const ids = announced.map(({ run }) => run.id);
      const runs = new Map((await tx.getRepository(RunEntity).findBy({ id: In(ids) })).map((run) => [run.id, run]));
      const slots = await tx.getRepository(RunVmEntity).find({ where: { runId: In(ids) }, order: { slot: 'ASC' } });
      const slotsOf = new Map<string, RunVmEntity[]>();
      for (const slot of slots) {
        const ofRun = slotsOf.get(slot.runId);
        if (ofRun) ofRun.push(slot);
        else slotsOf.set(slot.runId, [slot]);
      }
      await appendEvents(
        tx,
        announced.flatMap(({ run, stateChanged, overdueNow }) => {
          const savedRun = runs.get(run.id) as RunEntity;
          const runSlots = slotsOf.get(run.id) ?? [];
          const time = run.updatedAt ?? savedRun.updatedAt;
          return [
            ...(overdueNow ? [runEvent('peak.run.teardown_failed', savedRun, runSlots, time)] : []),
            ...(stateChanged ? runEvents(savedRun, runSlots, time) : []),
          ];
        }),
      );
    });
  }

  /**
   * Records that `stop` ends the schedule's live runs early (their schedule was disabled or deleted during the window
   * to stop now): the engine, which tears them down, closes them `stopped`. A run whose window is over, or one already
   * stopped, keeps what it has. Returns how many runs were marked.
   */
  async markStopped(scheduleId: string, stop: StopMark, manager: EntityManager = this.dataSource.manager): Promise<number> {
    // A SELECT around the UPDATE: the driver answers plain rows for it (a bare UPDATE comes back as [rows, count]).
    const rows: { marked: number }[] = await manager.query(
      `WITH marked AS (
         UPDATE run SET stopped_at = $2, stopped_by_id = $3, stopped_by_name = $4
          WHERE schedule_id = $1 AND state IN (${LIVE_STATES_SQL}) AND stopped_at IS NULL AND window_end > $2
          RETURNING 1
       ) SELECT count(*)::int AS marked FROM marked`,
      [scheduleId, stop.at, stop.userId, stop.userName],
    );
    return rows[0].marked;
  }

  /**
   * Whether any VM of the schedule may still exist in the cloud: a run in a state with VMs. A final run has none
   * by definition (it closes only once the cloud lists none of its VMs, and closing it closes its slots), so its
   * VM rows are not asked: a row left open by an older version must not hold a deletion back forever.
   */
  async hasLiveVms(scheduleId: string, manager: EntityManager = this.dataSource.manager): Promise<boolean> {
    const rows: { live: boolean }[] = await manager.query(
      `SELECT EXISTS (SELECT 1 FROM run WHERE schedule_id = $1 AND state IN (${STATES_WITH_VMS_SQL})) AS live`,
      [scheduleId],
    );
    return rows[0].live;
  }

  /**
   * Per Keystone project, the VMs that open runs want but cannot have because the project's quota is full (slots
   * whose last create or VM the cloud refused for quota), the schedules concerned, and the latest such error.
   * The projects with most VMs held back come first.
   */
  async quotaShortfalls(limit: number): Promise<QuotaShortfall[]> {
    const rows: {
      project_id: string | null;
      project_name: string | null;
      schedules: number;
      vms: number;
      message: string | null;
      at: Date | null;
    }[] = await this.dataSource.query(
      `SELECT r.project_id, max(s.project_name) AS project_name, count(DISTINCT r.schedule_id)::int AS schedules,
                count(*)::int AS vms, (array_agg(r.last_error_message ORDER BY r.last_error_at DESC NULLS LAST))[1] AS message,
                max(r.last_error_at) AS at
           FROM run r
           JOIN run_vm v ON v.run_id = r.id
           LEFT JOIN schedule s ON s.id = r.schedule_id
          WHERE r.state IN (${QUOTA_STATES_SQL}) AND v.slot <= r.desired_count AND v.status <> 'ACTIVE' AND v.shortfall_reason = 'quota'
          GROUP BY r.project_id
          ORDER BY vms DESC, r.project_id
          LIMIT $1`,
      [limit],
    );
    return rows.map((row) => ({
      projectId: row.project_id,
      projectName: row.project_name,
      schedules: row.schedules,
      vms: row.vms,
      lastError: row.message,
      lastErrorAt: row.at,
    }));
  }

  /**
   * The VMs the engine holds in a project now, by flavor and boot volume size (GiB per VM, 0 on the flavor's disk): servers of runs that may have VMs, created and not yet
   * deleted. The capacity check takes them out of the project's usage (they are the schedules' own demand). A run
   * that recorded no project (opened before projects) counts in its schedule's.
   */
  async liveVmsByFlavor(projectId: string): Promise<{ flavorId: string; volumeGb: number; vms: number }[]> {
    // A run older than launch options boots what its schedule says; the boot volume's size is per VM.
    const rows: { flavor_id: string | null; volume_gb: number; vms: number }[] = await this.dataSource.query(
      `SELECT coalesce(r.launch->>'flavorId', s.flavor_id) AS flavor_id,
              coalesce((coalesce(r.launch->'options', s.launch)->'bootVolume'->>'sizeGiB')::int, 0) AS volume_gb,
              count(*)::int AS vms
         FROM run r
         JOIN run_vm v ON v.run_id = r.id
         LEFT JOIN schedule s ON s.id = r.schedule_id
        WHERE coalesce(r.project_id, s.project_id) = $1 AND r.state IN (${STATES_WITH_VMS_SQL}) AND v.server_id IS NOT NULL AND v.deleted_at IS NULL
        GROUP BY 1, 2`,
      [projectId],
    );
    return rows.flatMap((row) => (row.flavor_id ? [{ flavorId: row.flavor_id, volumeGb: row.volume_gb, vms: row.vms }] : []));
  }

  /** Records the server group made for a run, or (null) that it was deleted. */
  async setServerGroup(runId: string, serverGroupId: string | null): Promise<void> {
    await this.dataSource.query(`UPDATE run SET server_group_id = $2 WHERE id = $1`, [runId, serverGroupId]);
  }

  /** Finished runs whose server group (made for them) is still to delete. */
  async finishedWithServerGroups(limit: number): Promise<{ runId: string; serverGroupId: string }[]> {
    const rows: { id: string; server_group_id: string }[] = await this.dataSource.query(
      `SELECT id, server_group_id FROM run WHERE server_group_id IS NOT NULL AND state IN (${FINAL_STATES_SQL}) LIMIT $1`,
      [limit],
    );
    return rows.map((row) => ({ runId: row.id, serverGroupId: row.server_group_id }));
  }

  /** Which of these run ids this database knows (any state): the engine adopts a VM without an installation tag only then. */
  async knownRunIds(ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows: { id: string }[] = await this.dataSource.query(`SELECT id FROM run WHERE id = ANY($1::uuid[])`, [
      ids.filter((id) => UUID.test(id)),
    ]);
    return new Set(rows.map((row) => row.id));
  }

  /**
   * For the engine, once it has seen none of the schedule's VMs in the cloud: removes a `deleting` schedule whose
   * runs are all closed, whatever its VM rows still say. Its runs stay (history, until pruned). Returns whether
   * it was removed (false: a run still live, not marked, or already gone).
   */
  completeDeletion(scheduleId: string): Promise<boolean> {
    return this.dataSource.transaction(async (tx) => {
      const locked: { deleting_since: Date | null }[] = await tx.query(`SELECT deleting_since FROM schedule WHERE id = $1 FOR UPDATE`, [
        scheduleId,
      ]);
      if (locked.length === 0 || !locked[0].deleting_since) return false;
      const live: { live: boolean }[] = await tx.query(
        `SELECT EXISTS (SELECT 1 FROM run WHERE schedule_id = $1 AND state IN (${LIVE_STATES_SQL})) AS live`,
        [scheduleId],
      );
      if (live[0].live) return false;
      await tx.query(`DELETE FROM schedule WHERE id = $1`, [scheduleId]);
      return true;
    });
  }

  /**
   * Deletes finished runs (final states only: a live run stays, whatever its age) whose window ended before
   * `cutoff`, oldest first, `batch` rows per statement (each its own short transaction, so pruning a large
   * backlog never holds many locks for long); their VMs go with them (cascade). Stops after a batch that deleted
   * fewer than `batch` rows, or between batches once `signal` is aborted. Returns how many runs it deleted.
   */
  async pruneFinishedBefore(cutoff: Date, batch: number, signal?: AbortSignal): Promise<number> {
    if (!Number.isInteger(batch) || batch < 1) throw new RangeError(`batch must be a positive integer, got ${batch}`);
    let total = 0;
    while (!signal?.aborted) {
      // A SELECT around the DELETE: the driver answers plain rows for it (a bare DELETE comes back as [rows, count]).
      const rows: { deleted: number }[] = await this.dataSource.query(
        `WITH gone AS (
           DELETE FROM run WHERE id IN (
             SELECT id FROM run WHERE state IN (${FINAL_STATES_SQL}) AND window_end < $1 ORDER BY window_end LIMIT $2
           ) RETURNING 1
         ) SELECT count(*)::int AS deleted FROM gone`,
        [cutoff, batch],
      );
      const deleted = rows[0].deleted;
      total += deleted;
      if (deleted < batch) break;
    }
    return total;
  }

  /** A page of runs, newest window first, each with its VMs (two queries, whatever the page size). */
  async list(
    scheduleId: string,
    page: { limit: number; offset: number },
  ): Promise<{ items: { run: RunEntity; vms: RunVmEntity[] }[]; total: number }> {
    const [items, total] = await this.dataSource.getRepository(RunEntity).findAndCount({
      where: { scheduleId },
      order: { windowStart: 'DESC' },
      take: page.limit,
      skip: page.offset,
    });
    const vms = items.length
      ? await this.dataSource
          .getRepository(RunVmEntity)
          .createQueryBuilder('vm')
          .where('vm.run_id IN (:...ids)', { ids: items.map((r) => r.id) })
          .orderBy('vm.slot', 'ASC')
          .getMany()
      : [];
    return { items: items.map((run) => ({ run, vms: vms.filter((vm) => vm.runId === run.id) })), total };
  }
}
