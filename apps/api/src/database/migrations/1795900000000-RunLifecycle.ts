import { MigrationInterface, QueryRunner } from 'typeorm';

const STATES_BEFORE = `'pending', 'provisioning', 'active', 'degraded', 'tearing-down', 'completed', 'failed', 'missed'`;
const STATES_AFTER = `'pending', 'provisioning', 'active', 'degraded', 'tearing-down', 'completed', 'partial', 'failed', 'missed'`;
const REASONS = `'quota', 'cloud_error', 'attempts_exhausted', 'window_ended'`;

/**
 * Live and final run states become disjoint: `degraded` is now only live (a window below its count for a
 * recorded reason) and a window that ended below its count is `partial`. Runs and slots record the reason of
 * a shortfall.
 *
 * It also repairs what the old lifecycle left stuck: a run that ended below its count read `degraded`, a
 * state the engine still worked on, so it was "torn down" again on every pass (its end times moving) and
 * its schedule could never finish deleting; and slots that never got a VM stayed `PENDING`. Such runs become
 * `partial` (or `failed`) with every slot closed. A schedule stuck in `deleting` needs no change here: the
 * engine removes it on its next pass once it sees none of its VMs in the cloud, which only it can check.
 */
export class RunLifecycle1795900000000 implements MigrationInterface {
  name = 'RunLifecycle1795900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "run" DROP CONSTRAINT "CHK_run_state"`);
    await queryRunner.query(`ALTER TABLE "run" ADD CONSTRAINT "CHK_run_state" CHECK ("state" IN (${STATES_AFTER}))`);
    await queryRunner.query(`ALTER TABLE "run" ADD "shortfall_reason" text`);
    await queryRunner.query(`ALTER TABLE "run" ADD CONSTRAINT "CHK_run_shortfall_reason" CHECK ("shortfall_reason" IN (${REASONS}))`);
    await queryRunner.query(`ALTER TABLE "run_vm" ADD "shortfall_reason" text`);
    await queryRunner.query(`ALTER TABLE "run_vm" ADD CONSTRAINT "CHK_run_vm_shortfall_reason" CHECK ("shortfall_reason" IN (${REASONS}))`);

    // A `degraded` run that was torn down had ended: the old engine set `torn_down_at` only when no VM was left.
    // Both end times moved forward on every pass since; the window's end is the best record left of the end.
    await queryRunner.query(
      `UPDATE "run" SET "state" = CASE WHEN EXISTS (SELECT 1 FROM "run_vm" v WHERE v."run_id" = "run"."id" AND v."active_at" IS NOT NULL)
                                       THEN 'partial' ELSE 'failed' END,
                        "ended_at" = LEAST("ended_at", "window_end"),
                        "torn_down_at" = LEAST("ended_at", "window_end")
       WHERE "state" = 'degraded' AND "torn_down_at" IS NOT NULL`,
    );
    const closed = `"run_id" IN (SELECT "id" FROM "run" WHERE "state" IN ('completed', 'partial', 'failed', 'missed'))`;
    // Closed runs keep no open slot: a slot with a server was torn down with the run...
    await queryRunner.query(
      `UPDATE "run_vm" v SET "status" = 'DELETED', "deleted_at" = COALESCE(r."torn_down_at", r."updated_at")
       FROM "run" r WHERE r."id" = v."run_id" AND v.${closed} AND v."server_id" IS NOT NULL AND v."deleted_at" IS NULL`,
    );
    // ...a slot that never got one is closed with its reason...
    await queryRunner.query(
      `UPDATE "run_vm" SET "status" = 'NOT_CREATED',
              "shortfall_reason" = CASE WHEN "fault_message" ~* 'quota exceeded|exceeded quota|over ?limit' THEN 'quota'
                                        WHEN "fault_message" IS NOT NULL THEN 'cloud_error' ELSE 'window_ended' END
       WHERE ${closed} AND "server_id" IS NULL AND "status" NOT IN ('DELETED', 'FAILED', 'NOT_CREATED', 'ACTIVE')`,
    );
    await queryRunner.query(`UPDATE "run_vm" SET "shortfall_reason" = 'attempts_exhausted' WHERE "status" = 'FAILED'`);
    // ...and a run that ended short says why.
    await queryRunner.query(
      `UPDATE "run" r SET "shortfall_reason" = (
         SELECT v."shortfall_reason" FROM "run_vm" v WHERE v."run_id" = r."id" AND v."shortfall_reason" IS NOT NULL
         ORDER BY array_position(ARRAY[${REASONS}], v."shortfall_reason") LIMIT 1)
       WHERE r."state" IN ('partial', 'failed')`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`UPDATE "run_vm" SET "status" = 'PENDING' WHERE "status" = 'NOT_CREATED'`);
    await queryRunner.query(`UPDATE "run" SET "state" = 'degraded' WHERE "state" = 'partial'`);
    await queryRunner.query(`ALTER TABLE "run_vm" DROP CONSTRAINT "CHK_run_vm_shortfall_reason"`);
    await queryRunner.query(`ALTER TABLE "run_vm" DROP COLUMN "shortfall_reason"`);
    await queryRunner.query(`ALTER TABLE "run" DROP CONSTRAINT "CHK_run_shortfall_reason"`);
    await queryRunner.query(`ALTER TABLE "run" DROP COLUMN "shortfall_reason"`);
    await queryRunner.query(`ALTER TABLE "run" DROP CONSTRAINT "CHK_run_state"`);
    await queryRunner.query(`ALTER TABLE "run" ADD CONSTRAINT "CHK_run_state" CHECK ("state" IN (${STATES_BEFORE}))`);
  }
}
