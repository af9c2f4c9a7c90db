import { MigrationInterface, QueryRunner } from 'typeorm';

/** Fencing: every change of lease holder gets a higher epoch; the leader checks its epoch before it acts. */
export class LeaseEpoch1796100000000 implements MigrationInterface {
  name = 'LeaseEpoch1796100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "engine_lease" ADD "epoch" bigint NOT NULL DEFAULT 0`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "engine_lease" DROP COLUMN "epoch"`);
  }
}
