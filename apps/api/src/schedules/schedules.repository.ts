import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { SCHEDULE_STATES, type ScheduleSort, type ScheduleState } from './dto/schedule.dto';
import { LATEST_RUN_ACTIVE_COUNT, LATEST_RUN_JOIN, STATES_WITH_VMS_SQL } from '../runs/latest-run.sql';
import { RunsRepository, type StopMark } from '../runs/runs.repository';
import type { RunState, ShortfallReason } from '../runs/run-lifecycle';
import type { LaunchOptions } from './entities/launch-options';
import { ScheduleEntity } from './entities/schedule.entity';
import { compileSchedule, LatestRun, mapScheduleEventData } from './schedule.mappers';
import { appendEvents } from '../events/outbox';
import type { ScheduleEventType } from '../events/event-types';

/** The outbox event of a schedule change, for `appendEvents` in the change's transaction. */
function scheduleEvent(type: ScheduleEventType, schedule: ScheduleEntity, time: Date) {
  return { type, subject: schedule.id, projectId: schedule.projectId, time, data: mapScheduleEventData(schedule) };
}

/** A schedule row with what the list needs beside it: its latest run and its derived state. */
export interface ScheduleView {
  readonly schedule: ScheduleEntity;
  readonly latestRun: LatestRun | null;
  readonly state: ScheduleState;
}

/** What decides a schedule's response besides the clock: its version, derived state and latest run. */
export interface ViewStamp {
  readonly id: string;
  readonly version: number;
  readonly state: ScheduleState;
  readonly latestRun: LatestRun | null;
}

export interface ScheduleFilter {
  readonly enabled?: boolean;
  readonly states?: readonly ScheduleState[];
  readonly id?: string;
  /** Only this project's schedules (a project-scoped caller, or a cloud admin's `?projectId=`). */
  readonly projectId?: string;
  /** Only schedules whose name contains this text, case-insensitively. */
  readonly nameContains?: string;
}

/** `?sort=` as SQL: the key, then the name, so that pages are stable. */
const ORDER_BY: Record<ScheduleSort, (state: () => string) => string> = {
  name: () => 'lower(s.name), s.id',
  '-name': () => 'lower(s.name) DESC, s.id',
  nextWindow: () => 's.next_window_start ASC NULLS LAST, lower(s.name), s.id',
  '-nextWindow': () => 's.next_window_start DESC NULLS LAST, lower(s.name), s.id',
  state: (state) => `${stateRank(state())}, lower(s.name), s.id`,
  '-state': (state) => `${stateRank(state())} DESC, lower(s.name), s.id`,
};

/** A state's place in a schedule's life (`SCHEDULE_STATES`: disabled, idle, upcoming, provisioning, ...), for sorting. */
function stateRank(state: string): string {
  return `array_position(ARRAY[${SCHEDULE_STATES.map((s) => `'${s}'`).join(', ')}]::text[], ${state})`;
}

/** `text` for a LIKE pattern that matches it literally. */
function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * The derived state, in SQL so that lists can filter and count by it. `horizonEnd` is the placeholder of
 * the end of the "upcoming" horizon (now + SCHEDULER_UPCOMING_HORIZON_MINUTES). `r` is the latest run (LATERAL join below); the cursor
 * (`next_*`) is kept fresh by `refreshCursors`, which every read calls first. Precedence is documented on
 * ScheduleDto.state; ScheduleState values are the only outputs.
 */
function stateSql(horizonEnd: string): string {
  return `CASE
  WHEN s.deleting_since IS NOT NULL THEN 'deleting'
  WHEN r.state IN (${STATES_WITH_VMS_SQL}) THEN r.state
  WHEN NOT s.enabled THEN 'disabled'
  WHEN r.state = 'failed' THEN 'failed'
  WHEN s.next_provision_at <= ${horizonEnd} AND (r.id IS NULL OR r.state = 'pending' OR r.window_start < s.next_window_start) THEN 'upcoming'
  ELSE 'idle'
END`;
}

/** The schedule columns a view needs (the cursor is used by SQL only). */
const VIEW_COLUMNS = [
  'id',
  'name',
  'description',
  'image_id',
  'flavor_id',
  'network_ids',
  'launch',
  'instance_count',
  'time_zone',
  'window_type',
  'start_at',
  'end_at',
  'cron',
  'duration_minutes',
  'valid_from',
  'valid_until',
  'excluded_dates',
  'lead_time_minutes',
  'enabled',
  'kept_window_start',
  'kept_window_end',
  'deleting_since',
  'created_at',
  'updated_at',
  'version',
  'project_id',
  'project_name',
  'project_domain_id',
  'trust_id',
  'trustor_id',
  'trustor_name',
  'created_by_id',
  'created_by_name',
  'updated_by_id',
  'updated_by_name',
];

const DATE_COLUMNS = [
  'start_at',
  'end_at',
  'valid_from',
  'valid_until',
  'deleting_since',
  'kept_window_start',
  'kept_window_end',
  'created_at',
  'updated_at',
];

/** An instant as epoch milliseconds (a JSON number): JSON timestamps carry microseconds, which Date parses slowly. */
function epochMs(column: string): string {
  return `floor(extract(epoch from ${column}) * 1000)`;
}

/**
 * A view row as one JSON object: node-postgres then parses it with JSON.parse instead of one text parser
 * per column (a timestamptz costs ~3 µs that way), and instants are numbers.
 */
function selectView(horizonEnd: string, extra = '', join = '', columns: 'full' | 'stamp' = 'full'): string {
  const fields = [
    ...(columns === 'full'
      ? VIEW_COLUMNS.map((c) => `'${c}', ${DATE_COLUMNS.includes(c) ? epochMs(`s.${c}`) : `s.${c}`}`)
      : [`'id', s.id`, `'version', s.version`]),
    `'derived_state', ${stateSql(horizonEnd)}`,
    `'run_id', r.id`,
    `'run_state', r.state`,
    `'run_shortfall_reason', r.shortfall_reason`,
    `'run_window_start', ${epochMs('r.window_start')}`,
    `'run_window_end', ${epochMs('r.window_end')}`,
    `'run_desired_count', r.desired_count`,
    `'run_active_count', ${LATEST_RUN_ACTIVE_COUNT}`,
  ];
  return `SELECT json_build_object(${fields.join(', ')}) AS v${extra} FROM schedule s ${join} ${LATEST_RUN_JOIN}`;
}

/** Positional parameters for raw SQL: `p(value)` appends and returns its placeholder. */
class Params {
  readonly values: unknown[] = [];

  p(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

type Row = Record<string, unknown>;

/** A raw `schedule` row (snake_case, from `SELECT s.*`) as an entity. */
export function rowToSchedule(row: Row): ScheduleEntity {
  return Object.assign(new ScheduleEntity(), {
    id: row['id'] as string,
    name: row['name'] as string,
    description: row['description'] as string,
    imageId: row['image_id'] as string,
    flavorId: row['flavor_id'] as string,
    networkIds: row['network_ids'] as string[],
    instanceCount: row['instance_count'] as number,
    timeZone: row['time_zone'] as string,
    windowType: row['window_type'] as ScheduleEntity['windowType'],
    startAt: row['start_at'] as Date | null,
    endAt: row['end_at'] as Date | null,
    cron: row['cron'] as string | null,
    durationMinutes: row['duration_minutes'] as number | null,
    validFrom: row['valid_from'] as Date | null,
    validUntil: row['valid_until'] as Date | null,
    excludedDates: row['excluded_dates'] as string[],
    leadTimeMinutes: row['lead_time_minutes'] as number,
    enabled: row['enabled'] as boolean,
    keptWindowStart: (row['kept_window_start'] ?? null) as Date | null,
    keptWindowEnd: (row['kept_window_end'] ?? null) as Date | null,
    nextWindowStart: (row['next_window_start'] ?? null) as Date | null,
    nextWindowEnd: (row['next_window_end'] ?? null) as Date | null,
    nextProvisionAt: (row['next_provision_at'] ?? null) as Date | null,
    deletingSince: row['deleting_since'] as Date | null,
    createdAt: row['created_at'] as Date,
    updatedAt: row['updated_at'] as Date,
    version: row['version'] as number,
    projectId: (row['project_id'] ?? null) as string | null,
    projectName: (row['project_name'] ?? null) as string | null,
    projectDomainId: (row['project_domain_id'] ?? null) as string | null,
    launch: (row['launch'] ?? {}) as LaunchOptions,
    trustId: (row['trust_id'] ?? null) as string | null,
    trustorId: (row['trustor_id'] ?? null) as string | null,
    trustorName: (row['trustor_name'] ?? null) as string | null,
    createdById: (row['created_by_id'] ?? null) as string | null,
    createdByName: (row['created_by_name'] ?? null) as string | null,
    updatedById: (row['updated_by_id'] ?? null) as string | null,
    updatedByName: (row['updated_by_name'] ?? null) as string | null,
  });
}

function latestRunOf(v: Row): LatestRun | null {
  return v['run_id'] === null
    ? null
    : {
        id: v['run_id'] as string,
        state: v['run_state'] as RunState,
        shortfallReason: v['run_shortfall_reason'] as ShortfallReason | null,
        windowStart: new Date(v['run_window_start'] as number),
        windowEnd: new Date(v['run_window_end'] as number),
        desiredCount: v['run_desired_count'] as number,
        activeCount: v['run_active_count'] as number,
      };
}

/** A view row (`selectView`): instants arrive as epoch milliseconds inside the JSON. */
function rowToView(row: Row): ScheduleView {
  const v = row['v'] as Row;
  for (const column of DATE_COLUMNS) if (v[column] !== null) v[column] = new Date(v[column] as number);
  return { schedule: rowToSchedule(v), latestRun: latestRunOf(v), state: v['derived_state'] as ScheduleState };
}

function rowToStamp(row: Row): ViewStamp {
  const v = row['v'] as Row;
  return { id: v['id'] as string, version: v['version'] as number, state: v['derived_state'] as ScheduleState, latestRun: latestRunOf(v) };
}

/** The first window of a schedule that has not ended at `now`: the cursor stored in `next_*`. */
export function cursorAt(
  schedule: ScheduleEntity,
  now: Date,
): Pick<ScheduleEntity, 'nextWindowStart' | 'nextWindowEnd' | 'nextProvisionAt'> {
  const next = compileSchedule(schedule).nextWindow(now);
  return { nextWindowStart: next?.start ?? null, nextWindowEnd: next?.end ?? null, nextProvisionAt: next?.provisionAt ?? null };
}

const CURSOR_BATCH = 500;

/**
 * SQL access for schedules and their runs. Lists use raw SQL with a LATERAL join for the latest run (one
 * index step per schedule, no N+1) and the derived state computed in the same query.
 */
@Injectable()
export class SchedulesRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly runs: RunsRepository,
  ) {}

  /**
   * Moves the cursor of every schedule whose cursor window has ended to its next window. Cheap when nothing
   * is stale (one index probe on next_window_end), which is the usual case. The version guard keeps a
   * concurrent PATCH's fresher cursor.
   */
  async refreshCursors(now: Date, id?: string): Promise<void> {
    for (let round = 0; round < 100; round++) {
      const params: unknown[] = [now];
      if (id) params.push(id);
      const rows: Row[] = await this.dataSource.query(
        `SELECT * FROM schedule WHERE next_window_end <= $1 ${id ? 'AND id = $2' : ''} ORDER BY next_window_end LIMIT ${CURSOR_BATCH}`,
        params,
      );
      if (rows.length === 0) return;
      const schedules = rows.map(rowToSchedule);
      const cursors = schedules.map((s) => cursorAt(s, now));
      await this.dataSource.query(
        `UPDATE schedule s SET next_window_start = v.ws, next_window_end = v.we, next_provision_at = v.pa
         FROM unnest($1::uuid[], $2::int[], $3::timestamptz[], $4::timestamptz[], $5::timestamptz[]) AS v(id, version, ws, we, pa)
         WHERE s.id = v.id AND s.version = v.version AND s.next_window_end <= $6`,
        [
          schedules.map((s) => s.id),
          schedules.map((s) => s.version),
          cursors.map((c) => c.nextWindowStart),
          cursors.map((c) => c.nextWindowEnd),
          cursors.map((c) => c.nextProvisionAt),
          now,
        ],
      );
      if (rows.length < CURSOR_BATCH) return;
    }
  }

  /**
   * One page of schedules (ordered by name, case-insensitively) as stamps, and the number matching, in one
   * round trip: the count is a scalar subquery evaluated once, skipped when the caller already knows the
   * total. The caller fetches full views (`findViews`) only for stamps it has no response for. Counting
   * needs the latest run only to filter by state.
   */
  async listStamps(
    filter: ScheduleFilter,
    page: { limit: number; offset: number; sort?: ScheduleSort },
    horizonEnd: Date,
    knownTotal?: number,
  ): Promise<{ stamps: ViewStamp[]; total: number }> {
    const params = new Params();
    const where = () => {
      const conditions: string[] = [];
      if (filter.projectId !== undefined) conditions.push(`s.project_id = ${params.p(filter.projectId)}`);
      if (filter.enabled !== undefined) conditions.push(`s.enabled = ${params.p(filter.enabled)}`);
      if (filter.nameContains) conditions.push(`s.name ILIKE ${params.p(`%${likeLiteral(filter.nameContains)}%`)}`);
      if (filter.states?.length) conditions.push(`(${stateSql(params.p(horizonEnd))}) = ANY(${params.p(filter.states)}::text[])`);
      return conditions.length ? `WHERE ${conditions.join(' AND ')}` : '';
    };
    const sort = page.sort ?? 'name';
    const byState = sort === 'state' || sort === '-state';
    const join = filter.states?.length || byState ? LATEST_RUN_JOIN : '';
    const countSql = `SELECT count(*)::int FROM schedule s ${join} ${where()}`;
    const countParams = [...params.values];
    if (knownTotal !== undefined) params.values.length = 0;
    const extra = knownTotal === undefined ? `, (${countSql}) AS total_count` : '';
    // The page's ids first (through the name index, without the latest run unless the state filter needs
    // it), then stamps of those rows only: OFFSET must not build and drop thousands of rows.
    // The ids go through an array (which keeps its subquery's order) so that the page keeps the sort's order
    // without the outer query having to sort by the same expressions again.
    const orderBy = ORDER_BY[sort](() => stateSql(params.p(horizonEnd)));
    const pageIds = `SELECT id, position FROM unnest(ARRAY(SELECT s.id FROM schedule s ${join} ${where()} ORDER BY ${orderBy} LIMIT ${params.p(page.limit)} OFFSET ${params.p(page.offset)})) WITH ORDINALITY AS page(id, position)`;
    const pageSql = `WITH page AS (${pageIds}) ${selectView(params.p(horizonEnd), extra, 'JOIN page ON page.id = s.id', 'stamp')} ORDER BY page.position`;
    const rows: Row[] = await this.dataSource.query(pageSql, params.values);
    if (knownTotal !== undefined) return { stamps: rows.map(rowToStamp), total: knownTotal };
    if (rows.length > 0) return { stamps: rows.map(rowToStamp), total: rows[0]['total_count'] as number };
    // Past the last page (or nothing matches): the count alone.
    const counted: { count: number }[] = await this.dataSource.query(countSql, countParams);
    return { stamps: [], total: counted[0].count };
  }

  /** Full views of the given schedules (any order; missing ids are left out). */
  async findViews(ids: readonly string[], horizonEnd: Date): Promise<ScheduleView[]> {
    if (ids.length === 0) return [];
    const params = new Params();
    const rows: Row[] = await this.dataSource.query(
      `${selectView(params.p(horizonEnd))} WHERE s.id = ANY(${params.p(ids)}::uuid[])`,
      params.values,
    );
    return rows.map(rowToView);
  }

  async findView(id: string, horizonEnd: Date): Promise<ScheduleView | null> {
    const params = new Params();
    const rows: Row[] = await this.dataSource.query(`${selectView(params.p(horizonEnd))} WHERE s.id = ${params.p(id)}`, params.values);
    return rows.length ? rowToView(rows[0]) : null;
  }

  findById(id: string, manager: EntityManager = this.dataSource.manager): Promise<ScheduleEntity | null> {
    return manager.getRepository(ScheduleEntity).findOneBy({ id });
  }

  async findIdByName(name: string): Promise<string | null> {
    const rows: { id: string }[] = await this.dataSource.query(`SELECT id FROM schedule WHERE lower(name) = lower($1)`, [name]);
    return rows[0]?.id ?? null;
  }

  /** Inserts a schedule and its `peak.schedule.created` event, in one transaction. */
  async insert(schedule: ScheduleEntity): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await manager.getRepository(ScheduleEntity).insert(schedule);
      await appendEvents(manager, [scheduleEvent('peak.schedule.created', schedule, schedule.createdAt)]);
    });
  }

  /**
   * Writes `changes` if the row is still at `expectedVersion` and not being deleted, bumping the version.
   * Returns the updated row, or null when the guard failed (the caller finds out why).
   */
  /**
   * Writes `changes` when the row still has `expectedVersion`. `stop`: the change ends the live window early (a disable
   * to stop now), recorded on its runs in the same transaction, so no engine pass sees one without the other.
   */
  updateIfVersion(id: string, expectedVersion: number, changes: Partial<ScheduleEntity>, stop?: StopMark): Promise<ScheduleEntity | null> {
    const write = async (manager: EntityManager): Promise<ScheduleEntity | null> => {
      const result = await manager
        .createQueryBuilder()
        .update(ScheduleEntity)
        .set({ ...changes, version: () => 'version + 1' })
        .where('id = :id AND version = :expectedVersion AND deleting_since IS NULL', { id, expectedVersion })
        .returning('*')
        .execute();
      const raw = result.raw as Row[];
      if (raw.length === 0) return null;
      if (stop) await this.runs.markStopped(id, stop, manager);
      const updated = rowToSchedule(raw[0]);
      await appendEvents(manager, [scheduleEvent('peak.schedule.updated', updated, updated.updatedAt)]);
      return updated;
    };
    // The change, its runs' stop and its event commit together.
    return this.dataSource.transaction(write);
  }

  /**
   * DELETE: removes the schedule at once when none of its VMs may exist, or marks it `deleting` for the engine
   * (which tears them down and then removes it). The row lock orders this against an engine that starts a run
   * under `SELECT ... FOR SHARE` of the schedule. Null when there is no such schedule.
   */
  deleteOrMarkDeleting(id: string, stop: StopMark): Promise<'deleted' | 'deleting' | null> {
    const now = stop.at;
    return this.dataSource.transaction(async (manager: EntityManager) => {
      const schedule = await manager.getRepository(ScheduleEntity).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!schedule) return null;
      let outcome: 'deleted' | 'deleting' = 'deleted';
      if (await this.runs.hasLiveVms(id, manager)) {
        if (!schedule.deletingSince) {
          await manager.query(`UPDATE schedule SET deleting_since = $2, updated_at = $2, version = version + 1 WHERE id = $1`, [id, now]);
        }
        // Deleting during a window ends it early: its runs close `stopped`, with who asked.
        await this.runs.markStopped(id, stop, manager);
        outcome = 'deleting';
      } else {
        await manager.query(`DELETE FROM schedule WHERE id = $1`, [id]);
      }
      // Announced once, by the DELETE that made the schedule go (or start going), last in its transaction (see appendEvents).
      if (!schedule.deletingSince) await appendEvents(manager, [scheduleEvent('peak.schedule.deleted', schedule, now)]);
      return outcome;
    });
  }
}
