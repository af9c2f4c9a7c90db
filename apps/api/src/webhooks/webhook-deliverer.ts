import { Inject, Injectable } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock';
import { WebhookMetrics } from '../metrics/webhook-metrics';
import { cloudEventBody, type EventRecord } from './cloud-event';
import type { DeliveryAttempt, DeliveryStatus, WebhookDeliveryEntity } from './entities/webhook-delivery.entity';
import type { WebhookEntity } from './entities/webhook.entity';
import { GIVE_UP_AFTER_MS, parseRetryAfter, retryDelayMs, verdictOf } from './retry-policy';
import { signatureHeaders } from './signature';
import { webhooksConfig } from './webhooks.config';
import { SecretBox, SecretUnavailableError } from './secret-box';
import { sendWebhook, type SendResult } from './webhook-sender';

/** What an attempt left: the delivery's new status, when it is due again, and the attempt itself. */
export interface AttemptOutcome {
  readonly status: DeliveryStatus;
  readonly nextAttemptAt: Date | null;
  readonly attempt: DeliveryAttempt;
}

/**
 * Makes one attempt of a delivery and records it: signs the event's CloudEvents body (Standard Webhooks headers, the
 * event's id as `webhook-id`), POSTs it, and writes the attempt, the delivery's new status and the webhook's failing
 * streak. The send comes first and the record after: a crash in between leaves the delivery pending, so it is sent
 * again with the same id (at-least-once; receivers deduplicate on `webhook-id`).
 */
@Injectable()
export class WebhookDeliverer {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
    @Inject(webhooksConfig.KEY) private readonly config: ConfigType<typeof webhooksConfig>,
    private readonly metrics: WebhookMetrics,
    private readonly secrets: SecretBox,
  ) {}

  private openSecret(webhook: WebhookEntity): string | SecretUnavailableError {
    try {
      return this.secrets.open(webhook.secret, webhook.id);
    } catch (error) {
      if (error instanceof SecretUnavailableError) return error;
      throw error;
    }
  }

  async attempt(delivery: WebhookDeliveryEntity, webhook: WebhookEntity, event: EventRecord): Promise<AttemptOutcome> {
    const sentAt = this.clock.now();
    const body = cloudEventBody(event);
    const secret = this.openSecret(webhook);
    // A secret no configured key opens: nothing is sent, and the attempt is retried like a receiver that did not
    // answer (a key put back in time delivers it; otherwise the webhook is disabled after 24 hours, as any failing one).
    const result: SendResult =
      typeof secret === 'string'
        ? await sendWebhook(webhook.url, body, {
            headers: signatureHeaders(secret, event.id, Math.floor(sentAt.getTime() / 1000), body),
            timeoutMs: this.config.timeoutMs,
            allowPrivate: this.config.allowPrivate,
          })
        : { statusCode: null, latencyMs: 0, error: secret.message, refused: false };
    const now = this.clock.now();
    const verdict = result.refused ? 'fail' : verdictOf(result.statusCode);
    const attempt: DeliveryAttempt = {
      at: sentAt.toISOString(),
      statusCode: result.statusCode,
      latencyMs: result.latencyMs,
      error: result.error,
    };
    let status: DeliveryStatus = verdict === 'delivered' ? 'delivered' : 'failed';
    let nextAttemptAt: Date | null = null;
    if (verdict === 'retry') {
      const delay = retryDelayMs(
        delivery.attempts.length + 1,
        { baseMs: this.config.retryBaseMs, maxMs: this.config.retryMaxMs },
        parseRetryAfter(result.retryAfter, now),
      );
      // Retried for 24 hours from the delivery's first attempt (or its creation); then given up.
      const firstAt = delivery.attempts[0] ? new Date(delivery.attempts[0].at) : sentAt;
      if (now.getTime() + delay - firstAt.getTime() <= GIVE_UP_AFTER_MS) {
        status = 'pending';
        nextAttemptAt = new Date(now.getTime() + delay);
      }
    }
    this.metrics.recordAttempt(status === 'pending' ? 'retry' : status, result.latencyMs);
    await this.dataSource.transaction(async (tx) => {
      await tx.query(
        `UPDATE webhook_delivery SET status = $2, attempts = attempts || $3::jsonb, next_attempt_at = $4, completed_at = $5
          WHERE id = $1 AND status = 'pending'`,
        [delivery.id, status, JSON.stringify([attempt]), nextAttemptAt, status === 'pending' ? null : now],
      );
      await tx.query(
        verdict === 'delivered'
          ? `UPDATE webhook SET failing_since = NULL WHERE id = $1`
          : `UPDATE webhook SET failing_since = coalesce(failing_since, $2) WHERE id = $1`,
        verdict === 'delivered' ? [webhook.id] : [webhook.id, sentAt],
      );
    });
    return { status, nextAttemptAt, attempt };
  }
}
