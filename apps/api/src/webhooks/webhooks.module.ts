import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { engineConfig } from '../config/engine.config';
import { EngineModule } from '../engine/engine.module';
import { WebhookDeliverer } from './webhook-deliverer';
import { WebhookDispatcher } from './webhook-dispatcher';
import { webhooksConfig } from './webhooks.config';
import { WebhooksController } from './webhooks.controller';
import { WebhooksService } from './webhooks.service';

/**
 * Webhooks: `/v1/webhooks` (per project, or cloud-wide for cloud admins) and the dispatcher that delivers the outbox's
 * events (the `events` folder) to them, on the engine leader only.
 */
@Module({
  imports: [ConfigModule.forFeature(webhooksConfig), ConfigModule.forFeature(engineConfig), EngineModule],
  controllers: [WebhooksController],
  providers: [WebhooksService, WebhookDeliverer, WebhookDispatcher],
})
export class WebhooksModule {}
