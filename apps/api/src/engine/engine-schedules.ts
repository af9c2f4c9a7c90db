import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { CompiledSchedule } from '@peak/schedule-domain';
import { In, Repository } from 'typeorm';
import { ScheduleEntity } from '../schedules/entities/schedule.entity';
import { compileSchedule } from '../schedules/schedule.mappers';

/** A schedule as the engine sees it: the row, and its timing compiled once for cheap planning. */
export interface EngineSchedule {
  readonly entity: ScheduleEntity;
  readonly compiled: CompiledSchedule;
}

/**
 * Rows stamped up to this long before the newest one seen are looked at again: another replica's clock or a
 * slow commit may stamp a row a little before the watermark. Only ids and versions are read for them.
 */
const CHANGE_LOOKBACK_MS = 5_000;

/**
 * The engine's in-memory copy of every schedule, kept current without reading 10,000 rows per pass:
 * a full load when the engine starts leading, then only rows changed since (by any replica: the API
 * may run on several), and a full reload when rows disappeared.
 */
@Injectable()
export class EngineSchedules {
  private readonly logger = new Logger(EngineSchedules.name);
  private readonly byId = new Map<string, EngineSchedule>();
  /** Rows whose timing cannot be compiled (id → version): counted, so they do not look like deletions. */
  private readonly unusable = new Map<string, number>();
  /** Highest `updated_at` seen; changes are polled after it. */
  private watermark = new Date(0);

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
    const rows = await this.schedules.find();
    this.byId.clear();
    this.unusable.clear();
    this.watermark = new Date(0);
    for (const row of rows) this.put(row);
  }

  /** Picks up rows changed since the last look; returns the ids that changed (or were removed). */
  async refresh(): Promise<string[]> {
    // Look back a little: another replica's clock or a slow commit may stamp a row just before the watermark.
    const since = new Date(this.watermark.getTime() - CHANGE_LOOKBACK_MS);
    const stamps: { id: string; version: number; updated_at: Date }[] = await this.schedules.query(
      `SELECT id, version, updated_at FROM schedule WHERE updated_at > $1`,
      [since],
    );
    for (const stamp of stamps) if (stamp.updated_at > this.watermark) this.watermark = stamp.updated_at;
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

  private versionOf(id: string): number | undefined {
    return this.byId.get(id)?.entity.version ?? this.unusable.get(id);
  }

  private put(row: ScheduleEntity): void {
    if (row.updatedAt > this.watermark) this.watermark = row.updatedAt;
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
