import type { RunningSimulator } from '@peak/openstack-sim';
import { OpenStackError } from '../errors';
import { OpenStackClient } from '../openstack-client';
import { simClient, simCloud, startTestSimulator } from '../testing/simulator';
import { ComputeClient } from './compute.client';
import type { CreateServerRequest } from './compute.models';

/** Nova against the simulator over real HTTP. */
describe(ComputeClient.name, () => {
  let sim: RunningSimulator;
  let client: OpenStackClient;
  let imageId: string;

  beforeAll(async () => {
    sim = await startTestSimulator();
  });

  afterAll(() => sim.close());

  beforeEach(async () => {
    await sim.control.reset();
    client = simClient(sim);
    const [image] = await client.image.listImages({ name: 'cirros-0.6.2-x86_64-disk' });
    if (!image) throw new Error('the simulator seed has no cirros image');
    imageId = image.id;
  });

  afterEach(() => client.close());

  const server = (name: string, tags: string[] = ['peak', 'schedule-1']): CreateServerRequest => ({
    name,
    imageId,
    flavorId: '1',
    networks: 'none',
    metadata: { 'peak:schedule': 'schedule-1' },
    tags,
  });
  const computeRequests = async () => sim.control.requests({ service: 'compute' });
  /** A user's token straight from the simulator's Keystone, to make key pairs (which this client only reads). */
  const tokenOf = async (user: 'admin' | 'demo') => {
    const response = await fetch(`${sim.authUrl}/auth/tokens`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        auth: {
          identity: { methods: ['password'], password: { user: { name: user, domain: { id: 'default' }, password: 'secret' } } },
          scope: { project: { name: user, domain: { id: 'default' } } },
        },
      }),
    });
    return response.headers.get('x-subject-token') ?? '';
  };
  const adminToken = () => tokenOf('admin');
  const demoToken = () => tokenOf('demo');

  describe('version discovery and microversions', () => {
    it('discovers the version document once and speaks our preferred microversion with both headers', async () => {
      expect(await client.compute.microversion()).toBe('2.75');
      await client.compute.listFlavors();
      await client.compute.getLimits();
      const log = await computeRequests();
      expect(log.filter((r) => r.path.startsWith('/compute/v2.1/') && r.path !== '/compute/v2.1/')).not.toHaveLength(0);
      expect(log.filter((r) => r.path === '/compute/v2.1/' || r.path === '/compute/')).toHaveLength(1);
      // The simulator records the microversion it served each call at, from the headers we sent.
      expect(log.filter((r) => r.path !== '/compute/v2.1/').map((r) => r.microversion)).toEqual(['2.75', '2.75']);
    });

    it('speaks a microversion pinned by OS_COMPUTE_API_VERSION', async () => {
      const pinned = OpenStackClient.create(simCloud(sim, 'admin', { OS_COMPUTE_API_VERSION: '2.60' }));
      try {
        await pinned.compute.listFlavors();
        const [call] = (await computeRequests()).filter((r) => r.path === '/compute/v2.1/flavors/detail');
        expect(call?.microversion).toBe('2.60');
      } finally {
        await pinned.close();
      }
    });

    it('refuses a pinned microversion below the 2.52 it needs, with a clear error', async () => {
      const old = OpenStackClient.create(simCloud(sim, 'admin', { OS_COMPUTE_API_VERSION: '2.37' }));
      try {
        await expect(old.compute.listFlavors()).rejects.toMatchObject({
          fault: 'MicroversionUnsupported',
          message: expect.stringContaining('2.37 is below the 2.52'),
        });
      } finally {
        await old.close();
      }
    });
  });

  describe('flavors', () => {
    it('lists every flavor across pages (flavors_links)', async () => {
      const sut = await client.compute.listFlavors({ pageSize: 2 });
      expect(sut.map((f) => f.name)).toEqual(['m1.tiny', 'm1.small', 'm1.medium', 'm1.large', 'm1.xlarge']);
      expect(sut[1]).toMatchObject({ id: '2', vcpus: 1, ramMiB: 2048, diskGiB: 20, isPublic: true, swapMiB: 0 });
      const pages = (await computeRequests()).filter((r) => r.path === '/compute/v2.1/flavors/detail');
      expect(pages.length).toBeGreaterThanOrEqual(3);
      expect(pages[1]?.query).toMatch(/marker=2/);
    });

    it('gets one flavor and finds one by exact name', async () => {
      await expect(client.compute.getFlavor('3')).resolves.toMatchObject({ name: 'm1.medium', vcpus: 2 });
      await expect(client.compute.findFlavorByName('m1.large')).resolves.toMatchObject({ id: '4' });
      await expect(client.compute.findFlavorByName('m1')).resolves.toBeUndefined();
      await expect(client.compute.getFlavor('nope')).rejects.toMatchObject({ status: 404, fault: 'itemNotFound', isNotFound: true });
    });

    it('creates a flavor, and surfaces a second one with the same name as a conflict', async () => {
      const created = await client.compute.createFlavor({
        name: 'peak.small',
        vcpus: 2,
        ramMiB: 1024,
        diskGiB: 10,
        description: 'peak VMs',
      });
      expect(created).toMatchObject({ name: 'peak.small', vcpus: 2, ramMiB: 1024, diskGiB: 10, description: 'peak VMs', isPublic: true });
      await expect(client.compute.findFlavorByName('peak.small')).resolves.toMatchObject({ id: created.id });
      const error: unknown = await client.compute
        .createFlavor({ name: 'peak.small', vcpus: 1, ramMiB: 512, diskGiB: 1 })
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ status: 409, fault: 'conflictingRequest', isConflict: true, service: 'compute' });
    });

    it('is refused flavor creation as a non-admin with a 403 that is not a quota error', async () => {
      const demo = simClient(sim, 'demo');
      try {
        const error = await demo.compute.createFlavor({ name: 'x', vcpus: 1, ramMiB: 512, diskGiB: 1 }).catch((e: unknown) => e);
        expect(error).toMatchObject({ status: 403, isForbidden: true, isQuotaExceeded: false });
      } finally {
        await demo.close();
      }
    });
  });

  describe('servers', () => {
    it('creates a server with tags and metadata, waits for ACTIVE, finds it by tags, deletes it and waits until gone', async () => {
      const created = await client.compute.createServer(server('peak-1'));
      expect(created).toEqual({ id: expect.any(String) });

      const active = await client.compute.waitForServerStatus(created.id, 'ACTIVE', { pollIntervalMs: 20, timeoutMs: 5000 });
      expect(active).toMatchObject({
        id: created.id,
        name: 'peak-1',
        status: 'ACTIVE',
        tags: expect.arrayContaining(['peak', 'schedule-1']),
        metadata: { 'peak:schedule': 'schedule-1' },
        imageId,
        flavorName: 'm1.tiny',
      });
      expect(active.created).toBeInstanceOf(Date);

      await expect(client.compute.listServers({ tags: ['peak', 'schedule-1'] })).resolves.toEqual([
        expect.objectContaining({ id: created.id }),
      ]);
      await expect(client.compute.listServers({ tags: ['peak', 'schedule-2'] })).resolves.toEqual([]);
      await expect(client.compute.listServers({ tagsAny: ['schedule-2', 'schedule-1'] })).resolves.toHaveLength(1);

      await expect(client.compute.deleteServer(created.id)).resolves.toBe(true);
      await client.compute.waitForServerDeleted(created.id, { pollIntervalMs: 20, timeoutMs: 5000 });
      await expect(client.compute.getServer(created.id)).rejects.toMatchObject({ status: 404, isNotFound: true });
      await expect(client.compute.deleteServer(created.id, { ignoreNotFound: true })).resolves.toBe(false);
      await expect(client.compute.deleteServer(created.id)).rejects.toMatchObject({ status: 404 });
    });

    it('sends the tags in the create body at microversion 2.52 or later', async () => {
      await client.compute.createServer(server('peak-tags', ['peak', 'run-7']));
      const [post] = (await computeRequests()).filter((r) => r.method === 'POST' && r.path === '/compute/v2.1/servers');
      expect(Number(post?.microversion?.split('.')[1])).toBeGreaterThanOrEqual(52);
      await expect(sim.control.servers({ tag: 'run-7' })).resolves.toHaveLength(1);
    });

    it('lists servers filtered by tags across pages (servers_links)', async () => {
      for (let i = 0; i < 5; i++) await client.compute.createServer(server(`peak-${i}`, ['peak', 'page-test']));
      await client.compute.createServer(server('other', ['other']));
      const sut = await client.compute.listServers({ tags: ['page-test'], pageSize: 2 });
      expect(sut.map((s) => s.name).sort()).toEqual(['peak-0', 'peak-1', 'peak-2', 'peak-3', 'peak-4']);
      const pages = (await computeRequests()).filter((r) => r.method === 'GET' && r.path === '/compute/v2.1/servers/detail');
      expect(pages.length).toBeGreaterThanOrEqual(3);
      expect(pages.every((p) => p.query.includes('tags=page-test'))).toBe(true);
    });

    it('fails a wait with the server fault when the server goes to ERROR', async () => {
      await sim.control.configure({ serverErrorRate: 1 });
      const { id } = await client.compute.createServer(server('doomed'));
      const error: unknown = await client.compute
        .waitForServerStatus(id, 'ACTIVE', { pollIntervalMs: 20, timeoutMs: 5000 })
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ fault: 'ServerFault', message: expect.stringContaining('No valid host was found') });
      await expect(client.compute.getServer(id)).resolves.toMatchObject({
        status: 'ERROR',
        fault: { message: expect.stringContaining('No valid host') },
      });
    });

    it('fails a wait at its deadline', async () => {
      await sim.control.configure({ buildDelayMs: 60_000 });
      const { id } = await client.compute.createServer(server('slow'));
      const started = Date.now();
      const error: unknown = await client.compute
        .waitForServerStatus(id, 'ACTIVE', { pollIntervalMs: 50, deadline: new Date(Date.now() + 300) })
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ fault: 'WaitTimeout', message: expect.stringContaining('still BUILD') });
      expect(Date.now() - started).toBeLessThan(2000);
    });

    it('reports an exhausted quota on create as a quota error, and limits show the usage', async () => {
      await sim.control.setQuotas({ instances: 2 }, 'admin');
      await client.compute.createServer(server('q1'));
      await client.compute.createServer(server('q2'));
      const error: unknown = await client.compute.createServer(server('q3')).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OpenStackError);
      expect(error).toMatchObject({
        service: 'compute',
        status: 403,
        isQuotaExceeded: true,
        message: expect.stringMatching(/Quota exceeded for instances/),
      });

      const limits = await client.compute.getLimits();
      expect(limits.instances).toEqual({ limit: 2, used: 2, remaining: 0 });
      expect(limits.cores.used).toBe(2);
      expect(limits.ramMiB.used).toBe(1024);
    });
  });

  describe('launch options', () => {
    it('sends key pair, security groups, user data, config drive and the group hint, and reads them back', async () => {
      const demo = simClient(sim, 'demo');
      try {
        const publicKey = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBnXDmTDo4BbB0Swv4ddC1jn+6j9YXhB0X6l1xhDRlVk peak';
        await sim.control.configure({ buildDelayMs: 0 });
        const keyResponse = await fetch(`${sim.url}/compute/v2.1/os-keypairs`, {
          method: 'POST',
          headers: {
            'Content-Type': 'application/json',
            'X-Auth-Token': await demoToken(),
            'OpenStack-API-Version': 'compute 2.92',
          },
          body: JSON.stringify({ keypair: { name: 'peak-key', public_key: publicKey } }),
        });
        expect(keyResponse.status).toBe(201);
        const group = await demo.compute.createServerGroup({ name: 'peak-spread', policy: 'soft-anti-affinity' });
        const { id } = await demo.compute.createServer({
          ...server('launch'),
          networks: [{ networkId: (await demo.network.listNetworks({ name: 'private' }))[0]?.id ?? '' }],
          keyName: 'peak-key',
          securityGroups: ['default'],
          userData: '#cloud-config\n',
          configDrive: true,
          schedulerHints: { group: group.id },
        });
        const sut = await demo.compute.waitForServerStatus(id, 'ACTIVE', { pollIntervalMs: 20, timeoutMs: 5000 });
        expect(sut).toMatchObject({
          keyName: 'peak-key',
          securityGroups: ['default'],
          configDrive: true,
          availabilityZone: 'nova',
          volumeIds: [],
          metadata: { 'peak:schedule': 'schedule-1' },
        });
        await expect(demo.compute.getServerGroup(group.id)).resolves.toMatchObject({ members: [id] });
      } finally {
        await demo.close();
      }
    });

    it('surfaces Nova’s 400 for an unknown key pair and security group', async () => {
      await expect(client.compute.createServer({ ...server('nokey'), keyName: 'missing' })).rejects.toMatchObject({
        status: 400,
        message: 'Invalid key_name provided.',
      });
      await expect(client.compute.createServer({ ...server('nosg'), securityGroups: ['web'] })).rejects.toMatchObject({
        status: 400,
        message: "Unable to find security_group with name or id 'web'",
      });
    });

    it('sends a hostname at 2.90 for that call only, and leaves it out when a lower microversion is pinned', async () => {
      const { id } = await client.compute.createServer({ ...server('named'), hostname: 'peak-host-1' });
      const posts = (await computeRequests()).filter((r) => r.method === 'POST' && r.path === '/compute/v2.1/servers');
      expect(posts.map((r) => r.microversion)).toEqual(['2.90']);
      await expect(client.compute.getServer(id)).resolves.toMatchObject({ hostname: 'peak-host-1' });
      expect(await client.compute.microversion()).toBe('2.75');

      const pinned = OpenStackClient.create(simCloud(sim, 'admin', { OS_COMPUTE_API_VERSION: '2.80' }));
      try {
        const made = await pinned.compute.createServer({ ...server('unnamed'), hostname: 'ignored' });
        await expect(pinned.compute.getServer(made.id)).resolves.toMatchObject({ hostname: 'unnamed' });
      } finally {
        await pinned.close();
      }
    });

    it('refuses a boot volume type below 2.67 before calling Nova', async () => {
      const old = OpenStackClient.create(simCloud(sim, 'admin', { OS_COMPUTE_API_VERSION: '2.60' }));
      try {
        const request = { ...server('bfv'), bootVolume: { sizeGiB: 1, volumeType: 'lvm', deleteOnTermination: true } };
        await expect(old.compute.createServer(request)).rejects.toMatchObject({ fault: 'MicroversionUnsupported' });
        expect((await computeRequests()).filter((r) => r.method === 'POST')).toEqual([]);
      } finally {
        await old.close();
      }
    });
  });

  describe('key pairs, availability zones and server groups', () => {
    it('lists and gets the user’s key pairs, and reports an unknown one as 404', async () => {
      await expect(client.compute.listKeypairs()).resolves.toEqual([]);
      const made = await fetch(`${sim.url}/compute/v2.1/os-keypairs`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Auth-Token': await adminToken(), 'OpenStack-API-Version': 'compute 2.2' },
        body: JSON.stringify({ keypair: { name: 'generated' } }),
      });
      expect(made.status).toBe(201);
      const [listed, ...more] = await client.compute.listKeypairs();
      expect(more).toEqual([]);
      expect(listed).toMatchObject({ name: 'generated', type: 'ssh', publicKey: expect.stringMatching(/^ssh-rsa /) });
      await expect(client.compute.getKeypair('generated')).resolves.toMatchObject({
        name: 'generated',
        fingerprint: listed?.fingerprint,
        userId: expect.any(String),
        createdAt: expect.any(Date),
      });
      await expect(client.compute.getKeypair('nope')).rejects.toMatchObject({ status: 404, isNotFound: true });
    });

    it('lists the available zones to a non-admin', async () => {
      const demo = simClient(sim, 'demo');
      try {
        await expect(demo.compute.listAvailabilityZones()).resolves.toEqual(['nova']);
      } finally {
        await demo.close();
      }
    });

    it('creates, lists, gets and deletes server groups in the 2.64 form', async () => {
      const created = await client.compute.createServerGroup({ name: 'peak-ha', policy: 'anti-affinity', rules: { maxServerPerHost: 2 } });
      expect(created).toEqual({
        id: expect.any(String),
        name: 'peak-ha',
        policy: 'anti-affinity',
        maxServerPerHost: 2,
        members: [],
        projectId: expect.any(String),
        userId: expect.any(String),
      });
      const [post] = (await computeRequests()).filter((r) => r.method === 'POST');
      expect(post?.status).toBe(200);
      await expect(client.compute.listServerGroups()).resolves.toEqual([created]);
      await expect(client.compute.getServerGroup(created.id)).resolves.toEqual(created);
      await expect(
        client.compute.createServerGroup({ name: 'x', policy: 'affinity', rules: { maxServerPerHost: 2 } }),
      ).rejects.toMatchObject({
        status: 400,
        message: 'Only anti-affinity policy supports rules.',
      });
      await expect(client.compute.deleteServerGroup(created.id)).resolves.toBe(true);
      await expect(client.compute.deleteServerGroup(created.id, { ignoreNotFound: true })).resolves.toBe(false);
      await expect(client.compute.getServerGroup(created.id)).rejects.toMatchObject({ status: 404, isNotFound: true });
    });

    it('sees a second member of a hard anti-affinity group fail with Nova’s fault', async () => {
      const group = await client.compute.createServerGroup({ name: 'strict', policy: 'anti-affinity' });
      const first = await client.compute.createServer({ ...server('one'), schedulerHints: { group: group.id } });
      const second = await client.compute.createServer({ ...server('two'), schedulerHints: { group: group.id } });
      await client.compute.waitForServerStatus(first.id, 'ACTIVE', { pollIntervalMs: 20, timeoutMs: 5000 });
      await expect(client.compute.waitForServerStatus(second.id, 'ACTIVE', { pollIntervalMs: 20, timeoutMs: 5000 })).rejects.toMatchObject({
        fault: 'ServerFault',
        message: expect.stringContaining('No valid host was found'),
      });
    });
  });

  describe('resilience', () => {
    it('retries an idempotent call on 503 and succeeds', async () => {
      await client.compute.listFlavors();
      await sim.control.failNext(2, { service: 'compute', method: 'GET', path: '/compute/v2.1/flavors/detail', status: 503 });
      await expect(client.compute.listFlavors()).resolves.toHaveLength(5);
      const calls = (await computeRequests()).filter((r) => r.path === '/compute/v2.1/flavors/detail').map((r) => r.status);
      expect(calls).toEqual([200, 503, 503, 200]);
    });

    it('never retries POST /servers: one 503 is one attempt, reported to the caller', async () => {
      await client.compute.microversion();
      await sim.control.failNext(1, { service: 'compute', method: 'POST', path: '/compute/v2.1/servers', status: 503 });
      const error: unknown = await client.compute.createServer(server('once')).catch((e: unknown) => e);
      expect(error).toMatchObject({ status: 503, isUnavailable: true });
      const posts = (await computeRequests()).filter((r) => r.method === 'POST' && r.path === '/compute/v2.1/servers');
      expect(posts).toHaveLength(1);
      await expect(sim.control.servers({ name: 'once' })).resolves.toHaveLength(0);
    });

    it('never retries POST /servers when the connection drops: the server may exist, found again by its tags', async () => {
      await client.compute.microversion();
      await sim.control.failNext(1, { service: 'compute', method: 'POST', path: '/compute/v2.1/servers', mode: 'drop' });
      const error: unknown = await client.compute.createServer(server('lost-answer', ['peak', 'reconcile-me'])).catch((e: unknown) => e);
      expect(error).toMatchObject({ status: 0, fault: 'ConnectionError' });
      expect((await computeRequests()).filter((r) => r.method === 'POST')).toHaveLength(1);
      // Reconciling is the caller's job; the listing it needs works.
      const found = await client.compute.listServers({ tags: ['reconcile-me'] });
      expect(found.length).toBeLessThanOrEqual(1);
    });

    it('retries a GET whose connection is dropped', async () => {
      await client.compute.microversion();
      await sim.control.failNext(1, { service: 'compute', method: 'GET', path: '/compute/v2.1/limits', mode: 'drop' });
      await expect(client.compute.getLimits()).resolves.toMatchObject({ instances: { limit: 10 } });
    });

    it('times out a slow call', async () => {
      const impatient = simClient(sim, 'admin', { timeoutMs: 200 });
      try {
        await impatient.compute.microversion();
        await sim.control.setLatency([{ service: 'compute', path: '/compute/v2.1/limits', delayMs: 1000 }]);
        const started = Date.now();
        const error: unknown = await impatient.compute.getLimits().catch((e: unknown) => e);
        expect(error).toMatchObject({ service: 'compute', status: 0, fault: 'Timeout', isUnavailable: true });
        expect(Date.now() - started).toBeLessThan(900);
        // A per-call timeout overrides the client's.
        await expect(impatient.compute.getLimits({ timeoutMs: 3000 })).resolves.toMatchObject({ cores: { limit: 20 } });
      } finally {
        await impatient.close();
      }
    });

    it('reports an outage once the retries are used up', async () => {
      await client.compute.microversion();
      await sim.control.outage(2000, { service: 'compute', path: '/compute/v2.1/servers/detail', status: 503 });
      await expect(client.compute.listServers()).rejects.toMatchObject({ status: 503, isUnavailable: true, isRetryable: true });
      const calls = (await computeRequests()).filter((r) => r.path === '/compute/v2.1/servers/detail');
      expect(calls).toHaveLength(4);
    });
  });
});
