import { isoSeconds } from '../../http/formats';
import type { Simulation } from '../../simulation';
import type { LbHealthMonitor, LbMember, LbPool, LoadBalancer } from '../../state';
import {
  loadBalancerOperatingStatus,
  loadBalancerProvisioning,
  memberOperatingStatus,
  memberProvisioning,
  membersOf,
  poolOperatingStatus,
  poolProvisioning,
} from './health';

/** Octavia's timestamps: `2017-02-28T00:41:44`, naive UTC to the second. */
function octaviaTime(ms: number): string {
  return isoSeconds(ms).slice(0, -1);
}

const ids = (list: { id: string }[]) => list.map(({ id }) => ({ id }));

/** A load balancer as Zed's Octavia (amphora provider) shows it; `listeners` and `pools` are id lists. */
export function loadBalancerView(sim: Simulation, lb: LoadBalancer, now: number): Record<string, unknown> {
  return {
    description: lb.description,
    admin_state_up: true,
    project_id: lb.projectId,
    // Zed still shows the deprecated `tenant_id` beside `project_id` on every object.
    tenant_id: lb.projectId,
    provisioning_status: loadBalancerProvisioning(lb, now),
    flavor_id: null,
    vip_subnet_id: lb.vipSubnetId,
    vip_address: lb.vipAddress,
    vip_network_id: lb.vipNetworkId,
    vip_port_id: lb.vipPortId,
    additional_vips: [],
    provider: 'amphora',
    created_at: octaviaTime(lb.createdAt),
    updated_at: octaviaTime(lb.updatedAt),
    id: lb.id,
    operating_status: loadBalancerOperatingStatus(sim, lb, now),
    name: lb.name,
    vip_qos_policy_id: null,
    availability_zone: null,
    tags: [...lb.tags],
    listeners: [],
    pools: ids(sim.state.poolsOf(lb.id)),
  };
}

export function poolView(sim: Simulation, pool: LbPool, now: number): Record<string, unknown> {
  return {
    lb_algorithm: pool.lbAlgorithm,
    protocol: pool.protocol,
    description: pool.description,
    admin_state_up: true,
    loadbalancers: [{ id: pool.loadBalancerId }],
    created_at: octaviaTime(pool.createdAt),
    provisioning_status: poolProvisioning(sim, pool, now),
    updated_at: octaviaTime(pool.updatedAt),
    session_persistence: null,
    listeners: [],
    members: ids(membersOf(sim, pool.id)),
    healthmonitor_id: sim.state.healthMonitorOf(pool.id)?.id ?? null,
    project_id: pool.projectId,
    tenant_id: pool.projectId,
    id: pool.id,
    operating_status: poolOperatingStatus(sim, pool, now),
    name: pool.name,
    tags: [...pool.tags],
    tls_container_ref: null,
    ca_tls_container_ref: null,
    crl_container_ref: null,
    tls_enabled: false,
    tls_ciphers: null,
    tls_versions: null,
    alpn_protocols: null,
  };
}

export function memberView(sim: Simulation, member: LbMember, now: number): Record<string, unknown> {
  return {
    monitor_port: member.monitorPort,
    project_id: member.projectId,
    tenant_id: member.projectId,
    name: member.name,
    weight: member.weight,
    backup: member.backup,
    admin_state_up: member.adminStateUp,
    subnet_id: member.subnetId,
    created_at: octaviaTime(member.createdAt),
    provisioning_status: memberProvisioning(sim, member, now),
    monitor_address: member.monitorAddress,
    updated_at: octaviaTime(member.updatedAt),
    address: member.address,
    protocol_port: member.protocolPort,
    id: member.id,
    operating_status: memberOperatingStatus(sim, member, now),
    tags: [...member.tags],
  };
}

export function healthMonitorView(monitor: LbHealthMonitor): Record<string, unknown> {
  return {
    project_id: monitor.projectId,
    tenant_id: monitor.projectId,
    name: monitor.name,
    admin_state_up: true,
    pools: [{ id: monitor.poolId }],
    created_at: octaviaTime(monitor.createdAt),
    provisioning_status: 'ACTIVE',
    updated_at: octaviaTime(monitor.updatedAt),
    delay: monitor.delay,
    expected_codes: monitor.expectedCodes,
    max_retries: monitor.maxRetries,
    http_method: monitor.httpMethod,
    timeout: monitor.timeout,
    max_retries_down: monitor.maxRetriesDown,
    url_path: monitor.urlPath,
    type: monitor.type,
    id: monitor.id,
    operating_status: 'ONLINE',
    tags: [],
    http_version: null,
    domain_name: null,
  };
}

/**
 * `GET /v2/lbaas/loadbalancers/{id}/status`: no listeners are simulated, so the pools are at the top level (Octavia
 * lists a pool only under its listener). A pool's monitor is `health_monitor`, with its operating status.
 */
export function statusTreeView(sim: Simulation, lb: LoadBalancer, now: number): Record<string, unknown> {
  const pools = sim.state.poolsOf(lb.id).map((pool) => {
    const monitor = sim.state.healthMonitorOf(pool.id);
    return {
      name: pool.name,
      provisioning_status: poolProvisioning(sim, pool, now),
      health_monitor: monitor
        ? { type: monitor.type, id: monitor.id, name: monitor.name, provisioning_status: 'ACTIVE', operating_status: 'ONLINE' }
        : {},
      members: membersOf(sim, pool.id).map((m) => ({
        name: m.name,
        provisioning_status: memberProvisioning(sim, m, now),
        address: m.address,
        protocol_port: m.protocolPort,
        id: m.id,
        operating_status: memberOperatingStatus(sim, m, now),
      })),
      id: pool.id,
      operating_status: poolOperatingStatus(sim, pool, now),
    };
  });
  return {
    statuses: {
      loadbalancer: {
        name: lb.name,
        provisioning_status: loadBalancerProvisioning(lb, now),
        listeners: [],
        pools,
        id: lb.id,
        operating_status: loadBalancerOperatingStatus(sim, lb, now),
      },
    },
  };
}
