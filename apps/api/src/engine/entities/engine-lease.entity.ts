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
}
