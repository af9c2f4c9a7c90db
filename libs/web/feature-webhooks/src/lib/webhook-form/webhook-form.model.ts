import { AbstractControl, ValidationErrors } from '@angular/forms';
import { CreateWebhookDto, schemaLimits, UpdateWebhookDto, WebhookDto, WebhookEventType } from '@peak/api-client';

export const webhookLimits = schemaLimits.CreateWebhookDto;

export interface WebhookFormValue {
  readonly url: string;
  readonly description: string;
  readonly eventTypes: readonly WebhookEventType[];
  readonly scheduleIds: readonly string[];
  readonly cloudWide: boolean;
}

export type WebhookFormField = keyof WebhookFormValue;

/** Each control by the label it shows, for messages that name a field. */
export const FIELD_LABELS: Readonly<Record<WebhookFormField, string>> = {
  url: 'Payload URL',
  description: 'Description',
  eventTypes: 'Events',
  scheduleIds: 'Schedules',
  cloudWide: 'Every project (cloud-wide)',
};

/**
 * The control that shows a problem the API names (`url`, `eventTypes.2`, `scheduleIds.0`), or null for a field the
 * form has no control for (`enabled`, or one it does not know).
 */
export function formFieldOf(apiField: string): WebhookFormField | null {
  const head = apiField.split('.')[0] ?? '';
  return Object.hasOwn(FIELD_LABELS, head) ? (head as WebhookFormField) : null;
}

/** "Payload URL", or the API's own name for a field the form does not show. */
export function fieldLabelOf(apiField: string): string {
  const field = formFieldOf(apiField);
  return field ? FIELD_LABELS[field] : apiField;
}

/**
 * The request the form stands for. Empty filters are left out (the API then sends every event type, of every
 * schedule); `cloudWide` is sent only when asked, so a member's request never carries it.
 */
export function requestOf(value: WebhookFormValue): CreateWebhookDto {
  const description = value.description.trim();
  return {
    url: value.url.trim(),
    ...(description ? { description } : {}),
    ...(value.eventTypes.length > 0 ? { eventTypes: [...value.eventTypes] } : {}),
    ...(value.scheduleIds.length > 0 ? { scheduleIds: [...value.scheduleIds] } : {}),
    ...(value.cloudWide ? { cloudWide: true } : {}),
  };
}

/**
 * The PATCH an edit stands for: only the fields that differ from the webhook as it is (an empty filter clears it).
 */
export function changesOf(webhook: WebhookDto, value: WebhookFormValue): UpdateWebhookDto {
  const wanted = requestOf(value);
  const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((item) => b.includes(item));
  const eventTypes = wanted.eventTypes ?? [];
  const scheduleIds = wanted.scheduleIds ?? [];
  const description = wanted.description ?? '';
  return {
    ...(wanted.url !== webhook.url ? { url: wanted.url } : {}),
    ...(description !== webhook.description ? { description } : {}),
    ...(sameList(eventTypes, webhook.eventTypes) ? {} : { eventTypes }),
    ...(sameList(scheduleIds, webhook.scheduleIds) ? {} : { scheduleIds }),
  };
}

/**
 * An absolute `http(s)://` address. Whether http is allowed, and which hosts, is the API's to say (its answer is put on
 * the field): the console does not know the server's settings.
 */
export function webUrl(control: AbstractControl<string>): ValidationErrors | null {
  const value = control.value.trim();
  if (value === '') return null;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? null : { webUrl: true };
  } catch {
    return { webUrl: true };
  }
}
