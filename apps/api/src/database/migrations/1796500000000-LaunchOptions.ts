import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Launch options (key pair, security groups, user data, server group, boot volume...) on schedules, and on each run
 * the copy of what it boots, so a change to a schedule applies to its next window, not to the VMs of a live one.
 * A run whose options ask for a server group per run records the group it made, to delete it after the run.
 */
export class LaunchOptions1796500000000 implements MigrationInterface {
  name = 'LaunchOptions1796500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "schedule" ADD "launch" jsonb NOT NULL DEFAULT '{}'`);
    await queryRunner.query(`ALTER TABLE "run" ADD "launch" jsonb`);
    await queryRunner.query(`ALTER TABLE "run" ADD "server_group_id" text`);
    // The engine looks each pass for finished runs whose group is still to delete: few rows, found through this.
    await queryRunner.query(`CREATE INDEX "IDX_run_server_group" ON "run" ("id") WHERE "server_group_id" IS NOT NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "IDX_run_server_group"`);
    await queryRunner.query(`ALTER TABLE "run" DROP COLUMN "server_group_id"`);
    await queryRunner.query(`ALTER TABLE "run" DROP COLUMN "launch"`);
    await queryRunner.query(`ALTER TABLE "schedule" DROP COLUMN "launch"`);
  }
}
