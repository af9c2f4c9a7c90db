import { splitEndpoint } from '../http/url';
import type { Session } from '../identity/session';
import { ServiceClient, type RequestOptions } from '../service-client';
import { parseNetworkBody, parseNetworkPage, type ListNetworksFilter, type Network } from './network.models';

/** Neutron v2.0 (read only). */
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

  /** Neutron is published as `http://h:9696/` or `.../v2.0`: either way we speak v2.0. */
  protected override async resolveBaseUrl(): Promise<string> {
    return `${splitEndpoint(await this.session.endpoint('network')).root}/v2.0`;
  }
}
