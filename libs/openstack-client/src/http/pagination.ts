import { isObject, optStr } from './json';
import { nextPageQuery } from './url';

/** One page of a listing and the query of the next page, if any. */
export interface Page<T> {
  items: T[];
  next?: URLSearchParams;
}

/** The query of the `rel: next` entry of a Nova or Neutron `*_links` array. */
export function nextLink(links: unknown): URLSearchParams | undefined {
  if (!Array.isArray(links)) return undefined;
  const next = links.filter(isObject).find((l) => l['rel'] === 'next');
  const href = next ? optStr(next, 'href') : undefined;
  return href ? nextPageQuery(href) : undefined;
}
