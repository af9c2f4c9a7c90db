import type { LaunchOptions } from './launch-options';
import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';

export type WindowType = 'once' | 'recurring';

/**
 * A schedule: what to create (image, flavor, networks, count) and when (one window, or a cron-driven series
 * in `time_zone`). Instants are timestamptz in UTC; the zone is kept beside them.
 *
 * `next_window_*` is a cursor derived from the timing: the first window not yet ended when it was computed.
 * It lets the list derive `idle`/`upcoming` and filter by state in SQL; readers refresh it when
 * `next_window_end` has passed (see SchedulesRepository.refreshCursors).
 */
@Entity({ name: 'schedule' })
@Index('UQ_schedule_name_lower', { synchronize: false }) // unique on lower(name); created by the migration
@Check('CHK_schedule_window_type', `"window_type" IN ('once', 'recurring')`)
@Check(
  'CHK_schedule_window_fields',
  `("window_type" = 'once' AND "start_at" IS NOT NULL AND "end_at" > "start_at" AND "cron" IS NULL AND "duration_minutes" IS NULL) OR ` +
    `("window_type" = 'recurring' AND "cron" IS NOT NULL AND "duration_minutes" > 0 AND "start_at" IS NULL AND "end_at" IS NULL)`,
)
@Check('CHK_schedule_instance_count', `"instance_count" >= 1`)
@Check('CHK_schedule_network_ids', `cardinality("network_ids") >= 1`)
@Check('CHK_schedule_lead_time', `"lead_time_minutes" >= 0`)
export class ScheduleEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'PK_schedule' })
  id!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text', default: '' })
  description!: string;

  @Column({ type: 'text', name: 'image_id' })
  imageId!: string;

  @Column({ type: 'text', name: 'flavor_id' })
  flavorId!: string;

  @Column({ type: 'text', name: 'network_ids', array: true })
  networkIds!: string[];

  /** Key pair, security groups, user data, server group, boot volume... (`{}`: Nova's defaults). */
  @Column({ type: 'jsonb', default: () => "'{}'" })
  launch!: LaunchOptions;

  @Column({ type: 'integer', name: 'instance_count' })
  instanceCount!: number;

  /** IANA zone the cron expression and the excluded dates are read in. */
  @Column({ type: 'text', name: 'time_zone' })
  timeZone!: string;

  @Column({ type: 'text', name: 'window_type' })
  windowType!: WindowType;

  /** One-off window start. */
  @Column({ type: 'timestamptz', name: 'start_at', nullable: true })
  startAt!: Date | null;

  /** One-off window end. */
  @Column({ type: 'timestamptz', name: 'end_at', nullable: true })
  endAt!: Date | null;

  /** Recurring: 5-field cron expression for the start, normalized. */
  @Column({ type: 'text', nullable: true })
  cron!: string | null;

  /** Recurring: elapsed length of each window. */
  @Column({ type: 'integer', name: 'duration_minutes', nullable: true })
  durationMinutes!: number | null;

  @Column({ type: 'timestamptz', name: 'valid_from', nullable: true })
  validFrom!: Date | null;

  @Column({ type: 'timestamptz', name: 'valid_until', nullable: true })
  validUntil!: Date | null;

  /** Local dates (`YYYY-MM-DD`, in `time_zone`) on which no window starts. */
  @Column({ type: 'text', name: 'excluded_dates', array: true, default: () => "'{}'" })
  excludedDates!: string[];

  @Column({ type: 'integer', name: 'lead_time_minutes' })
  leadTimeMinutes!: number;

  @Column({ type: 'boolean', default: true })
  enabled!: boolean;

  /**
   * Disabled "after this window": the window (start and end) whose VMs stay until it ends. The engine keeps serving
   * that one window of a disabled schedule and no other; null when none is kept.
   */
  @Column({ type: 'timestamptz', name: 'kept_window_start', nullable: true })
  keptWindowStart!: Date | null;

  @Column({ type: 'timestamptz', name: 'kept_window_end', nullable: true })
  keptWindowEnd!: Date | null;

  /** Cursor: the first window that had not ended when computed (null: none left). */
  @Column({ type: 'timestamptz', name: 'next_window_start', nullable: true })
  nextWindowStart!: Date | null;

  @Index('IDX_schedule_next_window_end')
  @Column({ type: 'timestamptz', name: 'next_window_end', nullable: true })
  nextWindowEnd!: Date | null;

  @Column({ type: 'timestamptz', name: 'next_provision_at', nullable: true })
  nextProvisionAt!: Date | null;

  /** Set by DELETE while VMs are up: the engine tears them down, then removes the row. */
  @Column({ type: 'timestamptz', name: 'deleting_since', nullable: true })
  deletingSince!: Date | null;

  @Column({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;

  @Index('IDX_schedule_updated_at')
  @Column({ type: 'timestamptz', name: 'updated_at' })
  updatedAt!: Date;

  /**
   * The Keystone project the schedule belongs to (its VMs are made there); null only for a schedule made before
   * projects, until the API fills in the service account's project at start-up.
   */
  @Index('IDX_schedule_project_id')
  @Column({ type: 'text', name: 'project_id', nullable: true })
  projectId!: string | null;

  @Column({ type: 'text', name: 'project_name', nullable: true })
  projectName!: string | null;

  @Column({ type: 'text', name: 'project_domain_id', nullable: true })
  projectDomainId!: string | null;

  /**
   * The Keystone trust from the creating user to the service user, for the project: the engine acts through it.
   * Null when the service user itself created the schedule in its own project (no delegation needed).
   */
  @Column({ type: 'text', name: 'trust_id', nullable: true })
  trustId!: string | null;

  /** The user who gave that trust: the creator, or the member who took the delegation over since. */
  @Column({ type: 'text', name: 'trustor_id', nullable: true })
  trustorId!: string | null;

  @Column({ type: 'text', name: 'trustor_name', nullable: true })
  trustorName!: string | null;

  @Column({ type: 'text', name: 'created_by_id', nullable: true })
  createdById!: string | null;

  @Column({ type: 'text', name: 'created_by_name', nullable: true })
  createdByName!: string | null;

  @Column({ type: 'text', name: 'updated_by_id', nullable: true })
  updatedById!: string | null;

  @Column({ type: 'text', name: 'updated_by_name', nullable: true })
  updatedByName!: string | null;

  /** Optimistic concurrency: bumped by every change; PATCH must send the version it read. */
  @Column({ type: 'integer', default: 1 })
  version!: number;

  /**
   * The transaction that last wrote the row, stamped by a trigger (never by the application): the engine's
   * change marker (see EngineSchedules). Not read with the row.
   */
  @Index('IDX_schedule_change_xid')
  @Column({ type: 'bigint', name: 'change_xid', nullable: true, select: false, insert: false, update: false })
  changeXid?: string | null;
}
