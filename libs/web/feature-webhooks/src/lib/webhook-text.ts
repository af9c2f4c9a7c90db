import { Params } from '@angular/router';
import { WebhookAttemptDto, WebhookDeliveryDto, WebhookDto, WebhookEventType } from '@peak/api-client';
import { StateLook } from '@peak/web/ui';

/** How each delivery status reads in its chip: an icon and a word besides the colour. */
export const DELIVERY_LOOKS: Readonly<Record<WebhookDeliveryDto['status'], StateLook>> = {
  delivered: { label: 'Delivered', icon: 'check_circle', tone: 'success', hint: 'The receiver answered with a 2xx' },
  pending: { label: 'Pending', icon: 'schedule_send', tone: 'info', hint: 'Not delivered yet: more attempts are due' },
  failed: { label: 'Failed', icon: 'error', tone: 'error', hint: 'Given up: a 4xx, a refused address, or 24 hours of retries' },
};

/** A webhook's state as its chip shows it: on, switched off by someone, or switched off by the product for failing. */
export type WebhookState = 'enabled' | 'disabled' | 'failing';

export const WEBHOOK_LOOKS: Readonly<Record<WebhookState, StateLook>> = {
  enabled: { label: 'Enabled', icon: 'check_circle', tone: 'success', hint: 'Receives events' },
  disabled: { label: 'Disabled', icon: 'pause_circle', tone: 'neutral', hint: 'Receives nothing until it is enabled' },
  failing: { label: 'Disabled', icon: 'error', tone: 'error', hint: 'Disabled by Peak Scheduler: its deliveries kept failing' },
};

export function webhookState(webhook: Pick<WebhookDto, 'enabled' | 'disabledReason'>): WebhookState {
  if (webhook.enabled) return 'enabled';
  return webhook.disabledReason ? 'failing' : 'disabled';
}

/**
 * What each event type announces, for the form's options. Keyed by the spec's enum (`WebhookEventType`): a type the API
 * adds fails the type check here until it has its words.
 */
export const EVENT_TYPE_LABELS: Readonly<Record<WebhookEventType, string>> = {
  'peak.schedule.created': 'Schedule created',
  'peak.schedule.updated': 'Schedule changed',
  'peak.schedule.deleted': 'Schedule deleted',
  'peak.run.provisioning': 'Run provisioning',
  'peak.run.ready': 'Run ready (all VMs up)',
  'peak.run.degraded': 'Run degraded',
  'peak.run.failed': 'Run failed',
  'peak.run.missed': 'Run missed',
  'peak.run.completed': 'Run ended (completed, partial or stopped)',
  'peak.run.teardown_failed': 'Teardown overdue (VMs still being removed)',
};

/** The spec's event types, in the API's order. */
export const EVENT_TYPES = Object.keys(EVENT_TYPE_LABELS) as readonly WebhookEventType[];

/** The event types a webhook receives, in words: "All events" when it has no filter. */
export function eventTypesText(types: readonly string[]): string {
  return types.length === 0 ? 'All events' : types.join(', ');
}

/** The latest attempt of a delivery, if it has one (the API lists them oldest first). */
export function lastAttempt(delivery: Pick<WebhookDeliveryDto, 'attempts'>): WebhookAttemptDto | null {
  return delivery.attempts.at(-1) ?? null;
}

/** "200", or what went wrong when no status came ("timeout"), or "—" before any attempt. */
export function responseText(attempt: WebhookAttemptDto | null): string {
  if (!attempt) return '—';
  if (attempt.statusCode !== null) return String(attempt.statusCode);
  return attempt.error ?? 'No answer';
}

/** "85 ms", "1.2 s". */
export function latencyText(attempt: WebhookAttemptDto | null): string {
  if (!attempt) return '—';
  const ms = attempt.latencyMs;
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
}

/** A page of a list, as kept in the address (`?page=` from 1, `?size=`). */
export interface PageQuery {
  /** From 0. */
  readonly pageIndex: number;
  readonly pageSize: number;
}

export const PAGE_SIZES: readonly number[] = [10, 20, 50, 100];
export const DEFAULT_PAGE_SIZE = 20;

/** The page of the address; anything unreadable is the first page of the default size. */
export function parsePageQuery(page: string | undefined, size: string | undefined): PageQuery {
  const index = page !== undefined && /^\d+$/.test(page) ? Number(page) - 1 : 0;
  const count = size !== undefined && /^\d+$/.test(size) ? Number(size) : NaN;
  return {
    pageIndex: Number.isSafeInteger(index) && index >= 0 ? index : 0,
    pageSize: PAGE_SIZES.includes(count) ? count : DEFAULT_PAGE_SIZE,
  };
}

export function samePageQuery(a: PageQuery, b: PageQuery): boolean {
  return a.pageIndex === b.pageIndex && a.pageSize === b.pageSize;
}

export function toPageParams(query: PageQuery): Params {
  return { page: query.pageIndex + 1, size: query.pageSize };
}

export function toLimitOffset(query: PageQuery): { limit: number; offset: number } {
  return { limit: query.pageSize, offset: query.pageIndex * query.pageSize };
}

/** The index of the last page that has items (0 when there are none). */
export function lastPageIndex(total: number, pageSize: number): number {
  return Math.max(0, Math.ceil(total / pageSize) - 1);
}
