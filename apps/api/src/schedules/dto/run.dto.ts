import { ApiProperty } from '@nestjs/swagger';
import { UserRefDto } from './user-ref.dto';
import {
  MEMBER_STATES,
  RUN_STATES,
  SHORTFALL_REASONS,
  type MemberState,
  type RunState,
  type ShortfallReason,
} from '../../runs/run-lifecycle';
import { PageDto, PageQueryDto } from '../../common/page.dto';
import { CapacityConflictDto } from '../../capacity/dto/capacity.dto';

export const RUN_STATE_VALUES = RUN_STATES;
export type RunStateDto = RunState;

const RUN_STATE_DOC =
  'Live: `pending`, `provisioning` (VMs being made), `active` (all VMs up), `degraded` (below its count for a recorded ' +
  'reason, see `shortfallReason`), `tearing-down`. Final, never left again: `completed` (every slot was up), `partial` ' +
  '(the window ended below its count), `failed` (no VM ever came up), `missed` (no engine ran during the window), ' +
  '`stopped` (someone ended the window early: see `stoppedBy`).';

/** The latest run of a schedule, as its list entry shows it. */
export class RunSummaryDto {
  @ApiProperty({ format: 'uuid', example: '2b7e9c1d-5a4f-4e3b-8c6d-0f1e2d3c4b5a' })
  id!: string;

  @ApiProperty({ enum: RUN_STATE_VALUES, enumName: 'RunState', description: RUN_STATE_DOC, example: 'active' })
  state!: RunStateDto;

  /**
   * Why the run is (live) or ended (final) below its count: `quota`, `cloud_error`, `attempts_exhausted`, or
   * `window_ended` (the window closed before a VM could be made); null when it is on track or completed.
   */
  @ApiProperty({ enum: SHORTFALL_REASONS, enumName: 'ShortfallReason', nullable: true, example: null })
  shortfallReason!: ShortfallReason | null;

  /** Planned window start (UTC). */
  @ApiProperty({ format: 'date-time', example: '2026-05-04T07:00:00.000Z' })
  windowStart!: string;

  /** Planned window end (UTC). */
  @ApiProperty({ format: 'date-time', example: '2026-05-04T15:00:00.000Z' })
  windowEnd!: string;

  /** VMs wanted. */
  @ApiProperty({ type: 'integer', example: 10 })
  desiredCount!: number;

  /** VMs currently ACTIVE. */
  @ApiProperty({ type: 'integer', example: 10 })
  activeCount!: number;
}

/** The last cloud error of a run. */
export class RunErrorDto {
  /** OpenStack's message. */
  @ApiProperty({ example: 'Quota exceeded for instances: Requested 1, but already used 10 of 10 instances' })
  message!: string;

  /** OpenStack's request id, to find the call in the cloud's logs. */
  @ApiProperty({ nullable: true, type: String, example: 'req-6b1e0c4a-2f3d-4e5a-9b8c-7d6e5f4a3b2c' })
  requestId!: string | null;

  @ApiProperty({ format: 'date-time', nullable: true, type: String, example: '2026-05-04T06:50:03.512Z' })
  at!: string | null;
}

/** A VM's membership of its run's load balancer pool (`launch.loadBalancer`). */
export class RunVmMemberDto {
  /**
   * `pending` (not a member yet), `member` (in the pool, not yet seen ONLINE by the health monitor), `online`,
   * `draining` (weight 0: no new connections, its own finishing), `removed` (left the pool; then the VM is deleted).
   */
  @ApiProperty({ enum: MEMBER_STATES, enumName: 'MemberState', example: 'online' })
  state!: MemberState;

  /** The Octavia member id, once Octavia listed it. */
  @ApiProperty({ nullable: true, type: String, example: '957a1ace-1bd2-449b-8455-820b6e4b63f3' })
  memberId!: string | null;

  /** The VM's address the member points at. */
  @ApiProperty({ nullable: true, type: String, example: '10.0.0.12' })
  address!: string | null;

  @ApiProperty({ format: 'date-time', nullable: true, type: String, example: '2026-05-04T06:52:39.100Z' })
  joinedAt!: string | null;

  @ApiProperty({ format: 'date-time', nullable: true, type: String, example: '2026-05-04T06:52:45.200Z' })
  onlineAt!: string | null;

  /** When its weight went to 0 (the drain began). */
  @ApiProperty({ format: 'date-time', nullable: true, type: String, example: null })
  drainingAt!: string | null;

  @ApiProperty({ format: 'date-time', nullable: true, type: String, example: null })
  removedAt!: string | null;
}

/** One VM of a run. */
export class RunVmDto {
  @ApiProperty({ format: 'uuid', example: '8d3f5a7b-1c2e-4f60-9a8b-7c6d5e4f3a2b' })
  id!: string;

  /** Nova server id; null until Nova accepted the create. */
  @ApiProperty({ nullable: true, type: String, example: '4e5f6a7b-8c9d-4e0f-a1b2-c3d4e5f60718' })
  serverId!: string | null;

  /** 1-based position of the VM in its run. */
  @ApiProperty({ type: 'integer', example: 1 })
  slot!: number;

  @ApiProperty({ example: 'weekday-office-hours-20260504t0700z-1' })
  name!: string;

  /**
   * Last known Nova status (`BUILD`, `ACTIVE`, `ERROR`...), or the engine's: `PENDING` before the create call,
   * `CREATING` while it is in flight, `DELETING`, `DELETED`; `FAILED` when the slot used up its attempts,
   * `NOT_CREATED` when its window ended before it got a VM.
   */
  @ApiProperty({ example: 'ACTIVE' })
  status!: string;

  /** Nova's fault message, or the create call's error. */
  @ApiProperty({ nullable: true, type: String, example: null })
  faultMessage!: string | null;

  /** Why this slot has no VM (and, once closed empty, never got one); null otherwise. */
  @ApiProperty({ enum: SHORTFALL_REASONS, enumName: 'ShortfallReason', nullable: true, example: null })
  shortfallReason!: ShortfallReason | null;

  /** Create attempts for this slot. */
  @ApiProperty({ type: 'integer', example: 1 })
  attempts!: number;

  @ApiProperty({ format: 'date-time', nullable: true, type: String, example: '2026-05-04T06:50:02.371Z' })
  createdAt!: string | null;

  @ApiProperty({ format: 'date-time', nullable: true, type: String, example: '2026-05-04T06:52:37.480Z' })
  activeAt!: string | null;

  @ApiProperty({ format: 'date-time', nullable: true, type: String, example: null })
  deletedAt!: string | null;

  /** Its place in the run's load balancer pool; null when the run has none. */
  @ApiProperty({ type: RunVmMemberDto, nullable: true })
  member!: RunVmMemberDto | null;
}

/** One occurrence the engine acted on, with its VMs. */
export class RunDto {
  @ApiProperty({ format: 'uuid', example: '2b7e9c1d-5a4f-4e3b-8c6d-0f1e2d3c4b5a' })
  id!: string;

  /** The schedule of the run; it may since have been deleted (its runs are kept until pruned). */
  @ApiProperty({ format: 'uuid', example: '6f1c2a56-3e2b-4a37-9d7e-1c2f0a4b5c6d' })
  scheduleId!: string;

  /** The schedule's name when the run began (kept with the run, so it still reads once the schedule is deleted). */
  @ApiProperty({ example: 'weekday-office-hours' })
  scheduleName!: string;

  @ApiProperty({ enum: RUN_STATE_VALUES, enumName: 'RunState', description: RUN_STATE_DOC, example: 'active' })
  state!: RunStateDto;

  /** Why the run is (or ended) below its count; null when it is on track or completed. */
  @ApiProperty({ enum: SHORTFALL_REASONS, enumName: 'ShortfallReason', nullable: true, example: null })
  shortfallReason!: ShortfallReason | null;

  /** Planned window start (UTC). */
  @ApiProperty({ format: 'date-time', example: '2026-05-04T07:00:00.000Z' })
  windowStart!: string;

  /** Planned window end (UTC). */
  @ApiProperty({ format: 'date-time', example: '2026-05-04T15:00:00.000Z' })
  windowEnd!: string;

  /** Planned provisioning start (UTC). */
  @ApiProperty({ format: 'date-time', example: '2026-05-04T06:50:00.000Z' })
  provisionAt!: string;

  /** When provisioning actually began. */
  @ApiProperty({ format: 'date-time', nullable: true, type: String, example: '2026-05-04T06:50:01.214Z' })
  startedAt!: string | null;

  /** When every VM was ACTIVE. */
  @ApiProperty({ format: 'date-time', nullable: true, type: String, example: '2026-05-04T06:52:37.480Z' })
  readyAt!: string | null;

  /** When the window ended for the engine (teardown began). */
  @ApiProperty({ format: 'date-time', nullable: true, type: String, example: null })
  endedAt!: string | null;

  /** When the last VM was gone. */
  @ApiProperty({ format: 'date-time', nullable: true, type: String, example: null })
  tornDownAt!: string | null;

  /**
   * When the teardown was announced as failing (`peak.run.teardown_failed`): VMs were still in the cloud
   * `TEARDOWN_ALERT_MINUTES` (15) after it began. The engine keeps deleting them; null while on time.
   */
  @ApiProperty({ format: 'date-time', nullable: true, type: String, example: null })
  teardownOverdueAt!: string | null;

  /** Seconds provisioning began after `provisionAt`. */
  @ApiProperty({ nullable: true, type: 'integer', example: 1 })
  latenessSeconds!: number | null;

  /** VMs wanted. */
  @ApiProperty({ type: 'integer', example: 10 })
  desiredCount!: number;

  /**
   * What the engine's capacity re-check expected as the run opened: the quota conflicts over its window that involve
   * its schedule (empty: it fits). The window starts anyway (partial capacity beats none). Null: not checked (the
   * quota could not be read, or the run is older than the check).
   */
  @ApiProperty({ type: [CapacityConflictDto], nullable: true, example: [] })
  expectedShortfall!: CapacityConflictDto[] | null;

  /** When someone ended the window early (disabled or deleted its schedule during it); null otherwise. */
  @ApiProperty({ format: 'date-time', nullable: true, type: String, example: null })
  stoppedAt!: string | null;

  /** Who ended it early. */
  @ApiProperty({ type: UserRefDto, nullable: true })
  stoppedBy!: UserRefDto | null;

  @ApiProperty({ type: RunErrorDto, nullable: true })
  lastError!: RunErrorDto | null;

  @ApiProperty({ format: 'date-time', example: '2026-05-04T06:50:00.118Z' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time', example: '2026-05-04T06:52:37.480Z' })
  updatedAt!: string;

  vms!: RunVmDto[];
}

/** One page of a schedule's runs, newest window first. */
export class RunListDto extends PageDto {
  items!: RunDto[];
}

/** Page of `GET /v1/schedules/{id}/runs`. */
export class ListRunsQueryDto extends PageQueryDto {}
