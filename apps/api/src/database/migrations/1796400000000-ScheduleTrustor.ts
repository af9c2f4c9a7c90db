import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The user whose Keystone trust a schedule's engine acts through (the trustor). At first that is its creator; a
 * member of the project can take the delegation over (when the creator leaves, or the trust broke), so it is
 * recorded apart from `created_by`. Schedules with a trust get their creator as trustor.
 */
export class ScheduleTrustor1796400000000 implements MigrationInterface {
  name = 'ScheduleTrustor1796400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "schedule" ADD "trustor_id" text`);
    await queryRunner.query(`ALTER TABLE "schedule" ADD "trustor_name" text`);
    await queryRunner.query(
      `UPDATE "schedule" SET "trustor_id" = "created_by_id", "trustor_name" = "created_by_name" WHERE "trust_id" IS NOT NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "schedule" DROP COLUMN "trustor_name"`);
    await queryRunner.query(`ALTER TABLE "schedule" DROP COLUMN "trustor_id"`);
  }
}
