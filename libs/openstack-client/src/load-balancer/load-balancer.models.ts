import {
  MalformedResponse,
  arrayField,
  asObject,
  field,
  isObject,
  num,
  optBool,
  optDate,
  optNum,
  optStr,
  str,
  stringArray,
  type JsonObject,
} from '../http/json';
import { nextLink, type Page } from '../http/pagination';

/** Where Octavia is with an object's configuration: writes are refused (409 immutable) while it is `PENDING_*`. */
export const PROVISIONING_STATUSES = ['ACTIVE', 'DELETED', 'ERROR', 'PENDING_CREATE', 'PENDING_UPDATE', 'PENDING_DELETE'] as const;
export type ProvisioningStatus = (typeof PROVISIONING_STATUSES)[number];

/**
 * What the health monitoring says: `NO_MONITOR` for members of a pool without a health monitor, `DRAINING` for a
 * member that takes no new connections, `DEGRADED` for a pool or load balancer with some members down.
 */
export const OPERATING_STATUSES = ['ONLINE', 'OFFLINE', 'DEGRADED', 'ERROR', 'NO_MONITOR', 'DRAINING'] as const;
export type OperatingStatus = (typeof OPERATING_STATUSES)[number];

export interface LoadBalancer {
  id: string;
  name: string;
  description: string;
  projectId?: string;
  vipAddress: string;
  vipSubnetId?: string;
  vipNetworkId?: string;
  vipPortId?: string;
  provider?: string;
  availabilityZone?: string;
  adminStateUp: boolean;
  provisioningStatus: ProvisioningStatus;
  operatingStatus: OperatingStatus;
  /** From the `pools` and `listeners` id lists (empty when the cloud leaves them out). */
  poolIds: string[];
  listenerIds: string[];
  tags: string[];
  createdAt?: Date;
  updatedAt?: Date;
}

export interface Pool {
  id: string;
  name: string;
  description: string;
  projectId?: string;
  /** `HTTP`, `HTTPS`, `TCP`, `UDP`, `PROXY`, `SCTP`... */
  protocol: string;
  /** `ROUND_ROBIN`, `LEAST_CONNECTIONS`, `SOURCE_IP`, `SOURCE_IP_PORT`. */
  lbAlgorithm: string;
  loadBalancerIds: string[];
  listenerIds: string[];
  memberIds: string[];
  /** Absent when the pool has no health monitor: its members are then `NO_MONITOR`. */
  healthMonitorId?: string;
  adminStateUp: boolean;
  provisioningStatus: ProvisioningStatus;
  operatingStatus: OperatingStatus;
  tags: string[];
  createdAt?: Date;
  updatedAt?: Date;
}

export interface Member {
  id: string;
  name: string;
  projectId?: string;
  address: string;
  protocolPort: number;
  /** 0..256; 0 sends it no new connections (the first step of a graceful drain). */
  weight: number;
  backup: boolean;
  adminStateUp: boolean;
  subnetId?: string;
  monitorAddress?: string;
  monitorPort?: number;
  provisioningStatus: ProvisioningStatus;
  operatingStatus: OperatingStatus;
  tags: string[];
  createdAt?: Date;
  updatedAt?: Date;
}

export interface HealthMonitor {
  id: string;
  name: string;
  projectId?: string;
  /** `HTTP`, `HTTPS`, `PING`, `TCP`, `TLS-HELLO`, `UDP-CONNECT`, `SCTP`. */
  type: string;
  poolIds: string[];
  /** Seconds between checks, seconds a check may take. */
  delaySeconds: number;
  timeoutSeconds: number;
  /** Successful checks before a member is ONLINE, failed ones before it is ERROR. */
  maxRetries: number;
  maxRetriesDown?: number;
  httpMethod?: string;
  urlPath?: string;
  expectedCodes?: string;
  adminStateUp: boolean;
  provisioningStatus: ProvisioningStatus;
  operatingStatus: OperatingStatus;
  tags: string[];
  createdAt?: Date;
  updatedAt?: Date;
}

/** `GET /v2/lbaas/loadbalancers/{id}/status`: the load balancer's tree with every object's statuses. */
export interface LoadBalancerStatusTree {
  id: string;
  name: string;
  provisioningStatus: ProvisioningStatus;
  operatingStatus: OperatingStatus;
  listeners: ListenerStatus[];
  pools: PoolStatus[];
}

export interface ListenerStatus {
  id: string;
  name: string;
  provisioningStatus: ProvisioningStatus;
  operatingStatus: OperatingStatus;
  pools: PoolStatus[];
}

export interface PoolStatus {
  id: string;
  name: string;
  provisioningStatus: ProvisioningStatus;
  operatingStatus: OperatingStatus;
  /** Octavia sends `{}` for a pool without one. */
  healthMonitor?: { id: string; name: string; type: string; provisioningStatus: ProvisioningStatus };
  members: MemberStatus[];
}

export interface MemberStatus {
  id: string;
  name: string;
  address: string;
  protocolPort: number;
  provisioningStatus: ProvisioningStatus;
  operatingStatus: OperatingStatus;
}

export interface ListLoadBalancersFilter {
  /** Admins see every project's: this narrows them to one. */
  projectId?: string;
  name?: string;
  /** Page size asked of Octavia; every page is fetched anyway. */
  pageSize?: number;
}

export interface ListPoolsFilter {
  loadBalancerId?: string;
  projectId?: string;
  name?: string;
  pageSize?: number;
}

export interface ListMembersFilter {
  address?: string;
  protocolPort?: number;
  name?: string;
  pageSize?: number;
}

export interface ListHealthMonitorsFilter {
  projectId?: string;
  name?: string;
  pageSize?: number;
}

/** A member to add: its address and port; Octavia defaults weight to 1, backup to false and admin state to up. */
export interface CreateMemberRequest {
  address: string;
  protocolPort: number;
  name?: string;
  weight?: number;
  /** The subnet the address is on (default: the load balancer's VIP subnet). */
  subnetId?: string;
  monitorAddress?: string;
  monitorPort?: number;
  backup?: boolean;
  adminStateUp?: boolean;
  tags?: string[];
}

/** What `PUT .../members/{id}` may change (address, port and subnet are fixed at creation). */
export interface UpdateMemberRequest {
  name?: string;
  weight?: number;
  backup?: boolean;
  adminStateUp?: boolean;
  monitorAddress?: string | null;
  monitorPort?: number | null;
  tags?: string[];
}

/** One member of a batch update: matched by address and port with the pool's members. */
export type BatchMember = CreateMemberRequest;

function oneOf<T extends string>(allowed: readonly T[], o: JsonObject, key: string, what: string): T {
  const value = str(o, key, what);
  if (!(allowed as readonly string[]).includes(value)) throw new MalformedResponse(`${what}.${key} is not a known status: ${value}`);
  return value as T;
}

const provisioning = (o: JsonObject, what: string) => oneOf(PROVISIONING_STATUSES, o, 'provisioning_status', what);
const operating = (o: JsonObject, what: string) => oneOf(OPERATING_STATUSES, o, 'operating_status', what);

/** The ids of an `[{"id": ...}]` list. */
function idList(o: JsonObject, key: string): string[] {
  const value = o[key];
  return Array.isArray(value) ? value.filter(isObject).flatMap((ref) => (typeof ref['id'] === 'string' ? [ref['id']] : [])) : [];
}

/** What every Octavia object and every node of the status tree carries. */
function statusHead(o: JsonObject, what: string) {
  return {
    id: str(o, 'id', what),
    name: optStr(o, 'name') ?? '',
    provisioningStatus: provisioning(o, what),
    operatingStatus: operating(o, what),
  };
}

/** What every Octavia object carries. */
function common(o: JsonObject, what: string) {
  return {
    ...statusHead(o, what),
    projectId: optStr(o, 'project_id'),
    adminStateUp: optBool(o, 'admin_state_up') ?? true,
    tags: stringArray(o, 'tags'),
    createdAt: optDate(o, 'created_at', what),
    updatedAt: optDate(o, 'updated_at', what),
  };
}

export function parseLoadBalancer(raw: unknown): LoadBalancer {
  const lb = asObject(raw, 'loadbalancer');
  return {
    ...common(lb, 'loadbalancer'),
    description: optStr(lb, 'description') ?? '',
    vipAddress: str(lb, 'vip_address', 'loadbalancer'),
    vipSubnetId: optStr(lb, 'vip_subnet_id'),
    vipNetworkId: optStr(lb, 'vip_network_id'),
    vipPortId: optStr(lb, 'vip_port_id'),
    provider: optStr(lb, 'provider'),
    availabilityZone: optStr(lb, 'availability_zone'),
    poolIds: idList(lb, 'pools'),
    listenerIds: idList(lb, 'listeners'),
  };
}

export function parsePool(raw: unknown): Pool {
  const p = asObject(raw, 'pool');
  return {
    ...common(p, 'pool'),
    description: optStr(p, 'description') ?? '',
    protocol: str(p, 'protocol', 'pool'),
    lbAlgorithm: str(p, 'lb_algorithm', 'pool'),
    loadBalancerIds: idList(p, 'loadbalancers'),
    listenerIds: idList(p, 'listeners'),
    memberIds: idList(p, 'members'),
    healthMonitorId: optStr(p, 'healthmonitor_id'),
  };
}

export function parseMember(raw: unknown): Member {
  const m = asObject(raw, 'member');
  return {
    ...common(m, 'member'),
    address: str(m, 'address', 'member'),
    protocolPort: num(m, 'protocol_port', 'member'),
    weight: optNum(m, 'weight') ?? 1,
    backup: optBool(m, 'backup') ?? false,
    subnetId: optStr(m, 'subnet_id'),
    monitorAddress: optStr(m, 'monitor_address'),
    monitorPort: optNum(m, 'monitor_port'),
  };
}

export function parseHealthMonitor(raw: unknown): HealthMonitor {
  const h = asObject(raw, 'healthmonitor');
  return {
    ...common(h, 'healthmonitor'),
    type: str(h, 'type', 'healthmonitor'),
    poolIds: idList(h, 'pools'),
    delaySeconds: num(h, 'delay', 'healthmonitor'),
    timeoutSeconds: num(h, 'timeout', 'healthmonitor'),
    maxRetries: num(h, 'max_retries', 'healthmonitor'),
    maxRetriesDown: optNum(h, 'max_retries_down'),
    httpMethod: optStr(h, 'http_method'),
    urlPath: optStr(h, 'url_path'),
    expectedCodes: optStr(h, 'expected_codes'),
  };
}

export const parseLoadBalancerBody = (body: unknown): LoadBalancer => parseLoadBalancer(field(body, 'loadbalancer', 'body'));
export const parsePoolBody = (body: unknown): Pool => parsePool(field(body, 'pool', 'body'));
export const parseMemberBody = (body: unknown): Member => parseMember(field(body, 'member', 'body'));
export const parseHealthMonitorBody = (body: unknown): HealthMonitor => parseHealthMonitor(field(body, 'healthmonitor', 'body'));

/** A listing's page: `<collection>` and, when the caller paginates, `<collection>_links` with a `next`. */
function pageOf<T>(collection: string, parse: (raw: unknown) => T): (body: unknown) => Page<T> {
  return (body) => {
    const o = asObject(body, 'body');
    return { items: arrayField(o, collection, 'body').map(parse), next: nextLink(o[`${collection}_links`]) };
  };
}

export const parseLoadBalancerPage = pageOf('loadbalancers', parseLoadBalancer);
export const parsePoolPage = pageOf('pools', parsePool);
export const parseMemberPage = pageOf('members', parseMember);
export const parseHealthMonitorPage = pageOf('healthmonitors', parseHealthMonitor);

/** The `pools` (or `listeners`...) of a status tree node, each read by `parse`. */
function nodes<T>(o: JsonObject, key: string, parse: (raw: unknown) => T): T[] {
  return Array.isArray(o[key]) ? o[key].map(parse) : [];
}

function parseMemberStatus(raw: unknown): MemberStatus {
  const m = asObject(raw, 'member');
  return { ...statusHead(m, 'member'), address: str(m, 'address', 'member'), protocolPort: num(m, 'protocol_port', 'member') };
}

function parsePoolStatus(raw: unknown): PoolStatus {
  const p = asObject(raw, 'pool');
  // The key is `health_monitor` (Zed's tree, checked against the real cloud; `healthmonitor` is read too), `{}` or
  // missing for a pool without one.
  const given = p['health_monitor'] ?? p['healthmonitor'];
  const monitor = isObject(given) && typeof given['id'] === 'string' ? given : undefined;
  return {
    ...statusHead(p, 'pool'),
    healthMonitor: monitor && {
      id: str(monitor, 'id', 'healthmonitor'),
      name: optStr(monitor, 'name') ?? '',
      type: optStr(monitor, 'type') ?? '',
      provisioningStatus: provisioning(monitor, 'healthmonitor'),
    },
    members: nodes(p, 'members', parseMemberStatus),
  };
}

function parseListenerStatus(raw: unknown): ListenerStatus {
  const l = asObject(raw, 'listener');
  return { ...statusHead(l, 'listener'), pools: nodes(l, 'pools', parsePoolStatus) };
}

export function parseLoadBalancerStatusBody(body: unknown): LoadBalancerStatusTree {
  const lb = field(field(body, 'statuses', 'body'), 'loadbalancer', 'statuses');
  return {
    ...statusHead(lb, 'loadbalancer'),
    listeners: nodes(lb, 'listeners', parseListenerStatus),
    pools: nodes(lb, 'pools', parsePoolStatus),
  };
}

/** Only the given fields, in Octavia's names (`undefined` ones are left out; `null` resets a monitor override). */
function memberFields(m: Partial<CreateMemberRequest> | UpdateMemberRequest): Record<string, unknown> {
  const create = m as Partial<CreateMemberRequest>;
  const fields: Record<string, unknown> = {
    name: m.name,
    weight: m.weight,
    admin_state_up: m.adminStateUp,
    subnet_id: create.subnetId,
    address: create.address,
    protocol_port: create.protocolPort,
    monitor_address: m.monitorAddress,
    monitor_port: m.monitorPort,
    backup: m.backup,
    tags: m.tags,
  };
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
}

export function buildCreateMemberBody(request: CreateMemberRequest): { member: Record<string, unknown> } {
  return { member: memberFields(request) };
}

export function buildUpdateMemberBody(changes: UpdateMemberRequest): { member: Record<string, unknown> } {
  return { member: memberFields(changes) };
}

/** `PUT /v2/lbaas/pools/{pool_id}/members`: the pool's full desired set (unless sent with `additive_only`). */
export function buildBatchUpdateMembersBody(members: readonly BatchMember[]): { members: Record<string, unknown>[] } {
  return { members: members.map(memberFields) };
}
