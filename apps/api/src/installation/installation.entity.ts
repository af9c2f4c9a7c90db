import { Check, Column, Entity, PrimaryColumn, Unique } from 'typeorm';

/**
 * Which installation this database belongs to: one row, created with the database (by its first migration run).
 * Every VM the engine makes carries the id in a tag, so two installations on one cloud (production and a laptop
 * trying a new version, say) never list, adopt or delete each other's VMs.
 */
@Entity({ name: 'installation' })
@Unique('UQ_installation_id', ['id'])
@Check('CHK_installation_singleton', `"singleton"`)
export class InstallationEntity {
  /** Always true: the primary key that allows one row only. */
  @PrimaryColumn({ type: 'boolean', default: true, primaryKeyConstraintName: 'PK_installation' })
  singleton!: boolean;

  @Column({ type: 'uuid' })
  id!: string;

  @Column({ type: 'timestamptz', name: 'created_at', default: () => 'now()' })
  createdAt!: Date;
}
