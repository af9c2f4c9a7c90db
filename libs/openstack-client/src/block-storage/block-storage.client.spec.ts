import type { RunningSimulator } from '@peak/openstack-sim';
import type { OpenStackClient } from '../openstack-client';
import { simClient, startTestSimulator } from '../testing/simulator';
import { BlockStorageClient } from './block-storage.client';

/** Cinder v3 against the simulator over real HTTP (its catalog URL names the project, as devstack's does). */
describe(BlockStorageClient.name, () => {
  let sim: RunningSimulator;
  let admin: OpenStackClient;
  let demo: OpenStackClient;
  let imageId: string;

  beforeAll(async () => {
    sim = await startTestSimulator({ buildDelayMs: 0, deleteDelayMs: 0 });
  });

  afterAll(() => sim.close());

  beforeEach(async () => {
    await sim.control.reset();
    admin = simClient(sim);
    demo = simClient(sim, 'demo');
    const [image] = await demo.image.listImages({ name: 'cirros-0.6.2-x86_64-disk' });
    if (!image) throw new Error('the simulator seed has no cirros image');
    imageId = image.id;
  });

  afterEach(async () => {
    await admin.close();
    await demo.close();
  });

  const bootFromVolume = (client: OpenStackClient, deleteOnTermination: boolean, volumeType?: string) =>
    client.compute.createServer({
      name: 'bfv',
      imageId,
      flavorId: '1',
      networks: 'none',
      bootVolume: { sizeGiB: 2, deleteOnTermination, ...(volumeType ? { volumeType } : {}) },
    });

  it('is available, and lists the volume types', async () => {
    await expect(demo.blockStorage.available()).resolves.toBe(true);
    await expect(demo.blockStorage.listVolumeTypes()).resolves.toEqual([
      { id: expect.any(String), name: '__DEFAULT__', description: 'Default Volume Type', isPublic: true },
    ]);
  });

  it('sees the boot volume of a server booted from volume, in use, and gone with the server when asked', async () => {
    const { id } = await bootFromVolume(demo, true, '__DEFAULT__');
    const server = await demo.compute.waitForServerStatus(id, 'ACTIVE', { pollIntervalMs: 20, timeoutMs: 5000 });
    expect(server.imageId).toBeUndefined();
    const [volumeId] = server.volumeIds ?? [];
    const sut = await demo.blockStorage.getVolume(volumeId ?? '');
    expect(sut).toMatchObject({
      id: volumeId,
      status: 'in-use',
      sizeGiB: 2,
      bootable: true,
      volumeType: '__DEFAULT__',
      attachedServerIds: [id],
      imageId,
    });
    await expect(demo.blockStorage.listVolumes()).resolves.toEqual([sut]);
    await demo.compute.deleteServer(id);
    await demo.compute.waitForServerDeleted(id, { pollIntervalMs: 20, timeoutMs: 5000 });
    await expect(demo.blockStorage.listVolumes()).resolves.toEqual([]);
    await expect(demo.blockStorage.getVolume(volumeId ?? '')).rejects.toMatchObject({ status: 404, isNotFound: true });
  });

  it('leaves a volume available when the server goes without deleting it; an admin finds it by project', async () => {
    const { id } = await bootFromVolume(demo, false);
    const [volumeId] = (await demo.compute.waitForServerStatus(id, 'ACTIVE', { pollIntervalMs: 20, timeoutMs: 5000 })).volumeIds ?? [];
    await demo.compute.deleteServer(id);
    await demo.compute.waitForServerDeleted(id, { pollIntervalMs: 20, timeoutMs: 5000 });
    await expect(demo.blockStorage.getVolume(volumeId ?? '')).resolves.toMatchObject({ status: 'available', attachedServerIds: [] });
    await expect(admin.blockStorage.listVolumes()).resolves.toEqual([]);
    const projectId = (await demo.identity.serviceToken()).project?.id ?? '';
    await expect(admin.blockStorage.listVolumes({ projectId })).resolves.toEqual([expect.objectContaining({ id: volumeId })]);
  });

  it('calls as a user in the user’s project, not the service account’s the catalog URL names', async () => {
    await bootFromVolume(demo, true);
    const projectId = (await demo.identity.serviceToken()).project?.id ?? '';
    const token = await fetch(`${sim.authUrl}/auth/tokens`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        auth: {
          identity: { methods: ['password'], password: { user: { name: 'demo', domain: { id: 'default' }, password: 'secret' } } },
          scope: { project: { id: projectId } },
        },
      }),
    }).then((r) => r.headers.get('x-subject-token') ?? '');
    await expect(admin.withToken(token).blockStorage.listVolumes()).resolves.toHaveLength(1);
  });

  it("reads a project's gigabytes quota and usage: its own, and any project's for an admin", async () => {
    const demoProject = (await demo.identity.serviceToken()).project?.id ?? '';
    await sim.control.setQuotas({ gigabytes: 30 }, 'demo');
    await bootFromVolume(demo, true);
    expect(await demo.blockStorage.getQuotaUsage(demoProject)).toEqual({
      gigabytes: { limit: 30, used: 2, remaining: 28 },
      volumes: { limit: 10, used: 1, remaining: 9 },
    });
    expect((await admin.blockStorage.getQuotaUsage(demoProject)).gigabytes.used).toBe(2);
    await sim.control.setQuotas({ gigabytes: -1 }, 'demo');
    expect((await demo.blockStorage.getQuotaUsage(demoProject)).gigabytes).toEqual({ limit: null, used: 2, remaining: null });
  });

  it('refuses an unknown volume type with Nova’s 400', async () => {
    await expect(bootFromVolume(demo, true, 'ssd')).rejects.toMatchObject({ status: 400, message: 'Volume type ssd could not be found.' });
  });

  it('says so clearly when the cloud has no Cinder, without calling anything', async () => {
    await sim.control.configure({ blockStorage: false });
    const bare = simClient(sim, 'demo');
    try {
      await expect(bare.blockStorage.available()).resolves.toBe(false);
      await expect(bare.blockStorage.listVolumeTypes()).rejects.toMatchObject({
        service: 'block-storage',
        status: 0,
        fault: 'EndpointNotFound',
        message: expect.stringMatching(/no block storage \(Cinder\).*no block-storage or volumev3 service at all/),
      });
      await expect(sim.control.requests({ service: 'volume' })).resolves.toEqual([]);
    } finally {
      await bare.close();
    }
  });
});
