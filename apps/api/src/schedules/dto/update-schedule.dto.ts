import { ApiProperty, PartialType } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsOptional, Min } from 'class-validator';
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

  /**
   * With `enabled: false` during a window: keep this window's VMs until it ends (the schedule starts no later window),
   * instead of stopping now. Without it, disabling during a window deletes the VMs at once and the run ends `stopped`,
   * recording who stopped it. On a disabled schedule that keeps its window, `false` stops that window now (leaving it
   * out changes nothing). Only with `enabled: false` (else 400).
   */
  @ApiProperty({ required: false, example: true })
  @IsOptional()
  @IsBoolean()
  disableAfterCurrentWindow?: boolean;
}

/**
 * A field left out of a PATCH keeps its value, so the create body's defaults must not appear in this schema.
 * PartialType copies them and ApiProperty can only add keys, so they are dropped from the stored metadata
 * (@nestjs/swagger's key, not exported; the generated-spec check catches a change).
 */
const API_MODEL_PROPERTIES = 'swagger/apiModelProperties';
for (const key of ['timeZone', 'leadTimeMinutes', 'enabled'] as const) {
  const metadata = Reflect.getMetadata(API_MODEL_PROPERTIES, UpdateScheduleDto.prototype, key) as Record<string, unknown>;
  const { default: _default, ...rest } = metadata;
  Reflect.defineMetadata(API_MODEL_PROPERTIES, rest, UpdateScheduleDto.prototype, key);
}
