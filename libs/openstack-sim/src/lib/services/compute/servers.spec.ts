import { type Json, type Session, login } from '../../../testing/http';
import { stableUuid } from '../../seed';
import { type RunningSimulator, startSimulator } from '../../simulator';
import { registerServerRoutes } from './servers';

const CIRROS = stableUuid('image', 'cirros-0.6.2-x86_64-disk');
const UBUNTU = stableUuid('image', 'ubuntu-24.04');
const PRIVATE = stableUuid('network', 'private');
const PUBLIC = stableUuid('network', 'public');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe(registerServerRoutes.name, () => {
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

  function create(server: Record<string, unknown>, session = demo, microversion = '2.52') {
    return session.call('POST', '/compute/v2.1/servers', {
      microversion,
      body: { server: { name: 'vm', imageRef: CIRROS, flavorRef: '1', networks: [{ uuid: PRIVATE }], ...server } },
    });
  }

  async function createId(server: Record<string, unknown> = {}, session = demo): Promise<string> {
    const response = await create(server, session);
    expect(response.status).toBe(202);
    return response.body.server.id;
  }

  const get = (id: string, microversion?: string, session = demo) => session.call('GET', `/compute/v2.1/servers/${id}`, { microversion });

  describe('create', () => {
    it('answers 202 with the id, links, adminPass and a Location', async () => {
      const response = await create({});
      expect(response.status).toBe(202);
      const { server } = response.body;
      expect(server).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        links: [
          { href: `${sut.url}/compute/v2.1/servers/${server.id}`, rel: 'self' },
          { href: `${sut.url}/compute/servers/${server.id}`, rel: 'bookmark' },
        ],
        'OS-DCF:diskConfig': 'MANUAL',
        security_groups: [{ name: 'default' }],
        adminPass: expect.stringMatching(/^\S{12}$/),
      });
      expect(response.headers.get('location')).toBe(`${sut.url}/compute/v2.1/servers/${server.id}`);
    });

    it('stays BUILD for the build delay, then turns ACTIVE with an address', async () => {
      await sut.control.configure({ buildDelayMs: 400 });
      const id = await createId();
      const building = (await get(id)).body.server;
      expect(building).toMatchObject({
        status: 'BUILD',
        'OS-EXT-STS:vm_state': 'building',
        'OS-EXT-STS:task_state': 'spawning',
        addresses: {},
        hostId: '',
      });
      await sleep(450);
      const active = (await get(id)).body.server;
      expect(active).toMatchObject({
        status: 'ACTIVE',
        'OS-EXT-STS:vm_state': 'active',
        'OS-EXT-STS:task_state': null,
        'OS-EXT-STS:power_state': 1,
      });
      expect(active.addresses.private).toEqual([
        {
          version: 4,
          addr: expect.stringMatching(/^10\.0\.0\.\d+$/),
          'OS-EXT-IPS:type': 'fixed',
          'OS-EXT-IPS-MAC:mac_addr': expect.stringMatching(/^fa:16:3e(:[0-9a-f]{2}){3}$/),
        },
      ]);
    });

    it('ends in ERROR with a fault at the configured rate', async () => {
      await sut.control.configure({ serverErrorRate: 1, serverFaultMessage: 'No valid host was found. ' });
      const id = await createId();
      const server = (await get(id)).body.server;
      expect(server).toMatchObject({ status: 'ERROR', 'OS-EXT-STS:vm_state': 'error', addresses: {} });
      expect(server.fault).toEqual({ code: 500, created: expect.stringMatching(/Z$/), message: 'No valid host was found. ' });
      expect(server).not.toHaveProperty('progress');
      // Admins also see the details of a 500 fault.
      expect((await get(id, undefined, admin)).body.server.fault.details).toContain('No valid host was found.');
    });

    it('keeps tags and metadata given at create time (2.52)', async () => {
      const id = await createId({ tags: ['peak', 'run-1'], metadata: { owner: 'peak-scheduler' } });
      const server = (await get(id, '2.52')).body.server;
      expect(server.tags).toEqual(['peak', 'run-1']);
      expect(server.metadata).toEqual({ owner: 'peak-scheduler' });
      const tooEarly = await create({ tags: ['x'] }, demo, '2.51');
      expect(tooEarly.status).toBe(400);
    });

    it('needs networks from 2.37, accepting none and auto', async () => {
      const missing = await demo.call('POST', '/compute/v2.1/servers', {
        microversion: '2.37',
        body: { server: { name: 'vm', imageRef: CIRROS, flavorRef: '1' } },
      });
      expect(missing.status).toBe(400);
      expect(missing.body.badRequest.message).toContain("'networks' is a required property");
      expect((await get(await createId({ networks: 'none' }))).body.server.addresses).toEqual({});
      // demo sees its own private network and the shared public one: `auto` is ambiguous, as in Nova.
      const ambiguous = await create({ networks: 'auto' });
      expect(ambiguous.status).toBe(409);
      expect(ambiguous.body.conflictingRequest.message).toBe('Multiple possible networks found, use a Network ID to be more specific.');
      // admin's project owns no network: only the shared one is available.
      const adminServer = await createId({ networks: 'auto' }, admin);
      expect(Object.keys((await get(adminServer, undefined, admin)).body.server.addresses)).toEqual(['public']);
    });

    it('refuses unknown flavors, images and networks with 400', async () => {
      expect((await create({ flavorRef: '99' })).body).toEqual({ badRequest: { code: 400, message: 'Flavor 99 could not be found.' } });
      expect((await create({ imageRef: 'nope' })).body).toEqual({ badRequest: { code: 400, message: 'Image nope could not be found.' } });
      expect((await create({ networks: [{ uuid: 'nope' }] })).body).toEqual({
        badRequest: { code: 400, message: 'Network nope could not be found.' },
      });
      expect((await create({ flavorRef: `${sut.url}/compute/flavors/2` })).status).toBe(202);
    });

    it('refuses a flavor too small for the image', async () => {
      const response = await create({ imageRef: UBUNTU, flavorRef: '1' });
      expect(response.status).toBe(400);
      expect(response.body.badRequest.message).toMatch(/^Flavor's disk is too small for requested image\./);
      expect((await create({ imageRef: UBUNTU, flavorRef: '2' })).status).toBe(202);
    });

    it('refuses a create over quota with Nova’s 403', async () => {
      await sut.control.setQuotas({ instances: 2 }, 'demo');
      await createId();
      await createId();
      const over = await create({});
      expect(over.status).toBe(403);
      expect(over.body).toEqual({
        forbidden: { code: 403, message: 'Quota exceeded for instances: Requested 1, but already used 2 of 2 instances' },
      });
      const cores = await create({ flavorRef: '5' });
      expect(cores.status).toBe(403);
    });

    it('words a cores and RAM overrun like Nova', async () => {
      const over = await create({ flavorRef: '5', min_count: 4, max_count: 4 });
      expect(over.body.forbidden.message).toBe(
        'Quota exceeded for cores, ram: Requested 32, 65536, but already used 0, 0 of 20, 51200 cores, ram',
      );
    });

    it('creates several with min_count/max_count, as many as the quota allows', async () => {
      await sut.control.setQuotas({ instances: 3 }, 'demo');
      const response = await create({ name: 'batch', min_count: 2, max_count: 5 });
      expect(response.status).toBe(202);
      const servers = await sut.control.servers({ project: 'demo' });
      expect(servers.map((s) => s.name)).toEqual(['batch-1', 'batch-2', 'batch-3']);
    });

    it('lets a reader look but not create', async () => {
      const viewer = await login(sut.url, 'viewer', 'admin');
      expect((await viewer.call('GET', '/compute/v2.1/servers')).status).toBe(200);
      const denied = await create({ networks: [{ uuid: PUBLIC }] }, viewer);
      expect(denied.body).toEqual({
        forbidden: { code: 403, message: "Policy doesn't allow os_compute_api:servers:create to be performed." },
      });
    });

    it('accepts only the user’s keypairs as key_name', async () => {
      expect((await create({ key_name: 'mykey' })).body).toEqual({ badRequest: { code: 400, message: 'Invalid key_name provided.' } });
      const made = await demo.call('POST', '/compute/v2.1/os-keypairs', { microversion: '2.2', body: { keypair: { name: 'mykey' } } });
      expect(made.status).toBe(201);
      expect(made.body.keypair).toMatchObject({
        name: 'mykey',
        type: 'ssh',
        public_key: expect.stringMatching(/^ssh-rsa AAAAB3NzaC1yc2E/),
      });
      expect(made.body.keypair.private_key).toMatch(/^-----BEGIN RSA PRIVATE KEY-----/);
      expect(made.body.keypair.fingerprint).toMatch(/^([0-9a-f]{2}:){15}[0-9a-f]{2}$/);
      expect((await get(await createId({ key_name: 'mykey' }))).body.server.key_name).toBe('mykey');
    });
    it('checks user_data as Nova’s schema does: base64, at most 65535 characters', async () => {
      const bad = await create({ user_data: 'not base64!' });
      expect(bad.status).toBe(400);
      expect(bad.body.badRequest.message).toBe(
        "Invalid input for field/attribute user_data. Value: 'not base64!'. 'not base64!' is not a 'base64'",
      );
      expect((await create({ user_data: 'A'.repeat(65536) })).body.badRequest.message).toMatch(/is too long$/);
      const id = await createId({ user_data: Buffer.from('#cloud-config\n').toString('base64') }, demo);
      expect((await get(id, '2.3', admin)).body.server['OS-EXT-SRV-ATTR:user_data']).toBe('I2Nsb3VkLWNvbmZpZwo=');
    });

    it('shows config_drive as Nova does ("True" or ""), and refuses a value that is no boolean', async () => {
      expect((await get(await createId({ config_drive: true }))).body.server.config_drive).toBe('True');
      expect((await get(await createId())).body.server.config_drive).toBe('');
      expect((await create({ config_drive: 'maybe' })).status).toBe(400);
    });

    it('takes a hostname from 2.90 only', async () => {
      expect((await create({ hostname: 'web-1' }, demo, '2.89')).body.badRequest.message).toMatch(/'hostname' was unexpected/);
      const made = await create({ hostname: 'web-1' }, demo, '2.90');
      expect(made.status).toBe(202);
      expect((await get(made.body.server.id, '2.90')).body.server['OS-EXT-SRV-ATTR:hostname']).toBe('web-1');
      expect((await create({ hostname: '-bad-' }, demo, '2.90')).status).toBe(400);
      expect((await create({ hostname: 'web.example.org' }, demo, '2.90')).body.badRequest.message).toMatch(/does not match/);
      expect((await create({ hostname: 'web.example.org' }, demo, '2.94')).status).toBe(202);
    });

    it('accepts the project’s security groups by name or id and shows their names; refuses unknown ones', async () => {
      const [group] = (await demo.call('GET', '/network/v2.0/security-groups?name=default')).body.security_groups;
      const id = await createId({ security_groups: [{ name: group.id }] });
      expect((await get(id)).body.server.security_groups).toEqual([{ name: 'default' }]);
      expect((await create({ security_groups: [{ name: 'web' }] })).body).toEqual({
        badRequest: { code: 400, message: "Unable to find security_group with name or id 'web'" },
      });
    });

    it('checks metadata as Nova’s schema and quota do: key characters, value length, 128 items', async () => {
      expect((await create({ metadata: { 'a/b': 'x' } })).body.badRequest.message).toMatch(/'a\/b' does not match any of the regexes/);
      expect((await create({ metadata: { key: 'v'.repeat(256) } })).status).toBe(400);
      const many = Object.fromEntries(Array.from({ length: 129 }, (_, i) => [`k${i}`, 'v']));
      expect((await create({ metadata: many })).body.forbidden.message).toBe(
        'Quota exceeded for metadata_items: Requested 129, but already used 0 of 128 metadata_items',
      );
      expect((await create({ metadata: { 'peak:schedule': 'a b.c_d-e' } })).status).toBe(202);
    });

    it('refuses top-level keys other than the server and the scheduler hints', async () => {
      const response = await demo.call('POST', '/compute/v2.1/servers', {
        microversion: '2.52',
        body: { server: { name: 'vm', imageRef: CIRROS, flavorRef: '1', networks: 'none' }, extra: 1 },
      });
      expect(response.body.badRequest.message).toMatch(/'extra' was unexpected/);
    });
  });

  describe('views by microversion', () => {
    it('embeds the flavor from 2.47 and adds fields as versions go up', async () => {
      const id = await createId({ description: 'peak vm' });
      const at21 = (await get(id, '2.1')).body.server;
      expect(at21.flavor).toEqual({ id: '1', links: [{ href: `${sut.url}/compute/flavors/1`, rel: 'bookmark' }] });
      for (const key of ['locked', 'description', 'tags', 'trusted_image_certificates', 'locked_reason', 'pinned_availability_zone']) {
        expect(at21).not.toHaveProperty(key);
      }
      const at47 = (await get(id, '2.47')).body.server;
      expect(at47.flavor).toEqual({ vcpus: 1, ram: 512, disk: 1, ephemeral: 0, swap: 0, original_name: 'm1.tiny', extra_specs: {} });
      expect(at47).toMatchObject({ locked: false, description: 'peak vm', tags: [] });
      const at96 = (await get(id, '2.96')).body.server;
      expect(at96).toMatchObject({ trusted_image_certificates: null, locked_reason: null, pinned_availability_zone: null });
    });

    it('shows server_groups from 2.71 in show and update answers, not in lists (as Nova)', async () => {
      const id = await createId();
      expect((await get(id, '2.70')).body.server).not.toHaveProperty('server_groups');
      expect((await get(id, '2.71')).body.server.server_groups).toEqual([]);
      const renamed = await demo.call('PUT', `/compute/v2.1/servers/${id}`, {
        microversion: '2.71',
        body: { server: { name: 'renamed' } },
      });
      expect(renamed.body.server.server_groups).toEqual([]);
      const [listed] = (await demo.call('GET', '/compute/v2.1/servers/detail', { microversion: '2.71' })).body.servers;
      expect(listed).not.toHaveProperty('server_groups');
    });

    it('shows security groups once the build has made the ports, and bare addresses under /ips', async () => {
      await sut.control.configure({ buildDelayMs: 60_000 });
      const building = await createId();
      expect((await get(building)).body.server).not.toHaveProperty('security_groups');
      await sut.control.configure({ buildDelayMs: 0 });
      const id = await createId();
      expect((await get(id)).body.server.security_groups).toEqual([{ name: 'default' }]);
      expect((await get(id)).body.server.addresses.private[0]).toMatchObject({ 'OS-EXT-IPS:type': 'fixed' });
      const ips = await demo.call('GET', `/compute/v2.1/servers/${id}/ips`);
      expect(ips.body).toEqual({ addresses: { private: [{ version: 4, addr: expect.stringMatching(/^10\.0\.0\.\d+$/) }] } });
    });

    it('shows host attributes to admins only', async () => {
      const id = await createId();
      expect((await get(id, '2.3', admin)).body.server).toMatchObject({
        'OS-EXT-SRV-ATTR:host': 'sim-compute',
        'OS-EXT-SRV-ATTR:launch_index': 0,
      });
      expect((await get(id, '2.3')).body.server).not.toHaveProperty('OS-EXT-SRV-ATTR:host');
    });
  });

  describe('list', () => {
    it('lists the project’s servers newest first; admins see all with all_tenants', async () => {
      const first = await createId({ name: 'one' });
      await sleep(5);
      const second = await createId({ name: 'two' });
      await createId({ name: 'admins', networks: [{ uuid: PUBLIC }] }, admin);
      const list = await demo.call('GET', '/compute/v2.1/servers');
      expect(list.body.servers.map((s: Json) => s.id)).toEqual([second, first]);
      expect(Object.keys(list.body.servers[0])).toEqual(['id', 'links', 'name']);
      const all = await admin.call('GET', '/compute/v2.1/servers/detail?all_tenants=1');
      expect(all.body.servers).toHaveLength(3);
      const demoOnly = await admin.call('GET', `/compute/v2.1/servers/detail?all_tenants=True&project_id=${demo.projectId}`);
      expect(demoOnly.body.servers.map((s: Json) => s.name).sort()).toEqual(['one', 'two']);
      expect((await admin.call('GET', '/compute/v2.1/servers')).body.servers.map((s: Json) => s.name)).toEqual(['admins']);
    });

    it('filters names by regular expression and by status', async () => {
      for (const name of ['peak-web-1', 'peak-web-2', 'batch-1']) await createId({ name });
      const names = async (query: string) =>
        (await demo.call('GET', `/compute/v2.1/servers?${query}`)).body.servers.map((s: Json) => s.name).sort();
      expect(await names('name=web')).toEqual(['peak-web-1', 'peak-web-2']);
      expect(await names(`name=${encodeURIComponent('^peak-web-[2-9]$')}`)).toEqual(['peak-web-2']);
      expect(await names('status=ACTIVE')).toHaveLength(3);
      expect(await names('status=BUILD')).toEqual([]);
    });

    it('filters by tags (2.26+): all, any, and their negations; ignores them before 2.26', async () => {
      await createId({ name: 'a', tags: ['peak', 'run-1'] });
      await createId({ name: 'b', tags: ['peak', 'run-2'] });
      await createId({ name: 'c', tags: [] });
      const names = async (query: string, microversion = '2.26') =>
        (await demo.call('GET', `/compute/v2.1/servers/detail?${query}`, { microversion })).body.servers.map((s: Json) => s.name).sort();
      expect(await names('tags=peak,run-1')).toEqual(['a']);
      expect(await names('tags=peak')).toEqual(['a', 'b']);
      expect(await names('tags-any=run-1,run-2')).toEqual(['a', 'b']);
      expect(await names('not-tags=peak,run-2')).toEqual(['a', 'c']);
      expect(await names('not-tags-any=run-1,run-2')).toEqual(['c']);
      expect(await names('tags=peak', '2.25')).toEqual(['a', 'b', 'c']);
    });

    it('pages with limit and marker and a next link', async () => {
      const created: string[] = [];
      for (let i = 0; i < 5; i++) created.push(await createId({ name: `p${i}` }));
      // Newest first; servers made in the same millisecond are ordered by id, as Nova breaks ties.
      const ids: string[] = (await demo.call('GET', '/compute/v2.1/servers/detail')).body.servers.map((s: Json) => s.id);
      expect([...ids].sort()).toEqual([...created].sort());
      const page1 = await demo.call('GET', '/compute/v2.1/servers/detail?limit=2');
      expect(page1.body.servers.map((s: Json) => s.id)).toEqual(ids.slice(0, 2));
      expect(page1.body.servers_links).toEqual([{ href: `${sut.url}/compute/v2.1/servers/detail?limit=2&marker=${ids[1]}`, rel: 'next' }]);
      const page3 = await demo.call('GET', `/compute/v2.1/servers/detail?limit=2&marker=${ids[3]}`);
      expect(page3.body.servers.map((s: Json) => s.id)).toEqual([ids[4]]);
      expect(page3.body.servers_links).toBeUndefined();
      const bad = await demo.call('GET', '/compute/v2.1/servers?marker=nope');
      expect(bad.body).toEqual({ badRequest: { code: 400, message: 'marker [nope] not found' } });
    });
  });

  describe('tags and metadata', () => {
    it('replaces, adds and removes tags; refuses changes during BUILD with 409', async () => {
      const id = await createId();
      const path = `/compute/v2.1/servers/${id}/tags`;
      expect((await demo.call('PUT', path, { microversion: '2.26', body: { tags: ['x', 'y'] } })).body).toEqual({ tags: ['x', 'y'] });
      const added = await demo.call('PUT', `${path}/z`, { microversion: '2.26' });
      expect(added.status).toBe(201);
      // Nova answers this one (and its 204) through webob's default content type.
      expect(added.headers.get('content-type')).toBe('text/html; charset=UTF-8');
      expect(added.headers.get('location')).toBe(`${sut.url}/compute/v2.1/servers/${id}/tags/z`);
      expect((await demo.call('PUT', `${path}/z`, { microversion: '2.26' })).status).toBe(204);
      expect((await demo.call('GET', `${path}/z`, { microversion: '2.26' })).status).toBe(204);
      expect((await demo.call('DELETE', `${path}/x`, { microversion: '2.26' })).status).toBe(204);
      expect((await demo.call('GET', path, { microversion: '2.26' })).body).toEqual({ tags: ['y', 'z'] });
      expect((await demo.call('GET', path)).status).toBe(404);

      await sut.control.configure({ buildDelayMs: 60_000 });
      const building = await createId();
      const refused = await demo.call('PUT', `/compute/v2.1/servers/${building}/tags/t`, { microversion: '2.26' });
      expect(refused.status).toBe(409);
      expect(refused.body.conflictingRequest.message).toBe(`Cannot 'update tag' instance ${building} while it is in vm_state building`);
    });

    it('sets and deletes metadata items', async () => {
      const id = await createId({ metadata: { a: '1' } });
      const path = `/compute/v2.1/servers/${id}/metadata`;
      expect((await demo.call('POST', path, { body: { metadata: { b: '2' } } })).body).toEqual({ metadata: { a: '1', b: '2' } });
      expect((await demo.call('PUT', `${path}/c`, { body: { meta: { c: '3' } } })).body).toEqual({ meta: { c: '3' } });
      expect((await demo.call('GET', `${path}/c`)).body).toEqual({ meta: { c: '3' } });
      expect((await demo.call('DELETE', `${path}/a`)).status).toBe(204);
      expect((await demo.call('PUT', path, { body: { metadata: { only: 'this' } } })).body).toEqual({ metadata: { only: 'this' } });
      expect((await demo.call('GET', `${path}/a`)).body).toEqual({ itemNotFound: { code: 404, message: 'Metadata item was not found' } });
    });
  });

  describe('policy defaults', () => {
    it('refuses a reader’s create under the new defaults, allows it under the legacy ones (Zed as shipped)', async () => {
      const viewer = await login(sut.url, 'viewer', 'admin');
      const refused = await create({ networks: [{ uuid: PUBLIC }] }, viewer);
      expect(refused.status).toBe(403);
      expect(refused.body.forbidden.message).toBe("Policy doesn't allow os_compute_api:servers:create to be performed.");
      await sut.control.configure({ policyDefaults: 'legacy' });
      const id = await createId({ networks: [{ uuid: PUBLIC }] }, viewer);
      expect((await viewer.call('DELETE', `/compute/v2.1/servers/${id}`)).status).toBe(204);
      // Flavors stay admin-only either way.
      const flavor = await viewer.call('POST', '/compute/v2.1/flavors', { body: { flavor: { name: 'x', ram: 512, vcpus: 1, disk: 1 } } });
      expect(flavor.status).toBe(403);
    });
  });

  describe('delete', () => {
    it('answers 204, shows task_state deleting for the delete delay, then 404', async () => {
      await sut.control.configure({ deleteDelayMs: 400 });
      const id = await createId();
      expect((await demo.call('DELETE', `/compute/v2.1/servers/${id}`)).status).toBe(204);
      expect((await get(id)).body.server).toMatchObject({ status: 'ACTIVE', 'OS-EXT-STS:task_state': 'deleting' });
      expect((await demo.call('GET', '/compute/v2.1/limits')).body.limits.absolute.totalInstancesUsed).toBe(1);
      await sleep(450);
      expect((await get(id)).status).toBe(404);
      expect((await demo.call('DELETE', `/compute/v2.1/servers/${id}`)).status).toBe(404);
      expect((await demo.call('GET', '/compute/v2.1/limits')).body.limits.absolute.totalInstancesUsed).toBe(0);
    });

    it('with deletedListedMs, still lists and shows a deleted server as DELETED for that long, then 404', async () => {
      await sut.control.configure({ deleteDelayMs: 0, deletedListedMs: 400 });
      const id = await createId({ tags: ['linger'] });
      expect((await demo.call('DELETE', `/compute/v2.1/servers/${id}`)).status).toBe(204);
      expect((await get(id)).body.server).toMatchObject({
        status: 'DELETED',
        'OS-EXT-STS:vm_state': 'deleted',
        'OS-EXT-STS:task_state': null,
      });
      const listed = await demo.call('GET', '/compute/v2.1/servers/detail?tags=linger', { microversion: '2.52' });
      expect(listed.body.servers.map((s: Json) => [s['id'], s['status']])).toEqual([[id, 'DELETED']]);
      // Its actions are gone already, and it no longer counts against the quota.
      expect((await demo.call('DELETE', `/compute/v2.1/servers/${id}`)).status).toBe(404);
      expect((await demo.call('PUT', `/compute/v2.1/servers/${id}/tags/x`, { microversion: '2.52' })).status).toBe(404);
      expect((await demo.call('GET', '/compute/v2.1/limits')).body.limits.absolute.totalInstancesUsed).toBe(0);
      await sleep(450);
      expect((await get(id)).status).toBe(404);
      expect((await demo.call('GET', '/compute/v2.1/servers/detail?tags=linger', { microversion: '2.52' })).body.servers).toEqual([]);
    });

    it('does not show another project’s server', async () => {
      const id = await createId({ networks: [{ uuid: PUBLIC }] }, admin);
      expect((await get(id)).body).toEqual({ itemNotFound: { code: 404, message: `Instance ${id} could not be found.` } });
      expect((await demo.call('DELETE', `/compute/v2.1/servers/${id}`)).status).toBe(404);
    });
  });
});
