import { CompiledSchedule, Occurrence, ScheduleTiming } from '@peak/schedule-domain';
import { OccurrenceDto } from './dto/occurrence.dto';
import { RunDto, RunSummaryDto, RunVmDto } from './dto/run.dto';
import { ScheduleDto, ScheduleState } from './dto/schedule.dto';
import { OnceWindowDto, RecurringWindowDto } from './dto/window.dto';
import { RunVmEntity } from './entities/run-vm.entity';
import { RunEntity } from './entities/run.entity';
import { ScheduleEntity } from './entities/schedule.entity';

/** The timing of a stored schedule, for `@peak/schedule-domain`. */
export function scheduleTiming(schedule: ScheduleEntity): ScheduleTiming {
  const common = { timeZone: schedule.timeZone, leadTimeMinutes: schedule.leadTimeMinutes };
  if (schedule.windowType === 'once') {
    return {
      ...common,
      window: { type: 'once', startAt: required(schedule.startAt, 'start_at'), endAt: required(schedule.endAt, 'end_at') },
    };
  }
  return {
    ...common,
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
  derived: { state: ScheduleState; latestRun: LatestRun | null; nextOccurrence: Occurrence | null },
): ScheduleDto {
  return {
    id: schedule.id,
    name: schedule.name,
    description: schedule.description,
    imageId: schedule.imageId,
    flavorId: schedule.flavorId,
    networkIds: [...schedule.networkIds],
    instanceCount: schedule.instanceCount,
    timeZone: schedule.timeZone,
    window: mapWindow(schedule),
    leadTimeMinutes: schedule.leadTimeMinutes,
    enabled: schedule.enabled,
    state: derived.state,
    nextOccurrence: derived.nextOccurrence && mapOccurrence(derived.nextOccurrence),
    latestRun: derived.latestRun && mapRunSummary(derived.latestRun),
    deletingSince: isoOrNull(schedule.deletingSince),
    createdAt: iso(schedule.createdAt),
    updatedAt: iso(schedule.updatedAt),
    version: schedule.version,
  };
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
  };
}

export function mapRun(run: RunEntity, vms: readonly RunVmEntity[]): RunDto {
  return {
    id: run.id,
    scheduleId: run.scheduleId,
    state: run.state,
    shortfallReason: run.shortfallReason,
    windowStart: iso(run.windowStart),
    windowEnd: iso(run.windowEnd),
    provisionAt: iso(run.provisionAt),
    startedAt: isoOrNull(run.startedAt),
    readyAt: isoOrNull(run.readyAt),
    endedAt: isoOrNull(run.endedAt),
    tornDownAt: isoOrNull(run.tornDownAt),
    latenessSeconds: run.latenessSeconds,
    desiredCount: run.desiredCount,
    lastError:
      run.lastErrorMessage === null
        ? null
        : { message: run.lastErrorMessage, requestId: run.lastErrorRequestId, at: isoOrNull(run.lastErrorAt) },
    createdAt: iso(run.createdAt),
    updatedAt: iso(run.updatedAt),
    vms: vms.map(mapRunVm),
  };
}
