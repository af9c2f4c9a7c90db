import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Leader election for the engine: one row per lease, held by whoever renewed it last before it expired.
 * A row, not an advisory lock, because the embedded database has a single shared session.
 */
@Entity({ name: 'engine_lease' })
export class EngineLeaseEntity {
  @PrimaryColumn({ type: 'text' })
  name!: string;

  /** Identity of the replica holding the lease (host, pid, random suffix). */
  @Column({ type: 'text' })
  holder!: string;

  @Column({ type: 'timestamptz', name: 'expires_at' })
  expiresAt!: Date;

  @Column({ type: 'timestamptz', name: 'acquired_at' })
  acquiredAt!: Date;

  /**
   * Fencing token: one higher each time the lease changes hands (or a replica starts a new term), unchanged by
   * renewals. A leader confirms its holder and epoch before it acts, so a replica that lost the lease cannot.
   * `bigint`, read by pg as a string.
   */
  @Column({ type: 'bigint', default: 0 })
  epoch!: string;
}
