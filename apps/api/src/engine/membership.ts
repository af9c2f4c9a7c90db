import { Injectable, Logger } from '@nestjs/common';
import {
  isOpenStackError,
  LoadBalancerImmutableError,
  OpenStackClient,
  type BatchMember,
  type Member,
  type Server,
} from '@peak/openstack-client';
import { performance } from 'node:perf_hooks';
import { Clock } from '../common/clock';
import { InstallationService } from '../installation/installation.service';
import { EngineMetrics } from '../metrics/engine-metrics';
import { describeError } from '../openstack/describe-error';
import type { LoadBalancerMembership } from '../schedules/entities/launch-options';
import type { LeaseGuard } from './executor';
import { installationTag, OWNER_TAG, RUN_TAG_PREFIX } from './ownership';
import type { Action, RunRecord, SlotRecord } from './planner';

/** A member's slot, as a tag (with the owner, installation and run tags it ties the member to one VM slot). */
export const SLOT_TAG_PREFIX = 'peak-slot:';

/** How long a pool's load balancer, VIP subnet and monitor are remembered (they rarely change). */
const POOL_FACTS_TTL_MS = 60_000;
/**
 * How long one pass waits for a busy (`PENDING_*`) load balancer before leaving its writes to the next pass: a member
 * write keeps it busy for a moment, a slow or held one should not hold the rest of the pass back.
 */
const BUSY_WAIT_MS = 2_000;
const BUSY_POLL_MS = 200;

/** What the engine needs to know of a pool, besides its members. */
interface PoolFacts {
  loadBalancerId: string;
  vipSubnetId: string | undefined;
  hasMonitor: boolean;
}

/** One pool as this pass sees it. */
interface PoolPass {
  poolId: string;
  cloud: OpenStackClient;
  facts: PoolFacts;
  members: Member[];
  /** Members to add or re-weight (one additive batch), and ours to remove (one by one: a batch removal needs every member). */
  batch: BatchMember[];
  onBatch: (() => void)[];
  removals: { member: Member; done: () => void }[];
}

/** What `prepare` decided for the pass, and its Octavia writes, to send once the pass's Nova calls are out. */
export interface MembershipPass {
  /** The plan's actions, without the deletes of VMs still in a pool (they wait for their member to drain and go). */
  actions: Action[];
  /** Something is under way (a drain, a member waiting to come online, a busy load balancer): look again soon. */
  unsettled: boolean;
  /**
   * Sends the decided joins, drains and removals (each pool's in sequence) and records their outcome on the slots;
   * false when some are left for the next pass (a busy load balancer, an error, the lease lost).
   */
  write(guard: LeaseGuard): Promise<boolean>;
}

/**
 * Octavia pool membership of runs whose launch names a pool (`launch.loadBalancer`), level-triggered like the rest of
 * the engine: every pass compares each slot's VM with the members the pool lists (ours are found by tags, after a
 * crash too) and moves it one step along `pending → member → online → draining → removed`:
 * - an ACTIVE VM of a live run joins (a member at its address on the subnet); it serves once ONLINE (or at once,
 *   when the schedule does not wait for the health monitor);
 * - a VM the plan deletes first leaves: weight 0, `drainSeconds` later the member is removed, and its delete is held
 *   back until Octavia no longer lists the member (an ERROR VM's member is removed without draining);
 * - a member of ours whose VM or run is gone is removed.
 * Writes to one load balancer go one after another (Octavia refuses them while it is `PENDING_UPDATE`): adds and
 * drains in one additive batch, then the removals; a load balancer still busy after a while is left to the next pass.
 */
@Injectable()
export class MembershipService {
  private readonly logger = new Logger('Engine');
  private readonly facts = new Map<string, { facts: PoolFacts; at: number }>();
  /** Per run: the pool's settings resolved (whether its VMs wait for ONLINE), as of the last pass. */
  private readonly waits = new Map<string, boolean>();

  constructor(
    private readonly openstack: OpenStackClient,
    private readonly installation: InstallationService,
    private readonly clock: Clock,
    private readonly metrics: EngineMetrics,
  ) {}

  /**
   * One pass: `runs` are the open runs as the plan left them (its `track` actions applied); `schedulePools`, the pools
   * schedules name (searched for members of ours whose run is over); `trustOf` the trust a schedule acts through.
   */
  async prepare(input: {
    actions: readonly Action[];
    runs: readonly RunRecord[];
    servers: readonly Server[];
    schedulePools: ReadonlyMap<string, string>;
    trustOf: (scheduleId: string) => string | null;
    scheduleName: (scheduleId: string) => string;
    /** Whether Nova was asked to delete this server (by an earlier pass: the plan does not repeat it for a while). */
    deleteRequested: (serverId: string) => boolean;
    now: Date;
  }): Promise<MembershipPass> {
    const { now } = input;
    const tracked = new Map(input.runs.map((run) => [run.id, run]));
    for (const action of input.actions) if (action.kind === 'track') tracked.set(action.run.id, action.run);
    const pooled = [...tracked.values()].filter((run) => membershipOf(run));
    const poolIds = new Map<string, string | null>();
    for (const run of pooled) poolIds.set((membershipOf(run) as LoadBalancerMembership).poolId, input.trustOf(run.scheduleId));
    for (const [poolId, scheduleId] of input.schedulePools) if (!poolIds.has(poolId)) poolIds.set(poolId, input.trustOf(scheduleId));
    if (poolIds.size === 0) {
      this.waits.clear();
      this.metrics.setPoolMembers([]);
      return { actions: [...input.actions], unsettled: false, write: () => Promise.resolve(true) };
    }

    const pools = new Map<string, PoolPass | null>();
    await Promise.all([...poolIds].map(async ([poolId, trustId]) => pools.set(poolId, await this.readPool(poolId, trustId))));
    const servers = new Map(input.servers.map((server) => [server.id, server]));
    const planned = new Set(input.actions.flatMap((a) => (a.kind === 'delete' ? [a.serverId] : [])));
    const deleting = (serverId: string) => planned.has(serverId) || input.deleteRequested(serverId);
    const held = new Set<string>();
    let unsettled = false;

    for (const run of pooled) {
      const settings = membershipOf(run) as LoadBalancerMembership;
      const pool = pools.get(settings.poolId);
      if (!pool) {
        // Octavia could not be read: VMs recorded as members wait; the others may go.
        for (const vm of run.vms) if (vm.serverId && isInPool(vm)) held.add(vm.serverId);
        unsettled = true;
        continue;
      }
      const wait = settings.waitForOnline ?? pool.facts.hasMonitor;
      this.waits.set(run.id, wait);
      const steps = await Promise.all(run.vms.map((vm) => this.step(run, vm, settings, pool, servers, deleting, now)));
      run.vms.forEach((vm, i) => {
        const step = steps[i] as { hold: string | null; unsettled: boolean };
        if (step.hold) held.add(step.hold);
        if (step.unsettled || (vm.memberState === 'member' && wait)) unsettled = true;
      });
    }
    const open = new Set(tracked.keys());
    for (const pool of pools.values()) if (pool) this.collectOrphans(pool, open, tracked);
    for (const run of [...this.waits.keys()]) if (!tracked.has(run)) this.waits.delete(run);

    if (held.size > 0) unsettled = true;
    const write = async (guard: LeaseGuard) => {
      const written = await Promise.all([...pools.values()].map((pool) => (pool ? this.write(pool, guard) : Promise.resolve(true))));
      this.metrics.setPoolMembers(countStates(pooled, input.scheduleName));
      return !written.includes(false);
    };
    return { actions: input.actions.filter((a) => !(a.kind === 'delete' && held.has(a.serverId))), unsettled, write };
  }

  /**
   * Whether a slot counts as up: its VM ACTIVE and, when its run has a pool, serving in it (ONLINE, or a member at all
   * when the schedule does not wait for the health monitor).
   */
  serving(run: RunRecord, vm: SlotRecord): boolean {
    if (vm.status !== 'ACTIVE') return false;
    if (!membershipOf(run)) return true;
    return vm.memberState === 'online' || (vm.memberState === 'member' && this.waits.get(run.id) === false);
  }

  /** Moves one slot a step; `hold`: a server of the slot that may not be deleted yet. */
  private async step(
    run: RunRecord,
    vm: SlotRecord,
    settings: LoadBalancerMembership,
    pool: PoolPass,
    servers: ReadonlyMap<string, Server>,
    deleting: (serverId: string) => boolean,
    now: Date,
  ): Promise<{ hold: string | null; unsettled: boolean }> {
    const settled = { hold: null, unsettled: false };
    const member = pool.members.find((m) => isMemberOf(m, this.installation.id, run.id, vm.slot));
    const server = vm.serverId ? servers.get(vm.serverId) : undefined;
    const leaving = server !== undefined && (deleting(server.id) || run.state === 'tearing-down');
    if (!member) {
      if (isInPool(vm)) Object.assign(vm, { memberState: 'removed', memberRemovedAt: vm.memberRemovedAt ?? now });
      if (!server || leaving) return settled;
      if (vm.memberState === null || vm.memberState === 'removed') Object.assign(vm, { ...PENDING_MEMBER });
      if (server.status !== 'ACTIVE' || !pool.facts.loadBalancerId) return settled;
      return { hold: null, unsettled: !(await this.join(run, vm, settings, pool, server)) };
    }
    // The member of an earlier VM of this slot (replaced): that VM is gone or going, and so goes its member.
    const stale = server !== undefined && !hasAddress(server, member.address);
    const holds = stale ? staleServerOf(vm, member, servers) : (server?.id ?? null);
    if (!server || stale || member.provisioningStatus === 'PENDING_DELETE') {
      if (member.provisioningStatus !== 'PENDING_DELETE') this.remove(pool, member, stale ? null : vm, now);
      return { hold: holds, unsettled: true };
    }
    vm.memberId = member.id;
    vm.memberAddress = member.address;
    vm.memberJoinedAt ??= member.createdAt ?? now;
    if (!leaving) {
      if (member.operatingStatus === 'ONLINE') Object.assign(vm, { memberState: 'online', memberOnlineAt: vm.memberOnlineAt ?? now });
      else vm.memberState = 'member';
      return settled;
    }
    // Leaving: drain (weight 0), wait, remove; an ERROR VM serves nothing, so it leaves at once.
    const holding = { hold: server.id, unsettled: true };
    if (server.status === 'ERROR' || settings.drainSeconds === 0) {
      this.remove(pool, member, vm, now);
      return holding;
    }
    if (member.weight !== 0 || vm.memberDrainingAt === null) {
      if (member.weight !== 0) this.drain(pool, member, vm, now);
      else Object.assign(vm, { memberState: 'draining', memberDrainingAt: now });
      return holding;
    }
    vm.memberState = 'draining';
    if (now.getTime() - vm.memberDrainingAt.getTime() >= settings.drainSeconds * 1000) this.remove(pool, member, vm, now);
    return holding;
  }

  /** Queues the VM's member: its address on the members' subnet (none yet: false, tried again next pass). */
  private async join(run: RunRecord, vm: SlotRecord, settings: LoadBalancerMembership, pool: PoolPass, server: Server): Promise<boolean> {
    const subnetId = settings.subnetId ?? pool.facts.vipSubnetId;
    let address: string | undefined;
    try {
      const ports = await pool.cloud.network.listPorts({ deviceId: server.id });
      address = ports.flatMap((port) => port.fixedIps).find((ip) => subnetId === undefined || ip.subnetId === subnetId)?.ipAddress;
    } catch (error) {
      this.logger.warn(`Could not read the ports of ${vm.name} (server ${server.id}): ${describeError(error)}`);
      return false;
    }
    if (!address) {
      this.logger.warn(`${vm.name} (server ${server.id}) has no address on subnet ${subnetId ?? '?'}: it cannot join pool ${pool.poolId}`);
      return false;
    }
    pool.batch.push({
      address,
      protocolPort: settings.protocolPort,
      subnetId,
      weight: settings.weight,
      monitorAddress: settings.monitorAddress,
      monitorPort: settings.monitorPort,
      name: vm.name,
      tags: memberTags(this.installation.id, run.id, vm.slot),
    });
    // Recorded as a member once Octavia lists it (the batch answers 202, without ids).
    vm.memberAddress = address;
    return true;
  }

  private drain(pool: PoolPass, member: Member, vm: SlotRecord, now: Date): void {
    pool.batch.push({ ...asBatchMember(member), weight: 0 });
    pool.onBatch.push(() => Object.assign(vm, { memberState: 'draining', memberDrainingAt: now }));
  }

  private remove(pool: PoolPass, member: Member, vm: SlotRecord | null, now: Date): void {
    pool.removals.push({
      member,
      done: () => {
        if (!vm) return;
        if (vm.memberDrainingAt) this.metrics.observeDrain((now.getTime() - vm.memberDrainingAt.getTime()) / 1000);
        Object.assign(vm, { memberState: 'removed', memberRemovedAt: vm.memberRemovedAt ?? now });
      },
    });
  }

  /** Members of ours whose run is over, or whose slot the run does not have: removed (their VMs are gone or going). */
  private collectOrphans(pool: PoolPass, open: ReadonlySet<string>, runs: ReadonlyMap<string, RunRecord>): void {
    for (const member of pool.members) {
      const owner = memberOwner(member, this.installation.id);
      if (!owner || member.provisioningStatus === 'PENDING_DELETE') continue;
      const run = open.has(owner.runId) ? runs.get(owner.runId) : undefined;
      const vm = run?.vms.find((slot) => slot.slot === owner.slot);
      const pooled = run !== undefined && membershipOf(run)?.poolId === pool.poolId;
      if (pooled && vm) continue; // its slot's step handles it
      if (!pool.removals.some((r) => r.member.id === member.id)) {
        this.logger.warn(`Member ${member.id} (${member.address}) of pool ${pool.poolId} belongs to no live VM of ours: removing it`);
        this.remove(pool, member, null, new Date(0));
      }
    }
  }

  /** Sends a pool's writes one after another; false when some are left for the next pass (a busy load balancer, an error). */
  private async write(pool: PoolPass, guard: LeaseGuard): Promise<boolean> {
    let complete = true;
    if (pool.batch.length > 0) {
      if (!(await guard())) return false;
      const sent = await this.send(pool, `${pool.batch.length} member change(s)`, () =>
        pool.cloud.loadBalancer.batchUpdateMembers(pool.poolId, pool.batch, { additiveOnly: true }),
      );
      if (sent) for (const done of pool.onBatch) done();
      complete &&= sent;
    }
    for (const { member, done } of pool.removals) {
      if (!(await guard())) return false;
      const sent = await this.send(pool, `removal of member ${member.id}`, () =>
        pool.cloud.loadBalancer.deleteMember(pool.poolId, member.id, { ignoreNotFound: true }),
      );
      if (sent) done();
      complete &&= sent;
    }
    return complete;
  }

  /** One write, after waiting for the load balancer to take writes; a 409 "immutable" is retried once after waiting again. */
  private async send(pool: PoolPass, what: string, write: () => Promise<unknown>): Promise<boolean> {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        if (!(await this.untilWritable(pool))) break;
        await write();
        return true;
      } catch (error) {
        if (error instanceof LoadBalancerImmutableError) continue;
        this.logger.warn(`Pool ${pool.poolId}: ${what} failed (tried again next pass): ${describeError(error)}`);
        return false;
      }
    }
    this.logger.log(`Pool ${pool.poolId}: load balancer ${pool.facts.loadBalancerId} busy; ${what} left to the next pass`);
    return false;
  }

  /** Waits (a while) for the pool's load balancer to be ACTIVE, as Octavia takes writes only then. */
  private async untilWritable(pool: PoolPass): Promise<boolean> {
    // Real time: this waits on the cloud, whatever the engine's clock says.
    const until = performance.now() + BUSY_WAIT_MS;
    for (;;) {
      const status = (await pool.cloud.loadBalancer.getLoadBalancer(pool.facts.loadBalancerId)).provisioningStatus;
      if (status === 'ACTIVE') return true;
      if (status === 'ERROR' || status === 'DELETED' || performance.now() >= until) return false;
      await new Promise((resolve) => setTimeout(resolve, BUSY_POLL_MS));
    }
  }

  /** The pool's facts (cached) and members; null when Octavia could not answer (a pool gone answers with no members). */
  private async readPool(poolId: string, trustId: string | null): Promise<PoolPass | null> {
    const cloud = trustId ? this.openstack.forTrust(trustId) : this.openstack;
    const pass = (facts: PoolFacts, members: Member[]): PoolPass => ({
      poolId,
      cloud,
      facts,
      members,
      batch: [],
      onBatch: [],
      removals: [],
    });
    try {
      const facts = await this.factsOf(poolId, cloud);
      return pass(facts, await cloud.loadBalancer.listMembers(poolId));
    } catch (error) {
      if (isOpenStackError(error) && error.isNotFound) {
        this.logger.warn(`Pool ${poolId} no longer exists: its members went with it`);
        return pass({ loadBalancerId: '', vipSubnetId: undefined, hasMonitor: false }, []);
      }
      this.logger.warn(`Could not read pool ${poolId} (members wait for the next pass): ${describeError(error)}`);
      return null;
    }
  }

  private async factsOf(poolId: string, cloud: OpenStackClient): Promise<PoolFacts> {
    const cached = this.facts.get(poolId);
    const t = this.clock.monotonicMs();
    if (cached && t - cached.at < POOL_FACTS_TTL_MS) return cached.facts;
    const pool = await cloud.loadBalancer.getPool(poolId);
    const loadBalancerId = pool.loadBalancerIds[0] ?? '';
    const loadBalancer = loadBalancerId ? await cloud.loadBalancer.getLoadBalancer(loadBalancerId) : undefined;
    const facts = { loadBalancerId, vipSubnetId: loadBalancer?.vipSubnetId, hasMonitor: pool.healthMonitorId !== undefined };
    this.facts.set(poolId, { facts, at: t });
    return facts;
  }
}

/** VMs per schedule and membership state, for the metrics. */
function countStates(runs: readonly RunRecord[], nameOf: (scheduleId: string) => string) {
  const counts = new Map<string, { schedule: { id: string; name: string }; state: string; vms: number }>();
  for (const run of runs)
    for (const vm of run.vms) {
      if (vm.memberState === null) continue;
      const key = `${run.scheduleId}/${vm.memberState}`;
      const entry = counts.get(key) ?? { schedule: { id: run.scheduleId, name: nameOf(run.scheduleId) }, state: vm.memberState, vms: 0 };
      entry.vms++;
      counts.set(key, entry);
    }
  return [...counts.values()];
}

/** The pool settings a run started with (null: its VMs join no pool). */
export function membershipOf(run: RunRecord): LoadBalancerMembership | null {
  return run.launch?.options.loadBalancer ?? null;
}

/** A slot's membership before its VM joins (a new VM of the slot starts over). */
const PENDING_MEMBER = {
  memberState: 'pending',
  memberId: null,
  memberAddress: null,
  memberJoinedAt: null,
  memberOnlineAt: null,
  memberDrainingAt: null,
  memberRemovedAt: null,
} as const;

function hasAddress(server: Server, address: string): boolean {
  return Object.values(server.addresses).some((list) => list.some((a) => a.addr === address));
}

/** The server of the run (listed, not the slot's current one) at a stale member's address: its delete waits for the member. */
function staleServerOf(vm: SlotRecord, member: Member, servers: ReadonlyMap<string, Server>): string | null {
  for (const server of servers.values()) if (server.id !== vm.serverId && hasAddress(server, member.address)) return server.id;
  return null;
}

function isInPool(vm: SlotRecord): boolean {
  return vm.memberState === 'member' || vm.memberState === 'online' || vm.memberState === 'draining';
}

export function memberTags(installationId: string, runId: string, slot: number): string[] {
  return [OWNER_TAG, installationTag(installationId), `${RUN_TAG_PREFIX}${runId}`, `${SLOT_TAG_PREFIX}${slot}`];
}

/** The run and slot a member of this installation belongs to (null: not ours). */
export function memberOwner(member: Pick<Member, 'tags'>, installationId: string): { runId: string; slot: number } | null {
  const tags = member.tags;
  if (!tags.includes(OWNER_TAG) || !tags.includes(installationTag(installationId))) return null;
  const runId = tags.find((t) => t.startsWith(RUN_TAG_PREFIX))?.slice(RUN_TAG_PREFIX.length);
  const slot = Number(tags.find((t) => t.startsWith(SLOT_TAG_PREFIX))?.slice(SLOT_TAG_PREFIX.length));
  return runId && Number.isInteger(slot) ? { runId, slot } : null;
}

function isMemberOf(member: Member, installationId: string, runId: string, slot: number): boolean {
  const owner = memberOwner(member, installationId);
  return owner !== null && owner.runId === runId && owner.slot === slot;
}

/** A listed member as a batch entry (a batch update matches it by address and port and sets what it lists). */
function asBatchMember(member: Member): BatchMember {
  return {
    address: member.address,
    protocolPort: member.protocolPort,
    subnetId: member.subnetId,
    weight: member.weight,
    monitorAddress: member.monitorAddress,
    monitorPort: member.monitorPort,
    backup: member.backup,
    adminStateUp: member.adminStateUp,
    name: member.name,
    tags: member.tags,
  };
}
