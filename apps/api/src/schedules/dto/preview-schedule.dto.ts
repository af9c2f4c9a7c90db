import { ApiPropertyOptional, IntersectionType, PartialType, PickType } from '@nestjs/swagger';
import { IsOptional, IsUUID } from 'class-validator';
import { CreateScheduleDto } from './create-schedule.dto';

/**
 * The timing of a schedule not yet saved: its windows are previewed with the same rules as on create. Launch
 * options, when sent, get the same field checks (not the cloud's: saving does those). With `instanceCount` and
 * `flavorId` the preview also checks whether it fits the quota beside the project's other enabled schedules.
 */
export class PreviewScheduleDto extends IntersectionType(
  PickType(CreateScheduleDto, ['timeZone', 'window', 'leadTimeMinutes', 'launch'] as const),
  PartialType(PickType(CreateScheduleDto, ['name', 'instanceCount', 'flavorId', 'enabled'] as const)),
) {
  /** The saved schedule this preview would replace (an edit): its current version is left out of the capacity check. */
  @ApiPropertyOptional({ format: 'uuid', example: '6f1c2a56-3e2b-4a37-9d7e-1c2f0a4b5c6d' })
  @IsOptional()
  @IsUUID()
  scheduleId?: string;
}
