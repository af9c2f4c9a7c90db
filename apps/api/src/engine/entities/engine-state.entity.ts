import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * What the engine must remember across restarts and failovers beyond runs: when its last pass ended.
 * Windows that began and ended after that, while no engine ran, are recorded as missed.
 */
@Entity({ name: 'engine_state' })
export class EngineStateEntity {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'PK_engine_state' })
  name!: string;

  @Column({ type: 'timestamptz', name: 'last_pass_at' })
  lastPassAt!: Date;
}
