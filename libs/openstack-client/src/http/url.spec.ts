import { expandPath, joinUrl, nextPageQuery, splitEndpoint } from './url';

describe(splitEndpoint.name, () => {
  it.each([
    // As real clouds publish them: versioned, with project id, unversioned, path-based (devstack), legacy v2.
    ['http://127.0.0.1:8774/v2.1', { root: 'http://127.0.0.1:8774', version: 'v2.1', suffix: '' }],
    ['http://127.0.0.1:8774/v2.1/', { root: 'http://127.0.0.1:8774', version: 'v2.1', suffix: '' }],
    [
      'http://nova:8774/v2.1/6f70656e737461636b20342065766572',
      { root: 'http://nova:8774', version: 'v2.1', suffix: '/6f70656e737461636b20342065766572' },
    ],
    [
      'http://nova:8774/v2/6f70656e737461636b20342065766572',
      { root: 'http://nova:8774', version: 'v2', suffix: '/6f70656e737461636b20342065766572' },
    ],
    ['http://nova:8774', { root: 'http://nova:8774', suffix: '' }],
    ['https://cloud.example.com/compute/v2.1', { root: 'https://cloud.example.com/compute', version: 'v2.1', suffix: '' }],
    ['http://127.0.0.1:9292', { root: 'http://127.0.0.1:9292', suffix: '' }],
    ['http://127.0.0.1:9292/v2', { root: 'http://127.0.0.1:9292', version: 'v2', suffix: '' }],
    ['http://127.0.0.1:9696/', { root: 'http://127.0.0.1:9696', suffix: '' }],
    ['http://h/network/v2.0', { root: 'http://h/network', version: 'v2.0', suffix: '' }],
  ])('%s', (url, expected) => {
    expect(splitEndpoint(url)).toEqual(expected);
  });
});

describe(joinUrl.name, () => {
  it('joins without doubled or lost slashes and drops empty query values', () => {
    expect(joinUrl('http://h/compute/v2.1/', '/servers/detail', { tags: 'a,b', name: undefined, limit: 2 })).toBe(
      'http://h/compute/v2.1/servers/detail?tags=a%2Cb&limit=2',
    );
    expect(joinUrl('http://h/v3', 'auth/tokens')).toBe('http://h/v3/auth/tokens');
  });
});

describe(expandPath.name, () => {
  it('encodes ids so they cannot change the path', () => {
    expect(expandPath('/servers/{id}', { id: '../flavors?x=1' })).toBe('/servers/..%2Fflavors%3Fx%3D1');
    expect(() => expandPath('/servers/{id}', {})).toThrow(/Missing path parameter id/);
  });
});

describe(nextPageQuery.name, () => {
  it('keeps only the query of absolute and relative next links', () => {
    expect(nextPageQuery('http://internal-host:8774/v2.1/servers/detail?limit=2&marker=abc').toString()).toBe('limit=2&marker=abc');
    expect(nextPageQuery('/v2/images?marker=def&limit=1').get('marker')).toBe('def');
  });
});
