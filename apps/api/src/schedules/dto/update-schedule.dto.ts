import { ApiProperty, PartialType } from '@nestjs/swagger';
import { IsInt, Min } from 'class-validator';
import { CreateScheduleDto } from './create-schedule.dto';

/**
 * Changes to a schedule: any field of the create body (a `window` replaces the whole window), plus the
 * `version` read from the schedule. A stale version is a 409: someone else changed it in between.
 */
export class UpdateScheduleDto extends PartialType(CreateScheduleDto) {
  /** The schedule's `version` as last read (optimistic concurrency). */
  @ApiProperty({ type: 'integer', example: 1 })
  @IsInt()
  @Min(1)
  version!: number;
}
