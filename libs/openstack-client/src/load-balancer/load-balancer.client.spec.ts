import type { RunningSimulator } from '@peak/openstack-sim';
import { LoadBalancerImmutableError, OpenStackError, isConflict, isLoadBalancerImmutable } from '../errors';
import type { OpenStackClient } from '../openstack-client';
import { simClient, startTestSimulator } from '../testing/simulator';
import { LoadBalancerClient } from './load-balancer.client';
import type { Member } from './load-balancer.models';

/** Octavia v2 against the simulator over real HTTP (its catalog URL is unversioned, as devstack registers it). */
describe(LoadBalancerClient.name, () => {
  let sim: RunningSimulator;
  let admin: OpenStackClient;
  let demo: OpenStackClient;
  let lbId: string;
  let poolId: string;

  beforeAll(async () => {
    sim = await startTestSimulator({ buildDelayMs: 0, deleteDelayMs: 0 });
  });

  afterAll(() => sim.close());

  beforeEach(async () => {
    await sim.control.reset();
    await sim.control.configure({ loadBalancerUpdateDelayMs: 120, memberOnlineDelayMs: 60 });
    admin = simClient(sim);
    demo = simClient(sim, 'demo');
    const [lb] = await demo.loadBalancer.listLoadBalancers();
    const [pool] = lb ? await demo.loadBalancer.listPools({ loadBalancerId: lb.id }) : [];
    if (!lb || !pool) throw new Error('the simulator seed has no load balancer with a pool');
    lbId = lb.id;
    poolId = pool.id;
  });

  afterEach(async () => {
    await admin.close();
    await demo.close();
  });

  /** Polls `read` until `done` holds (or fails after 5 s with what it last saw). */
  async function until<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
    const deadline = Date.now() + 5_000;
    let value = await read();
    while (!done(value)) {
      if (Date.now() > deadline) throw new Error(`not reached in 5 s: ${JSON.stringify(value)}`);
      await new Promise((resolve) => setTimeout(resolve, 15));
      value = await read();
    }
    return value;
  }

  const settled = () =>
    until(
      () => demo.loadBalancer.getLoadBalancer(lbId),
      (lb) => lb.provisioningStatus === 'ACTIVE',
    );
  const memberNow = (id: string) => demo.loadBalancer.getMember(poolId, id);

  async function serverAddress(): Promise<{ id: string; address: string }> {
    const [network] = await demo.network.listNetworks({ name: 'private' });
    const [image] = await demo.image.listImages({ name: 'cirros-0.6.2-x86_64-disk' });
    const { id } = await demo.compute.createServer({
      name: 'web',
      imageId: image?.id ?? '',
      flavorId: '1',
      networks: [{ networkId: network?.id ?? '' }],
    });
    const server = await demo.compute.waitForServerStatus(id, 'ACTIVE', { pollIntervalMs: 20, timeoutMs: 5000 });
    return { id, address: server.addresses['private']?.[0]?.addr ?? '' };
  }

  it("reads the project's load balancer, its pool, health monitor and status tree", async () => {
    await expect(demo.loadBalancer.available()).resolves.toBe(true);
    const lb = await demo.loadBalancer.getLoadBalancer(lbId);
    expect(lb).toMatchObject({
      name: 'web-lb',
      vipAddress: '10.0.0.3',
      provider: 'amphora',
      provisioningStatus: 'ACTIVE',
      operatingStatus: 'ONLINE',
      poolIds: [poolId],
      listenerIds: [],
    });
    const [privateNet] = await demo.network.listNetworks({ name: 'private' });
    expect(lb.vipSubnetId).toBe(privateNet?.subnets[0]);
    const pool = await demo.loadBalancer.getPool(poolId);
    expect(pool).toMatchObject({ name: 'web-pool', protocol: 'HTTP', lbAlgorithm: 'ROUND_ROBIN', loadBalancerIds: [lbId], memberIds: [] });
    const monitor = await demo.loadBalancer.getHealthMonitor(pool.healthMonitorId ?? '');
    expect(monitor).toMatchObject({ type: 'HTTP', poolIds: [poolId], delaySeconds: 5, timeoutSeconds: 3, urlPath: '/' });
    await expect(demo.loadBalancer.listHealthMonitors()).resolves.toEqual([monitor]);
    await expect(demo.loadBalancer.getLoadBalancerStatus(lbId)).resolves.toEqual({
      id: lbId,
      name: 'web-lb',
      provisioningStatus: 'ACTIVE',
      operatingStatus: 'ONLINE',
      listeners: [],
      pools: [
        {
          id: poolId,
          name: 'web-pool',
          provisioningStatus: 'ACTIVE',
          operatingStatus: 'ONLINE',
          healthMonitor: { id: monitor.id, name: monitor.name, type: 'HTTP', provisioningStatus: 'ACTIVE' },
          members: [],
        },
      ],
    });
  });

  it('scopes by project: an admin sees every project’s, narrowed by projectId; another project sees none', async () => {
    const demoProject = (await demo.identity.serviceToken()).project?.id ?? '';
    await expect(admin.loadBalancer.listLoadBalancers()).resolves.toEqual([expect.objectContaining({ id: lbId })]);
    await expect(admin.loadBalancer.listLoadBalancers({ projectId: demoProject })).resolves.toHaveLength(1);
    await expect(admin.loadBalancer.listPools({ projectId: 'another' })).resolves.toEqual([]);
    const viewer = simClient(sim, 'viewer');
    try {
      await expect(viewer.loadBalancer.listLoadBalancers()).resolves.toEqual([]);
      await expect(viewer.loadBalancer.getLoadBalancer(lbId)).rejects.toMatchObject({
        service: 'load-balancer',
        status: 404,
        fault: 'Client',
        message: `Load Balancer ${lbId} not found.`,
      });
    } finally {
      await viewer.close();
    }
  });

  it('adds a member; a write while the load balancer is PENDING_UPDATE is a LoadBalancerImmutableError; after ACTIVE it goes through', async () => {
    const created = await demo.loadBalancer.createMember(poolId, { address: '10.0.0.40', protocolPort: 80, name: 'web-1', tags: ['peak'] });
    expect(created).toMatchObject({
      name: 'web-1',
      weight: 1,
      tags: ['peak'],
      provisioningStatus: 'PENDING_CREATE',
      operatingStatus: 'OFFLINE',
    });
    const error: unknown = await demo.loadBalancer
      .createMember(poolId, { address: '10.0.0.41', protocolPort: 80 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LoadBalancerImmutableError);
    expect(error).toBeInstanceOf(OpenStackError);
    expect(error).toMatchObject({
      name: 'LoadBalancerImmutableError',
      service: 'load-balancer',
      status: 409,
      fault: 'Client',
      method: 'POST',
      path: '/lbaas/pools/{poolId}/members',
      message: `Pool ${poolId} is immutable and cannot be updated.`,
      requestId: expect.stringMatching(/^req-/),
    });
    expect(isConflict(error) && isLoadBalancerImmutable(error)).toBe(true);
    await settled();
    await expect(memberNow(created.id)).resolves.toMatchObject({ provisioningStatus: 'ACTIVE' });
    await expect(demo.loadBalancer.createMember(poolId, { address: '10.0.0.41', protocolPort: 80 })).resolves.toMatchObject({
      address: '10.0.0.41',
    });
    await settled();
    // A duplicate is a plain conflict, not an immutable one.
    const duplicate: unknown = await demo.loadBalancer
      .createMember(poolId, { address: '10.0.0.41', protocolPort: 80 })
      .catch((e: unknown) => e);
    expect(duplicate).toMatchObject({ status: 409, isConflict: true });
    expect(isLoadBalancerImmutable(duplicate)).toBe(false);
    await expect(demo.loadBalancer.listMembers(poolId, { address: '10.0.0.41' })).resolves.toHaveLength(1);
    await expect(demo.loadBalancer.listMembers(poolId, { pageSize: 1 })).resolves.toEqual(await demo.loadBalancer.listMembers(poolId));
  });

  it('drains a member (weight 0) whose server the health monitor finds ONLINE, deletes it, then the server, in that order', async () => {
    const server = await serverAddress();
    const member = await demo.loadBalancer.createMember(poolId, { address: server.address, protocolPort: 80 });
    await settled();
    await until(
      () => memberNow(member.id),
      (m) => m.operatingStatus === 'ONLINE',
    );
    await sim.control.clearRequests();
    await expect(demo.loadBalancer.updateMember(poolId, member.id, { weight: 0 })).resolves.toMatchObject({
      weight: 0,
      provisioningStatus: 'PENDING_UPDATE',
    });
    await settled();
    await expect(demo.loadBalancer.deleteMember(poolId, member.id)).resolves.toBe(true);
    await expect(memberNow(member.id)).resolves.toMatchObject({ provisioningStatus: 'PENDING_DELETE' });
    await settled();
    await expect(memberNow(member.id)).rejects.toMatchObject({ status: 404, isNotFound: true });
    await expect(demo.loadBalancer.deleteMember(poolId, member.id, { ignoreNotFound: true })).resolves.toBe(false);
    await demo.compute.deleteServer(server.id);
    const writes = (await sim.control.requests()).filter((r) => r.method !== 'GET');
    expect(writes.map((r) => `${r.method} ${r.path.replace(member.id, '{member}').replace(server.id, '{server}')} ${r.status}`)).toEqual([
      `PUT /load-balancer/v2/lbaas/pools/${poolId}/members/{member} 200`,
      `DELETE /load-balancer/v2/lbaas/pools/${poolId}/members/{member} 204`,
      `DELETE /load-balancer/v2/lbaas/pools/${poolId}/members/{member} 404`,
      'DELETE /compute/v2.1/servers/{server} 204',
    ]);
  });

  it('batch-updates the pool’s members: the listed ones stay or come, the others go (unless additive only)', async () => {
    await demo.loadBalancer.createMember(poolId, { address: '10.0.0.60', protocolPort: 80 });
    await settled();
    await demo.loadBalancer.batchUpdateMembers(poolId, [
      { address: '10.0.0.61', protocolPort: 8080, weight: 3, name: 'b' },
      { address: '10.0.0.62', protocolPort: 8080, name: 'c' },
    ]);
    await expect(demo.loadBalancer.batchUpdateMembers(poolId, [])).rejects.toBeInstanceOf(LoadBalancerImmutableError);
    await settled();
    const summary = (list: Member[]) => list.map((m) => `${m.name}@${m.address}:${m.protocolPort}/${m.weight}`);
    expect(summary(await demo.loadBalancer.listMembers(poolId))).toEqual(['b@10.0.0.61:8080/3', 'c@10.0.0.62:8080/1']);
    await demo.loadBalancer.batchUpdateMembers(poolId, [{ address: '10.0.0.61', protocolPort: 8080, weight: 0 }], { additiveOnly: true });
    await settled();
    expect(summary(await demo.loadBalancer.listMembers(poolId))).toEqual(['b@10.0.0.61:8080/0', 'c@10.0.0.62:8080/1']);
  });

  it('reports a forced member status, and a reader’s write as 403', async () => {
    const member = await demo.loadBalancer.createMember(poolId, { address: '10.0.0.70', protocolPort: 80 });
    await sim.control.setMemberOperatingStatus(member.id, 'DRAINING');
    await expect(memberNow(member.id)).resolves.toMatchObject({ operatingStatus: 'DRAINING' });
    await sim.control.grantRole('viewer', 'demo', 'reader');
    const reader = simClient(sim, 'viewer', {});
    const asReader = reader.withToken(
      await fetch(`${sim.authUrl}/auth/tokens`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          auth: {
            identity: { methods: ['password'], password: { user: { name: 'viewer', domain: { id: 'default' }, password: 'secret' } } },
            scope: { project: { name: 'demo', domain: { id: 'default' } } },
          },
        }),
      }).then((r) => r.headers.get('x-subject-token') ?? ''),
    );
    try {
      await expect(asReader.loadBalancer.listMembers(poolId)).resolves.toHaveLength(1);
      await expect(asReader.loadBalancer.updateMember(poolId, member.id, { weight: 0 })).rejects.toMatchObject({
        status: 403,
        isForbidden: true,
        message: 'Policy does not allow this request to be performed.',
      });
    } finally {
      await reader.close();
    }
  });

  it('says so clearly when the cloud has no Octavia, without calling it', async () => {
    await sim.control.configure({ loadBalancer: false });
    await sim.control.clearRequests();
    const bare = simClient(sim, 'demo');
    try {
      await expect(bare.loadBalancer.available()).resolves.toBe(false);
      await expect(bare.loadBalancer.listLoadBalancers()).rejects.toMatchObject({
        service: 'load-balancer',
        status: 0,
        fault: 'EndpointNotFound',
        message: expect.stringMatching(/no load balancer \(Octavia\).*no load-balancer service at all/),
      });
      await expect(sim.control.requests({ service: 'load-balancer' })).resolves.toEqual([]);
    } finally {
      await bare.close();
    }
  });
});
