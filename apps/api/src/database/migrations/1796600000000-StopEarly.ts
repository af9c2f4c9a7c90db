import { MigrationInterface, QueryRunner } from 'typeorm';

const STATES_BEFORE = `'pending', 'provisioning', 'active', 'degraded', 'tearing-down', 'completed', 'partial', 'failed', 'missed'`;
const STATES_AFTER = `${STATES_BEFORE}, 'stopped'`;

/**
 * Ending a window early, and not ending it. A run someone stopped (disabling or deleting its schedule during the window,
 * to stop now) records who and when, and ends `stopped` rather than `completed`. A schedule disabled "after this window"
 * records the window it keeps until that window's end.
 */
export class StopEarly1796600000000 implements MigrationInterface {
  name = 'StopEarly1796600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "run" DROP CONSTRAINT "CHK_run_state"`);
    await queryRunner.query(`ALTER TABLE "run" ADD CONSTRAINT "CHK_run_state" CHECK ("state" IN (${STATES_AFTER}))`);
    await queryRunner.query(`ALTER TABLE "run" ADD "stopped_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "run" ADD "stopped_by_id" text`);
    await queryRunner.query(`ALTER TABLE "run" ADD "stopped_by_name" text`);
    await queryRunner.query(`ALTER TABLE "schedule" ADD "kept_window_start" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "schedule" ADD "kept_window_end" TIMESTAMP WITH TIME ZONE`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "schedule" DROP COLUMN "kept_window_end"`);
    await queryRunner.query(`ALTER TABLE "schedule" DROP COLUMN "kept_window_start"`);
    // A stopped run's VMs are gone like a completed run's: the older lifecycle's nearest final state.
    await queryRunner.query(`UPDATE "run" SET "state" = 'completed' WHERE "state" = 'stopped'`);
    await queryRunner.query(`ALTER TABLE "run" DROP COLUMN "stopped_by_name"`);
    await queryRunner.query(`ALTER TABLE "run" DROP COLUMN "stopped_by_id"`);
    await queryRunner.query(`ALTER TABLE "run" DROP COLUMN "stopped_at"`);
    await queryRunner.query(`ALTER TABLE "run" DROP CONSTRAINT "CHK_run_state"`);
    await queryRunner.query(`ALTER TABLE "run" ADD CONSTRAINT "CHK_run_state" CHECK ("state" IN (${STATES_BEFORE}))`);
  }
}
