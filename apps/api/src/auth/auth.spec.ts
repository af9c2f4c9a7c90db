import type { INestApplication } from '@nestjs/common';
import { startSimulator, stableHexId, type RunningSimulator } from '@peak/openstack-sim';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { keystoneToken, revokeAtKeystone } from '../testing/keystone-token';
import { simulatorEnv } from '../testing/simulator-env';
import { createTestApp } from '../testing/test-app';
import { createTestDatabase, type TestDatabase } from '../testing/test-database';
import { AuthService } from './auth.service';

interface SpecOperation {
  security?: Record<string, string[]>[];
}
interface Spec {
  paths: Record<string, Record<string, SpecOperation>>;
}
interface Row {
  /** `METHOD /path/{param}` as in the spec. */
  id: string;
  method: string;
  path: string;
  operation: SpecOperation;
}

/** Operations that need no token. Every other operation in the spec must refuse a request without one. */
const PUBLIC = ['GET /livez', 'GET /readyz', 'GET /v1/health', 'GET /v1/health/ready', 'POST /v1/auth/tokens'];
/** Non-GET operations a reader may call: they change nothing here (a preview) or concern the caller's own token. */
const READER_MAY = ['POST /v1/schedules/preview', 'DELETE /v1/auth/tokens'];
/** Operations that use their token up (logout): each call gets a fresh token. */
const CONSUMES_TOKEN = ['DELETE /v1/auth/tokens'];
/** Served outside the OpenAPI document on purpose: the scrape, and the document itself. */
const OUTSIDE_SPEC = /^\/(metrics|docs)/;

const ADMIN = { name: 'admin', password: 'secret', project: 'admin' };
const VIEWER = { name: 'viewer', password: 'secret', project: 'admin' };
const DEMO = { name: 'demo', password: 'secret', project: 'demo' };

const UNAUTHORIZED_BODY = { statusCode: 401, error: 'Unauthorized', message: expect.any(String) };

describe('Keystone authentication', () => {
  let db: TestDatabase;
  let sim: RunningSimulator;
  let app: INestApplication;
  let rows: Row[];

  const http = () => request(app.getHttpServer());
  const token = async (user: typeof ADMIN) => (await keystoneToken(sim.authUrl, user)).token;
  const validations = async () => (await sim.control.requests({ method: 'GET', path: '/identity/v3/auth/tokens' })).length;

  /** One call of an operation: path parameters are fresh UUIDs, bodies empty (the guard runs before validation). */
  function call(row: Row, headers: Record<string, string> = {}) {
    const url = row.path.replace(/\{[^}]+\}/g, () => randomUUID());
    const method = row.method.toLowerCase() as 'get' | 'post' | 'patch' | 'put' | 'delete' | 'head';
    let req = http()[method](url);
    for (const [name, value] of Object.entries(headers)) req = req.set(name, value);
    return ['POST', 'PATCH', 'PUT'].includes(row.method) ? req.send({}) : req;
  }

  beforeAll(async () => {
    db = await createTestDatabase('auth');
    sim = await startSimulator({ port: 0, buildDelayMs: 20, deleteDelayMs: 20 });
    app = await createTestApp({
      databaseUrl: db.url,
      // The limits on failures have their own specs; here they would only count this file's refusals.
      env: {
        ...simulatorEnv(sim),
        FLAVOR_BOOTSTRAP: 'false',
        AUTH_CACHE_TTL_SECONDS: '30',
        AUTH_LOGIN_LIMIT: '1000',
        AUTH_LOCKOUT_THRESHOLD: '1000',
        AUTH_FAILURE_LIMIT: '100000',
      },
      auth: 'none',
    });
    const spec = (await http().get('/docs-json').expect(200)).body as Spec;
    rows = Object.entries(spec.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, operation]) => ({
        id: `${method.toUpperCase()} ${path}`,
        method: method.toUpperCase(),
        path,
        operation,
      })),
    );
  });

  afterAll(async () => {
    await app?.close();
    await sim?.close();
    await db?.drop();
  });

  describe('every operation of the OpenAPI document', () => {
    it('covers every route the API serves, so a route left out of the document cannot escape these checks', () => {
      const router = (
        app.getHttpAdapter().getInstance() as { router: { stack: { route?: { path: string; methods: Record<string, boolean> } }[] } }
      ).router;
      // Handlers are routes of one method each; Nest mounts middleware (logging, metrics) as routes of every method.
      const served = router.stack
        .flatMap(({ route }) =>
          route && Object.keys(route.methods).length === 1 ? [`${Object.keys(route.methods)[0]?.toUpperCase()} ${route.path}`] : [],
        )
        .filter((id) => !OUTSIDE_SPEC.test(id.split(' ')[1] ?? ''));
      const documented = new Set(rows.map((row) => `${row.method} ${row.path.replace(/\{([^}]+)\}/g, ':$1')}`));
      expect(served.length).toBeGreaterThan(10);
      expect(served.filter((id) => !documented.has(id))).toEqual([]);
    });

    it('documents the token on every operation but the public ones', () => {
      for (const row of rows) {
        const expected = PUBLIC.includes(row.id) ? [] : [{ 'X-Auth-Token': [] }, { bearer: [] }];
        expect({ id: row.id, security: row.operation.security }).toEqual({ id: row.id, security: expected });
      }
    });

    it('answers 401 with a Keystone challenge to every protected operation called without a token, or with one Keystone does not know', async () => {
      const protectedRows = rows.filter((row) => !PUBLIC.includes(row.id));
      expect(protectedRows.length).toBeGreaterThan(8);
      for (const row of protectedRows) {
        for (const headers of [
          {},
          { 'X-Auth-Token': 'gAAAAABnot-a-token-Keystone-knows' },
          { Authorization: 'Bearer gAAAAABnot-one-either' },
        ] as Record<string, string>[]) {
          const res = await call(row, headers);
          expect({ id: row.id, headers, status: res.status }).toEqual({ id: row.id, headers, status: 401 });
          expect(res.headers['www-authenticate']).toBe(`Keystone uri="${sim.authUrl}"`);
          expect(res.body).toEqual(UNAUTHORIZED_BODY);
        }
      }
    });

    it('lets the public operations through without a token', async () => {
      for (const row of rows.filter((r) => PUBLIC.includes(r.id))) {
        const res = await call(row);
        expect({ id: row.id, refused: [401, 403].includes(res.status) }).toEqual({ id: row.id, refused: false });
      }
    });

    it('answers 403 to a reader (viewer on admin) on every write, and lets the token read', async () => {
      const user = VIEWER;
      const shared = await token(user);
      for (const row of rows.filter((r) => !PUBLIC.includes(r.id))) {
        const mayCall = row.method === 'GET' || READER_MAY.includes(row.id);
        const res = await call(row, { 'X-Auth-Token': CONSUMES_TOKEN.includes(row.id) ? await token(user) : shared });
        if (mayCall) expect({ id: row.id, refused: [401, 403].includes(res.status) }).toEqual({ id: row.id, refused: false });
        else {
          expect({ id: row.id, status: res.status }).toEqual({ id: row.id, status: 403 });
          expect(res.body).toEqual({
            statusCode: 403,
            error: 'Forbidden',
            message: expect.stringContaining('needs one of the roles member, admin'),
          });
          expect(res.headers['www-authenticate']).toBe(`Keystone uri="${sim.authUrl}"`);
        }
      }
    });

    it.each([
      ['an admin (admin on admin, a cloud admin)', ADMIN],
      ["a member (demo on demo): the project-level check is the services'", DEMO],
    ])('lets %s through on every operation', async (_who, user) => {
      const shared = await token(user);
      for (const row of rows) {
        const res = await call(row, { 'X-Auth-Token': CONSUMES_TOKEN.includes(row.id) ? await token(user) : shared });
        expect({ id: row.id, refused: [401, 403].includes(res.status) }).toEqual({ id: row.id, refused: false });
      }
    });
  });

  describe('tokens', () => {
    it('takes the token from X-Auth-Token or Authorization: Bearer, and refuses two different ones', async () => {
      const admin = await token(ADMIN);
      await http().get('/v1/schedules').set('X-Auth-Token', admin).expect(200);
      await http().get('/v1/schedules').set('Authorization', `Bearer ${admin}`).expect(200);
      await http().get('/v1/schedules').set('X-Auth-Token', admin).set('Authorization', `bearer ${admin}`).expect(200);

      const other = await token(ADMIN);
      const both = await http().get('/v1/schedules').set('X-Auth-Token', admin).set('Authorization', `Bearer ${other}`).expect(401);
      expect(both.body.message).toContain('different tokens');
      const basic = await http().get('/v1/schedules').set('Authorization', 'Basic YWRtaW46c2VjcmV0').expect(401);
      expect(basic.body.message).toContain('Bearer');
    });

    it('asks Keystone once per token while the validation is cached', async () => {
      const admin = await token(ADMIN);
      await sim.control.clearRequests();
      await Promise.all(Array.from({ length: 5 }, () => http().get('/v1/schedules').set('X-Auth-Token', admin).expect(200)));
      await http().get('/v1/images').set('X-Auth-Token', admin).expect(200);
      expect(await validations()).toBe(1);
    });

    it('refuses a token once it has expired, even while its validation would still be cached', async () => {
      await sim.control.configure({ tokenTtlSeconds: 3 });
      try {
        const { token: shortLived, expiresAt } = await keystoneToken(sim.authUrl, ADMIN);
        await http().get('/v1/schedules').set('X-Auth-Token', shortLived).expect(200);
        await new Promise((resolve) => setTimeout(resolve, expiresAt.getTime() - Date.now() + 50));
        const res = await http().get('/v1/schedules').set('X-Auth-Token', shortLived).expect(401);
        expect(res.body.message).toBe('The token is invalid, expired or revoked: log in again');
      } finally {
        await sim.control.configure({ tokenTtlSeconds: 3600 });
      }
    });

    it('answers 503, not 401, when Keystone cannot say whether a token is valid', async () => {
      const fresh = await token(ADMIN);
      await sim.control.failNext(4, { service: 'identity', method: 'GET', path: '/identity/v3/auth/tokens', status: 503 });
      const res = await http().get('/v1/schedules').set('X-Auth-Token', fresh).expect(503);
      expect(res.body.message).toMatch(/^Keystone: /);
      expect(res.body.message).not.toContain(fresh);
      await sim.control.clearFaults();
      await http().get('/v1/schedules').set('X-Auth-Token', fresh).expect(200);
    });
  });

  describe('POST /v1/auth/tokens (login), GET (who am I), DELETE (logout)', () => {
    it("returns Keystone's token, its expiry, the user's roles and what they allow; the token works at once", async () => {
      await sim.control.clearRequests();
      const res = await http()
        .post('/v1/auth/tokens')
        .send({ username: 'admin', password: 'secret', projectName: 'admin', userDomainName: 'Default', projectDomainName: 'Default' })
        .expect(201);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.body).toEqual({
        token: expect.stringMatching(/^gAAAAA/),
        expiresAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        user: { id: expect.any(String), name: 'admin', domainId: 'default', domainName: 'Default' },
        project: { id: expect.any(String), name: 'admin', domainId: 'default', domainName: 'Default' },
        roles: ['admin', 'member', 'reader'],
        methods: ['password'],
        permissions: { read: true, write: true, cloudAdmin: true },
      });
      expect(new Date(res.body.expiresAt).getTime()).toBeGreaterThan(Date.now() + 3000_000);
      // Keystone issued it a moment ago: the first request needs no validation round trip.
      await http().get('/v1/schedules').set('X-Auth-Token', res.body.token).expect(200);
      expect(await validations()).toBe(0);
    });

    it("scopes to the user's default project when no project is named, and tells a reader it may only read", async () => {
      const res = await http().post('/v1/auth/tokens').send({ username: 'viewer', password: 'secret' }).expect(201);
      expect(res.body).toMatchObject({
        project: { name: 'admin' },
        roles: ['reader'],
        permissions: { read: true, write: false, cloudAdmin: false },
      });
      const refused = await http().post('/v1/schedules').set('X-Auth-Token', res.body.token).send({}).expect(403);
      expect(refused.body.message).toBe('Changing anything needs one of the roles member, admin; this token has reader on project admin');
    });

    it('answers wrong credentials with 401 and a Keystone challenge, without echoing them', async () => {
      for (const body of [
        { username: 'admin', password: 'not-the-password' },
        { username: 'nobody', password: 'secret' },
        { username: 'demo', password: 'secret', projectName: 'admin' },
      ]) {
        const res = await http().post('/v1/auth/tokens').send(body).expect(401);
        expect(res.headers['www-authenticate']).toBe(`Keystone uri="${sim.authUrl}"`);
        expect(res.body).toEqual({
          statusCode: 401,
          error: 'Unauthorized',
          message: 'Keystone refused these credentials (user, password, domain or project)',
        });
        expect(res.text).not.toContain(body.password);
      }
    });

    it('logs a tool in with an application credential', async () => {
      const res = await http()
        .post('/v1/auth/tokens')
        .send({ applicationCredentialId: stableHexId('application_credential', 'demo-app'), applicationCredentialSecret: 'secret' })
        .expect(201);
      expect(res.body).toMatchObject({
        user: { name: 'demo' },
        project: { name: 'demo' },
        methods: ['application_credential'],
        permissions: { read: true, write: true, cloudAdmin: false },
      });
      await http().get('/v1/flavors').set('X-Auth-Token', res.body.token).expect(200);
    });

    it('names missing or conflicting fields with a 400 before asking Keystone', async () => {
      await sim.control.clearRequests();
      const missing = await http().post('/v1/auth/tokens').send({ username: 'admin' }).expect(400);
      expect(new Set(missing.body.errors.map((e: { field: string }) => e.field))).toEqual(new Set(['password']));
      const mixed = await http()
        .post('/v1/auth/tokens')
        .send({
          username: 'admin',
          applicationCredentialId: stableHexId('application_credential', 'demo-app'),
          applicationCredentialSecret: 'secret',
        })
        .expect(400);
      expect(mixed.body.errors).toEqual([
        {
          field: 'applicationCredentialId',
          reason: 'must not be combined with username, password, domains or a project',
          constraint: 'aloneWithoutPasswordFields',
        },
      ]);
      const noSecret = await http().post('/v1/auth/tokens').send({ applicationCredentialId: 'abc' }).expect(400);
      expect(noSecret.body.errors.map((e: { field: string }) => e.field)).toContain('applicationCredentialSecret');
      expect(await sim.control.requests({ service: 'identity', method: 'POST' })).toEqual([]);
    });

    it('tells the caller who they are, with any valid token', async () => {
      const viewer = await token(VIEWER);
      const res = await http().get('/v1/auth/tokens').set('Authorization', `Bearer ${viewer}`).expect(200);
      expect(res.body).toEqual({
        expiresAt: expect.any(String),
        user: expect.objectContaining({ name: 'viewer' }),
        project: expect.objectContaining({ name: 'admin' }),
        roles: ['reader'],
        methods: ['password'],
        permissions: { read: true, write: false, cloudAdmin: false },
      });
      expect(res.body).not.toHaveProperty('token');
    });

    it('revokes the token at Keystone on logout: it stops working at once', async () => {
      const login = await http().post('/v1/auth/tokens').send({ username: 'admin', password: 'secret', projectName: 'admin' }).expect(201);
      const loggedIn = login.body.token as string;
      await http().get('/v1/schedules').set('X-Auth-Token', loggedIn).expect(200);

      await http().delete('/v1/auth/tokens').set('X-Auth-Token', loggedIn).expect(204);

      await http().get('/v1/schedules').set('X-Auth-Token', loggedIn).expect(401);
      const atKeystone = await fetch(`${sim.authUrl}/auth/tokens`, {
        headers: { 'X-Auth-Token': await token(ADMIN), 'X-Subject-Token': loggedIn },
      });
      expect(atKeystone.status).toBe(404);
    });
  });

  describe('with a short cache, a small one, and stricter roles and projects', () => {
    let strict: INestApplication;
    const strictHttp = () => request(strict.getHttpServer());

    beforeAll(async () => {
      strict = await createTestApp({
        databaseUrl: db.url,
        env: {
          ...simulatorEnv(sim),
          FLAVOR_BOOTSTRAP: 'false',
          AUTH_CACHE_TTL_SECONDS: '1',
          AUTH_CACHE_MAX_ENTRIES: '2',
          AUTH_READ_ROLES: 'admin',
          AUTH_PROJECTS: 'admin@Default',
        },
        auth: 'none',
      });
    });

    afterAll(async () => {
      await strict?.close();
    });

    it('refuses a token revoked behind its back once the cached validation is older than AUTH_CACHE_TTL_SECONDS', async () => {
      const revoked = await token(ADMIN);
      await strictHttp().get('/v1/schedules').set('X-Auth-Token', revoked).expect(200);
      await revokeAtKeystone(sim.authUrl, revoked, await token(ADMIN));
      // The trade-off of any validation cache (keystonemiddleware's too): trusted until the entry ages out.
      await strictHttp().get('/v1/schedules').set('X-Auth-Token', revoked).expect(200);
      await new Promise((resolve) => setTimeout(resolve, 1100));
      await strictHttp().get('/v1/schedules').set('X-Auth-Token', revoked).expect(401);
    });

    it('refuses every token after Keystone drops them all, and keeps working with a new one', async () => {
      const before = await token(ADMIN);
      await strictHttp().get('/v1/schedules').set('X-Auth-Token', before).expect(200);
      await sim.control.expireTokens();
      await new Promise((resolve) => setTimeout(resolve, 1100));
      await strictHttp().get('/v1/schedules').set('X-Auth-Token', before).expect(401);
      // The API's own service token went too: the client logs in again by itself.
      await strictHttp()
        .get('/v1/schedules')
        .set('X-Auth-Token', await token(ADMIN))
        .expect(200);
    });

    it('keeps at most AUTH_CACHE_MAX_ENTRIES validations', async () => {
      const tokens = await Promise.all([token(ADMIN), token(ADMIN), token(ADMIN)]);
      await sim.control.clearRequests();
      for (const t of tokens) await strictHttp().get('/v1/schedules').set('X-Auth-Token', t).expect(200);
      expect(strict.get(AuthService).cachedTokens).toBe(2);
      // The least recently used (the first) was dropped: it is validated again, the last one is not.
      await strictHttp()
        .get('/v1/schedules')
        .set('X-Auth-Token', tokens[2] as string)
        .expect(200);
      expect(await validations()).toBe(3);
      await strictHttp()
        .get('/v1/schedules')
        .set('X-Auth-Token', tokens[0] as string)
        .expect(200);
      expect(await validations()).toBe(4);
    });

    it('refuses a login without any read role with a 403, and revokes the token Keystone issued', async () => {
      await sim.control.clearRequests();
      const res = await strictHttp()
        .post('/v1/auth/tokens')
        .send({ username: 'viewer', password: 'secret', projectName: 'admin' })
        .expect(403);
      expect(res.body.message).toBe('Reading needs one of the roles admin; this token has reader on project admin');
      expect(res.body).not.toHaveProperty('token');
      expect(await sim.control.requests({ service: 'identity', method: 'DELETE', path: '/identity/v3/auth/tokens' })).toEqual([
        expect.objectContaining({ status: 204 }),
      ]);
    });

    it('refuses tokens of projects outside AUTH_PROJECTS, whatever their roles', async () => {
      const demoAdmin = await token({ name: 'admin', password: 'secret', project: 'demo' });
      const res = await strictHttp().get('/v1/schedules').set('X-Auth-Token', demoAdmin).expect(403);
      expect(res.body.message).toBe('Tokens scoped to project demo (domain Default) are not accepted by this API');
      await strictHttp()
        .get('/v1/schedules')
        .set('X-Auth-Token', await token(ADMIN))
        .expect(200);
    });
  });
});
