import type { ActiveFault, FaultRule, LatencyRule, RouteMatch, SimBehaviour } from '../behaviour';
import type { RequestLogEntry, RequestLogFilter } from '../request-log';
import type { ComputeQuotas } from '../seed';
import type { SimControlError, SimLoadBalancerInfo, SimQuotaReport, SimServerFilter, SimServerInfo, SimStatus } from './types';

/** A failed control call, with the simulator's explanation. */
export class SimControlRequestError extends Error {
  constructor(
    readonly status: number,
    readonly body: SimControlError | undefined,
    method: string,
    path: string,
  ) {
    super(`${method} ${path} failed with ${status}: ${body?.error ?? 'no body'}${body?.problems ? ` (${body.problems.join('; ')})` : ''}`);
  }
}

/** Typed client of a simulator's `/_sim` control API, over HTTP (works with a simulator in another process too). */
export class SimControl {
  private readonly base: string;

  /** `baseUrl` is the simulator's base URL (`RunningSimulator.url`), e.g. `http://127.0.0.1:8700`. */
  constructor(baseUrl: string) {
    this.base = baseUrl.replace(/\/+$/, '');
  }

  status(): Promise<SimStatus> {
    return this.call('GET', '/_sim');
  }

  config(): Promise<SimBehaviour> {
    return this.call('GET', '/_sim/config');
  }

  /** Changes some behaviour knobs (the others keep their values); returns the whole behaviour. */
  configure(changes: Partial<SimBehaviour>): Promise<SimBehaviour> {
    return this.call('PATCH', '/_sim/config', changes);
  }

  /** Replaces the latency rules, e.g. `[{ service: 'compute', delayMs: 300 }]`. */
  setLatency(rules: LatencyRule[]): Promise<SimBehaviour> {
    return this.configure({ latency: rules });
  }

  addFault(rule: FaultRule): Promise<ActiveFault> {
    return this.call('POST', '/_sim/faults', rule);
  }

  /** The next `count` matching calls fail with `status` (default 503). */
  failNext(count: number, match: RouteMatch & Pick<FaultRule, 'status' | 'message' | 'mode'> = {}): Promise<ActiveFault> {
    return this.addFault({ ...match, count });
  }

  /** Every matching call fails for `durationMs`: `mode: 'respond'` answers `status` (503), `drop` closes connections. */
  outage(durationMs: number, match: RouteMatch & Pick<FaultRule, 'status' | 'message' | 'mode'> = {}): Promise<ActiveFault> {
    return this.addFault({ ...match, durationMs });
  }

  async faults(): Promise<ActiveFault[]> {
    return (await this.call<{ faults: ActiveFault[] }>('GET', '/_sim/faults')).faults;
  }

  removeFault(id: string): Promise<void> {
    return this.call('DELETE', `/_sim/faults/${encodeURIComponent(id)}`);
  }

  clearFaults(): Promise<void> {
    return this.call('DELETE', '/_sim/faults');
  }

  quotas(): Promise<SimQuotaReport> {
    return this.call('GET', '/_sim/quotas');
  }

  /**
   * Changes the default quotas, or one project's (by name or id) when `project` is given: Nova's, and Cinder's
   * `gigabytes` (reported by Cinder's limits and quota sets, not enforced).
   */
  setQuotas(quotas: Partial<ComputeQuotas> & { gigabytes?: number }, project?: string): Promise<SimQuotaReport> {
    return this.call('PATCH', project === undefined ? '/_sim/quotas' : `/_sim/quotas/${encodeURIComponent(project)}`, quotas);
  }

  /** The request log, oldest first, optionally filtered (`path` may use `*` and `**`). */
  async requests(filter: RequestLogFilter = {}): Promise<RequestLogEntry[]> {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(filter)) if (value !== undefined) query.set(key, String(value));
    const qs = query.toString();
    return (await this.call<{ requests: RequestLogEntry[] }>('GET', `/_sim/requests${qs ? `?${qs}` : ''}`)).requests;
  }

  clearRequests(): Promise<void> {
    return this.call('DELETE', '/_sim/requests');
  }

  /** Live servers (oldest first), optionally only those with all the given tags, of a project, status or name. */
  async servers(filter: SimServerFilter = {}): Promise<SimServerInfo[]> {
    const query = new URLSearchParams();
    const tags = filter.tag === undefined ? [] : Array.isArray(filter.tag) ? filter.tag : [filter.tag];
    if (tags.length > 0) query.set('tag', tags.join(','));
    if (filter.project !== undefined) query.set('project', filter.project);
    if (filter.status !== undefined) query.set('status', filter.status);
    if (filter.name !== undefined) query.set('name', filter.name);
    const qs = query.toString();
    return (await this.call<{ servers: SimServerInfo[] }>('GET', `/_sim/servers${qs ? `?${qs}` : ''}`)).servers;
  }

  /** Turns a server ERROR (with a fault) or ACTIVE now, as if the hypervisor changed it; ends a build in progress. */
  setServerStatus(id: string, status: 'ERROR' | 'ACTIVE', faultMessage?: string): Promise<SimServerInfo> {
    return this.call('PATCH', `/_sim/servers/${encodeURIComponent(id)}`, { status, faultMessage });
  }

  /** Makes a server vanish at once, as if deleted behind the client's back. */
  removeServer(id: string): Promise<void> {
    return this.call('DELETE', `/_sim/servers/${encodeURIComponent(id)}`);
  }

  /** Every load balancer with its pools and members, and their statuses now. */
  async loadBalancers(): Promise<SimLoadBalancerInfo[]> {
    return (await this.call<{ loadBalancers: SimLoadBalancerInfo[] }>('GET', '/_sim/load-balancers')).loadBalancers;
  }

  /**
   * Keeps a load balancer `PENDING_UPDATE` for `seconds` from now (Octavia then answers writes to it with 409), as
   * if its amphorae were slow; `0` ends a hold (or a pending change) now.
   */
  holdLoadBalancer(id: string, seconds: number): Promise<SimLoadBalancerInfo> {
    return this.call('POST', `/_sim/load-balancers/${encodeURIComponent(id)}/hold`, { seconds });
  }

  /** Forces a member's `operating_status` (e.g. `ERROR`, `DRAINING`); `null` hands it back to the fake health monitor. */
  setMemberOperatingStatus(id: string, operatingStatus: string | null): Promise<SimLoadBalancerInfo> {
    return this.call('PATCH', `/_sim/lb-members/${encodeURIComponent(id)}`, { operatingStatus });
  }

  /** Back to the seed and start-up behaviour (servers, faults, log cleared). Tokens stay valid unless `keepTokens: false`. */
  reset(options: { keepTokens?: boolean } = {}): Promise<void> {
    return this.call('POST', '/_sim/reset', options);
  }

  /** Assigns a role (name or id) to a user (name or id) on a project (name or id), as `openstack role add`. */
  grantRole(user: string, project: string, role: string): Promise<void> {
    return this.call('PUT', roleAssignmentPath(user, project, role));
  }

  /** Removes a role assignment, as `openstack role remove`; 404 when there is none. Trusts relying on it stop working. */
  revokeRole(user: string, project: string, role: string): Promise<void> {
    return this.call('DELETE', roleAssignmentPath(user, project, role));
  }

  /** Invalidates every issued token (clients then get 401 and must authenticate again). */
  async expireTokens(): Promise<number> {
    return (await this.call<{ expired: number }>('POST', '/_sim/tokens/expire')).expired;
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.base}${path}`, {
      method,
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    const parsed: unknown = text.length > 0 ? JSON.parse(text) : undefined;
    if (!response.ok) throw new SimControlRequestError(response.status, parsed as SimControlError | undefined, method, path);
    return parsed as T;
  }
}

function roleAssignmentPath(user: string, project: string, role: string): string {
  return `/_sim/projects/${encodeURIComponent(project)}/users/${encodeURIComponent(user)}/roles/${encodeURIComponent(role)}`;
}
