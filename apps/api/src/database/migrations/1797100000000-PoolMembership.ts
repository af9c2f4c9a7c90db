import { MigrationInterface, QueryRunner } from 'typeorm';

/** Each VM slot records its Octavia pool membership: the member, its state and when it joined, came online, drained, left. */
export class PoolMembership1797100000000 implements MigrationInterface {
  name = 'PoolMembership1797100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "run_vm" ADD "member_id" text, ADD "member_state" text, ADD "member_address" text, ` +
        `ADD "member_joined_at" TIMESTAMP WITH TIME ZONE, ADD "member_online_at" TIMESTAMP WITH TIME ZONE, ` +
        `ADD "member_draining_at" TIMESTAMP WITH TIME ZONE, ADD "member_removed_at" TIMESTAMP WITH TIME ZONE`,
    );
    await queryRunner.query(
      `ALTER TABLE "run_vm" ADD CONSTRAINT "CHK_run_vm_member_state" CHECK ("member_state" IN ('pending', 'member', 'online', 'draining', 'removed'))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "run_vm" DROP CONSTRAINT "CHK_run_vm_member_state"`);
    await queryRunner.query(
      `ALTER TABLE "run_vm" DROP COLUMN "member_id", DROP COLUMN "member_state", DROP COLUMN "member_address", ` +
        `DROP COLUMN "member_joined_at", DROP COLUMN "member_online_at", DROP COLUMN "member_draining_at", DROP COLUMN "member_removed_at"`,
    );
  }
}
