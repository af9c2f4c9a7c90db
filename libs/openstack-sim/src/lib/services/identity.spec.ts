import { type Json, call, login, passwordAuth } from '../../testing/http';
import { stableHexId } from '../seed';
import { type RunningSimulator, startSimulator } from '../simulator';
import { identityService } from './identity';

describe(identityService.name, () => {
  let sut: RunningSimulator;
  const tokens = () => `${sut.url}/identity/v3/auth/tokens`;
  const issue = (body: unknown) => call(tokens(), 'POST', { body });

  beforeAll(async () => {
    sut = await startSimulator({ port: 0 });
  });

  afterAll(() => sut.close());

  afterEach(() => sut.control.reset());

  describe('version documents', () => {
    it('answers GET /identity with 300 and the v3 document', async () => {
      const response = await call(`${sut.url}/identity`, 'GET');
      expect(response.status).toBe(300);
      expect(response.body.versions.values).toEqual([
        expect.objectContaining({ id: 'v3.14', status: 'stable', links: [{ rel: 'self', href: `${sut.url}/identity/v3/` }] }),
      ]);
      expect(response.headers.get('location')).toBe(`${sut.url}/identity/v3/`);
    });

    it('answers GET /identity/v3 without a token', async () => {
      const response = await call(`${sut.url}/identity/v3/`, 'GET');
      expect(response.status).toBe(200);
      expect(response.body.version.id).toBe('v3.14');
    });
  });

  describe('password authentication', () => {
    it('issues a project-scoped token with implied roles and X-Subject-Token', async () => {
      const response = await issue(passwordAuth('admin', 'admin'));
      expect(response.status).toBe(201);
      expect(response.headers.get('x-subject-token')).toMatch(/^gAAAAAB[\w-]{100,}$/);
      expect(response.headers.get('x-openstack-request-id')).toMatch(/^req-[0-9a-f-]{36}$/);
      const { token } = response.body;
      expect(token.methods).toEqual(['password']);
      expect(token.project).toEqual({ id: stableHexId('project', 'admin'), name: 'admin', domain: { id: 'default', name: 'Default' } });
      expect(token.user).toMatchObject({ name: 'admin', domain: { id: 'default', name: 'Default' } });
      expect(token.roles.map((r: Json) => r.name).sort()).toEqual(['admin', 'member', 'reader']);
      expect(token.expires_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
      expect(token.catalog.map((s: Json) => s.type)).toEqual(['identity', 'compute', 'image', 'network', 'block-storage', 'load-balancer']);
    });

    it('accepts the user by id and the project by id', async () => {
      const body = {
        auth: {
          identity: { methods: ['password'], password: { user: { id: stableHexId('user', 'default/demo'), password: 'secret' } } },
          scope: { project: { id: stableHexId('project', 'demo') } },
        },
      };
      const response = await issue(body);
      expect(response.status).toBe(201);
      expect(response.body.token.roles.map((r: Json) => r.name).sort()).toEqual(['member', 'reader']);
    });

    it('scopes to the default project when no scope is given', async () => {
      const body = {
        auth: {
          identity: { methods: ['password'], password: { user: { name: 'demo', domain: { name: 'Default' }, password: 'secret' } } },
        },
      };
      const response = await issue(body);
      expect(response.status).toBe(201);
      expect(response.body.token.project.name).toBe('demo');
    });

    it('omits the catalog with ?nocatalog', async () => {
      const response = await call(`${tokens()}?nocatalog`, 'POST', { body: passwordAuth('admin', 'admin') });
      expect(response.status).toBe(201);
      expect(response.body.token.catalog).toBeUndefined();
    });

    it.each([
      ['a wrong password', passwordAuth('admin', 'admin', 'wrong')],
      ['an unknown user', passwordAuth('nobody', 'admin')],
      ['a project the user has no role on', passwordAuth('demo', 'admin')],
      ['an unknown project', passwordAuth('admin', 'nope')],
    ])('answers %s with Keystone’s 401', async (_case, body) => {
      const response = await issue(body);
      expect(response.status).toBe(401);
      expect(response.body).toEqual({
        error: { code: 401, message: 'The request you have made requires authentication.', title: 'Unauthorized' },
      });
      expect(response.headers.get('x-subject-token')).toBeNull();
    });

    it('answers a body without identity with 400', async () => {
      const response = await issue({ auth: {} });
      expect(response.status).toBe(400);
      expect(response.body.error).toMatchObject({ code: 400, title: 'Bad Request' });
      expect(response.body.error.message).toMatch(/^Expecting to find identity in auth\./);
    });
  });

  describe('application credentials', () => {
    const credentialId = stableHexId('application_credential', 'demo-app');

    it('authenticates by id and secret, scoped to the credential’s project', async () => {
      const response = await issue({
        auth: { identity: { methods: ['application_credential'], application_credential: { id: credentialId, secret: 'secret' } } },
      });
      expect(response.status).toBe(201);
      expect(response.body.token).toMatchObject({
        methods: ['application_credential'],
        project: { name: 'demo' },
        user: { name: 'demo' },
        application_credential: { id: credentialId, name: 'demo-app', restricted: true },
      });
    });

    it('authenticates by name with the user, and refuses a wrong secret', async () => {
      const byName = (secret: string) => ({
        auth: {
          identity: {
            methods: ['application_credential'],
            application_credential: { name: 'demo-app', secret, user: { name: 'demo', domain: { id: 'default' } } },
          },
        },
      });
      expect((await issue(byName('secret'))).status).toBe(201);
      expect((await issue(byName('wrong'))).status).toBe(401);
    });

    it('shows a credential as Keystone does: system, unrestricted as given, full roles, no empty access_rules', async () => {
      const demo = await login(sut.url, 'demo', 'demo');
      const created = await demo.call('POST', `/identity/v3/users/${demo.userId}/application_credentials`, {
        body: { application_credential: { name: 'shown', roles: [{ name: 'member' }] } },
      });
      const { secret: _secret, ...credential } = created.body.application_credential;
      expect(credential).toEqual({
        id: expect.stringMatching(/^[0-9a-f]{32}$/),
        name: 'shown',
        description: null,
        user_id: demo.userId,
        project_id: demo.projectId,
        system: null,
        expires_at: null,
        unrestricted: null,
        roles: [{ id: stableHexId('role', 'member'), name: 'member', domain_id: null, description: null, options: { immutable: true } }],
        links: { self: `${sut.url}/identity/v3/application_credentials/${credential.id}` },
      });
      const listed = await demo.call('GET', `/identity/v3/users/${demo.userId}/application_credentials?name=shown`);
      expect(listed.body.links.self).toBe(`${sut.url}/identity/v3/users/${demo.userId}/application_credentials?name=shown`);
    });

    it('gives a credential’s token exactly its roles, without the implied ones', async () => {
      const demo = await login(sut.url, 'demo', 'demo');
      const created = await demo.call('POST', `/identity/v3/users/${demo.userId}/application_credentials`, {
        body: { application_credential: { name: 'member-only', roles: [{ name: 'member' }] } },
      });
      const { id, secret } = created.body.application_credential;
      const response = await issue({ auth: { identity: { methods: ['application_credential'], application_credential: { id, secret } } } });
      expect(response.body.token.roles.map((r: Json) => r.name)).toEqual(['member']);
      // A password token of the same user gets member's implied reader role as well.
      const password = await issue(passwordAuth('demo', 'demo'));
      expect(password.body.token.roles.map((r: Json) => r.name).sort()).toEqual(['member', 'reader']);
    });

    it('creates one through the API and authenticates with it', async () => {
      const demo = await login(sut.url, 'demo', 'demo');
      const created = await demo.call('POST', `/identity/v3/users/${demo.userId}/application_credentials`, {
        body: { application_credential: { name: 'ci' } },
      });
      expect(created.status).toBe(201);
      const { id, secret } = created.body.application_credential;
      const response = await issue({ auth: { identity: { methods: ['application_credential'], application_credential: { id, secret } } } });
      expect(response.status).toBe(201);
    });
  });

  describe('tokens', () => {
    it('validates a token with GET /v3/auth/tokens and X-Subject-Token', async () => {
      const admin = await login(sut.url);
      const demo = await login(sut.url, 'demo', 'demo');
      const response = await call(tokens(), 'GET', { token: admin.token, headers: { 'X-Subject-Token': demo.token } });
      expect(response.status).toBe(200);
      expect(response.headers.get('x-subject-token')).toBe(demo.token);
      expect(response.body.token.user.name).toBe('demo');
    });

    it('answers an unknown subject token with 404 and a non-admin validating another user’s token with 403', async () => {
      const admin = await login(sut.url);
      const demo = await login(sut.url, 'demo', 'demo');
      const unknown = await call(tokens(), 'GET', { token: admin.token, headers: { 'X-Subject-Token': 'gAAAAABnope' } });
      expect(unknown.status).toBe(404);
      expect(unknown.body).toEqual({ error: { code: 404, message: 'Could not find token: gAAAAABnope.', title: 'Not Found' } });
      const denied = await call(tokens(), 'GET', { token: demo.token, headers: { 'X-Subject-Token': admin.token } });
      expect(denied.status).toBe(403);
    });

    it('issues Fernet-like whole-second times', async () => {
      const response = await issue(passwordAuth('admin', 'admin'));
      const { issued_at, expires_at } = response.body.token;
      expect(issued_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000000Z$/);
      expect(Date.parse(expires_at) - Date.parse(issued_at)).toBe(3600_000);
    });

    it('shows a user without the email and default project it does not have', async () => {
      const admin = await login(sut.url);
      const demoUser = await admin.call('GET', `/identity/v3/users/${stableHexId('user', 'default/demo')}`);
      expect(demoUser.body.user.default_project_id).toBe(stableHexId('project', 'demo'));
      expect(demoUser.body.user).not.toHaveProperty('email');
      const catalog = await admin.call('GET', '/identity/v3/auth/catalog');
      expect(catalog.body.links).toEqual({ self: `${sut.url}/identity/v3/auth/catalog` });
    });

    it('expires tokens after the configured TTL', async () => {
      await sut.control.configure({ tokenTtlSeconds: 0.6 });
      const session = await login(sut.url);
      const expires = Date.parse(
        (await call(tokens(), 'GET', { token: session.token, headers: { 'X-Subject-Token': session.token } })).body.token.expires_at,
      );
      expect(expires - Date.now()).toBeLessThanOrEqual(600);
      expect((await session.call('GET', '/compute/v2.1/flavors')).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 650));
      expect((await session.call('GET', '/compute/v2.1/flavors')).status).toBe(401);
      expect((await call(tokens(), 'GET', { token: session.token, headers: { 'X-Subject-Token': session.token } })).status).toBe(401);
    });

    it('revokes a token with DELETE', async () => {
      const session = await login(sut.url);
      const revoked = await call(tokens(), 'DELETE', { token: session.token, headers: { 'X-Subject-Token': session.token } });
      expect(revoked.status).toBe(204);
      expect((await session.call('GET', '/image/v2/images')).status).toBe(401);
    });

    it('rescopes with the token method, never outliving the original token', async () => {
      const admin = await login(sut.url);
      const response = await issue({
        auth: {
          identity: { methods: ['token'], token: { id: admin.token } },
          scope: { project: { name: 'demo', domain: { id: 'default' } } },
        },
      });
      expect(response.status).toBe(201);
      expect(response.body.token).toMatchObject({ methods: ['password', 'token'], project: { name: 'demo' } });
    });
  });
});
