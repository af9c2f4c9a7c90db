import { OpenStackError } from '@peak/openstack-client';
import { httpStatusFor, withoutUrls } from './openstack-exception.filter';

describe(httpStatusFor.name, () => {
  const err = (status: number, fault?: string, message = 'x') => new OpenStackError({ service: 'compute', status, fault, message });

  it.each([
    [err(0, 'ConnectionError'), 503],
    [err(0, 'Timeout'), 504],
    [err(503), 503],
    [err(502), 503],
    [err(504), 503],
    [err(429), 503],
    [err(401, 'error'), 502],
    [err(403, 'forbidden', 'Policy does not allow'), 502],
    [err(403, 'forbidden', 'Quota exceeded for instances: Requested 11, but already used 0 of 10 instances'), 422],
    [err(404, 'itemNotFound'), 404],
    [err(409, 'conflictingRequest'), 409],
    [err(500, 'computeFault'), 502],
    [err(400, 'badRequest'), 502],
  ])('maps %s to %i', (error, status) => {
    expect(httpStatusFor(error)).toBe(status);
  });
});

describe(withoutUrls.name, () => {
  it.each([
    ['Cannot reach identity at http://10.0.0.5:5000: connection refused', 'Cannot reach identity at its endpoint: connection refused'],
    ['Compute at https://nova.internal:8774/v2.1/abc: bad answer', 'Compute at its endpoint: bad answer'],
    ['see (http://a.example/x), then', 'see (its endpoint), then'],
    ['Quota exceeded for instances: Requested 11', 'Quota exceeded for instances: Requested 11'],
  ])('%s', (message, expected) => {
    expect(withoutUrls(message)).toBe(expected);
  });
});
