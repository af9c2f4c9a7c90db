import { Module } from '@nestjs/common';
import { ConfigModule, type ConfigType } from '@nestjs/config';
import { engineConfig } from '../config/engine.config';
import { EngineModule } from '../engine/engine.module';
import { IdempotencyModule } from '../idempotency/idempotency.module';
import { SecretBox } from './secret-box';
import { WebhookDeliverer } from './webhook-deliverer';
import { WebhookDispatcher } from './webhook-dispatcher';
import { WebhookSecretSealer } from './webhook-secret-sealer';
import { webhooksConfig } from './webhooks.config';
import { WebhooksController } from './webhooks.controller';
import { WebhooksService } from './webhooks.service';

/**
 * Webhooks: `/v1/webhooks` (per project, or cloud-wide for cloud admins) and the dispatcher that delivers the outbox's
 * events (the `events` folder) to them, on the engine leader only.
 */
@Module({
  imports: [ConfigModule.forFeature(webhooksConfig), ConfigModule.forFeature(engineConfig), EngineModule, IdempotencyModule],
  controllers: [WebhooksController],
  providers: [
    WebhooksService,
    WebhookDeliverer,
    WebhookDispatcher,
    WebhookSecretSealer,
    {
      provide: SecretBox,
      useFactory: (config: ConfigType<typeof webhooksConfig>) => new SecretBox(config.secretKey, config.previousSecretKeys),
      inject: [webhooksConfig.KEY],
    },
  ],
})
export class WebhooksModule {}
