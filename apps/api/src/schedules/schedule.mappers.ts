import { CompiledSchedule, normalizeTimeZone, Occurrence, parseCronExpression, ScheduleTiming } from '@peak/schedule-domain';
import { OccurrenceDto } from './dto/occurrence.dto';
import { RunDto, RunSummaryDto, RunVmDto } from './dto/run.dto';
import { ScheduleDto, ScheduleState } from './dto/schedule.dto';
import { UserRefDto } from './dto/user-ref.dto';
import { OnceWindowDto, RecurringWindowDto } from './dto/window.dto';
import { RunVmEntity } from '../runs/entities/run-vm.entity';
import { RunEntity } from '../runs/entities/run.entity';
import { ScheduleEntity } from './entities/schedule.entity';
import type { ScheduleEventDto } from './dto/schedule-event.dto';
import type { EventEntity } from '../events/event.entity';
import type { EventType } from '../events/event-types';
import type { RunState } from '../runs/run-lifecycle';

/** The columns {@link scheduleTiming} reads. */
export const TIMING_COLUMNS = [
  'timeZone',
  'leadTimeMinutes',
  'windowType',
  'startAt',
  'endAt',
  'cron',
  'durationMinutes',
  'validFrom',
  'validUntil',
  'excludedDates',
] as const satisfies readonly (keyof ScheduleEntity)[];

/** The timing of a stored schedule, for `@peak/schedule-domain`. */
export function scheduleTiming(schedule: Pick<ScheduleEntity, (typeof TIMING_COLUMNS)[number]>): ScheduleTiming {
  // Plain literals, not `{ ...common, window }`: V8 gave each spread copy a hidden class of its own, which took
  // about 20 MB of the engine's heap with 100,000 schedules (measured on a heap snapshot).
  const { timeZone, leadTimeMinutes } = schedule;
  if (schedule.windowType === 'once') {
    return {
      timeZone,
      leadTimeMinutes,
      window: { type: 'once', startAt: required(schedule.startAt, 'start_at'), endAt: required(schedule.endAt, 'end_at') },
    };
  }
  return {
    timeZone,
    leadTimeMinutes,
    window: {
      type: 'recurring',
      cron: required(schedule.cron, 'cron'),
      durationMinutes: required(schedule.durationMinutes, 'duration_minutes'),
      validFrom: schedule.validFrom,
      validUntil: schedule.validUntil,
      excludedDates: schedule.excludedDates,
    },
  };
}

/** A stored schedule's timing, compiled (cron and zone rules are cached by the domain library). */
export function compileSchedule(schedule: ScheduleEntity): CompiledSchedule {
  return new CompiledSchedule(scheduleTiming(schedule));
}

function required<T>(value: T | null, column: string): T {
  // The check constraints guarantee these columns for the window type; a null here is a corrupt row.
  if (value === null) throw new Error(`schedule row without ${column}`);
  return value;
}

const iso = (date: Date) => date.toISOString();
const isoOrNull = (date: Date | null) => (date ? date.toISOString() : null);

export function mapWindow(schedule: ScheduleEntity): OnceWindowDto | RecurringWindowDto {
  const timing = scheduleTiming(schedule).window;
  if (timing.type === 'once') return { type: 'once', startAt: iso(timing.startAt), endAt: iso(timing.endAt) };
  return {
    type: 'recurring',
    cron: timing.cron,
    durationMinutes: timing.durationMinutes,
    validFrom: isoOrNull(timing.validFrom ?? null),
    validUntil: isoOrNull(timing.validUntil ?? null),
    excludedDates: [...(timing.excludedDates ?? [])],
  };
}

export function mapOccurrence(occurrence: Occurrence): OccurrenceDto {
  return {
    start: iso(occurrence.start),
    end: iso(occurrence.end),
    provisionAt: iso(occurrence.provisionAt),
    localStart: occurrence.localStart,
    localEnd: occurrence.localEnd,
    requestedLocalStart: occurrence.requestedLocalStart,
    dstAdjustment: occurrence.dstAdjustment,
    status: occurrence.status,
    skipReason: occurrence.skipReason,
  };
}

/** The latest run as the list shows it. */
export interface LatestRun {
  readonly id: string;
  readonly state: RunEntity['state'];
  readonly shortfallReason: RunEntity['shortfallReason'];
  readonly windowStart: Date;
  readonly windowEnd: Date;
  readonly desiredCount: number;
  readonly activeCount: number;
}

export function mapRunSummary(run: LatestRun): RunSummaryDto {
  return {
    id: run.id,
    state: run.state,
    shortfallReason: run.shortfallReason,
    windowStart: iso(run.windowStart),
    windowEnd: iso(run.windowEnd),
    desiredCount: run.desiredCount,
    activeCount: run.activeCount,
  };
}

export function mapSchedule(
  schedule: ScheduleEntity,
  derived: { state: ScheduleState; latestRun: LatestRun | null; nextOccurrence: Occurrence | null; vmsKeptUntil: Date | null },
): ScheduleDto {
  return {
    id: schedule.id,
    name: schedule.name,
    description: schedule.description,
    imageId: schedule.imageId,
    flavorId: schedule.flavorId,
    networkIds: [...schedule.networkIds],
    launch: schedule.launch ?? {},
    instanceCount: schedule.instanceCount,
    timeZone: schedule.timeZone,
    window: mapWindow(schedule),
    leadTimeMinutes: schedule.leadTimeMinutes,
    enabled: schedule.enabled,
    vmsKeptUntil: isoOrNull(derived.vmsKeptUntil),
    projectId: schedule.projectId ?? '',
    projectName: schedule.projectName ?? '',
    domainId: schedule.projectDomainId,
    createdBy: userRef(schedule.createdById, schedule.createdByName),
    updatedBy: userRef(schedule.updatedById, schedule.updatedByName),
    delegatedBy: schedule.trustId ? userRef(schedule.trustorId, schedule.trustorName) : null,
    state: derived.state,
    nextOccurrence: derived.nextOccurrence && mapOccurrence(derived.nextOccurrence),
    latestRun: derived.latestRun && mapRunSummary(derived.latestRun),
    deletingSince: isoOrNull(schedule.deletingSince),
    createdAt: iso(schedule.createdAt),
    updatedAt: iso(schedule.updatedAt),
    version: schedule.version,
  };
}

function userRef(id: string | null, name: string | null): UserRefDto | null {
  return id ? { id, name: name ?? id } : null;
}

export function mapRunVm(vm: RunVmEntity): RunVmDto {
  return {
    id: vm.id,
    serverId: vm.serverId,
    slot: vm.slot,
    name: vm.name,
    status: vm.status,
    faultMessage: vm.faultMessage,
    shortfallReason: vm.shortfallReason,
    attempts: vm.attempts,
    createdAt: isoOrNull(vm.createdAt),
    activeAt: isoOrNull(vm.activeAt),
    deletedAt: isoOrNull(vm.deletedAt),
    member:
      vm.memberState === null
        ? null
        : {
            state: vm.memberState,
            memberId: vm.memberId,
            address: vm.memberAddress,
            joinedAt: isoOrNull(vm.memberJoinedAt),
            onlineAt: isoOrNull(vm.memberOnlineAt),
            drainingAt: isoOrNull(vm.memberDrainingAt),
            removedAt: isoOrNull(vm.memberRemovedAt),
          },
  };
}

export function mapRun(run: RunEntity, vms: readonly RunVmEntity[]): RunDto {
  return {
    id: run.id,
    scheduleId: run.scheduleId,
    scheduleName: run.scheduleName,
    state: run.state,
    shortfallReason: run.shortfallReason,
    windowStart: iso(run.windowStart),
    windowEnd: iso(run.windowEnd),
    provisionAt: iso(run.provisionAt),
    startedAt: isoOrNull(run.startedAt),
    readyAt: isoOrNull(run.readyAt),
    endedAt: isoOrNull(run.endedAt),
    tornDownAt: isoOrNull(run.tornDownAt),
    teardownOverdueAt: isoOrNull(run.teardownOverdueAt),
    latenessSeconds: run.latenessSeconds,
    desiredCount: run.desiredCount,
    expectedShortfall: run.expectedShortfall ? run.expectedShortfall.map((c) => ({ ...c, schedules: [...c.schedules] })) : null,
    stoppedAt: isoOrNull(run.stoppedAt),
    stoppedBy: userRef(run.stoppedById, run.stoppedByName),
    lastError:
      run.lastErrorMessage === null
        ? null
        : { message: run.lastErrorMessage, requestId: run.lastErrorRequestId, at: isoOrNull(run.lastErrorAt) },
    createdAt: iso(run.createdAt),
    updatedAt: iso(run.updatedAt),
    vms: vms.map(mapRunVm),
  };
}

/** The timing fields of a request, as the domain library reads them. */
export function timingOf(window: OnceWindowDto | RecurringWindowDto, timeZone: string, leadTimeMinutes: number): ScheduleTiming {
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
export function windowColumns(
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

/** The window of a stored schedule in request form (for a PATCH that changes only the zone or lead time). */
export function mapWindowDto(schedule: ScheduleEntity): OnceWindowDto | RecurringWindowDto {
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

/**
 * A schedule in an event (`data` of `peak.schedule.*`): its fields as the API shows them, without what GET derives
 * from runs and the clock (`state`, `latestRun`, `nextOccurrence`, `vmsKeptUntil`), and without `launch.userData`
 * (it may hold secrets for the VMs; events leave the product).
 */
export function mapScheduleEventData(schedule: ScheduleEntity): Record<string, unknown> {
  const {
    state: _state,
    latestRun: _latest,
    nextOccurrence: _next,
    vmsKeptUntil: _kept,
    launch,
    ...fields
  } = mapSchedule(schedule, { state: 'idle', latestRun: null, nextOccurrence: null, vmsKeptUntil: null });
  const { userData: _userData, ...safeLaunch } = launch;
  return { ...fields, launch: safeLaunch };
}

/** An outbox row as a schedule's history shows it. */
export function mapScheduleEvent(event: EventEntity): ScheduleEventDto {
  const data = event.data as Record<string, unknown>;
  const isRun = event.type.startsWith('peak.run.');
  return {
    id: event.id,
    type: event.type as EventType,
    time: event.time.toISOString(),
    runId: isRun ? (data['id'] as string) : null,
    runState: isRun ? (data['state'] as RunState) : null,
    data,
  };
}
