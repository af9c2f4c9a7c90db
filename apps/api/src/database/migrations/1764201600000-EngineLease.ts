import { MigrationInterface, QueryRunner } from 'typeorm';

export class EngineLease1764201600000 implements MigrationInterface {
  name = 'EngineLease1764201600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "engine_lease" ("name" text NOT NULL, "holder" text NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "acquired_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_engine_lease" PRIMARY KEY ("name"))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "engine_lease"`);
  }
}
