import { Params } from '@angular/router';
import { SchedulesService, ScheduleState } from '@peak/api-client';
import { SCHEDULE_STATES } from '../shared/schedule-text';

/** The page sizes offered (100 is the API's largest `limit`). */
export const PAGE_SIZES: readonly number[] = [25, 50, 100];
export const DEFAULT_PAGE_SIZE = 50;
/** The API's largest `offset`: a page further than that asks for it, finds nothing and moves to the last page. */
const MAX_OFFSET = 1_000_000;

/** Which schedules the list shows, as kept in its address: `?page=2&size=50&state=active,degraded`. */
export interface ListQuery {
  /** From 0 (the address counts from 1). */
  readonly pageIndex: number;
  readonly pageSize: number;
  /** Only schedules in these states; none means all. */
  readonly states: readonly ScheduleState[];
}

/**
 * The query of the list's address. Anything invalid means the default: page 1, 50 a page, every state
 * (unknown states are dropped). A page past the end is valid here: the list moves to the last page once
 * the API says how many there are.
 */
export function parseListQuery(params: { page?: unknown; size?: unknown; state?: unknown }): ListQuery {
  const page = Number(typeof params.page === 'string' && /^\d+$/.test(params.page) ? params.page : NaN);
  const size = Number(typeof params.size === 'string' && /^\d+$/.test(params.size) ? params.size : NaN);
  const states = typeof params.state === 'string' ? params.state.split(',') : [];
  return {
    pageIndex: Number.isSafeInteger(page) && page >= 1 ? page - 1 : 0,
    pageSize: PAGE_SIZES.includes(size) ? size : DEFAULT_PAGE_SIZE,
    states: SCHEDULE_STATES.filter((state) => states.includes(state)),
  };
}

export function sameListQuery(a: ListQuery, b: ListQuery): boolean {
  return a.pageIndex === b.pageIndex && a.pageSize === b.pageSize && a.states.join() === b.states.join();
}

/** The query as the address keeps it (`state` removed when every state is shown). */
export function toQueryParams(query: ListQuery): Params {
  return { page: query.pageIndex + 1, size: query.pageSize, state: query.states.length ? query.states.join(',') : null };
}

/** The query as the API takes it. */
export function toListParams(query: ListQuery): Parameters<SchedulesService['listSchedules']>[0] {
  return {
    ...(query.states.length ? { state: [...query.states] } : {}),
    limit: query.pageSize,
    offset: Math.min(query.pageIndex * query.pageSize, MAX_OFFSET),
  };
}

/** The index of the last page that has schedules (0 when there are none). */
export function lastPageIndex(total: number, pageSize: number): number {
  return Math.max(0, Math.ceil(total / pageSize) - 1);
}
