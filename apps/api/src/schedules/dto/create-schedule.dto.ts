import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsDefined,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { Type } from 'class-transformer';
import { LaunchOptionsDto } from './launch-options.dto';
import { IsTimeZone } from './schedule-validators';
import { OnceWindowDto, RecurringWindowDto, WindowProperty } from './window.dto';

/**
 * The default of `SCHEDULER_DEFAULT_LEAD_TIME_MINUTES` (config/scheduler.config.ts), stated in the schema so that
 * clients can offer it; a deployment may configure another.
 */
const DEFAULT_LEAD_TIME_MINUTES = 5;

/** Printable text with at least one visible character, no control characters. */
const NAME_PATTERN = /^(?=.*\S)[^\p{Cc}]+$/u;

/** A new schedule. References must exist in the cloud (422 otherwise). */
export class CreateScheduleDto {
  /** Unique, human-readable name (1-100 characters, unique regardless of case). */
  @IsString()
  @Length(1, 100)
  @Matches(NAME_PATTERN, { message: '$property must have a visible character and no control characters' })
  @ApiProperty({ example: 'weekday-office-hours' })
  name!: string;

  /** Notes for people. */
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  @ApiPropertyOptional({ example: 'Extra analytics workers during office hours.' })
  description?: string;

  /** Glance image the VMs boot from (id, not name). */
  @IsString()
  @Length(1, 255)
  @ApiProperty({ example: 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d' })
  imageId!: string;

  /** Nova flavor of the VMs (id, not name). */
  @IsString()
  @Length(1, 255)
  @ApiProperty({ example: '3e7b9d1f-2a4c-4e6b-8d0f-1a3c5e7b9d2f' })
  flavorId!: string;

  /** Neutron networks every VM is attached to, in order (ids, at least one). */
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(16)
  @ArrayUnique()
  @IsString({ each: true })
  @Length(1, 255, { each: true })
  @ApiProperty({ example: ['0d4e6f8a-2b3c-4d5e-8f9a-1b2c3d4e5f6a'] })
  networkIds!: string[];

  /**
   * VMs per window: 1 to the deployment's `SCHEDULER_MAX_INSTANCE_COUNT` (default 50). The exported document states
   * 10,000, the most a deployment may configure; the one a deployment serves at `/docs-json` states its own maximum.
   */
  @ApiProperty({ type: 'integer', example: 10 })
  @IsInt()
  @Min(1)
  @Max(10_000)
  instanceCount!: number;

  /** IANA time zone the cron expression and excluded dates are read in (default `UTC`). */
  @ApiProperty({ required: false, example: 'Europe/Rome', default: 'UTC' })
  @IsOptional()
  @IsTimeZone()
  timeZone?: string;

  @WindowProperty({ required: true })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  window!: OnceWindowDto | RecurringWindowDto;

  /**
   * Provisioning starts this many minutes before each window so that the VMs are ACTIVE at its start
   * (0-1440; default `SCHEDULER_DEFAULT_LEAD_TIME_MINUTES`, 5).
   */
  @ApiProperty({ type: 'integer', required: false, example: 10, default: DEFAULT_LEAD_TIME_MINUTES })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1440)
  leadTimeMinutes?: number;

  /** How the VMs launch: key pair, security groups, user data, metadata, tags, zone, server group, boot volume... */
  @ApiProperty({ type: LaunchOptionsDto, required: false })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => LaunchOptionsDto)
  launch?: LaunchOptionsDto;

  /** A disabled schedule keeps its definition but creates no VMs (default true). */
  @ApiProperty({ required: false, default: true, example: true })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}
