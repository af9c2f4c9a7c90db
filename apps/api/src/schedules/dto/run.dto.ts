import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { UserRefDto } from './user-ref.dto';
import { RUN_STATES, SHORTFALL_REASONS, type RunState, type ShortfallReason } from '../../runs/run-lifecycle';

export const RUN_STATE_VALUES = RUN_STATES;
export type RunStateDto = RunState;

const RUN_STATE_DOC =
  'Live: `pending`, `provisioning` (VMs being made), `active` (all VMs up), `degraded` (below its count for a recorded ' +
  'reason, see `shortfallReason`), `tearing-down`. Final, never left again: `completed` (every slot was up), `partial` ' +
  '(the window ended below its count), `failed` (no VM ever came up), `missed` (no engine ran during the window), ' +
  '`stopped` (someone ended the window early: see `stoppedBy`).';

/** The latest run of a schedule, as its list entry shows it. */
export class RunSummaryDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ enum: RUN_STATE_VALUES, enumName: 'RunState', description: RUN_STATE_DOC })
  state!: RunStateDto;

  /**
   * Why the run is (live) or ended (final) below its count: `quota`, `cloud_error`, `attempts_exhausted`, or
   * `window_ended` (the window closed before a VM could be made); null when it is on track or completed.
   */
  @ApiProperty({ enum: SHORTFALL_REASONS, enumName: 'ShortfallReason', nullable: true })
  shortfallReason!: ShortfallReason | null;

  /** Planned window start (UTC). */
  @ApiProperty({ format: 'date-time' })
  windowStart!: string;

  /** Planned window end (UTC). */
  @ApiProperty({ format: 'date-time' })
  windowEnd!: string;

  /** VMs wanted. */
  @ApiProperty({ type: 'integer' })
  desiredCount!: number;

  /** VMs currently ACTIVE. */
  @ApiProperty({ type: 'integer' })
  activeCount!: number;
}

/** The last cloud error of a run. */
export class RunErrorDto {
  /** OpenStack's message. */
  message!: string;

  /** OpenStack's request id, to find the call in the cloud's logs. */
  @ApiProperty({ nullable: true, type: String })
  requestId!: string | null;

  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  at!: string | null;
}

/** One VM of a run. */
export class RunVmDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  /** Nova server id; null until Nova accepted the create. */
  @ApiProperty({ nullable: true, type: String })
  serverId!: string | null;

  /** 1-based position of the VM in its run. */
  @ApiProperty({ type: 'integer' })
  slot!: number;

  name!: string;

  /**
   * Last known Nova status (`BUILD`, `ACTIVE`, `ERROR`...), or the engine's: `PENDING` before the create call,
   * `CREATING` while it is in flight, `DELETING`, `DELETED`; `FAILED` when the slot used up its attempts,
   * `NOT_CREATED` when its window ended before it got a VM.
   */
  status!: string;

  /** Nova's fault message, or the create call's error. */
  @ApiProperty({ nullable: true, type: String })
  faultMessage!: string | null;

  /** Why this slot has no VM (and, once closed empty, never got one); null otherwise. */
  @ApiProperty({ enum: SHORTFALL_REASONS, enumName: 'ShortfallReason', nullable: true })
  shortfallReason!: ShortfallReason | null;

  /** Create attempts for this slot. */
  @ApiProperty({ type: 'integer' })
  attempts!: number;

  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  createdAt!: string | null;

  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  activeAt!: string | null;

  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  deletedAt!: string | null;
}

/** One occurrence the engine acted on, with its VMs. */
export class RunDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  /** The schedule of the run; it may since have been deleted (its runs are kept until pruned). */
  @ApiProperty({ format: 'uuid' })
  scheduleId!: string;

  /** The schedule's name when the run began (kept with the run, so it still reads once the schedule is deleted). */
  scheduleName!: string;

  @ApiProperty({ enum: RUN_STATE_VALUES, enumName: 'RunState', description: RUN_STATE_DOC })
  state!: RunStateDto;

  /** Why the run is (or ended) below its count; null when it is on track or completed. */
  @ApiProperty({ enum: SHORTFALL_REASONS, enumName: 'ShortfallReason', nullable: true })
  shortfallReason!: ShortfallReason | null;

  /** Planned window start (UTC). */
  @ApiProperty({ format: 'date-time' })
  windowStart!: string;

  /** Planned window end (UTC). */
  @ApiProperty({ format: 'date-time' })
  windowEnd!: string;

  /** Planned provisioning start (UTC). */
  @ApiProperty({ format: 'date-time' })
  provisionAt!: string;

  /** When provisioning actually began. */
  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  startedAt!: string | null;

  /** When every VM was ACTIVE. */
  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  readyAt!: string | null;

  /** When the window ended for the engine (teardown began). */
  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  endedAt!: string | null;

  /** When the last VM was gone. */
  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  tornDownAt!: string | null;

  /** Seconds provisioning began after `provisionAt`. */
  @ApiProperty({ nullable: true, type: 'integer' })
  latenessSeconds!: number | null;

  /** VMs wanted. */
  @ApiProperty({ type: 'integer' })
  desiredCount!: number;

  /** When someone ended the window early (disabled or deleted its schedule during it); null otherwise. */
  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  stoppedAt!: string | null;

  /** Who ended it early. */
  @ApiProperty({ type: UserRefDto, nullable: true })
  stoppedBy!: UserRefDto | null;

  @ApiProperty({ type: RunErrorDto, nullable: true })
  lastError!: RunErrorDto | null;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;

  vms!: RunVmDto[];
}

/** One page of a schedule's runs, newest window first. */
export class RunListDto {
  items!: RunDto[];

  @ApiProperty({ type: 'integer' })
  total!: number;

  @ApiProperty({ type: 'integer' })
  limit!: number;

  @ApiProperty({ type: 'integer' })
  offset!: number;
}

/** Page of `GET /v1/schedules/{id}/runs`. */
export class ListRunsQueryDto {
  /** Page size (1-100, default 20). */
  @ApiProperty({ type: 'integer', required: false, minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;

  /** Runs to skip (default 0). */
  @ApiProperty({ type: 'integer', required: false, minimum: 0, default: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  offset?: number;
}
