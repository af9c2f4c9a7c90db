import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { WebhookEntity } from './entities/webhook.entity';
import { SecretBox, SecretUnavailableError } from './secret-box';

/**
 * At start-up, brings stored webhook secrets to the current key: seals those stored in clear (a key was just set) or
 * under a previous key (the key was rotated), and says what it could not open. Each row is replaced only if it still
 * holds what was read, so replicas starting together do not undo each other's work.
 */
@Injectable()
export class WebhookSecretSealer implements OnApplicationBootstrap {
  private readonly logger = new Logger('Webhooks');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly secrets: SecretBox,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const rows = await this.dataSource.getRepository(WebhookEntity).find({ select: { id: true, secret: true } });
    if (!this.secrets.sealing) {
      const sealed = rows.filter((row) => SecretBox.isSealed(row.secret)).length;
      if (sealed > 0)
        this.logger.error(`${sealed} webhook secret(s) are sealed but WEBHOOK_SECRET_KEY is not set: their deliveries cannot be signed`);
      else if (rows.length > 0) this.logger.warn('Webhook secrets are stored in clear: set WEBHOOK_SECRET_KEY to seal them');
      return;
    }
    let resealed = 0;
    const unopened: string[] = [];
    for (const row of rows.filter((candidate) => this.secrets.needsResealing(candidate.secret))) {
      try {
        const secret = this.secrets.open(row.secret, row.id);
        const [, changed] = (await this.dataSource.query(`UPDATE webhook SET secret = $1 WHERE id = $2 AND secret = $3`, [
          this.secrets.seal(secret, row.id),
          row.id,
          row.secret,
        ])) as [unknown, number];
        resealed += changed;
      } catch (error) {
        if (!(error instanceof SecretUnavailableError)) throw error;
        unopened.push(row.id);
      }
    }
    if (resealed > 0) this.logger.log(`Sealed ${resealed} webhook secret(s) with the current WEBHOOK_SECRET_KEY`);
    if (unopened.length > 0) {
      this.logger.error(`Webhook secret(s) of ${unopened.join(', ')} are sealed with a key that is no longer configured: rotate them`);
    }
  }
}
