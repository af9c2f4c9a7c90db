import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { CompiledSchedule, ScheduleTiming, validateTiming } from '@peak/schedule-domain';
import { randomUUID } from 'node:crypto';
import { Subscription } from 'rxjs';
import { QueryFailedError } from 'typeorm';
import type { FieldErrorDto } from '../common/api-error.dto';
import { Clock } from '../common/clock';
import { schedulerConfig } from '../config/scheduler.config';
import { CapacityService, capacityExceeded, type PlannedSchedule } from '../capacity/capacity.service';
import type { CapacityCheckDto } from '../capacity/dto/capacity.dto';
import { EventLog } from '../events/event-log';
import { RunEvents } from '../runs/run-events';
import { RunsRepository, type StopMark } from '../runs/runs.repository';
import { CloudReferenceChecker, CloudReferences, CloudUnavailableError } from './cloud-reference-checker';
import { CreateScheduleDto } from './dto/create-schedule.dto';
import type { LaunchOptionsDto } from './dto/launch-options.dto';
import type { LaunchOptions } from './entities/launch-options';
import { launchProblems, normalizeLaunch } from './launch';
import { OccurrenceListDto, OccurrencesQueryDto, SchedulePreviewDto } from './dto/occurrence.dto';
import { PreviewScheduleDto } from './dto/preview-schedule.dto';
import { ListRunsQueryDto, RunListDto } from './dto/run.dto';
import { ListScheduleEventsQueryDto, ScheduleEventListDto } from './dto/schedule-event.dto';
import { ListSchedulesQueryDto, SavedScheduleDto, ScheduleDto, ScheduleListDto } from './dto/schedule.dto';
import { UpdateScheduleDto } from './dto/update-schedule.dto';
import { ScheduleEntity } from './entities/schedule.entity';
import {
  beingDeleted,
  cloudUnavailable,
  delegationFromOtherProject,
  invalidSchedule,
  missingReferences,
  nameTaken,
  scheduleNotFound,
  staleVersion,
} from './schedule-errors';
import { ScheduleEvents } from './schedule-events';
import { listScope, projectScopeNeeded, sees, type Caller } from './caller';
import { ScheduleDtoCache } from './schedule-dto-cache';
import { auditScheduleChange } from './schedule-audit';
import { TrustBroker } from './trust-broker';
import {
  compileSchedule,
  mapOccurrence,
  mapRun,
  mapScheduleEvent,
  mapWindowDto,
  scheduleTiming,
  timingOf,
  windowColumns,
} from './schedule.mappers';
import { ScheduleListCache, serialize, type SerializedPage } from './schedule-list-cache';
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
  'launch',
  'disableAfterCurrentWindow',
] as const;

/** The result of DELETE: gone at once (204), or accepted while VMs are torn down (202). */
export type DeletionOutcome = { readonly kind: 'deleted' } | { readonly kind: 'deleting'; readonly schedule: ScheduleDto };

@Injectable()
export class SchedulesService implements OnModuleDestroy {
  private readonly logger = new Logger(SchedulesService.name);
  private readonly responses = new ScheduleDtoCache();
  private readonly lists = new ScheduleListCache();
  private lastCursorCheck = Number.NEGATIVE_INFINITY;
  private readonly runChanges: Subscription;

  constructor(
    private readonly repository: SchedulesRepository,
    private readonly runRows: RunsRepository,
    private readonly references: CloudReferenceChecker,
    private readonly trusts: TrustBroker,
    private readonly events: ScheduleEvents,
    private readonly clock: Clock,
    private readonly capacity: CapacityService,
    private readonly eventLog: EventLog,
    @Inject(schedulerConfig.KEY) private readonly config: ConfigType<typeof schedulerConfig>,
    runEvents: RunEvents,
  ) {
    // The engine changed runs (lists kept here would show their old state), or removed a deleting schedule.
    this.runChanges = runEvents.changes$.subscribe((change) => {
      this.invalidateLists();
      if (change.kind === 'schedule-removed') {
        this.logger.log(`Schedule ${change.scheduleId} removed after its VMs were torn down`);
        this.events.emit({ scheduleId: change.scheduleId, kind: 'deleted' });
      }
    });
  }

  onModuleDestroy(): void {
    this.runChanges.unsubscribe();
  }

  /**
   * A page of schedules, serialized once: the page is kept as JSON text with its ETag, so serving it again costs
   * neither a database round trip nor serializing 50 schedules (see ScheduleListCache).
   */
  list(query: ListSchedulesQueryDto, caller: Caller): Promise<SerializedPage> {
    const projectId = listScope(caller, query.projectId);
    const read = () => this.listNow(query, projectId);
    if (this.config.listCacheMs === 0) return read().then(serialize);
    const key = JSON.stringify([
      projectId ?? '*',
      query.enabled,
      query.state ?? [],
      query.q ?? '',
      query.sort ?? 'name',
      query.limit ?? 50,
      query.offset ?? 0,
    ]);
    return this.lists.page(key, this.config.listCacheMs, this.clock.now().getTime(), read);
  }

  /** Forgets kept pages and totals: after a change, the next list reads the database. */
  invalidateLists(): void {
    this.lists.clear();
  }

  private async listNow(query: ListSchedulesQueryDto, projectId: string | undefined): Promise<ScheduleListDto> {
    const now = this.clock.now();
    await this.refreshCursors(now);
    const limit = query.limit ?? 50;
    const offset = query.offset ?? 0;
    const totalKey = query.state?.length || query.q ? undefined : `project=${projectId ?? '*'} enabled=${String(query.enabled)}`;
    const knownTotal = totalKey === undefined ? undefined : this.lists.total(totalKey, now.getTime(), CURSOR_CHECK_INTERVAL_MS);
    const horizonEnd = this.horizonEnd(now);
    const { stamps, total } = await this.repository.listStamps(
      { enabled: query.enabled, states: query.state, projectId, nameContains: query.q?.trim() || undefined },
      { limit, offset, sort: query.sort },
      horizonEnd,
      knownTotal,
    );
    if (totalKey !== undefined && knownTotal === undefined) this.lists.keepTotal(totalKey, now.getTime(), total);
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

  /** A schedule the caller's project owns (any, for a cloud admin); another project's is a 404, as in OpenStack. */
  async get(id: string, caller: Caller): Promise<ScheduleDto> {
    const view = await this.view(id, this.clock.now());
    if (!sees(caller, view.schedule.projectId)) throw scheduleNotFound(id);
    return this.toDto(view, this.clock.now());
  }

  /**
   * Creates a schedule and says whether the project's schedules, with it, fit the quota; when they do not and the
   * fit is `enforce`d, nothing is saved (422).
   */
  async create(dto: CreateScheduleDto, caller: Caller, enforce?: boolean): Promise<SavedScheduleDto> {
    if (caller.projectId === null) throw projectScopeNeeded();
    const now = this.clock.now();
    const timing = timingOf(dto.window, dto.timeZone ?? 'UTC', dto.leadTimeMinutes ?? this.config.defaultLeadTimeMinutes);
    this.assertValid(timing, dto.instanceCount, now);
    const launch = this.validLaunch(dto.launch);
    const owner = await this.repository.findIdByName(dto.name);
    if (owner) throw nameTaken(dto.name, owner);
    await this.checkReferences(
      { imageId: dto.imageId, flavorId: dto.flavorId, networkIds: dto.networkIds, launch, projectId: caller.projectId ?? undefined },
      caller,
    );

    const id = randomUUID();
    // Before the trust: a refused save must leave nothing behind.
    const capacity = await this.checkCapacity(
      Object.assign(new ScheduleEntity(), {
        id,
        name: dto.name,
        enabled: dto.enabled ?? true,
        instanceCount: dto.instanceCount,
        flavorId: dto.flavorId,
        projectId: caller.projectId,
        ...windowColumns(timing),
      }),
      caller,
      enforce,
    );
    const schedule = Object.assign(new ScheduleEntity(), {
      id,
      name: dto.name,
      description: dto.description ?? '',
      imageId: dto.imageId,
      flavorId: dto.flavorId,
      networkIds: dto.networkIds,
      launch,
      instanceCount: dto.instanceCount,
      ...windowColumns(timing),
      enabled: dto.enabled ?? true,
      deletingSince: null,
      projectId: caller.projectId,
      projectName: caller.projectName,
      projectDomainId: caller.projectDomainId,
      // The engine acts in the caller's project through this trust (none for the service account in its own project).
      trustId: await this.trusts.delegate(caller),
      trustorId: caller.userId,
      trustorName: caller.userName,
      createdById: caller.userId,
      createdByName: caller.userName,
      updatedById: null,
      updatedByName: null,
      createdAt: now,
      updatedAt: now,
      version: 1,
    });
    Object.assign(schedule, cursorAt(schedule, now));
    try {
      await this.repository.insert(schedule);
    } catch (error) {
      if (schedule.trustId) await this.trusts.revoke(schedule.trustId, caller.token);
      if (isUniqueViolation(error)) throw nameTaken(dto.name, await this.repository.findIdByName(dto.name));
      throw error;
    }
    auditScheduleChange(schedule.id, null, schedule);
    this.invalidateLists();
    this.events.emit({ scheduleId: schedule.id, kind: 'created', version: schedule.version });
    return { ...(await this.get(schedule.id, caller)), capacity };
  }

  /** Changes a schedule; the capacity check counts the changed version in place of the saved one (see `create`). */
  async update(id: string, dto: UpdateScheduleDto, caller: Caller, enforce?: boolean): Promise<SavedScheduleDto> {
    // PartialType's @IsOptional lets null through; none of these fields can be null.
    const nulls = UPDATABLE_FIELDS.filter((field) => dto[field] === null);
    if (nulls.length)
      throw invalidSchedule(nulls.map((field) => ({ field, reason: 'must not be null (leave it out to keep it)', constraint: 'notNull' })));
    const now = this.clock.now();
    const current = await this.repository.findById(id);
    if (!current || !sees(caller, current.projectId)) throw scheduleNotFound(id);
    if (current.deletingSince) throw beingDeleted(id);
    if (current.version !== dto.version) throw staleVersion(dto.version, current.version);

    const changes: Partial<ScheduleEntity> = {};
    if (dto.name !== undefined && dto.name !== current.name) {
      const owner = await this.repository.findIdByName(dto.name);
      if (owner && owner !== id) throw nameTaken(dto.name, owner);
      changes.name = dto.name;
    }
    if (dto.description !== undefined) changes.description = dto.description;
    const stop = this.switchChanges(current, dto, changes, caller, now);
    if (dto.instanceCount !== undefined) changes.instanceCount = dto.instanceCount;

    const timingChanged = dto.window !== undefined || dto.timeZone !== undefined || dto.leadTimeMinutes !== undefined;
    if (timingChanged) {
      const window = dto.window ?? mapWindowDto(current);
      const timing = timingOf(window, dto.timeZone ?? current.timeZone, dto.leadTimeMinutes ?? current.leadTimeMinutes);
      // A one-off window that keeps its start is the same window, under way or over: its start may be past, its end
      // may move (see `assertMovableEnd`). A new start may not be past.
      const keepsStart = keepsOnceStart(current, timing);
      this.assertValid(timing, dto.instanceCount ?? current.instanceCount, now, !keepsStart);
      if (keepsStart) assertMovableEnd(current, timing, now);
      Object.assign(changes, windowColumns(timing));
      Object.assign(changes, cursorAt(Object.assign(new ScheduleEntity(), current, changes), now));
    } else if (dto.instanceCount !== undefined) {
      this.assertInstanceCount(dto.instanceCount);
    }

    const keptStart = changes.keptWindowStart !== undefined ? changes.keptWindowStart : current.keptWindowStart;
    if (timingChanged && keptStart)
      Object.assign(changes, keptWindowAfter(Object.assign(new ScheduleEntity(), current, changes), keptStart, now));

    const refs: CloudReferences = {
      imageId: dto.imageId ?? current.imageId,
      flavorId: dto.flavorId ?? current.flavorId,
      networkIds: dto.networkIds ?? current.networkIds,
    };
    const refsChanged =
      refs.imageId !== current.imageId ||
      refs.flavorId !== current.flavorId ||
      refs.networkIds.join('\n') !== current.networkIds.join('\n');
    // A `launch` replaces all the options (send `{}` for Nova's defaults); it applies from the next window on.
    const launch = dto.launch === undefined ? undefined : this.validLaunch(dto.launch);
    if (refsChanged || launch !== undefined) {
      await this.checkReferences({ ...refs, launch: launch ?? current.launch, projectId: current.projectId ?? undefined }, caller);
      Object.assign(changes, { imageId: refs.imageId, flavorId: refs.flavorId, networkIds: [...refs.networkIds] });
      if (launch !== undefined) changes.launch = launch;
    }

    const capacity = await this.checkCapacity(Object.assign(new ScheduleEntity(), current, changes), caller, enforce);
    changes.updatedAt = now;
    changes.updatedById = caller.userId;
    changes.updatedByName = caller.userName;
    let updated: ScheduleEntity | null;
    try {
      updated = await this.repository.updateIfVersion(id, dto.version, changes, stop);
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
    auditScheduleChange(id, current, updated);
    this.invalidateLists();
    this.events.emit({ scheduleId: id, kind: 'updated', version: updated.version });
    return { ...(await this.get(id, caller)), capacity };
  }

  /**
   * The fit check of a schedule about to be saved (in its project), refused with a 422 when it does not fit and the
   * caller or `CAPACITY_ENFORCE` asks for that. An unknown quota (`fits: null`) never refuses.
   */
  private async checkCapacity(schedule: ScheduleEntity, caller: Caller, enforce: boolean | undefined): Promise<CapacityCheckDto> {
    const projectId = schedule.projectId ?? caller.projectId;
    if (projectId === null)
      return { fits: null, horizonEnd: this.clock.now().toISOString(), conflicts: [], reason: 'The schedule has no project' };
    const check = await this.capacity.check(projectId, caller, plannedOf(schedule), true);
    if (check.fits === false && this.capacity.enforced(enforce)) throw capacityExceeded(check);
    return check;
  }

  /**
   * What the Enabled switch changes. Enabling serves windows again (and forgets a kept one). Disabling during a window
   * either stops it now (its runs are marked stopped by the caller, and the engine deletes their VMs) or, with
   * `disableAfterCurrentWindow`, keeps that one window until its end. A disabled schedule still keeping its window is
   * stopped by `enabled: false, disableAfterCurrentWindow: false`. Returns the stop to record, if any.
   */
  private switchChanges(
    current: ScheduleEntity,
    dto: UpdateScheduleDto,
    changes: Partial<ScheduleEntity>,
    caller: Caller,
    now: Date,
  ): StopMark | undefined {
    if (dto.disableAfterCurrentWindow !== undefined && dto.enabled !== false) {
      throw invalidSchedule([
        { field: 'disableAfterCurrentWindow', reason: 'applies only when disabling (enabled: false)', constraint: 'requiresDisable' },
      ]);
    }
    if (dto.enabled === true) {
      Object.assign(changes, { enabled: true, keptWindowStart: null, keptWindowEnd: null });
      return undefined;
    }
    if (dto.enabled !== false) return undefined;
    changes.enabled = false;
    const keeping = current.keptWindowEnd !== null && current.keptWindowEnd > now;
    // Saving other fields of a disabled schedule (an edit form sends `enabled: false` again) changes nothing here; only an
    // explicit `disableAfterCurrentWindow: false` stops a kept window.
    if (!current.enabled && !(keeping && dto.disableAfterCurrentWindow === false)) return undefined;
    if (dto.disableAfterCurrentWindow) {
      const window = compileSchedule(current).planAt(now).current;
      Object.assign(changes, { keptWindowStart: window?.start ?? null, keptWindowEnd: window?.end ?? null });
      return undefined;
    }
    Object.assign(changes, { keptWindowStart: null, keptWindowEnd: null });
    return { at: now, userId: caller.userId, userName: caller.userName };
  }

  /**
   * A member of the schedule's project takes its delegation over: a new trust from the caller replaces the old one
   * (which is deleted), so the engine acts with the caller's roles from the next create on. For when the creator
   * leaves the project, or their trust broke (user deleted, role revoked, trust deleted).
   */
  async renewDelegation(id: string, caller: Caller): Promise<ScheduleDto> {
    const current = await this.repository.findById(id);
    if (!current || !sees(caller, current.projectId)) throw scheduleNotFound(id);
    if (current.deletingSince) throw beingDeleted(id);
    if (caller.projectId !== current.projectId) throw delegationFromOtherProject(current.projectName ?? current.projectId ?? id);
    const trustId = await this.trusts.delegate(caller);
    const now = this.clock.now();
    const updated = await this.repository.updateIfVersion(id, current.version, {
      trustId,
      trustorId: trustId ? caller.userId : null,
      trustorName: trustId ? caller.userName : null,
      updatedAt: now,
      updatedById: caller.userId,
      updatedByName: caller.userName,
    });
    if (!updated) {
      // Changed or deleted meanwhile: the new trust is not used, so it goes.
      if (trustId) await this.trusts.revoke(trustId, caller.token);
      const latest = await this.repository.findById(id);
      if (!latest) throw scheduleNotFound(id);
      if (latest.deletingSince) throw beingDeleted(id);
      throw staleVersion(current.version, latest.version);
    }
    if (current.trustId && current.trustId !== trustId) await this.trusts.revoke(current.trustId);
    auditScheduleChange(id, current, updated);
    this.invalidateLists();
    this.events.emit({ scheduleId: id, kind: 'updated', version: updated.version });
    return this.get(id, caller);
  }

  /** Removes a schedule at once when none of its VMs may exist; otherwise marks it `deleting` for the engine. */
  async delete(id: string, caller: Caller): Promise<DeletionOutcome> {
    const current = await this.repository.findById(id);
    if (!current || !sees(caller, current.projectId)) throw scheduleNotFound(id);
    const outcome = await this.repository.deleteOrMarkDeleting(id, {
      at: this.clock.now(),
      userId: caller.userId,
      userName: caller.userName,
    });
    if (!outcome) throw scheduleNotFound(id);
    // Gone for the caller either way: a `deleting` schedule can no longer be changed, only torn down.
    auditScheduleChange(id, current, null);
    // No VM left to act on: the delegation goes with the schedule (the engine does it after a teardown).
    if (outcome === 'deleted' && current.trustId) await this.trusts.revoke(current.trustId, caller.token);
    this.invalidateLists();
    this.events.emit({ scheduleId: id, kind: outcome });
    return outcome === 'deleted' ? { kind: 'deleted' } : { kind: 'deleting', schedule: await this.get(id, caller) };
  }

  async occurrences(id: string, query: OccurrencesQueryDto, caller: Caller): Promise<OccurrenceListDto> {
    const schedule = await this.repository.findById(id);
    if (!schedule || !sees(caller, schedule.projectId)) throw scheduleNotFound(id);
    const from = query.from ? new Date(query.from) : this.clock.now();
    return this.listOccurrences(compileSchedule(schedule), from, query.count ?? 10);
  }

  async preview(dto: PreviewScheduleDto, query: OccurrencesQueryDto, caller: Caller): Promise<SchedulePreviewDto> {
    const now = this.clock.now();
    const timing = timingOf(dto.window, dto.timeZone ?? 'UTC', dto.leadTimeMinutes ?? this.config.defaultLeadTimeMinutes);
    // An edit's preview: the saved schedule, so that a one-off window under way is judged as its save would be.
    const saved = dto.scheduleId === undefined ? null : await this.repository.findById(dto.scheduleId);
    if (dto.scheduleId !== undefined && (!saved || !sees(caller, saved.projectId))) throw scheduleNotFound(dto.scheduleId);
    const keepsStart = saved !== null && keepsOnceStart(saved, timing);
    this.assertValid(timing, 1, now, !keepsStart);
    if (saved && keepsStart) assertMovableEnd(saved, timing, now);
    this.validLaunch(dto.launch);
    const normalized = windowColumns(timing);
    const from = query.from ? new Date(query.from) : now;
    const compiled = new CompiledSchedule(scheduleTiming(Object.assign(new ScheduleEntity(), normalized)));
    const preview: SchedulePreviewDto = this.listOccurrences(compiled, from, query.count ?? 10);
    if (dto.instanceCount === undefined || dto.flavorId === undefined || caller.projectId === null) return preview;
    this.assertInstanceCount(dto.instanceCount);
    // An edit: the saved version is replaced, in the saved schedule's project.
    const projectId = saved?.projectId ?? caller.projectId;
    const candidate: PlannedSchedule = {
      id: dto.scheduleId ?? randomUUID(),
      name: dto.name ?? 'this schedule',
      enabled: dto.enabled ?? true,
      timing: compiled.timing,
      instanceCount: dto.instanceCount,
      flavorId: dto.flavorId,
      volumeGb: dto.launch?.bootVolume?.sizeGiB ?? 0,
    };
    return { ...preview, capacity: await this.capacity.check(projectId, caller, candidate, false) };
  }

  /**
   * A page of a schedule's runs. A deleted schedule's runs stay readable until they are pruned (RUN_RETENTION_DAYS):
   * 404 only when there is neither the schedule nor any run of it.
   */
  async runs(id: string, query: ListRunsQueryDto, caller: Caller): Promise<RunListDto> {
    const limit = query.limit ?? 20;
    const offset = query.offset ?? 0;
    const schedule = await this.repository.findById(id);
    const { items, total } = await this.runRows.list(id, { limit, offset });
    // The schedule's project decides; once it is gone, the project its runs recorded.
    const projectId = schedule ? schedule.projectId : (items[0]?.run.projectId ?? null);
    if ((total === 0 && !schedule) || !sees(caller, projectId)) throw scheduleNotFound(id);
    return { items: items.map(({ run, vms }) => mapRun(run, vms)), total, limit, offset };
  }

  /** A page of the schedule's events, newest first; like its runs, they outlive it until they are pruned. */
  async eventsOf(id: string, query: ListScheduleEventsQueryDto, caller: Caller): Promise<ScheduleEventListDto> {
    const limit = query.limit ?? 20;
    const offset = query.offset ?? 0;
    const schedule = await this.repository.findById(id);
    const { items, total } = await this.eventLog.ofSubject(id, { limit, offset, type: query.type });
    const projectId = schedule ? schedule.projectId : (items[0]?.projectId ?? null);
    if ((total === 0 && !schedule) || !sees(caller, projectId)) throw scheduleNotFound(id);
    return { items: items.map(mapScheduleEvent), total, limit, offset };
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

  /** With the caller's token: a project may only name what it can use. */
  /** The launch options as stored, after the rules between their fields (400 naming the field). */
  private validLaunch(dto: LaunchOptionsDto | undefined): LaunchOptions {
    const problems = launchProblems(dto);
    if (problems.length) throw invalidSchedule(problems);
    return normalizeLaunch(dto);
  }

  private async checkReferences(refs: CloudReferences, caller: Caller): Promise<void> {
    let missing;
    try {
      missing = await this.references.check(refs, caller.token);
    } catch (error) {
      if (error instanceof CloudUnavailableError) throw cloudUnavailable(error.message, error.requestId);
      throw error;
    }
    if (missing.length) throw missingReferences(missing.map((m) => ({ ...m, constraint: 'existsInCloud' })));
  }
}

/** Whether a changed timing is the saved one-off window with its start unchanged (the same window). */
function keepsOnceStart(saved: ScheduleEntity, timing: ScheduleTiming): boolean {
  return timing.window.type === 'once' && saved.windowType === 'once' && saved.startAt?.getTime() === timing.window.startAt.getTime();
}

/**
 * The end of a one-off window that keeps its start may move while the window is under way or to come (the engine
 * keeps the run and its VMs until the new end), to no earlier than now. A window that is over stays over: a new
 * window is a new start.
 */
function assertMovableEnd(saved: ScheduleEntity, timing: ScheduleTiming, now: Date): void {
  if (timing.window.type !== 'once' || saved.endAt === null || saved.endAt.getTime() === timing.window.endAt.getTime()) return;
  if (saved.endAt <= now)
    throw invalidSchedule([
      {
        field: 'window.endAt',
        reason: `cannot move: this one-off window ended at ${saved.endAt.toISOString()} (give a new startAt for a new window)`,
        constraint: 'windowOver',
      },
    ]);
  if (timing.window.endAt <= now)
    throw invalidSchedule([{ field: 'window.endAt', reason: `is already past (now is ${now.toISOString()})`, constraint: 'schedule' }]);
}

/**
 * A window kept after disabling (`disableAfterCurrentWindow`) is known by its start. When the timing changes, the
 * kept window ends where the changed timing ends it (an extended peak keeps its VMs longer); a timing that no longer
 * has that window under way (its start moved) keeps none, and the engine removes its VMs.
 */
function keptWindowAfter(changed: ScheduleEntity, keptStart: Date, now: Date): Pick<ScheduleEntity, 'keptWindowStart' | 'keptWindowEnd'> {
  const window = compileSchedule(changed).planAt(now).current;
  return window?.start.getTime() === keptStart.getTime()
    ? { keptWindowStart: keptStart, keptWindowEnd: window.end }
    : { keptWindowStart: null, keptWindowEnd: null };
}

function plannedOf(schedule: ScheduleEntity): PlannedSchedule {
  return {
    id: schedule.id,
    name: schedule.name,
    enabled: schedule.enabled,
    timing: scheduleTiming(schedule),
    instanceCount: schedule.instanceCount,
    flavorId: schedule.flavorId,
    volumeGb: schedule.launch?.bootVolume?.sizeGiB ?? 0,
  };
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof QueryFailedError && (error.driverError as { code?: string }).code === UNIQUE_VIOLATION;
}
