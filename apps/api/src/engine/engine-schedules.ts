import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { CompiledSchedule, Plan } from '@peak/schedule-domain';
import { In, Repository } from 'typeorm';
import { ScheduleEntity } from '../schedules/entities/schedule.entity';
import { compileSchedule } from '../schedules/schedule.mappers';
import type { ProjectRef } from './pass-report';
import { PlanIndex } from './plan-index';

/**
 * What the engine reads of a schedule's row. It holds one for every schedule, so it keeps these columns only, in a
 * plain object of one shape: the ORM's entity, with its audit columns, took about 3.5 kB per schedule (its
 * properties in a dictionary, seven dates), 350 MB for 100,000 schedules.
 */
export type EngineScheduleRow = Pick<
  ScheduleEntity,
  | 'id'
  | 'name'
  | 'version'
  | 'enabled'
  | 'deletingSince'
  | 'keptWindowStart'
  | 'instanceCount'
  | 'imageId'
  | 'flavorId'
  | 'networkIds'
  | 'launch'
  | 'trustId'
  | 'projectId'
  | 'projectName'
> & {
  /** `createdAt` in epoch milliseconds: a Date object is about 100 bytes, one per schedule held. */
  readonly createdAtMs: number;
};

/** A schedule as the engine sees it: the columns it reads, and its timing compiled once for cheap planning. */
export interface EngineSchedule {
  readonly entity: EngineScheduleRow;
  readonly compiled: CompiledSchedule;
}

/** The Keystone project a schedule's VMs live in (null for a row older than projects, until the backfill). */
export function projectOf(entity: Pick<ScheduleEntity, 'projectId' | 'projectName'>): ProjectRef {
  return entity.projectId ? { id: entity.projectId, name: entity.projectName } : null;
}

/** Rows read per query when the engine loads every schedule. */
const LOAD_PAGE = 2000;

/** The oldest transaction still running: every transaction below it has committed or aborted. */
const HORIZON_SQL = `SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS horizon`;

/**
 * The engine's in-memory copy of every schedule, kept current without reading 10,000 rows per pass:
 * a full load when the engine starts leading, then only rows changed since (by any replica: the API
 * may run on several), and a full reload when rows disappeared.
 *
 * "Changed since" cannot miss a commit, whatever the clocks or the length of a request: a trigger stamps each row
 * with the id of the transaction that wrote it (`change_xid`), and each look remembers the oldest transaction
 * still running when it began (the horizon). The next look reads the rows stamped at or after that horizon, so a
 * transaction that committed after a look, however early it began, is read by the next one. Rows are read again
 * until their writer is below the horizon; only ids and versions, and only changed versions are reloaded.
 *
 * A pass never walks all of them: the plans are indexed by when they next change (`plansAt`), and the few schedules
 * being deleted or naming a load balancer pool are kept apart.
 */
@Injectable()
export class EngineSchedules {
  private readonly logger = new Logger(EngineSchedules.name);
  private readonly byId = new Map<string, EngineSchedule>();
  /** Rows whose timing cannot be compiled (id → version): counted, so they do not look like deletions. */
  private readonly unusable = new Map<string, number>();
  /** The horizon of the previous look (a transaction id, as text); rows stamped at or after it are read. */
  private horizon = '0';
  private readonly plans = new PlanIndex(
    (id) => this.byId.get(id)?.compiled,
    () => this.byId.keys(),
  );
  /** Schedules marked for deletion (`deletingSince`). */
  private readonly deletingIds = new Set<string>();
  /** Schedule → the load balancer pool its VMs join. */
  private readonly poolOf = new Map<string, string>();
  /** One copy of each image, flavor, network and project id and project name in use. */
  private readonly shared = new Interned();

  constructor(@InjectRepository(ScheduleEntity) private readonly schedules: Repository<ScheduleEntity>) {}

  all(): IterableIterator<EngineSchedule> {
    return this.byId.values();
  }

  get(id: string): EngineSchedule | undefined {
    return this.byId.get(id);
  }

  get size(): number {
    return this.byId.size;
  }

  /**
   * The schedules inside a window at `at` (with their plans) and the earliest instant any schedule's plan changes.
   * Only the schedules changed since the last look, or whose plan ran out, are planned again.
   */
  plansAt(at: Date): { inWindow: { schedule: EngineSchedule; plan: Plan }[]; nextBoundary: Date | null } {
    const { inWindow, nextBoundary } = this.plans.look(at);
    const found: { schedule: EngineSchedule; plan: Plan }[] = [];
    for (const [id, plan] of inWindow) {
      const schedule = this.byId.get(id);
      if (schedule) found.push({ schedule, plan });
    }
    return { inWindow: found, nextBoundary };
  }

  /** The schedules marked for deletion. */
  deleting(): EngineSchedule[] {
    return [...this.deletingIds].flatMap((id) => this.byId.get(id) ?? []);
  }

  /** The load balancer pools schedules name, with a schedule naming each (its trust reads the pool). */
  pools(): Map<string, string> {
    const pools = new Map<string, string>();
    for (const [scheduleId, poolId] of this.poolOf) pools.set(poolId, scheduleId);
    return pools;
  }

  async loadAll(): Promise<void> {
    // The horizon first: whatever commits after it is stamped at or above it, and is read by the next look.
    const horizon = await this.currentHorizon();
    this.byId.clear();
    this.unusable.clear();
    this.deletingIds.clear();
    this.poolOf.clear();
    this.shared.clear();
    this.horizon = horizon;
    // Page by page: 100,000 entities at once would swell the heap to a size the process then keeps. A row changed
    // while the pages are read is stamped at or above the horizon, and read again by the next look.
    for (let after: string | null = null; ; ) {
      const query = this.schedules.createQueryBuilder('s').orderBy('s.id', 'ASC').take(LOAD_PAGE);
      if (after !== null) query.where('s.id > :after', { after });
      const rows = await query.getMany();
      for (const row of rows) this.put(row);
      if (rows.length < LOAD_PAGE) break;
      after = rows[rows.length - 1].id;
    }
    this.plans.reset();
  }

  /** Picks up rows changed since the last look; returns the ids that changed (or were removed). */
  async refresh(): Promise<string[]> {
    const horizon = await this.currentHorizon();
    const stamps: { id: string; version: number }[] = await this.schedules.query(
      `SELECT id, version FROM schedule WHERE change_xid >= $1::bigint`,
      [this.horizon],
    );
    this.horizon = horizon;
    const ids = stamps.filter((stamp) => this.versionOf(stamp.id) !== stamp.version).map((stamp) => stamp.id);
    if (ids.length > 0) await this.reload(ids);
    // Deletions leave no row to find; a count mismatch reveals them.
    const count = await this.schedules.count();
    if (count !== this.byId.size + this.unusable.size) {
      const before = new Set(this.byId.keys());
      await this.loadAll();
      for (const id of before) if (!this.byId.has(id)) ids.push(id);
    }
    return ids;
  }

  /** Re-reads given schedules now (after a change made through this replica's API). */
  async reload(ids: string[]): Promise<void> {
    const rows = await this.schedules.findBy({ id: In(ids) });
    const found = new Set(rows.map((r) => r.id));
    for (const row of rows) this.put(row);
    for (const id of ids) if (!found.has(id)) this.forget(id);
  }

  forget(id: string): void {
    this.byId.delete(id);
    this.unusable.delete(id);
    this.deletingIds.delete(id);
    this.poolOf.delete(id);
    this.plans.touch(id);
  }

  private async currentHorizon(): Promise<string> {
    const rows: { horizon: string }[] = await this.schedules.query(HORIZON_SQL);
    return rows[0]?.horizon ?? '0';
  }

  /** The row as the engine keeps it; values most schedules share (image, flavor, project) are held once. */
  private engineRow(row: ScheduleEntity): EngineScheduleRow {
    const shared = this.shared;
    return {
      id: row.id,
      name: row.name,
      version: row.version,
      createdAtMs: row.createdAt.getTime(),
      enabled: row.enabled,
      deletingSince: row.deletingSince,
      keptWindowStart: row.keptWindowStart,
      instanceCount: row.instanceCount,
      imageId: shared.of(row.imageId),
      flavorId: shared.of(row.flavorId),
      networkIds: row.networkIds.map((id) => shared.of(id)),
      launch: row.launch,
      trustId: row.trustId,
      projectId: row.projectId === null ? null : shared.of(row.projectId),
      projectName: row.projectName === null ? null : shared.of(row.projectName),
    };
  }

  private versionOf(id: string): number | undefined {
    return this.byId.get(id)?.entity.version ?? this.unusable.get(id);
  }

  private put(row: ScheduleEntity): void {
    try {
      // The compiled timing keeps the zone and the cron expression: one copy of each for all schedules sharing them.
      row.timeZone = this.shared.of(row.timeZone);
      if (row.cron !== null) row.cron = this.shared.of(row.cron);
      this.byId.set(row.id, { entity: this.engineRow(row), compiled: compileSchedule(row) });
      this.unusable.delete(row.id);
      this.plans.touch(row.id);
      if (row.deletingSince) this.deletingIds.add(row.id);
      else this.deletingIds.delete(row.id);
      const poolId = row.launch?.loadBalancer?.poolId;
      if (poolId) this.poolOf.set(row.id, poolId);
      else this.poolOf.delete(row.id);
    } catch (error) {
      // The API validates timings before saving; a row that still fails (e.g. edited by hand) is skipped, loudly.
      this.forget(row.id);
      this.unusable.set(row.id, row.version);
      this.logger.error(`Schedule ${row.id} (${row.name}) has an unusable timing and is ignored: ${(error as Error).message}`);
    }
  }
}

/** One copy of each equal string: rows read from the database each bring their own. Cleared with a full reload. */
class Interned {
  private readonly values = new Map<string, string>();

  of(value: string): string {
    const known = this.values.get(value);
    if (known !== undefined) return known;
    this.values.set(value, value);
    return value;
  }

  clear(): void {
    this.values.clear();
  }
}
