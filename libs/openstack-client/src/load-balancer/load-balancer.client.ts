import { LoadBalancerImmutableError, OpenStackError } from '../errors';
import type { HttpMethod, HttpResponse } from '../http/transport';
import { splitEndpoint } from '../http/url';
import type { Session } from '../identity/session';
import { ServiceClient, type CallOptions, type RequestOptions } from '../service-client';
import {
  buildBatchUpdateMembersBody,
  buildCreateMemberBody,
  buildUpdateMemberBody,
  parseHealthMonitorBody,
  parseHealthMonitorPage,
  parseLoadBalancerBody,
  parseLoadBalancerPage,
  parseLoadBalancerStatusBody,
  parseMemberBody,
  parseMemberPage,
  parsePoolBody,
  parsePoolPage,
  type BatchMember,
  type CreateMemberRequest,
  type HealthMonitor,
  type ListHealthMonitorsFilter,
  type ListLoadBalancersFilter,
  type ListMembersFilter,
  type ListPoolsFilter,
  type LoadBalancer,
  type LoadBalancerStatusTree,
  type Member,
  type Pool,
  type UpdateMemberRequest,
} from './load-balancer.models';

/** Octavia's query names for the filters, in the order they are sent. */
function filterQuery(filters: Record<string, string | number | undefined>): URLSearchParams {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(filters)) if (value !== undefined) query.set(key, String(value));
  return query;
}

/**
 * Octavia v2 (catalog type `load-balancer`): load balancers, pools and health monitors (read only), and the members
 * of a pool (read, create, update, delete, batch update). Optional: without Octavia in the catalog, {@link available}
 * is false and every call fails with an `OpenStackError` whose fault is `EndpointNotFound` (status 0), before any
 * request is sent.
 *
 * Every member write puts the load balancer `PENDING_UPDATE` until its amphorae have the change; meanwhile Octavia
 * refuses writes to it with a 409, thrown here as a {@link LoadBalancerImmutableError}.
 */
export class LoadBalancerClient extends ServiceClient {
  constructor(session: Session) {
    super(session, 'load-balancer');
  }

  /** The load balancers the caller sees: its project's, every project's for an admin (narrowed by `projectId`). */
  listLoadBalancers(filter: ListLoadBalancersFilter = {}, options?: RequestOptions): Promise<LoadBalancer[]> {
    const query = filterQuery({ project_id: filter.projectId, name: filter.name, limit: filter.pageSize });
    return this.collect('/lbaas/loadbalancers', query, parseLoadBalancerPage, options);
  }

  async getLoadBalancer(id: string, options?: RequestOptions): Promise<LoadBalancer> {
    const response = await this.call('GET', '/lbaas/loadbalancers/{id}', { params: { id }, ...options });
    return this.parse(response, '/lbaas/loadbalancers/{id}', parseLoadBalancerBody);
  }

  /** The status tree: the load balancer, its listeners, pools, health monitors and members, each with its statuses. */
  async getLoadBalancerStatus(id: string, options?: RequestOptions): Promise<LoadBalancerStatusTree> {
    const response = await this.call('GET', '/lbaas/loadbalancers/{id}/status', { params: { id }, ...options });
    return this.parse(response, '/lbaas/loadbalancers/{id}/status', parseLoadBalancerStatusBody);
  }

  listPools(filter: ListPoolsFilter = {}, options?: RequestOptions): Promise<Pool[]> {
    const query = filterQuery({
      loadbalancer_id: filter.loadBalancerId,
      project_id: filter.projectId,
      name: filter.name,
      limit: filter.pageSize,
    });
    return this.collect('/lbaas/pools', query, parsePoolPage, options);
  }

  async getPool(id: string, options?: RequestOptions): Promise<Pool> {
    const response = await this.call('GET', '/lbaas/pools/{id}', { params: { id }, ...options });
    return this.parse(response, '/lbaas/pools/{id}', parsePoolBody);
  }

  listMembers(poolId: string, filter: ListMembersFilter = {}, options?: RequestOptions): Promise<Member[]> {
    const query = filterQuery({ address: filter.address, protocol_port: filter.protocolPort, name: filter.name, limit: filter.pageSize });
    return this.collect('/lbaas/pools/{poolId}/members', query, parseMemberPage, { params: { poolId }, ...options });
  }

  async getMember(poolId: string, id: string, options?: RequestOptions): Promise<Member> {
    const response = await this.call('GET', '/lbaas/pools/{poolId}/members/{id}', { params: { poolId, id }, ...options });
    return this.parse(response, '/lbaas/pools/{poolId}/members/{id}', parseMemberBody);
  }

  /**
   * Adds a member (sent once, never retried: after a lost answer, look for it with `listMembers({ address })`).
   * 409 {@link LoadBalancerImmutableError} while the load balancer is `PENDING_*`; 409 `OpenStackError` when the
   * pool already has a member at that address and port.
   */
  async createMember(poolId: string, request: CreateMemberRequest, options?: RequestOptions): Promise<Member> {
    const response = await this.call('POST', '/lbaas/pools/{poolId}/members', {
      params: { poolId },
      body: buildCreateMemberBody(request),
      ...options,
    });
    return this.parse(response, '/lbaas/pools/{poolId}/members', parseMemberBody);
  }

  /** Changes a member's weight (0 drains it: no new connections), name, tags, backup or admin state. */
  async updateMember(poolId: string, id: string, changes: UpdateMemberRequest, options?: RequestOptions): Promise<Member> {
    const response = await this.call('PUT', '/lbaas/pools/{poolId}/members/{id}', {
      params: { poolId, id },
      body: buildUpdateMemberBody(changes),
      ...options,
    });
    return this.parse(response, '/lbaas/pools/{poolId}/members/{id}', parseMemberBody);
  }

  /**
   * Removes a member. Returns false when it was already gone and `ignoreNotFound` is set (a 404 otherwise). Octavia
   * goes on showing it `PENDING_DELETE` until the load balancer is `ACTIVE` again.
   */
  async deleteMember(poolId: string, id: string, options: RequestOptions & { ignoreNotFound?: boolean } = {}): Promise<boolean> {
    const { ignoreNotFound, ...rest } = options;
    try {
      await this.call('DELETE', '/lbaas/pools/{poolId}/members/{id}', { params: { poolId, id }, ...rest });
      return true;
    } catch (error) {
      if (ignoreNotFound && error instanceof OpenStackError && error.isNotFound) return false;
      throw error;
    }
  }

  /**
   * Replaces the pool's members with `members` in one change (Octavia answers 202 and applies it while the load
   * balancer is `PENDING_UPDATE`): members are matched by address and port, the missing ones created, the others
   * updated, and those not listed deleted, unless `additiveOnly` (then they are kept).
   */
  async batchUpdateMembers(
    poolId: string,
    members: readonly BatchMember[],
    options: RequestOptions & { additiveOnly?: boolean } = {},
  ): Promise<void> {
    const { additiveOnly, ...rest } = options;
    await this.call('PUT', '/lbaas/pools/{poolId}/members', {
      params: { poolId },
      query: additiveOnly ? { additive_only: 'true' } : undefined,
      body: buildBatchUpdateMembersBody(members),
      ...rest,
    });
  }

  listHealthMonitors(filter: ListHealthMonitorsFilter = {}, options?: RequestOptions): Promise<HealthMonitor[]> {
    const query = filterQuery({ project_id: filter.projectId, name: filter.name, limit: filter.pageSize });
    return this.collect('/lbaas/healthmonitors', query, parseHealthMonitorPage, options);
  }

  async getHealthMonitor(id: string, options?: RequestOptions): Promise<HealthMonitor> {
    const response = await this.call('GET', '/lbaas/healthmonitors/{id}', { params: { id }, ...options });
    return this.parse(response, '/lbaas/healthmonitors/{id}', parseHealthMonitorBody);
  }

  /** Octavia's "immutable" 409 becomes a {@link LoadBalancerImmutableError}; every other failure is thrown as is. */
  protected override async call(method: HttpMethod, pathTemplate: string, options: CallOptions = {}): Promise<HttpResponse> {
    try {
      return await super.call(method, pathTemplate, options);
    } catch (error) {
      throw LoadBalancerImmutableError.matches(error) ? LoadBalancerImmutableError.from(error) : error;
    }
  }

  /**
   * Octavia is published unversioned (`http://h:9876`, devstack's `http://h/load-balancer`), sometimes with `/v2` or
   * `/v2.0`: either way we speak v2.
   */
  protected override async resolveBaseUrl(): Promise<string> {
    const catalogUrl = await this.optionalEndpoint('load balancer (Octavia)');
    return `${splitEndpoint(catalogUrl).root}/v2`;
  }
}
