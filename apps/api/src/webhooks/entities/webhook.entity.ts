import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * Where to send events: a project's URL (or, `project_id` null, a cloud admin's for every project), with optional
 * filters on event type and schedule, and the secret deliveries are signed with.
 */
@Entity('webhook')
@Index('IDX_webhook_project_id', ['projectId'])
export class WebhookEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'PK_webhook' })
  id!: string;

  /** The Keystone project whose events it receives; null for a cloud-wide webhook (every project's). */
  @Column({ name: 'project_id', type: 'text', nullable: true })
  projectId!: string | null;

  @Column({ type: 'text' })
  url!: string;

  @Column({ type: 'text', default: '' })
  description!: string;

  /** Event types it receives; empty: all. */
  @Column({ name: 'event_types', type: 'text', array: true })
  eventTypes!: string[];

  /** Schedules whose events it receives; empty: all (of its project). */
  @Column({ name: 'schedule_ids', type: 'text', array: true })
  scheduleIds!: string[];

  /**
   * The signing secret (`whsec_` + base64), in clear: the product has no key facility to encrypt it with. The API
   * shows it only when it is made (create, rotation); the audit log and the logs never.
   */
  @Column({ type: 'text' })
  secret!: string;

  @Column({ type: 'boolean' })
  enabled!: boolean;

  /** Why the dispatcher disabled it (deliveries failing for 24 hours); null when enabled or disabled by a user. */
  @Column({ name: 'disabled_reason', type: 'text', nullable: true })
  disabledReason!: string | null;

  /** Since when its deliveries fail without a success in between; null while they succeed. */
  @Column({ name: 'failing_since', type: 'timestamptz', nullable: true })
  failingSince!: Date | null;

  @Column({ name: 'created_by_id', type: 'text' })
  createdById!: string;

  @Column({ name: 'created_by_name', type: 'text' })
  createdByName!: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
