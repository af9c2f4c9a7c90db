import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { createTestApp } from '../testing/test-app';
import { createTestDatabase, type TestDatabase } from '../testing/test-database';

const CONSOLE = 'https://console.example.com';
const METRICS_TOKEN = 'scrape-0123456789abcdef';

/** The HTTP hardening `configureApp` adds: security headers, CORS, body limits, the scrape token. */
describe('HTTP hardening', () => {
  let db: TestDatabase;
  let app: INestApplication;
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    db = await createTestDatabase('hardening');
  });

  afterEach(async () => {
    await app?.close();
  });

  afterAll(async () => {
    await db?.drop();
  });

  describe('by default', () => {
    beforeEach(async () => {
      app = await createTestApp({ databaseUrl: db.url, env: { FLAVOR_BOOTSTRAP: 'false' } });
    });

    it('sends security headers on every answer: API, refusals and the Swagger UI', async () => {
      const answers = [
        await http().get('/v1/health'),
        await http().get('/v1/schedules').expect(401),
        await http().get('/docs/').expect(200),
        await http().get('/docs-json').expect(200),
      ];
      for (const res of answers) {
        expect(res.headers).toMatchObject({
          'x-content-type-options': 'nosniff',
          'x-frame-options': 'SAMEORIGIN',
          'referrer-policy': 'no-referrer',
          'strict-transport-security': expect.stringContaining('max-age='),
          'cross-origin-opener-policy': 'same-origin',
          'content-security-policy': expect.stringContaining("default-src 'self'"),
        });
        expect(res.headers['x-powered-by']).toBeUndefined();
        // On plain HTTP this would make browsers fetch the Swagger UI's scripts over HTTPS.
        expect(res.headers['content-security-policy']).not.toContain('upgrade-insecure-requests');
      }
    });

    it('keeps /docs, /docs-json and the health probes public', async () => {
      await http().get('/docs/').expect(200);
      await http().get('/docs/swagger-ui-init.js').expect(200);
      await http().get('/docs-json').expect(200);
      await http().get('/docs-yaml').expect(200);
      await http().get('/livez').expect(200);
      await http().get('/v1/health').expect(200);
      // The cloud nobody answers at is reported, but does not take the replica out of service by default.
      const ready = await http().get('/readyz').expect(200);
      expect(ready.body.error).toMatchObject({ cloud: { status: 'down' } });
      await http().get('/v1/health/ready').expect(200);
      await http().get('/metrics').expect(200);
    });

    it('allows no cross-origin caller when CORS_ORIGINS is not set', async () => {
      const preflight = await http()
        .options('/v1/schedules')
        .set('Origin', CONSOLE)
        .set('Access-Control-Request-Method', 'POST')
        .set('Access-Control-Request-Headers', 'x-auth-token,content-type');
      expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
      const get = await http().get('/v1/health').set('Origin', CONSOLE);
      expect(get.headers['access-control-allow-origin']).toBeUndefined();
    });

    it('refuses a body over 100 kB with a 413 in the API error shape, and malformed JSON with a 400', async () => {
      const big = await http()
        .post('/v1/auth/tokens')
        .set('Content-Type', 'application/json')
        .send(JSON.stringify({ username: 'admin', password: 'x'.repeat(110 * 1024) }))
        .expect(413);
      expect(big.body).toEqual({ statusCode: 413, error: 'Payload Too Large', message: 'The request body is larger than 100kb' });
      expect(big.text).not.toContain('xxxxxxxx');
      const malformed = await http()
        .post('/v1/auth/tokens')
        .set('Content-Type', 'application/json')
        .send('{"username": "admin", "password": "pw-in-broken-json')
        .expect(400);
      expect(malformed.text).not.toContain('pw-in-broken-json');
      expect(malformed.body).toEqual({ statusCode: 400, error: 'Bad Request', message: 'The request body is not valid JSON' });
      // V8's own message would quote the text around the fault: here, the password.
      const unquoted = await http()
        .post('/v1/auth/tokens')
        .set('Content-Type', 'application/json')
        .send('{"username": "admin", "password": s3cret-pw}')
        .expect(400);
      expect(unquoted.text).not.toContain('s3cret-pw');
    });
  });

  describe('configured', () => {
    beforeEach(async () => {
      app = await createTestApp({
        databaseUrl: db.url,
        env: { FLAVOR_BOOTSTRAP: 'false', CORS_ORIGINS: `${CONSOLE},http://localhost:4200`, BODY_LIMIT: '1kb', METRICS_TOKEN },
      });
    });

    it('answers CORS preflights for the configured origins only, with the token header allowed', async () => {
      const allowed = await http()
        .options('/v1/schedules')
        .set('Origin', CONSOLE)
        .set('Access-Control-Request-Method', 'POST')
        .set('Access-Control-Request-Headers', 'x-auth-token,content-type')
        .expect(204);
      expect(allowed.headers['access-control-allow-origin']).toBe(CONSOLE);
      expect(allowed.headers['access-control-allow-headers']).toContain('X-Auth-Token');
      expect(allowed.headers['access-control-allow-credentials']).toBeUndefined();

      const refused = await http()
        .options('/v1/schedules')
        .set('Origin', 'https://evil.example')
        .set('Access-Control-Request-Method', 'DELETE');
      expect(refused.headers['access-control-allow-origin']).toBeUndefined();

      const get = await http().get('/v1/schedules').set('Origin', 'http://localhost:4200').expect(401);
      expect(get.headers['access-control-allow-origin']).toBe('http://localhost:4200');
      expect(get.headers['access-control-expose-headers']).toContain('WWW-Authenticate');
    });

    it('applies BODY_LIMIT', async () => {
      await http()
        .post('/v1/auth/tokens')
        .send({ username: 'admin', password: 'x'.repeat(2048) })
        .expect(413);
    });

    it('asks for METRICS_TOKEN on /metrics when it is set', async () => {
      const none = await http().get('/metrics').expect(401);
      expect(none.headers['www-authenticate']).toBe('Bearer realm="metrics"');
      expect(none.text).not.toContain(METRICS_TOKEN);
      await http().get('/metrics').set('Authorization', 'Bearer wrong-token-of-some-length').expect(401);
      await http().get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}`).expect(200);
      // A scrape token is no Keystone token: the API itself still refuses it.
      await http()
        .get('/v1/schedules')
        .set('Authorization', `Bearer ${METRICS_TOKEN}`)
        .expect((res) => expect([401, 503]).toContain(res.status));
    });
  });
});
