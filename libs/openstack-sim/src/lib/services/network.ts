import { randomUUID } from 'node:crypto';
import { type AuthContext, authenticate, requireProject } from '../auth';
import { isRecord } from '../behaviour';
import { ApiError, type RequestContext, type SimResponse } from '../http/exchange';
import { isoSeconds } from '../http/formats';
import { Router } from '../http/router';
import { stableUuid } from '../seed';
import type { Simulation } from '../simulation';
import { type Network, type SecurityGroup, type Server, type ServerAddress, buildFinished, networkVisibleTo, serverPhase } from '../state';
import { COMPUTE_HOST, DEFAULT_ZONE } from './compute/views';
import type { ScopedCall, ServiceModule } from './service';

/** Extensions a Zed ML2 deployment lists that matter to clients of networks and subnets. */
const EXTENSIONS: [alias: string, name: string, description: string][] = [
  ['external-net', 'Neutron external network', 'Adds external network attribute to network resource.'],
  ['net-mtu', 'Network MTU', 'Provides MTU attribute for a network resource.'],
  ['availability_zone', 'Availability Zone', 'The availability zone extension.'],
  ['network_availability_zone', 'Network Availability Zone', 'Availability zone support for network.'],
  ['port-security', 'Port Security', 'Provides port security'],
  ['binding', 'Port Binding', 'Expose port bindings of a virtual port to external application'],
  ['allowed-address-pairs', 'Allowed Address Pairs', 'Provides allowed address pairs'],
  [
    'extra_dhcp_opt',
    'Neutron Extra DHCP options',
    'Extra options configuration for DHCP. For example PXE boot options to DHCP clients can be specified (e.g. tftp-server, server-ip-address, bootfile-name)',
  ],
  ['security-group', 'security-group', 'The security groups extension.'],
  ['stateful-security-group', 'Stateful security group', 'Indicates if the security group is stateful or not'],
  ['project-id', 'project_id field enabled', 'Extension that indicates that project_id field is enabled.'],
  ['standard-attr-description', 'standard-attr-description', 'Extension to add descriptions to standard attributes'],
  ['standard-attr-revisions', 'Resource revision numbers', 'This extension will display the revision number of neutron resources.'],
  [
    'standard-attr-tag',
    'Tag support for resources with standard attribute: subnet, trunk, network_segment_range, router, network, policy, subnet_pool, port, security_group, floatingip',
    'Enables to set tag on resources with standard attribute.',
  ],
  [
    'standard-attr-timestamp',
    'Resource timestamps',
    'Adds created_at and updated_at fields to all Neutron resources that have Neutron standard attributes.',
  ],
  ['pagination', 'Pagination support', 'Extension that indicates that pagination is enabled.'],
  ['sorting', 'Sorting support', 'Extension that indicates that sorting is enabled.'],
];

type NetworkHandler = (call: ScopedCall) => SimResponse;

/**
 * Neutron v2.0 at `/network`: version documents, networks (filters, `fields`, paging), subnets, the ports of servers,
 * security groups, extensions.
 */
export function networkService(sim: Simulation): ServiceModule {
  const router = networkRoutes();
  return {
    name: 'network',
    handle: async (ctx, subPath) => handleNetwork(router, sim, ctx, subPath),
    renderError: renderNetworkError,
  };
}

function networkRoutes(): Router<NetworkHandler> {
  return new Router<NetworkHandler>()
    .get('/v2.0', ({ ctx }) => ({
      status: 200,
      body: {
        resources: [
          ['subnet', 'subnets'],
          ['network', 'networks'],
          ['port', 'ports'],
          ['security_group', 'security-groups'],
        ].map(([name, collection]) => ({
          links: [{ href: `${ctx.baseUrl}/network/v2.0/${collection}`, rel: 'self' }],
          name,
          collection,
        })),
      },
    }))
    .get('/v2.0/extensions', () => ({
      status: 200,
      body: {
        extensions: EXTENSIONS.map(([alias, name, description]) => ({
          alias,
          name,
          description,
          links: [],
          updated: '2013-01-20T00:00:00-00:00',
        })),
      },
    }))
    .get('/v2.0/extensions/:alias', ({ params }) => {
      const { alias } = params;
      const found = EXTENSIONS.find(([a]) => a === alias);
      if (!found) throw new ApiError(404, `Extension with alias ${alias} does not exist`, { type: 'HTTPNotFound' });
      const [, name, description] = found;
      return { status: 200, body: { extension: { alias, name, description, links: [], updated: '2013-01-20T00:00:00-00:00' } } };
    })
    .get('/v2.0/networks', (call) =>
      listCollection(
        call,
        'networks',
        visibleNetworks(call).map((n) => networkView(n, call.auth)),
      ),
    )
    .get('/v2.0/networks/:id', (call) => {
      const { id } = call.params;
      const network = visibleNetworks(call).find((n) => n.id === id);
      if (!network) throw new ApiError(404, `Network ${id} could not be found.`, { type: 'NetworkNotFound' });
      return { status: 200, body: { network: selectFields(networkView(network, call.auth), call.ctx.query.getAll('fields')) } };
    })
    .get('/v2.0/availability_zones', () => ({
      status: 200,
      body: { availability_zones: ['network', 'router'].map((resource) => ({ name: 'nova', resource, state: 'available' })) },
    }))
    .get('/v2.0/quotas/:project', ({ auth, params }) => {
      if (!auth.isAdmin && params['project'] !== auth.project?.id) throw new ApiError(403, 'Not authorized.', { type: 'HTTPForbidden' });
      // Neutron's default quotas; networking quotas are reported, not enforced.
      return {
        status: 200,
        body: {
          quota: {
            network: 100,
            subnet: 100,
            subnetpool: -1,
            port: 500,
            router: 10,
            floatingip: 50,
            security_group: 10,
            security_group_rule: 100,
            rbac_policy: 10,
          },
        },
      };
    })
    .get('/v2.0/security-groups', (call) =>
      listCollection(
        call,
        'security_groups',
        visibleSecurityGroups(call).map((g) => securityGroupView(g)),
      ),
    )
    .get('/v2.0/security-groups/:id', (call) => ({
      status: 200,
      body: { security_group: selectFields(securityGroupView(findSecurityGroup(call)), call.ctx.query.getAll('fields')) },
    }))
    .post('/v2.0/security-groups', createSecurityGroup)
    .delete('/v2.0/security-groups/:id', deleteSecurityGroup)
    .get('/v2.0/subnets', (call) =>
      listCollection(
        call,
        'subnets',
        visibleNetworks(call).map((n) => subnetView(n)),
      ),
    )
    .get('/v2.0/subnets/:id', (call) => {
      const { id } = call.params;
      const network = visibleNetworks(call).find((n) => n.subnetId === id);
      if (!network) throw new ApiError(404, `Subnet ${id} could not be found.`, { type: 'SubnetNotFound' });
      return { status: 200, body: { subnet: selectFields(subnetView(network), call.ctx.query.getAll('fields')) } };
    })
    .get('/v2.0/ports', (call) =>
      listCollection(
        call,
        'ports',
        visiblePorts(call).map((p) => portView(p, call)),
      ),
    )
    .get('/v2.0/ports/:id', (call) => {
      const { id } = call.params;
      const port = visiblePorts(call).find((p) => p.address.portId === id);
      if (!port) throw new ApiError(404, `Port ${id} could not be found.`, { type: 'PortNotFound' });
      return { status: 200, body: { port: selectFields(portView(port, call), call.ctx.query.getAll('fields')) } };
    });
}

function handleNetwork(router: Router<NetworkHandler>, sim: Simulation, ctx: RequestContext, subPath: string): SimResponse {
  try {
    if (subPath === '/' || subPath === '') {
      return {
        status: 200,
        body: { versions: [{ id: 'v2.0', status: 'CURRENT', links: [{ href: `${ctx.baseUrl}/network/v2.0/`, rel: 'self' }] }] },
        // The version list is answered before Neutron's request-id middleware.
        withoutRequestId: true,
      };
    }
    // Neutron accepts an optional `.json` suffix on resource paths (python-neutronclient still sends it).
    const path = subPath.replace(/\.json$/, '');
    const match = router.match(ctx.method, path);
    if (match.kind === 'not-found') throw new ApiError(404, 'The resource could not be found.', { type: 'HTTPNotFound' });
    if (match.kind === 'method-not-allowed') throw new ApiError(405, 'The method is not allowed.', { type: 'HTTPMethodNotAllowed' });
    const auth = authenticate(sim, ctx);
    requireProject(auth, ctx);
    const response = match.handler({ sim, ctx, auth, params: match.params });
    return ctx.method === 'HEAD' ? { ...response, body: undefined } : response;
  } catch (error) {
    if (error instanceof ApiError) return renderNetworkError(error);
    throw error;
  }
}

function renderNetworkError(error: ApiError): SimResponse {
  const type =
    error.options.type ??
    (error.status === 503 ? 'ServiceUnavailable' : error.status >= 500 ? 'HTTPInternalServerError' : 'HTTPBadRequest');
  return {
    status: error.status,
    body: error.options.body ?? { NeutronError: { type, message: error.message, detail: '' } },
    headers: error.options.headers,
  };
}

function visibleNetworks({ sim, auth }: ScopedCall): Network[] {
  return [...sim.state.networks.values()].filter((n) => networkVisibleTo(n, auth.project?.id, auth.isAdmin));
}

// ---- ports ----

/** A server's port: one per fixed address Nova asked Neutron for. */
interface ServerPort {
  server: Server;
  address: ServerAddress;
  /** Whether the build has ended (the port is bound to the compute host and up). */
  bound: boolean;
}

/**
 * The ports of servers the caller sees: its project's, every project's for admins. A port exists from the server's
 * create until its deletion ends; a server whose build failed has none (Nova deallocated them).
 */
function visiblePorts({ sim, auth }: ScopedCall): ServerPort[] {
  const now = Date.now();
  const ports: ServerPort[] = [];
  for (const server of sim.state.liveServers(now)) {
    if (!auth.isAdmin && server.projectId !== auth.project?.id) continue;
    if (serverPhase(server, now) === 'deleted') continue;
    const bound = buildFinished(server, now);
    if (bound && server.outcome !== 'ACTIVE') continue;
    for (const address of server.addresses) ports.push({ server, address, bound });
  }
  return ports;
}

/** A server's port as Zed's ML2/OVS Neutron shows it; the `binding:` details other than the vNIC type are admin-only. */
function portView({ server, address, bound }: ServerPort, { sim, auth }: ScopedCall): Record<string, unknown> {
  const network = sim.state.networks.get(address.networkId);
  const created = isoSeconds(server.createdAt);
  // The port's create made the project's default group, as Neutron does; the server's groups are kept by name.
  const securityGroups = sim.state
    .securityGroupsOf(server.projectId, server.createdAt)
    .filter((g) => server.securityGroups.includes(g.name))
    .map((g) => g.id);
  const view: Record<string, unknown> = {
    id: address.portId,
    name: '',
    network_id: address.networkId,
    tenant_id: server.projectId,
    mac_address: address.mac,
    admin_state_up: true,
    // DOWN until the server is up on its host.
    status: bound ? 'ACTIVE' : 'DOWN',
    device_id: server.id,
    device_owner: `compute:${server.requestedZone ?? DEFAULT_ZONE}`,
    fixed_ips: network ? [{ subnet_id: network.subnetId, ip_address: address.addr }] : [],
    allowed_address_pairs: [],
    extra_dhcp_opts: [],
    security_groups: securityGroups,
    description: '',
    'binding:vnic_type': 'normal',
    port_security_enabled: true,
    tags: [],
    created_at: created,
    // Bound (host, then status) when the build ends.
    updated_at: bound ? isoSeconds(server.buildDoneAt) : created,
    revision_number: bound ? 3 : 1,
    project_id: server.projectId,
  };
  if (auth.isAdmin) {
    Object.assign(view, {
      'binding:host_id': bound ? COMPUTE_HOST : '',
      'binding:profile': {},
      'binding:vif_details': bound
        ? { connectivity: 'l2', port_filter: true, ovs_hybrid_plug: false, datapath_type: 'system', bridge_name: 'br-int' }
        : {},
      'binding:vif_type': bound ? 'ovs' : 'unbound',
    });
  }
  return view;
}

// ---- security groups ----

/**
 * The caller's project's groups (its `default` one made on first use, as Neutron does), plus every project's for
 * admins.
 */
function visibleSecurityGroups({ sim, auth }: ScopedCall): SecurityGroup[] {
  const now = Date.now();
  const own = auth.project ? sim.state.securityGroupsOf(auth.project.id, now) : [];
  return auth.isAdmin ? [...sim.state.securityGroups.values()] : own;
}

function findSecurityGroup(call: ScopedCall): SecurityGroup {
  const { id } = call.params;
  const group = visibleSecurityGroups(call).find((g) => g.id === id);
  if (!group) throw new ApiError(404, `Security group ${id} does not exist`, { type: 'SecurityGroupNotFound' });
  return group;
}

/** Neutron's new-default policies let only members (and admins) change security groups. */
function requireNetworkMember({ sim, auth }: ScopedCall, rule: string): void {
  if (sim.behaviour.policyDefaults === 'legacy' || auth.isAdmin || auth.roleNames.includes('member')) return;
  throw new ApiError(403, `(rule:${rule}) is disallowed by policy`, { type: 'PolicyNotAuthorized' });
}

function createSecurityGroup(call: ScopedCall): SimResponse {
  requireNetworkMember(call, 'create_security_group');
  const body = call.ctx.jsonObject(() => new ApiError(400, 'Malformed request body', { type: 'HTTPBadRequest' }));
  const input = body['security_group'];
  const invalid = (message: string) => new ApiError(400, `Invalid input for operation: ${message}`, { type: 'InvalidInput' });
  if (!isRecord(input)) throw new ApiError(400, 'Resource body required', { type: 'HTTPBadRequest' });
  const allowed = new Set(['name', 'description', 'stateful', 'tenant_id', 'project_id']);
  for (const key of Object.keys(input)) {
    if (!allowed.has(key)) throw new ApiError(400, `Unrecognized attribute(s) '${key}'`, { type: 'HTTPBadRequest' });
  }
  const name = input['name'] ?? '';
  const description = input['description'] ?? '';
  if (typeof name !== 'string' || name.length > 255) throw invalid(`'${String(name)}' is not a valid string`);
  if (typeof description !== 'string' || description.length > 255) throw invalid(`'${String(description)}' is not a valid string`);
  const stateful = input['stateful'] ?? true;
  if (typeof stateful !== 'boolean') throw invalid(`'${String(stateful)}' is not a valid boolean value`);
  const projectId = call.auth.project?.id ?? '';
  const own = call.sim.state.securityGroupsOf(projectId, Date.now());
  if (name === 'default' && own.some((g) => g.name === 'default')) {
    throw new ApiError(409, 'Default security group already exists.', { type: 'SecurityGroupDefaultAlreadyExists' });
  }
  const group: SecurityGroup = { id: randomUUID(), name, description, projectId, stateful, createdAt: Date.now() };
  call.sim.state.securityGroups.set(group.id, group);
  return { status: 201, body: { security_group: securityGroupView(group) } };
}

function deleteSecurityGroup(call: ScopedCall): SimResponse {
  requireNetworkMember(call, 'delete_security_group');
  const group = findSecurityGroup(call);
  if (group.name === 'default' && !call.auth.isAdmin) {
    throw new ApiError(409, 'Removing default security group not allowed.', { type: 'SecurityGroupCannotRemoveDefault' });
  }
  const now = Date.now();
  const inUse = call.sim.state
    .liveServers(now)
    .some((s) => s.projectId === group.projectId && s.securityGroups.includes(group.name) && s.addresses.length > 0);
  if (inUse) throw new ApiError(409, `Security Group ${group.id} in use.`, { type: 'SecurityGroupInUse' });
  call.sim.state.securityGroups.delete(group.id);
  return { status: 204 };
}

/** A group as Zed's Neutron shows it: `shared` on the group, `standard_attr_id` on its rules (no `belongs_to_default_sg`: newer). */
function securityGroupView(g: SecurityGroup): Record<string, unknown> {
  const time = isoSeconds(g.createdAt);
  const rule = (n: number, direction: string, ethertype: string) => ({
    id: stableUuid('security-group-rule', `${g.id}/${n}`),
    tenant_id: g.projectId,
    security_group_id: g.id,
    ethertype,
    direction,
    protocol: null,
    port_range_min: null,
    port_range_max: null,
    remote_ip_prefix: null,
    remote_address_group_id: null,
    normalized_cidr: null,
    // The default group lets its own members in.
    remote_group_id: direction === 'ingress' ? g.id : null,
    description: '',
    tags: [],
    created_at: time,
    updated_at: time,
    revision_number: 0,
    project_id: g.projectId,
    // Neutron's internal id of the rule's standard attributes; a real Zed shows it, as a number.
    standard_attr_id: standardAttrId(`${g.id}/${n}`),
  });
  const rules = [rule(1, 'egress', 'IPv4'), rule(2, 'egress', 'IPv6')];
  if (g.name === 'default') rules.push(rule(3, 'ingress', 'IPv4'), rule(4, 'ingress', 'IPv6'));
  return {
    id: g.id,
    name: g.name,
    stateful: g.stateful,
    shared: false,
    tenant_id: g.projectId,
    description: g.description,
    security_group_rules: rules,
    tags: [],
    created_at: time,
    updated_at: time,
    revision_number: 1,
    project_id: g.projectId,
  };
}

/** A stable positive number per key, like the row ids Neutron shows as `standard_attr_id`. */
function standardAttrId(key: string): number {
  let hash = 0;
  for (const char of key) hash = (hash * 31 + char.charCodeAt(0)) % 1_000_000;
  return hash + 1;
}

/** Equality filters on any attribute (repeatable: any value matches), `fields`, and `limit`/`marker` paging. */
function listCollection({ ctx }: ScopedCall, collection: string, items: Record<string, unknown>[]): SimResponse {
  const { query } = ctx;
  const reserved = new Set(['fields', 'limit', 'marker', 'page_reverse', 'sort_key', 'sort_dir']);
  let result = items;
  for (const key of new Set(query.keys())) {
    if (reserved.has(key)) continue;
    const wanted = query.getAll(key);
    result = result.filter((item) => key in item && wanted.some((w) => matchesFilter(item[key], w)));
  }
  result = [...result].sort((a, b) => String(a['id']).localeCompare(String(b['id'])));
  const body: Record<string, unknown> = {};
  const limitParam = query.get('limit');
  if (limitParam !== null) {
    if (!/^\d+$/.test(limitParam)) {
      throw new ApiError(400, `Invalid input for operation: '${limitParam}' is not an integer.`, { type: 'InvalidInput' });
    }
    const marker = query.get('marker');
    let start = 0;
    if (marker !== null) {
      const index = result.findIndex((item) => item['id'] === marker);
      if (index < 0) throw new ApiError(404, `${collection.slice(0, -1)} ${marker} could not be found.`, { type: 'NotFound' });
      start = index + 1;
    }
    const limit = Number(limitParam);
    const page = limit > 0 ? result.slice(start, start + limit) : result.slice(start);
    const links: { href: string; rel: string }[] = [];
    const linkTo = (markerId: unknown, reverse: boolean) => {
      const params = new URLSearchParams(query);
      params.set('marker', String(markerId));
      if (reverse) params.set('page_reverse', 'True');
      else params.delete('page_reverse');
      return `${ctx.baseUrl}/network/v2.0/${collection}?${params.toString()}`;
    };
    if (limit > 0 && page.length === limit && start + limit < result.length)
      links.push({ href: linkTo(page[page.length - 1]['id'], false), rel: 'next' });
    if (marker !== null && page.length > 0) links.push({ href: linkTo(page[0]['id'], true), rel: 'previous' });
    result = page;
    if (links.length > 0) body[`${collection}_links`] = links;
  }
  const fields = query.getAll('fields');
  return { status: 200, body: { [collection]: result.map((item) => selectFields(item, fields)), ...body } };
}

function networkView(n: Network, auth: AuthContext): Record<string, unknown> {
  const time = isoSeconds(n.createdAt);
  const view: Record<string, unknown> = {
    id: n.id,
    name: n.name,
    tenant_id: n.projectId,
    admin_state_up: true,
    mtu: n.mtu,
    status: 'ACTIVE',
    subnets: [n.subnetId],
    shared: n.shared,
    availability_zone_hints: [],
    availability_zones: ['nova'],
    ipv4_address_scope: null,
    ipv6_address_scope: null,
    'router:external': n.external,
    description: '',
    port_security_enabled: true,
    // No `qos_policy_id` (the qos service plugin is not loaded) and no `l2_adjacency`, as on a Zed ML2 deployment.
    tags: [],
    created_at: time,
    updated_at: time,
    revision_number: 1,
    project_id: n.projectId,
    // From the auto-allocated-topology extension: shown on every network, true only on the default external one.
    is_default: false,
  };
  if (auth.isAdmin) {
    Object.assign(view, {
      'provider:network_type': n.external ? 'flat' : 'vxlan',
      'provider:physical_network': n.external ? 'public' : null,
      'provider:segmentation_id': n.external ? null : 1000 + (parseInt(n.id.slice(0, 4), 16) % 1000),
    });
  }
  return view;
}

function subnetView(n: Network): Record<string, unknown> {
  const [address, prefix] = n.cidr.split('/');
  const base = address.split('.').slice(0, 3).join('.');
  const time = isoSeconds(n.createdAt);
  return {
    id: n.subnetId,
    name: `${n.name}-subnet`,
    tenant_id: n.projectId,
    network_id: n.id,
    ip_version: 4,
    subnetpool_id: null,
    enable_dhcp: !n.external,
    ipv6_ra_mode: null,
    ipv6_address_mode: null,
    gateway_ip: `${base}.1`,
    cidr: `${n.cidr.split('/')[0]}/${prefix}`,
    allocation_pools: [{ start: `${base}.2`, end: `${base}.${Math.min(254, 2 ** (32 - Number(prefix)) - 2)}` }],
    host_routes: [],
    dns_nameservers: [],
    description: '',
    service_types: [],
    tags: [],
    created_at: time,
    updated_at: time,
    revision_number: 0,
    project_id: n.projectId,
  };
}

/** Query values are strings; booleans match `True`/`true`, lists match any element. */
function matchesFilter(value: unknown, wanted: string): boolean {
  if (typeof value === 'boolean') return String(value) === wanted.toLowerCase();
  if (Array.isArray(value)) return value.some((v) => String(v) === wanted);
  return String(value) === wanted;
}

function selectFields(item: Record<string, unknown>, fields: string[]): Record<string, unknown> {
  if (fields.length === 0) return item;
  return Object.fromEntries(Object.entries(item).filter(([key]) => fields.includes(key)));
}
