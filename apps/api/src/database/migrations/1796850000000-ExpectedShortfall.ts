import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The engine re-checks a window's fit with the project's quota as its run opens and records what it expects to lack
 * (a list of conflicts; empty when it fits, null when it was not checked).
 */
export class ExpectedShortfall1796850000000 implements MigrationInterface {
  name = 'ExpectedShortfall1796850000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "run" ADD "expected_shortfall" jsonb`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "run" DROP COLUMN "expected_shortfall"`);
  }
}
