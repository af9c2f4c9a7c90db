import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
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

/**
 * Writes events to the outbox with `manager`, which must be the transaction of the change they announce: they commit
 * or roll back with it. The only way other modules write the `event` table.
 */
export async function appendEvents(manager: EntityManager, events: readonly NewEvent[]): Promise<void> {
  if (events.length === 0) return;
  if (!manager.queryRunner?.isTransactionActive) throw new Error('appendEvents needs the transaction of the change it announces');
  await manager
    .createQueryBuilder()
    .insert()
    .into(EventEntity)
    .values(events.map((event) => ({ ...event, id: randomUUID(), fannedOutAt: null })))
    .updateEntity(false)
    .execute();
}
