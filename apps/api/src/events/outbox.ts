import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { bulkInsert } from '../database/bulk-insert';
import { EventEntity } from './event.entity';
import type { EventType } from './event-types';

/** An event to announce: what happened, to which schedule (of which project), when, and the object as the API shows it. */
export interface NewEvent {
  readonly type: EventType;
  readonly subject: string;
  readonly projectId: string | null;
  readonly time: Date;
  readonly data: object;
}

/** Held from an append to its commit: outbox writers commit one at a time (see appendEvents). */
const OUTBOX_LOCK_SQL = `SELECT pg_advisory_xact_lock(hashtext('peak.outbox'))`;

/**
 * Writes events to the outbox with `manager`, which must be the transaction of the change they announce: they commit
 * or roll back with it. The only way other modules write the `event` table.
 *
 * Call it last in the transaction: it takes a transaction-scoped advisory lock first, so transactions that append
 * commit in the order of their events' `seq`. Without it, a transaction could take seq 10, another seq 11 and commit
 * first, and the dispatcher would send 11 before 10 of the same schedule. The lock is held only from here to the
 * commit, and is taken after every row lock of the transaction, so it cannot close a cycle of waits.
 */
export async function appendEvents(manager: EntityManager, events: readonly NewEvent[]): Promise<void> {
  if (events.length === 0) return;
  if (!manager.queryRunner?.isTransactionActive) throw new Error('appendEvents needs the transaction of the change it announces');
  await manager.query(OUTBOX_LOCK_SQL);
  await bulkInsert(
    manager,
    EventEntity,
    events.map((event) => ({ ...event, id: randomUUID(), fannedOutAt: null })),
  );
}
