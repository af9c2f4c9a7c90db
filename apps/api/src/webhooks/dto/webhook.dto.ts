import { ApiProperty, OmitType, PartialType } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayUnique, IsArray, IsBoolean, IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { PageDto, PageQueryDto } from '../../common/page.dto';
import { EVENT_TYPES, type EventType } from '../../events/event-types';
import { DELIVERY_STATUSES, type DeliveryStatus } from '../entities/webhook-delivery.entity';

const EVENT_TYPES_DOC =
  'Event types it receives (all when empty or left out): `peak.schedule.created|updated|deleted`, ' +
  '`peak.run.provisioning|ready|degraded|failed|missed|completed|teardown_failed`.';

/** A webhook to create. */
export class CreateWebhookDto {
  /**
   * Where deliveries are POSTed: `https://` (`http://` too when `WEBHOOK_ALLOW_HTTP=true`). A host that is, or resolves
   * to, a private, loopback or link-local address is refused (422) unless `WEBHOOK_ALLOW_PRIVATE=true`, and checked
   * again at each delivery.
   */
  @IsString()
  @MaxLength(2048)
  @ApiProperty({ example: 'https://hooks.example.com/peak' })
  url!: string;

  /** What it is for. */
  @IsOptional()
  @IsString()
  @MaxLength(255)
  @ApiProperty({ required: false, default: '', example: 'Chat alerts of the web team' })
  description?: string;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(EVENT_TYPES.length)
  @ArrayUnique()
  @IsIn([...EVENT_TYPES], { each: true })
  @ApiProperty({
    required: false,
    enum: EVENT_TYPES,
    enumName: 'WebhookEventType',
    isArray: true,
    description: EVENT_TYPES_DOC,
    example: ['peak.run.ready', 'peak.run.failed'],
  })
  eventTypes?: EventType[];

  /** Schedules whose events it receives (all of its project's when empty or left out). */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  @ApiProperty({ required: false, format: 'uuid', isArray: true, type: String, example: [] })
  scheduleIds?: string[];

  /** Whether it receives events (default true). */
  @IsOptional()
  @IsBoolean()
  @ApiProperty({ required: false, default: true, example: true })
  enabled?: boolean;

  /**
   * `true` (cloud admins only): it receives every project's events, not only those of the token's project.
   */
  @IsOptional()
  @IsBoolean()
  @ApiProperty({ required: false, default: false, example: false })
  cloudWide?: boolean;
}

/** Changes to a webhook: any field of the create body but `cloudWide`. Enabling a disabled webhook clears its `disabledReason`. */
export class UpdateWebhookDto extends PartialType(OmitType(CreateWebhookDto, ['cloudWide'] as const)) {}

// A field left out of a PATCH keeps its value: the create body's defaults must not appear in this schema (see UpdateScheduleDto).
const API_MODEL_PROPERTIES = 'swagger/apiModelProperties';
for (const key of ['description', 'enabled'] as const) {
  const metadata = Reflect.getMetadata(API_MODEL_PROPERTIES, UpdateWebhookDto.prototype, key) as Record<string, unknown>;
  const { default: _default, ...rest } = metadata;
  Reflect.defineMetadata(API_MODEL_PROPERTIES, rest, UpdateWebhookDto.prototype, key);
}

/** A webhook, as the API shows it (never its secret). */
export class WebhookDto {
  @ApiProperty({ format: 'uuid', example: '8d6c4b2a-0e9f-4a7b-9c5d-3e1f2a4b6c8d' })
  id!: string;

  /** The project whose events it receives; null for a cloud-wide webhook. */
  @ApiProperty({ type: String, nullable: true, example: '3f2e1d0c9b8a47f6a5e4d3c2b1a09f8e' })
  projectId!: string | null;

  @ApiProperty({ example: 'https://hooks.example.com/peak' })
  url!: string;

  @ApiProperty({ example: 'Chat alerts of the web team' })
  description!: string;

  @ApiProperty({ enum: EVENT_TYPES, enumName: 'WebhookEventType', isArray: true, description: EVENT_TYPES_DOC, example: [] })
  eventTypes!: EventType[];

  /** Schedules whose events it receives; empty: all of its project's. */
  @ApiProperty({ format: 'uuid', isArray: true, type: String, example: [] })
  scheduleIds!: string[];

  @ApiProperty({ example: true })
  enabled!: boolean;

  /** Why it was disabled by the product (deliveries failing for 24 hours); null otherwise. */
  @ApiProperty({ type: String, nullable: true, example: null })
  disabledReason!: string | null;

  /** Since when its deliveries have been failing, with no success since; null while they succeed. */
  @ApiProperty({ type: String, format: 'date-time', nullable: true, example: null })
  failingSince!: string | null;

  /** Who created it. */
  @ApiProperty({ example: 'alice' })
  createdBy!: string;

  @ApiProperty({ format: 'date-time', example: '2026-05-04T08:15:02.311Z' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time', example: '2026-05-04T08:15:02.311Z' })
  updatedAt!: string;
}

/** A new secret: shown once, never again. */
export class WebhookSecretDto {
  /** The signing secret (`whsec_` + base64). Keep it: the API never shows it again (rotate it if lost). */
  @ApiProperty({ example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' })
  secret!: string;
}

/** A webhook just created, with its secret (shown this once). */
export class CreatedWebhookDto extends WebhookDto {
  /** The signing secret (`whsec_` + base64). Keep it: the API never shows it again (rotate it if lost). */
  @ApiProperty({ example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' })
  secret!: string;
}

export class ListWebhooksQueryDto extends PageQueryDto {}

export class WebhookListDto extends PageDto {
  @ApiProperty({ type: [WebhookDto] })
  items!: WebhookDto[];
}

/** One POST of a delivery. */
export class WebhookAttemptDto {
  /** When it was sent. */
  @ApiProperty({ format: 'date-time', example: '2026-05-04T08:15:02.311Z' })
  at!: string;

  /** The receiver's HTTP status; null when none came (timeout, connection refused, address refused). */
  @ApiProperty({ type: 'integer', nullable: true, example: 503 })
  statusCode!: number | null;

  /** From sending to the end of the answer. */
  @ApiProperty({ type: 'integer', example: 124 })
  latencyMs!: number;

  /** What went wrong when no status came. */
  @ApiProperty({ type: String, nullable: true, example: null })
  error!: string | null;
}

/** One event for one webhook, with its attempts. */
export class WebhookDeliveryDto {
  @ApiProperty({ format: 'uuid', example: '5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d' })
  id!: string;

  /** The event's id: the CloudEvents `id` and the `webhook-id` header, the same on every attempt. */
  @ApiProperty({ format: 'uuid', example: '1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f' })
  eventId!: string;

  @ApiProperty({ example: 'peak.run.ready' })
  eventType!: string;

  /** The schedule the event is about; null for a ping. */
  @ApiProperty({ type: String, format: 'uuid', nullable: true, example: '6f1c2a56-3e2b-4a37-9d7e-1c2f0a4b5c6d' })
  scheduleId!: string | null;

  /** `pending` (more attempts to come), `delivered` (a 2xx), `failed` (a 4xx other than 429, a refused address, or 24 hours of retries). */
  @ApiProperty({ enum: DELIVERY_STATUSES, enumName: 'WebhookDeliveryStatus', example: 'delivered' })
  status!: DeliveryStatus;

  /** When the next attempt is due; null once delivered or failed. */
  @ApiProperty({ type: String, format: 'date-time', nullable: true, example: null })
  nextAttemptAt!: string | null;

  @ApiProperty({ type: [WebhookAttemptDto] })
  attempts!: WebhookAttemptDto[];

  @ApiProperty({ format: 'date-time', example: '2026-05-04T08:15:02.311Z' })
  createdAt!: string;

  /** When it was delivered or given up. */
  @ApiProperty({ type: String, format: 'date-time', nullable: true, example: '2026-05-04T08:15:02.435Z' })
  completedAt!: string | null;
}

export class ListWebhookDeliveriesQueryDto extends PageQueryDto {}

export class WebhookDeliveryListDto extends PageDto {
  @ApiProperty({ type: [WebhookDeliveryDto] })
  items!: WebhookDeliveryDto[];
}
