import { type Json, type Session, call, login } from '../../testing/http';
import { stableHexId, stableUuid } from '../seed';
import { type RunningSimulator, startSimulator } from '../simulator';
import { networkService } from './network';

describe(networkService.name, () => {
  let sut: RunningSimulator;
  let demo: Session;
  let viewer: Session;
  const names = (response: Json) => response.body.networks.map((n: Json) => n.name).sort();

  beforeAll(async () => {
    sut = await startSimulator({ port: 0 });
    demo = await login(sut.url, 'demo', 'demo');
    viewer = await login(sut.url, 'viewer', 'admin');
  });

  afterAll(() => sut.close());

  it('answers the root with the v2.0 version document', async () => {
    const response = await call(`${sut.url}/network/`, 'GET');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      versions: [{ id: 'v2.0', status: 'CURRENT', links: [{ href: `${sut.url}/network/v2.0/`, rel: 'self' }] }],
    });
    expect(response.headers.get('x-openstack-request-id')).toBeNull();
  });

  it('shows networks as a Zed ML2 deployment does: no qos_policy_id, no l2_adjacency', async () => {
    const [network] = (await demo.call('GET', '/network/v2.0/networks?name=private')).body.networks;
    expect(network).not.toHaveProperty('qos_policy_id');
    expect(network).not.toHaveProperty('l2_adjacency');
    expect(network).toMatchObject({ port_security_enabled: true, is_default: false });
  });

  it('lists the project’s networks and the shared or external ones', async () => {
    expect(names(await demo.call('GET', '/network/v2.0/networks'))).toEqual(['private', 'public']);
    // The admin project owns no private network: a reader there sees only the shared one.
    expect(names(await viewer.call('GET', '/network/v2.0/networks'))).toEqual(['public']);
  });

  it('filters by name and other attributes, and selects fields', async () => {
    const byName = await demo.call('GET', '/network/v2.0/networks?name=private');
    expect(byName.body.networks).toEqual([
      expect.objectContaining({
        id: stableUuid('network', 'private'),
        name: 'private',
        shared: false,
        'router:external': false,
        status: 'ACTIVE',
        subnets: [stableUuid('subnet', 'private')],
        project_id: stableHexId('project', 'demo'),
        tenant_id: stableHexId('project', 'demo'),
      }),
    ]);
    expect(names(await demo.call('GET', '/network/v2.0/networks?router:external=True'))).toEqual(['public']);
    expect(names(await demo.call('GET', '/network/v2.0/networks?name=nope'))).toEqual([]);
    const fields = await demo.call('GET', '/network/v2.0/networks?name=public&fields=id&fields=name');
    expect(fields.body.networks).toEqual([{ id: stableUuid('network', 'public'), name: 'public' }]);
  });

  it('shows a network and answers an unknown id with a NeutronError 404', async () => {
    const shown = await demo.call('GET', `/network/v2.0/networks/${stableUuid('network', 'public')}`);
    expect(shown.body.network).toMatchObject({ name: 'public', shared: true, 'router:external': true, mtu: 1500 });
    const missing = await demo.call('GET', '/network/v2.0/networks/nope');
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ NeutronError: { type: 'NetworkNotFound', message: 'Network nope could not be found.', detail: '' } });
    // Not visible is not found.
    expect((await viewer.call('GET', `/network/v2.0/networks/${stableUuid('network', 'private')}`)).status).toBe(404);
  });

  it('pages with limit and marker', async () => {
    const page = await demo.call('GET', '/network/v2.0/networks?limit=1');
    expect(page.body.networks).toHaveLength(1);
    expect(page.body.networks_links).toEqual([{ href: expect.stringContaining(`marker=${page.body.networks[0].id}`), rel: 'next' }]);
  });

  it('lists subnets and extensions', async () => {
    const subnets = await demo.call('GET', `/network/v2.0/subnets?network_id=${stableUuid('network', 'private')}`);
    expect(subnets.body.subnets).toEqual([expect.objectContaining({ cidr: '10.0.0.0/24', ip_version: 4, gateway_ip: '10.0.0.1' })]);
    const extensions = await demo.call('GET', '/network/v2.0/extensions');
    expect(extensions.body.extensions.map((e: Json) => e.alias)).toContain('external-net');
  });

  it('reports the project’s quotas, not another project’s', async () => {
    expect((await demo.call('GET', `/network/v2.0/quotas/${demo.projectId}`)).body.quota).toMatchObject({ network: 100, port: 500 });
    expect((await demo.call('GET', `/network/v2.0/quotas/${viewer.projectId}`)).status).toBe(403);
  });

  it('requires a token', async () => {
    expect((await call(`${sut.url}/network/v2.0/networks`, 'GET')).status).toBe(401);
  });

  describe('ports', () => {
    const PRIVATE = stableUuid('network', 'private');
    let admin: Session;

    beforeAll(async () => {
      admin = await login(sut.url);
    });

    beforeEach(async () => {
      await sut.control.reset();
      await sut.control.configure({ buildDelayMs: 0, deleteDelayMs: 0 });
    });

    async function createServer(session = demo, extra: Record<string, unknown> = {}): Promise<Json> {
      const response = await session.call('POST', '/compute/v2.1/servers', {
        microversion: '2.52',
        body: {
          server: {
            name: 'vm',
            imageRef: stableUuid('image', 'cirros-0.6.2-x86_64-disk'),
            flavorRef: '1',
            networks: [{ uuid: PRIVATE }],
            ...extra,
          },
        },
      });
      expect(response.status).toBe(202);
      return (await session.call('GET', `/compute/v2.1/servers/${response.body.server.id}`, { microversion: '2.52' })).body.server;
    }

    it('shows a port per server address, with the address on the network’s subnet', async () => {
      const server = await createServer();
      const [address] = server.addresses.private;
      const listed = await demo.call('GET', `/network/v2.0/ports?device_id=${server.id}`);
      expect(listed.status).toBe(200);
      const [port, ...more] = listed.body.ports;
      expect(more).toEqual([]);
      const [group] = (await demo.call('GET', '/network/v2.0/security-groups?name=default')).body.security_groups;
      expect(port).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        name: '',
        network_id: PRIVATE,
        tenant_id: demo.projectId,
        project_id: demo.projectId,
        mac_address: address['OS-EXT-IPS-MAC:mac_addr'],
        admin_state_up: true,
        status: 'ACTIVE',
        device_id: server.id,
        device_owner: 'compute:nova',
        fixed_ips: [{ subnet_id: stableUuid('subnet', 'private'), ip_address: address.addr }],
        allowed_address_pairs: [],
        extra_dhcp_opts: [],
        security_groups: [group.id],
        description: '',
        'binding:vnic_type': 'normal',
        port_security_enabled: true,
        tags: [],
        created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
        updated_at: expect.any(String),
        revision_number: expect.any(Number),
      });
      // Stable across calls, and shown alone.
      expect((await demo.call('GET', `/network/v2.0/ports/${port.id}`)).body.port).toEqual(port);
      // An admin also sees the binding.
      expect((await admin.call('GET', `/network/v2.0/ports/${port.id}`)).body.port).toMatchObject({
        'binding:host_id': expect.any(String),
        'binding:vif_type': 'ovs',
      });
    });

    it('filters by network and project, selects fields and pages', async () => {
      const first = await createServer();
      const second = await createServer();
      const byNetwork = await demo.call('GET', `/network/v2.0/ports?network_id=${PRIVATE}&fields=device_id`);
      expect(byNetwork.body.ports.map((p: Json) => p.device_id).sort()).toEqual([first.id, second.id].sort());
      expect(byNetwork.body.ports[0]).toEqual({ device_id: expect.any(String) });
      expect((await demo.call('GET', `/network/v2.0/ports?network_id=${stableUuid('network', 'public')}`)).body.ports).toEqual([]);
      expect((await admin.call('GET', `/network/v2.0/ports?project_id=${demo.projectId}`)).body.ports).toHaveLength(2);
      const page = await demo.call('GET', '/network/v2.0/ports?limit=1');
      expect(page.body.ports).toHaveLength(1);
      expect(page.body.ports_links).toEqual([{ href: expect.stringContaining(`marker=${page.body.ports[0].id}`), rel: 'next' }]);
    });

    it('shows a project only its own ports; an admin sees all', async () => {
      const server = await createServer();
      const [port] = (await demo.call('GET', `/network/v2.0/ports?device_id=${server.id}`)).body.ports;
      expect((await viewer.call('GET', '/network/v2.0/ports')).body.ports).toEqual([]);
      expect((await viewer.call('GET', `/network/v2.0/ports/${port.id}`)).status).toBe(404);
      expect((await admin.call('GET', '/network/v2.0/ports')).body.ports.map((p: Json) => p.id)).toEqual([port.id]);
    });

    it('shows a building server’s port DOWN, none for a failed build, none once deleted', async () => {
      await sut.control.configure({ buildDelayMs: 60_000 });
      const building = await createServer();
      const [port] = (await demo.call('GET', `/network/v2.0/ports?device_id=${building.id}`)).body.ports;
      expect(port).toMatchObject({ status: 'DOWN', device_id: building.id });
      expect((await admin.call('GET', `/network/v2.0/ports/${port.id}`)).body.port).toMatchObject({
        'binding:host_id': '',
        'binding:vif_type': 'unbound',
      });
      expect((await demo.call('DELETE', `/compute/v2.1/servers/${building.id}`)).status).toBe(204);
      expect((await demo.call('GET', `/network/v2.0/ports/${port.id}`)).status).toBe(404);
      await sut.control.configure({ buildDelayMs: 0, serverErrorRate: 1 });
      const failed = await createServer();
      expect(failed.status).toBe('ERROR');
      expect((await demo.call('GET', `/network/v2.0/ports?device_id=${failed.id}`)).body.ports).toEqual([]);
    });

    it('answers an unknown port with a NeutronError 404', async () => {
      const missing = await demo.call('GET', '/network/v2.0/ports/nope');
      expect(missing.status).toBe(404);
      expect(missing.body).toEqual({ NeutronError: { type: 'PortNotFound', message: 'Port nope could not be found.', detail: '' } });
    });
  });

  describe('security groups', () => {
    beforeEach(() => sut.control.reset());

    it('makes a project’s default group on first use, with Neutron’s four default rules', async () => {
      const response = await demo.call('GET', '/network/v2.0/security-groups');
      expect(response.status).toBe(200);
      const [group, ...more] = response.body.security_groups;
      expect(more).toEqual([]);
      expect(group).toMatchObject({
        name: 'default',
        description: 'Default security group',
        project_id: demo.projectId,
        tenant_id: demo.projectId,
        stateful: true,
      });
      expect(group.security_group_rules.map((r: Json) => `${r.direction}/${r.ethertype}`).sort()).toEqual([
        'egress/IPv4',
        'egress/IPv6',
        'ingress/IPv4',
        'ingress/IPv6',
      ]);
      // Stable across calls.
      expect((await demo.call('GET', `/network/v2.0/security-groups/${group.id}`)).body.security_group).toEqual(group);
    });

    it('creates, filters and deletes a group of the project; another project does not see it', async () => {
      const created = await demo.call('POST', '/network/v2.0/security-groups', {
        body: { security_group: { name: 'web', description: 'http in' } },
      });
      expect(created.status).toBe(201);
      const group = created.body.security_group;
      expect(group).toMatchObject({ name: 'web', description: 'http in', stateful: true, project_id: demo.projectId });
      expect(group.security_group_rules).toHaveLength(2);
      const byName = await demo.call('GET', '/network/v2.0/security-groups?name=web');
      expect(byName.body.security_groups.map((g: Json) => g.id)).toEqual([group.id]);
      const stranger = await login(sut.url, 'admin', 'admin');
      expect((await viewer.call('GET', `/network/v2.0/security-groups/${group.id}`)).status).toBe(404);
      // Admins see every project's groups.
      expect((await stranger.call('GET', `/network/v2.0/security-groups/${group.id}`)).status).toBe(200);
      expect((await demo.call('DELETE', `/network/v2.0/security-groups/${group.id}`)).status).toBe(204);
      expect((await demo.call('GET', `/network/v2.0/security-groups/${group.id}`)).body).toEqual({
        NeutronError: { type: 'SecurityGroupNotFound', message: `Security group ${group.id} does not exist`, detail: '' },
      });
    });

    it('refuses a second default group, deleting the default one, and a reader’s create under the new defaults', async () => {
      const again = await demo.call('POST', '/network/v2.0/security-groups', { body: { security_group: { name: 'default' } } });
      expect(again.status).toBe(409);
      expect(again.body.NeutronError.type).toBe('SecurityGroupDefaultAlreadyExists');
      const [group] = (await demo.call('GET', '/network/v2.0/security-groups?name=default')).body.security_groups;
      const removal = await demo.call('DELETE', `/network/v2.0/security-groups/${group.id}`);
      expect(removal.status).toBe(409);
      expect(removal.body.NeutronError.type).toBe('SecurityGroupCannotRemoveDefault');
      const byReader = await viewer.call('POST', '/network/v2.0/security-groups', { body: { security_group: { name: 'x' } } });
      expect(byReader.status).toBe(403);
      expect(byReader.body.NeutronError.type).toBe('PolicyNotAuthorized');
    });
  });
});
