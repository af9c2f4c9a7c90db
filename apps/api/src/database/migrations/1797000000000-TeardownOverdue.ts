import { MigrationInterface, QueryRunner } from 'typeorm';

/** A run whose teardown is late is stamped once, when `peak.run.teardown_failed` announces it. */
export class TeardownOverdue1797000000000 implements MigrationInterface {
  name = 'TeardownOverdue1797000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "run" ADD "teardown_overdue_at" TIMESTAMP WITH TIME ZONE`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "run" DROP COLUMN "teardown_overdue_at"`);
  }
}
