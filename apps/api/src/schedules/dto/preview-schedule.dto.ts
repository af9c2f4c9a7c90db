import { PickType } from '@nestjs/swagger';
import { CreateScheduleDto } from './create-schedule.dto';

/**
 * The timing of a schedule not yet saved: its windows are previewed with the same rules as on create. Launch
 * options, when sent, get the same field checks (not the cloud's: saving does those).
 */
export class PreviewScheduleDto extends PickType(CreateScheduleDto, ['timeZone', 'window', 'leadTimeMinutes', 'launch'] as const) {}
