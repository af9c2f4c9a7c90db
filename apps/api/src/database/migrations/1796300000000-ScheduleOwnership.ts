import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every schedule belongs to a Keystone project, and its VMs are made there through a Keystone trust from the user
 * who created it to the service user. Schedules made before have no project yet: the API fills in the service
 * account's own project at start-up (where their VMs always were), since only it knows which that is. Runs record
 * their schedule's project, so a deleted schedule's history stays readable by that project only. Who created and
 * last changed a schedule is recorded too.
 */
export class ScheduleOwnership1796300000000 implements MigrationInterface {
  name = 'ScheduleOwnership1796300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const column of [
      'project_id',
      'project_name',
      'project_domain_id',
      'trust_id',
      'created_by_id',
      'created_by_name',
      'updated_by_id',
      'updated_by_name',
    ])
      await queryRunner.query(`ALTER TABLE "schedule" ADD "${column}" text`);
    await queryRunner.query(`CREATE INDEX "IDX_schedule_project_id" ON "schedule" ("project_id")`);
    await queryRunner.query(`ALTER TABLE "run" ADD "project_id" text`);
    await queryRunner.query(`CREATE INDEX "IDX_run_project_id" ON "run" ("project_id")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "IDX_run_project_id"`);
    await queryRunner.query(`ALTER TABLE "run" DROP COLUMN "project_id"`);
    await queryRunner.query(`DROP INDEX "IDX_schedule_project_id"`);
    for (const column of [
      'updated_by_name',
      'updated_by_id',
      'created_by_name',
      'created_by_id',
      'trust_id',
      'project_domain_id',
      'project_name',
      'project_id',
    ])
      await queryRunner.query(`ALTER TABLE "schedule" DROP COLUMN "${column}"`);
  }
}
