import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { CompiledSchedule } from '@peak/schedule-domain';
import { In, Repository } from 'typeorm';
import { ScheduleEntity } from '../schedules/entities/schedule.entity';
import { compileSchedule } from '../schedules/schedule.mappers';
import type { ProjectRef } from './pass-report';

/** A schedule as the engine sees it: the row, and its timing compiled once for cheap planning. */
export interface EngineSchedule {
  readonly entity: ScheduleEntity;
  readonly compiled: CompiledSchedule;
}

/** The Keystone project a schedule's VMs live in (null for a row older than projects, until the backfill). */
export function projectOf(entity: Pick<ScheduleEntity, 'projectId' | 'projectName'>): ProjectRef {
  return entity.projectId ? { id: entity.projectId, name: entity.projectName } : null;
}

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
 */
@Injectable()
export class EngineSchedules {
  private readonly logger = new Logger(EngineSchedules.name);
  private readonly byId = new Map<string, EngineSchedule>();
  /** Rows whose timing cannot be compiled (id → version): counted, so they do not look like deletions. */
  private readonly unusable = new Map<string, number>();
  /** The horizon of the previous look (a transaction id, as text); rows stamped at or after it are read. */
  private horizon = '0';

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

  async loadAll(): Promise<void> {
    // The horizon first: whatever commits after it is stamped at or above it, and is read by the next look.
    const horizon = await this.currentHorizon();
    const rows = await this.schedules.find();
    this.byId.clear();
    this.unusable.clear();
    this.horizon = horizon;
    for (const row of rows) this.put(row);
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
    for (const id of ids) {
      if (found.has(id)) continue;
      this.byId.delete(id);
      this.unusable.delete(id);
    }
  }

  forget(id: string): void {
    this.byId.delete(id);
    this.unusable.delete(id);
  }

  private async currentHorizon(): Promise<string> {
    const rows: { horizon: string }[] = await this.schedules.query(HORIZON_SQL);
    return rows[0]?.horizon ?? '0';
  }

  private versionOf(id: string): number | undefined {
    return this.byId.get(id)?.entity.version ?? this.unusable.get(id);
  }

  private put(row: ScheduleEntity): void {
    try {
      this.byId.set(row.id, { entity: row, compiled: compileSchedule(row) });
      this.unusable.delete(row.id);
    } catch (error) {
      // The API validates timings before saving; a row that still fails (e.g. edited by hand) is skipped, loudly.
      this.byId.delete(row.id);
      this.unusable.set(row.id, row.version);
      this.logger.error(`Schedule ${row.id} (${row.name}) has an unusable timing and is ignored: ${(error as Error).message}`);
    }
  }
}
