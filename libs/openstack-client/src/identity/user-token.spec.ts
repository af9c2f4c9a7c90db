import { defaultSeed, stableHexId, type RunningSimulator } from '@peak/openstack-sim';
import { OpenStackError } from '../errors';
import { OpenStackClient } from '../openstack-client';
import { simClient, startTestSimulator } from '../testing/simulator';

const DEMO_USER = stableHexId('user', 'default/demo');
const DEMO_PROJECT = stableHexId('project', 'demo');

/**
 * `withToken`: a client calling with a user's own token, against the simulator. The seed adds, next to the default
 * cloud's public images and networks, a private image and a private network of each of the `admin` and `demo` projects.
 */
describe('OpenStackClient.withToken', () => {
  let sim: RunningSimulator;
  let client: OpenStackClient;
  let demoToken: string;

  beforeAll(async () => {
    const seed = defaultSeed();
    sim = await startTestSimulator({
      seed: {
        images: [
          ...seed.images,
          { name: 'admin-golden', size: 1024, visibility: 'private', owner: 'admin' },
          { name: 'demo-snapshot', size: 2048, visibility: 'private', owner: 'demo' },
        ],
        networks: [...seed.networks, { name: 'admin-mgmt', project: 'admin', cidr: '192.168.50.0/24' }],
      },
    });
  });

  afterAll(() => sim.close());

  beforeEach(async () => {
    await sim.control.reset({ keepTokens: false });
    client = simClient(sim, 'admin');
    demoToken = (await client.identity.authenticate({ username: 'demo', password: 'secret', projectName: 'demo' })).token;
  });

  afterEach(() => client.close());

  const names = (items: { name: string }[]) => items.map((i) => i.name).sort();

  it('lists what the token’s project sees: public and own images, own and shared networks, not admin’s private ones', async () => {
    const demo = client.withToken(demoToken);
    expect(names(await demo.image.listImages())).toEqual(['cirros-0.6.2-x86_64-disk', 'demo-snapshot', 'ubuntu-24.04']);
    expect(names(await demo.network.listNetworks())).toEqual(['private', 'public']);
    // The service account (an admin) still sees everything.
    expect(names(await client.image.listImages())).toContain('admin-golden');
    expect(names(await client.network.listNetworks())).toEqual(['admin-mgmt', 'private', 'public']);
  });

  it('lists public flavors and the private ones the project has access to', async () => {
    const hidden = await client.compute.createFlavor({ name: 'admin-only', vcpus: 1, ramMiB: 256, diskGiB: 1, isPublic: false });
    const granted = await client.compute.createFlavor({ name: 'demo-granted', vcpus: 1, ramMiB: 256, diskGiB: 1, isPublic: false });
    const adminToken = (await client.identity.authenticate({ username: 'admin', password: 'secret', projectName: 'admin' })).token;
    const res = await fetch(`${sim.url}/compute/v2.1/flavors/${granted.id}/action`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Auth-Token': adminToken },
      body: JSON.stringify({ addTenantAccess: { tenant: DEMO_PROJECT } }),
    });
    expect(res.status).toBe(200);

    const flavors = names(await client.withToken(demoToken).compute.listFlavors());
    expect(flavors).toContain('demo-granted');
    expect(flavors).toContain('m1.tiny');
    expect(flavors).not.toContain(hidden.name);
  });

  it('sends the user’s token as given, reuses the service account’s endpoints and microversion, and never authenticates', async () => {
    await client.compute.listFlavors();
    await sim.control.clearRequests();
    const demo = client.withToken(demoToken);
    expect(demo).not.toBe(client.withToken(demoToken));
    expect(demo.config).toBe(client.config);
    expect(demo.trustId).toBeUndefined();
    await demo.compute.listFlavors();
    await demo.image.listImages();
    const requests = await sim.control.requests();
    expect(requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /compute/v2.1/flavors/detail', 'GET /image/v2/images']);
  });

  it('describes the user’s token on identity.serviceToken (validating it once)', async () => {
    const demo = client.withToken(demoToken);
    await expect(demo.identity.serviceToken()).resolves.toMatchObject({
      user: { id: DEMO_USER, name: 'demo' },
      project: { id: DEMO_PROJECT },
    });
    await expect(demo.identity.currentUser()).resolves.toMatchObject({ id: DEMO_USER });
    expect((await sim.control.requests({ method: 'GET', path: '/identity/v3/auth/tokens' })).length).toBe(1);
  });

  it('surfaces an invalid token as a 401 OpenStackError, without re-authenticating', async () => {
    await client.network.listNetworks();
    await sim.control.clearRequests();
    const error = await client
      .withToken('not-a-token')
      .network.listNetworks()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenStackError);
    expect(error).toMatchObject({ service: 'network', status: 401, isUnauthorized: true });
    expect(await sim.control.requests({ method: 'POST', path: '/identity/v3/auth/tokens' })).toEqual([]);
    // The service session is untouched.
    await expect(client.network.listNetworks()).resolves.toHaveLength(3);
  });

  it('refuses an empty token; a trust-scoped client makes user-token clients of the root', () => {
    expect(() => client.withToken('')).toThrow(TypeError);
    expect(client.forTrust('0123456789abcdef').withToken(demoToken).trustId).toBeUndefined();
  });
});
