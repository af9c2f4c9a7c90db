import { type Json, type Session, call, login } from '../../testing/http';
import { stableUuid } from '../seed';
import { type RunningSimulator, startSimulator } from '../simulator';
import { volumeService } from './volume';

const CIRROS = stableUuid('image', 'cirros-0.6.2-x86_64-disk');
const UBUNTU = stableUuid('image', 'ubuntu-24.04');

describe(volumeService.name, () => {
  let sut: RunningSimulator;
  let admin: Session;
  let demo: Session;

  beforeAll(async () => {
    sut = await startSimulator({ port: 0 });
    admin = await login(sut.url);
    demo = await login(sut.url, 'demo', 'demo');
  });

  afterAll(() => sut.close());

  beforeEach(async () => {
    await sut.control.reset();
    await sut.control.configure({ buildDelayMs: 0, deleteDelayMs: 0 });
  });

  const cinder = (session: Session, path: string) => session.call('GET', `/volume/v3/${session.projectId}${path}`);

  const bootFromVolume = (mapping: Record<string, unknown>, microversion = '2.67', server: Record<string, unknown> = {}) =>
    demo.call('POST', '/compute/v2.1/servers', {
      microversion,
      body: {
        server: {
          name: 'bfv',
          flavorRef: '1',
          networks: 'none',
          block_device_mapping_v2: [
            { boot_index: 0, uuid: CIRROS, source_type: 'image', destination_type: 'volume', volume_size: 2, ...mapping },
          ],
          ...server,
        },
      },
    });

  async function bootedServer(mapping: Record<string, unknown> = {}): Promise<Json> {
    const response = await bootFromVolume(mapping);
    expect(response.status).toBe(202);
    return (await demo.call('GET', `/compute/v2.1/servers/${response.body.server.id}`, { microversion: '2.67' })).body.server;
  }

  it('is in the catalog as block-storage with the project in its URL', () => {
    const service = demo.catalog.find((s: Json) => s.type === 'block-storage');
    expect(service.name).toBe('cinder');
    expect(service.endpoints[0].url).toBe(`${sut.url}/volume/v3/${demo.projectId}`);
  });

  it('lists Cinder’s default volume type (extra specs for admins only)', async () => {
    const types = (await cinder(demo, '/types')).body.volume_types;
    expect(types).toEqual([
      {
        id: stableUuid('volume-type', '__DEFAULT__'),
        name: '__DEFAULT__',
        description: 'Default Volume Type',
        is_public: true,
        'os-volume-type-access:is_public': true,
      },
    ]);
    expect((await cinder(admin, '/types')).body.volume_types[0]).toMatchObject({ extra_specs: {}, qos_specs_id: null });
    expect((await cinder(demo, `/types/${types[0].id}`)).body.volume_type).toEqual(types[0]);
  });

  it('makes a bootable in-use volume for a server booted from volume, shown on the server', async () => {
    const server = await bootedServer({ delete_on_termination: true });
    expect(server.image).toBe('');
    const [attached] = server['os-extended-volumes:volumes_attached'];
    expect(attached).toEqual({ id: expect.any(String), delete_on_termination: true });
    const volume = (await cinder(demo, `/volumes/${attached.id}`)).body.volume;
    expect(volume).toMatchObject({
      id: attached.id,
      size: 2,
      status: 'in-use',
      bootable: 'true',
      volume_type: '__DEFAULT__',
      'os-vol-tenant-attr:tenant_id': demo.projectId,
      attachments: [{ server_id: server.id, volume_id: attached.id, device: '/dev/vda' }],
      volume_image_metadata: { image_id: CIRROS },
    });
    expect(volume).not.toHaveProperty('os-vol-host-attr:host');
    expect((await cinder(demo, '/volumes/detail')).body.volumes).toEqual([volume]);
    expect((await cinder(demo, '/volumes')).body.volumes).toEqual([{ id: volume.id, links: volume.links, name: '' }]);
    expect((await cinder(demo, '/limits')).body.limits.absolute).toMatchObject({ totalVolumesUsed: 1, totalGigabytesUsed: 2 });
  });

  it('deletes the volume with the server when asked to, else leaves it available', async () => {
    const doomed = await bootedServer({ delete_on_termination: true });
    const kept = await bootedServer({ delete_on_termination: false });
    const keptVolume = kept['os-extended-volumes:volumes_attached'][0].id;
    for (const server of [doomed, kept]) expect((await demo.call('DELETE', `/compute/v2.1/servers/${server.id}`)).status).toBe(204);
    await new Promise((resolve) => setTimeout(resolve, 10));
    const volumes = (await cinder(demo, '/volumes/detail')).body.volumes;
    expect(volumes.map((v: Json) => [v.id, v.status, v.attachments])).toEqual([[keptVolume, 'available', []]]);
  });

  it('keeps volumes per project: another project gets 404, admins see all with all_tenants', async () => {
    const server = await bootedServer();
    const id = server['os-extended-volumes:volumes_attached'][0].id;
    expect((await cinder(admin, '/volumes/detail')).body.volumes).toEqual([]);
    const all = (await cinder(admin, '/volumes/detail?all_tenants=1')).body.volumes;
    expect(all.map((v: Json) => v.id)).toEqual([id]);
    expect(all[0]).toHaveProperty('os-vol-host-attr:host');
    const viewer = await login(sut.url, 'viewer', 'admin');
    expect((await cinder(viewer, `/volumes/${id}`)).body).toEqual({
      itemNotFound: { code: 404, message: `Volume ${id} could not be found.` },
    });
    expect((await demo.call('GET', `/volume/v3/${admin.projectId}/volumes/detail`)).status).toBe(400);
  });

  it("reports the project's gigabytes quota and usage in its limits and quota set (own project, or any for an admin)", async () => {
    await sut.control.setQuotas({ gigabytes: 50 }, 'demo');
    await bootedServer({ volume_size: 20 });
    expect((await cinder(demo, '/limits')).body.limits.absolute).toMatchObject({ maxTotalVolumeGigabytes: 50, totalGigabytesUsed: 20 });

    const detail = await cinder(demo, `/os-quota-sets/${demo.projectId}?usage=True`);
    expect(detail.status).toBe(200);
    expect(detail.body.quota_set).toMatchObject({
      id: demo.projectId,
      gigabytes: { limit: 50, in_use: 20, reserved: 0, allocated: 0 },
      volumes: { limit: 10, in_use: 1, reserved: 0, allocated: 0 },
    });
    expect((await cinder(demo, `/os-quota-sets/${demo.projectId}`)).body.quota_set).toMatchObject({ gigabytes: 50, volumes: 10 });
    // An admin reads another project's; a member may not.
    expect((await cinder(admin, `/os-quota-sets/${demo.projectId}?usage=True`)).body.quota_set.gigabytes.in_use).toBe(20);
    expect((await cinder(admin, `/os-quota-sets/${admin.projectId}?usage=True`)).body.quota_set.gigabytes).toMatchObject({
      limit: 1000,
      in_use: 0,
    });
    expect((await cinder(demo, `/os-quota-sets/${admin.projectId}`)).status).toBe(403);
  });

  it('refuses an unknown volume type, a type before 2.67, and a volume smaller than the image needs', async () => {
    expect((await bootFromVolume({ volume_type: 'ssd' })).body).toEqual({
      badRequest: { code: 400, message: 'Volume type ssd could not be found.' },
    });
    expect((await bootFromVolume({ volume_type: '__DEFAULT__' }, '2.66')).body.badRequest.message).toMatch(/'volume_type' was unexpected/);
    expect((await bootFromVolume({ volume_type: '__DEFAULT__' })).status).toBe(202);
    expect((await bootFromVolume({ uuid: UBUNTU })).body.badRequest.message).toMatch(
      /^Volume is smaller than the minimum size specified in image metadata/,
    );
  });

  it('accepts a flavor without disk for boot from volume only (non-admins)', async () => {
    const flavor = await admin.call('POST', '/compute/v2.1/flavors', {
      body: { flavor: { name: 'diskless', vcpus: 1, ram: 512, disk: 0, id: 'diskless' } },
    });
    expect(flavor.status).toBe(200);
    expect((await bootFromVolume({}, '2.67', { flavorRef: 'diskless' })).status).toBe(202);
    const local = await demo.call('POST', '/compute/v2.1/servers', {
      microversion: '2.67',
      body: { server: { name: 'local', imageRef: CIRROS, flavorRef: 'diskless', networks: 'none' } },
    });
    expect(local.body).toEqual({ forbidden: { code: 403, message: 'Only volume-backed servers are allowed for flavors with zero disk.' } });
  });

  it('leaves the catalog and answers 404 when block storage is off, and Nova refuses boot from volume', async () => {
    await sut.control.configure({ blockStorage: false });
    const session = await login(sut.url, 'demo', 'demo');
    expect(session.catalog.map((s: Json) => s.type)).not.toContain('block-storage');
    expect((await cinder(session, '/types')).status).toBe(404);
    expect((await bootFromVolume({})).status).toBe(400);
  });

  it('answers the root with its version list, without a token', async () => {
    const response = await call(`${sut.url}/volume/`, 'GET');
    expect(response.status).toBe(300);
    expect(response.body.versions[0]).toMatchObject({ id: 'v3.0', status: 'CURRENT', min_version: '3.0' });
  });
});
