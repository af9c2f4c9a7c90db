import type { CapacityResource } from '@peak/schedule-domain';
import { Check, Column, Entity, Index, OneToMany, PrimaryColumn, Unique } from 'typeorm';
import { RUN_STATES, type RunState, SHORTFALL_REASONS, type ShortfallReason } from '../run-lifecycle';
import type { LaunchSpec } from '../../schedules/entities/launch-options';

/** One quota conflict a run was expected to meet, as the capacity check describes it (times in ISO 8601). */
export interface ExpectedShortfall {
  readonly from: string;
  readonly to: string;
  readonly resource: CapacityResource;
  readonly needed: number;
  readonly available: number;
  readonly schedules: readonly { readonly id: string; readonly name: string }[];
}
import { RunVmEntity } from './run-vm.entity';

export type { RunState } from '../run-lifecycle';

const RUN_STATE_CHECK = `"state" IN (${RUN_STATES.map((s) => `'${s}'`).join(', ')})`;
const SHORTFALL_REASON_CHECK = `"shortfall_reason" IN (${SHORTFALL_REASONS.map((s) => `'${s}'`).join(', ')})`;

/**
 * One occurrence the engine acted on (or missed). The engine creates and updates runs; the API exposes them.
 * Unique per (schedule, window start), so an occurrence is never run twice. A run outlives its schedule (no
 * foreign key): the history of a deleted schedule stays until the engine prunes finished runs older than
 * RUN_RETENTION_DAYS.
 */
@Entity({ name: 'run' })
@Index('IDX_run_server_group', ['id'], { where: '"server_group_id" IS NOT NULL' })
@Unique('UQ_run_schedule_window_start', ['scheduleId', 'windowStart'])
@Check('CHK_run_state', RUN_STATE_CHECK)
@Check('CHK_run_shortfall_reason', SHORTFALL_REASON_CHECK)
@Check('CHK_run_desired_count', `"desired_count" >= 0`)
export class RunEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'PK_run' })
  id!: string;

  /** The schedule this run is of; the schedule may since have been deleted (a soft link, no foreign key). */
  @Column({ type: 'uuid', name: 'schedule_id' })
  scheduleId!: string;

  /** The schedule's name when the run was opened (or recorded as missed): the history reads well once it is gone. */
  @Column({ type: 'text', name: 'schedule_name' })
  scheduleName!: string;

  /** The schedule's Keystone project when the run was opened: who may read the run, also once the schedule is gone. */
  @Index('IDX_run_project_id')
  @Column({ type: 'text', name: 'project_id', nullable: true })
  projectId!: string | null;

  /** Planned window start (the occurrence). */
  @Column({ type: 'timestamptz', name: 'window_start' })
  windowStart!: Date;

  /** Planned window end. Indexed for pruning old finished runs. */
  @Index('IDX_run_window_end')
  @Column({ type: 'timestamptz', name: 'window_end' })
  windowEnd!: Date;

  /** Planned provisioning start: window start minus the lead time. */
  @Column({ type: 'timestamptz', name: 'provision_at' })
  provisionAt!: Date;

  /** When the engine actually began provisioning. */
  @Column({ type: 'timestamptz', name: 'started_at', nullable: true })
  startedAt!: Date | null;

  /** When every VM was ACTIVE. */
  @Column({ type: 'timestamptz', name: 'ready_at', nullable: true })
  readyAt!: Date | null;

  /** When the window ended for the engine (teardown began). */
  @Column({ type: 'timestamptz', name: 'ended_at', nullable: true })
  endedAt!: Date | null;

  /** When the last VM was gone. */
  @Column({ type: 'timestamptz', name: 'torn_down_at', nullable: true })
  tornDownAt!: Date | null;

  /** When the teardown was announced as failing (`peak.run.teardown_failed`): VMs left TEARDOWN_ALERT_MINUTES after it began. */
  @Column({ type: 'timestamptz', name: 'teardown_overdue_at', nullable: true })
  teardownOverdueAt!: Date | null;

  @Index('IDX_run_state')
  @Column({ type: 'text', default: 'pending' })
  state!: RunState;

  /** How late provisioning began compared with `provision_at`. */
  @Column({ type: 'integer', name: 'lateness_seconds', nullable: true })
  latenessSeconds!: number | null;

  /** The last cloud error: OpenStack's message. */
  @Column({ type: 'text', name: 'last_error_message', nullable: true })
  lastErrorMessage!: string | null;

  /** The last cloud error: OpenStack's request id, to find the call in the cloud's logs. */
  @Column({ type: 'text', name: 'last_error_request_id', nullable: true })
  lastErrorRequestId!: string | null;

  /** When someone ended the window early (disabled or deleted the schedule during it, to stop now); the run ends `stopped`. */
  @Column({ type: 'timestamptz', name: 'stopped_at', nullable: true })
  stoppedAt!: Date | null;

  /** Who stopped it (Keystone user id and name). */
  @Column({ type: 'text', name: 'stopped_by_id', nullable: true })
  stoppedById!: string | null;

  @Column({ type: 'text', name: 'stopped_by_name', nullable: true })
  stoppedByName!: string | null;

  @Column({ type: 'timestamptz', name: 'last_error_at', nullable: true })
  lastErrorAt!: Date | null;

  /**
   * Why the run has (or, once final, had) fewer VMs than it wants, when it is for a recorded reason; null
   * while it is on track. A live run with a shortfall is `degraded`.
   */
  @Column({ type: 'text', name: 'shortfall_reason', nullable: true })
  shortfallReason!: ShortfallReason | null;

  /** VMs wanted for this window (the schedule's count when the run began). */
  @Column({ type: 'integer', name: 'desired_count' })
  desiredCount!: number;

  /**
   * What the run boots (image, flavor, networks, launch options), copied from the schedule when the run opened: a
   * change to the schedule applies to its next window. Null for a run opened before launch options.
   */
  @Column({ type: 'jsonb', nullable: true })
  launch!: LaunchSpec | null;

  /**
   * What the capacity re-check found as the run opened: the quota conflicts over its window that involve its schedule
   * (`[]`: it fits), recorded before the first create. Null: not checked (quota unreadable, or a run older than that).
   */
  @Column({ type: 'jsonb', name: 'expected_shortfall', nullable: true })
  expectedShortfall!: ExpectedShortfall[] | null;

  /** The server group the engine made for this run (launch option `serverGroup.policy`); deleted after the run. */
  @Column({ type: 'text', name: 'server_group_id', nullable: true })
  serverGroupId!: string | null;

  @Column({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', name: 'updated_at' })
  updatedAt!: Date;

  @OneToMany(() => RunVmEntity, (vm) => vm.run)
  vms?: RunVmEntity[];
}
