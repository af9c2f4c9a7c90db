import { randomUUID } from 'node:crypto';
import { isIP } from 'node:net';
import { isRecord } from '../../behaviour';
import { ApiError, type SimResponse } from '../../http/exchange';
import type { LbMember, LbPendingStatus, LbPool } from '../../state';
import { loadBalancerBusy, membersOf } from './health';
import { type LbCall, findMember, findPool, octaviaError, requireLbMember } from './common';
import { memberView } from './views';

/** What a member body may set: all of it on create, the mutable part on update. */
interface MemberInput {
  name?: string;
  address?: string;
  protocolPort?: number;
  weight?: number;
  subnetId?: string | null;
  monitorAddress?: string | null;
  monitorPort?: number | null;
  backup?: boolean;
  adminStateUp?: boolean;
  tags?: string[];
}

const CREATE_FIELDS = [
  'name',
  'address',
  'protocol_port',
  'weight',
  'subnet_id',
  'monitor_address',
  'monitor_port',
  'backup',
  'admin_state_up',
  'tags',
  'project_id',
];
const UPDATE_FIELDS = ['name', 'weight', 'monitor_address', 'monitor_port', 'backup', 'admin_state_up', 'tags'];

/** WSME's 400 for a wrong value: "Invalid input for field/attribute weight. Value: '300'. ..." */
function invalid(field: string, value: unknown, why: string): ApiError {
  return octaviaError(400, `Invalid input for field/attribute ${field}. Value: '${JSON.stringify(value)}'. ${why}`);
}

/** Octavia takes integers as numbers or numeric strings (its samples send `"weight": "20"`). */
function integer(field: string, value: unknown, min: number, max: number): number {
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) {
    throw invalid(field, value, `Value should be an integer between ${min} and ${max}`);
  }
  return n;
}

function readMember(call: LbCall, raw: unknown, what: string, mode: 'create' | 'update'): MemberInput {
  if (!isRecord(raw)) throw invalid(what, raw ?? null, 'Mandatory field missing.');
  const allowed = mode === 'create' ? CREATE_FIELDS : UPDATE_FIELDS;
  const unknown = Object.keys(raw).filter((key) => !allowed.includes(key));
  if (unknown.length > 0) throw octaviaError(400, `Unknown attribute for argument ${what}: ${unknown.join(', ')}`);
  const input: MemberInput = {};
  const { name, address, subnet_id: subnetId, monitor_address: monitorAddress, tags } = raw;
  if (name !== undefined && name !== null) {
    if (typeof name !== 'string' || name.length > 255) throw invalid('name', name, 'Value should be a string of at most 255 characters');
    input.name = name;
  }
  if (mode === 'create') {
    if (typeof address !== 'string' || isIP(address) === 0)
      throw invalid('address', address ?? null, 'Value should be IPv4 or IPv6 format');
    input.address = address;
    if (raw['protocol_port'] === undefined) throw invalid('protocol_port', null, 'Mandatory field missing.');
    input.protocolPort = integer('protocol_port', raw['protocol_port'], 1, 65535);
    if (subnetId !== undefined && subnetId !== null) {
      const known = [...call.sim.state.networks.values()].some((n) => n.subnetId === subnetId);
      if (!known) throw octaviaError(400, `Validation failure: Subnet ${String(subnetId)} not found.`);
      input.subnetId = String(subnetId);
    }
  }
  if (raw['weight'] !== undefined) input.weight = integer('weight', raw['weight'], 0, 256);
  if (raw['monitor_port'] !== undefined) {
    input.monitorPort = raw['monitor_port'] === null ? null : integer('monitor_port', raw['monitor_port'], 1, 65535);
  }
  if (monitorAddress !== undefined) {
    if (monitorAddress !== null && (typeof monitorAddress !== 'string' || isIP(monitorAddress) === 0)) {
      throw invalid('monitor_address', monitorAddress, 'Value should be IPv4 or IPv6 format');
    }
    input.monitorAddress = monitorAddress;
  }
  for (const [key, field] of [
    ['backup', 'backup'],
    ['admin_state_up', 'adminStateUp'],
  ] as const) {
    const value = raw[key];
    if (value === undefined) continue;
    if (typeof value !== 'boolean') throw invalid(key, value, 'Value should be boolean');
    input[field] = value;
  }
  if (tags !== undefined) {
    if (!Array.isArray(tags) || tags.some((t) => typeof t !== 'string')) throw invalid('tags', tags, 'Value should be a list of strings');
    input.tags = tags as string[];
  }
  return input;
}

/** Octavia refuses any write under a load balancer that is `PENDING_*` (409, and nothing changes). */
function assertMutable(call: LbCall, pool: LbPool): void {
  const lb = call.sim.state.loadBalancers.get(pool.loadBalancerId);
  if (lb && loadBalancerBusy(lb, call.now)) throw octaviaError(409, `Pool ${pool.id} is immutable and cannot be updated.`);
}

/** The load balancer and the pool turn `PENDING_UPDATE` for `loadBalancerUpdateDelayMs`, the changed members with them. */
function beginChange(call: LbCall, pool: LbPool, changes: [LbMember, LbPendingStatus][]): void {
  const lb = call.sim.state.loadBalancers.get(pool.loadBalancerId);
  if (!lb) return;
  lb.busyUntil = call.now + call.sim.behaviour.loadBalancerUpdateDelayMs;
  lb.updatedAt = call.now;
  pool.busy = true;
  pool.updatedAt = call.now;
  for (const [member, pending] of changes) {
    member.pending = pending;
    member.updatedAt = call.now;
  }
  // With no delay the change is applied at once (a deleted member is gone before the answer).
  call.sim.state.settleLoadBalancers(call.now);
}

function applyInput(member: LbMember, input: MemberInput): void {
  if (input.name !== undefined) member.name = input.name;
  if (input.weight !== undefined) member.weight = input.weight;
  if (input.monitorAddress !== undefined) member.monitorAddress = input.monitorAddress;
  if (input.monitorPort !== undefined) member.monitorPort = input.monitorPort;
  if (input.backup !== undefined) member.backup = input.backup;
  if (input.adminStateUp !== undefined) member.adminStateUp = input.adminStateUp;
  if (input.tags !== undefined) member.tags = [...input.tags];
}

function newMember(call: LbCall, pool: LbPool, input: MemberInput): LbMember {
  const member: LbMember = {
    id: randomUUID(),
    poolId: pool.id,
    projectId: pool.projectId,
    name: '',
    address: input.address ?? '',
    protocolPort: input.protocolPort ?? 0,
    subnetId: input.subnetId ?? null,
    weight: 1,
    backup: false,
    adminStateUp: true,
    monitorAddress: null,
    monitorPort: null,
    tags: [],
    createdAt: call.now,
    updatedAt: call.now,
    pending: null,
    forcedOperatingStatus: null,
  };
  applyInput(member, input);
  call.sim.state.lbMembers.set(member.id, member);
  return member;
}

/** The pool's member at that address and port, if any (those being deleted do not count). */
function memberAt(call: LbCall, pool: LbPool, address: string, port: number): LbMember | undefined {
  return membersOf(call.sim, pool.id).find((m) => m.address === address && m.protocolPort === port && m.pending !== 'PENDING_DELETE');
}

export function createMember(call: LbCall): SimResponse {
  requireLbMember(call);
  const pool = findPool(call, call.params['pool'] ?? '');
  const body = call.ctx.jsonObject(() => invalid('member', null, 'Mandatory field missing.'));
  const input = readMember(call, body['member'], 'member', 'create');
  assertMutable(call, pool);
  if (memberAt(call, pool, input.address ?? '', input.protocolPort ?? 0)) {
    throw octaviaError(409, `Another member on this pool is already using ip ${input.address} on protocol_port ${input.protocolPort}`);
  }
  const member = newMember(call, pool, input);
  beginChange(call, pool, [[member, 'PENDING_CREATE']]);
  return { status: 201, body: { member: memberView(call.sim, member, call.now) } };
}

export function updateMember(call: LbCall): SimResponse {
  requireLbMember(call);
  const pool = findPool(call, call.params['pool'] ?? '');
  const member = findMember(call, pool, call.params['id'] ?? '');
  const body = call.ctx.jsonObject(() => invalid('member', null, 'Mandatory field missing.'));
  const input = readMember(call, body['member'], 'member', 'update');
  assertMutable(call, pool);
  applyInput(member, input);
  beginChange(call, pool, [[member, 'PENDING_UPDATE']]);
  return { status: 200, body: { member: memberView(call.sim, member, call.now) } };
}

export function deleteMember(call: LbCall): SimResponse {
  requireLbMember(call);
  const pool = findPool(call, call.params['pool'] ?? '');
  const member = findMember(call, pool, call.params['id'] ?? '');
  assertMutable(call, pool);
  beginChange(call, pool, [[member, 'PENDING_DELETE']]);
  return { status: 204 };
}

/**
 * `PUT /v2/lbaas/pools/{pool_id}/members`: the pool's members become the listed ones, matched by address and port:
 * new ones are created, listed ones updated and the others deleted (kept with `additive_only=true`). 202, no body.
 */
export function batchUpdateMembers(call: LbCall): SimResponse {
  requireLbMember(call);
  const pool = findPool(call, call.params['pool'] ?? '');
  const body = call.ctx.jsonObject(() => invalid('members', null, 'Mandatory field missing.'));
  const list = body['members'];
  if (!Array.isArray(list)) throw invalid('members', list ?? null, 'Mandatory field missing.');
  const inputs = list.map((raw) => readMember(call, raw, 'members', 'create'));
  const keys = inputs.map((i) => `${i.address}/${i.protocolPort}`);
  const duplicate = keys.find((key, i) => keys.indexOf(key) !== i);
  if (duplicate) throw octaviaError(400, `Validation failure: Member ${duplicate.replace('/', ':')} is listed twice.`);
  assertMutable(call, pool);
  const additiveOnly = ['true', 'True', '1'].includes(call.ctx.query.get('additive_only') ?? '');
  const changes: [LbMember, LbPendingStatus][] = [];
  const kept = new Set<string>();
  for (const input of inputs) {
    const existing = memberAt(call, pool, input.address ?? '', input.protocolPort ?? 0);
    if (existing) {
      applyInput(existing, input);
      changes.push([existing, 'PENDING_UPDATE']);
      kept.add(existing.id);
    } else {
      const created = newMember(call, pool, input);
      changes.push([created, 'PENDING_CREATE']);
      kept.add(created.id);
    }
  }
  if (!additiveOnly) {
    for (const member of membersOf(call.sim, pool.id)) if (!kept.has(member.id)) changes.push([member, 'PENDING_DELETE']);
  }
  beginChange(call, pool, changes);
  return { status: 202 };
}
