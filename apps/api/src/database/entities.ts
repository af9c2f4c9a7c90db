import { AuditRecordEntity } from '../audit/audit-record.entity';
import { EventEntity } from '../events/event.entity';
import { WebhookDeliveryEntity } from '../webhooks/entities/webhook-delivery.entity';
import { WebhookEntity } from '../webhooks/entities/webhook.entity';
import { EngineLeaseEntity } from '../engine/entities/engine-lease.entity';
import { EngineStateEntity } from '../engine/entities/engine-state.entity';
import { IdempotencyRecordEntity } from '../idempotency/idempotency-record.entity';
import { InstallationEntity } from '../installation/installation.entity';
import { RunVmEntity } from '../runs/entities/run-vm.entity';
import { RunEntity } from '../runs/entities/run.entity';
import { ScheduleEntity } from '../schedules/entities/schedule.entity';

/** Every TypeORM entity, listed explicitly (the bundled API cannot glob for them). */
export const ENTITIES: (new () => object)[] = [
  EngineLeaseEntity,
  EngineStateEntity,
  InstallationEntity,
  ScheduleEntity,
  RunEntity,
  RunVmEntity,
  IdempotencyRecordEntity,
  AuditRecordEntity,
  EventEntity,
  WebhookEntity,
  WebhookDeliveryEntity,
];
