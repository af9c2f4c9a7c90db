import type { RunningSimulator } from '@peak/openstack-sim';
import { loadCloudConfig } from './config/load-cloud-config';
import { OpenStackClient } from './openstack-client';
import { startCloudShapeProxy, type CloudShape, type CloudShapeProxy } from './testing/cloud-shape-proxy';
import { startTestSimulator } from './testing/simulator';

/**
 * Real clouds publish their catalogs in different shapes (see shared/real-openstack: compute at `.../v2.1`,
 * Glance and Neutron unversioned; devstack and older clouds add the project id or keep `/v2/`). The simulator
 * answers behind a proxy that only reshapes the catalog and Nova's version documents.
 */
describe('OpenStackClient against differently shaped clouds', () => {
  let sim: RunningSimulator;
  let proxy: CloudShapeProxy | undefined;
  let client: OpenStackClient | undefined;

  beforeAll(async () => {
    sim = await startTestSimulator();
  });

  afterAll(() => sim.close());

  afterEach(async () => {
    await client?.close();
    await proxy?.close();
    client = undefined;
    proxy = undefined;
  });

  async function connect(shape: CloudShape): Promise<OpenStackClient> {
    await sim.control.clearRequests();
    proxy = await startCloudShapeProxy(sim.url, shape);
    const cloud = loadCloudConfig({
      env: {
        OS_AUTH_URL: proxy.url + '/identity', // unversioned auth URL, as many openrc files have it
        OS_USERNAME: 'demo',
        OS_PASSWORD: 'secret',
        OS_PROJECT_NAME: 'demo',
        OS_USER_DOMAIN_NAME: 'Default',
        OS_PROJECT_DOMAIN_NAME: 'Default',
      },
    });
    client = OpenStackClient.create(cloud, { retry: { baseDelayMs: 5 } });
    return client;
  }

  const computePaths = async () => (await sim.control.requests({ service: 'compute' })).map((r) => `${r.method} ${r.path}`);

  it.each([
    [
      'versioned with the project id',
      (url: string, pid: string) => `${url}/${pid}`,
      (pid: string) => `/compute/v2.1/${pid}/flavors/detail`,
    ],
    ['unversioned', (url: string) => url.replace(/\/v2\.1$/, ''), () => '/compute/v2.1/flavors/detail'],
    [
      'legacy /v2/<project id>',
      (url: string, pid: string) => `${url.replace(/\/v2\.1$/, '/v2')}/${pid}`,
      (pid: string) => `/compute/v2.1/${pid}/flavors/detail`,
    ],
    ['with a trailing slash', (url: string) => `${url}/`, () => '/compute/v2.1/flavors/detail'],
  ])('uses a compute catalog URL %s', async (_shape, computeUrl, expectedPath) => {
    const sut = await connect({ catalogUrl: (type, url, pid) => (type === 'compute' ? computeUrl(url, pid) : url) });
    await expect(sut.compute.listFlavors()).resolves.toHaveLength(5);
    const { project } = await sut.identity.serviceToken();
    expect(await computePaths()).toContain(`GET ${expectedPath(project?.id ?? '')}`);
    await expect(sut.compute.microversion()).resolves.toBe('2.75');
  });

  it('uses versioned image and network catalog URLs', async () => {
    const sut = await connect({
      catalogUrl: (type, url) => (type === 'image' ? `${url}/v2/` : type === 'network' ? `${url}/v2.0` : url),
    });
    await expect(sut.image.listImages({ name: 'ubuntu-24.04' })).resolves.toHaveLength(1);
    await expect(sut.network.listNetworks({ name: 'private' })).resolves.toHaveLength(1);
    const paths = (await sim.control.requests()).map((r) => r.path);
    expect(paths).toEqual(expect.arrayContaining(['/image/v2/images', '/network/v2.0/networks']));
  });

  it('speaks an older cloud’s maximum microversion when it is at least 2.52', async () => {
    const sut = await connect({ maxComputeMicroversion: '2.60' });
    await sut.compute.listFlavors();
    expect(await sut.compute.microversion()).toBe('2.60');
    const [call] = (await sim.control.requests({ path: '/compute/v2.1/flavors/detail' })).map((r) => r.microversion);
    expect(call).toBe('2.60');
  });

  it('refuses a cloud below microversion 2.52 with a clear error, before any compute call', async () => {
    const sut = await connect({ maxComputeMicroversion: '2.38' });
    await expect(sut.compute.listServers()).rejects.toMatchObject({
      service: 'compute',
      fault: 'MicroversionUnsupported',
      message: expect.stringContaining('supports microversions 2.1 to 2.38; at least 2.52 is needed (server tags)'),
    });
    expect((await computePaths()).filter((p) => p.includes('/servers'))).toEqual([]);
    // The images and networks of that cloud stay usable.
    await expect(sut.image.listImages()).resolves.not.toHaveLength(0);
  });
});
