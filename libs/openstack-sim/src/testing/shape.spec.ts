import { compareShape } from './shape';

describe(compareShape.name, () => {
  it('accepts the same keys with the same types', () => {
    expect(compareShape({ a: 1, b: 'x', c: [{ d: true }] }, { a: 2, b: 'y', c: [{ d: false }] })).toEqual([]);
  });

  it('reports missing keys, extra keys and type changes with their paths', () => {
    const actual = { a: '1', c: [{ d: true, e: 1 }], f: 0 };
    const sample = { a: 1, b: 'y', c: [{ d: false }] };
    expect(compareShape(actual, sample)).toEqual(['a: string, sample number', 'b: missing', 'c[].e: not in sample', 'f: not in sample']);
  });

  it('treats null as nullable on either side and compares every element with the sample', () => {
    expect(compareShape({ a: null, b: 'x', c: [{ d: 1 }, { d: 'x' }] }, { a: 'x', b: null, c: [{ d: 2 }] })).toEqual([
      'c[].d: string, sample number',
    ]);
  });

  it('matches each array element with the sample element it resembles most', () => {
    const sample = {
      links: [
        { href: 'x', rel: 'self' },
        { href: 'y', rel: 'describedby', type: 'text/html' },
      ],
    };
    expect(
      compareShape(
        {
          links: [
            { href: 'a', rel: 'describedby', type: 'text/html' },
            { href: 'b', rel: 'self' },
          ],
        },
        sample,
      ),
    ).toEqual([]);
    expect(compareShape({ links: [{ href: 'a', rel: 'self', extra: 1 }] }, sample)).toEqual(['links[].extra: not in sample']);
  });

  it('compares only value types inside maps', () => {
    const sample = { metadata: { 'My Server Name': 'Apache1' } };
    expect(compareShape({ metadata: { other: 'x', n: 1 } }, sample, { maps: ['metadata'] })).toEqual(['metadata.n: number, sample string']);
  });
});
