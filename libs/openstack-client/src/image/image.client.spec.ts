import type { RunningSimulator } from '@peak/openstack-sim';
import type { OpenStackClient } from '../openstack-client';
import { simClient, startTestSimulator } from '../testing/simulator';
import { ImageClient } from './image.client';

/** Glance v2 against the simulator over real HTTP (its catalog URL is unversioned, like a real Glance). */
describe(ImageClient.name, () => {
  let sim: RunningSimulator;
  let client: OpenStackClient;

  beforeAll(async () => {
    sim = await startTestSimulator();
    client = simClient(sim);
  });

  afterAll(async () => {
    await client.close();
    await sim.close();
  });

  beforeEach(() => sim.control.clearRequests());

  it('lists every image across pages, following `next`', async () => {
    const all = await client.image.listImages();
    const paged = await client.image.listImages({ pageSize: 1 });
    expect(paged.map((i) => i.id)).toEqual(all.map((i) => i.id));
    expect(all.map((i) => i.name)).toEqual(expect.arrayContaining(['cirros-0.6.2-x86_64-disk', 'ubuntu-24.04']));
    const pages = await sim.control.requests({ service: 'image', path: '/image/v2/images' });
    expect(pages.filter((p) => p.query.includes('marker=')).length).toBeGreaterThanOrEqual(all.length - 1);
  });

  it('filters by name and gets one image', async () => {
    const [cirros, ...more] = await client.image.listImages({ name: 'cirros-0.6.2-x86_64-disk' });
    expect(more).toEqual([]);
    expect(cirros).toMatchObject({ status: 'active', visibility: 'public', diskFormat: expect.any(String) });
    await expect(client.image.getImage(cirros?.id ?? '')).resolves.toEqual(cirros);
    await expect(client.image.listImages({ name: 'no-such-image' })).resolves.toEqual([]);
  });

  it('reports an unknown image as a 404 from image', async () => {
    await expect(client.image.getImage('00000000-0000-0000-0000-000000000000')).rejects.toMatchObject({
      service: 'image',
      status: 404,
      isNotFound: true,
    });
  });

  it('retries a listing on 503', async () => {
    await sim.control.failNext(1, { service: 'image', method: 'GET', status: 503 });
    await expect(client.image.listImages({ name: 'ubuntu-24.04' })).resolves.toHaveLength(1);
  });
});
