import { REDACTED, redactDeep, redactHeaders, redactUrl } from './redact';

describe('redact', () => {
  it('replaces secret-named fields at any depth, in objects and arrays, keeping everything else', () => {
    const login = {
      auth: {
        identity: {
          methods: ['password', 'application_credential'],
          password: { user: { name: 'admin', domain: { name: 'Default' }, password: 'hunter2' } },
          application_credential: { id: 'ac1', secret: 's3cr3t' },
        },
      },
      clouds: [{ name: 'a', auth: { application_credential_secret: 'x' } }],
      headers: { 'X-Auth-Token': 'gAAAA', 'X-Subject-Token': 'gBBBB', Authorization: 'Bearer z', Cookie: 'sid=1' },
      apiKey: 'k',
      count: 3,
    };
    expect(redactDeep(login)).toEqual({
      auth: {
        identity: {
          methods: ['password', 'application_credential'],
          password: REDACTED,
          application_credential: { id: 'ac1', secret: REDACTED },
        },
      },
      clouds: [{ name: 'a', auth: { application_credential_secret: REDACTED } }],
      headers: { 'X-Auth-Token': REDACTED, 'X-Subject-Token': REDACTED, Authorization: REDACTED, Cookie: REDACTED },
      apiKey: REDACTED,
      count: 3,
    });
    // The input is left as it was: the caller may still need it.
    expect(login.auth.identity.application_credential.secret).toBe('s3cr3t');
  });

  it('leaves errors, dates and class instances to the serializers, and survives cycles', () => {
    const error = new Error('boom');
    const when = new Date(0);
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic['self'] = cyclic;
    expect(redactDeep({ err: error, when, cyclic })).toEqual({ err: error, when, cyclic: { name: 'loop', self: '[Circular]' } });
  });

  it('redacts secret headers and secret query parameters only', () => {
    expect(redactHeaders({ 'x-auth-token': 't', 'x-request-id': 'r1', 'set-cookie': 'a=b' })).toEqual({
      'x-auth-token': REDACTED,
      'x-request-id': 'r1',
      'set-cookie': REDACTED,
    });
    expect(redactUrl('/v1/schedules?limit=50&token=abc&password=p')).toBe(
      `/v1/schedules?limit=50&token=${encodeURIComponent(REDACTED)}&password=${encodeURIComponent(REDACTED)}`,
    );
    expect(redactUrl('/v1/schedules?limit=50')).toBe('/v1/schedules?limit=50');
  });
});
