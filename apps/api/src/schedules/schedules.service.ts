import { Inject, Injectable, Logger } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { CompiledSchedule, normalizeTimeZone, parseCronExpression, ScheduleTiming, validateTiming } from '@peak/schedule-domain';
import { createHash, randomUUID } from 'node:crypto';
import { QueryFailedError } from 'typeorm';
import type { FieldErrorDto } from '../common/api-error.dto';
import { Clock } from '../common/clock';
import { schedulerConfig } from '../config/scheduler.config';
import { CloudReferenceChecker, CloudReferences, CloudUnavailableError } from './cloud-reference-checker';
import { CreateScheduleDto } from './dto/create-schedule.dto';
import { OccurrenceListDto, OccurrencesQueryDto } from './dto/occurrence.dto';
import { PreviewScheduleDto } from './dto/preview-schedule.dto';
import { ListRunsQueryDto, RunListDto } from './dto/run.dto';
import { ListSchedulesQueryDto, ScheduleDto, ScheduleListDto } from './dto/schedule.dto';
import { UpdateScheduleDto } from './dto/update-schedule.dto';
import { OnceWindowDto, RecurringWindowDto } from './dto/window.dto';
import { ScheduleEntity } from './entities/schedule.entity';
import {
  beingDeleted,
  cloudUnavailable,
  invalidSchedule,
  missingReferences,
  nameTaken,
  scheduleNotFound,
  staleVersion,
} from './schedule-errors';
import { ScheduleEvents } from './schedule-events';
import { ScheduleDtoCache } from './schedule-dto-cache';
import { compileSchedule, mapOccurrence, mapRun, scheduleTiming } from './schedule.mappers';
import { cursorAt, SchedulesRepository, ScheduleView } from './schedules.repository';

const UNIQUE_VIOLATION = '23505';
/**
 * Reads move ended cursors forward at most this often per API instance (see refreshCursors): a cursor may
 * lag its window's end by this much, which the derived `upcoming`/`idle` state tolerates.
 */
const CURSOR_CHECK_INTERVAL_MS = 1000;

const UPDATABLE_FIELDS = [
  'name',
  'description',
  'imageId',
  'flavorId',
  'networkIds',
  'instanceCount',
  'timeZone',
  'window',
  'leadTimeMinutes',
  'enabled',
] as const;

/** A response body ready to send: UTF-8 JSON (encoded once, not per response) and its strong ETag. */
export interface SerializedPage {
  readonly body: Buffer;
  readonly etag: string;
}

function serialize(page: ScheduleListDto): SerializedPage {
  const body = Buffer.from(JSON.stringify(page), 'utf8');
  return { body, etag: `"${createHash('sha1').update(body).digest('base64url')}"` };
}

/** A page kept for identical list queries; `ready` once its read succeeded. */
interface KeptPage {
  readonly at: number;
  readonly page: Promise<SerializedPage>;
  ready?: SerializedPage;
  refreshing?: boolean;
}

/** The result of DELETE: gone at once (204), or accepted while VMs are torn down (202). */
export type DeletionOutcome = { readonly kind: 'deleted' } | { readonly kind: 'deleting'; readonly schedule: ScheduleDto };

/** The timing fields of a request, as the domain library reads them. */
function timingOf(window: OnceWindowDto | RecurringWindowDto, timeZone: string, leadTimeMinutes: number): ScheduleTiming {
  if (window.type === 'once') {
    return { timeZone, leadTimeMinutes, window: { type: 'once', startAt: new Date(window.startAt), endAt: new Date(window.endAt) } };
  }
  return {
    timeZone,
    leadTimeMinutes,
    window: {
      type: 'recurring',
      cron: window.cron,
      durationMinutes: window.durationMinutes,
      validFrom: window.validFrom ? new Date(window.validFrom) : null,
      validUntil: window.validUntil ? new Date(window.validUntil) : null,
      excludedDates: window.excludedDates ?? [],
    },
  };
}

/** The window columns of a timing that passed validation (cron normalized, dates sorted). */
function windowColumns(
  timing: ScheduleTiming,
): Pick<
  ScheduleEntity,
  | 'timeZone'
  | 'leadTimeMinutes'
  | 'windowType'
  | 'startAt'
  | 'endAt'
  | 'cron'
  | 'durationMinutes'
  | 'validFrom'
  | 'validUntil'
  | 'excludedDates'
> {
  const base = { timeZone: normalizeTimeZone(timing.timeZone), leadTimeMinutes: timing.leadTimeMinutes };
  const w = timing.window;
  if (w.type === 'once') {
    return {
      ...base,
      windowType: 'once',
      startAt: w.startAt,
      endAt: w.endAt,
      cron: null,
      durationMinutes: null,
      validFrom: null,
      validUntil: null,
      excludedDates: [],
    };
  }
  const parsed = parseCronExpression(w.cron);
  return {
    ...base,
    windowType: 'recurring',
    startAt: null,
    endAt: null,
    cron: parsed.ok ? parsed.expression : w.cron,
    durationMinutes: w.durationMinutes,
    validFrom: w.validFrom ?? null,
    validUntil: w.validUntil ?? null,
    excludedDates: [...(w.excludedDates ?? [])].sort(),
  };
}

@Injectable()
export class SchedulesService {
  private readonly logger = new Logger(SchedulesService.name);
  private readonly responses = new ScheduleDtoCache();
  private lastCursorCheck = Number.NEGATIVE_INFINITY;
  /**
   * Totals of lists not filtered by state (they change only when schedules are created, deleted or
   * enabled/disabled), kept for CURSOR_CHECK_INTERVAL_MS and dropped on this instance's own writes; counting
   * 10,000 rows on every page would cost the database more than the page itself.
   */
  private readonly totals = new Map<string, { at: number; total: number }>();
  /**
   * Whole pages, for identical list queries within `listCacheMs`: consoles poll the same first page, and each
   * page costs a database round trip and 50 DTOs. Dropped with `totals` on this instance's writes and by
   * `invalidateLists` (the engine, after a pass that changed runs).
   */
  private readonly pages = new Map<string, KeptPage>();

  constructor(
    private readonly repository: SchedulesRepository,
    private readonly references: CloudReferenceChecker,
    private readonly events: ScheduleEvents,
    private readonly clock: Clock,
    @Inject(schedulerConfig.KEY) private readonly config: ConfigType<typeof schedulerConfig>,
  ) {}

  /**
   * A page of schedules, serialized once: the page is kept as JSON text with its ETag, so serving it again costs
   * neither a database round trip nor serializing 50 schedules.
   */
  list(query: ListSchedulesQueryDto): Promise<SerializedPage> {
    const ttl = this.config.listCacheMs;
    if (ttl === 0) return this.listNow(query).then(serialize);
    const now = this.clock.now().getTime();
    const key = JSON.stringify([query.enabled, query.state ?? [], query.limit ?? 50, query.offset ?? 0]);
    const hit = this.pages.get(key);
    const age = hit ? now - hit.at : -1;
    if (hit && age >= 0 && age < ttl) return hit.page;
    // Past its time, but not twice over: served once more while a single read refreshes it (stale-while-revalidate),
    // so pollers never queue behind the database; after that, requests wait for a fresh read.
    if (hit?.ready && age >= 0 && age < 2 * ttl) {
      if (!hit.refreshing) this.refresh(key, hit, query, now);
      return Promise.resolve(hit.ready);
    }
    return this.read(key, query, now);
  }

  /** Reads a page and keeps it; concurrent identical requests share the read, and a failed read is not kept. */
  private read(key: string, query: ListSchedulesQueryDto, now: number): Promise<SerializedPage> {
    const page = this.listNow(query).then(serialize);
    const entry: KeptPage = { at: now, page };
    this.pages.set(key, entry);
    page.then(
      (ready) => (entry.ready = ready),
      () => this.pages.get(key) === entry && this.pages.delete(key),
    );
    if (this.pages.size > 1000) this.pages.delete(this.pages.keys().next().value as string);
    return page;
  }

  /** Replaces a kept page once a fresh read succeeds, unless a write dropped it meanwhile. */
  private refresh(key: string, stale: KeptPage, query: ListSchedulesQueryDto, now: number): void {
    stale.refreshing = true;
    this.listNow(query)
      .then(serialize)
      .then(
        (ready) => this.pages.get(key) === stale && this.pages.set(key, { at: now, page: Promise.resolve(ready), ready }),
        (error: unknown) => {
          // The next request reads again, and reports the failure if it persists.
          if (this.pages.get(key) === stale) this.pages.delete(key);
          this.logger.warn(`Refreshing a kept schedule page failed: ${String(error)}`);
        },
      );
  }

  /** Forgets kept pages and totals: after a change, the next list reads the database. */
  invalidateLists(): void {
    this.totals.clear();
    this.pages.clear();
  }

  private async listNow(query: ListSchedulesQueryDto): Promise<ScheduleListDto> {
    const now = this.clock.now();
    await this.refreshCursors(now);
    const limit = query.limit ?? 50;
    const offset = query.offset ?? 0;
    const totalKey = query.state?.length ? undefined : `enabled=${String(query.enabled)}`;
    const cached = totalKey === undefined ? undefined : this.totals.get(totalKey);
    const age = cached ? now.getTime() - cached.at : -1;
    const knownTotal = cached && age >= 0 && age < CURSOR_CHECK_INTERVAL_MS ? cached.total : undefined;
    const horizonEnd = this.horizonEnd(now);
    const { stamps, total } = await this.repository.listStamps(
      { enabled: query.enabled, states: query.state },
      { limit, offset },
      horizonEnd,
      knownTotal,
    );
    if (totalKey !== undefined && knownTotal === undefined) this.totals.set(totalKey, { at: now.getTime(), total });
    // Responses kept from earlier requests are reused; only the others are read in full.
    const kept = stamps.map((stamp) => this.responses.lookup(stamp, now));
    const missing = stamps.filter((_, i) => kept[i] === undefined).map((stamp) => stamp.id);
    const fetched = new Map(
      (await this.repository.findViews(missing, horizonEnd)).map((view) => [view.schedule.id, this.toDto(view, now)]),
    );
    const items = stamps.flatMap((stamp, i) => {
      const dto = kept[i] ?? fetched.get(stamp.id);
      // A schedule deleted between the two reads is left out of the page.
      return dto ? [dto] : [];
    });
    return { items, total, limit, offset };
  }

  async get(id: string): Promise<ScheduleDto> {
    return this.toDto(await this.view(id, this.clock.now()), this.clock.now());
  }

  async create(dto: CreateScheduleDto): Promise<ScheduleDto> {
    const now = this.clock.now();
    const timing = timingOf(dto.window, dto.timeZone ?? 'UTC', dto.leadTimeMinutes ?? this.config.defaultLeadTimeMinutes);
    this.assertValid(timing, dto.instanceCount, now);
    const owner = await this.repository.findIdByName(dto.name);
    if (owner) throw nameTaken(dto.name, owner);
    await this.checkReferences({ imageId: dto.imageId, flavorId: dto.flavorId, networkIds: dto.networkIds });

    const schedule = Object.assign(new ScheduleEntity(), {
      id: randomUUID(),
      name: dto.name,
      description: dto.description ?? '',
      imageId: dto.imageId,
      flavorId: dto.flavorId,
      networkIds: dto.networkIds,
      instanceCount: dto.instanceCount,
      ...windowColumns(timing),
      enabled: dto.enabled ?? true,
      deletingSince: null,
      createdAt: now,
      updatedAt: now,
      version: 1,
    });
    Object.assign(schedule, cursorAt(schedule, now));
    try {
      await this.repository.insert(schedule);
    } catch (error) {
      if (isUniqueViolation(error)) throw nameTaken(dto.name, await this.repository.findIdByName(dto.name));
      throw error;
    }
    this.invalidateLists();
    this.events.emit({ scheduleId: schedule.id, kind: 'created', version: schedule.version });
    return this.get(schedule.id);
  }

  async update(id: string, dto: UpdateScheduleDto): Promise<ScheduleDto> {
    // PartialType's @IsOptional lets null through; none of these fields can be null.
    const nulls = UPDATABLE_FIELDS.filter((field) => dto[field] === null);
    if (nulls.length)
      throw invalidSchedule(nulls.map((field) => ({ field, reason: 'must not be null (leave it out to keep it)', constraint: 'notNull' })));
    const now = this.clock.now();
    const current = await this.repository.findById(id);
    if (!current) throw scheduleNotFound(id);
    if (current.deletingSince) throw beingDeleted(id);
    if (current.version !== dto.version) throw staleVersion(dto.version, current.version);

    const changes: Partial<ScheduleEntity> = {};
    if (dto.name !== undefined && dto.name !== current.name) {
      const owner = await this.repository.findIdByName(dto.name);
      if (owner && owner !== id) throw nameTaken(dto.name, owner);
      changes.name = dto.name;
    }
    if (dto.description !== undefined) changes.description = dto.description;
    if (dto.enabled !== undefined) changes.enabled = dto.enabled;
    if (dto.instanceCount !== undefined) changes.instanceCount = dto.instanceCount;

    const timingChanged = dto.window !== undefined || dto.timeZone !== undefined || dto.leadTimeMinutes !== undefined;
    if (timingChanged) {
      const window = dto.window ?? mapWindowDto(current);
      const timing = timingOf(window, dto.timeZone ?? current.timeZone, dto.leadTimeMinutes ?? current.leadTimeMinutes);
      // A one-off start may stay in the past when only the zone or lead time changes; a new start may not.
      const checkPast = dto.window !== undefined || current.windowType !== 'once';
      this.assertValid(timing, dto.instanceCount ?? current.instanceCount, now, checkPast);
      Object.assign(changes, windowColumns(timing));
      Object.assign(changes, cursorAt(Object.assign(new ScheduleEntity(), current, changes), now));
    } else if (dto.instanceCount !== undefined) {
      this.assertInstanceCount(dto.instanceCount);
    }

    const refs: CloudReferences = {
      imageId: dto.imageId ?? current.imageId,
      flavorId: dto.flavorId ?? current.flavorId,
      networkIds: dto.networkIds ?? current.networkIds,
    };
    const refsChanged =
      refs.imageId !== current.imageId ||
      refs.flavorId !== current.flavorId ||
      refs.networkIds.join('\n') !== current.networkIds.join('\n');
    if (refsChanged) {
      await this.checkReferences(refs);
      Object.assign(changes, { imageId: refs.imageId, flavorId: refs.flavorId, networkIds: [...refs.networkIds] });
    }

    changes.updatedAt = now;
    let updated: ScheduleEntity | null;
    try {
      updated = await this.repository.updateIfVersion(id, dto.version, changes);
    } catch (error) {
      if (isUniqueViolation(error)) throw nameTaken(dto.name ?? '', await this.repository.findIdByName(dto.name ?? ''));
      throw error;
    }
    if (!updated) {
      // Someone changed or deleted it between our read and our write.
      const latest = await this.repository.findById(id);
      if (!latest) throw scheduleNotFound(id);
      if (latest.deletingSince) throw beingDeleted(id);
      throw staleVersion(dto.version, latest.version);
    }
    this.invalidateLists();
    this.events.emit({ scheduleId: id, kind: 'updated', version: updated.version });
    return this.get(id);
  }

  /**
   * Removes a schedule at once when none of its VMs may exist; otherwise marks it `deleting` for the engine,
   * which tears the VMs down and then calls `completeDeletion`. The row lock orders this against an engine
   * that starts a run under `SELECT ... FOR SHARE` of the schedule.
   */
  async delete(id: string): Promise<DeletionOutcome> {
    const now = this.clock.now();
    const outcome = await this.repository.transaction(async (manager) => {
      const locked: { deleting_since: Date | null }[] = await manager.query(
        `SELECT deleting_since FROM schedule WHERE id = $1 FOR UPDATE`,
        [id],
      );
      if (locked.length === 0) throw scheduleNotFound(id);
      if (await this.repository.hasLiveVms(id, manager)) {
        if (!locked[0].deleting_since) {
          await manager.query(`UPDATE schedule SET deleting_since = $2, updated_at = $2, version = version + 1 WHERE id = $1`, [id, now]);
        }
        return 'deleting' as const;
      }
      await manager.query(`DELETE FROM schedule WHERE id = $1`, [id]);
      return 'deleted' as const;
    });
    this.invalidateLists();
    this.events.emit({ scheduleId: id, kind: outcome });
    return outcome === 'deleted' ? { kind: 'deleted' } : { kind: 'deleting', schedule: await this.get(id) };
  }

  /**
   * For the engine, once it has seen none of the schedule's VMs in the cloud: removes a `deleting` schedule
   * whose runs are all closed. Returns whether it was removed (false: a run still open, not marked, or
   * already gone).
   */
  async completeDeletion(id: string): Promise<boolean> {
    const removed = await this.repository.transaction(async (manager) => {
      const locked: { deleting_since: Date | null }[] = await manager.query(
        `SELECT deleting_since FROM schedule WHERE id = $1 FOR UPDATE`,
        [id],
      );
      if (locked.length === 0 || !locked[0].deleting_since) return false;
      if (await this.repository.hasOpenRuns(id, manager)) return false;
      await manager.query(`DELETE FROM schedule WHERE id = $1`, [id]);
      return true;
    });
    if (removed) {
      this.invalidateLists();
      this.logger.log(`Schedule ${id} removed after its VMs were torn down`);
      this.events.emit({ scheduleId: id, kind: 'deleted' });
    }
    return removed;
  }

  async occurrences(id: string, query: OccurrencesQueryDto): Promise<OccurrenceListDto> {
    const schedule = await this.repository.findById(id);
    if (!schedule) throw scheduleNotFound(id);
    const from = query.from ? new Date(query.from) : this.clock.now();
    return this.listOccurrences(compileSchedule(schedule), from, query.count ?? 10);
  }

  preview(dto: PreviewScheduleDto, query: OccurrencesQueryDto): OccurrenceListDto {
    const now = this.clock.now();
    const timing = timingOf(dto.window, dto.timeZone ?? 'UTC', dto.leadTimeMinutes ?? this.config.defaultLeadTimeMinutes);
    this.assertValid(timing, 1, now);
    const normalized = windowColumns(timing);
    const from = query.from ? new Date(query.from) : now;
    return this.listOccurrences(
      new CompiledSchedule(scheduleTiming(Object.assign(new ScheduleEntity(), normalized))),
      from,
      query.count ?? 10,
    );
  }

  async runs(id: string, query: ListRunsQueryDto): Promise<RunListDto> {
    if (!(await this.repository.findById(id))) throw scheduleNotFound(id);
    const limit = query.limit ?? 20;
    const offset = query.offset ?? 0;
    const { items, total } = await this.repository.listRuns(id, { limit, offset });
    return { items: items.map(({ run, vms }) => mapRun(run, vms)), total, limit, offset };
  }

  private listOccurrences(compiled: CompiledSchedule, from: Date, count: number): OccurrenceListDto {
    return {
      timeZone: compiled.timing.timeZone,
      from: from.toISOString(),
      occurrences: compiled.occurrences(from, count).map(mapOccurrence),
    };
  }

  /** Moves ended cursors forward, unless that was done less than CURSOR_CHECK_INTERVAL_MS ago (by this clock). */
  private async refreshCursors(now: Date): Promise<void> {
    const since = now.getTime() - this.lastCursorCheck;
    if (since >= 0 && since < CURSOR_CHECK_INTERVAL_MS) return;
    await this.repository.refreshCursors(now);
    this.lastCursorCheck = now.getTime();
  }

  private async view(id: string, now: Date): Promise<ScheduleView> {
    await this.refreshCursors(now);
    const view = await this.repository.findView(id, this.horizonEnd(now));
    if (!view) throw scheduleNotFound(id);
    return view;
  }

  private toDto(view: ScheduleView, now: Date): ScheduleDto {
    return this.responses.get(view, now);
  }

  private horizonEnd(now: Date): Date {
    return new Date(now.getTime() + this.config.upcomingHorizonMinutes * 60_000);
  }

  private assertValid(timing: ScheduleTiming, instanceCount: number, now: Date, checkPast = true): void {
    const issues: FieldErrorDto[] = validateTiming(timing, now).filter((issue) => checkPast || issue.field !== 'window.startAt');
    if (instanceCount > this.config.maxInstanceCount) issues.push(this.instanceCountIssue());
    if (issues.length) throw invalidSchedule(issues.map((i) => ({ ...i, constraint: 'schedule' })));
  }

  private assertInstanceCount(count: number): void {
    if (count > this.config.maxInstanceCount) throw invalidSchedule([this.instanceCountIssue()]);
  }

  private instanceCountIssue(): FieldErrorDto {
    return {
      field: 'instanceCount',
      reason: `must not be greater than ${this.config.maxInstanceCount} (SCHEDULER_MAX_INSTANCE_COUNT)`,
      constraint: 'max',
    };
  }

  private async checkReferences(refs: CloudReferences): Promise<void> {
    let missing;
    try {
      missing = await this.references.check(refs);
    } catch (error) {
      if (error instanceof CloudUnavailableError) throw cloudUnavailable(error.message, error.requestId);
      throw error;
    }
    if (missing.length) throw missingReferences(missing.map((m) => ({ ...m, constraint: 'existsInCloud' })));
  }
}

/** The window of a stored schedule in request form (for a PATCH that changes only the zone or lead time). */
function mapWindowDto(schedule: ScheduleEntity): OnceWindowDto | RecurringWindowDto {
  const timing = scheduleTiming(schedule).window;
  if (timing.type === 'once') return { type: 'once', startAt: timing.startAt.toISOString(), endAt: timing.endAt.toISOString() };
  return {
    type: 'recurring',
    cron: timing.cron,
    durationMinutes: timing.durationMinutes,
    validFrom: timing.validFrom?.toISOString() ?? null,
    validUntil: timing.validUntil?.toISOString() ?? null,
    excludedDates: [...(timing.excludedDates ?? [])],
  };
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof QueryFailedError && (error.driverError as { code?: string }).code === UNIQUE_VIOLATION;
}
