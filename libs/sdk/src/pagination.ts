/** One page of a list answer, as `GET /v1/schedules` and `GET /v1/schedules/{id}/runs` return it. */
export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

/**
 * Every item of a paged list, fetching pages of `pageSize` (the API's maximum is 100) as the caller iterates.
 * It stops at the last page the API reports (`total`), or at a short or empty page when items were removed meanwhile.
 */
export async function* paginate<T>(
  fetchPage: (page: { limit: number; offset: number }) => Promise<Page<T>>,
  pageSize = 100,
): AsyncGenerator<T> {
  if (!Number.isInteger(pageSize) || pageSize < 1) throw new RangeError(`pageSize must be a positive integer, got ${pageSize}`);
  for (let offset = 0; ; ) {
    const page = await fetchPage({ limit: pageSize, offset });
    yield* page.items;
    offset += page.items.length;
    if (page.items.length === 0 || page.items.length < page.limit || offset >= page.total) return;
  }
}

/** Collects an async iterable (e.g. {@link paginate}) into an array. */
export async function toArray<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}
