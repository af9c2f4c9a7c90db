import { errorLine } from './cli';
import { compareObservations, observe, shapeOf } from './shape';

const response = (status: number, body: unknown, headers: Record<string, string> = {}) => ({ status, body, headers: new Headers(headers) });

describe(compareObservations.name, () => {
  it('records the key/type tree, with map keys as data and array elements merged', () => {
    const { body, emptyArrays } = shapeOf({
      servers: [
        { id: 'a', metadata: { x: '1' }, tags: [] },
        { id: 'b', metadata: {}, tags: ['t'], locked: false },
      ],
    });
    expect(body).toEqual({
      '(root)': 'object',
      servers: 'array',
      'servers[]': 'object',
      'servers[].id': 'string',
      'servers[].metadata': 'object',
      'servers[].metadata{}': 'string',
      'servers[].tags': 'array',
      'servers[].tags[]': 'string',
      'servers[].locked': 'boolean',
    });
    expect(emptyArrays.sort()).toEqual(['servers[].metadata', 'servers[].tags']);
  });

  it('reports status, protocol headers, keys only on one side and type changes; null matches any type', () => {
    const sim = observe(
      response(200, { a: 1, b: 'x', c: null, only: true }, { 'openstack-api-version': 'compute 2.1', 'x-openstack-request-id': 'r' }),
    );
    const real = observe(response(201, { a: '1', b: 'y', c: 'set', extra: { deep: 1 } }, { 'openstack-api-version': 'compute 2.93' }));
    expect(compareObservations(sim, real)).toEqual([
      'status: simulator 200, real 201',
      'header openstack-api-version: simulator compute 2.1, real compute 2.93',
      'header x-openstack-request-id: simulator present, real absent',
      'body a: simulator number, real string',
      'body extra: only in real (object)',
      'body only: only in simulator (boolean)',
    ]);
  });

  it('does not compare below an array or map that is empty on the other side', () => {
    const sim = observe(response(200, { tags: [], flavor: { extra_specs: {} } }));
    const real = observe(response(200, { tags: ['peak'], flavor: { extra_specs: { 'hw:cpu_policy': 'shared' } } }));
    expect(compareObservations(sim, real)).toEqual([]);
  });

  it('leaves varying keys (timing- or order-dependent) out with everything below them, on both sides', () => {
    const varying = ['server.security_groups'];
    const sim = observe(response(200, { server: { id: 'a', security_groups: [{ name: 'default' }] } }), { varying });
    const real = observe(response(200, { server: { id: 'b', security_groups_extra: [] } }), { varying });
    expect(sim.body).toEqual({ '(root)': 'object', server: 'object', 'server.id': 'string' });
    expect(compareObservations(sim, real)).toEqual(['body server.security_groups_extra: only in real (array)']);
  });

  it('compares Location with the service root and ids replaced', () => {
    const normalizeUrl = (url: string) => url.replace(/^http:\/\/[^/]+(\/compute)?/, '{compute}').replace(/[0-9a-f-]{36}/, '{uuid}');
    const location = (url: string) => observe(response(202, {}, { location: url }), { normalizeUrl }).headers['location'];
    expect(location('http://127.0.0.1:8774/v2.1/servers/0e4e9c2c-6a1b-4a59-9d38-4d3e8e2f1a10')).toBe('{compute}/v2.1/servers/{uuid}');
    expect(location('http://127.0.0.1:41234/compute/v2.1/servers/5d1a4c2b-1b2c-4d3e-8f9a-0b1c2d3e4f5a')).toBe(
      '{compute}/v2.1/servers/{uuid}',
    );
  });
});

describe(errorLine.name, () => {
  it('keeps the CLI’s last error line with request ids, ids and numbers replaced', () => {
    const stderr =
      'some warning\nQuota exceeded for instances: Requested 11, but already used 3 of 10 instances (HTTP 403) ' +
      '(Request-ID: req-0e4e9c2c-6a1b-4a59-9d38-4d3e8e2f1a10)\n';
    expect(errorLine(stderr)).toBe(
      'Quota exceeded for instances: Requested N, but already used N of N instances (HTTP N) (Request-ID: req-{id})',
    );
  });
});
