import { Params } from '@angular/router';
import { SchedulesService, ScheduleSort, ScheduleState } from '@peak/api-client';
import { SCHEDULE_STATES } from '../shared/schedule-text';

/** The page sizes offered (100 is the API's largest `limit`). */
export const PAGE_SIZES: readonly number[] = [25, 50, 100];
export const DEFAULT_PAGE_SIZE = 50;
/** The API's largest `offset`: a page further than that asks for it, finds nothing and moves to the last page. */
const MAX_OFFSET = 1_000_000;

/** Keystone project ids are at most 64 characters (32 hex digits in practice). */
const PROJECT_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** The columns the list sorts by. */
export type SortColumn = 'name' | 'next' | 'state';
export const SORT_COLUMNS: readonly SortColumn[] = ['name', 'next', 'state'];

/** A sort of the list: `?sort=name` ascending, `?sort=-name` descending. */
export interface ListSort {
  readonly column: SortColumn;
  readonly direction: 'asc' | 'desc';
}

/** The longest search kept (schedule names are shorter). */
const MAX_SEARCH = 100;

/**
 * Which schedules the list shows, as kept in its address:
 * `?page=2&size=50&state=active,degraded&project=<id>&q=<part of a name>&sort=-next`.
 */
export interface ListQuery {
  /** From 0 (the address counts from 1). */
  readonly pageIndex: number;
  readonly pageSize: number;
  /** Only schedules in these states; none means all. */
  readonly states: readonly ScheduleState[];
  /** Only this project's schedules (a filter for cloud admins); null means every project the user may see. */
  readonly projectId: string | null;
  /** Only schedules whose name contains this (any case); empty means all. */
  readonly search: string;
  /** Null: the API's order (by name). */
  readonly sort: ListSort | null;
}

/**
 * The query of the list's address. Anything invalid means the default: page 1, 50 a page, every state
 * (unknown states are dropped, a project id that cannot be one means every project). A page past the end is valid here: the list moves to the last page once
 * the API says how many there are.
 */
export function parseListQuery(params: {
  page?: unknown;
  size?: unknown;
  state?: unknown;
  project?: unknown;
  q?: unknown;
  sort?: unknown;
}): ListQuery {
  const page = Number(typeof params.page === 'string' && /^\d+$/.test(params.page) ? params.page : NaN);
  const size = Number(typeof params.size === 'string' && /^\d+$/.test(params.size) ? params.size : NaN);
  const states = typeof params.state === 'string' ? params.state.split(',') : [];
  return {
    pageIndex: Number.isSafeInteger(page) && page >= 1 ? page - 1 : 0,
    pageSize: PAGE_SIZES.includes(size) ? size : DEFAULT_PAGE_SIZE,
    states: SCHEDULE_STATES.filter((state) => states.includes(state)),
    projectId: typeof params.project === 'string' && PROJECT_ID.test(params.project) ? params.project : null,
    search: typeof params.q === 'string' ? params.q.trim().slice(0, MAX_SEARCH) : '',
    sort: parseSort(params.sort),
  };
}

function parseSort(value: unknown): ListSort | null {
  if (typeof value !== 'string') return null;
  const descending = value.startsWith('-');
  const column = SORT_COLUMNS.find((c) => c === (descending ? value.slice(1) : value));
  return column ? { column, direction: descending ? 'desc' : 'asc' } : null;
}

export function sameListQuery(a: ListQuery, b: ListQuery): boolean {
  return (
    a.pageIndex === b.pageIndex &&
    a.pageSize === b.pageSize &&
    a.states.join() === b.states.join() &&
    a.projectId === b.projectId &&
    a.search === b.search &&
    a.sort?.column === b.sort?.column &&
    a.sort?.direction === b.sort?.direction
  );
}

/** The query as the address keeps it (`state`, `project`, `q` and `sort` removed when they do not apply). */
export function toQueryParams(query: ListQuery): Params {
  return {
    page: query.pageIndex + 1,
    size: query.pageSize,
    state: query.states.length ? query.states.join(',') : null,
    project: query.projectId,
    q: query.search || null,
    sort: query.sort ? `${query.sort.direction === 'desc' ? '-' : ''}${query.sort.column}` : null,
  };
}

/** The API's name for each column the list sorts by. */
const API_SORT: Record<SortColumn, 'name' | 'nextWindow' | 'state'> = { name: 'name', next: 'nextWindow', state: 'state' };

/** The query as the API takes it: the API filters, searches, sorts and pages. */
export function toListParams(query: ListQuery): Parameters<SchedulesService['listSchedules']>[0] {
  return {
    ...(query.states.length ? { state: [...query.states] } : {}),
    limit: query.pageSize,
    offset: Math.min(query.pageIndex * query.pageSize, MAX_OFFSET),
    ...(query.projectId ? { projectId: query.projectId } : {}),
    ...(query.search ? { q: query.search } : {}),
    ...(query.sort ? { sort: `${query.sort.direction === 'desc' ? '-' : ''}${API_SORT[query.sort.column]}` as ScheduleSort } : {}),
  };
}

/** The index of the last page that has schedules (0 when there are none). */
export function lastPageIndex(total: number, pageSize: number): number {
  return Math.max(0, Math.ceil(total / pageSize) - 1);
}
