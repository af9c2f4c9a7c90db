import type { Simulation } from '../../simulation';
import { type LbMember, type LbOperatingStatus, type LbPool, type LoadBalancer, serverPhase } from '../../state';

/**
 * The statuses Octavia shows, computed from the clock like servers' phases: the provisioning status from the load
 * balancer's pending change, the operating status from a fake health monitor that finds a member up when an ACTIVE
 * server has its address (its `monitor_address` if set) on its subnet.
 */

export type LbProvisioningStatus = 'ACTIVE' | 'PENDING_CREATE' | 'PENDING_UPDATE' | 'PENDING_DELETE';

export function loadBalancerBusy(lb: LoadBalancer, now: number): boolean {
  return lb.busyUntil > now;
}

export function loadBalancerProvisioning(lb: LoadBalancer, now: number): LbProvisioningStatus {
  return loadBalancerBusy(lb, now) ? 'PENDING_UPDATE' : 'ACTIVE';
}

export function poolProvisioning(sim: Simulation, pool: LbPool, now: number): LbProvisioningStatus {
  const lb = sim.state.loadBalancers.get(pool.loadBalancerId);
  return pool.busy && lb && loadBalancerBusy(lb, now) ? 'PENDING_UPDATE' : 'ACTIVE';
}

export function memberProvisioning(sim: Simulation, member: LbMember, now: number): LbProvisioningStatus {
  const pool = sim.state.lbPools.get(member.poolId);
  const lb = pool && sim.state.loadBalancers.get(pool.loadBalancerId);
  return member.pending !== null && lb && loadBalancerBusy(lb, now) ? member.pending : 'ACTIVE';
}

/**
 * A member's health: forced through `/_sim` if it was; `NO_MONITOR` without a health monitor; `OFFLINE` when disabled
 * or not checked yet; `ONLINE` once an ACTIVE server has its address for `memberOnlineDelayMs`, else `ERROR`.
 * A weight of 0 changes nothing here: the health monitor still checks a drained member.
 */
export function memberOperatingStatus(sim: Simulation, member: LbMember, now: number): LbOperatingStatus {
  if (member.forcedOperatingStatus !== null) return member.forcedOperatingStatus;
  if (!sim.state.healthMonitorOf(member.poolId)) return 'NO_MONITOR';
  if (!member.adminStateUp) return 'OFFLINE';
  const delay = sim.behaviour.memberOnlineDelayMs;
  const address = member.monitorAddress ?? member.address;
  const server = sim.state
    .liveServers(now)
    .find(
      (s) =>
        serverPhase(s, now) === 'active' &&
        s.addresses.some(
          (a) => a.addr === address && (member.subnetId === null || sim.state.networks.get(a.networkId)?.subnetId === member.subnetId),
        ),
    );
  if (server) return now >= Math.max(member.createdAt, server.buildDoneAt) + delay ? 'ONLINE' : 'OFFLINE';
  return now >= member.createdAt + delay ? 'ERROR' : 'OFFLINE';
}

/** A pool with a monitor is `ERROR` when every member is, `DEGRADED` when some are; `ONLINE` otherwise. */
export function poolOperatingStatus(sim: Simulation, pool: LbPool, now: number): LbOperatingStatus {
  const statuses = membersOf(sim, pool.id).map((m) => memberOperatingStatus(sim, m, now));
  if (statuses.length > 0 && statuses.every((s) => s === 'ERROR')) return 'ERROR';
  return statuses.includes('ERROR') ? 'DEGRADED' : 'ONLINE';
}

export function loadBalancerOperatingStatus(sim: Simulation, lb: LoadBalancer, now: number): LbOperatingStatus {
  const statuses = sim.state.poolsOf(lb.id).map((p) => poolOperatingStatus(sim, p, now));
  if (statuses.includes('ERROR')) return 'ERROR';
  return statuses.includes('DEGRADED') ? 'DEGRADED' : 'ONLINE';
}

/** The pool's members in creation order, those being deleted included (Octavia shows them until they are gone). */
export function membersOf(sim: Simulation, poolId: string): LbMember[] {
  return [...sim.state.lbMembers.values()].filter((m) => m.poolId === poolId);
}
