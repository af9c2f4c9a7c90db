import { type Json, type Session, login } from '../../../testing/http';
import { type RunningSimulator, startSimulator } from '../../simulator';
import { registerFlavorRoutes } from './flavors';

describe(registerFlavorRoutes.name, () => {
  let sut: RunningSimulator;
  let admin: Session;
  let demo: Session;
  const names = (response: Json) => response.body.flavors.map((f: Json) => f.name);

  beforeAll(async () => {
    sut = await startSimulator({ port: 0 });
    admin = await login(sut.url);
    demo = await login(sut.url, 'demo', 'demo');
  });

  afterAll(() => sut.close());

  afterEach(() => sut.control.reset());

  const create = (flavor: Record<string, unknown>, session = admin, microversion?: string) =>
    session.call('POST', '/compute/v2.1/flavors', { body: { flavor }, microversion });

  it('lists the devstack flavors with links, and their details', async () => {
    const list = await admin.call('GET', '/compute/v2.1/flavors');
    expect(list.body.flavors[0]).toEqual({
      id: '1',
      name: 'm1.tiny',
      links: [
        { href: `${sut.url}/compute/v2.1/flavors/1`, rel: 'self' },
        { href: `${sut.url}/compute/flavors/1`, rel: 'bookmark' },
      ],
    });
    const detail = await admin.call('GET', '/compute/v2.1/flavors/detail');
    expect(detail.body.flavors.map((f: Json) => [f.id, f.name, f.vcpus, f.ram, f.disk])).toEqual([
      ['1', 'm1.tiny', 1, 512, 1],
      ['2', 'm1.small', 1, 2048, 20],
      ['3', 'm1.medium', 2, 4096, 40],
      ['4', 'm1.large', 4, 8192, 80],
      ['5', 'm1.xlarge', 8, 16384, 160],
    ]);
  });

  it('shapes a flavor by microversion: swap "" before 2.75, description from 2.55, extra_specs from 2.61', async () => {
    const at = async (microversion: string) => (await admin.call('GET', '/compute/v2.1/flavors/1', { microversion })).body.flavor;
    expect(await at('2.1')).toMatchObject({ swap: '' });
    expect(await at('2.1')).not.toHaveProperty('description');
    expect(await at('2.55')).toMatchObject({ description: null });
    expect(await at('2.55')).not.toHaveProperty('extra_specs');
    expect(await at('2.61')).toMatchObject({ extra_specs: {}, swap: '' });
    expect(await at('2.75')).toMatchObject({ swap: 0 });
  });

  it('creates a flavor (200) and refuses a duplicate name or id with 409', async () => {
    const created = await create({ name: 'standard', ram: 4096, vcpus: 2, disk: 40, id: 'std' });
    expect(created.status).toBe(200);
    expect(created.body.flavor).toMatchObject({
      id: 'std',
      name: 'standard',
      ram: 4096,
      vcpus: 2,
      disk: 40,
      'os-flavor-access:is_public': true,
    });

    const sameName = await create({ name: 'standard', ram: 1, vcpus: 1, disk: 1 });
    expect(sameName.status).toBe(409);
    expect(sameName.body).toEqual({ conflictingRequest: { code: 409, message: 'Flavor with name standard already exists.' } });
    const sameId = await create({ name: 'other', ram: 1, vcpus: 1, disk: 1, id: 'std' });
    expect(sameId.body).toEqual({ conflictingRequest: { code: 409, message: 'Flavor with ID std already exists.' } });
  });

  it('gives a created flavor a UUID when no id is given, and validates the body', async () => {
    const created = await create({ name: 'auto-id', ram: 512, vcpus: 1, disk: 1 });
    expect(created.body.flavor.id).toMatch(/^[0-9a-f-]{36}$/);
    const missing = await create({ name: 'no-ram', vcpus: 1, disk: 1 });
    expect(missing.status).toBe(400);
    expect(missing.body.badRequest.message).toContain("'ram' is a required property");
    const description = await create({ name: 'd', ram: 1, vcpus: 1, disk: 1, description: 'x' }, admin, '2.54');
    expect(description.status).toBe(400);
    expect(description.body.badRequest.message).toContain("Additional properties are not allowed ('description' was unexpected)");
  });

  it('lets only admins create and delete flavors (403 as Nova words it)', async () => {
    const denied = await create({ name: 'mine', ram: 512, vcpus: 1, disk: 1 }, demo);
    expect(denied.status).toBe(403);
    expect(denied.body).toEqual({
      forbidden: { code: 403, message: "Policy doesn't allow os_compute_api:os-flavor-manage:create to be performed." },
    });
    expect((await demo.call('DELETE', '/compute/v2.1/flavors/1')).status).toBe(403);
  });

  it('deletes a flavor (202) and then answers 404', async () => {
    expect((await admin.call('DELETE', '/compute/v2.1/flavors/5')).status).toBe(202);
    const gone = await admin.call('GET', '/compute/v2.1/flavors/5');
    expect(gone.status).toBe(404);
    expect(gone.body).toEqual({ itemNotFound: { code: 404, message: 'Flavor 5 could not be found.' } });
  });

  it('manages extra specs', async () => {
    const path = '/compute/v2.1/flavors/2/os-extra_specs';
    expect((await admin.call('POST', path, { body: { extra_specs: { 'hw:cpu_policy': 'dedicated', 'hw:numa_nodes': 1 } } })).body).toEqual({
      extra_specs: { 'hw:cpu_policy': 'dedicated', 'hw:numa_nodes': '1' },
    });
    expect((await demo.call('GET', path)).body).toEqual({ extra_specs: { 'hw:cpu_policy': 'dedicated', 'hw:numa_nodes': '1' } });
    expect((await admin.call('GET', `${path}/hw:cpu_policy`)).body).toEqual({ 'hw:cpu_policy': 'dedicated' });
    expect((await admin.call('PUT', `${path}/hw:cpu_policy`, { body: { 'hw:cpu_policy': 'shared' } })).status).toBe(200);
    expect((await admin.call('PUT', `${path}/hw:cpu_policy`, { body: { other: 'x' } })).status).toBe(400);
    expect((await admin.call('DELETE', `${path}/hw:numa_nodes`)).status).toBe(202);
    expect((await admin.call('GET', `${path}/hw:numa_nodes`)).status).toBe(404);
    expect((await admin.call('GET', '/compute/v2.1/flavors/2', { microversion: '2.61' })).body.flavor.extra_specs).toEqual({
      'hw:cpu_policy': 'shared',
    });
  });

  describe('is_public', () => {
    beforeEach(async () => {
      expect(
        (await create({ name: 'secret-flavor', ram: 512, vcpus: 1, disk: 1, id: 'p1', 'os-flavor-access:is_public': false })).status,
      ).toBe(200);
    });

    it('hides private flavors by default, shows them to admins with is_public=None or false', async () => {
      expect(names(await admin.call('GET', '/compute/v2.1/flavors'))).not.toContain('secret-flavor');
      expect(names(await admin.call('GET', '/compute/v2.1/flavors?is_public=None'))).toContain('secret-flavor');
      expect(names(await admin.call('GET', '/compute/v2.1/flavors?is_public=none'))).toHaveLength(6);
      expect(names(await admin.call('GET', '/compute/v2.1/flavors?is_public=false'))).toEqual(['secret-flavor']);
      expect((await admin.call('GET', '/compute/v2.1/flavors?is_public=maybe')).body).toEqual({
        badRequest: { code: 400, message: 'Invalid is_public filter [maybe]' },
      });
    });

    it('ignores is_public for non-admins, who see private flavors only once given access', async () => {
      expect(names(await demo.call('GET', '/compute/v2.1/flavors?is_public=None'))).not.toContain('secret-flavor');
      expect((await demo.call('GET', '/compute/v2.1/flavors/p1')).status).toBe(404);
      const access = await admin.call('POST', '/compute/v2.1/flavors/p1/action', { body: { addTenantAccess: { tenant: demo.projectId } } });
      expect(access.body).toEqual({ flavor_access: [{ flavor_id: 'p1', tenant_id: demo.projectId }] });
      expect(names(await demo.call('GET', '/compute/v2.1/flavors'))).toContain('secret-flavor');
    });
  });

  it('filters by minRam/minDisk and pages with limit and marker', async () => {
    expect(names(await admin.call('GET', '/compute/v2.1/flavors?minRam=4096&minDisk=80'))).toEqual(['m1.large', 'm1.xlarge']);
    const first = await admin.call('GET', '/compute/v2.1/flavors?limit=2');
    expect(names(first)).toEqual(['m1.tiny', 'm1.small']);
    expect(first.body.flavors_links).toEqual([{ href: `${sut.url}/compute/v2.1/flavors?limit=2&marker=2`, rel: 'next' }]);
    const last = await admin.call('GET', '/compute/v2.1/flavors?limit=2&marker=4');
    expect(names(last)).toEqual(['m1.xlarge']);
    expect(last.body.flavors_links).toBeUndefined();
    expect((await admin.call('GET', '/compute/v2.1/flavors?marker=nope')).body).toEqual({
      badRequest: { code: 400, message: 'marker [nope] not found' },
    });
  });
});
