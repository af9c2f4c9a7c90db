import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CAPACITY_RESOURCES, type CapacityResource } from '@peak/schedule-domain';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional, IsString, MaxLength } from 'class-validator';
import { ApiErrorDto } from '../../common/api-error.dto';
import { IsInstant } from '../../schedules/dto/schedule-validators';

const toBoolean = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

/** A schedule named in a capacity conflict. */
export class CapacityScheduleRefDto {
  @ApiProperty({ format: 'uuid', example: '6f1c2a56-3e2b-4a37-9d7e-1c2f0a4b5c6d' })
  id!: string;

  @ApiProperty({ example: 'weekday-office-hours' })
  name!: string;
}

/** An interval in which the schedules need more of a resource than the project's quota leaves them. */
export class CapacityConflictDto {
  /** Start of the interval (UTC). */
  @ApiProperty({ format: 'date-time', example: '2026-05-04T11:00:00.000Z' })
  from!: string;

  /** End of the interval (UTC, exclusive). */
  @ApiProperty({ format: 'date-time', example: '2026-05-04T12:00:00.000Z' })
  to!: string;

  /** `instances` (VMs), `vcpus`, `ramMb` (RAM in MB) or `volumeGb` (boot volumes' GiB, Cinder's `gigabytes`). */
  @ApiProperty({ enum: CAPACITY_RESOURCES, enumName: 'CapacityResource', example: 'instances' })
  resource!: CapacityResource;

  /** What the schedules' windows (lead time included) need in the interval. */
  @ApiProperty({ type: 'integer', example: 7 })
  needed!: number;

  /** The quota limit less what the project uses outside the schedules' VMs. */
  @ApiProperty({ type: 'integer', example: 5 })
  available!: number;

  /** The schedules with a window in the interval. */
  @ApiProperty({ type: [CapacityScheduleRefDto] })
  schedules!: CapacityScheduleRefDto[];
}

/** Whether the project's enabled schedules fit its Nova quota over the next `CAPACITY_HORIZON_DAYS`. */
export class CapacityCheckDto {
  /** True when they fit, false when some interval needs more than the quota leaves, null when the quota could not be read. */
  @ApiProperty({ type: Boolean, nullable: true, example: false })
  fits!: boolean | null;

  /** The check covers the windows from now until this instant (UTC). */
  @ApiProperty({ format: 'date-time', example: '2026-05-31T10:00:00.000Z' })
  horizonEnd!: string;

  /** Where the demand exceeds what is available, in time order (empty when everything fits or `fits` is null). */
  @ApiProperty({ type: [CapacityConflictDto] })
  conflicts!: CapacityConflictDto[];

  /** Why the check could not be made (`fits` null), e.g. the cloud did not answer; null otherwise. */
  @ApiProperty({ type: String, nullable: true, example: null })
  reason!: string | null;
}

/** A 422 of a save that would not fit the quota (`CAPACITY_ENFORCE=true` or `?enforceCapacity=true`): nothing was saved. */
export class CapacityErrorDto extends ApiErrorDto {
  @ApiProperty({ type: () => CapacityCheckDto })
  capacity!: CapacityCheckDto;
}

/** Whether a save must fit the quota. */
export class EnforceCapacityQueryDto {
  /** Refuse the save (422) when the schedules would not fit the quota; default `CAPACITY_ENFORCE` (false: save, and warn in `capacity`). */
  @ApiPropertyOptional({ type: Boolean, example: true })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  enforceCapacity?: boolean;
}

/** From `at` on, until the next step (or `to`), the demand is `value`. */
export class CapacityStepDto {
  @ApiProperty({ format: 'date-time', example: '2026-05-04T10:00:00.000Z' })
  at!: string;

  @ApiProperty({ type: 'integer', example: 4 })
  value!: number;
}

/** The demand of one resource over the range, with the quota line. */
export class CapacityResourceDto {
  @ApiProperty({ enum: CAPACITY_RESOURCES, enumName: 'CapacityResource', example: 'instances' })
  resource!: CapacityResource;

  /** The project's Nova limit; null when unlimited or when the quota could not be read. */
  @ApiProperty({ type: 'integer', nullable: true, example: 10 })
  limit!: number | null;

  /** What the project uses now outside the schedules' live VMs; null when the quota could not be read. */
  @ApiProperty({ type: 'integer', nullable: true, example: 2 })
  usageNotOurs!: number | null;

  /** `limit` less `usageNotOurs`: what the schedules may use; null when unlimited or unknown. */
  @ApiProperty({ type: 'integer', nullable: true, example: 8 })
  available!: number | null;

  /** The planned demand as steps: the first at `from`, then one wherever it changes. */
  @ApiProperty({ type: [CapacityStepDto] })
  steps!: CapacityStepDto[];
}

/** One window's share of the demand, cut to the range. */
export class CapacityContributionDto {
  @ApiProperty({ type: () => CapacityScheduleRefDto })
  schedule!: CapacityScheduleRefDto;

  /** The window's provisioning start (start less lead time), or `from` when earlier. */
  @ApiProperty({ format: 'date-time', example: '2026-05-04T09:50:00.000Z' })
  from!: string;

  /** The window's end, or `to` when later. */
  @ApiProperty({ format: 'date-time', example: '2026-05-04T12:00:00.000Z' })
  to!: string;

  @ApiProperty({ type: 'integer', example: 4 })
  instances!: number;

  @ApiProperty({ type: 'integer', example: 8 })
  vcpus!: number;

  @ApiProperty({ type: 'integer', example: 16384 })
  ramMb!: number;

  /** GiB of the window's boot volumes (0 when its VMs boot on the flavor's disk). */
  @ApiProperty({ type: 'integer', example: 0 })
  volumeGb!: number;
}

/** A project's planned demand against its quota. */
export class CapacityDto {
  @ApiProperty({ example: 'c5f0e2ad8a3b4b6d9e4f1a2b3c4d5e6f' })
  projectId!: string;

  @ApiProperty({ format: 'date-time', example: '2026-05-01T10:00:00.000Z' })
  from!: string;

  @ApiProperty({ format: 'date-time', example: '2026-05-31T10:00:00.000Z' })
  to!: string;

  /** True when the demand fits everywhere in the range, null when the quota could not be read. */
  @ApiProperty({ type: Boolean, nullable: true, example: true })
  fits!: boolean | null;

  /** Why the quota could not be read; null otherwise. */
  @ApiProperty({ type: String, nullable: true, example: null })
  reason!: string | null;

  /** Instances, vCPUs and RAM, in this order. */
  @ApiProperty({ type: [CapacityResourceDto] })
  resources!: CapacityResourceDto[];

  /** The windows of the project's enabled schedules in the range, by provisioning start. */
  @ApiProperty({ type: [CapacityContributionDto] })
  contributions!: CapacityContributionDto[];

  @ApiProperty({ type: [CapacityConflictDto] })
  conflicts!: CapacityConflictDto[];
}

/** The range and project of `GET /v1/capacity`. */
export class CapacityQueryDto {
  /** Start of the range (RFC 3339; default now). */
  @ApiPropertyOptional({ format: 'date-time', type: String, example: '2026-05-01T10:00:00Z' })
  @IsOptional()
  @IsInstant()
  from?: string;

  /** End of the range (RFC 3339; default `from` plus `CAPACITY_HORIZON_DAYS`; at most 92 days after `from`). */
  @ApiPropertyOptional({ format: 'date-time', type: String, example: '2026-05-31T10:00:00Z' })
  @IsOptional()
  @IsInstant()
  to?: string;

  /** The project (default the token's; another project needs a cloud admin, else 403). */
  @ApiPropertyOptional({ example: 'c5f0e2ad8a3b4b6d9e4f1a2b3c4d5e6f' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  projectId?: string;
}
