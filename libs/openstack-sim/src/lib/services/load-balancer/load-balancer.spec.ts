import { type Json, type Session, call, login } from '../../../testing/http';
import { waitFor } from '../../../testing/wait';
import { stableUuid } from '../../seed';
import { type RunningSimulator, startSimulator } from '../../simulator';
import { loadBalancerService } from './load-balancer';

const CIRROS = stableUuid('image', 'cirros-0.6.2-x86_64-disk');
const PRIVATE = stableUuid('network', 'private');
const PRIVATE_SUBNET = stableUuid('subnet', 'private');
const LB = stableUuid('loadbalancer', 'web-lb');
const POOL = stableUuid('pool', 'web-lb/web-pool');
const MONITOR = stableUuid('healthmonitor', 'web-lb/web-pool');

const IMMUTABLE = { faultcode: 'Client', faultstring: `Pool ${POOL} is immutable and cannot be updated.`, debuginfo: null };

describe(loadBalancerService.name, () => {
  let sim: RunningSimulator;
  let admin: Session;
  let demo: Session;

  beforeAll(async () => {
    sim = await startSimulator({ port: 0 });
    admin = await login(sim.url);
    demo = await login(sim.url, 'demo', 'demo');
  });

  afterAll(() => sim.close());

  beforeEach(async () => {
    await sim.control.reset();
    await sim.control.configure({ buildDelayMs: 0, deleteDelayMs: 0, loadBalancerUpdateDelayMs: 150, memberOnlineDelayMs: 100 });
  });

  const octavia = (session: Session, method: string, path: string, body?: unknown) =>
    session.call(method, `/load-balancer/v2/lbaas${path}`, { body });
  const members = `/pools/${POOL}/members`;
  const addMember = (address: string, extra: Record<string, unknown> = {}, session = demo) =>
    octavia(session, 'POST', members, { member: { address, protocol_port: 80, ...extra } });
  const lbStatus = async () => (await octavia(demo, 'GET', `/loadbalancers/${LB}`)).body.loadbalancer.provisioning_status;
  const untilActive = () => waitFor(lbStatus, (status) => status === 'ACTIVE');
  const member = async (id: string): Promise<Json> => (await octavia(demo, 'GET', `${members}/${id}`)).body.member;

  async function bootServer(name: string): Promise<string> {
    const created = await demo.call('POST', '/compute/v2.1/servers', {
      microversion: '2.52',
      body: { server: { name, imageRef: CIRROS, flavorRef: '1', networks: [{ uuid: PRIVATE }] } },
    });
    expect(created.status).toBe(202);
    const server = await waitFor(
      async () => (await demo.call('GET', `/compute/v2.1/servers/${created.body.server.id}`)).body.server,
      (s) => s.status === 'ACTIVE',
    );
    return server.addresses.private[0].addr;
  }

  it('is in the catalog as load-balancer (octavia), unversioned, and lists its versions', async () => {
    const service = demo.catalog.find((s: Json) => s.type === 'load-balancer');
    expect(service.name).toBe('octavia');
    expect(service.endpoints.map((e: Json) => e.url)).toEqual([1, 2, 3].map(() => `${sim.url}/load-balancer`));
    const versions = await call(`${sim.url}/load-balancer/`, 'GET');
    expect(versions.body.versions.map((v: Json) => [v.id, v.status])).toEqual([
      ['v2.0', 'SUPPORTED'],
      ['v2.26', 'CURRENT'],
    ]);
  });

  it("shows the seeded load balancer to its project and admins, with its VIP on the project's private subnet", async () => {
    const { body } = await octavia(demo, 'GET', '/loadbalancers');
    expect(body.loadbalancers_links).toEqual([]);
    expect(body.loadbalancers).toEqual([
      expect.objectContaining({
        id: LB,
        name: 'web-lb',
        project_id: demo.projectId,
        vip_address: '10.0.0.3',
        vip_subnet_id: PRIVATE_SUBNET,
        vip_network_id: PRIVATE,
        provisioning_status: 'ACTIVE',
        operating_status: 'ONLINE',
        pools: [{ id: POOL }],
      }),
    ]);
    await expect(octavia(admin, 'GET', '/loadbalancers')).resolves.toMatchObject({ body: { loadbalancers: [{ id: LB }] } });
    await expect(octavia(admin, 'GET', `/loadbalancers?project_id=${admin.projectId}`)).resolves.toMatchObject({
      body: { loadbalancers: [] },
    });
    // The viewer's project (admin) has none, and another project's is not found.
    const viewer = await login(sim.url, 'viewer', 'admin');
    await expect(octavia(viewer, 'GET', '/loadbalancers')).resolves.toMatchObject({ body: { loadbalancers: [] } });
    await expect(octavia(viewer, 'GET', `/loadbalancers/${LB}`)).resolves.toMatchObject({
      status: 404,
      body: { faultcode: 'Client', faultstring: `Load Balancer ${LB} not found.`, debuginfo: null },
    });
  });

  it('has one HTTP pool, filtered by load balancer, with an HTTP health monitor', async () => {
    const { body } = await octavia(demo, 'GET', `/pools?loadbalancer_id=${LB}`);
    expect(body.pools).toEqual([
      expect.objectContaining({
        id: POOL,
        protocol: 'HTTP',
        lb_algorithm: 'ROUND_ROBIN',
        loadbalancers: [{ id: LB }],
        healthmonitor_id: MONITOR,
        members: [],
      }),
    ]);
    await expect(octavia(demo, 'GET', '/pools?loadbalancer_id=nope')).resolves.toMatchObject({ body: { pools: [] } });
    await expect(octavia(demo, 'GET', `/healthmonitors/${MONITOR}`)).resolves.toMatchObject({
      body: { healthmonitor: { type: 'HTTP', pools: [{ id: POOL }], delay: 5, url_path: '/' } },
    });
    await expect(octavia(demo, 'GET', '/healthmonitors')).resolves.toMatchObject({ body: { healthmonitors: [{ id: MONITOR }] } });
  });

  it('keeps the load balancer PENDING_UPDATE after a member create, refusing writes with 409 until it is ACTIVE', async () => {
    const created = await addMember('10.0.0.50', { name: 'web-1', weight: '20', tags: ['peak'] });
    expect(created.status).toBe(201);
    expect(created.body.member).toMatchObject({
      name: 'web-1',
      address: '10.0.0.50',
      protocol_port: 80,
      weight: 20,
      tags: ['peak'],
      provisioning_status: 'PENDING_CREATE',
      operating_status: 'OFFLINE',
    });
    expect(await lbStatus()).toBe('PENDING_UPDATE');
    await expect(octavia(demo, 'GET', `/pools/${POOL}`)).resolves.toMatchObject({
      body: { pool: { provisioning_status: 'PENDING_UPDATE' } },
    });
    const refused = await addMember('10.0.0.51');
    expect(refused).toMatchObject({ status: 409, body: IMMUTABLE });
    await untilActive();
    expect(await member(created.body.member.id)).toMatchObject({ provisioning_status: 'ACTIVE' });
    await expect(octavia(demo, 'GET', `/pools/${POOL}`)).resolves.toMatchObject({
      body: { pool: { provisioning_status: 'ACTIVE', members: [{ id: created.body.member.id }] } },
    });
    // Nothing of the refused write was kept.
    expect((await octavia(demo, 'GET', members)).body.members.map((m: Json) => m.address)).toEqual(['10.0.0.50']);
  });

  it('finds a member ONLINE once its ACTIVE server has had time to answer, and ERROR when no server has the address', async () => {
    const address = await bootServer('web-1');
    const online = (await addMember(address)).body.member;
    await untilActive();
    const orphan = (await addMember('10.0.0.200')).body.member;
    await waitFor(
      () => member(online.id),
      (m) => m.operating_status === 'ONLINE',
    );
    await waitFor(
      () => member(orphan.id),
      (m) => m.operating_status === 'ERROR',
    );
    // One member down of two: the pool and the load balancer are DEGRADED, as in the status tree.
    const { body } = await octavia(demo, 'GET', `/loadbalancers/${LB}/status`);
    const tree = body.statuses.loadbalancer;
    expect(tree).toMatchObject({ id: LB, operating_status: 'DEGRADED', listeners: [] });
    expect(tree.pools[0]).toMatchObject({
      id: POOL,
      operating_status: 'DEGRADED',
      health_monitor: { id: MONITOR, type: 'HTTP', provisioning_status: 'ACTIVE', operating_status: 'ONLINE' },
    });
    expect(tree.pools[0].members.map((m: Json) => [m.address, m.operating_status])).toEqual([
      [address, 'ONLINE'],
      ['10.0.0.200', 'ERROR'],
    ]);
  });

  it('drains a member with weight 0, then deletes it (PENDING_DELETE until the load balancer is ACTIVE), in the request log', async () => {
    const address = await bootServer('web-1');
    const created = (await addMember(address)).body.member;
    await untilActive();
    await sim.control.clearRequests();
    const drained = await octavia(demo, 'PUT', `${members}/${created.id}`, { member: { weight: 0 } });
    expect(drained).toMatchObject({ status: 200, body: { member: { weight: 0, provisioning_status: 'PENDING_UPDATE' } } });
    await untilActive();
    // The health monitor still checks a drained member.
    await waitFor(
      () => member(created.id),
      (m) => m.operating_status === 'ONLINE',
    );
    expect(await octavia(demo, 'DELETE', `${members}/${created.id}`)).toMatchObject({ status: 204 });
    expect(await member(created.id)).toMatchObject({ provisioning_status: 'PENDING_DELETE' });
    await untilActive();
    await expect(octavia(demo, 'GET', `${members}/${created.id}`)).resolves.toMatchObject({
      status: 404,
      body: { faultstring: `Member ${created.id} not found.` },
    });
    const [server] = (await demo.call('GET', '/compute/v2.1/servers')).body.servers;
    await demo.call('DELETE', `/compute/v2.1/servers/${server.id}`);
    const writes = (await sim.control.requests()).filter((r) => r.method !== 'GET');
    expect(writes.map((r) => [r.service, r.method, r.path, r.status])).toEqual([
      ['load-balancer', 'PUT', `/load-balancer/v2/lbaas${members}/${created.id}`, 200],
      ['load-balancer', 'DELETE', `/load-balancer/v2/lbaas${members}/${created.id}`, 204],
      ['compute', 'DELETE', `/compute/v2.1/servers/${server.id}`, 204],
    ]);
  });

  it('replaces the pool’s members with a batch update, or only adds with additive_only', async () => {
    const kept = (await addMember('10.0.0.60', { weight: 5 })).body.member;
    await untilActive();
    const dropped = (await addMember('10.0.0.61')).body.member;
    await untilActive();
    const batch = await octavia(demo, 'PUT', members, {
      members: [
        { address: '10.0.0.60', protocol_port: 80, weight: 0, name: 'kept' },
        { address: '10.0.0.62', protocol_port: 80, subnet_id: PRIVATE_SUBNET, tags: ['new'] },
      ],
    });
    expect(batch.status).toBe(202);
    expect(batch.body).toBe('');
    const pending = (await octavia(demo, 'GET', members)).body.members;
    expect(pending.map((m: Json) => [m.address, m.provisioning_status])).toEqual([
      ['10.0.0.60', 'PENDING_UPDATE'],
      ['10.0.0.61', 'PENDING_DELETE'],
      ['10.0.0.62', 'PENDING_CREATE'],
    ]);
    expect(await octavia(demo, 'PUT', members, { members: [] })).toMatchObject({ status: 409, body: IMMUTABLE });
    await untilActive();
    const after = (await octavia(demo, 'GET', members)).body.members;
    expect(after.map((m: Json) => [m.id === kept.id, m.address, m.weight, m.name, m.subnet_id])).toEqual([
      [true, '10.0.0.60', 0, 'kept', null],
      [false, '10.0.0.62', 1, '', PRIVATE_SUBNET],
    ]);
    expect(after.some((m: Json) => m.id === dropped.id)).toBe(false);
    expect(
      await octavia(demo, 'PUT', `${members}?additive_only=true`, { members: [{ address: '10.0.0.63', protocol_port: 80 }] }),
    ).toMatchObject({ status: 202 });
    await untilActive();
    expect((await octavia(demo, 'GET', members)).body.members.map((m: Json) => m.address)).toEqual(['10.0.0.60', '10.0.0.62', '10.0.0.63']);
  });

  it('answers NO_MONITOR for members of a pool without a health monitor', async () => {
    const bare = await startSimulator({
      port: 0,
      memberOnlineDelayMs: 0,
      loadBalancerUpdateDelayMs: 0,
      seed: {
        loadBalancers: [
          { name: 'tcp-lb', project: 'demo', network: 'private', pools: [{ name: 'tcp', protocol: 'TCP', healthMonitor: false }] },
        ],
      },
    });
    try {
      const session = await login(bare.url, 'demo', 'demo');
      const pool = stableUuid('pool', 'tcp-lb/tcp');
      const created = await session.call('POST', `/load-balancer/v2/lbaas/pools/${pool}/members`, {
        body: { member: { address: '10.0.0.9', protocol_port: 22 } },
      });
      // With no delay the change is applied before the answer.
      expect(created.body.member).toMatchObject({ operating_status: 'NO_MONITOR', provisioning_status: 'ACTIVE' });
      await expect(session.call('GET', `/load-balancer/v2/lbaas/pools/${pool}`)).resolves.toMatchObject({
        body: { pool: { healthmonitor_id: null, protocol: 'TCP', operating_status: 'ONLINE' } },
      });
    } finally {
      await bare.close();
    }
  });

  it('validates member bodies as Octavia does, refuses a duplicate address and port, and a reader', async () => {
    expect(await addMember('not-an-ip')).toMatchObject({
      status: 400,
      body: { faultcode: 'Client', faultstring: expect.stringMatching(/^Invalid input for field\/attribute address\./) },
    });
    expect(await addMember('10.0.0.70', { weight: 300 })).toMatchObject({
      status: 400,
      body: { faultstring: expect.stringMatching(/^Invalid input for field\/attribute weight\. Value: '300'/) },
    });
    expect(await addMember('10.0.0.70', { subnet_id: 'nope' })).toMatchObject({
      status: 400,
      body: { faultstring: 'Validation failure: Subnet nope not found.' },
    });
    const created = (await addMember('10.0.0.70')).body.member;
    expect(await octavia(demo, 'PUT', `${members}/${created.id}`, { member: { address: '10.0.0.71' } })).toMatchObject({
      status: 400,
      body: { faultstring: 'Unknown attribute for argument member: address' },
    });
    await untilActive();
    expect(await addMember('10.0.0.70')).toMatchObject({
      status: 409,
      body: { faultstring: 'Another member on this pool is already using ip 10.0.0.70 on protocol_port 80' },
    });
    await sim.control.grantRole('viewer', 'demo', 'reader');
    const reader = await login(sim.url, 'viewer', 'demo');
    expect(await addMember('10.0.0.72', {}, reader)).toMatchObject({
      status: 403,
      body: { faultstring: 'Policy does not allow this request to be performed.' },
    });
    expect((await octavia(reader, 'GET', members)).body.members).toHaveLength(1);
  });

  it('is gone from the catalog and answers 404 when the cloud has no Octavia', async () => {
    await sim.control.configure({ loadBalancer: false });
    const fresh = await login(sim.url, 'demo', 'demo');
    expect(fresh.catalog.map((s: Json) => s.type)).not.toContain('load-balancer');
    await expect(octavia(fresh, 'GET', '/loadbalancers')).resolves.toMatchObject({ status: 404 });
  });

  describe('control', () => {
    it('holds a load balancer PENDING_UPDATE for the seconds asked, and releases it with 0', async () => {
      const held = await sim.control.holdLoadBalancer(LB, 30);
      expect(held).toMatchObject({ id: LB, provisioningStatus: 'PENDING_UPDATE' });
      expect(Date.parse(held.busyUntil) - Date.now()).toBeGreaterThan(25_000);
      expect(await addMember('10.0.0.80')).toMatchObject({ status: 409, body: IMMUTABLE });
      await expect(sim.control.holdLoadBalancer(LB, 0)).resolves.toMatchObject({ provisioningStatus: 'ACTIVE' });
      expect(await addMember('10.0.0.80')).toMatchObject({ status: 201 });
      await expect(sim.control.holdLoadBalancer('nope', 1)).rejects.toMatchObject({ status: 404 });
      await expect(sim.control.holdLoadBalancer(LB, -1)).rejects.toMatchObject({ status: 400 });
    });

    it("forces a member's operating status, and hands it back to the health monitor with null", async () => {
      const created = (await addMember('10.0.0.90')).body.member;
      const forced = await sim.control.setMemberOperatingStatus(created.id, 'DRAINING');
      expect(forced.pools[0]?.members).toEqual([expect.objectContaining({ id: created.id, operatingStatus: 'DRAINING', forced: true })]);
      expect(await member(created.id)).toMatchObject({ operating_status: 'DRAINING' });
      await sim.control.setMemberOperatingStatus(created.id, null);
      await waitFor(
        () => member(created.id),
        (m) => m.operating_status === 'ERROR',
      );
      await expect(sim.control.setMemberOperatingStatus(created.id, 'SLEEPY')).rejects.toMatchObject({ status: 400 });
      await expect(sim.control.loadBalancers()).resolves.toEqual([
        expect.objectContaining({ id: LB, name: 'web-lb', projectId: demo.projectId, operatingStatus: 'ERROR' }),
      ]);
    });
  });
});
