import { Params } from '@angular/router';
import { AuditService } from '@peak/api-client';

/** The page sizes offered (100 is the API's largest `limit`). */
export const PAGE_SIZES: readonly number[] = [25, 50, 100];
export const DEFAULT_PAGE_SIZE = 50;
/** The API's largest `offset`. */
const MAX_OFFSET = 1_000_000;
/** The API takes user, target and action filters of up to 64 characters. */
const MAX_FILTER = 64;

/** The actions the API records, offered by the action filter (others seen in the log are added to it). */
export const KNOWN_ACTIONS: readonly string[] = [
  'schedule.create',
  'schedule.update',
  'schedule.enable',
  'schedule.disable',
  'schedule.delete',
  'schedule.delegation',
  'webhook.create',
  'webhook.update',
  'webhook.enable',
  'webhook.disable',
  'webhook.delete',
  'webhook.secret',
  'webhook.test',
  'auth.login',
  'auth.logout',
];

/**
 * Which records the activity page shows, as kept in its address so that a filtered view can be shared:
 * `?page=2&size=50&from=<instant>&to=<instant>&user=<user id>&action=schedule.update&target=<schedule id>`.
 */
export interface ActivityQuery {
  /** From 0 (the address counts from 1). */
  readonly pageIndex: number;
  readonly pageSize: number;
  /** Records at or after this instant (ISO 8601, UTC); null for no lower bound. */
  readonly from: string | null;
  /** Records before this instant; null for no upper bound. */
  readonly to: string | null;
  /** Only this Keystone user's records. */
  readonly userId: string | null;
  readonly action: string | null;
  /** Only records about this target (a schedule's id). */
  readonly targetId: string | null;
}

export const EMPTY_FILTERS = { from: null, to: null, userId: null, action: null, targetId: null } as const;

/** The query of the page's address; anything invalid is dropped (an unreadable instant means no bound). */
export function parseActivityQuery(params: {
  page?: unknown;
  size?: unknown;
  from?: unknown;
  to?: unknown;
  user?: unknown;
  action?: unknown;
  target?: unknown;
}): ActivityQuery {
  const page = Number(typeof params.page === 'string' && /^\d+$/.test(params.page) ? params.page : NaN);
  const size = Number(typeof params.size === 'string' && /^\d+$/.test(params.size) ? params.size : NaN);
  return {
    pageIndex: Number.isSafeInteger(page) && page >= 1 ? page - 1 : 0,
    pageSize: PAGE_SIZES.includes(size) ? size : DEFAULT_PAGE_SIZE,
    from: instant(params.from),
    to: instant(params.to),
    userId: text(params.user),
    action: text(params.action),
    targetId: text(params.target),
  };
}

function instant(value: unknown): string | null {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}T/.test(value)) return null;
  const time = Date.parse(value);
  return Number.isNaN(time) ? null : new Date(time).toISOString();
}

function text(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  return trimmed && trimmed.length <= MAX_FILTER ? trimmed : null;
}

export function sameActivityQuery(a: ActivityQuery, b: ActivityQuery): boolean {
  return (
    a.pageIndex === b.pageIndex &&
    a.pageSize === b.pageSize &&
    a.from === b.from &&
    a.to === b.to &&
    a.userId === b.userId &&
    a.action === b.action &&
    a.targetId === b.targetId
  );
}

/** Whether any filter narrows the log. */
export function isFiltered(query: ActivityQuery): boolean {
  return query.from !== null || query.to !== null || query.userId !== null || query.action !== null || query.targetId !== null;
}

/** The query as the address keeps it (filters that do not apply removed). */
export function toQueryParams(query: ActivityQuery): Params {
  return {
    page: query.pageIndex + 1,
    size: query.pageSize,
    from: query.from,
    to: query.to,
    user: query.userId,
    action: query.action,
    target: query.targetId,
  };
}

/** The query as the API takes it: the API filters and pages, newest first. */
export function toAuditParams(query: ActivityQuery): Parameters<AuditService['listAuditRecords']>[0] {
  return {
    limit: query.pageSize,
    offset: Math.min(query.pageIndex * query.pageSize, MAX_OFFSET),
    ...(query.from ? { from: query.from } : {}),
    ...(query.to ? { to: query.to } : {}),
    ...(query.userId ? { userId: query.userId } : {}),
    ...(query.action ? { action: query.action } : {}),
    ...(query.targetId ? { targetId: query.targetId } : {}),
  };
}

/** The index of the last page that has records (0 when there are none). */
export function lastPageIndex(total: number, pageSize: number): number {
  return Math.max(0, Math.ceil(total / pageSize) - 1);
}
