import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Patch, Post, Query, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { API_PREFIX } from '../common/api-prefix';
import { ApiErrorDto } from '../common/api-error.dto';
import { UuidParam } from '../common/uuid-param';
import { Idempotent } from '../idempotency/idempotency.interceptor';
import { CurrentCaller, type Caller } from '../schedules/caller';
import {
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
import { WebhooksService } from './webhooks.service';

const WEBHOOK_ID = "The webhook's id.";
const BAD_REQUEST = { type: ApiErrorDto, description: 'Invalid input: `errors` names each field and the reason.' };
const NOT_FOUND = { type: ApiErrorDto, description: "No webhook with this id (or it is another project's)." };
const FORBIDDEN = {
  type: ApiErrorDto,
  description: 'The token lacks the role, is not scoped to a project, or asks for a cloud-wide webhook without being a cloud admin.',
};
const URL_REFUSED = {
  type: ApiErrorDto,
  description:
    'The URL is refused (`errors` names `url`): not https (unless `WEBHOOK_ALLOW_HTTP=true`), credentials in it, or a host that is ' +
    'or resolves to a private, loopback or link-local address (unless `WEBHOOK_ALLOW_PRIVATE=true`).',
};
const DELIVERY =
  'Each event is POSTed as CloudEvents 1.0 JSON (structured mode), signed as the Standard Webhooks spec says (`webhook-id`, ' +
  '`webhook-timestamp`, `webhook-signature`: `v1,` + base64 HMAC-SHA256 of `id.timestamp.body` keyed with the base64 part of ' +
  'the secret). A 2xx delivers it; 5xx, 429 (honouring `Retry-After`) and timeouts (10 s) are retried with exponential ' +
  'backoff and jitter for 24 hours; other 4xx are not retried. A webhook whose deliveries all fail for 24 hours is disabled ' +
  '(`disabledReason`).';

@ApiTags('webhooks')
@Controller('webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Get()
  @ApiOperation({
    summary: 'List webhooks',
    description: "Newest first, paginated. Members see their project's webhooks; a cloud admin sees all, the cloud-wide ones too.",
  })
  @ApiOkResponse({ type: WebhookListDto, description: 'One page of webhooks, with its total (never their secrets).' })
  @ApiBadRequestResponse(BAD_REQUEST)
  @ApiForbiddenResponse(FORBIDDEN)
  listWebhooks(@Query() query: ListWebhooksQueryDto, @CurrentCaller() caller: Caller): Promise<WebhookListDto> {
    return this.webhooks.list(query, caller);
  }

  @Post()
  @Idempotent()
  @ApiOperation({
    summary: 'Create a webhook',
    description:
      "Receives the events of the token's project (or, `cloudWide: true`, a cloud admin's, of every project), optionally only " +
      `some types or schedules. The answer carries the signing \`secret\`, shown this once. ${DELIVERY}`,
  })
  @ApiCreatedResponse({
    type: CreatedWebhookDto,
    description: 'The webhook created, with its secret (shown this once).',
    headers: { Location: { description: 'The new webhook: `/v1/webhooks/{id}`.', schema: { type: 'string', format: 'uri-reference' } } },
  })
  @ApiBadRequestResponse(BAD_REQUEST)
  @ApiForbiddenResponse(FORBIDDEN)
  @ApiUnprocessableEntityResponse(URL_REFUSED)
  async createWebhook(
    @Body() body: CreateWebhookDto,
    @CurrentCaller() caller: Caller,
    @Res({ passthrough: true }) response: Response,
  ): Promise<CreatedWebhookDto> {
    const created = await this.webhooks.create(body, caller);
    response.setHeader('Location', `/${API_PREFIX}/webhooks/${created.id}`);
    return created;
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get a webhook', description: 'Its settings and state (never its secret).' })
  @ApiOkResponse({ type: WebhookDto, description: 'The webhook.' })
  @ApiBadRequestResponse(BAD_REQUEST)
  @ApiNotFoundResponse(NOT_FOUND)
  getWebhook(@UuidParam('id', WEBHOOK_ID) id: string, @CurrentCaller() caller: Caller): Promise<WebhookDto> {
    return this.webhooks.get(id, caller);
  }

  @Patch(':id')
  @ApiOperation({
    summary: 'Change a webhook',
    description: 'Fields left out keep their value. `enabled: true` on a webhook the product disabled starts it afresh.',
  })
  @ApiOkResponse({ type: WebhookDto, description: 'The webhook changed.' })
  @ApiBadRequestResponse(BAD_REQUEST)
  @ApiForbiddenResponse(FORBIDDEN)
  @ApiNotFoundResponse(NOT_FOUND)
  @ApiUnprocessableEntityResponse(URL_REFUSED)
  updateWebhook(
    @UuidParam('id', WEBHOOK_ID) id: string,
    @Body() body: UpdateWebhookDto,
    @CurrentCaller() caller: Caller,
  ): Promise<WebhookDto> {
    return this.webhooks.update(id, body, caller);
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Delete a webhook', description: 'It receives nothing more; its pending deliveries are dropped.' })
  @ApiNoContentResponse({ description: 'Deleted.' })
  @ApiBadRequestResponse(BAD_REQUEST)
  @ApiForbiddenResponse(FORBIDDEN)
  @ApiNotFoundResponse(NOT_FOUND)
  deleteWebhook(@UuidParam('id', WEBHOOK_ID) id: string, @CurrentCaller() caller: Caller): Promise<void> {
    return this.webhooks.delete(id, caller);
  }

  @Post(':id/secret')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: "Rotate a webhook's secret",
    description: 'A new secret replaces the old one at once: deliveries from now on are signed with it. Shown this once.',
  })
  @ApiOkResponse({ type: WebhookSecretDto, description: 'The new secret.' })
  @ApiBadRequestResponse(BAD_REQUEST)
  @ApiForbiddenResponse(FORBIDDEN)
  @ApiNotFoundResponse(NOT_FOUND)
  rotateWebhookSecret(@UuidParam('id', WEBHOOK_ID) id: string, @CurrentCaller() caller: Caller): Promise<WebhookSecretDto> {
    return this.webhooks.rotateSecret(id, caller);
  }

  @Post(':id/test')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Send a test event',
    description:
      'Sends a `peak.webhook.ping` event to this webhook alone, now, signed as every delivery is, and answers with the delivery ' +
      'after its first attempt (whatever the receiver answered; a retryable failure is retried as any delivery).',
  })
  @ApiOkResponse({ type: WebhookDeliveryDto, description: 'The ping delivery, after its first attempt.' })
  @ApiBadRequestResponse(BAD_REQUEST)
  @ApiForbiddenResponse(FORBIDDEN)
  @ApiNotFoundResponse(NOT_FOUND)
  testWebhook(@UuidParam('id', WEBHOOK_ID) id: string, @CurrentCaller() caller: Caller): Promise<WebhookDeliveryDto> {
    return this.webhooks.test(id, caller);
  }

  @Get(':id/deliveries')
  @ApiOperation({
    summary: "List a webhook's deliveries",
    description:
      'Newest first, paginated: each event sent to it, with its status, its attempts (time, response code, latency) and when the next one is due.',
  })
  @ApiOkResponse({ type: WebhookDeliveryListDto, description: 'One page of deliveries, with its total.' })
  @ApiBadRequestResponse(BAD_REQUEST)
  @ApiNotFoundResponse(NOT_FOUND)
  listWebhookDeliveries(
    @UuidParam('id', WEBHOOK_ID) id: string,
    @Query() query: ListWebhookDeliveriesQueryDto,
    @CurrentCaller() caller: Caller,
  ): Promise<WebhookDeliveryListDto> {
    return this.webhooks.deliveries(id, query, caller);
  }
}
