import { MigrationInterface, QueryRunner } from 'typeorm';

/** The engine's slot numbers on run VMs, its pass checkpoint, and an index for polling schedule changes. */
export class EngineState1795739500000 implements MigrationInterface {
  name = 'EngineState1795739500000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "run_vm" ADD "slot" integer`);
    // Rows written before this migration carry their slot as the name's last number.
    await queryRunner.query(`UPDATE "run_vm" SET "slot" = COALESCE(NULLIF(substring("name" from '-(\\d+)$'), '')::integer, 1)`);
    await queryRunner.query(`ALTER TABLE "run_vm" ALTER COLUMN "slot" SET NOT NULL`);
    await queryRunner.query(`ALTER TABLE "run_vm" ADD CONSTRAINT "CHK_run_vm_slot" CHECK ("slot" >= 1)`);
    await queryRunner.query(`ALTER TABLE "run_vm" ADD CONSTRAINT "UQ_run_vm_run_slot" UNIQUE ("run_id", "slot")`);
    await queryRunner.query(
      `CREATE TABLE "engine_state" ("name" text NOT NULL, "last_pass_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_engine_state" PRIMARY KEY ("name"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_schedule_updated_at" ON "schedule" ("updated_at")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "IDX_schedule_updated_at"`);
    await queryRunner.query(`DROP TABLE "engine_state"`);
    await queryRunner.query(`ALTER TABLE "run_vm" DROP CONSTRAINT "UQ_run_vm_run_slot"`);
    await queryRunner.query(`ALTER TABLE "run_vm" DROP CONSTRAINT "CHK_run_vm_slot"`);
    await queryRunner.query(`ALTER TABLE "run_vm" DROP COLUMN "slot"`);
  }
}
