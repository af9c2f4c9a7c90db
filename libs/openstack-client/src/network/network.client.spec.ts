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
