import { BadRequestException, Inject, Injectable, UnprocessableEntityException } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { InjectRepository } from '@nestjs/typeorm';
import { OpenStackClient, type Flavor } from '@peak/openstack-client';
import {
  CAPACITY_RESOURCES,
  demandOver,
  findConflicts,
  type Availability,
  type CapacityConflict,
  type CapacityResource,
  type CompiledSchedule,
  type DemandSchedule,
  type DemandSeries,
  type ScheduleTiming,
} from '@peak/schedule-domain';
import { Repository } from 'typeorm';
import type { ApiErrorDto } from '../common/api-error.dto';
import { Clock } from '../common/clock';
import { schedulerConfig } from '../config/scheduler.config';
import { CapacityMetrics } from '../metrics/capacity-metrics';
import { describeError } from '../openstack/describe-error';
import { RunsRepository } from '../runs/runs.repository';
import { listScope, type Caller } from '../schedules/caller';
import { ScheduleEntity } from '../schedules/entities/schedule.entity';
import { scheduleTiming, TIMING_COLUMNS } from '../schedules/schedule.mappers';
import { CapacityCheckDto, CapacityConflictDto, CapacityDto, CapacityErrorDto, CapacityQueryDto } from './dto/capacity.dto';

const DAY_MS = 86_400_000;
/** The longest range `GET /v1/capacity` expands (as the horizon's maximum). */
const MAX_RANGE_DAYS = 92;

/** A schedule as the fit check sees it: one being saved (or previewed), or one of the project's saved ones. */
export interface PlannedSchedule {
  readonly id: string;
  readonly name: string;
  readonly enabled: boolean;
  readonly timing: ScheduleTiming;
  readonly instanceCount: number;
  readonly flavorId: string;
  /** GiB of the volume each VM boots from (launch option `bootVolume`); 0 on the flavor's disk. */
  readonly volumeGb: number;
}

/** A saved schedule (a row, or the engine's copy of one) as the fit check sees it, with its timing. */
export function plannedSchedule(
  row: Pick<ScheduleEntity, 'id' | 'name' | 'enabled' | 'instanceCount' | 'flavorId' | 'launch'>,
  timing: ScheduleTiming,
): PlannedSchedule {
  return {
    id: row.id,
    name: row.name,
    enabled: row.enabled,
    timing,
    instanceCount: row.instanceCount,
    flavorId: row.flavorId,
    volumeGb: row.launch?.bootVolume?.sizeGiB ?? 0,
  };
}

/** A saved schedule with its timing already compiled: the engine holds every schedule so. */
export interface CompiledPlannedSchedule extends PlannedSchedule {
  readonly compiled: CompiledSchedule;
}

/** Per resource: the Nova limit (null: unlimited), what the project uses outside our VMs, and what that leaves us. */
type QuotaLine = Record<CapacityResource, { limit: number | null; usageNotOurs: number; available: number | null }>;

interface Assessment {
  readonly series: DemandSeries;
  readonly quota: QuotaLine | null;
  readonly reason: string | null;
  readonly conflicts: CapacityConflict[];
}

/**
 * "Will it fit?": the planned demand of a project's enabled schedules (windows with their lead time, VMs times the
 * flavor's size) against its Nova quota less the usage that is not the schedules' own (the project's current usage
 * minus the VMs the engine holds now). Read-only on the schedule table, which the schedules module owns.
 */
/**
 * The schedules that may have a window occupying part of [:from, :to), from its provisioning (its start less the lead
 * time) to its end; the others are not read at all, so a save costs what the schedules of its horizon cost, not what
 * every schedule of the project does. A one-off window is bounded by its columns; a series starts its windows in
 * [validFrom, validUntil), so none begins provisioning before validFrom less the lead time, nor ends after validUntil
 * plus a window's length. Within those bounds `demandOver` decides exactly.
 */
const MAY_OCCUPY = `CASE WHEN s.window_type = 'once'
  THEN s.start_at - make_interval(mins => s.lead_time_minutes) < :to AND s.end_at > :from
  ELSE (s.valid_from IS NULL OR s.valid_from - make_interval(mins => s.lead_time_minutes) < :to)
   AND (s.valid_until IS NULL OR s.valid_until + make_interval(mins => coalesce(s.duration_minutes, 0)) > :from)
END`;

/**
 * What {@link plannedSchedule} and the timing read of a saved schedule: the capacity check of every save loads the
 * project's schedules, and TypeORM's cost per row grows with its columns (16 of the 39 here).
 */
const PLANNED_COLUMNS = [
  'id',
  'name',
  'enabled',
  'instanceCount',
  'flavorId',
  'launch',
  ...TIMING_COLUMNS,
] as const satisfies readonly (keyof ScheduleEntity)[];
type PlannedColumn = (typeof PLANNED_COLUMNS)[number];

@Injectable()
export class CapacityService {
  constructor(
    @InjectRepository(ScheduleEntity) private readonly schedules: Repository<ScheduleEntity>,
    private readonly runs: RunsRepository,
    private readonly client: OpenStackClient,
    private readonly clock: Clock,
    private readonly metrics: CapacityMetrics,
    @Inject(schedulerConfig.KEY) private readonly config: ConfigType<typeof schedulerConfig>,
  ) {}

  /**
   * The fit of the project's enabled schedules over the next `CAPACITY_HORIZON_DAYS`, with `candidate` in place of
   * the saved schedule of the same id (or added). A quota the cloud does not give is `fits: null` with the reason:
   * the check never fails a save for that. `record` sets the shortfall metric (for saves, not for previews).
   */
  async check(projectId: string, caller: Caller, candidate: PlannedSchedule, record: boolean): Promise<CapacityCheckDto> {
    const now = this.clock.now();
    const horizonEnd = new Date(now.getTime() + this.config.capacityHorizonDays * DAY_MS);
    const assessment = await this.assess(projectId, viewOf(this.client, projectId, caller), now, horizonEnd, candidate);
    if (record && assessment.quota) this.metrics.record(projectId, assessment.conflicts);
    return {
      fits: assessment.quota ? assessment.conflicts.length === 0 : null,
      horizonEnd: horizonEnd.toISOString(),
      conflicts: assessment.conflicts.map(mapConflict),
      reason: assessment.reason,
    };
  }

  /** Whether a save must be refused when it does not fit: `?enforceCapacity=` when given, else `CAPACITY_ENFORCE`. */
  enforced(asked: boolean | undefined): boolean {
    return asked ?? this.config.capacityEnforce;
  }

  /** `GET /v1/capacity`: the demand series per resource, the quota line and the conflicts. */
  async overview(query: CapacityQueryDto, caller: Caller): Promise<CapacityDto> {
    // A cloud admin's default is their token's project, as for everyone (a list would mean all projects).
    const projectId = listScope(caller, query.projectId) ?? caller.projectId ?? undefined;
    if (projectId === undefined) throw invalidRange('projectId', 'is needed for a token not scoped to a project');
    const now = this.clock.now();
    const from = query.from ? new Date(query.from) : now;
    const to = query.to ? new Date(query.to) : new Date(from.getTime() + this.config.capacityHorizonDays * DAY_MS);
    if (to <= from) throw invalidRange('to', 'must be after from');
    if (to.getTime() - from.getTime() > MAX_RANGE_DAYS * DAY_MS)
      throw invalidRange('to', `must be at most ${MAX_RANGE_DAYS} days after from`);
    const { series, quota, reason, conflicts } = await this.assess(projectId, viewOf(this.client, projectId, caller), from, to);
    // Only a range that starts now is what the alert means by "ahead".
    if (quota && query.from === undefined && query.to === undefined) this.metrics.record(projectId, conflicts);
    return {
      projectId,
      from: from.toISOString(),
      to: to.toISOString(),
      fits: quota ? conflicts.length === 0 : null,
      reason,
      resources: CAPACITY_RESOURCES.map((resource) => ({
        resource,
        limit: quota?.[resource].limit ?? null,
        usageNotOurs: quota?.[resource].usageNotOurs ?? null,
        available: quota?.[resource].available ?? null,
        steps: series.steps[resource].map((step) => ({ at: step.at.toISOString(), value: step.value })),
      })),
      contributions: series.contributions.map((c) => ({
        schedule: { id: c.scheduleId, name: series.schedules.get(c.scheduleId)?.name ?? c.scheduleId },
        from: c.from.toISOString(),
        to: c.to.toISOString(),
        instances: c.demand.instances,
        vcpus: c.demand.vcpus,
        ramMb: c.demand.ramMb,
        volumeGb: c.demand.volumeGb,
      })),
      conflicts: conflicts.map(mapConflict),
    };
  }

  /**
   * The engine's re-check as windows' provisioning begins: per window of the project (its schedule, and its end), the
   * conflicts from `now` to that end that involve its schedule, read once with the service account (a cloud admin,
   * as for the flavors). Null when the quota cannot be read: the windows start anyway, unchecked.
   *
   * `planned`: the project's enabled schedules, as the engine holds them (compiled, in memory, refreshed as each pass
   * begins), so that a window's start does not wait for its project's schedules to be read from the database again:
   * for 500 schedules starting together, that read took 30 ms before their first create. Those whose next window is
   * not provisioned before the latest window's end are left out here, as `assess` leaves them out of its read.
   */
  async shortfallsOf(
    projectId: string,
    windows: readonly { scheduleId: string; windowEnd: Date }[],
    planned: readonly CompiledPlannedSchedule[],
    now: Date,
  ): Promise<Map<string, CapacityConflictDto[]> | null> {
    if (windows.length === 0) return new Map();
    const until = new Date(Math.max(...windows.map((w) => w.windowEnd.getTime())));
    const occupying = planned.filter((s) => (s.compiled.nextWindow(now)?.provisionAt ?? until) < until);
    const { quota, conflicts } = await this.assessPlanned(
      projectId,
      { compute: this.client.compute, blockStorage: this.client.blockStorage, projectId },
      occupying,
      now,
      until,
    );
    if (!quota) return null;
    const found = new Map<string, CapacityConflictDto[]>();
    for (const { scheduleId, windowEnd } of windows) {
      const own = conflicts.filter((c) => c.from < windowEnd && c.schedules.some((s) => s.id === scheduleId));
      found.set(scheduleId, own.map(mapConflict));
    }
    return found;
  }

  /**
   * The shortfall gauge for every project with an enabled schedule, over the coming horizon, read with the service
   * account: the alert then fires days ahead even when nobody saves or looks. A project whose quota cannot be read
   * keeps its last values. Returns how many projects were checked.
   */
  async refreshShortfallGauge(): Promise<number> {
    const now = this.clock.now();
    const horizonEnd = new Date(now.getTime() + this.config.capacityHorizonDays * DAY_MS);
    const rows: { project_id: string }[] = await this.schedules.query(
      `SELECT DISTINCT project_id FROM schedule WHERE enabled AND deleting_since IS NULL AND project_id IS NOT NULL`,
    );
    const projects = new Set(rows.map((row) => row.project_id));
    this.metrics.retain(projects);
    let checked = 0;
    for (const projectId of projects) {
      const { quota, conflicts } = await this.assess(
        projectId,
        { compute: this.client.compute, blockStorage: this.client.blockStorage, projectId },
        now,
        horizonEnd,
      );
      if (!quota) continue;
      this.metrics.record(projectId, conflicts);
      checked++;
    }
    return checked;
  }

  private async assess(projectId: string, view: CloudView, from: Date, to: Date, candidate?: PlannedSchedule): Promise<Assessment> {
    const saved: Pick<ScheduleEntity, PlannedColumn>[] = await this.schedules
      .createQueryBuilder('s')
      .select(PLANNED_COLUMNS.map((column) => `s.${column}`))
      .where('s.project_id = :projectId AND s.enabled AND s.deleting_since IS NULL', { projectId })
      .andWhere(MAY_OCCUPY, { from, to })
      .orderBy('s.name', 'ASC')
      .getMany();
    const planned = saved.filter((s) => s.id !== candidate?.id).map((s) => plannedSchedule(s, scheduleTiming(s)));
    if (candidate) planned.push(candidate);
    return this.assessPlanned(projectId, view, planned, from, to);
  }

  /** The fit of `planned` (the schedules that may occupy the range) against the project's quota, from `from` to `to`. */
  private async assessPlanned(
    projectId: string,
    view: CloudView,
    planned: readonly PlannedSchedule[],
    from: Date,
    to: Date,
  ): Promise<Assessment> {
    let flavors: Map<string, Flavor> | null = null;
    let quota: QuotaLine | null = null;
    let reason: string | null = null;
    try {
      [flavors, quota] = await this.cloudFacts(projectId, view, planned);
    } catch (error) {
      reason = `The project's quota could not be read: ${describeError(error)}`;
    }
    const demand: DemandSchedule[] = planned.map((s) => ({
      id: s.id,
      name: s.name,
      enabled: s.enabled,
      timing: s.timing,
      instanceCount: s.instanceCount,
      vcpus: flavors?.get(s.flavorId)?.vcpus ?? 0,
      ramMb: flavors?.get(s.flavorId)?.ramMiB ?? 0,
      volumeGb: s.volumeGb,
    }));
    const series = demandOver(demand, from, to);
    const available: Availability = {};
    if (quota) for (const resource of CAPACITY_RESOURCES) available[resource] = quota[resource].available;
    return { series, quota, reason, conflicts: quota ? findConflicts(series, available) : [] };
  }

  /**
   * The flavors the schedules (and our live VMs) use, and the quota line, as `view` lets them be seen. Cinder's
   * `gigabytes` is read only when a schedule or a live VM boots from a volume, and is no limit (null) on a cloud
   * without Cinder.
   */
  private async cloudFacts(
    projectId: string,
    view: CloudView,
    planned: readonly PlannedSchedule[],
  ): Promise<[Map<string, Flavor>, QuotaLine]> {
    const { compute } = view;
    const [limits, live, listed] = await Promise.all([
      compute.getLimits({ projectId: view.projectId }),
      this.runs.liveVmsByFlavor(projectId),
      compute.listFlavors(),
    ]);
    const flavors = new Map(listed.map((f) => [f.id, f]));
    // A private flavor of another project is not listed for an admin: ask for it by id.
    const missing = [...new Set([...planned.map((s) => s.flavorId), ...live.map((l) => l.flavorId)])].filter((id) => !flavors.has(id));
    for (const flavor of await Promise.all(missing.map((id) => compute.getFlavor(id)))) flavors.set(flavor.id, flavor);
    const volumes = planned.some((s) => s.volumeGb > 0) || live.some((l) => l.volumeGb > 0) ? await volumeQuota(view, projectId) : null;

    const ours: Record<CapacityResource, number> = { instances: 0, vcpus: 0, ramMb: 0, volumeGb: 0 };
    for (const { flavorId, volumeGb, vms } of live) {
      ours.instances += vms;
      ours.vcpus += vms * (flavors.get(flavorId)?.vcpus ?? 0);
      ours.ramMb += vms * (flavors.get(flavorId)?.ramMiB ?? 0);
      ours.volumeGb += vms * volumeGb;
    }
    const line = (usage: { limit: number | null; used: number }, resource: CapacityResource) => {
      const usageNotOurs = Math.max(0, usage.used - ours[resource]);
      return { limit: usage.limit, usageNotOurs, available: usage.limit === null ? null : Math.max(0, usage.limit - usageNotOurs) };
    };
    return [
      flavors,
      {
        instances: line(limits.instances, 'instances'),
        vcpus: line(limits.cores, 'vcpus'),
        ramMb: line(limits.ramMiB, 'ramMb'),
        volumeGb: line(volumes ?? { limit: null, used: 0 }, 'volumeGb'),
      },
    ];
  }
}

/** Cinder's `gigabytes` quota and usage of the project; null on a cloud without Cinder (nothing to fit then). */
async function volumeQuota(view: CloudView, projectId: string): Promise<{ limit: number | null; used: number } | null> {
  if (!(await view.blockStorage.available())) return null;
  return (await view.blockStorage.getQuotaUsage(projectId)).gigabytes;
}

/**
 * Whose eyes the cloud is read with: the caller's token (a save, a preview, `GET /v1/capacity`: what they may see), or
 * the service account (the engine). `projectId` is asked of Nova's limits only for a project not the token's own.
 */
interface CloudView {
  readonly compute: OpenStackClient['compute'];
  readonly blockStorage: OpenStackClient['blockStorage'];
  readonly projectId: string | undefined;
}

function viewOf(client: OpenStackClient, projectId: string, caller: Caller): CloudView {
  const own = client.withToken(caller.token);
  return { compute: own.compute, blockStorage: own.blockStorage, projectId: projectId === caller.projectId ? undefined : projectId };
}

function mapConflict(conflict: CapacityConflict): CapacityConflictDto {
  return {
    from: conflict.from.toISOString(),
    to: conflict.to.toISOString(),
    resource: conflict.resource,
    needed: conflict.needed,
    available: conflict.available,
    schedules: conflict.schedules.map((s) => ({ id: s.id, name: s.name })),
  };
}

/** The 422 of a save that does not fit, naming the first conflict; the whole check is in `capacity`. */
export function capacityExceeded(check: CapacityCheckDto): UnprocessableEntityException {
  const first = check.conflicts[0];
  const more = check.conflicts.length > 1 ? ` (and ${check.conflicts.length - 1} more conflicts, see capacity)` : '';
  const names = first ? first.schedules.map((s) => s.name).join(', ') : '';
  const message = first
    ? `The schedules do not fit the project's quota: ${first.resource} needed ${first.needed}, available ${first.available} ` +
      `from ${first.from} to ${first.to} (${names})${more}`
    : "The schedules do not fit the project's quota";
  return new UnprocessableEntityException({
    statusCode: 422,
    error: 'Unprocessable Entity',
    message,
    capacity: check,
  } satisfies CapacityErrorDto);
}

function invalidRange(field: string, reason: string): BadRequestException {
  return new BadRequestException({
    statusCode: 400,
    error: 'Bad Request',
    message: `Validation failed: ${field} ${reason}`,
    errors: [{ field, reason, constraint: 'range' }],
  } satisfies ApiErrorDto);
}
