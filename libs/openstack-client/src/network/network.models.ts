import { arrayField, asObject, field, optBool, optDate, optNum, optStr, str, stringArray } from '../http/json';
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
