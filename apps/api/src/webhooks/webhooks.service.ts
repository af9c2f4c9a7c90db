import { Inject, Injectable } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, IsNull, type FindOptionsWhere } from 'typeorm';
import { changedFields, MASKED, recordChange } from '../audit/audit-context';
import { Clock } from '../common/clock';
import { EventEntity } from '../events/event.entity';
import { PING_EVENT_TYPE } from '../events/event-types';
import { sees, type Caller } from '../schedules/caller';
import { checkWebhookUrl } from './address-policy';
import type {
  CreatedWebhookDto,
  CreateWebhookDto,
  ListWebhookDeliveriesQueryDto,
  ListWebhooksQueryDto,
  UpdateWebhookDto,
  WebhookDeliveryDto,
  WebhookDeliveryListDto,
  WebhookDto,
  WebhookListDto,
  WebhookSecretDto,
} from './dto/webhook.dto';
import { WebhookDeliveryEntity } from './entities/webhook-delivery.entity';
import { WebhookEntity } from './entities/webhook.entity';
import { SecretBox } from './secret-box';
import { newWebhookSecret } from './signature';
import { WebhookDeliverer } from './webhook-deliverer';
import { cloudWideNeedsAdmin, malformedUrl, refusedUrl, webhookNotFound, webhookProjectNeeded } from './webhook-errors';
import { mapDelivery, mapWebhook, webhookAuditFields } from './webhook.mappers';
import { webhooksConfig } from './webhooks.config';

/**
 * `/v1/webhooks`: a project's members manage their project's webhooks; a cloud admin manages every project's and the
 * cloud-wide ones. Another project's webhook is a 404, as elsewhere.
 */
@Injectable()
export class WebhooksService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
    @Inject(webhooksConfig.KEY) private readonly config: ConfigType<typeof webhooksConfig>,
    private readonly deliverer: WebhookDeliverer,
    private readonly secrets: SecretBox,
  ) {}

  private get webhooks() {
    return this.dataSource.getRepository(WebhookEntity);
  }

  async list(query: ListWebhooksQueryDto, caller: Caller): Promise<WebhookListDto> {
    const limit = query.limit ?? 20;
    const offset = query.offset ?? 0;
    if (!caller.allProjects && caller.projectId === null) throw webhookProjectNeeded();
    const where: FindOptionsWhere<WebhookEntity> | undefined = caller.allProjects ? undefined : { projectId: caller.projectId ?? IsNull() };
    const [items, total] = await this.webhooks.findAndCount({ where, order: { createdAt: 'DESC', id: 'ASC' }, take: limit, skip: offset });
    return { items: items.map(mapWebhook), total, limit, offset };
  }

  async get(id: string, caller: Caller): Promise<WebhookDto> {
    return mapWebhook(await this.find(id, caller));
  }

  async create(dto: CreateWebhookDto, caller: Caller): Promise<CreatedWebhookDto> {
    if (dto.cloudWide && !caller.allProjects) throw cloudWideNeedsAdmin();
    if (!dto.cloudWide && caller.projectId === null) throw webhookProjectNeeded();
    await this.assertUsableUrl(dto.url);
    const now = this.clock.now();
    const id = randomUUID();
    const secret = newWebhookSecret();
    const webhook = Object.assign(new WebhookEntity(), {
      id,
      projectId: dto.cloudWide ? null : caller.projectId,
      url: dto.url,
      description: dto.description ?? '',
      eventTypes: [...(dto.eventTypes ?? [])],
      scheduleIds: [...(dto.scheduleIds ?? [])],
      secret: this.secrets.seal(secret, id),
      enabled: dto.enabled ?? true,
      disabledReason: null,
      failingSince: null,
      createdById: caller.userId,
      createdByName: caller.userName,
      createdAt: now,
      updatedAt: now,
    });
    await this.webhooks.insert(webhook);
    recordChange({ targetType: 'webhook', targetId: webhook.id, before: null, after: webhookAuditFields(webhook) });
    return { ...mapWebhook(webhook), secret };
  }

  async update(id: string, dto: UpdateWebhookDto, caller: Caller): Promise<WebhookDto> {
    const current = await this.find(id, caller);
    if (dto.url !== undefined) await this.assertUsableUrl(dto.url);
    const changes: Partial<WebhookEntity> = { updatedAt: this.clock.now() };
    if (dto.url !== undefined) changes.url = dto.url;
    if (dto.description !== undefined) changes.description = dto.description;
    if (dto.eventTypes !== undefined) changes.eventTypes = [...dto.eventTypes];
    if (dto.scheduleIds !== undefined) changes.scheduleIds = [...dto.scheduleIds];
    if (dto.enabled !== undefined) {
      changes.enabled = dto.enabled;
      // Switched on again by someone: a fresh start (the product's reason for disabling it no longer holds).
      if (dto.enabled && !current.enabled) Object.assign(changes, { disabledReason: null, failingSince: null });
    }
    await this.webhooks.update(id, changes);
    const updated = Object.assign(new WebhookEntity(), current, changes);
    const changed = changedFields(webhookAuditFields(current), webhookAuditFields(updated)) ?? { before: {}, after: {} };
    recordChange({ targetType: 'webhook', targetId: id, ...changed });
    return mapWebhook(updated);
  }

  async delete(id: string, caller: Caller): Promise<void> {
    const current = await this.find(id, caller);
    await this.dataSource.transaction(async (tx) => {
      await tx.query(`DELETE FROM webhook_delivery WHERE webhook_id = $1`, [id]);
      await tx.query(`DELETE FROM webhook WHERE id = $1`, [id]);
    });
    recordChange({ targetType: 'webhook', targetId: id, before: webhookAuditFields(current), after: null });
  }

  /** A new secret replaces the old one at once (deliveries from now on are signed with it); shown this once. */
  async rotateSecret(id: string, caller: Caller): Promise<WebhookSecretDto> {
    await this.find(id, caller);
    const secret = newWebhookSecret();
    await this.webhooks.update(id, { secret: this.secrets.seal(secret, id), updatedAt: this.clock.now() });
    recordChange({ targetType: 'webhook', targetId: id, before: { secret: MASKED }, after: { secret: `${MASKED} (rotated)` } });
    return { secret };
  }

  /**
   * Sends a `peak.webhook.ping` event to this webhook alone, now, and answers with its delivery after the first
   * attempt; a ping that is to be retried goes on as any delivery (the dispatcher retries it).
   */
  async test(id: string, caller: Caller): Promise<WebhookDeliveryDto> {
    const webhook = await this.find(id, caller);
    const now = this.clock.now();
    const event = Object.assign(new EventEntity(), {
      id: randomUUID(),
      type: PING_EVENT_TYPE,
      subject: null,
      projectId: webhook.projectId,
      time: now,
      data: { webhookId: webhook.id, message: 'This is a test event from Peak Scheduler.' },
      // Meant for this webhook only: never fanned out to others.
      fannedOutAt: now,
    });
    const delivery = Object.assign(new WebhookDeliveryEntity(), {
      id: randomUUID(),
      webhookId: webhook.id,
      eventId: event.id,
      eventType: PING_EVENT_TYPE,
      subject: null,
      status: 'pending' as const,
      attempts: [],
      // Not due for the dispatcher while this request sends it (it takes over for retries).
      nextAttemptAt: new Date(now.getTime() + this.config.timeoutMs + 60_000),
      createdAt: now,
      completedAt: null,
    });
    await this.dataSource.transaction(async (tx) => {
      const inserted = await tx.getRepository(EventEntity).insert(event);
      delivery.eventSeq = String((inserted.identifiers[0] as { seq: string }).seq);
      await tx.getRepository(WebhookDeliveryEntity).insert(delivery);
    });
    await this.deliverer.attempt(delivery, webhook, event);
    recordChange({ targetType: 'webhook', targetId: id, before: null, after: null });
    return mapDelivery(await this.dataSource.getRepository(WebhookDeliveryEntity).findOneByOrFail({ id: delivery.id }));
  }

  /** A page of the webhook's deliveries, newest first, each with its attempts. */
  async deliveries(id: string, query: ListWebhookDeliveriesQueryDto, caller: Caller): Promise<WebhookDeliveryListDto> {
    await this.find(id, caller);
    const limit = query.limit ?? 20;
    const offset = query.offset ?? 0;
    const [items, total] = await this.dataSource.getRepository(WebhookDeliveryEntity).findAndCount({
      where: { webhookId: id },
      order: { createdAt: 'DESC', eventSeq: 'DESC' },
      take: limit,
      skip: offset,
    });
    return { items: items.map(mapDelivery), total, limit, offset };
  }

  private async find(id: string, caller: Caller): Promise<WebhookEntity> {
    const webhook = await this.webhooks.findOneBy({ id });
    // A cloud-wide webhook is a cloud admin's; a project's, its members' (and cloud admins').
    if (!webhook || !(webhook.projectId === null ? caller.allProjects : sees(caller, webhook.projectId))) throw webhookNotFound(id);
    return webhook;
  }

  private async assertUsableUrl(url: string): Promise<void> {
    try {
      new URL(url);
    } catch {
      throw malformedUrl('must be an absolute URL');
    }
    const verdict = await checkWebhookUrl(url, this.config);
    if (!verdict.ok) throw refusedUrl(verdict.reason);
  }
}
