import type { INestApplication } from '@nestjs/common';
import { defaultSeed, startSimulator, stableHexId, type RunningSimulator } from '@peak/openstack-sim';
import type { DestinationStream } from 'pino';
import request from 'supertest';
import { LOG_DESTINATION } from '../logging/logging.module';
import { eventually } from '../testing/eventually';
import { keystoneToken } from '../testing/keystone-token';
import { simulatorEnv } from '../testing/simulator-env';
import { createTestApp } from '../testing/test-app';
import { createTestDatabase, type TestDatabase } from '../testing/test-database';

// Distinctive values, so a leak anywhere in the logs or the answers is found by a plain substring search.
const SERVICE_PASSWORD = 'svc-Pa55word-of-the-API-itself';
const VIEWER_PASSWORD = 'viewer-Pa55word-typed-in-console';
const WRONG_PASSWORD = 'wrong-Pa55word-someone-tried';
const APP_SECRET = 'appcred-S3cret-of-a-CI-job';
const BOGUS_TOKEN = 'gAAAAABbogus-token-sent-by-a-stranger-0123456789';
/** Short enough to fit in the excerpt V8 quotes from a body that is not valid JSON. */
const SHORT_PASSWORD = 'Zq8-pw';

class LogCapture implements DestinationStream {
  text = '';

  write(chunk: string): void {
    this.text += chunk;
  }
}

/**
 * Issue 9: no secret (the cloud password, an application credential secret, a token) in any log line or error
 * body, whatever happens to a login or a token. Every line the API writes at `trace` is captured.
 */
describe('secrets in logs and error bodies', () => {
  const capture = new LogCapture();
  let db: TestDatabase;
  let sim: RunningSimulator;
  let app: INestApplication;
  /** Every answer's body, with the one token it is entitled to carry (a login's own). */
  const answers: { what: string; text: string; allowedToken?: string }[] = [];
  const requestIds: string[] = [];
  const secrets: string[] = [SERVICE_PASSWORD, VIEWER_PASSWORD, WRONG_PASSWORD, APP_SECRET, BOGUS_TOKEN, SHORT_PASSWORD];

  async function send(what: string, req: request.Test): Promise<request.Response> {
    const res = await req;
    answers.push({ what, text: res.text, allowedToken: typeof res.body?.token === 'string' ? res.body.token : undefined });
    requestIds.push(String(res.headers['x-request-id']));
    return res;
  }

  beforeAll(async () => {
    const seed = defaultSeed();
    db = await createTestDatabase('auth_secrets');
    sim = await startSimulator({
      port: 0,
      seed: {
        users: seed.users.map((user) =>
          user.name === 'admin'
            ? { ...user, password: SERVICE_PASSWORD }
            : user.name === 'viewer'
              ? { ...user, password: VIEWER_PASSWORD }
              : user,
        ),
        applicationCredentials: [
          { id: stableHexId('application_credential', 'ci-job'), name: 'ci-job', secret: APP_SECRET, user: 'demo', project: 'demo' },
        ],
      },
    });
    app = await createTestApp({
      databaseUrl: db.url,
      env: { ...simulatorEnv(sim), OS_PASSWORD: SERVICE_PASSWORD, LOG_LEVEL: 'trace', FLAVOR_BOOTSTRAP: 'false' },
      override: (builder) => builder.overrideProvider(LOG_DESTINATION).useValue(capture),
      auth: 'none',
    });
  });

  afterAll(async () => {
    await app?.close();
    await sim?.close();
    await db?.drop();
  });

  it('writes none, through logins, refusals, outages and logouts', async () => {
    const http = () => request(app.getHttpServer());
    const login = (body: unknown) =>
      http()
        .post('/v1/auth/tokens')
        .send(body as object);

    const viewer = await send('login', login({ username: 'viewer', password: VIEWER_PASSWORD, projectName: 'admin' }).expect(201));
    const viewerToken = viewer.body.token as string;
    await send('wrong password', login({ username: 'viewer', password: WRONG_PASSWORD }).expect(401));
    await send('unknown field', login({ username: 'viewer', password: VIEWER_PASSWORD, passwd: WRONG_PASSWORD }).expect(400));
    await send(
      'broken JSON',
      http()
        .post('/v1/auth/tokens')
        .set('Content-Type', 'application/json')
        .send(`{"username": "viewer", "password": ${SHORT_PASSWORD}}`)
        .expect(400),
    );
    const tool = await send(
      'app credential',
      login({ applicationCredentialId: stableHexId('application_credential', 'ci-job'), applicationCredentialSecret: APP_SECRET }).expect(
        201,
      ),
    );
    const toolToken = tool.body.token as string;
    await send(
      'wrong app secret',
      login({
        applicationCredentialId: stableHexId('application_credential', 'ci-job'),
        applicationCredentialSecret: WRONG_PASSWORD,
      }).expect(401),
    );

    await send('read', http().get('/v1/schedules').set('X-Auth-Token', viewerToken).expect(200));
    await send('bearer read', http().get('/v1/flavors').set('Authorization', `Bearer ${toolToken}`).expect(200));
    await send('write refused', http().post('/v1/schedules').set('X-Auth-Token', viewerToken).send({ name: 'x' }).expect(403));
    await send('bogus token', http().get('/v1/schedules').set('X-Auth-Token', BOGUS_TOKEN).expect(401));
    await send('token in the query', http().get(`/v1/schedules?token=${toolToken}`).expect(401));
    await send(
      'two tokens',
      http().get('/v1/schedules').set('X-Auth-Token', viewerToken).set('Authorization', `Bearer ${toolToken}`).expect(401),
    );

    const { token: outageToken } = await keystoneToken(sim.authUrl, { name: 'demo', password: 'secret', project: 'demo' });
    await sim.control.failNext(4, { service: 'identity', method: 'GET', path: '/identity/v3/auth/tokens', status: 503 });
    await send('Keystone down', http().get('/v1/schedules').set('X-Auth-Token', outageToken).expect(503));

    await send('logout', http().delete('/v1/auth/tokens').set('X-Auth-Token', viewerToken).expect(204));
    await send('after logout', http().get('/v1/schedules').set('X-Auth-Token', viewerToken).expect(401));

    secrets.push(viewerToken, toolToken, outageToken);
    // Each request's line is written when its response closes, which may come after the client has read it.
    await eventually(() => requestIds.every((id) => capture.text.includes(`"reqId":"${id}","req":`)), 'a line for every request');

    // Not vacuous: the requests were logged, headers included (names kept, values redacted).
    expect(capture.text).toContain('"x-auth-token":"[Redacted]"');
    expect(capture.text).toContain('"authorization":"[Redacted]"');
    expect(capture.text).toContain('/v1/schedules?token=%5BRedacted%5D');
    expect(capture.text).toMatch(/POST \/v1\/auth\/tokens 401/);

    const inLogs = secrets.filter((secret) => capture.text.includes(secret));
    expect(inLogs).toEqual([]);
    for (const answer of answers) {
      const leaked = secrets.filter((secret) => secret !== answer.allowedToken && answer.text.includes(secret));
      expect({ what: answer.what, leaked }).toEqual({ what: answer.what, leaked: [] });
    }
  });
});
