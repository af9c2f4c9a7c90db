import { MASKED } from '../audit/audit-context';
import type { EventType } from '../events/event-types';
import type { WebhookDeliveryDto, WebhookDto } from './dto/webhook.dto';
import type { WebhookDeliveryEntity } from './entities/webhook-delivery.entity';
import type { WebhookEntity } from './entities/webhook.entity';

export function mapWebhook(webhook: WebhookEntity): WebhookDto {
  return {
    id: webhook.id,
    projectId: webhook.projectId,
    url: webhook.url,
    description: webhook.description,
    eventTypes: webhook.eventTypes as EventType[],
    scheduleIds: [...webhook.scheduleIds],
    enabled: webhook.enabled,
    disabledReason: webhook.disabledReason,
    failingSince: webhook.failingSince?.toISOString() ?? null,
    createdBy: webhook.createdByName,
    createdAt: webhook.createdAt.toISOString(),
    updatedAt: webhook.updatedAt.toISOString(),
  };
}

export function mapDelivery(delivery: WebhookDeliveryEntity): WebhookDeliveryDto {
  return {
    id: delivery.id,
    eventId: delivery.eventId,
    eventType: delivery.eventType,
    scheduleId: delivery.subject,
    status: delivery.status,
    nextAttemptAt: delivery.nextAttemptAt?.toISOString() ?? null,
    attempts: delivery.attempts.map((a) => ({ ...a })),
    createdAt: delivery.createdAt.toISOString(),
    completedAt: delivery.completedAt?.toISOString() ?? null,
  };
}

/** What the audit log keeps of a webhook: what a caller sets, and the secret only as `***`. */
export function webhookAuditFields(webhook: WebhookEntity): Record<string, unknown> {
  return {
    url: webhook.url,
    description: webhook.description,
    eventTypes: [...webhook.eventTypes],
    scheduleIds: [...webhook.scheduleIds],
    enabled: webhook.enabled,
    projectId: webhook.projectId,
    secret: MASKED,
  };
}
