import { OpenStackError } from '../errors';
import { parseErrorBody, parseRetryAfter } from './parse-error';

describe(parseErrorBody.name, () => {
  it('reads Nova faults, whose key is the fault name', () => {
    expect(parseErrorBody(404, '{"itemNotFound": {"code": 404, "message": "Flavor 42 could not be found."}}')).toEqual({
      fault: 'itemNotFound',
      message: 'Flavor 42 could not be found.',
      detail: undefined,
    });
    expect(
      parseErrorBody(
        403,
        '{"forbidden": {"code": 403, "message": "Quota exceeded for cores: Requested 4, but already used 18 of 20 cores"}}',
      ),
    ).toMatchObject({ fault: 'forbidden', message: expect.stringContaining('Quota exceeded for cores') });
    expect(
      parseErrorBody(409, '{"conflictingRequest": {"code": 409, "message": "Flavor with name m1.peak already exists."}}'),
    ).toMatchObject({
      fault: 'conflictingRequest',
    });
  });

  it("reads Keystone's error with its title", () => {
    expect(
      parseErrorBody(
        401,
        '{"error": {"code": 401, "message": "The request you have made requires authentication.", "title": "Unauthorized"}}',
      ),
    ).toEqual({
      fault: 'error',
      message: 'The request you have made requires authentication.',
      detail: 'Unauthorized',
    });
  });

  it("reads Neutron's NeutronError with its type", () => {
    expect(
      parseErrorBody(404, '{"NeutronError": {"type": "NetworkNotFound", "message": "Network abc could not be found.", "detail": ""}}'),
    ).toEqual({
      fault: 'NeutronError',
      message: 'Network abc could not be found.',
      detail: 'NetworkNotFound',
    });
  });

  it("reads Octavia's WSME faults, faultcode as the fault", () => {
    expect(
      parseErrorBody(
        409,
        '{"faultcode": "Client", "faultstring": "Load Balancer 8a56 is immutable and cannot be updated.", "debuginfo": null}',
      ),
    ).toEqual({ fault: 'Client', message: 'Load Balancer 8a56 is immutable and cannot be updated.' });
    expect(parseErrorBody(500, '{"faultstring": "Internal Server Error", "debuginfo": null}')).toEqual({
      fault: undefined,
      message: 'Internal Server Error',
    });
  });

  it("reads Glance's and webob's plain-text and HTML errors", () => {
    expect(parseErrorBody(404, '404 Not Found\n\nNo image found with ID abc\n\n   ')).toEqual({ message: 'No image found with ID abc' });
    expect(
      parseErrorBody(
        503,
        '<html><head><title>503 Service Unavailable</title></head><body><h1>503 Service Unavailable</h1>Try later.</body></html>',
      ),
    ).toEqual({ message: 'Try later.' });
    expect(parseErrorBody(502, '')).toEqual({ message: '502 Bad Gateway' });
  });

  it('reads the errors-array form and bare messages', () => {
    expect(
      parseErrorBody(
        409,
        '{"errors": [{"status": 409, "title": "Conflict", "detail": "resource provider generation conflict", "code": "placement.concurrent_update"}]}',
      ),
    ).toEqual({
      fault: 'placement.concurrent_update',
      message: 'Conflict: resource provider generation conflict',
    });
    expect(parseErrorBody(400, '{"message": "bad things", "code": 400}')).toEqual({ message: 'bad things' });
  });

  it('bounds very long messages', () => {
    expect(parseErrorBody(500, 'x'.repeat(5000)).message.length).toBeLessThanOrEqual(501);
  });
});

describe(parseRetryAfter.name, () => {
  it('reads seconds and HTTP dates', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter('0.5', now)).toBe(500);
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:10 GMT', now)).toBe(10_000);
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
  });
});

describe(OpenStackError.name, () => {
  const error = (status: number, fault?: string, message = 'm') => new OpenStackError({ service: 'compute', status, fault, message });

  it('classifies quota errors in both of Nova forms, and not plain forbidden ones', () => {
    expect(error(403, 'forbidden', 'Quota exceeded for instances: Requested 1, but already used 10 of 10 instances').isQuotaExceeded).toBe(
      true,
    );
    expect(error(413, 'overLimit', 'Quota exceeded for ram').isQuotaExceeded).toBe(true);
    expect(error(403, 'forbidden', "Policy doesn't allow os_compute_api:os-flavor-manage:create to be performed.").isQuotaExceeded).toBe(
      false,
    );
    expect(error(403, 'forbidden', 'Policy').isForbidden).toBe(true);
    expect(error(429, 'overLimit', 'rate').isQuotaExceeded).toBe(false);
  });

  it('classifies unavailable and retryable errors', () => {
    expect([502, 503, 504].map((s) => error(s).isUnavailable)).toEqual([true, true, true]);
    expect(error(0, 'Timeout').isUnavailable).toBe(true);
    expect(error(0, 'ConnectionError').isRetryable).toBe(true);
    expect(error(429).isRetryable).toBe(true);
    expect(error(500).isRetryable).toBe(false);
    expect(error(0, 'MicroversionUnsupported').isUnavailable).toBe(false);
    expect(error(404).isNotFound && error(409).isConflict && error(401).isUnauthorized).toBe(true);
  });
});
