import { defaultSeed, stableHexId, stableUuid, type RunningSimulator } from '@peak/openstack-sim';
import { CloudConfigError, loadCloudConfig } from '../config/load-cloud-config';
import { OpenStackError } from '../errors';
import { OpenStackClient } from '../openstack-client';
import { simCloud, startTestSimulator } from '../testing/simulator';

const DEMO_USER = stableHexId('user', 'default/demo');
const DEMO_PROJECT = stableHexId('project', 'demo');
const SVC_USER = stableHexId('user', 'default/svc');
const CIRROS = stableUuid('image', 'cirros-0.6.2-x86_64-disk');
const PRIVATE = stableUuid('network', 'private');

/**
 * Keystone trusts through the client, against the simulator: `demo` (a console user) delegates `member` on its project
 * to `svc`, a non-admin service account (as Heat's or Aodh's), which then acts in demo's project through `forTrust`.
 */
describe('IdentityClient trusts and OpenStackClient.forTrust', () => {
  let sim: RunningSimulator;
  let client: OpenStackClient;
  let demoToken: string;

  beforeAll(async () => {
    const seed = defaultSeed();
    sim = await startTestSimulator({
      seed: {
        users: [
          ...seed.users,
          { name: 'svc', password: 'secret', defaultProject: 'service', roles: [{ project: 'service', role: 'service' }] },
        ],
      },
    });
  });

  afterAll(() => sim.close());

  beforeEach(async () => {
    await sim.control.reset({ keepTokens: false });
    client = OpenStackClient.create(simCloud(sim, 'admin', { OS_USERNAME: 'svc', OS_PROJECT_NAME: 'service' }), {
      timeoutMs: 5_000,
      retry: { baseDelayMs: 5, maxDelayMs: 40 },
    });
    demoToken = (await client.identity.authenticate({ username: 'demo', password: 'secret', projectName: 'demo' })).token;
  });

  afterEach(() => client.close());

  async function delegate(impersonation = false, roles = ['member']) {
    const trustee = await client.identity.currentUser();
    return client.identity.createTrust(
      { trustorUserId: DEMO_USER, trusteeUserId: trustee.id, projectId: DEMO_PROJECT, roles, impersonation },
      { authToken: demoToken },
    );
  }

  const tokenIssues = async () => (await sim.control.requests({ method: 'POST', path: '/identity/v3/auth/tokens' })).length;

  describe('identity', () => {
    it('names the service account: currentUser', async () => {
      await expect(client.identity.currentUser()).resolves.toMatchObject({ id: SVC_USER, name: 'svc' });
    });

    it('creates a trust with the trustor’s own token, and reads it back as the trustee', async () => {
      const expiresAt = new Date(Date.now() + 3600_000);
      const created = await client.identity.createTrust(
        { trustorUserId: DEMO_USER, trusteeUserId: SVC_USER, projectId: DEMO_PROJECT, roles: ['member'], impersonation: true, expiresAt },
        { authToken: demoToken },
      );
      expect(created).toEqual({
        id: expect.stringMatching(/^[0-9a-f]{32}$/),
        trustorUserId: DEMO_USER,
        trusteeUserId: SVC_USER,
        projectId: DEMO_PROJECT,
        impersonation: true,
        expiresAt,
        remainingUses: null,
        redelegationCount: 0,
        roles: [{ id: stableHexId('role', 'member'), name: 'member' }],
      });
      await expect(client.identity.getTrust(created.id)).resolves.toEqual(created);
      await expect(client.identity.getTrust(created.id, { authToken: demoToken })).resolves.toEqual(created);
    });

    it('lists trusts by trustee (the service session) or by trustor (with the trustor’s token), without roles', async () => {
      const trust = await delegate();
      const listed = { ...trust, roles: [] };
      await expect(client.identity.listTrusts({ trusteeUserId: SVC_USER })).resolves.toEqual([listed]);
      await expect(client.identity.listTrusts({ trustorUserId: DEMO_USER }, { authToken: demoToken })).resolves.toEqual([listed]);
      await expect(client.identity.listTrusts({ trustorUserId: DEMO_USER })).rejects.toMatchObject({ status: 403 });
    });

    it('surfaces Keystone’s refusals as OpenStackError: 403 for another user’s token, 404 for a role not held', async () => {
      const svcToken = (await client.identity.authenticate({ username: 'svc', password: 'secret' })).token;
      const notTrustor = await client.identity
        .createTrust(
          { trustorUserId: DEMO_USER, trusteeUserId: SVC_USER, projectId: DEMO_PROJECT, roles: ['member'], impersonation: false },
          { authToken: svcToken },
        )
        .catch((e: unknown) => e);
      expect(notTrustor).toBeInstanceOf(OpenStackError);
      expect(notTrustor).toMatchObject({ service: 'identity', status: 403, isForbidden: true, path: '/v3/OS-TRUST/trusts' });
      await expect(delegate(false, ['admin'])).rejects.toMatchObject({ service: 'identity', status: 404 });
      await expect(client.identity.getTrust('0123456789abcdef')).rejects.toMatchObject({ status: 404, isNotFound: true });
    });

    it('deletes a trust with the trustor’s token; the trustee may not (403); a deleted trust is 404', async () => {
      const trust = await delegate();
      await expect(client.identity.deleteTrust(trust.id)).rejects.toMatchObject({ service: 'identity', status: 403 });
      await client.identity.deleteTrust(trust.id, { authToken: demoToken });
      await expect(client.identity.getTrust(trust.id)).rejects.toMatchObject({ status: 404 });
      await expect(client.identity.deleteTrust(trust.id, { authToken: demoToken })).rejects.toMatchObject({ status: 404 });
    });
  });

  describe('forTrust', () => {
    it('acts in the trustor’s project with the delegated roles, through one cached session', async () => {
      const trust = await delegate();
      const sut = client.forTrust(trust.id);
      expect(client.forTrust(trust.id)).toBe(sut);
      expect(sut.trustId).toBe(trust.id);
      expect(sut.config).toBe(client.config);
      await sim.control.clearRequests();

      const created = await sut.compute.createServer({
        name: 'delegated',
        imageId: CIRROS,
        flavorId: '1',
        networks: [{ networkId: PRIVATE }],
      });
      await expect(client.forTrust(trust.id).compute.listServers()).resolves.toEqual([expect.objectContaining({ id: created.id })]);
      const [server] = await sim.control.servers();
      expect(server).toMatchObject({ id: created.id, projectId: DEMO_PROJECT, userId: SVC_USER });
      expect(await tokenIssues()).toBe(1);

      expect(await sut.identity.serviceToken()).toMatchObject({
        user: { id: SVC_USER },
        project: { id: DEMO_PROJECT },
        trust: { id: trust.id, impersonation: false, trusteeUserId: SVC_USER, trustorUserId: DEMO_USER },
      });
      // The service's own session is untouched.
      expect(await client.identity.serviceToken()).toMatchObject({ project: { name: 'service' } });
      expect((await client.identity.serviceToken()).trust).toBeUndefined();
    });

    it('acts as the trustor with impersonation', async () => {
      const trust = await delegate(true);
      await expect(client.forTrust(trust.id).identity.currentUser()).resolves.toMatchObject({ id: DEMO_USER, name: 'demo' });
    });

    it('renews the trust-scoped token as the normal session does', async () => {
      const sut = client.forTrust((await delegate()).id);
      await sut.network.listNetworks();
      await sim.control.expireTokens();
      await expect(sut.network.listNetworks({ name: 'private' })).resolves.toHaveLength(1);
    });

    it('reports a deleted trust as identity’s 404, and a trustor who lost the role as 403', async () => {
      const gone = await delegate();
      const sut = client.forTrust(gone.id);
      await sut.compute.listServers();
      await client.identity.deleteTrust(gone.id, { authToken: demoToken });
      const error: unknown = await sut.compute.listServers().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OpenStackError);
      expect(error).toMatchObject({ service: 'identity', status: 404, isNotFound: true });
      expect((error as OpenStackError).message).toContain('Could not find trust');
      client.forgetTrust(gone.id);
      expect(client.forTrust(gone.id)).not.toBe(sut);

      const kept = await delegate();
      await sim.control.revokeRole('demo', 'demo', 'member');
      await expect(client.forTrust(kept.id).compute.listServers()).rejects.toMatchObject({ service: 'identity', status: 403 });
    });

    it('is refused to an application-credential service account, with a CloudConfigError', async () => {
      const appClient = OpenStackClient.create(
        loadCloudConfig({
          env: {
            OS_AUTH_URL: sim.authUrl,
            OS_AUTH_TYPE: 'v3applicationcredential',
            OS_APPLICATION_CREDENTIAL_ID: stableHexId('application_credential', 'demo-app'),
            OS_APPLICATION_CREDENTIAL_SECRET: 'secret',
          },
        }),
      );
      try {
        expect(() => appClient.forTrust('0123456789abcdef')).toThrow(CloudConfigError);
        expect(() => appClient.forTrust('0123456789abcdef')).toThrow(/application credential/);
      } finally {
        await appClient.close();
      }
    });

    it('shares the transport: closing a trust client leaves the parent usable', async () => {
      const sut = client.forTrust((await delegate()).id);
      await sut.close();
      await expect(client.compute.listFlavors()).resolves.toHaveLength(5);
      await expect(sut.compute.listFlavors()).resolves.toHaveLength(5);
    });
  });
});
