import { MigrationInterface, QueryRunner } from 'typeorm';

/** A schedule's events are listed as its history (`GET /v1/schedules/{id}/events`, newest first). */
export class EventHistory1796950000000 implements MigrationInterface {
  name = 'EventHistory1796950000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX "IDX_event_subject" ON "event" ("subject", "seq")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "IDX_event_subject"`);
  }
}
