import { isFiltered, parseActivityQuery, toAuditParams, toQueryParams } from './activity-query';

describe('activity query', () => {
  it('reads the address, dropping what cannot be a filter', () => {
    expect(parseActivityQuery({})).toEqual({
      pageIndex: 0,
      pageSize: 50,
      from: null,
      to: null,
      userId: null,
      action: null,
      targetId: null,
    });
    expect(
      parseActivityQuery({
        page: '3',
        size: '25',
        from: '2026-05-04T08:00:00+02:00',
        to: 'yesterday',
        user: ' u-1 ',
        action: 'schedule.update',
        target: 'x'.repeat(65),
      }),
    ).toEqual({
      pageIndex: 2,
      pageSize: 25,
      from: '2026-05-04T06:00:00.000Z',
      to: null,
      userId: 'u-1',
      action: 'schedule.update',
      targetId: null,
    });
    expect(parseActivityQuery({ page: '0', size: '7' })).toMatchObject({ pageIndex: 0, pageSize: 50 });
  });

  it('writes the address and the API parameters back, without the filters that do not apply', () => {
    const query = parseActivityQuery({ page: '2', size: '25', action: 'schedule.delete', target: 's-1' });
    expect(isFiltered(query)).toBe(true);
    expect(toQueryParams(query)).toEqual({ page: 2, size: 25, from: null, to: null, user: null, action: 'schedule.delete', target: 's-1' });
    expect(toAuditParams(query)).toEqual({ limit: 25, offset: 25, action: 'schedule.delete', targetId: 's-1' });
    expect(isFiltered(parseActivityQuery({ page: '4' }))).toBe(false);
  });
});
