import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** How long an answer is replayed to a retry with the same key. */
export const IDEMPOTENCY_TTL_MS = 24 * 3_600_000;
/**
 * A first request still unanswered after this long is taken to have died with its replica (a crash, a restart):
 * a retry with its key then runs again instead of waiting for an answer that never comes.
 */
export const IDEMPOTENCY_ABANDONED_MS = 5 * 60_000;

export type Claim =
  | { readonly kind: 'new' }
  | { readonly kind: 'replay'; readonly status: number; readonly body: unknown; readonly location: string | null }
  | { readonly kind: 'in-progress' }
  | { readonly kind: 'mismatch' };

/** The `idempotency_record` table: who runs which key, and the answers to replay. */
@Injectable()
export class IdempotencyStore {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Takes the key for a request, atomically: `new` when this request is the first with it (or the first's record
   * expired or was abandoned), else what the first one left: its answer, that it still runs, or that it was another
   * request.
   */
  async claim(userId: string, key: string, requestHash: string, now: Date): Promise<Claim> {
    const expired = new Date(now.getTime() - IDEMPOTENCY_TTL_MS);
    // Expired records of every user go here; the index on created_at keeps it cheap, and keyed POSTs are rare.
    await this.dataSource.query(`DELETE FROM "idempotency_record" WHERE "created_at" < $1`, [expired]);
    const inserted: unknown[] = await this.dataSource.query(
      `INSERT INTO "idempotency_record" ("user_id", "key", "request_hash", "created_at") VALUES ($1, $2, $3, $4)
       ON CONFLICT ("user_id", "key") DO NOTHING RETURNING 1`,
      [userId, key, requestHash, now],
    );
    if (inserted.length > 0) return { kind: 'new' };
    const [record] = (await this.dataSource.query(
      `SELECT "request_hash", "created_at", "status", "body", "location" FROM "idempotency_record" WHERE "user_id" = $1 AND "key" = $2`,
      [userId, key],
    )) as { request_hash: string; created_at: Date; status: number | null; body: unknown; location: string | null }[];
    // Deleted in between (its first request failed): this one is first now.
    if (!record) return this.claim(userId, key, requestHash, now);
    if (record.request_hash !== requestHash) return { kind: 'mismatch' };
    if (record.status !== null) return { kind: 'replay', status: record.status, body: record.body, location: record.location };
    if (new Date(record.created_at).getTime() > now.getTime() - IDEMPOTENCY_ABANDONED_MS) return { kind: 'in-progress' };
    // Abandoned: taken over by exactly one retry (the one whose update still finds the old instant).
    const [, taken] = (await this.dataSource.query(
      `UPDATE "idempotency_record" SET "created_at" = $3 WHERE "user_id" = $1 AND "key" = $2 AND "status" IS NULL AND "created_at" = $4`,
      [userId, key, now, record.created_at],
    )) as [unknown, number];
    return taken > 0 ? { kind: 'new' } : { kind: 'in-progress' };
  }

  /** Keeps the first request's answer for its retries. */
  async complete(userId: string, key: string, answer: { status: number; body: unknown; location: string | null }): Promise<void> {
    await this.dataSource.query(
      `UPDATE "idempotency_record" SET "status" = $3, "body" = $4, "location" = $5 WHERE "user_id" = $1 AND "key" = $2`,
      [userId, key, answer.status, JSON.stringify(answer.body ?? null), answer.location],
    );
  }

  /** Frees the key of a request that failed: a retry runs it again (the failure may have been passing). */
  async release(userId: string, key: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM "idempotency_record" WHERE "user_id" = $1 AND "key" = $2 AND "status" IS NULL`, [userId, key]);
  }
}
