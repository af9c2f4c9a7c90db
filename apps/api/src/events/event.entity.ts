import { Column, Entity, Index, PrimaryGeneratedColumn, Unique } from 'typeorm';

/**
 * The transactional outbox: one row per change others may hear about (a schedule created, a run ready...), written in
 * the same transaction as the change, so a crash neither loses an event nor announces one that did not happen. The
 * webhook dispatcher fans rows out to the matching webhooks in `seq` order and stamps `fanned_out_at`.
 */
@Entity('event')
@Unique('UQ_event_id', ['id'])
@Index('IDX_event_pending', ['seq'], { where: '"fanned_out_at" IS NULL' })
@Index('IDX_event_subject', ['subject', 'seq'])
export class EventEntity {
  /** Commit order within the outbox (a sequence): deliveries of one schedule keep it. */
  @PrimaryGeneratedColumn({ type: 'bigint', primaryKeyConstraintName: 'PK_event' })
  seq!: string;

  /** The CloudEvents `id`: every delivery of this event carries it (receivers deduplicate on it). */
  @Column({ type: 'uuid' })
  id!: string;

  /** The CloudEvents `type`, e.g. `peak.run.ready`. */
  @Column({ type: 'text' })
  type!: string;

  /** The schedule the event is about (the CloudEvents `subject`); null for a webhook's ping. */
  @Column({ type: 'uuid', nullable: true })
  subject!: string | null;

  /** The schedule's project: which projects' webhooks hear it. */
  @Column({ name: 'project_id', type: 'text', nullable: true })
  projectId!: string | null;

  @Column({ type: 'timestamptz' })
  time!: Date;

  /** The run or schedule as the API shows it, user data left out. */
  @Column({ type: 'jsonb' })
  data!: object;

  /** When the dispatcher made the event's deliveries; null while it waits in the outbox. */
  @Column({ name: 'fanned_out_at', type: 'timestamptz', nullable: true })
  fannedOutAt!: Date | null;
}
