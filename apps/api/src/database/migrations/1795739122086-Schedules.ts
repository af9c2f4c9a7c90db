import { MigrationInterface, QueryRunner } from 'typeorm';

/** Schedules, their runs and the runs' VMs (entities in `schedules/entities/`). */
export class Schedules1795739122086 implements MigrationInterface {
  name = 'Schedules1795739122086';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "schedule" ("id" uuid NOT NULL, "name" text NOT NULL, "description" text NOT NULL DEFAULT '', "image_id" text NOT NULL, "flavor_id" text NOT NULL, "network_ids" text array NOT NULL, "instance_count" integer NOT NULL, "time_zone" text NOT NULL, "window_type" text NOT NULL, "start_at" TIMESTAMP WITH TIME ZONE, "end_at" TIMESTAMP WITH TIME ZONE, "cron" text, "duration_minutes" integer, "valid_from" TIMESTAMP WITH TIME ZONE, "valid_until" TIMESTAMP WITH TIME ZONE, "excluded_dates" text array NOT NULL DEFAULT '{}', "lead_time_minutes" integer NOT NULL, "enabled" boolean NOT NULL DEFAULT true, "next_window_start" TIMESTAMP WITH TIME ZONE, "next_window_end" TIMESTAMP WITH TIME ZONE, "next_provision_at" TIMESTAMP WITH TIME ZONE, "deleting_since" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL, "version" integer NOT NULL DEFAULT '1', ` +
        `CONSTRAINT "CHK_schedule_lead_time" CHECK ("lead_time_minutes" >= 0), CONSTRAINT "CHK_schedule_network_ids" CHECK (cardinality("network_ids") >= 1), CONSTRAINT "CHK_schedule_instance_count" CHECK ("instance_count" >= 1), ` +
        `CONSTRAINT "CHK_schedule_window_fields" CHECK (("window_type" = 'once' AND "start_at" IS NOT NULL AND "end_at" > "start_at" AND "cron" IS NULL AND "duration_minutes" IS NULL) OR ("window_type" = 'recurring' AND "cron" IS NOT NULL AND "duration_minutes" > 0 AND "start_at" IS NULL AND "end_at" IS NULL)), ` +
        `CONSTRAINT "CHK_schedule_window_type" CHECK ("window_type" IN ('once', 'recurring')), CONSTRAINT "PK_schedule" PRIMARY KEY ("id"))`,
    );
    // Names are unique regardless of case; the list is ordered by this index too.
    await queryRunner.query(`CREATE UNIQUE INDEX "UQ_schedule_name_lower" ON "schedule" (lower("name"))`);
    await queryRunner.query(`CREATE INDEX "IDX_schedule_next_window_end" ON "schedule" ("next_window_end")`);

    await queryRunner.query(
      `CREATE TABLE "run" ("id" uuid NOT NULL, "schedule_id" uuid NOT NULL, "window_start" TIMESTAMP WITH TIME ZONE NOT NULL, "window_end" TIMESTAMP WITH TIME ZONE NOT NULL, "provision_at" TIMESTAMP WITH TIME ZONE NOT NULL, "started_at" TIMESTAMP WITH TIME ZONE, "ready_at" TIMESTAMP WITH TIME ZONE, "ended_at" TIMESTAMP WITH TIME ZONE, "torn_down_at" TIMESTAMP WITH TIME ZONE, "state" text NOT NULL DEFAULT 'pending', "lateness_seconds" integer, "last_error_message" text, "last_error_request_id" text, "last_error_at" TIMESTAMP WITH TIME ZONE, "desired_count" integer NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL, ` +
        `CONSTRAINT "UQ_run_schedule_window_start" UNIQUE ("schedule_id", "window_start"), CONSTRAINT "CHK_run_desired_count" CHECK ("desired_count" >= 0), ` +
        `CONSTRAINT "CHK_run_state" CHECK ("state" IN ('pending', 'provisioning', 'active', 'degraded', 'tearing-down', 'completed', 'failed', 'missed')), CONSTRAINT "PK_run" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_run_state" ON "run" ("state")`);
    await queryRunner.query(
      `ALTER TABLE "run" ADD CONSTRAINT "FK_run_schedule" FOREIGN KEY ("schedule_id") REFERENCES "schedule"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );

    await queryRunner.query(
      `CREATE TABLE "run_vm" ("id" uuid NOT NULL, "run_id" uuid NOT NULL, "server_id" text, "name" text NOT NULL, "status" text NOT NULL, "fault_message" text, "attempts" integer NOT NULL DEFAULT '0', "created_at" TIMESTAMP WITH TIME ZONE, "active_at" TIMESTAMP WITH TIME ZONE, "deleted_at" TIMESTAMP WITH TIME ZONE, ` +
        `CONSTRAINT "CHK_run_vm_attempts" CHECK ("attempts" >= 0), CONSTRAINT "PK_run_vm" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_run_vm_run_id" ON "run_vm" ("run_id")`);
    await queryRunner.query(`CREATE INDEX "IDX_run_vm_server_id" ON "run_vm" ("server_id")`);
    await queryRunner.query(
      `ALTER TABLE "run_vm" ADD CONSTRAINT "FK_run_vm_run" FOREIGN KEY ("run_id") REFERENCES "run"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "run_vm"`);
    await queryRunner.query(`DROP TABLE "run"`);
    await queryRunner.query(`DROP TABLE "schedule"`);
  }
}
