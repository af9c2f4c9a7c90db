import { MalformedResponse, arrayField, asObject, field, num, optBool, optDate, optNum, optStr, str, stringArray } from '../http/json';
import { nextLink, type Page } from '../http/pagination';

export interface Network {
  id: string;
  name: string;
  /** `ACTIVE`, `DOWN`, `BUILD` or `ERROR`. */
  status: string;
  shared: boolean;
  /** `router:external`: a provider network floating IPs come from. */
  external: boolean;
  /** Subnet ids. */
  subnets: string[];
  projectId?: string;
  adminStateUp: boolean;
  mtu?: number;
  description?: string;
  createdAt?: Date;
  updatedAt?: Date;
}

export interface ListNetworksFilter {
  /** Exact name. */
  name?: string;
  shared?: boolean;
  external?: boolean;
  projectId?: string;
  status?: string;
  /** Page size asked of Neutron; every page is fetched anyway. */
  pageSize?: number;
}

export function parseNetwork(raw: unknown): Network {
  const n = asObject(raw, 'network');
  return {
    id: str(n, 'id', 'network'),
    name: optStr(n, 'name') ?? '',
    status: optStr(n, 'status') ?? 'UNKNOWN',
    shared: optBool(n, 'shared') ?? false,
    external: optBool(n, 'router:external') ?? false,
    subnets: stringArray(n, 'subnets'),
    projectId: optStr(n, 'project_id') ?? optStr(n, 'tenant_id'),
    adminStateUp: optBool(n, 'admin_state_up') ?? true,
    mtu: optNum(n, 'mtu'),
    description: optStr(n, 'description'),
    createdAt: optDate(n, 'created_at', 'network'),
    updatedAt: optDate(n, 'updated_at', 'network'),
  };
}

export function parseNetworkBody(body: unknown): Network {
  return parseNetwork(field(body, 'network', 'body'));
}

/** `GET /v2.0/networks`; `networks_links` appears only when the caller paginates. */
export function parseNetworkPage(body: unknown): Page<Network> {
  const o = asObject(body, 'body');
  return { items: arrayField(o, 'networks', 'body').map(parseNetwork), next: nextLink(o['networks_links']) };
}

/** A Neutron port: for a server, one per network it is on (`device_id` is the server's id). */
export interface Port {
  id: string;
  name: string;
  networkId: string;
  /** What uses the port: a server's id for a Nova port; empty when unused. */
  deviceId: string;
  /** `compute:<zone>` for a server's port, `network:dhcp`, `network:router_interface`, `Octavia`...; empty when unused. */
  deviceOwner: string;
  macAddress: string;
  /** `ACTIVE`, `DOWN` or `BUILD`. */
  status: string;
  projectId?: string;
  /** The addresses the port holds, each on a subnet of its network. */
  fixedIps: { subnetId: string; ipAddress: string }[];
}

export interface ListPortsFilter {
  /** The ports of one server (or other device). */
  deviceId?: string;
  networkId?: string;
  /** Admins see every project's ports: this narrows them to one project's. */
  projectId?: string;
  /** Page size asked of Neutron; every page is fetched anyway. */
  pageSize?: number;
}

export function parsePort(raw: unknown): Port {
  const p = asObject(raw, 'port');
  const fixedIps = Array.isArray(p['fixed_ips']) ? p['fixed_ips'] : [];
  return {
    id: str(p, 'id', 'port'),
    name: optStr(p, 'name') ?? '',
    networkId: str(p, 'network_id', 'port'),
    deviceId: optStr(p, 'device_id') ?? '',
    deviceOwner: optStr(p, 'device_owner') ?? '',
    macAddress: optStr(p, 'mac_address') ?? '',
    status: optStr(p, 'status') ?? 'UNKNOWN',
    projectId: optStr(p, 'project_id') ?? optStr(p, 'tenant_id'),
    fixedIps: fixedIps.map((entry) => {
      const ip = asObject(entry, 'port.fixed_ips[]');
      return { subnetId: str(ip, 'subnet_id', 'port.fixed_ips[]'), ipAddress: str(ip, 'ip_address', 'port.fixed_ips[]') };
    }),
  };
}

export function parsePortBody(body: unknown): Port {
  return parsePort(field(body, 'port', 'body'));
}

/** `GET /v2.0/ports`; `ports_links` appears only when the caller paginates. */
export function parsePortPage(body: unknown): Page<Port> {
  const o = asObject(body, 'body');
  return { items: arrayField(o, 'ports', 'body').map(parsePort), next: nextLink(o['ports_links']) };
}

export interface Subnet {
  id: string;
  name: string;
  networkId: string;
  ipVersion: 4 | 6;
  /** E.g. `10.0.0.0/24`. */
  cidr: string;
  /** Null when the subnet has no gateway. */
  gatewayIp: string | null;
  projectId?: string;
}

export interface ListSubnetsFilter {
  networkId?: string;
  projectId?: string;
}

export function parseSubnet(raw: unknown): Subnet {
  const s = asObject(raw, 'subnet');
  const ipVersion = num(s, 'ip_version', 'subnet');
  if (ipVersion !== 4 && ipVersion !== 6) throw new MalformedResponse(`subnet.ip_version is not 4 or 6: ${ipVersion}`);
  const gateway = s['gateway_ip'];
  return {
    id: str(s, 'id', 'subnet'),
    name: optStr(s, 'name') ?? '',
    networkId: str(s, 'network_id', 'subnet'),
    ipVersion,
    cidr: str(s, 'cidr', 'subnet'),
    gatewayIp: typeof gateway === 'string' && gateway !== '' ? gateway : null,
    projectId: optStr(s, 'project_id') ?? optStr(s, 'tenant_id'),
  };
}

export function parseSubnetBody(body: unknown): Subnet {
  return parseSubnet(field(body, 'subnet', 'body'));
}

/** `GET /v2.0/subnets`; `subnets_links` appears only when the caller paginates. */
export function parseSubnetPage(body: unknown): Page<Subnet> {
  const o = asObject(body, 'body');
  return { items: arrayField(o, 'subnets', 'body').map(parseSubnet), next: nextLink(o['subnets_links']) };
}

export interface SecurityGroup {
  id: string;
  name: string;
  description: string;
  projectId?: string;
  /** Absent on clouds without the `stateful-security-group` extension. */
  stateful?: boolean;
}

export interface ListSecurityGroupsFilter {
  /** Admins see every project's groups: this narrows them to one project's. */
  projectId?: string;
  /** Exact name. */
  name?: string;
}

/** What {@link NetworkClient.resolveSecurityGroups} found for a list of names or ids. */
export interface ResolvedSecurityGroups {
  /** One group per reference found, in the order asked. */
  found: SecurityGroup[];
  /** References that are neither the id nor the name of a group of the project. */
  missing: string[];
  /** Names several groups share (Nova refuses them with a 409: use the id). */
  ambiguous: string[];
}

export function parseSecurityGroup(raw: unknown): SecurityGroup {
  const g = asObject(raw, 'security_group');
  return {
    id: str(g, 'id', 'security_group'),
    name: optStr(g, 'name') ?? '',
    description: optStr(g, 'description') ?? '',
    projectId: optStr(g, 'project_id') ?? optStr(g, 'tenant_id'),
    stateful: optBool(g, 'stateful'),
  };
}

export function parseSecurityGroupBody(body: unknown): SecurityGroup {
  return parseSecurityGroup(field(body, 'security_group', 'body'));
}

/** `GET /v2.0/security-groups`; `security_groups_links` appears only when the caller paginates. */
export function parseSecurityGroupPage(body: unknown): Page<SecurityGroup> {
  const o = asObject(body, 'body');
  return { items: arrayField(o, 'security_groups', 'body').map(parseSecurityGroup), next: nextLink(o['security_groups_links']) };
}

/** Nova's order: an id first (always unique), then a name, which must be unique. */
export function resolveSecurityGroupRefs(groups: readonly SecurityGroup[], refs: readonly string[]): ResolvedSecurityGroups {
  const result: ResolvedSecurityGroups = { found: [], missing: [], ambiguous: [] };
  for (const ref of refs) {
    const byId = groups.find((g) => g.id === ref);
    const byName = groups.filter((g) => g.name === ref);
    const [only] = byName;
    if (byId) result.found.push(byId);
    else if (byName.length > 1) result.ambiguous.push(ref);
    else if (only) result.found.push(only);
    else result.missing.push(ref);
  }
  return result;
}
