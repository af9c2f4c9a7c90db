import { splitEndpoint } from '../http/url';
import type { Session } from '../identity/session';
import { ServiceClient, type RequestOptions } from '../service-client';
import {
  parseNetworkBody,
  parseNetworkPage,
  parsePortPage,
  parseSecurityGroupBody,
  parseSecurityGroupPage,
  parseSubnetBody,
  parseSubnetPage,
  resolveSecurityGroupRefs,
  type ListNetworksFilter,
  type ListPortsFilter,
  type ListSecurityGroupsFilter,
  type ListSubnetsFilter,
  type Network,
  type Port,
  type ResolvedSecurityGroups,
  type SecurityGroup,
  type Subnet,
} from './network.models';

/** Neutron v2.0 (read only): networks, subnets, ports and security groups. */
export class NetworkClient extends ServiceClient {
  constructor(session: Session) {
    super(session, 'network');
  }

  async listNetworks(filter: ListNetworksFilter = {}, options?: RequestOptions): Promise<Network[]> {
    const query = new URLSearchParams();
    if (filter.name !== undefined) query.set('name', filter.name);
    if (filter.shared !== undefined) query.set('shared', String(filter.shared));
    if (filter.external !== undefined) query.set('router:external', String(filter.external));
    if (filter.projectId !== undefined) query.set('project_id', filter.projectId);
    if (filter.status !== undefined) query.set('status', filter.status);
    if (filter.pageSize !== undefined) query.set('limit', String(filter.pageSize));
    return this.collect('/networks', query, parseNetworkPage, options);
  }

  async getNetwork(id: string, options?: RequestOptions): Promise<Network> {
    const response = await this.call('GET', '/networks/{id}', { params: { id }, ...options });
    return this.parse(response, '/networks/{id}', parseNetworkBody);
  }

  async listSubnets(filter: ListSubnetsFilter = {}, options?: RequestOptions): Promise<Subnet[]> {
    const query = new URLSearchParams();
    if (filter.networkId !== undefined) query.set('network_id', filter.networkId);
    if (filter.projectId !== undefined) query.set('project_id', filter.projectId);
    return this.collect('/subnets', query, parseSubnetPage, options);
  }

  async getSubnet(id: string, options?: RequestOptions): Promise<Subnet> {
    const response = await this.call('GET', '/subnets/{id}', { params: { id }, ...options });
    return this.parse(response, '/subnets/{id}', parseSubnetBody);
  }

  /**
   * The ports the caller sees (its project's; admins see all). With `deviceId` a server's id: its ports, whose
   * `fixedIps` say which address it has on which subnet.
   */
  async listPorts(filter: ListPortsFilter = {}, options?: RequestOptions): Promise<Port[]> {
    const query = new URLSearchParams();
    if (filter.deviceId !== undefined) query.set('device_id', filter.deviceId);
    if (filter.networkId !== undefined) query.set('network_id', filter.networkId);
    if (filter.projectId !== undefined) query.set('project_id', filter.projectId);
    if (filter.pageSize !== undefined) query.set('limit', String(filter.pageSize));
    return this.collect('/ports', query, parsePortPage, options);
  }

  /** The security groups the caller sees: its project's (Neutron makes the `default` one on first use); admins see all. */
  async listSecurityGroups(filter: ListSecurityGroupsFilter = {}, options?: RequestOptions): Promise<SecurityGroup[]> {
    const query = new URLSearchParams();
    if (filter.projectId !== undefined) query.set('project_id', filter.projectId);
    if (filter.name !== undefined) query.set('name', filter.name);
    return this.collect('/security-groups', query, parseSecurityGroupPage, options);
  }

  async getSecurityGroup(id: string, options?: RequestOptions): Promise<SecurityGroup> {
    const response = await this.call('GET', '/security-groups/{id}', { params: { id }, ...options });
    return this.parse(response, '/security-groups/{id}', parseSecurityGroupBody);
  }

  /**
   * Resolves security group names or ids as Nova will on server create, against the groups of `projectId` (default:
   * those the caller sees, which for an admin means every project's: pass the project then). Nothing is thrown for
   * a reference that does not resolve: it is reported in `missing` or `ambiguous`.
   */
  async resolveSecurityGroups(
    refs: readonly string[],
    filter: Pick<ListSecurityGroupsFilter, 'projectId'> = {},
    options?: RequestOptions,
  ): Promise<ResolvedSecurityGroups> {
    return resolveSecurityGroupRefs(await this.listSecurityGroups(filter, options), refs);
  }

  /** Neutron is published as `http://h:9696/` or `.../v2.0`: either way we speak v2.0. */
  protected override async resolveBaseUrl(): Promise<string> {
    return `${splitEndpoint(await this.session.endpoint('network')).root}/v2.0`;
  }
}
