import { Column, Entity, Index, PrimaryColumn, Unique } from 'typeorm';

export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** One POST of a delivery and how it ended. */
export interface DeliveryAttempt {
  /** When it was sent (ISO 8601). */
  at: string;
  /** The receiver's HTTP status; null when none came (timeout, refused connection, refused address). */
  statusCode: number | null;
  latencyMs: number;
  /** What went wrong without a status (`timeout after 10000 ms`...); null otherwise. */
  error: string | null;
}

/**
 * One event for one webhook: `pending` until it is `delivered` (a 2xx) or `failed` (a 4xx other than 429, an address
 * refused, or 24 hours of retries). Each (webhook, schedule) is delivered in event order: only its oldest pending
 * delivery is sent.
 */
@Entity('webhook_delivery')
@Unique('UQ_webhook_delivery_webhook_event', ['webhookId', 'eventId'])
@Index('IDX_webhook_delivery_due', ['nextAttemptAt'], { where: `"status" = 'pending'` })
@Index('IDX_webhook_delivery_webhook_created', ['webhookId', 'createdAt'])
export class WebhookDeliveryEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'PK_webhook_delivery' })
  id!: string;

  @Column({ name: 'webhook_id', type: 'uuid' })
  webhookId!: string;

  /** The event's id (the CloudEvents `id` and the `webhook-id` header). */
  @Column({ name: 'event_id', type: 'uuid' })
  eventId!: string;

  /** The event's place in the outbox: the delivery order of one schedule's events. */
  @Column({ name: 'event_seq', type: 'bigint' })
  eventSeq!: string;

  @Column({ name: 'event_type', type: 'text' })
  eventType!: string;

  /** The schedule the event is about; null for a ping. */
  @Column({ type: 'uuid', nullable: true })
  subject!: string | null;

  @Column({ type: 'text' })
  status!: DeliveryStatus;

  /** Every attempt so far, oldest first. */
  @Column({ type: 'jsonb' })
  attempts!: DeliveryAttempt[];

  /** When the next attempt is due; null once delivered or failed. */
  @Column({ name: 'next_attempt_at', type: 'timestamptz', nullable: true })
  nextAttemptAt!: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  /** When it was delivered or given up. */
  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true })
  completedAt!: Date | null;
}
