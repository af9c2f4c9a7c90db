import { CapacityCheckDto } from '../../capacity/dto/capacity.dto';
import { ApiProperty } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { LaunchOptionsDto } from './launch-options.dto';
import { OccurrenceDto } from './occurrence.dto';
import { RunSummaryDto } from './run.dto';
import { UserRefDto } from './user-ref.dto';
import { OnceWindowDto, RecurringWindowDto, WindowProperty } from './window.dto';
import { PageDto } from '../../common/page.dto';

export const SCHEDULE_STATES = [
  'disabled',
  'idle',
  'upcoming',
  'provisioning',
  'active',
  'degraded',
  'tearing-down',
  'deleting',
  'failed',
] as const;
export type ScheduleState = (typeof SCHEDULE_STATES)[number];

/** A schedule as the API shows it, with its derived state. */
export class ScheduleDto {
  @ApiProperty({ format: 'uuid', example: '6f1c2a56-3e2b-4a37-9d7e-1c2f0a4b5c6d' })
  id!: string;

  /** Unique, human-readable name. */
  @ApiProperty({ example: 'weekday-office-hours' })
  name!: string;

  @ApiProperty({ example: 'Extra analytics workers during office hours.' })
  description!: string;

  /** Glance image id. */
  @ApiProperty({ example: 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d' })
  imageId!: string;

  /** Nova flavor id. */
  @ApiProperty({ example: '3e7b9d1f-2a4c-4e6b-8d0f-1a3c5e7b9d2f' })
  flavorId!: string;

  /** Neutron network ids. */
  @ApiProperty({ example: ['0d4e6f8a-2b3c-4d5e-8f9a-1b2c3d4e5f6a'] })
  networkIds!: string[];

  /** VMs per window. */
  @ApiProperty({ type: 'integer', example: 10 })
  instanceCount!: number;

  /** IANA time zone of the window. */
  @ApiProperty({ example: 'Europe/Rome' })
  timeZone!: string;

  @WindowProperty({ required: true })
  window!: OnceWindowDto | RecurringWindowDto;

  /** Minutes provisioning starts before each window. */
  @ApiProperty({ type: 'integer', example: 10 })
  leadTimeMinutes!: number;

  @ApiProperty({ example: true })
  enabled!: boolean;

  /**
   * Disabled "after this window" (`disableAfterCurrentWindow`) during a window: its VMs stay until this instant, then
   * go, and no later window starts. Null otherwise (also once that window has ended).
   */
  @ApiProperty({ format: 'date-time', nullable: true, type: String, example: null })
  vmsKeptUntil!: string | null;

  /** How the VMs launch (`{}`: Nova's defaults). A change applies from the next window on. */
  @ApiProperty({ type: () => LaunchOptionsDto })
  launch!: LaunchOptionsDto;

  /** The Keystone project the schedule belongs to: its VMs are made there, and only that project sees it. */
  @ApiProperty({ example: 'c5f0e2ad8a3b4b6d9e4f1a2b3c4d5e6f' })
  projectId!: string;

  /** The project's name when the schedule was created. */
  @ApiProperty({ example: 'analytics' })
  projectName!: string;

  /** The project's domain id. */
  @ApiProperty({ type: String, nullable: true, example: 'default' })
  domainId!: string | null;

  /** Who created the schedule (null for a schedule made before the product recorded it). */
  @ApiProperty({ type: UserRefDto, nullable: true })
  createdBy!: UserRefDto | null;

  /** Who changed it last (null until someone does, or before the product recorded it). */
  @ApiProperty({ type: UserRefDto, nullable: true })
  updatedBy!: UserRefDto | null;

  /**
   * The user whose Keystone trust the engine creates the VMs through (their roles in the project): the creator, or
   * the member who took the delegation over (`POST /schedules/{id}/delegation`). Null when the service account made
   * the schedule in its own project, which needs no trust.
   */
  @ApiProperty({ type: UserRefDto, nullable: true })
  delegatedBy!: UserRefDto | null;

  /**
   * Derived from the schedule, its latest run and the clock, in this order of precedence:
   * `deleting` (DELETE accepted, VMs being torn down); the latest run's `provisioning`, `active`, `degraded`
   * or `tearing-down` (VMs exist); `disabled`; `failed` (the latest run failed, until the next one starts);
   * `upcoming` (the next window's provisioning starts within `SCHEDULER_UPCOMING_HORIZON_MINUTES`, default 60,
   * or is due and not started yet); `idle` (waiting for a later window, or none is left: see `nextOccurrence`).
   */
  @ApiProperty({ enum: SCHEDULE_STATES, enumName: 'ScheduleState', example: 'active' })
  state!: ScheduleState;

  /** The next window the engine has not started yet; null when none is left. */
  @ApiProperty({ type: OccurrenceDto, nullable: true })
  nextOccurrence!: OccurrenceDto | null;

  /** The most recent run (by window start), if any. */
  @ApiProperty({ type: RunSummaryDto, nullable: true })
  latestRun!: RunSummaryDto | null;

  /** When a DELETE was accepted while VMs were up; the schedule disappears once they are gone. */
  @ApiProperty({ format: 'date-time', nullable: true, type: String, example: null })
  deletingSince!: string | null;

  @ApiProperty({ format: 'date-time', example: '2026-04-20T13:12:45.000Z' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time', example: '2026-04-28T09:30:11.000Z' })
  updatedAt!: string;

  /** Send it back in PATCH: a change by someone else in between makes the PATCH a 409. */
  @ApiProperty({ type: 'integer', example: 3 })
  version!: number;
}

/** A schedule as created or changed, with whether the project's schedules still fit its quota. */
export class SavedScheduleDto extends ScheduleDto {
  /** The fit check over the next `CAPACITY_HORIZON_DAYS` (a warning: the save happened unless enforced). */
  @ApiProperty({ type: () => CapacityCheckDto })
  capacity!: CapacityCheckDto;
}

/** One page of schedules, in the order asked for (by name unless `sort` says otherwise). */
export class ScheduleListDto extends PageDto {
  items!: ScheduleDto[];
}

/** The answer to a DELETE of a schedule whose VMs are up (202). */
export class ScheduleDeletionDto {
  @ApiProperty({ format: 'uuid', example: '6f1c2a56-3e2b-4a37-9d7e-1c2f0a4b5c6d' })
  id!: string;

  @ApiProperty({ enum: ['deleting'], example: 'deleting' })
  state!: 'deleting';

  /** What happens next. */
  @ApiProperty({ example: 'The schedule has VMs in the cloud: they are being torn down, then the schedule is removed.' })
  message!: string;
}

const toBoolean = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);
const toList = ({ value }: { value: unknown }) =>
  typeof value === 'string'
    ? value
        .split(',')
        .map((v) => v.trim())
        .filter((v) => v !== '')
    : value;

/** The orders `GET /v1/schedules` can list in. */
export const SCHEDULE_SORTS = ['name', '-name', 'nextWindow', '-nextWindow', 'state', '-state'] as const;
export type ScheduleSort = (typeof SCHEDULE_SORTS)[number];

/** Filters and page of `GET /v1/schedules`. */
export class ListSchedulesQueryDto {
  /**
   * Only this project's schedules. A cloud admin sees every project's schedules and may filter by one; anyone else
   * sees their token's project only (another project here is a 403).
   */
  @IsOptional()
  @IsString()
  @MaxLength(64)
  projectId?: string;

  /** Only enabled (`true`) or disabled (`false`) schedules. */
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  enabled?: boolean;

  /** Only schedules in these derived states (repeat the parameter or separate with commas). */
  @ApiProperty({ required: false, isArray: true, enum: SCHEDULE_STATES, enumName: 'ScheduleState' })
  @IsOptional()
  @Transform(toList)
  @IsArray()
  @IsIn(SCHEDULE_STATES, { each: true })
  state?: ScheduleState[];

  /** Only schedules whose name contains this text (case-insensitive). */
  @IsOptional()
  @IsString()
  @MaxLength(255)
  q?: string;

  /**
   * Order of the list: by name (the default), by next window (the current or next window's start, soonest first;
   * schedules without one last) or by state (in a schedule's life order, as `ScheduleState` lists them); a leading `-`
   * reverses it. Ties are ordered by name.
   */
  @ApiProperty({ required: false, enum: SCHEDULE_SORTS, enumName: 'ScheduleSort', default: 'name' })
  @IsOptional()
  @IsIn(SCHEDULE_SORTS)
  sort?: ScheduleSort;

  /** Page size (1-100, default 50). */
  @ApiProperty({ type: 'integer', required: false, minimum: 1, maximum: 100, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;

  /** Schedules to skip (default 0). */
  @ApiProperty({ type: 'integer', required: false, minimum: 0, default: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  offset?: number;
}
