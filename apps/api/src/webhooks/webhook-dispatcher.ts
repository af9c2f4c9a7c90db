import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { Subscription } from 'rxjs';
import { DataSource, In } from 'typeorm';
import { Clock } from '../common/clock';
import { engineConfig } from '../config/engine.config';
import { mapWithConcurrency } from '../engine/concurrency';
import { LeaderElectionService } from '../engine/leader-election.service';
import { EventEntity } from '../events/event.entity';
import { outsideRequestContext } from '../logging/background';
import { WebhookMetrics } from '../metrics/webhook-metrics';
import { WebhookDeliveryEntity } from './entities/webhook-delivery.entity';
import { WebhookEntity } from './entities/webhook.entity';
import { GIVE_UP_AFTER_MS } from './retry-policy';
import { WebhookDeliverer } from './webhook-deliverer';
import { webhooksConfig } from './webhooks.config';

/** Events fanned out per statement, and deliveries sent per round. */
const BATCH = 200;
/** Deliveries in flight at once (each to a different webhook and schedule: one schedule's stay in order). */
const CONCURRENCY = 10;
/** Delivered or failed deliveries are kept this long (events, a schedule's history, as long as runs: RUN_RETENTION_DAYS). */
const DELIVERY_RETENTION_MS = 7 * 24 * 3_600_000;
const PRUNE_INTERVAL_MS = 3_600_000;

/** Whether `webhook` wants `event`: its project (or cloud-wide), its type filter, its schedule filter. */
export function wants(
  webhook: Pick<WebhookEntity, 'projectId' | 'eventTypes' | 'scheduleIds'>,
  event: Pick<EventEntity, 'type' | 'subject' | 'projectId'>,
): boolean {
  if (webhook.projectId !== null && webhook.projectId !== event.projectId) return false;
  if (webhook.eventTypes.length > 0 && !webhook.eventTypes.includes(event.type)) return false;
  return webhook.scheduleIds.length === 0 || (event.subject !== null && webhook.scheduleIds.includes(event.subject));
}

/**
 * Delivers the outbox, on the engine leader only. Each round: fans new events out to the enabled webhooks that want
 * them (one delivery row each, in the same transaction that marks the events done), then sends the due deliveries
 * (only the oldest pending one per webhook and schedule, so each schedule's events arrive in order), confirming the
 * lease right before each send as the engine does before each cloud call, then disables webhooks that have failed
 * for 24 hours. A replica that is not leading sends nothing.
 */
@Injectable()
export class WebhookDispatcher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Webhooks');
  private subscription?: Subscription;
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private leading = false;
  private lastPrune = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly leader: LeaderElectionService,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
    @Inject(webhooksConfig.KEY) private readonly config: ConfigType<typeof webhooksConfig>,
    @Inject(engineConfig.KEY) private readonly engine: ConfigType<typeof engineConfig>,
    private readonly deliverer: WebhookDeliverer,
    private readonly metrics: WebhookMetrics,
  ) {}

  onApplicationBootstrap(): void {
    // The lease is the engine's: with the engine off (an API-only replica) this replica never dispatches.
    if (!this.engine.enabled) return;
    this.subscription = this.leader.leadership$.subscribe((leading) => {
      this.leading = leading;
      if (leading) this.schedule(0);
      else clearTimeout(this.timer);
    });
  }

  async onApplicationShutdown(): Promise<void> {
    this.subscription?.unsubscribe();
    this.leading = false;
    clearTimeout(this.timer);
    await this.running;
  }

  /** One round now (tests; the timer calls it too). Does nothing when this replica does not lead. */
  runOnce(): Promise<void> {
    this.running ??= this.round().finally(() => (this.running = undefined));
    return this.running;
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      void outsideRequestContext(() =>
        this.runOnce()
          .catch((error: Error) => this.logger.warn(`Webhook dispatch failed: ${error.message}`))
          .finally(() => {
            if (this.leading) this.schedule(this.config.dispatchIntervalMs);
          }),
      );
    }, delayMs);
    this.timer.unref();
  }

  private async round(): Promise<void> {
    if (!this.leader.isLeader) return;
    const now = this.clock.now();
    await this.fanOut(now);
    await this.deliverDue(now);
    await this.disableFailing(now);
    await this.measure(now);
    if (this.clock.monotonicMs() - this.lastPrune >= PRUNE_INTERVAL_MS) {
      this.lastPrune = this.clock.monotonicMs();
      await this.prune(now);
    }
  }

  private async fanOut(now: Date): Promise<void> {
    await this.dataSource.transaction(async (tx) => {
      const events = await tx
        .getRepository(EventEntity)
        .createQueryBuilder('e')
        .where('e.fanned_out_at IS NULL')
        .orderBy('e.seq', 'ASC')
        .limit(BATCH)
        .setLock('pessimistic_write')
        .setOnLocked('skip_locked')
        .getMany();
      if (events.length === 0) return;
      const webhooks = await tx.getRepository(WebhookEntity).findBy({ enabled: true });
      const deliveries = events.flatMap((event) =>
        webhooks
          .filter((webhook) => wants(webhook, event))
          .map((webhook) => ({
            id: randomUUID(),
            webhookId: webhook.id,
            eventId: event.id,
            eventSeq: event.seq,
            eventType: event.type,
            subject: event.subject,
            status: 'pending' as const,
            attempts: [],
            nextAttemptAt: now,
            createdAt: now,
            completedAt: null,
          })),
      );
      for (let i = 0; i < deliveries.length; i += 500)
        await tx
          .createQueryBuilder()
          .insert()
          .into(WebhookDeliveryEntity)
          .values(deliveries.slice(i, i + 500))
          .orIgnore()
          .updateEntity(false)
          .execute();
      await tx.query(`UPDATE event SET fanned_out_at = $2 WHERE seq = ANY($1::bigint[])`, [events.map((e) => e.seq), now]);
    });
  }

  private async deliverDue(now: Date): Promise<void> {
    const due: WebhookDeliveryEntity[] = await this.dataSource
      .getRepository(WebhookDeliveryEntity)
      .createQueryBuilder('d')
      .innerJoin(WebhookEntity, 'w', 'w.id = d.webhook_id AND w.enabled')
      .where(`d.status = 'pending' AND d.next_attempt_at <= :now`, { now })
      // The head of its (webhook, schedule) queue only: a later event waits for the one before it.
      .andWhere(
        `NOT EXISTS (SELECT 1 FROM webhook_delivery e WHERE e.webhook_id = d.webhook_id AND e.status = 'pending'
           AND e.subject IS NOT DISTINCT FROM d.subject AND e.event_seq < d.event_seq)`,
      )
      .orderBy('d.event_seq', 'ASC')
      .limit(BATCH)
      .getMany();
    if (due.length === 0) return;
    const webhooks = new Map(
      (await this.dataSource.getRepository(WebhookEntity).findBy({ id: In([...new Set(due.map((d) => d.webhookId))]) })).map((w) => [
        w.id,
        w,
      ]),
    );
    const events = new Map(
      (await this.dataSource.getRepository(EventEntity).findBy({ id: In(due.map((d) => d.eventId)) })).map((e) => [e.id, e]),
    );
    let fenced = false;
    await mapWithConcurrency(due, CONCURRENCY, async (delivery) => {
      const webhook = webhooks.get(delivery.webhookId);
      const event = events.get(delivery.eventId);
      if (!webhook || !event || fenced) return;
      // Fencing: a replica that lost the lease (paused, partitioned) sends nothing more; the new leader takes over.
      if (!(await this.leader.confirm())) {
        fenced = true;
        return;
      }
      try {
        await this.deliverer.attempt(delivery, webhook, event);
      } catch (error) {
        // Sent but not recorded (or not sent): still pending, so it goes again with the same id.
        this.logger.warn(`Delivery ${delivery.id} to webhook ${webhook.id}: ${(error as Error).message}`);
      }
    });
  }

  private async disableFailing(now: Date): Promise<void> {
    // A SELECT around the UPDATE: the driver answers plain rows for it (a bare UPDATE comes back as [rows, count]).
    const rows: { id: string; url: string }[] = await this.dataSource.query(
      `WITH disabled AS (
         UPDATE webhook SET enabled = false, updated_at = $2,
                disabled_reason = 'Disabled by Peak Scheduler: every delivery failed for 24 hours (since ' ||
                  to_char(failing_since AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') || '); enable it again once the receiver works'
          WHERE enabled AND failing_since <= $1 RETURNING id, url
       ) SELECT id, url FROM disabled`,
      [new Date(now.getTime() - GIVE_UP_AFTER_MS), now],
    );
    for (const row of rows) this.logger.warn(`Webhook ${row.id} (${row.url}) disabled: its deliveries failed for 24 hours`);
  }

  private async measure(now: Date): Promise<void> {
    const rows: { stage: 'outbox' | 'delivery'; count: number; oldest: Date | null }[] = await this.dataSource.query(
      `SELECT 'outbox' AS stage, count(*)::int AS count, min(time) AS oldest FROM event WHERE fanned_out_at IS NULL
       UNION ALL
       SELECT 'delivery', count(*)::int, min(created_at) FROM webhook_delivery WHERE status = 'pending'`,
    );
    for (const row of rows) {
      const age = row.oldest ? Math.max(0, (now.getTime() - new Date(row.oldest).getTime()) / 1000) : 0;
      this.metrics.recordBacklog(row.stage, row.count, age);
    }
  }

  private async prune(now: Date): Promise<void> {
    const cutoff = new Date(now.getTime() - DELIVERY_RETENTION_MS);
    await this.dataSource.query(`DELETE FROM webhook_delivery WHERE status <> 'pending' AND completed_at < $1`, [cutoff]);
    const eventCutoff = new Date(now.getTime() - this.engine.runRetentionDays * 24 * 3_600_000);
    await this.dataSource.query(
      `DELETE FROM event e WHERE e.fanned_out_at < $1
          AND NOT EXISTS (SELECT 1 FROM webhook_delivery d WHERE d.event_id = e.id)`,
      [eventCutoff],
    );
  }
}
