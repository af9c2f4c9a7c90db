import { type INestApplication, Logger } from '@nestjs/common';
import { startSimulator, type RunningSimulator } from '@peak/openstack-sim';
import type { DestinationStream } from 'pino';
import request from 'supertest';
import { simulatorEnv } from '../testing/simulator-env';
import { createTestApp } from '../testing/test-app';
import { eventually } from '../testing/eventually';
import { createTestDatabase, type TestDatabase } from '../testing/test-database';
import { LOG_DESTINATION, LoggingModule } from './logging.module';
import { loggingConfig } from './logging.config';

type LogLine = Record<string, unknown> & { level: string; msg?: string; reqId?: string; context?: string };

/** Reads the log stream exactly as a collector would: bytes, one JSON object per line. */
class LogCapture implements DestinationStream {
  text = '';

  write(chunk: string): void {
    this.text += chunk;
  }

  get lines(): LogLine[] {
    return this.text
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as LogLine);
  }

  /** The line(s) the request log wrote when a request's response closed (the only ones with `req`). */
  completions(reqId: string): LogLine[] {
    return this.lines.filter((l) => l.reqId === reqId && 'req' in l);
  }

  /** The one completion line of a request, once written. */
  async completion(reqId: string): Promise<LogLine> {
    const lines = await eventually(() => {
      const found = this.completions(reqId);
      return found.length > 0 && found;
    }, `the line of ${reqId}`);
    expect(lines).toHaveLength(1);
    return lines[0] as LogLine;
  }
}

/** A real Keystone token of the simulator, as a client of our API would send it. */
async function keystoneToken(sim: RunningSimulator): Promise<string> {
  const res = await fetch(`${sim.authUrl}/auth/tokens`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      auth: {
        identity: { methods: ['password'], password: { user: { name: 'demo', domain: { name: 'Default' }, password: 'secret' } } },
        scope: { project: { name: 'demo', domain: { name: 'Default' } } },
      },
    }),
  });
  const token = res.headers.get('x-subject-token');
  if (res.status !== 201 || !token) throw new Error(`no token from the simulator: ${res.status}`);
  return token;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe(LoggingModule.name, () => {
  const capture = new LogCapture();
  let db: TestDatabase;
  let sim: RunningSimulator;
  let app: INestApplication;

  beforeAll(async () => {
    db = await createTestDatabase('logging');
    sim = await startSimulator({ port: 0 });
    app = await createTestApp({
      databaseUrl: db.url,
      env: { ...simulatorEnv(sim), LOG_LEVEL: 'debug' },
      override: (builder) => builder.overrideProvider(LOG_DESTINATION).useValue(capture),
    });
  });

  afterAll(async () => {
    await app?.close();
    await sim?.close();
    await db?.drop();
  });

  it("writes Nest's own lines to the same stream, as JSON with a level, a time and a message", () => {
    const lines = capture.lines;
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line).toEqual(expect.objectContaining({ level: expect.any(String), time: expect.any(String) }));
    expect(lines).toContainEqual(
      expect.objectContaining({ level: 'info', context: 'RouterExplorer', msg: expect.stringContaining('/v1/health') }),
    );
  });

  it('honours a sane X-Request-Id: echoed in the response, on the request line, and on lines logged while serving it', async () => {
    const res = await request(app.getHttpServer()).get('/v1/flavors?refresh=true').set('X-Request-Id', 'ops-check-42').expect(200);
    expect(res.headers['x-request-id']).toBe('ops-check-42');

    const done = await capture.completion('ops-check-42');
    expect(done).toMatchObject({
      level: 'info',
      msg: expect.stringMatching(/^GET \/v1\/flavors\?refresh=true 200 \d+ ms$/),
      req: { id: 'ops-check-42', method: 'GET', url: '/v1/flavors?refresh=true' },
      res: { statusCode: 200 },
      responseTime: expect.any(Number),
    });
  });

  it('logs each OpenStack call at debug with its service, method, path template, status, duration and OpenStack request id', async () => {
    await sim.control.clearRequests();
    await request(app.getHttpServer()).get('/v1/images?refresh=true').set('X-Request-Id', 'trace-images-1').expect(200);
    const [upstream] = await sim.control.requests({ method: 'GET', path: '/image/v2/images' });

    const line = capture.lines.find((l) => l.reqId === 'trace-images-1' && l.context === 'OpenStack' && l['service'] === 'image');
    expect(line).toEqual({
      level: 'debug',
      time: expect.any(String),
      pid: process.pid,
      hostname: expect.any(String),
      reqId: 'trace-images-1',
      context: 'OpenStack',
      msg: 'image GET /images -> 200',
      service: 'image',
      method: 'GET',
      path: '/images',
      status: 200,
      durationMs: expect.any(Number),
      openstackRequestId: upstream?.requestId,
      attempt: 1,
    });
    expect(upstream?.requestId).toMatch(/^req-/);
    // The client's own line for the same attempt is not written a second time.
    expect(capture.lines.filter((l) => l.reqId === 'trace-images-1' && l.context === 'OpenStack')).toHaveLength(1);
  });

  it("names the caller's user id on the request line once the token is validated, and no one when it is refused", async () => {
    const token = await keystoneToken(sim);
    const who = await request(app.getHttpServer())
      .get('/v1/auth/tokens')
      .set('X-Auth-Token', token)
      .set('X-Request-Id', 'who-1')
      .expect(200);
    const known = await capture.completion('who-1');
    expect(known['userId']).toBe((who.body as { user: { id: string } }).user.id);

    await request(app.getHttpServer()).get('/v1/auth/tokens').set('X-Auth-Token', 'not-a-token').set('X-Request-Id', 'who-2').expect(401);
    const refused = await capture.completion('who-2');
    expect(refused).not.toHaveProperty('userId');
  });

  it('gives every request an id and a line: one refused by the body parsers, a /docs page, an unknown path', async () => {
    const server = app.getHttpServer();
    await request(server)
      .post('/v1/auth/tokens')
      .set('X-Request-Id', 'bad-body-1')
      .set('Content-Type', 'application/json')
      .send('{"username": "demo", "password": s3cret-pw}')
      .expect(400)
      .expect('X-Request-Id', 'bad-body-1');
    expect(await capture.completion('bad-body-1')).toMatchObject({
      level: 'info',
      msg: expect.stringMatching(/^POST \/v1\/auth\/tokens 400 \d+ ms$/),
      res: { statusCode: 400 },
    });
    // Why it was refused, on a line of its own with the same id, and without the body.
    expect(capture.lines.find((l) => l.reqId === 'bad-body-1' && l.context === 'Http')).toMatchObject({
      level: 'warn',
      msg: 'POST /v1/auth/tokens 400: The request body is not valid JSON',
    });

    // The Swagger UI's files are served by a router mounted at /docs, which strips its path from the request's URL.
    await request(server).get('/docs/swagger-ui.css').set('X-Request-Id', 'docs-1').expect(200);
    expect(await capture.completion('docs-1')).toMatchObject({ req: { url: '/docs/swagger-ui.css' }, res: { statusCode: 200 } });
    await request(server).get('/nowhere').set('X-Request-Id', 'nowhere-1').expect(404).expect('X-Request-Id', 'nowhere-1');
    expect(await capture.completion('nowhere-1')).toMatchObject({ level: 'info', res: { statusCode: 404 } });
    expect(capture.text).not.toContain('s3cret-pw');
  });

  it('logs a failed request at error with its status only: the cause is logged where it happened', async () => {
    const fault = await sim.control.failNext(10, { service: 'image', status: 503 });
    try {
      await request(app.getHttpServer()).get('/v1/images?refresh=true').set('X-Request-Id', 'down-1').expect(503);
    } finally {
      await sim.control.removeFault(fault.id).catch(() => undefined);
    }
    const done = await capture.completion('down-1');
    expect(done).toMatchObject({ level: 'error', msg: 'GET /v1/images?refresh=true 503', res: { statusCode: 503 } });
    // No error object of its own (pino-http invented one, with a stack, for every 5xx).
    expect(Object.keys(done).sort()).toEqual(['hostname', 'level', 'msg', 'pid', 'req', 'reqId', 'res', 'responseTime', 'time', 'userId']);
  });

  it('replaces a missing or unsafe X-Request-Id with a UUID of its own', async () => {
    const none = await request(app.getHttpServer()).get('/v1/health').expect(200);
    const unsafe = await request(app.getHttpServer()).get('/v1/health').set('X-Request-Id', 'x" injected="1').expect(200);
    const long = await request(app.getHttpServer()).get('/v1/health').set('X-Request-Id', 'a'.repeat(129)).expect(200);
    for (const res of [none, unsafe, long]) {
      const id = String(res.headers['x-request-id']);
      expect(id).toMatch(UUID);
      // Probes are logged, at debug, so they do not drown the rest at info.
      const done = await capture.completion(id);
      expect(done).toMatchObject({ level: 'debug', req: { id } });
    }
    expect(new Set([none, unsafe, long].map((r) => r.headers['x-request-id'])).size).toBe(3);
  });

  it('never writes a token, a password, a cookie or a credential secret, whoever logs them', async () => {
    const password = 'pw-Pl3ase-n3ver-log';
    const credentialSecret = 'acs-n3ver-log';
    const bearer = 'bearer-n3ver-log';
    const cookie = 'sid-n3ver-log';
    const server = app.getHttpServer();

    // A login through the API: Keystone issues a token, which the API returns in the body.
    const login = await request(server)
      .post('/v1/auth/tokens')
      .set('X-Request-Id', 'login-ok')
      .send({ username: 'demo', password: 'secret', projectName: 'demo' })
      .expect(201);
    const issued = String(login.body.token);
    expect(issued.length).toBeGreaterThan(10);
    // Lines logged after the body was read still carry the request's id (the body parsers keep its context).
    expect(capture.lines.filter((l) => l.reqId === 'login-ok' && l.context === 'OpenStack').length).toBeGreaterThan(0);
    // A refused login carrying a password of its own, and an application credential secret.
    await request(server).post('/v1/auth/tokens').set('X-Request-Id', 'login-bad').send({ username: 'demo', password }).expect(401);
    await request(server)
      .post('/v1/auth/tokens')
      .send({ applicationCredentialId: 'no-such-credential', applicationCredentialSecret: credentialSecret })
      .expect((res) => expect(res.status).toBeGreaterThanOrEqual(400));
    // A call carrying the token in every place a client may put it, plus a cookie.
    const direct = await keystoneToken(sim);
    await request(server)
      .get(`/v1/auth/tokens?token=${direct}`)
      .set('X-Request-Id', 'whoami-1')
      .set('X-Auth-Token', issued)
      .set('Cookie', `session=${cookie}`)
      .expect(200);
    await request(server).get('/v1/auth/tokens').set('X-Request-Id', 'whoami-2').set('Authorization', `Bearer ${bearer}`).expect(401);
    // Application code that logs a login body, a Keystone request or a header set, at any depth.
    new Logger('Audit').log({
      msg: 'login attempt',
      body: {
        auth: { identity: { password: { user: { name: 'admin', password } }, application_credential: { secret: credentialSecret } } },
      },
      upstream: [{ headers: { 'X-Subject-Token': issued, 'X-Auth-Token': direct } }],
    });

    const done = await capture.completion('whoami-1');
    expect(done).toMatchObject({
      res: { statusCode: 200 },
      req: {
        url: '/v1/auth/tokens?token=%5BRedacted%5D',
        headers: { 'x-auth-token': '[Redacted]', cookie: '[Redacted]' },
      },
    });
    const refused = await capture.completion('whoami-2');
    expect(refused).toMatchObject({ res: { statusCode: 401 }, req: { headers: { authorization: '[Redacted]' } } });
    await capture.completion('login-bad');
    const audit = capture.lines.find((l) => l.context === 'Audit');
    expect(audit).toMatchObject({
      body: { auth: { identity: { password: '[Redacted]', application_credential: { secret: '[Redacted]' } } } },
      upstream: [{ headers: { 'X-Subject-Token': '[Redacted]', 'X-Auth-Token': '[Redacted]' } }],
    });
    for (const secret of [issued, direct, password, credentialSecret, bearer, cookie]) expect(capture.text).not.toContain(secret);
  });
});

describe('loggingConfig', () => {
  const unset = () => delete process.env['LOG_LEVEL'];
  beforeEach(unset);
  afterEach(unset);

  it('defaults to info and refuses an unknown level, naming the variable', () => {
    expect(loggingConfig()).toEqual({ level: 'info' });
    process.env['LOG_LEVEL'] = 'DEBUG';
    expect(loggingConfig()).toEqual({ level: 'debug' });
    process.env['LOG_LEVEL'] = 'loud';
    expect(() => loggingConfig()).toThrow(/LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent/);
  });
});
