import { type Json, type Session, call, login } from '../../testing/http';
import { defaultSeed, stableHexId, stableUuid } from '../seed';
import { type RunningSimulator, startSimulator } from '../simulator';

const DEMO_PROJECT = stableHexId('project', 'demo');
const DEMO_USER = stableHexId('user', 'default/demo');
const SVC_USER = stableHexId('user', 'default/svc');
const MEMBER = stableHexId('role', 'member');
const READER = stableHexId('role', 'reader');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Keystone's OS-TRUST API and trust-scoped tokens: `demo` (trustor) delegates to `svc`, a non-admin service user. */
describe('OS-TRUST trusts', () => {
  let sut: RunningSimulator;
  let demo: Session;
  let svc: Session;
  let viewer: Session;
  let admin: Session;
  const trusts = () => `${sut.url}/identity/v3/OS-TRUST/trusts`;
  const tokens = () => `${sut.url}/identity/v3/auth/tokens`;

  beforeAll(async () => {
    const seed = defaultSeed();
    sut = await startSimulator({
      port: 0,
      seed: {
        users: [
          ...seed.users,
          { name: 'svc', password: 'secret', defaultProject: 'service', roles: [{ project: 'service', role: 'service' }] },
        ],
      },
    });
  });

  afterAll(() => sut.close());

  beforeEach(async () => {
    await sut.control.reset();
    await sut.control.configure({ buildDelayMs: 0, deleteDelayMs: 0 });
    [demo, svc, viewer, admin] = await Promise.all([
      login(sut.url, 'demo', 'demo'),
      login(sut.url, 'svc', 'service'),
      login(sut.url, 'viewer', 'admin'),
      login(sut.url),
    ]);
  });

  function trustBody(overrides: Record<string, unknown> = {}): unknown {
    return {
      trust: {
        trustor_user_id: DEMO_USER,
        trustee_user_id: SVC_USER,
        project_id: DEMO_PROJECT,
        roles: [{ name: 'member' }],
        impersonation: false,
        ...overrides,
      },
    };
  }

  async function createTrust(overrides: Record<string, unknown> = {}, session = demo): Promise<Json> {
    const response = await session.call('POST', '/identity/v3/OS-TRUST/trusts', { body: trustBody(overrides) });
    if (response.status !== 201) throw new Error(`trust create failed: ${response.status} ${JSON.stringify(response.body)}`);
    return response.body.trust;
  }

  function trustAuth(trustId: string, password = { user: { id: SVC_USER, password: 'secret' } }): unknown {
    return { auth: { identity: { methods: ['password'], password }, scope: { 'OS-TRUST:trust': { id: trustId } } } };
  }

  async function trustToken(trustId: string): Promise<{ token: string; body: Json }> {
    const response = await call(tokens(), 'POST', { body: trustAuth(trustId) });
    if (response.status !== 201) throw new Error(`trust auth failed: ${response.status} ${JSON.stringify(response.body)}`);
    return { token: response.headers.get('x-subject-token') ?? '', body: response.body.token };
  }

  describe('create', () => {
    it('answers 201 with Keystone’s shape: links, full roles, roles_links, redelegation_count', async () => {
      const response = await demo.call('POST', '/identity/v3/OS-TRUST/trusts', { body: trustBody() });
      expect(response.status).toBe(201);
      const { trust } = response.body;
      expect(trust).toEqual({
        id: expect.stringMatching(/^[0-9a-f]{32}$/),
        trustor_user_id: DEMO_USER,
        trustee_user_id: SVC_USER,
        project_id: DEMO_PROJECT,
        impersonation: false,
        expires_at: null,
        remaining_uses: null,
        redelegation_count: 0,
        redelegated_trust_id: null,
        deleted_at: null,
        links: { self: `${trusts()}/${trust.id}` },
        roles: [
          {
            id: MEMBER,
            name: 'member',
            domain_id: null,
            description: null,
            options: { immutable: true },
            links: { self: `${sut.url}/identity/v3/roles/${MEMBER}` },
          },
        ],
        roles_links: { self: `${trusts()}/${trust.id}/roles`, next: null, previous: null },
      });
    });

    it('takes roles by id, an implied role, an expiry, uses and redelegation', async () => {
      const expires = new Date(Date.now() + 3600_000);
      const trust = await createTrust({
        roles: [{ id: READER }],
        expires_at: expires.toISOString(),
        remaining_uses: 5,
        allow_redelegation: true,
        impersonation: true,
      });
      expect(trust).toMatchObject({
        roles: [expect.objectContaining({ id: READER, name: 'reader' })],
        expires_at: `${expires.toISOString().slice(0, -1)}000Z`,
        remaining_uses: 5,
        redelegation_count: 3,
        impersonation: true,
      });
    });

    it.each([
      ['another user as trustor', () => svc, {}],
      ['an admin, for someone else', () => admin, {}],
    ])('refuses %s with 403: only the trustor may create a trust', async (_case, session) => {
      const response = await session().call('POST', '/identity/v3/OS-TRUST/trusts', { body: trustBody() });
      expect(response.status).toBe(403);
      expect(response.body.error).toEqual({
        code: 403,
        title: 'Forbidden',
        message: 'You are not authorized to perform the requested action: identity:create_trust.',
      });
    });

    it('answers a role the trustor does not hold on the project with Keystone’s 404 Could not find role', async () => {
      const response = await demo.call('POST', '/identity/v3/OS-TRUST/trusts', { body: trustBody({ roles: [{ name: 'admin' }] }) });
      expect(response.status).toBe(404);
      expect(response.body.error.message).toBe(`Could not find role: ${stableHexId('role', 'admin')}.`);
      const unknown = await demo.call('POST', '/identity/v3/OS-TRUST/trusts', { body: trustBody({ roles: [{ name: 'nope' }] }) });
      expect(unknown.status).toBe(404);
      expect(unknown.body.error.message).toBe('Could not find role: nope.');
    });

    it('answers an unknown trustee with 404, no roles with 403 and a bad body with 400', async () => {
      const create = (overrides: Record<string, unknown>) =>
        demo.call('POST', '/identity/v3/OS-TRUST/trusts', { body: trustBody(overrides) });
      expect((await create({ trustee_user_id: 'nobody' })).body.error).toMatchObject({
        code: 404,
        message: 'Could not find user: nobody.',
      });
      expect((await create({ roles: [] })).status).toBe(403);
      expect((await create({ impersonation: 'yes' })).body.error).toMatchObject({
        code: 400,
        message: "Invalid input for field 'impersonation'.",
      });
      expect((await create({ remaining_uses: 0 })).status).toBe(400);
      expect((await create({ expires_at: 'tomorrow' })).status).toBe(400);
      expect((await create({ expires_at: new Date(Date.now() - 1000).toISOString() })).status).toBe(400);
    });

    it('refuses a trust-scoped token (no redelegation) and an application credential’s token with 403', async () => {
      const trust = await createTrust({ impersonation: true });
      const { token } = await trustToken(trust.id);
      const redelegated = await call(trusts(), 'POST', { token, body: trustBody() });
      expect(redelegated.status).toBe(403);
      expect(redelegated.body.error.message).toBe('Remaining redelegation depth of 0 out of allowed range of [0..3].');

      const credential = await call(tokens(), 'POST', {
        body: {
          auth: {
            identity: {
              methods: ['application_credential'],
              application_credential: { id: stableHexId('application_credential', 'demo-app'), secret: 'secret' },
            },
          },
        },
      });
      const viaCredential = await call(trusts(), 'POST', { token: credential.headers.get('x-subject-token') ?? '', body: trustBody() });
      expect(viaCredential.status).toBe(403);
    });
  });

  describe('get, list, roles, delete', () => {
    it('shows a trust to its trustor, its trustee and an admin; 403 to others, 404 when unknown', async () => {
      const trust = await createTrust();
      for (const session of [demo, svc, admin]) {
        const response = await session.call('GET', `/identity/v3/OS-TRUST/trusts/${trust.id}`);
        expect(response.status).toBe(200);
        expect(response.body.trust).toEqual(trust);
      }
      const other = await viewer.call('GET', `/identity/v3/OS-TRUST/trusts/${trust.id}`);
      expect(other.status).toBe(403);
      const unknown = await demo.call('GET', '/identity/v3/OS-TRUST/trusts/0123456789abcdef');
      expect(unknown.status).toBe(404);
      expect(unknown.body).toEqual({ error: { code: 404, title: 'Not Found', message: 'Could not find trust: 0123456789abcdef.' } });
    });

    it('lists by trustor or trustee (the caller’s own), without roles; all trusts for admins only', async () => {
      const trust = await createTrust();
      const { roles: _roles, roles_links: _links, ...listed } = trust;
      const byTrustor = await demo.call('GET', `/identity/v3/OS-TRUST/trusts?trustor_user_id=${DEMO_USER}`);
      expect(byTrustor.status).toBe(200);
      expect(byTrustor.body.trusts).toEqual([listed]);
      expect(byTrustor.body.links).toEqual({ self: `${trusts()}?trustor_user_id=${DEMO_USER}`, previous: null, next: null });
      expect((await svc.call('GET', `/identity/v3/OS-TRUST/trusts?trustee_user_id=${SVC_USER}`)).body.trusts).toEqual([listed]);
      expect((await svc.call('GET', `/identity/v3/OS-TRUST/trusts?trustor_user_id=${SVC_USER}`)).body.trusts).toEqual([]);
      expect((await svc.call('GET', `/identity/v3/OS-TRUST/trusts?trustor_user_id=${DEMO_USER}`)).status).toBe(403);
      expect((await viewer.call('GET', `/identity/v3/OS-TRUST/trusts?trustee_user_id=${SVC_USER}`)).status).toBe(403);
      expect((await demo.call('GET', '/identity/v3/OS-TRUST/trusts')).status).toBe(403);
      expect((await admin.call('GET', '/identity/v3/OS-TRUST/trusts')).body.trusts).toEqual([listed]);
    });

    it('lists the delegated roles at /roles and one at /roles/{id}', async () => {
      const trust = await createTrust();
      const roles = await svc.call('GET', `/identity/v3/OS-TRUST/trusts/${trust.id}/roles`);
      expect(roles.status).toBe(200);
      expect(roles.body).toEqual({ roles: trust.roles, links: trust.roles_links });
      expect((await svc.call('GET', `/identity/v3/OS-TRUST/trusts/${trust.id}/roles/${MEMBER}`)).body.role).toEqual(trust.roles[0]);
      expect((await svc.call('GET', `/identity/v3/OS-TRUST/trusts/${trust.id}/roles/${READER}`)).status).toBe(404);
      expect((await viewer.call('GET', `/identity/v3/OS-TRUST/trusts/${trust.id}/roles`)).status).toBe(403);
    });

    it('lets the trustor or an admin delete (204), not the trustee (403); a deleted trust is 404', async () => {
      const trust = await createTrust();
      expect((await svc.call('DELETE', `/identity/v3/OS-TRUST/trusts/${trust.id}`)).status).toBe(403);
      expect((await viewer.call('DELETE', `/identity/v3/OS-TRUST/trusts/${trust.id}`)).status).toBe(403);
      expect((await demo.call('DELETE', `/identity/v3/OS-TRUST/trusts/${trust.id}`)).status).toBe(204);
      expect((await demo.call('GET', `/identity/v3/OS-TRUST/trusts/${trust.id}`)).status).toBe(404);
      expect((await demo.call('DELETE', `/identity/v3/OS-TRUST/trusts/${trust.id}`)).status).toBe(404);
      expect((await demo.call('GET', `/identity/v3/OS-TRUST/trusts?trustor_user_id=${DEMO_USER}`)).body.trusts).toEqual([]);

      const another = await createTrust();
      expect((await admin.call('DELETE', `/identity/v3/OS-TRUST/trusts/${another.id}`)).status).toBe(204);
    });

    it('forgets an expired trust: 404 on get, left out of lists', async () => {
      const trust = await createTrust({ expires_at: new Date(Date.now() + 400).toISOString() });
      expect((await demo.call('GET', `/identity/v3/OS-TRUST/trusts/${trust.id}`)).status).toBe(200);
      await sleep(450);
      expect((await demo.call('GET', `/identity/v3/OS-TRUST/trusts/${trust.id}`)).status).toBe(404);
      expect((await demo.call('GET', `/identity/v3/OS-TRUST/trusts?trustor_user_id=${DEMO_USER}`)).body.trusts).toEqual([]);
    });
  });

  describe('trust-scoped tokens', () => {
    it('scopes the trustee’s token to the trust’s project with the delegated roles (and the roles they imply)', async () => {
      const trust = await createTrust();
      const { body } = await trustToken(trust.id);
      expect(body).toMatchObject({
        methods: ['password'],
        user: { id: SVC_USER, name: 'svc' },
        project: { id: DEMO_PROJECT, name: 'demo' },
        'OS-TRUST:trust': { id: trust.id, impersonation: false, trustee_user: { id: SVC_USER }, trustor_user: { id: DEMO_USER } },
      });
      expect(body.roles.map((r: Json) => r.name).sort()).toEqual(['member', 'reader']);
      expect(body.catalog.map((s: Json) => s.type)).toContain('compute');
    });

    it('makes the trustor the token’s user with impersonation, and accepts the trustee’s token instead of a password', async () => {
      const trust = await createTrust({ impersonation: true });
      const response = await call(tokens(), 'POST', {
        body: { auth: { identity: { methods: ['token'], token: { id: svc.token } }, scope: { 'OS-TRUST:trust': { id: trust.id } } } },
      });
      expect(response.status).toBe(201);
      expect(response.body.token).toMatchObject({
        methods: ['password', 'token'],
        user: { id: DEMO_USER, name: 'demo' },
        'OS-TRUST:trust': { impersonation: true, trustee_user: { id: SVC_USER }, trustor_user: { id: DEMO_USER } },
      });
    });

    it('refuses anyone but the trustee with 403, an unknown trust with 404', async () => {
      const trust = await createTrust();
      const asTrustor = await call(tokens(), 'POST', { body: trustAuth(trust.id, { user: { id: DEMO_USER, password: 'secret' } }) });
      expect(asTrustor.status).toBe(403);
      expect(asTrustor.body.error.message).toBe('User is not a trustee.');
      const unknown = await call(tokens(), 'POST', { body: trustAuth('0123456789abcdef') });
      expect(unknown.status).toBe(404);
      expect(unknown.body.error.message).toBe('Could not find trust: 0123456789abcdef.');
    });

    it('acts in the trustor’s project: a server created with the token belongs to it', async () => {
      const trust = await createTrust();
      const { token } = await trustToken(trust.id);
      const created = await call(`${sut.url}/compute/v2.1/servers`, 'POST', {
        token,
        body: {
          server: {
            name: 'delegated',
            imageRef: stableUuid('image', 'cirros-0.6.2-x86_64-disk'),
            flavorRef: '1',
            networks: [{ uuid: stableUuid('network', 'private') }],
          },
        },
      });
      expect(created.status).toBe(202);
      const [server] = await sut.control.servers();
      expect(server).toMatchObject({ name: 'delegated', projectId: DEMO_PROJECT, userId: SVC_USER });
      const seenByDemo = await demo.call('GET', `/compute/v2.1/servers/${created.body.server.id}`);
      expect(seenByDemo.status).toBe(200);
    });

    it('revokes the trust’s tokens when the trust is deleted; a new one is 404', async () => {
      const trust = await createTrust();
      const { token } = await trustToken(trust.id);
      expect((await call(`${sut.url}/compute/v2.1/flavors`, 'GET', { token })).status).toBe(200);
      expect((await demo.call('DELETE', `/identity/v3/OS-TRUST/trusts/${trust.id}`)).status).toBe(204);
      expect((await call(`${sut.url}/compute/v2.1/flavors`, 'GET', { token })).status).toBe(401);
      expect((await call(tokens(), 'GET', { token: admin.token, headers: { 'X-Subject-Token': token } })).status).toBe(404);
      const again = await call(tokens(), 'POST', { body: trustAuth(trust.id) });
      expect(again.status).toBe(404);
      expect(again.body.error.message).toBe(`Could not find trust: ${trust.id}.`);
    });

    it('answers 403 when the trustor lost a delegated role, and the tokens already issued stop working (401)', async () => {
      const trust = await createTrust();
      const { token } = await trustToken(trust.id);
      await sut.control.revokeRole('demo', 'demo', 'member');
      const response = await call(tokens(), 'POST', { body: trustAuth(trust.id) });
      expect(response.status).toBe(403);
      expect(response.body.error.message).toBe('Trustee has no delegated roles.');
      expect((await call(`${sut.url}/compute/v2.1/flavors`, 'GET', { token })).status).toBe(401);
      await sut.control.grantRole('demo', 'demo', 'member');
      expect((await call(`${sut.url}/compute/v2.1/flavors`, 'GET', { token })).status).toBe(200);
    });

    it('never outlives the trust, and the trust’s tokens die when it expires', async () => {
      const expires = Date.now() + 500;
      const trust = await createTrust({ expires_at: new Date(expires).toISOString() });
      const { token, body } = await trustToken(trust.id);
      expect(Date.parse(body.expires_at)).toBeLessThanOrEqual(expires);
      await sleep(550);
      expect((await call(`${sut.url}/compute/v2.1/flavors`, 'GET', { token })).status).toBe(401);
      expect((await call(tokens(), 'POST', { body: trustAuth(trust.id) })).status).toBe(404);
    });

    it('counts remaining uses: a used-up trust is 404', async () => {
      const trust = await createTrust({ remaining_uses: 1 });
      await trustToken(trust.id);
      expect((await call(tokens(), 'POST', { body: trustAuth(trust.id) })).status).toBe(404);
      expect((await demo.call('GET', `/identity/v3/OS-TRUST/trusts/${trust.id}`)).status).toBe(404);
    });

    it('refuses to turn a trust-scoped token into another token (403)', async () => {
      const trust = await createTrust();
      const { token } = await trustToken(trust.id);
      const response = await call(tokens(), 'POST', {
        body: { auth: { identity: { methods: ['token'], token: { id: token } }, scope: { project: { id: DEMO_PROJECT } } } },
      });
      expect(response.status).toBe(403);
    });

    it('is refused to an application credential asking for a trust scope (401)', async () => {
      const trust = await createTrust();
      const response = await call(tokens(), 'POST', {
        body: {
          auth: {
            identity: {
              methods: ['application_credential'],
              application_credential: { id: stableHexId('application_credential', 'demo-app'), secret: 'secret' },
            },
            scope: { 'OS-TRUST:trust': { id: trust.id } },
          },
        },
      });
      expect(response.status).toBe(401);
    });
  });
});
