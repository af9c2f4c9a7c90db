import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { CapacityCheckDto } from '../../capacity/dto/capacity.dto';
import { IsInstant } from './schedule-validators';

export const DST_ADJUSTMENTS = ['none', 'shifted-forward', 'first-of-repeated'] as const;
export const OCCURRENCE_STATUSES = ['scheduled', 'skipped'] as const;

/** One window of a schedule, in UTC and in the schedule's zone. */
export class OccurrenceDto {
  /** Window start (UTC). */
  @ApiProperty({ format: 'date-time', example: '2026-05-04T07:00:00.000Z' })
  start!: string;

  /** Window end (UTC). */
  @ApiProperty({ format: 'date-time', example: '2026-05-04T15:00:00.000Z' })
  end!: string;

  /** Provisioning start: `start` minus the lead time (UTC). */
  @ApiProperty({ format: 'date-time', example: '2026-05-04T06:50:00.000Z' })
  provisionAt!: string;

  /** Start in the schedule's zone, with its offset, e.g. `2026-03-29T03:00:00+02:00`. */
  @ApiProperty({ example: '2026-05-04T09:00:00+02:00' })
  localStart!: string;

  /** End in the schedule's zone, with its offset. */
  @ApiProperty({ example: '2026-05-04T17:00:00+02:00' })
  localEnd!: string;

  /** The local date-time the cron expression asked for (`YYYY-MM-DDTHH:mm`); differs from `localStart` after a DST shift. */
  @ApiProperty({ example: '2026-05-04T09:00' })
  requestedLocalStart!: string;

  /**
   * What daylight saving did to the start: `none`; `shifted-forward` (the local time did not exist, a
   * spring-forward gap: moved to the first valid instant after it); `first-of-repeated` (the local time
   * happened twice, a fall-back overlap: fired once, at the first).
   */
  @ApiProperty({ enum: DST_ADJUSTMENTS, enumName: 'DstAdjustment', example: 'none' })
  dstAdjustment!: (typeof DST_ADJUSTMENTS)[number];

  /** `skipped` when the local date is an excluded date: no VMs are created for it. */
  @ApiProperty({ enum: OCCURRENCE_STATUSES, enumName: 'OccurrenceStatus', example: 'scheduled' })
  status!: (typeof OCCURRENCE_STATUSES)[number];

  /** Why a window is skipped. */
  @ApiProperty({ enum: ['excluded-date'], nullable: true, type: String, example: null })
  skipReason!: 'excluded-date' | null;
}

/** Upcoming windows of a schedule. */
export class OccurrenceListDto {
  /** The schedule's IANA zone, in which the local times are given. */
  @ApiProperty({ example: 'Europe/Rome' })
  timeZone!: string;

  /** Windows that had not ended at this instant are listed. */
  @ApiProperty({ format: 'date-time', example: '2026-05-04T06:00:00.000Z' })
  from!: string;

  /**
   * The next `count` windows in order; excluded dates appear among them as `skipped` entries (the first
   * window of each such date, at most `count` of them) and do not count.
   */
  occurrences!: OccurrenceDto[];
}

/** The windows of an unsaved schedule and, when its size was given, whether it fits the quota. */
export class SchedulePreviewDto extends OccurrenceListDto {
  /** The fit check, when `instanceCount` and `flavorId` were sent (and the token is scoped to a project). */
  @ApiPropertyOptional({ type: () => CapacityCheckDto })
  capacity?: CapacityCheckDto;
}

/** How many windows to list, and from when. */
export class OccurrencesQueryDto {
  /** Number of windows (1-100, default 10). */
  @ApiProperty({ type: 'integer', required: false, minimum: 1, maximum: 100, default: 10 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  count?: number;

  /** List windows not yet ended at this instant (RFC 3339; default now). */
  @ApiProperty({ required: false, format: 'date-time', type: String })
  @IsOptional()
  @IsInstant()
  from?: string;
}
