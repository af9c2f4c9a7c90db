import type { INestApplication } from '@nestjs/common';
import { startSimulator, type RunningSimulator } from '@peak/openstack-sim';
import request from 'supertest';
import { keystoneToken } from '../testing/keystone-token';
import { simulatorEnv } from '../testing/simulator-env';
import { createTestApp } from '../testing/test-app';
import { createTestDatabase, type TestDatabase } from '../testing/test-database';
import { LoginThrottlerGuard } from './login-throttler.guard';

const WRONG = { username: 'admin', password: 'guess', projectName: 'admin' };
const RIGHT = { username: 'admin', password: 'secret', projectName: 'admin' };

describe(LoginThrottlerGuard.name, () => {
  let db: TestDatabase;
  let sim: RunningSimulator;
  let app: INestApplication;
  const http = () => request(app.getHttpServer());
  const keystoneLogins = async () => (await sim.control.requests({ method: 'POST', path: '/identity/v3/auth/tokens' })).length;

  beforeAll(async () => {
    db = await createTestDatabase('login_throttling');
    sim = await startSimulator({ port: 0 });
  });

  afterEach(async () => {
    await app?.close();
  });

  afterAll(async () => {
    await sim?.close();
    await db?.drop();
  });

  const start = (env: Record<string, string> = {}) =>
    createTestApp({
      databaseUrl: db.url,
      env: { ...simulatorEnv(sim), FLAVOR_BOOTSTRAP: 'false', AUTH_LOGIN_LIMIT: '3', AUTH_LOGIN_WINDOW_SECONDS: '2', ...env },
      auth: 'none',
    });

  it('refuses the attempt after AUTH_LOGIN_LIMIT within the window with a 429 and Retry-After, without asking Keystone', async () => {
    app = await start();
    for (let i = 0; i < 3; i++) await http().post('/v1/auth/tokens').send(WRONG).expect(401);
    await sim.control.clearRequests();

    // Even the right password waits: an attacker must not learn that the last guess was the good one.
    const res = await http().post('/v1/auth/tokens').send(RIGHT).expect(429);
    expect(res.body).toEqual({
      statusCode: 429,
      error: 'Too Many Requests',
      message: expect.stringMatching(/^Too many login attempts from this address: try again in \d+ s$/),
    });
    expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(res.headers['retry-after'])).toBeLessThanOrEqual(2);
    expect(await keystoneLogins()).toBe(0);

    // Only logins are limited; a caller with a token goes on working.
    const { token } = await keystoneToken(sim.authUrl, { name: 'admin', password: 'secret', project: 'admin' });
    for (let i = 0; i < 5; i++) await http().get('/v1/schedules').set('X-Auth-Token', token).expect(200);
    await http().get('/v1/health').expect(200);

    await new Promise((resolve) => setTimeout(resolve, Number(res.headers['retry-after']) * 1000 + 100));
    await http().post('/v1/auth/tokens').send(RIGHT).expect(201);
  });

  it('counts by the connecting address, ignoring X-Forwarded-For unless TRUST_PROXY says to believe it', async () => {
    app = await start();
    for (let i = 0; i < 3; i++) await http().post('/v1/auth/tokens').set('X-Forwarded-For', `198.51.100.${i}`).send(WRONG).expect(401);
    await http().post('/v1/auth/tokens').set('X-Forwarded-For', '198.51.100.99').send(RIGHT).expect(429);
  });

  it('counts each client behind a trusted proxy on its own', async () => {
    app = await start({ TRUST_PROXY: 'loopback' });
    for (let i = 0; i < 3; i++) await http().post('/v1/auth/tokens').set('X-Forwarded-For', '198.51.100.7').send(WRONG).expect(401);
    await http().post('/v1/auth/tokens').set('X-Forwarded-For', '198.51.100.7').send(RIGHT).expect(429);
    await http().post('/v1/auth/tokens').set('X-Forwarded-For', '198.51.100.8').send(RIGHT).expect(201);
  });
});
