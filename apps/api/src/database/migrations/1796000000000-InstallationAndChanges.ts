import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The installation's identity (one row, created here with the database), and a change marker on schedules that
 * cannot miss a committed change: the id of the transaction that last wrote each row, stamped by a trigger. The
 * engine reads rows written by transactions at or after the oldest one still running at its previous look
 * (`pg_snapshot_xmin`), so neither clocks nor slow commits can hide a change from it.
 */
export class InstallationAndChanges1796000000000 implements MigrationInterface {
  name = 'InstallationAndChanges1796000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "installation" ("singleton" boolean NOT NULL DEFAULT true, "id" uuid NOT NULL, ` +
        `"created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_installation_id" UNIQUE ("id"), ` +
        `CONSTRAINT "CHK_installation_singleton" CHECK ("singleton"), CONSTRAINT "PK_installation" PRIMARY KEY ("singleton"))`,
    );
    await queryRunner.query(`INSERT INTO "installation" ("singleton", "id") VALUES (true, gen_random_uuid())`);

    await queryRunner.query(`ALTER TABLE "schedule" ADD "change_xid" bigint`);
    await queryRunner.query(`CREATE INDEX "IDX_schedule_change_xid" ON "schedule" ("change_xid")`);
    await queryRunner.query(
      `CREATE FUNCTION "schedule_stamp_change"() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         NEW."change_xid" := pg_current_xact_id()::text::bigint;
         RETURN NEW;
       END $$`,
    );
    await queryRunner.query(
      `CREATE TRIGGER "TRG_schedule_change_xid" BEFORE INSERT OR UPDATE ON "schedule" FOR EACH ROW EXECUTE FUNCTION "schedule_stamp_change"()`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER "TRG_schedule_change_xid" ON "schedule"`);
    await queryRunner.query(`DROP FUNCTION "schedule_stamp_change"()`);
    await queryRunner.query(`DROP INDEX "IDX_schedule_change_xid"`);
    await queryRunner.query(`ALTER TABLE "schedule" DROP COLUMN "change_xid"`);
    await queryRunner.query(`DROP TABLE "installation"`);
  }
}
