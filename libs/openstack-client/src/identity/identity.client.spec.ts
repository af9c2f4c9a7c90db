import { stableHexId, type RunningSimulator } from '@peak/openstack-sim';
import { OpenStackError } from '../errors';
import { OpenStackClient, type OpenStackClientOptions } from '../openstack-client';
import { loadCloudConfig } from '../config/load-cloud-config';
import { simClient, simCloud, startTestSimulator } from '../testing/simulator';
import { IdentityClient } from './identity.client';

/** Keystone v3 against the simulator over real HTTP. */
describe(IdentityClient.name, () => {
  let sim: RunningSimulator;
  let client: OpenStackClient;

  beforeAll(async () => {
    sim = await startTestSimulator();
  });

  afterAll(() => sim.close());

  beforeEach(async () => {
    await sim.control.reset({ keepTokens: false });
    client = simClient(sim);
  });

  afterEach(() => client.close());

  const tokenIssues = async () => (await sim.control.requests({ method: 'POST', path: '/identity/v3/auth/tokens' })).length;

  describe('authenticate (console login)', () => {
    it('returns the token, its expiry, the user, project and roles', async () => {
      const sut = await client.identity.authenticate({ username: 'demo', password: 'secret', projectName: 'demo' });
      expect(sut.token).toEqual(expect.any(String));
      expect(sut.token.length).toBeGreaterThan(20);
      expect(sut.expiresAt.getTime()).toBeGreaterThan(Date.now() + 3000_000);
      expect(sut).toMatchObject({
        methods: ['password'],
        user: { name: 'demo', domain: { id: 'default', name: 'Default' } },
        project: { name: 'demo' },
        roles: expect.arrayContaining([expect.objectContaining({ name: 'member' })]),
      });
    });

    it('logs a tool in with an application credential, by id or by name and owner', async () => {
      const byId = await client.identity.authenticate({
        applicationCredentialId: stableHexId('application_credential', 'demo-app'),
        applicationCredentialSecret: 'secret',
      });
      const byName = await client.identity.authenticate({
        applicationCredentialName: 'demo-app',
        username: 'demo',
        applicationCredentialSecret: 'secret',
      });
      for (const sut of [byId, byName]) {
        expect(sut.token.length).toBeGreaterThan(20);
        expect(sut).toMatchObject({
          methods: ['application_credential'],
          user: { name: 'demo' },
          project: { name: 'demo' },
          applicationCredential: { name: 'demo-app' },
        });
      }
      const wrong: unknown = await client.identity
        .authenticate({ applicationCredentialId: stableHexId('application_credential', 'demo-app'), applicationCredentialSecret: 'wrong' })
        .catch((e: unknown) => e);
      expect(wrong).toMatchObject({ service: 'identity', status: 401 });
    });

    it('answers wrong credentials with a 401 OpenStackError from identity', async () => {
      const error: unknown = await client.identity
        .authenticate({ username: 'demo', password: 'wrong', projectName: 'demo' })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OpenStackError);
      expect(error).toMatchObject({ service: 'identity', status: 401, fault: 'error', isUnauthorized: true });
      expect((error as OpenStackError).requestId).toMatch(/^req-/);
    });
  });

  describe('validateToken', () => {
    it("returns a user's token details, asked with the service account's token", async () => {
      const login = await client.identity.authenticate({ username: 'viewer', password: 'secret', projectName: 'admin' });
      const sut = await client.identity.validateToken(login.token);
      expect(sut).toMatchObject({ user: { id: login.user.id, name: 'viewer' }, project: { name: 'admin' }, catalog: [] });
      expect(sut.roles.map((r) => r.name)).toContain('reader');
      expect(sut.expiresAt).toEqual(login.expiresAt);
    });

    it('answers an unknown or revoked token with a 404', async () => {
      await expect(client.identity.validateToken('gAAAAA-not-a-token')).rejects.toMatchObject({ service: 'identity', status: 404 });
      const login = await client.identity.authenticate({ username: 'demo', password: 'secret', projectName: 'demo' });
      await client.identity.revokeToken(login.token);
      await expect(client.identity.validateToken(login.token)).rejects.toMatchObject({ status: 404, isNotFound: true });
      // Revoking twice is harmless (a logout that is retried).
      await expect(client.identity.revokeToken(login.token)).resolves.toBeUndefined();
    });
  });

  describe('service session', () => {
    it('authenticates once and shares the token between calls, even concurrent ones', async () => {
      await Promise.all([client.compute.listFlavors(), client.image.listImages(), client.network.listNetworks()]);
      await client.compute.getLimits();
      expect(await tokenIssues()).toBe(1);
      expect(await client.identity.serviceToken()).toMatchObject({ user: { name: 'admin' }, project: { name: 'admin' } });
    });

    it('re-authenticates once on a 401 and replays the call', async () => {
      await client.compute.listFlavors();
      expect(await sim.control.expireTokens()).toBeGreaterThan(0);
      await sim.control.clearRequests();

      await expect(client.compute.listFlavors()).resolves.toHaveLength(5);
      const log = await sim.control.requests();
      expect(log.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
        'GET /compute/v2.1/flavors/detail 401',
        'POST /identity/v3/auth/tokens 201',
        'GET /compute/v2.1/flavors/detail 200',
      ]);
    });

    it('re-authenticates only once when the 401 persists, then reports it', async () => {
      await client.compute.listFlavors();
      await sim.control.clearRequests();
      await sim.control.failNext(5, { service: 'compute', path: '/compute/v2.1/flavors/detail', status: 401 });
      await expect(client.compute.listFlavors()).rejects.toMatchObject({ service: 'compute', status: 401 });
      const log = await sim.control.requests();
      expect(log.map((r) => `${r.method} ${r.service} ${r.status}`)).toEqual(['GET compute 401', 'POST identity 201', 'GET compute 401']);
    });

    it('refreshes the token when under 120 s of its life are left, not before', async () => {
      let now = Date.now();
      const timed = simClient(sim, 'admin', { now: () => now });
      try {
        await timed.compute.listFlavors();
        const { expiresAt, issuedAt } = await timed.identity.serviceToken();
        const lifetime = expiresAt.getTime() - (issuedAt?.getTime() ?? 0);
        expect(await tokenIssues()).toBe(1);

        now += lifetime - 121_000; // 121 s left: still good
        await timed.compute.listFlavors();
        expect(await tokenIssues()).toBe(1);

        now += 2_000; // 119 s left: refreshed before use
        await timed.compute.listFlavors();
        expect(await tokenIssues()).toBe(2);
        const log = await sim.control.requests({ service: 'compute' });
        expect(log.every((r) => r.status === 200)).toBe(true);
      } finally {
        await timed.close();
      }
    });

    it('refreshes short-lived tokens at half their life', async () => {
      await sim.control.configure({ tokenTtlSeconds: 60 });
      let now = Date.now();
      const timed = simClient(sim, 'admin', { now: () => now });
      try {
        await timed.compute.listFlavors();
        now += 29_000;
        await timed.compute.listFlavors();
        expect(await tokenIssues()).toBe(1);
        now += 2_000;
        await timed.compute.listFlavors();
        expect(await tokenIssues()).toBe(2);
      } finally {
        await timed.close();
      }
    });

    it('retries the token request itself on 503', async () => {
      await sim.control.failNext(2, { service: 'identity', method: 'POST', status: 503 });
      await expect(client.compute.listFlavors()).resolves.toHaveLength(5);
      expect((await sim.control.requests({ method: 'POST', path: '/identity/v3/auth/tokens' })).map((r) => r.status)).toEqual([
        503, 503, 201,
      ]);
    });

    it('authenticates with an application credential given by name and owner', async () => {
      const cloud = loadCloudConfig({
        env: {
          OS_AUTH_URL: sim.authUrl,
          OS_AUTH_TYPE: 'v3applicationcredential',
          OS_APPLICATION_CREDENTIAL_NAME: 'demo-app',
          OS_APPLICATION_CREDENTIAL_SECRET: 'secret',
          OS_USERNAME: 'demo',
          OS_USER_DOMAIN_NAME: 'Default',
        },
      });
      const appClient = OpenStackClient.create(cloud);
      try {
        expect(await appClient.identity.serviceToken()).toMatchObject({
          methods: ['application_credential'],
          user: { name: 'demo' },
          project: { name: 'demo' },
          applicationCredential: { name: 'demo-app' },
        });
        await expect(appClient.network.listNetworks({ name: 'private' })).resolves.toHaveLength(1);
      } finally {
        await appClient.close();
      }
    });

    it('never logs passwords or tokens, through logins, validations, 401s and retries', async () => {
      const lines: string[] = [];
      const capture = (level: string) => (message: string, context?: Record<string, unknown>) =>
        lines.push(`${level} ${message} ${JSON.stringify(context)}`);
      const logged = simClient(sim, 'admin', { logger: { debug: capture('debug'), warn: capture('warn'), error: capture('error') } });
      try {
        const login = await logged.identity.authenticate({ username: 'demo', password: 'secret', projectName: 'demo' });
        await logged.identity.validateToken(login.token);
        await sim.control.expireTokens();
        await sim.control.failNext(1, { service: 'compute', method: 'GET', status: 503 });
        await logged.compute.listFlavors();
        await logged.identity.validateToken('bogus-token-value').catch(() => undefined);
        expect(lines.some((l) => l.startsWith('warn') && l.includes('401'))).toBe(true);
        expect(lines.some((l) => l.startsWith('warn') && l.includes('retrying'))).toBe(true);
        const all = lines.join('\n');
        expect(all).not.toContain(login.token);
        expect(all).not.toContain('bogus-token-value');
        expect(all).not.toMatch(/secret/i);
      } finally {
        await logged.close();
      }
    });

    describe('with a given token (v3token)', () => {
      const demoLogin = () => client.identity.authenticate({ username: 'demo', password: 'secret', projectName: 'demo' });
      const tokenClient = (token: string, options: OpenStackClientOptions = {}) =>
        OpenStackClient.create(
          loadCloudConfig({
            env: {
              OS_AUTH_URL: sim.authUrl,
              OS_AUTH_TYPE: 'v3token',
              OS_TOKEN: token,
              OS_PROJECT_NAME: 'demo',
              OS_PROJECT_DOMAIN_NAME: 'Default',
            },
          }),
          options,
        );

      it('exchanges the token for one scoped to the configured project, and calls with that', async () => {
        const login = await demoLogin();
        const sut = tokenClient(login.token);
        try {
          await expect(sut.network.listNetworks({ name: 'private' })).resolves.toHaveLength(1);
          const session = await sut.identity.serviceToken();
          expect(session).toMatchObject({ methods: ['password', 'token'], user: { name: 'demo' }, project: { name: 'demo' } });
          expect(session.expiresAt.getTime()).toBeLessThanOrEqual(login.expiresAt.getTime());
          expect(() => sut.forTrust('any-trust')).toThrow(/v3token/);
        } finally {
          await sut.close();
        }
      });

      it('renews the scoped token while the given one lives, then says that the given token is expired', async () => {
        const login = await demoLogin();
        await sim.control.configure({ tokenTtlSeconds: 60 });
        let now = Date.now();
        const sut = tokenClient(login.token, { now: () => now });
        try {
          await sut.network.listNetworks();
          now += 31_000; // past half of the scoped token's 60 s: renewed with the given token
          await sut.network.listNetworks();
          expect(await tokenIssues()).toBe(3);

          await sim.control.expireTokens();
          await sim.control.clearRequests();
          const error: unknown = await sut.network.listNetworks().catch((e: unknown) => e);
          expect(error).toBeInstanceOf(OpenStackError);
          expect(error).toMatchObject({ service: 'identity', status: 401 });
          expect((error as OpenStackError).message).toMatch(
            /^Keystone refused the configured token \(OS_TOKEN or auth\.token, auth type v3token\): it is expired, revoked or invalid/,
          );
          expect((error as OpenStackError).message).not.toContain(login.token);
          const log = await sim.control.requests();
          expect(log.map((r) => `${r.method} ${r.service} ${r.status}`)).toEqual(['GET network 401', 'POST identity 401']);
        } finally {
          await sut.close();
        }
      });

      it('uses a renewal that cannot outlive the given token until it expires, instead of renewing on every call', async () => {
        await sim.control.configure({ tokenTtlSeconds: 60 });
        const login = await demoLogin(); // lives 60 s: every token made from it ends with it
        let now = Date.now();
        const warnings: string[] = [];
        const sut = tokenClient(login.token, {
          now: () => now,
          logger: { debug: () => undefined, warn: (message) => warnings.push(message), error: () => undefined },
        });
        try {
          await sut.network.listNetworks();
          now += 31_000;
          await sut.network.listNetworks(); // renewed, but to the same expiry
          now += 35_000; // past when an uncapped renewal would be renewed again, before its expiry
          await sut.network.listNetworks();
          expect(await tokenIssues()).toBe(3);
          expect(warnings).toEqual(['identity token cannot be renewed past its expiry']);
        } finally {
          await sut.close();
        }
      });
    });

    it('names the missing endpoint when the region is wrong', async () => {
      const wrong = OpenStackClient.create(simCloud(sim, 'admin', { OS_REGION_NAME: 'RegionTwo' }));
      try {
        await expect(wrong.compute.listFlavors()).rejects.toMatchObject({
          fault: 'EndpointNotFound',
          message: expect.stringContaining('no public compute endpoint in region RegionTwo'),
        });
      } finally {
        await wrong.close();
      }
    });
  });
});
