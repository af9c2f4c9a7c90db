import { PickType } from '@nestjs/swagger';
import { CreateScheduleDto } from './create-schedule.dto';

/** The timing of a schedule not yet saved: its windows are previewed with the same rules as on create. */
export class PreviewScheduleDto extends PickType(CreateScheduleDto, ['timeZone', 'window', 'leadTimeMinutes'] as const) {}
