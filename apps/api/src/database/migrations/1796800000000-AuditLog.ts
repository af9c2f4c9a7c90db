import { MigrationInterface, QueryRunner } from 'typeorm';

/** Who changed what: one row per write through the API, refused ones included, kept for `AUDIT_RETENTION_DAYS`. */
export class AuditLog1796800000000 implements MigrationInterface {
  name = 'AuditLog1796800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "audit_record" ("id" uuid NOT NULL, "at" TIMESTAMP WITH TIME ZONE NOT NULL, "user_id" text, "user_name" text, ` +
        `"project_id" text, "roles" text array NOT NULL, "auth_method" text, "request_id" text NOT NULL, "source_address" text, ` +
        `"method" text NOT NULL, "route" text NOT NULL, "action" text NOT NULL, "target_type" text, "target_id" text, ` +
        `"before" jsonb, "after" jsonb, "outcome" integer NOT NULL, "error_kind" text, "error_message" text, ` +
        `CONSTRAINT "PK_audit_record" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_audit_record_at" ON "audit_record" ("at")`);
    await queryRunner.query(`CREATE INDEX "IDX_audit_record_project_at" ON "audit_record" ("project_id", "at")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "IDX_audit_record_project_at"`);
    await queryRunner.query(`DROP INDEX "IDX_audit_record_at"`);
    await queryRunner.query(`DROP TABLE "audit_record"`);
  }
}
