import { MigrationInterface, QueryRunner } from 'typeorm';

/** Answers of POSTs sent with an `Idempotency-Key`, replayed to retries for 24 hours. */
export class IdempotencyKeys1796700000000 implements MigrationInterface {
  name = 'IdempotencyKeys1796700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "idempotency_record" ("user_id" text NOT NULL, "key" text NOT NULL, "request_hash" text NOT NULL, ` +
        `"created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "status" integer, "body" jsonb, "location" text, ` +
        `CONSTRAINT "PK_idempotency_record" PRIMARY KEY ("user_id", "key"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_idempotency_record_created_at" ON "idempotency_record" ("created_at")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "IDX_idempotency_record_created_at"`);
    await queryRunner.query(`DROP TABLE "idempotency_record"`);
  }
}
