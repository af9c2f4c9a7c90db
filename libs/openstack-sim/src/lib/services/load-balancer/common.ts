import { ApiError } from '../../http/exchange';
import type { LbHealthMonitor, LbMember, LbPool, LoadBalancer, Project } from '../../state';
import type { ScopedCall } from '../service';

/** One authenticated Octavia call: the caller's project and the instant the request is answered at. */
export interface LbCall extends ScopedCall {
  project: Project;
  now: number;
}

/** Octavia's errors are WSME faults: `{"faultcode": "Client", "faultstring": "...", "debuginfo": null}`. */
export function octaviaError(status: number, message: string): ApiError {
  return new ApiError(status, message);
}

export function octaviaFaultBody(status: number, message: string): Record<string, unknown> {
  return { faultcode: status >= 500 ? 'Server' : 'Client', faultstring: message, debuginfo: null };
}

/** A project sees its own objects; an admin sees every project's. */
function visible<T extends { projectId: string }>(call: LbCall, item: T | undefined): T | undefined {
  return item && (call.auth.isAdmin || item.projectId === call.project.id) ? item : undefined;
}

export function findLoadBalancer(call: LbCall, id: string): LoadBalancer {
  const lb = visible(call, call.sim.state.loadBalancers.get(id));
  if (!lb) throw octaviaError(404, `Load Balancer ${id} not found.`);
  return lb;
}

export function findPool(call: LbCall, id: string): LbPool {
  const pool = visible(call, call.sim.state.lbPools.get(id));
  if (!pool) throw octaviaError(404, `Pool ${id} not found.`);
  return pool;
}

export function findMember(call: LbCall, pool: LbPool, id: string): LbMember {
  const member = call.sim.state.lbMembers.get(id);
  if (!member || member.poolId !== pool.id) throw octaviaError(404, `Member ${id} not found.`);
  return member;
}

export function findHealthMonitor(call: LbCall, id: string): LbHealthMonitor {
  const monitor = visible(call, call.sim.state.healthMonitors.get(id));
  if (!monitor) throw octaviaError(404, `Health Monitor ${id} not found.`);
  return monitor;
}

/** The objects of a kind the caller sees, narrowed by `project_id` (which only changes anything for an admin). */
export function visibleAll<T extends { projectId: string }>(call: LbCall, items: Iterable<T>): T[] {
  const projectId = call.ctx.query.get('project_id');
  return [...items].filter((item) => visible(call, item) && (projectId === null || item.projectId === projectId));
}

/** Octavia's default policies: writes need the `member` role (or `admin`); a `reader` may only look. */
export function requireLbMember({ sim, auth }: LbCall): void {
  if (sim.behaviour.policyDefaults === 'legacy' || auth.isAdmin || auth.roleNames.includes('member')) return;
  throw octaviaError(403, 'Policy does not allow this request to be performed.');
}
