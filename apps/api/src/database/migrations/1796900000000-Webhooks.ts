import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Webhooks: the `event` outbox (written in the transaction of each schedule or run change), the webhooks, and one
 * delivery row per event and webhook with its attempts.
 */
export class Webhooks1796900000000 implements MigrationInterface {
  name = 'Webhooks1796900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "event" ("seq" BIGSERIAL NOT NULL, "id" uuid NOT NULL, "type" text NOT NULL, "subject" uuid, "project_id" text, ` +
        `"time" TIMESTAMP WITH TIME ZONE NOT NULL, "data" jsonb NOT NULL, "fanned_out_at" TIMESTAMP WITH TIME ZONE, ` +
        `CONSTRAINT "UQ_event_id" UNIQUE ("id"), CONSTRAINT "PK_event" PRIMARY KEY ("seq"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_event_pending" ON "event" ("seq") WHERE "fanned_out_at" IS NULL`);
    await queryRunner.query(
      `CREATE TABLE "webhook" ("id" uuid NOT NULL, "project_id" text, "url" text NOT NULL, "description" text NOT NULL DEFAULT '', ` +
        `"event_types" text array NOT NULL, "schedule_ids" text array NOT NULL, "secret" text NOT NULL, "enabled" boolean NOT NULL, ` +
        `"disabled_reason" text, "failing_since" TIMESTAMP WITH TIME ZONE, "created_by_id" text NOT NULL, "created_by_name" text NOT NULL, ` +
        `"created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL, ` +
        `CONSTRAINT "PK_webhook" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_webhook_project_id" ON "webhook" ("project_id")`);
    await queryRunner.query(
      `CREATE TABLE "webhook_delivery" ("id" uuid NOT NULL, "webhook_id" uuid NOT NULL, "event_id" uuid NOT NULL, "event_seq" bigint NOT NULL, ` +
        `"event_type" text NOT NULL, "subject" uuid, "status" text NOT NULL, "attempts" jsonb NOT NULL, ` +
        `"next_attempt_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "completed_at" TIMESTAMP WITH TIME ZONE, ` +
        `CONSTRAINT "UQ_webhook_delivery_webhook_event" UNIQUE ("webhook_id", "event_id"), CONSTRAINT "PK_webhook_delivery" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_webhook_delivery_due" ON "webhook_delivery" ("next_attempt_at") WHERE "status" = 'pending'`);
    await queryRunner.query(`CREATE INDEX "IDX_webhook_delivery_webhook_created" ON "webhook_delivery" ("webhook_id", "created_at")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "IDX_webhook_delivery_webhook_created"`);
    await queryRunner.query(`DROP INDEX "IDX_webhook_delivery_due"`);
    await queryRunner.query(`DROP TABLE "webhook_delivery"`);
    await queryRunner.query(`DROP INDEX "IDX_webhook_project_id"`);
    await queryRunner.query(`DROP TABLE "webhook"`);
    await queryRunner.query(`DROP INDEX "IDX_event_pending"`);
    await queryRunner.query(`DROP TABLE "event"`);
  }
}
