import { ApiProperty } from '@nestjs/swagger';
import { plainToInstance, Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayUnique, IsArray, IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { IsCronExpression, IsInstant, IsLocalDate } from './schedule-validators';

export const WINDOW_TYPES = ['once', 'recurring'] as const;
export type WindowTypeDto = (typeof WINDOW_TYPES)[number];

/** A single peak window between two instants. */
export class OnceWindowDto {
  /** `once` for a one-off window. */
  @ApiProperty({ enum: ['once'], example: 'once' })
  @IsIn(['once'])
  type!: 'once';

  /** Start of the window (RFC 3339 with offset); must be in the future when set. */
  @ApiProperty({ format: 'date-time', example: '2026-12-24T08:00:00Z' })
  @IsInstant()
  startAt!: string;

  /** End of the window (RFC 3339 with offset); after `startAt`. */
  @ApiProperty({ format: 'date-time', example: '2026-12-24T20:00:00Z' })
  @IsInstant()
  endAt!: string;
}

/**
 * Peak windows that start whenever a cron expression matches the local time in the schedule's zone.
 * Windows of one schedule never overlap: `durationMinutes` plus the schedule's lead time must fit between
 * any two consecutive starts (checked over 10 years, daylight-saving changes included).
 */
export class RecurringWindowDto {
  /** `recurring` for a cron-driven series. */
  @ApiProperty({ enum: ['recurring'], example: 'recurring' })
  @IsIn(['recurring'])
  type!: 'recurring';

  /**
   * Start of each window: 5 fields (minute hour day-of-month month day-of-week) on the wall clock of the
   * schedule's time zone, Vixie semantics (when both day fields are restricted either may match), plus
   * `L`, `W`, `#` and `+`. A start in a spring-forward gap moves to the first valid instant after it; a
   * start in a fall-back overlap fires once, at its first occurrence.
   */
  @ApiProperty({ example: '0 9 * * 1-5' })
  @IsCronExpression()
  cron!: string;

  /** Length of each window in elapsed minutes (a window spanning a DST change keeps its length). */
  @ApiProperty({ type: 'integer', example: 480 })
  @IsInt()
  @Min(1)
  @Max(366 * 24 * 60)
  durationMinutes!: number;

  /** No window starts before this instant (RFC 3339). */
  @ApiProperty({ format: 'date-time', nullable: true, required: false, type: String, example: '2026-04-30T22:00:00.000Z' })
  @IsOptional()
  @IsInstant()
  validFrom?: string | null;

  /** No window starts at or after this instant (RFC 3339); a window that started earlier runs to its end. */
  @ApiProperty({ format: 'date-time', nullable: true, required: false, type: String, example: '2026-12-31T23:00:00.000Z' })
  @IsOptional()
  @IsInstant()
  validUntil?: string | null;

  /** Local dates (`YYYY-MM-DD`, in the schedule's zone) on which no window starts, e.g. holidays. */
  @ApiProperty({ type: 'array', items: { type: 'string', format: 'date' }, required: false, example: ['2026-12-25'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @ArrayUnique()
  @IsLocalDate({ each: true })
  excludedDates?: string[];
}

/** Stands in for a window whose `type` is missing or unknown, so that the only error is about `type`. */
class UnknownWindowDto {
  @IsIn(WINDOW_TYPES)
  type!: string;
}

export type WindowDto = OnceWindowDto | RecurringWindowDto;

/** Builds the window class its `type` names, for class-validator to check (a tagged union). */
export function toWindowDto({ value }: { value: unknown }): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const type = (value as { type?: unknown }).type;
  if (type === 'once') return plainToInstance(OnceWindowDto, value);
  if (type === 'recurring') return plainToInstance(RecurringWindowDto, value);
  return Object.assign(new UnknownWindowDto(), { type });
}

/** The window property, documented as a tagged union. */
export function WindowProperty(options: { required: boolean }): PropertyDecorator {
  const transform = Transform(toWindowDto);
  const doc = ApiProperty({
    required: options.required,
    description: 'When the windows are: one-off (`type: once`) or recurring (`type: recurring`).',
    oneOf: [{ $ref: '#/components/schemas/OnceWindowDto' }, { $ref: '#/components/schemas/RecurringWindowDto' }],
    discriminator: {
      propertyName: 'type',
      mapping: { once: '#/components/schemas/OnceWindowDto', recurring: '#/components/schemas/RecurringWindowDto' },
    },
    example: { type: 'recurring', cron: '0 9 * * 1-5', durationMinutes: 480, excludedDates: ['2026-12-25'] },
  });
  return (target, key) => {
    transform(target, key);
    doc(target, key);
  };
}
