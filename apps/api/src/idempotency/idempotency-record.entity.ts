import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A POST sent with an `Idempotency-Key`: while it runs (`status` null) and, once it succeeded, its answer, which a
 * retry with the same key and request gets again for 24 hours. Keys are per user: two users never share one.
 */
@Entity('idempotency_record')
@Index('IDX_idempotency_record_created_at', ['createdAt'])
export class IdempotencyRecordEntity {
  @PrimaryColumn({ name: 'user_id', type: 'text', primaryKeyConstraintName: 'PK_idempotency_record' })
  userId!: string;

  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'PK_idempotency_record' })
  key!: string;

  /** SHA-256 of the method, path and body: the same key with another request is refused. */
  @Column({ name: 'request_hash', type: 'text' })
  requestHash!: string;

  /** When the first request arrived (an answer is replayed for 24 hours from then). */
  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  /** The answer's status; null while the first request runs. */
  @Column({ type: 'integer', nullable: true })
  status!: number | null;

  @Column({ type: 'jsonb', nullable: true })
  body!: unknown;

  /** The answer's `Location`, if it had one. */
  @Column({ type: 'text', nullable: true })
  location!: string | null;
}
