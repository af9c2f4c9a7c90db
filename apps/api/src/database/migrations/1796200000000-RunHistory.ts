import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Run history outlives its schedule: `run.schedule_id` is no longer a foreign key (deleting a schedule used to
 * delete its runs with it), and each run records the schedule's name, so a deleted schedule's history still
 * reads well. Old finished runs are pruned by the engine instead (RUN_RETENTION_DAYS); the index serves that
 * query. `run_vm` keeps its cascading key to `run`.
 */
export class RunHistory1796200000000 implements MigrationInterface {
  name = 'RunHistory1796200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "run" DROP CONSTRAINT "FK_run_schedule"`);
    await queryRunner.query(`ALTER TABLE "run" ADD "schedule_name" text`);
    // The key guaranteed a schedule for every run; the id stands in should one be missing all the same.
    await queryRunner.query(
      `UPDATE "run" r SET "schedule_name" = COALESCE((SELECT s."name" FROM "schedule" s WHERE s."id" = r."schedule_id"), r."schedule_id"::text)`,
    );
    await queryRunner.query(`ALTER TABLE "run" ALTER COLUMN "schedule_name" SET NOT NULL`);
    await queryRunner.query(`CREATE INDEX "IDX_run_window_end" ON "run" ("window_end")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "IDX_run_window_end"`);
    await queryRunner.query(`ALTER TABLE "run" DROP COLUMN "schedule_name"`);
    // Runs whose schedule is gone cannot stay under the key again.
    await queryRunner.query(`DELETE FROM "run" r WHERE NOT EXISTS (SELECT 1 FROM "schedule" s WHERE s."id" = r."schedule_id")`);
    await queryRunner.query(
      `ALTER TABLE "run" ADD CONSTRAINT "FK_run_schedule" FOREIGN KEY ("schedule_id") REFERENCES "schedule"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }
}
