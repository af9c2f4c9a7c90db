import type { RunningSimulator } from '@peak/openstack-sim';
import type { OpenStackClient } from '../openstack-client';
import { simClient, startTestSimulator } from '../testing/simulator';
import { NetworkClient } from './network.client';

/** Neutron v2.0 against the simulator over real HTTP (its catalog URL is unversioned, like a real Neutron). */
describe(NetworkClient.name, () => {
  let sim: RunningSimulator;
  let admin: OpenStackClient;

  beforeAll(async () => {
    sim = await startTestSimulator();
    admin = simClient(sim);
  });

  afterAll(async () => {
    await admin.close();
    await sim.close();
  });

  it('lists networks, filtered by name, shared and external', async () => {
    const all = await admin.network.listNetworks();
    expect(all.map((n) => n.name)).toEqual(expect.arrayContaining(['private', 'public']));
    const [pub, ...more] = await admin.network.listNetworks({ name: 'public' });
    expect(more).toEqual([]);
    expect(pub).toMatchObject({ name: 'public', shared: true, external: true, status: 'ACTIVE', subnets: [expect.any(String)] });
    await expect(admin.network.listNetworks({ external: true })).resolves.toEqual([expect.objectContaining({ name: 'public' })]);
    await expect(admin.network.getNetwork(pub?.id ?? '')).resolves.toEqual(pub);
  });

  it('follows networks_links across pages', async () => {
    const all = await admin.network.listNetworks();
    await expect(admin.network.listNetworks({ pageSize: 1 })).resolves.toEqual(all);
  });

  it('shows a project only its own and shared networks', async () => {
    const demo = simClient(sim, 'demo');
    try {
      const names = (await demo.network.listNetworks()).map((n) => n.name).sort();
      expect(names).toEqual(['private', 'public']);
    } finally {
      await demo.close();
    }
  });

  it('reports an unknown network as a NeutronError 404', async () => {
    await expect(admin.network.getNetwork('00000000-0000-0000-0000-000000000000')).rejects.toMatchObject({
      service: 'network',
      status: 404,
      fault: 'NeutronError',
      detail: 'NetworkNotFound',
    });
  });

  describe('subnets', () => {
    it('lists subnets by network and gets one', async () => {
      const [priv] = await admin.network.listNetworks({ name: 'private' });
      const subnets = await admin.network.listSubnets({ networkId: priv?.id });
      expect(subnets).toEqual([
        {
          id: priv?.subnets[0],
          name: 'private-subnet',
          networkId: priv?.id,
          ipVersion: 4,
          cidr: '10.0.0.0/24',
          gatewayIp: '10.0.0.1',
          projectId: priv?.projectId,
        },
      ]);
      await expect(admin.network.getSubnet(subnets[0]?.id ?? '')).resolves.toEqual(subnets[0]);
      await expect(admin.network.listSubnets({ projectId: priv?.projectId })).resolves.toEqual(subnets);
      expect((await admin.network.listSubnets()).length).toBeGreaterThanOrEqual(2);
      await expect(admin.network.getSubnet('00000000-0000-0000-0000-000000000000')).rejects.toMatchObject({
        status: 404,
        detail: 'SubnetNotFound',
      });
    });
  });

  describe('ports', () => {
    it('finds the address a server has on a subnet through its ports', async () => {
      const demo = simClient(sim, 'demo');
      try {
        const [priv] = await demo.network.listNetworks({ name: 'private' });
        const [image] = await demo.image.listImages({ name: 'cirros-0.6.2-x86_64-disk' });
        const networkId = priv?.id ?? '';
        const created = await demo.compute.createServer({
          name: 'port-test',
          imageId: image?.id ?? '',
          flavorId: '1',
          networks: [{ networkId }],
        });
        const server = await demo.compute.waitForServerStatus(created.id, 'ACTIVE', { pollIntervalMs: 20, timeoutMs: 5000 });
        const [address] = server.addresses['private'] ?? [];

        const [port, ...more] = await demo.network.listPorts({ deviceId: server.id });
        expect(more).toEqual([]);
        expect(port).toEqual({
          id: expect.any(String),
          name: '',
          networkId,
          deviceId: server.id,
          deviceOwner: 'compute:nova',
          macAddress: address?.mac,
          status: 'ACTIVE',
          projectId: priv?.projectId,
          fixedIps: [{ subnetId: priv?.subnets[0], ipAddress: address?.addr }],
        });
        const subnet = await demo.network.getSubnet(port?.fixedIps[0]?.subnetId ?? '');
        expect(subnet).toMatchObject({ networkId, cidr: '10.0.0.0/24' });

        // Every page, whatever its size; an admin sees the project's ports too, and can narrow to them.
        await expect(demo.network.listPorts({ networkId, pageSize: 1 })).resolves.toEqual([port]);
        await expect(admin.network.listPorts({ projectId: priv?.projectId, deviceId: server.id })).resolves.toEqual([port]);
        // The admin project has no servers: nothing of another project is shown to a non-admin.
        const viewer = simClient(sim, 'viewer');
        try {
          await expect(viewer.network.listPorts()).resolves.toEqual([]);
        } finally {
          await viewer.close();
        }
        await demo.compute.deleteServer(server.id);
        await demo.compute.waitForServerDeleted(server.id, { pollIntervalMs: 20, timeoutMs: 5000 });
        await expect(demo.network.listPorts({ deviceId: server.id })).resolves.toEqual([]);
      } finally {
        await demo.close();
      }
    });
  });

  describe('security groups', () => {
    it('lists the project’s groups, its default one first made by Neutron, and gets one', async () => {
      const demo = simClient(sim, 'demo');
      try {
        const [group, ...more] = await demo.network.listSecurityGroups();
        expect(more).toEqual([]);
        expect(group).toEqual({
          id: expect.any(String),
          name: 'default',
          description: 'Default security group',
          projectId: expect.any(String),
          stateful: true,
        });
        await expect(demo.network.getSecurityGroup(group?.id ?? '')).resolves.toEqual(group);
        await expect(demo.network.getSecurityGroup('00000000-0000-0000-0000-000000000000')).rejects.toMatchObject({
          status: 404,
          detail: 'SecurityGroupNotFound',
        });
      } finally {
        await demo.close();
      }
    });

    it('narrows an admin’s listing to one project, and resolves names or ids as Nova will', async () => {
      const demo = simClient(sim, 'demo');
      try {
        const [own] = await demo.network.listSecurityGroups();
        const projectId = own?.projectId ?? '';
        await admin.network.listSecurityGroups(); // the admin project's default group
        expect((await admin.network.listSecurityGroups()).length).toBeGreaterThanOrEqual(2);
        await expect(admin.network.listSecurityGroups({ projectId })).resolves.toEqual([own]);
        await expect(admin.network.resolveSecurityGroups(['default', own?.id ?? '', 'web'], { projectId })).resolves.toEqual({
          found: [own, own],
          missing: ['web'],
          ambiguous: [],
        });
        // Without a project, an admin sees two groups named default.
        await expect(admin.network.resolveSecurityGroups(['default'])).resolves.toMatchObject({ ambiguous: ['default'] });
      } finally {
        await demo.close();
      }
    });
  });
});
