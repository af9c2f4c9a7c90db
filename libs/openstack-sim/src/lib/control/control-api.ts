import { type FaultRule, type SimBehaviour, SIM_SERVICES, type SimService, validateBehaviour, validateFaultRule } from '../behaviour';
import { ApiError, type RequestContext, type SimResponse } from '../http/exchange';
import { type RouteParams, Router } from '../http/router';
import type { RequestLogFilter } from '../request-log';
import type { ComputeQuotas } from '../seed';
import type { Simulation } from '../simulation';
import { type Server, serverPhase } from '../state';
import { serverStates } from '../services/compute/views';
import {
  loadBalancerOperatingStatus,
  loadBalancerProvisioning,
  memberOperatingStatus,
  memberProvisioning,
  membersOf,
} from '../services/load-balancer/health';
import type { LbOperatingStatus, LoadBalancer } from '../state';
import type { SimLoadBalancerInfo, SimQuotaReport, SimServerInfo, SimStatus } from './types';

const OPERATING_STATUSES: readonly LbOperatingStatus[] = ['ONLINE', 'OFFLINE', 'DEGRADED', 'ERROR', 'NO_MONITOR', 'DRAINING'];

type Handler = (ctx: RequestContext, params: RouteParams) => SimResponse;

/** The `/_sim` control API for tests and benchmarks (documented in the library README). Plain JSON, no auth. */
export class ControlApi {
  private readonly router = new Router<Handler>();

  constructor(private readonly sim: Simulation) {
    this.router
      .get('/_sim', (ctx) => ({ status: 200, body: this.status(ctx) }))
      .get('/_sim/config', () => ({ status: 200, body: this.sim.behaviour }))
      .patch('/_sim/config', (ctx) => {
        const changes = this.jsonObject(ctx);
        const problems = validateBehaviour(changes);
        if (problems.length > 0) throw invalid(problems);
        return { status: 200, body: this.sim.configure(changes as Partial<SimBehaviour>) };
      })
      .get('/_sim/faults', () => ({ status: 200, body: { faults: this.sim.activeFaults() } }))
      .post('/_sim/faults', (ctx) => {
        const rule = this.jsonObject(ctx);
        const problems = validateFaultRule(rule);
        if (problems.length > 0) throw invalid(problems);
        return { status: 201, body: this.sim.addFault(rule as FaultRule) };
      })
      .delete('/_sim/faults', () => {
        this.sim.faults = [];
        return { status: 204 };
      })
      .delete('/_sim/faults/:id', (_ctx, { id }) => {
        const before = this.sim.faults.length;
        this.sim.faults = this.sim.faults.filter((f) => f.id !== id);
        if (this.sim.faults.length === before) throw new ApiError(404, `no fault rule ${id}`);
        return { status: 204 };
      })
      .get('/_sim/quotas', () => ({ status: 200, body: this.quotaReport() }))
      .patch('/_sim/quotas', (ctx) => {
        this.setQuotas(ctx);
        return { status: 200, body: this.quotaReport() };
      })
      .patch('/_sim/quotas/:project', (ctx, { project }) => {
        const found = this.sim.state.findProject(project);
        if (!found) throw new ApiError(404, `no project '${project}'`);
        this.setQuotas(ctx, found.id);
        return { status: 200, body: this.quotaReport() };
      })
      .get('/_sim/requests', (ctx) => ({ status: 200, body: { requests: this.sim.log.query(logFilter(ctx.query)) } }))
      .delete('/_sim/requests', () => {
        this.sim.log.clear();
        return { status: 204 };
      })
      .get('/_sim/servers', (ctx) => ({ status: 200, body: { servers: this.servers(ctx.query) } }))
      .patch('/_sim/servers/:id', (ctx, { id }) => {
        const server = this.liveServer(id);
        const body = this.jsonObject(ctx);
        const status = body['status'];
        const message = body['faultMessage'];
        if ((status !== 'ERROR' && status !== 'ACTIVE') || (message !== undefined && typeof message !== 'string')) {
          throw invalid([`'status' must be 'ERROR' or 'ACTIVE', 'faultMessage' a string`]);
        }
        // As if the hypervisor changed it: a build in progress ends now.
        const now = Date.now();
        server.buildDoneAt = Math.min(server.buildDoneAt, now);
        server.outcome = status;
        server.faultMessage = status === 'ERROR' ? (message ?? this.sim.behaviour.serverFaultMessage) : null;
        server.changedAt = now;
        return { status: 200, body: this.serverInfo(server, now) };
      })
      .delete('/_sim/servers/:id', (_ctx, { id }) => {
        // Gone at once, as if someone else deleted it and Nova finished.
        const server = this.liveServer(id);
        server.deleteRequestedAt ??= Date.now();
        server.goneAt = Date.now();
        this.sim.state.liveServers(Date.now());
        return { status: 204 };
      })
      .get('/_sim/load-balancers', () => {
        const now = Date.now();
        this.sim.state.settleLoadBalancers(now);
        return { status: 200, body: { loadBalancers: [...this.sim.state.loadBalancers.values()].map((lb) => this.lbInfo(lb, now)) } };
      })
      .post('/_sim/load-balancers/:id/hold', (ctx, { id }) => {
        // As if the amphorae were slow to take a change: PENDING_UPDATE (writes get 409) for that long; 0 releases it.
        const seconds = this.jsonObject(ctx)['seconds'];
        if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) throw invalid([`'seconds' must be a number >= 0`]);
        const now = Date.now();
        this.sim.state.settleLoadBalancers(now);
        const lb = this.sim.state.loadBalancers.get(id ?? '');
        if (!lb) throw new ApiError(404, `no load balancer ${id}`);
        lb.busyUntil = now + seconds * 1000;
        return { status: 200, body: this.lbInfo(lb, now) };
      })
      .patch('/_sim/lb-members/:id', (ctx, { id }) => {
        // Overrides what the fake health monitor finds (null goes back to it).
        const status = this.jsonObject(ctx)['operatingStatus'];
        if (status !== null && !OPERATING_STATUSES.includes(status as LbOperatingStatus)) {
          throw invalid([`'operatingStatus' must be one of ${OPERATING_STATUSES.join(', ')}, or null`]);
        }
        const now = Date.now();
        this.sim.state.settleLoadBalancers(now);
        const member = this.sim.state.lbMembers.get(id ?? '');
        if (!member) throw new ApiError(404, `no load balancer member ${id}`);
        member.forcedOperatingStatus = status as LbOperatingStatus | null;
        const lb = this.sim.state.loadBalancers.get(this.sim.state.lbPools.get(member.poolId)?.loadBalancerId ?? '');
        if (!lb) throw new ApiError(404, `no load balancer for member ${id}`);
        return { status: 200, body: this.lbInfo(lb, now) };
      })
      .post('/_sim/reset', (ctx) => {
        const body = ctx.rawBody.length > 0 ? this.jsonObject(ctx) : {};
        this.sim.reset(body['keepTokens'] !== false);
        return { status: 204 };
      })
      .put('/_sim/projects/:project/users/:user/roles/:role', (_ctx, params) => {
        const { state } = this.sim;
        const { project, user, role } = this.assignment(params);
        if (!state.assignments.some((a) => a.userId === user && a.projectId === project && a.roleId === role)) {
          state.assignments.push({ userId: user, projectId: project, roleId: role });
        }
        return { status: 204 };
      })
      .delete('/_sim/projects/:project/users/:user/roles/:role', (_ctx, params) => {
        // As `openstack role remove`: tokens already issued keep their roles, trust-scoped ones stop working.
        const { state } = this.sim;
        const { project, user, role } = this.assignment(params);
        const index = state.assignments.findIndex((a) => a.userId === user && a.projectId === project && a.roleId === role);
        if (index < 0)
          throw new ApiError(404, `no assignment of role '${params['role']}' to '${params['user']}' on '${params['project']}'`);
        state.assignments.splice(index, 1);
        return { status: 204 };
      })
      .post('/_sim/tokens/expire', () => {
        const expired = this.sim.state.tokens.size;
        this.sim.state.tokens.clear();
        return { status: 200, body: { expired } };
      });
  }

  handle(ctx: RequestContext): SimResponse {
    try {
      const match = this.router.match(ctx.method, ctx.path);
      if (match.kind === 'not-found') throw new ApiError(404, `no control endpoint ${ctx.path}`);
      if (match.kind === 'method-not-allowed')
        throw new ApiError(405, `${ctx.method} not allowed on ${ctx.path} (allowed: ${match.allowed.join(', ')})`);
      return match.handler(ctx, match.params);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      return { status: error.status, body: error.options.body ?? { error: error.message } };
    }
  }

  /** A role assignment's ids from names or ids in the path. */
  private assignment(params: RouteParams): { project: string; user: string; role: string } {
    const { state } = this.sim;
    const project = state.findProject(params['project'] ?? '');
    if (!project) throw new ApiError(404, `no project '${params['project']}'`);
    const user = state.findUser(params['user'] ?? '');
    if (!user) throw new ApiError(404, `no user '${params['user']}'`);
    const role = state.roles.get(params['role'] ?? '') ?? state.roleByName(params['role'] ?? '');
    if (!role) throw new ApiError(404, `no role '${params['role']}'`);
    return { project: project.id, user: user.id, role: role.id };
  }

  private status(ctx: RequestContext): SimStatus {
    const { state } = this.sim;
    const base = ctx.baseUrl;
    return {
      url: base,
      authUrl: `${base}/identity/v3`,
      endpoints: {
        identity: `${base}/identity`,
        compute: `${base}/compute/v2.1`,
        image: `${base}/image`,
        network: `${base}/network`,
      },
      now: this.sim.now(),
      counts: {
        servers: state.liveServers(Date.now()).length,
        tokens: state.tokens.size,
        flavors: state.flavors.size,
        images: state.images.size,
        networks: state.networks.size,
        requestsLogged: this.sim.log.size,
      },
    };
  }

  private quotaReport(): SimQuotaReport {
    const { state } = this.sim;
    const now = Date.now();
    return {
      defaults: { ...state.defaultQuotas },
      projects: [...state.projects.values()].map((p) => ({
        id: p.id,
        name: p.name,
        quotas: state.quotasOf(p.id),
        usage: state.usageOf(p.id, now),
      })),
    };
  }

  /** Nova's quotas (`instances`, `cores`, `ram`) and Cinder's `gigabytes`, the defaults or one project's. */
  private setQuotas(ctx: RequestContext, projectId?: string): void {
    const { gigabytes, ...compute } = this.quotas(ctx);
    this.sim.setQuotas(compute, projectId);
    if (gigabytes !== undefined) this.sim.setVolumeGigabytes(gigabytes, projectId);
  }

  private quotas(ctx: RequestContext): Partial<ComputeQuotas> & { gigabytes?: number } {
    const body = this.jsonObject(ctx);
    const problems: string[] = [];
    const known = ['instances', 'cores', 'ram', 'gigabytes'];
    for (const [key, value] of Object.entries(body)) {
      if (!known.includes(key)) problems.push(`unknown quota '${key}' (${known.join(', ')})`);
      else if (typeof value !== 'number' || !Number.isInteger(value) || value < -1) problems.push(`'${key}' must be an integer >= -1`);
    }
    if (problems.length > 0) throw invalid(problems);
    return body as Partial<ComputeQuotas> & { gigabytes?: number };
  }

  private servers(query: URLSearchParams): SimServerInfo[] {
    const { state } = this.sim;
    const now = Date.now();
    const tags = query
      .getAll('tag')
      .flatMap((t) => t.split(','))
      .filter((t) => t.length > 0);
    const projectRef = query.get('project');
    const project = projectRef === null ? undefined : state.findProject(projectRef);
    if (projectRef !== null && !project) return [];
    const status = query.get('status')?.toUpperCase();
    const name = query.get('name');
    return (
      state
        .liveServers(now)
        .filter(
          (s) => tags.every((t) => s.tags.includes(t)) && (!project || s.projectId === project.id) && (name === null || s.name === name),
        )
        .map((s) => this.serverInfo(s, now))
        // Live servers come in creation order (the state keeps insertion order), which timestamps cannot tell within a ms.
        .filter((s) => status === undefined || s.status === status)
    );
  }

  private liveServer(id: string): Server {
    const server = this.sim.state.liveServer(id, Date.now());
    if (!server) throw new ApiError(404, `no server ${id}`);
    return server;
  }

  private serverInfo(s: Server, now: number): SimServerInfo {
    const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
    const addresses: Record<string, string[]> = {};
    for (const a of s.addresses) (addresses[a.networkName] ??= []).push(a.addr);
    const { status } = serverStates(s, now);
    return {
      id: s.id,
      name: s.name,
      status,
      deleting: serverPhase(s, now) === 'deleting',
      projectId: s.projectId,
      projectName: this.sim.state.projects.get(s.projectId)?.name ?? s.projectId,
      userId: s.userId,
      flavorId: s.flavor.id,
      flavorName: s.flavor.name,
      imageId: s.imageId,
      tags: [...s.tags],
      metadata: { ...s.metadata },
      addresses,
      faultMessage: s.outcome === 'ERROR' ? s.faultMessage : null,
      createdAt: new Date(s.createdAt).toISOString(),
      buildDoneAt: new Date(s.buildDoneAt).toISOString(),
      deleteRequestedAt: iso(s.deleteRequestedAt),
      goneAt: iso(s.goneAt),
    };
  }

  private lbInfo(lb: LoadBalancer, now: number): SimLoadBalancerInfo {
    const { sim } = this;
    return {
      id: lb.id,
      name: lb.name,
      projectId: lb.projectId,
      provisioningStatus: loadBalancerProvisioning(lb, now),
      operatingStatus: loadBalancerOperatingStatus(sim, lb, now),
      busyUntil: new Date(lb.busyUntil).toISOString(),
      pools: sim.state.poolsOf(lb.id).map((pool) => ({
        id: pool.id,
        name: pool.name,
        healthMonitorId: sim.state.healthMonitorOf(pool.id)?.id ?? null,
        members: membersOf(sim, pool.id).map((m) => ({
          id: m.id,
          name: m.name,
          address: m.address,
          protocolPort: m.protocolPort,
          weight: m.weight,
          provisioningStatus: memberProvisioning(sim, m, now),
          operatingStatus: memberOperatingStatus(sim, m, now),
          forced: m.forcedOperatingStatus !== null,
        })),
      })),
    };
  }

  private jsonObject(ctx: RequestContext): Record<string, unknown> {
    return ctx.jsonObject(() => new ApiError(400, 'the body must be a JSON object'));
  }
}

function invalid(problems: string[]): ApiError {
  return new ApiError(400, 'invalid request', { body: { error: 'invalid request', problems } });
}

function logFilter(query: URLSearchParams): RequestLogFilter {
  const filter: RequestLogFilter = {};
  const method = query.get('method');
  if (method !== null) filter.method = method;
  const path = query.get('path');
  if (path !== null) filter.path = path;
  const service = query.get('service');
  if (service !== null) {
    if (!SIM_SERVICES.includes(service as SimService)) throw invalid([`'service' must be one of ${SIM_SERVICES.join(', ')}`]);
    filter.service = service as SimService;
  }
  for (const key of ['status', 'since', 'afterSeq', 'limit'] as const) {
    const raw = query.get(key);
    if (raw === null) continue;
    const value = Number(raw);
    if (!Number.isFinite(value)) throw invalid([`'${key}' must be a number`]);
    filter[key] = value;
  }
  return filter;
}

export function isControlPath(path: string): boolean {
  return path === '/_sim' || path.startsWith('/_sim/');
}
