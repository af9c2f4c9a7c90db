import { isQuotaFault, type Server } from '@peak/openstack-client';
import { dominantShortfall, nextRunState, type MemberState, type RunState, type ShortfallReason } from '../runs/run-lifecycle';
import type { LaunchSpec, LaunchOptions } from '../schedules/entities/launch-options';
import { ownershipOf, serverName } from './ownership';

/**
 * The engine's decisions, as pure functions: no Nest, no TypeORM, no I/O, no clock of their own. `plan` turns
 * what should exist (the windows schedules want now) and what does exist (the tagged servers Nova lists, the
 * open runs) into actions; `settleRun` derives a run's state once the actions are applied. The executor is
 * the only part that calls the cloud or writes rows.
 */

/** Row statuses the engine writes besides Nova's own. */
export const VM_STATUS = {
  pending: 'PENDING',
  creating: 'CREATING',
  deleting: 'DELETING',
  deleted: 'DELETED',
  gaveUp: 'FAILED',
  notCreated: 'NOT_CREATED',
} as const;

/** One VM slot of a run, as the planner reads and writes it. */
export interface SlotRecord {
  id: string;
  runId: string;
  slot: number;
  serverId: string | null;
  name: string;
  status: string;
  faultMessage: string | null;
  shortfallReason: ShortfallReason | null;
  attempts: number;
  createdAt: Date | null;
  activeAt: Date | null;
  deletedAt: Date | null;
  /** Its load balancer pool membership (all null when the run has no pool): see `MembershipService`. */
  memberId: string | null;
  memberState: MemberState | null;
  memberAddress: string | null;
  memberJoinedAt: Date | null;
  memberOnlineAt: Date | null;
  memberDrainingAt: Date | null;
  memberRemovedAt: Date | null;
}

/** An open run with its slots. */
export interface RunRecord {
  id: string;
  scheduleId: string;
  state: RunState;
  windowStart: Date;
  windowEnd: Date;
  desiredCount: number;
  readyAt: Date | null;
  endedAt: Date | null;
  tornDownAt: Date | null;
  /** When the teardown was announced as late (see `markOverdueTeardown`). */
  teardownOverdueAt: Date | null;
  shortfallReason: ShortfallReason | null;
  lastErrorMessage: string | null;
  lastErrorRequestId: string | null;
  lastErrorAt: Date | null;
  /** What the run boots, copied from the schedule when it opened (null: a run older than that, which boots what the schedule says). */
  launch: LaunchSpec | null;
  /** The server group made for this run, once made. */
  serverGroupId: string | null;
  /** When someone ended the window early (the API records it; the engine only reads it): the run closes `stopped`. */
  readonly stoppedAt: Date | null;
  vms: SlotRecord[];
}

/** The window a schedule wants VMs for right now, and what those VMs are. */
export interface DesiredWindow {
  scheduleId: string;
  scheduleName: string;
  instanceCount: number;
  windowStart: Date;
  windowEnd: Date;
  /** When provisioning of the window was due to start (its start less the lead time). */
  provisionAt: Date;
  launch: Launch;
}

/**
 * What to boot for a window, and where: the Keystone trust to create it through (null: the service account's own
 * project) and the project that trust acts in (named in quota errors and metrics; null when unknown).
 */
export interface Launch {
  imageId: string;
  flavorId: string;
  networkIds: readonly string[];
  trustId: string | null;
  project: { id: string; name: string | null } | null;
  /** Key pair, security groups, user data, server group, boot volume... as the schedule (or the run's copy) says. */
  options: LaunchOptions;
}

/**
 * What the executor remembers between passes (in memory): backoffs and deletes already asked for. Every instant
 * here is on the monotonic clock (`PlanInput.t`), so a wall-clock step neither expires nor extends them.
 */
export interface BackoffView {
  /** Before this instant the slot or run (by id) may not create, and the server (by id) may not be asked to delete. */
  notBefore(id: string): number;
  /** When Nova was asked to delete this server, if it was. */
  deleteRequestedAt(serverId: string): number | undefined;
  /** When this leader first saw the server building (its build time on the monotonic clock starts there). */
  buildingSince(serverId: string): number;
}

export interface PlanLimits {
  maxAttempts: number;
  createGraceMs: number;
  deleteRetryMs: number;
  buildTimeoutMs: number;
}

export interface PlanInput {
  /** Wall-clock now: windows, and the instants written to rows. */
  now: Date;
  /** Monotonic now, for every duration (backoffs, delete retries, build timeouts). */
  t: number;
  /** By schedule id. */
  desired: ReadonlyMap<string, DesiredWindow>;
  runs: readonly RunRecord[];
  /** Servers Nova lists under the owner tag (a server it lists as DELETED is gone and must be left out). */
  servers: readonly Server[];
  backoff: BackoffView;
  limits: PlanLimits;
}

/** What to do, one discriminated union handled by the executor's exhaustive switch. */
export type Action =
  /** Send `POST /servers` for a slot (after checking by id that `knownServerId`, if any, is really gone). */
  | {
      readonly kind: 'create';
      readonly runId: string;
      readonly slotId: string;
      readonly knownServerId: string | null;
      readonly launch: DesiredWindow['launch'];
    }
  /** Ask Nova to delete a server of ours; `runId` null for one no open run accounts for. */
  | { readonly kind: 'delete'; readonly serverId: string; readonly runId: string | null }
  /** The run's record after what this pass observed (slots adopted, statuses, faults, new or closed slots). */
  | { readonly kind: 'track'; readonly run: RunRecord }
  /** Hold a slot's next create back after a failed VM (`attempt` failures so far). */
  | { readonly kind: 'back-off-slot'; readonly slotId: string; readonly attempt: number }
  /** Hold the whole run's creates back after a quota error (Nova's recheck put a VM in ERROR); recorded on the run. */
  | { readonly kind: 'back-off-run'; readonly runId: string }
  /** A VM came up: the run's next error backs off from the start again. */
  | { readonly kind: 'reset-run-backoff'; readonly runId: string };

/** Which windows have no run yet: the executor opens a run for each before planning. */
export function dueWindows(desired: ReadonlyMap<string, DesiredWindow>, runs: readonly RunRecord[]): DesiredWindow[] {
  return [...desired.values()].filter(
    (want) => !runs.some((run) => run.scheduleId === want.scheduleId && run.windowStart.getTime() === want.windowStart.getTime()),
  );
}

export function newSlot(runId: string, scheduleName: string, windowStart: Date, slot: number, id: string): SlotRecord {
  return {
    id,
    runId,
    slot,
    serverId: null,
    name: serverName(scheduleName, windowStart, slot),
    status: VM_STATUS.pending,
    faultMessage: null,
    shortfallReason: null,
    attempts: 0,
    createdAt: null,
    activeAt: null,
    deletedAt: null,
    ...NO_MEMBERSHIP,
  };
}

/** A slot's membership fields before its run's pool (if any) is involved. */
export const NO_MEMBERSHIP = {
  memberId: null,
  memberState: null,
  memberAddress: null,
  memberJoinedAt: null,
  memberOnlineAt: null,
  memberDrainingAt: null,
  memberRemovedAt: null,
} as const satisfies Partial<SlotRecord>;

/** Whether the run's window is the one its schedule wants now (else it must be torn down). */
export function isKept(run: RunRecord, desired: ReadonlyMap<string, DesiredWindow>): boolean {
  const want = desired.get(run.scheduleId);
  return want !== undefined && want.windowStart.getTime() === run.windowStart.getTime();
}

/**
 * One plan. Runs are copied, never changed: the copies come back in `track` actions. `newId` names slots
 * added when a schedule's count grew during its window.
 */
export function plan(planInput: PlanInput, newId: () => string): Action[] {
  const actions: Action[] = [];
  // Backoffs decided in this plan hold their slot or run back at once, like those of earlier passes.
  const held = new Set<string>();
  const input: Context = {
    ...planInput,
    backoff: {
      notBefore: (id) => (held.has(id) ? Number.POSITIVE_INFINITY : planInput.backoff.notBefore(id)),
      deleteRequestedAt: (serverId) => planInput.backoff.deleteRequestedAt(serverId),
      buildingSince: (serverId) => planInput.backoff.buildingSince(serverId),
    },
    hold: (id) => held.add(id),
  };
  const serversByRun = groupByRun(input.servers);
  const runIds = new Set(input.runs.map((run) => run.id));
  for (const original of input.runs) {
    const run = copyRun(original);
    const owned = serversByRun.get(run.id) ?? [];
    const want = input.desired.get(run.scheduleId);
    if (want && isKept(run, input.desired)) planKeep(run, want, owned, input, actions, newId);
    else planTeardown(run, owned, input, actions);
    if (!sameRun(original, run)) actions.push({ kind: 'track', run });
  }
  // Sweep: servers of ours that no open run accounts for (their run ended, or vanished) go.
  for (const [runId, owned] of serversByRun) {
    if (runIds.has(runId)) continue;
    for (const server of owned) if (mayRequestDelete(server.id, input)) actions.push({ kind: 'delete', serverId: server.id, runId: null });
  }
  return actions;
}

interface Context extends PlanInput {
  hold(id: string): void;
}

/** Inside the window: one good VM per slot, and none beyond the count. */
function planKeep(run: RunRecord, want: DesiredWindow, owned: Server[], input: Context, actions: Action[], newId: () => string): void {
  const { now } = input;
  // The window's end may have moved during it (a one-off's end changed, a recurring window's duration): the run follows.
  run.windowEnd = want.windowEnd;
  // The count may have changed during the window: grow or shrink the slots.
  for (let slot = run.vms.length + 1; slot <= want.instanceCount; slot++)
    run.vms.push(newSlot(run.id, want.scheduleName, run.windowStart, slot, newId()));
  run.desiredCount = want.instanceCount;

  const bySlot = groupBySlot(owned);
  for (const vm of run.vms) {
    const candidates = bySlot.get(vm.slot) ?? [];
    if (vm.slot > want.instanceCount) {
      if (candidates.length > 0 && vm.status !== VM_STATUS.deleted) vm.status = VM_STATUS.deleting;
      for (const server of candidates)
        if (mayRequestDelete(server.id, input)) actions.push({ kind: 'delete', serverId: server.id, runId: run.id });
      continue;
    }
    const current = adopt(vm, candidates, input);
    // Extra servers for a slot (a create whose answer was lost, then retried) and replaced ones go.
    for (const server of candidates) {
      if (server !== current && mayRequestDelete(server.id, input)) actions.push({ kind: 'delete', serverId: server.id, runId: run.id });
    }
    if (current) {
      if (current.status === 'ACTIVE' && !vm.activeAt) actions.push({ kind: 'reset-run-backoff', runId: run.id });
      observe(vm, current, now);
      if (!hasFailed(current, vm.createdAt, input)) continue;
      recordFailure(run, vm, current, input, actions);
      if (mayRequestDelete(current.id, input)) actions.push({ kind: 'delete', serverId: current.id, runId: run.id });
    }
    if (needsCreate(run, vm, input))
      actions.push({ kind: 'create', runId: run.id, slotId: vm.id, knownServerId: vm.serverId, launch: launchOf(run, want) });
  }
  // A server in a slot the run has no row for (its create was sent, then the pass that added the slot never saved).
  const slots = new Set(run.vms.map((vm) => vm.slot));
  for (const [slot, servers] of bySlot) {
    if (slots.has(slot)) continue;
    for (const server of servers)
      if (mayRequestDelete(server.id, input)) actions.push({ kind: 'delete', serverId: server.id, runId: run.id });
  }
}

/** After the window (or when the schedule was disabled or deleted): every VM of the run goes. */
function planTeardown(run: RunRecord, owned: Server[], input: PlanInput, actions: Action[]): void {
  if (run.state !== 'tearing-down') {
    run.state = nextRunState(run.state, { kind: 'window-end' });
    run.endedAt = input.now;
  }
  // Every server of the run goes, whether or not a slot row accounts for it.
  for (const server of owned) {
    const vm = run.vms.find((slot) => slot.slot === ownershipOf(server)?.slot);
    if (vm) {
      if (server.id === vm.serverId) observe(vm, server, input.now);
      vm.status = VM_STATUS.deleting;
    }
    if (mayRequestDelete(server.id, input)) actions.push({ kind: 'delete', serverId: server.id, runId: run.id });
  }
}

/**
 * The server that stands for this slot: the one we created while it is sound, else (after a crash, or when ours
 * failed beside a sound one) the best one found. A server already being deleted never stands for a slot.
 */
function adopt(vm: SlotRecord, candidates: Server[], input: PlanInput): Server | undefined {
  const usable = candidates.filter((s) => input.backoff.deleteRequestedAt(s.id) === undefined);
  const known = usable.find((s) => s.id === vm.serverId);
  if (known && !hasFailed(known, vm.createdAt, input)) return known;
  const order = (s: Server) => (hasFailed(s, null, input) ? 10 : 0) + rank(s);
  const best = usable
    .filter((s) => s !== known)
    .sort((a, b) => order(a) - order(b) || (a.created?.getTime() ?? 0) - (b.created?.getTime() ?? 0))[0];
  if (best && (!known || !hasFailed(best, null, input))) {
    vm.serverId = best.id;
    // Its build time counts from its own creation.
    vm.createdAt = best.created ?? vm.createdAt;
    return best;
  }
  return known;
}

/**
 * ERROR, or still building past the build timeout. The build time is the shorter of the wall-clock time since
 * `since` (or the server's own creation) and the monotonic time since this leader first saw it building: a
 * wall-clock step forward fails nothing, and a new leader never waits longer than the timeout from its start.
 */
function hasFailed(server: Server, since: Date | null, input: PlanInput): boolean {
  if (server.status === 'ERROR') return true;
  if (server.status !== 'BUILD') return false;
  const from = since ?? server.created;
  if (from === undefined) return false;
  const building = Math.min(input.now.getTime() - from.getTime(), input.t - input.backoff.buildingSince(server.id));
  return building > input.limits.buildTimeoutMs;
}

function observe(vm: SlotRecord, server: Server, now: Date): void {
  if (server.status === 'ACTIVE' && !vm.activeAt) vm.activeAt = now;
  // Up at last: whatever held the slot back is over (until then a quota or cloud error still explains it).
  if (server.status === 'ACTIVE') vm.shortfallReason = null;
  if (vm.status !== VM_STATUS.deleting) vm.status = server.status;
  if (server.fault) vm.faultMessage = server.fault.message;
}

/** A VM went ERROR (or never finished building): counted against the slot, or against the quota. */
function recordFailure(run: RunRecord, vm: SlotRecord, server: Server, input: Context, actions: Action[]): void {
  if (input.backoff.deleteRequestedAt(server.id) !== undefined) return; // already counted
  vm.faultMessage = server.fault?.message ?? (server.status === 'BUILD' ? 'Build timed out' : `Server went ${server.status}`);
  vm.serverId = null;
  if (isQuotaFault(server)) {
    // Nova took the create, then its quota recheck refused it: as after a 403 on create, no attempt is used up
    // and the whole run backs off (longer each time) until the quota has room.
    vm.attempts = Math.max(0, vm.attempts - 1);
    vm.status = 'ERROR';
    vm.shortfallReason = 'quota';
    recordRunError(run, vm.faultMessage, null, input.now);
    actions.push({ kind: 'back-off-run', runId: run.id });
    input.hold(run.id);
    return;
  }
  const giveUp = vm.attempts >= input.limits.maxAttempts;
  vm.status = giveUp ? VM_STATUS.gaveUp : 'ERROR';
  if (giveUp) vm.shortfallReason = 'attempts_exhausted';
  else {
    actions.push({ kind: 'back-off-slot', slotId: vm.id, attempt: vm.attempts });
    input.hold(vm.id);
  }
}

/** What a run's creates boot: its own copy, made when it opened, with the schedule's current trust and project. */
function launchOf(run: RunRecord, want: DesiredWindow): Launch {
  if (!run.launch) return want.launch;
  const { imageId, flavorId, networkIds, options } = run.launch;
  return { ...want.launch, imageId, flavorId, networkIds, options };
}

export function recordRunError(run: RunRecord, message: string, requestId: string | null, now: Date): void {
  run.lastErrorMessage = message;
  run.lastErrorRequestId = requestId;
  run.lastErrorAt = now;
}

function needsCreate(run: RunRecord, vm: SlotRecord, input: PlanInput): boolean {
  if (vm.status === VM_STATUS.gaveUp) return false;
  const { t } = input;
  if (input.backoff.notBefore(vm.id) > t || input.backoff.notBefore(run.id) > t) return false;
  if (vm.status === VM_STATUS.creating) {
    // A create was sent (or about to be) and no server carries its tags yet: it may still appear (a lost
    // answer, a crash right after sending). Only after a grace period is it looked for by its tags and slot,
    // and made again only if it is not there (the executor checks). Rows outlive leaders: wall clock here.
    const sentAt = vm.createdAt?.getTime() ?? 0;
    if (input.now.getTime() - sentAt < input.limits.createGraceMs) return false;
  }
  return true;
}

function mayRequestDelete(serverId: string, input: PlanInput): boolean {
  // A delete Nova refused waits out its backoff.
  if (input.backoff.notBefore(serverId) > input.t) return false;
  const asked = input.backoff.deleteRequestedAt(serverId);
  // Deleting takes Nova a while; ask again only if it seems to have been lost.
  return asked === undefined || input.t - asked > input.limits.deleteRetryMs;
}

/**
 * The run's state once this pass's actions are applied (see run-lifecycle.ts). `owned` is what Nova listed
 * before them; `kept`: its window is still wanted; `serving`: whether a slot counts as up (default: its VM is
 * ACTIVE; with a load balancer pool, once the VM serves in it). Returns a new record, and whether the run closed.
 */
export function settleRun(
  original: RunRecord,
  owned: readonly Server[],
  kept: boolean,
  now: Date,
  serving: (vm: SlotRecord) => boolean = (vm) => vm.status === 'ACTIVE',
): { run: RunRecord; closed: boolean } {
  const run = copyRun(original);
  const inSlots = run.vms.filter((vm) => vm.slot <= run.desiredCount);
  const slotsLeft = new Set(owned.map((server) => ownershipOf(server)?.slot));
  if (run.state === 'tearing-down') {
    // `owned` was listed before this pass's deletes: a slot with no server in it is gone for good.
    for (const vm of run.vms)
      if (vm.status === VM_STATUS.deleting && !slotsLeft.has(vm.slot))
        Object.assign(vm, { status: VM_STATUS.deleted, deletedAt: vm.deletedAt ?? now });
    if (owned.length > 0) return { run, closed: false };
    closeSlots(run, now);
    // Seen ACTIVE by any pass, the teardown's included: a window that ended just as its VMs came up still completed.
    const slotsUp = inSlots.filter((vm) => vm.activeAt).length;
    run.state = nextRunState(run.state, { kind: 'torn-down', desired: run.desiredCount, slotsUp, stopped: run.stoppedAt !== null });
    run.shortfallReason =
      run.state === 'completed' || run.state === 'stopped'
        ? null
        : dominantShortfall(inSlots.filter((vm) => !vm.activeAt).map((vm) => vm.shortfallReason));
    run.tornDownAt = now;
    return { run, closed: true };
  }
  if (kept) {
    for (const vm of run.vms) {
      if (vm.slot > run.desiredCount && !slotsLeft.has(vm.slot) && vm.status !== VM_STATUS.deleted)
        Object.assign(vm, { status: VM_STATUS.deleted, deletedAt: vm.deletedAt ?? now });
    }
    const active = inSlots.filter(serving).length;
    const shortfall = dominantShortfall(inSlots.filter((vm) => vm.status !== 'ACTIVE').map((vm) => vm.shortfallReason));
    run.state = nextRunState(run.state, { kind: 'progress', desired: run.desiredCount, active, shortfall });
    run.shortfallReason = run.state === 'active' ? null : shortfall;
    if (run.state === 'active' && !run.readyAt) run.readyAt = now;
  }
  return { run, closed: false };
}

/**
 * A run still tearing down `alertMs` after its teardown began is overdue: stamped once (its save announces
 * `peak.run.teardown_failed`). Returns whether it was stamped now.
 */
export function markOverdueTeardown(run: RunRecord, now: Date, alertMs: number): boolean {
  if (run.state !== 'tearing-down' || run.teardownOverdueAt !== null || run.endedAt === null) return false;
  if (now.getTime() - run.endedAt.getTime() < alertMs) return false;
  run.teardownOverdueAt = now;
  return true;
}

/**
 * The run is over and none of its servers is left: every slot is closed, so nothing of it looks alive any
 * more. A slot that had a server is deleted; one that never got one (or lost it before the end) says why.
 */
function closeSlots(run: RunRecord, now: Date): void {
  for (const vm of run.vms) {
    if (vm.status === VM_STATUS.deleted || vm.status === VM_STATUS.notCreated) continue;
    if (vm.status === VM_STATUS.gaveUp) vm.shortfallReason = 'attempts_exhausted';
    else if (vm.serverId || vm.status === VM_STATUS.deleting)
      Object.assign(vm, { status: VM_STATUS.deleted, deletedAt: vm.deletedAt ?? now });
    else Object.assign(vm, { status: VM_STATUS.notCreated, shortfallReason: vm.shortfallReason ?? run.shortfallReason ?? 'window_ended' });
  }
}

/** Which server to keep when a slot has several: ACTIVE, then BUILD, then anything else. */
function rank(server: Server): number {
  return server.status === 'ACTIVE' ? 0 : server.status === 'BUILD' ? 1 : server.status === 'ERROR' ? 3 : 2;
}

/** Our servers by run id, leaving out what is not ours (no complete ownership marks). */
export function groupByRun(servers: readonly Server[]): Map<string, Server[]> {
  const byRun = new Map<string, Server[]>();
  for (const server of servers) {
    const owner = ownershipOf(server);
    if (owner) byRun.set(owner.runId, [...(byRun.get(owner.runId) ?? []), server]);
  }
  return byRun;
}

function groupBySlot(servers: Server[]): Map<number, Server[]> {
  const bySlot = new Map<number, Server[]>();
  for (const server of servers) {
    const slot = ownershipOf(server)?.slot;
    if (slot !== undefined) bySlot.set(slot, [...(bySlot.get(slot) ?? []), server]);
  }
  return bySlot;
}

export function copyRun(run: RunRecord): RunRecord {
  return { ...run, vms: run.vms.map((vm) => ({ ...vm })) };
}

function sameRun(a: RunRecord, b: RunRecord): boolean {
  if (a.vms.length !== b.vms.length) return false;
  const { vms: av, ...ar } = a;
  const { vms: bv, ...br } = b;
  return sameFields(ar, br) && av.every((vm, i) => sameFields(vm, bv[i] as SlotRecord));
}

function sameFields(a: object, b: object): boolean {
  const bb = b as Record<string, unknown>;
  return Object.entries(a).every(([key, value]) =>
    value instanceof Date ? bb[key] instanceof Date && (bb[key] as Date).getTime() === value.getTime() : bb[key] === value,
  );
}
