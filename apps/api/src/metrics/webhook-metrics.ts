import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Where an event waits: in the outbox (not yet fanned out to webhooks), or as a delivery still to make. */
export type BacklogStage = 'outbox' | 'delivery';

/** The webhook dispatcher's figures (set on the replica that dispatches: the engine leader). */
@Injectable()
export class WebhookMetrics {
  private readonly deliveries: Counter<'outcome'>;
  private readonly latency: Histogram;
  private readonly backlog: Gauge<'stage'>;
  private readonly oldest: Gauge<'stage'>;

  constructor(registry: Registry) {
    this.deliveries = new Counter({
      name: 'peak_webhook_deliveries_total',
      help: 'Delivery attempts by outcome: delivered (2xx), retry (5xx, 429, timeout or network error; retried later), failed (given up).',
      labelNames: ['outcome'],
      registers: [registry],
    });
    this.latency = new Histogram({
      name: 'peak_webhook_delivery_duration_seconds',
      help: 'Time from sending a delivery to the end of its answer (or its failure).',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });
    this.backlog = new Gauge({
      name: 'peak_webhook_outbox_backlog',
      help: 'Events waiting: in the outbox (stage=outbox) or as pending deliveries (stage=delivery).',
      labelNames: ['stage'],
      registers: [registry],
    });
    this.oldest = new Gauge({
      name: 'peak_webhook_outbox_oldest_age_seconds',
      help: 'Age of the oldest waiting event of each stage; 0 when none waits.',
      labelNames: ['stage'],
      registers: [registry],
    });
  }

  recordAttempt(outcome: 'delivered' | 'retry' | 'failed', latencyMs: number): void {
    this.deliveries.inc({ outcome });
    this.latency.observe(latencyMs / 1000);
  }

  recordBacklog(stage: BacklogStage, count: number, oldestAgeSeconds: number): void {
    this.backlog.set({ stage }, count);
    this.oldest.set({ stage }, oldestAgeSeconds);
  }
}
