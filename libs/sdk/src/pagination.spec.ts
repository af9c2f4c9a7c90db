import { paginate, toArray, type Page } from './pagination';

describe(paginate.name, () => {
  /** A list of `count` numbers served in pages, recording each page asked for. */
  function served(count: number, removeAfterFirstPage = 0) {
    let items = Array.from({ length: count }, (_, i) => i);
    const asked: { limit: number; offset: number }[] = [];
    const fetchPage = async (page: { limit: number; offset: number }): Promise<Page<number>> => {
      asked.push(page);
      const result = { items: items.slice(page.offset, page.offset + page.limit), total: items.length, ...page };
      if (asked.length === 1 && removeAfterFirstPage) items = items.slice(removeAfterFirstPage);
      return result;
    };
    return { fetchPage, asked };
  }

  it('fetches pages of the given size until the total is reached', async () => {
    const { fetchPage, asked } = served(7);
    expect(await toArray(paginate(fetchPage, 3))).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(asked).toEqual([
      { limit: 3, offset: 0 },
      { limit: 3, offset: 3 },
      { limit: 3, offset: 6 },
    ]);
  });

  it('asks once for an empty list and once for an exact multiple of the page size', async () => {
    const empty = served(0);
    expect(await toArray(paginate(empty.fetchPage, 5))).toEqual([]);
    expect(empty.asked).toHaveLength(1);
    const exact = served(10);
    expect(await toArray(paginate(exact.fetchPage, 5))).toHaveLength(10);
    expect(exact.asked).toHaveLength(2);
  });

  it('stops at a short page when items disappear meanwhile', async () => {
    const { fetchPage, asked } = served(10, 4);
    const items = await toArray(paginate(fetchPage, 5));
    expect(items).toEqual([0, 1, 2, 3, 4, 9]);
    expect(asked).toHaveLength(2);
  });

  it('fetches lazily: a consumer that stops early asks for no further page', async () => {
    const { fetchPage, asked } = served(250);
    for await (const item of paginate(fetchPage)) if (item === 3) break;
    expect(asked).toEqual([{ limit: 100, offset: 0 }]);
  });

  it('refuses a page size that is not a positive integer', async () => {
    await expect(toArray(paginate(served(1).fetchPage, 0))).rejects.toThrow(RangeError);
  });
});
