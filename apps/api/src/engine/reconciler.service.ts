import { Inject, Injectable, Logger } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { isOpenStackError, isQuotaFault, isServerDeleted, OpenStackClient, type Server } from '@peak/openstack-client';
import type { PeakWindow } from '@peak/schedule-domain';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { DataSource, In, Repository } from 'typeorm';
import { Clock } from '../common/clock';
import { engineConfig } from '../config/engine.config';
import { describeError } from '../openstack/describe-error';
import { RunVmEntity } from '../schedules/entities/run-vm.entity';
import { RunEntity } from '../schedules/entities/run.entity';
import { ScheduleEntity } from '../schedules/entities/schedule.entity';
import {
  dominantShortfall,
  isLiveRunState,
  LIVE_RUN_STATES,
  nextRunState,
  type RunState,
  type ShortfallReason,
} from '../schedules/run-lifecycle';
import { SchedulesService } from '../schedules/schedules.service';
import { mapWithConcurrency } from './concurrency';
import { EngineSchedules, type EngineSchedule } from './engine-schedules';
import { OWNER_TAG, ownershipMetadata, ownershipOf, ownershipTags, serverName } from './ownership';

/** How many past windows one pass records as missed per schedule, after a long downtime. */
const MAX_MISSED_PER_PASS = 20;

/** Row statuses the engine writes besides Nova's own. */
export const VM_STATUS = {
  pending: 'PENDING',
  creating: 'CREATING',
  deleting: 'DELETING',
  deleted: 'DELETED',
  gaveUp: 'FAILED',
  notCreated: 'NOT_CREATED',
} as const;

/** What one pass saw and did; returned for the engine's timer, logs, metrics and tests. */
export interface PassReport {
  at: Date;
  /** Time spent deciding what every schedule wants (pure, in memory), in ms. */
  planningMs: number;
  durationMs: number;
  schedules: number;
  created: number;
  deleted: number;
  /** The next instant at which some schedule's desired state changes. */
  nextBoundary: Date | null;
  /** Whether VMs are still being built or deleted (the engine then polls sooner). */
  unsettled: boolean;
  /** The earliest retry waiting on a backoff. */
  nextRetryAt: Date | null;
  /** Runs started in this pass: planned provisioning start, and when the engine started it. */
  started: { plannedAt: Date; at: Date }[];
  /** Runs whose teardown began in this pass: planned end (or the change that ended it), and when. */
  tearingDown: { plannedAt: Date; at: Date }[];
  /** Desired and ACTIVE VMs of every schedule with an open run. */
  vms: { scheduleId: string; scheduleName: string; desired: number; active: number }[];
  finishedRuns: { runId: string; scheduleId: string; state: RunState }[];
}

interface Action {
  kind: 'create' | 'delete';
  run: RunEntity;
  vm?: RunVmEntity;
  server?: Server;
  schedule?: ScheduleEntity;
}

/**
 * One reconciliation pass, level-triggered like a Kubernetes controller: for every schedule it computes the
 * VMs that should exist now, reads the VMs that do exist (one tagged Nova listing for all schedules), and acts
 * on the difference: create what is missing, delete what must go, replace VMs in ERROR. Because it acts on
 * the difference and not on events, restarts, failovers, manual deletions and half-finished work are all
 * handled by the next pass.
 */
@Injectable()
export class ReconcilerService {
  private readonly logger = new Logger('Engine');
  /** Backoff per VM slot (after an ERROR) and per run (after a quota or cloud error), in memory only. */
  private readonly notBefore = new Map<string, number>();
  /** Servers we asked Nova to delete, and when: not asked again until that is old. */
  private readonly deleteRequested = new Map<string, number>();
  /** Consecutive cloud failures per run, for its backoff. */
  private readonly runFailures = new Map<string, number>();

  constructor(
    private readonly openstack: OpenStackClient,
    private readonly schedules: EngineSchedules,
    private readonly clock: Clock,
    @Inject(engineConfig.KEY) private readonly config: ConfigType<typeof engineConfig>,
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(RunEntity) private readonly runs: Repository<RunEntity>,
    @InjectRepository(RunVmEntity) private readonly vms: Repository<RunVmEntity>,
    private readonly schedulesService: SchedulesService,
  ) {}

  /**
   * One pass. `isLeader` is asked again before acting, so a replica that lost its lease mid-pass stops.
   * `missedSince`: the end of the previous pass, to record windows that passed while nobody was leading.
   */
  async reconcile(options: { isLeader: () => boolean; missedSince?: Date | null }): Promise<PassReport> {
    const started = performance.now();
    const now = this.clock.now();
    const report: PassReport = {
      at: now,
      planningMs: 0,
      durationMs: 0,
      schedules: this.schedules.size,
      created: 0,
      deleted: 0,
      nextBoundary: null,
      unsettled: false,
      nextRetryAt: null,
      started: [],
      tearingDown: [],
      vms: [],
      finishedRuns: [],
    };

    // 1. Desired state, in memory: which window (if any) each schedule wants VMs for right now.
    const wanted = new Map<string, { schedule: EngineSchedule; window: PeakWindow }>();
    for (const schedule of this.schedules.all()) {
      const plan = schedule.compiled.planAt(now);
      if (plan.nextBoundary && (!report.nextBoundary || plan.nextBoundary < report.nextBoundary)) report.nextBoundary = plan.nextBoundary;
      const { enabled, deletingSince } = schedule.entity;
      if (enabled && !deletingSince && plan.current) wanted.set(schedule.entity.id, { schedule, window: plan.current });
    }
    report.planningMs = performance.now() - started;

    // 2. Actual state: every VM we own (one listing, all pages), and the runs still open.
    const servers = await this.openstack.compute.listServers({ tags: [OWNER_TAG] });
    const serversByRun = new Map<string, Server[]>();
    for (const server of servers) {
      // A server Nova still lists as DELETED is gone: its slot is empty, and it needs no delete.
      const owner = isServerDeleted(server) ? null : ownershipOf(server);
      if (!owner) continue;
      serversByRun.set(owner.runId, [...(serversByRun.get(owner.runId) ?? []), server]);
    }
    const openRuns = await this.runs.find({ where: { state: In([...LIVE_RUN_STATES]) }, relations: { vms: true } });

    if (options.missedSince) await this.recordMissed(options.missedSince, now);

    // 3. Open a run for each wanted window that has none yet (all in one transaction: 50 windows starting in the
    // same second must not wait for 50 round trips before their first create).
    const due = [...wanted.values()].filter(
      ({ schedule, window }) =>
        !openRuns.some((r) => r.scheduleId === schedule.entity.id && r.windowStart.getTime() === window.start.getTime()),
    );
    if (due.length > 0) {
      if (!options.isLeader()) return this.finish(report, started);
      for (const run of await this.openRuns(due, now)) {
        openRuns.push(run);
        report.started.push({ plannedAt: run.provisionAt, at: now });
      }
    }

    // 4. Decide, per run, what to create and delete.
    const actions: Action[] = [];
    const runIds = new Set(openRuns.map((r) => r.id));
    for (const run of openRuns) {
      const want = wanted.get(run.scheduleId);
      const keep = want !== undefined && want.window.start.getTime() === run.windowStart.getTime();
      const owned = serversByRun.get(run.id) ?? [];
      if (keep) this.planKeep(run, want.schedule.entity, owned, now, actions, report);
      else {
        if (run.state !== 'tearing-down') report.tearingDown.push({ plannedAt: run.windowEnd < now ? run.windowEnd : now, at: now });
        this.planTeardown(run, owned, now, actions);
      }
    }
    // Sweeper: VMs of ours that no open run accounts for (their run ended or vanished) go.
    for (const [runId, owned] of serversByRun) {
      if (runIds.has(runId)) continue;
      for (const server of owned)
        if (this.shouldRequestDelete(server.id, now)) actions.push({ kind: 'delete', run: { id: runId } as RunEntity, server });
    }

    // 5. Act, in parallel with bounded concurrency: creations first so that a new window starts promptly.
    if (!options.isLeader()) return this.finish(report, started);
    actions.sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'create' ? -1 : 1));
    const results = await mapWithConcurrency(actions, this.config.concurrency, (action) =>
      action.kind === 'create' ? this.create(action, now) : this.remove(action, now),
    );
    results.forEach((result, i) => {
      const action = actions[i] as Action;
      if (result.status === 'fulfilled' && result.value) report[action.kind === 'create' ? 'created' : 'deleted']++;
    });

    // 6. Record each run's state; close runs whose VMs are all gone; finish deleting schedules.
    for (const run of openRuns) {
      const finished = await this.updateRunState(run, wanted, serversByRun.get(run.id) ?? [], now);
      if (finished) report.finishedRuns.push({ runId: run.id, scheduleId: run.scheduleId, state: run.state });
      if (run.state === 'provisioning' || run.state === 'tearing-down') report.unsettled = true;
      if (!finished) {
        const inSlots = (run.vms ?? []).filter((vm) => vm.slot <= run.desiredCount);
        report.vms.push({
          scheduleId: run.scheduleId,
          scheduleName: this.schedules.get(run.scheduleId)?.entity.name ?? run.scheduleId,
          desired: run.state === 'tearing-down' ? 0 : run.desiredCount,
          active: inSlots.filter((vm) => vm.status === 'ACTIVE').length,
        });
      }
    }
    await this.finishDeletions(openRuns, serversByRun);

    const retries = [...this.notBefore.values()].filter((t) => t > now.getTime());
    report.nextRetryAt = retries.length > 0 ? new Date(Math.min(...retries)) : null;
    return this.finish(report, started);
  }

  /** Forgets in-memory backoffs (when leadership is lost, the next leader starts fresh). */
  reset(): void {
    this.notBefore.clear();
    this.deleteRequested.clear();
    this.runFailures.clear();
  }

  private finish(report: PassReport, started: number): PassReport {
    report.durationMs = performance.now() - started;
    return report;
  }

  /**
   * Starts the runs of due windows, each with one VM row per slot. A window that already has a run (closed, or
   * opened by a previous leader) is skipped by the unique (schedule, window start); a schedule being deleted or
   * disabled meanwhile is skipped under a share lock, which orders this against DELETE's `FOR UPDATE`.
   */
  private async openRuns(due: { schedule: EngineSchedule; window: PeakWindow }[], now: Date): Promise<RunEntity[]> {
    const opened = await this.dataSource.transaction(async (tx) => {
      const usable: { id: string }[] = await tx.query(
        `SELECT id FROM schedule WHERE id = ANY($1::uuid[]) AND enabled AND deleting_since IS NULL FOR SHARE`,
        [due.map((d) => d.schedule.entity.id)],
      );
      const usableIds = new Set(usable.map((row) => row.id));
      const candidates = due
        .filter((d) => usableIds.has(d.schedule.entity.id))
        .map(({ schedule, window }) =>
          Object.assign(new RunEntity(), {
            id: randomUUID(),
            scheduleId: schedule.entity.id,
            windowStart: window.start,
            windowEnd: window.end,
            provisionAt: window.provisionAt,
            startedAt: now,
            readyAt: null,
            endedAt: null,
            tornDownAt: null,
            state: 'provisioning' as const,
            latenessSeconds: Math.max(0, Math.round((now.getTime() - window.provisionAt.getTime()) / 1000)),
            lastErrorMessage: null,
            lastErrorRequestId: null,
            lastErrorAt: null,
            shortfallReason: null,
            desiredCount: schedule.entity.instanceCount,
            createdAt: now,
            updatedAt: now,
            vms: Array.from({ length: schedule.entity.instanceCount }, (_, i) =>
              this.newVmRow('', schedule.entity.name, window.start, i + 1),
            ),
          }),
        );
      if (candidates.length === 0) return [];
      const result = await tx
        .createQueryBuilder()
        .insert()
        .into(RunEntity)
        .values(candidates.map(({ vms: _vms, ...run }) => run))
        .orIgnore()
        .returning(['id'])
        .execute();
      const inserted = new Set((result.raw as { id: string }[]).map((row) => row.id));
      const runs = candidates.filter((run) => inserted.has(run.id));
      for (const run of runs) for (const vm of run.vms ?? []) vm.runId = run.id;
      const vms = runs.flatMap((run) => run.vms ?? []);
      // Chunked: PostgreSQL takes at most 65,535 parameters per statement.
      for (let i = 0; i < vms.length; i += 1000) await tx.getRepository(RunVmEntity).insert(vms.slice(i, i + 1000));
      return runs;
    });
    for (const run of opened) {
      const name = this.schedules.get(run.scheduleId)?.entity.name ?? run.scheduleId;
      if ((run.latenessSeconds ?? 0) > 1)
        this.logger.warn(`Run of "${name}" for ${run.windowStart.toISOString()} starts ${run.latenessSeconds} s late`);
      else this.logger.log(`Run of "${name}" for ${run.windowStart.toISOString()} starts: ${run.desiredCount} VM(s)`);
    }
    return opened;
  }

  private newVmRow(runId: string, scheduleName: string, windowStart: Date, slot: number): RunVmEntity {
    return Object.assign(new RunVmEntity(), {
      id: randomUUID(),
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
    });
  }

  /** Inside the window: one good VM per slot. */
  private planKeep(run: RunEntity, schedule: ScheduleEntity, owned: Server[], now: Date, actions: Action[], report: PassReport): void {
    const vms = run.vms ?? [];
    // The count may have changed during the window: grow or shrink the slots.
    for (let slot = vms.length + 1; slot <= schedule.instanceCount; slot++)
      vms.push(this.newVmRow(run.id, schedule.name, run.windowStart, slot));
    run.vms = vms;
    run.desiredCount = schedule.instanceCount;

    const bySlot = groupBySlot(owned);
    for (const vm of vms) {
      const candidates = bySlot.get(vm.slot) ?? [];
      if (vm.slot > schedule.instanceCount) {
        if (candidates.length > 0 && vm.status !== VM_STATUS.deleted) vm.status = VM_STATUS.deleting;
        for (const server of candidates) if (this.shouldRequestDelete(server.id, now)) actions.push({ kind: 'delete', run, vm, server });
        continue;
      }
      const current = this.adopt(vm, candidates);
      // Extra servers for a slot (a create whose answer was lost, then retried) and replaced ones go.
      for (const server of candidates) {
        if (server !== current && this.shouldRequestDelete(server.id, now)) actions.push({ kind: 'delete', run, vm, server });
      }
      if (current) {
        // Progress: the run's next cloud or quota error backs off from the start again.
        if (current.status === 'ACTIVE' && !vm.activeAt) this.runFailures.delete(run.id);
        this.observe(vm, current, now);
        if (current.status === 'ERROR' || this.buildTimedOut(vm, current, now)) {
          this.recordFailure(run, vm, current, now);
          if (this.shouldRequestDelete(current.id, now)) actions.push({ kind: 'delete', run, vm, server: current });
        } else {
          continue;
        }
      }
      if (this.needsCreate(run, vm, now)) actions.push({ kind: 'create', run, vm, schedule });
      else if (vm.status !== VM_STATUS.gaveUp) this.noteRetry(run, vm, report);
    }
  }

  /** After the window (or when the schedule was disabled or deleted): every VM of the run goes. */
  private planTeardown(run: RunEntity, owned: Server[], now: Date, actions: Action[]): void {
    if (run.state !== 'tearing-down') {
      run.state = nextRunState(run.state, { kind: 'window-end' });
      run.endedAt = now;
      this.logger.log(`Run ${run.id} of schedule ${run.scheduleId}: window over, removing ${owned.length} VM(s)`);
    }
    const bySlot = groupBySlot(owned);
    for (const vm of run.vms ?? []) {
      for (const server of bySlot.get(vm.slot) ?? []) {
        if (server.id === vm.serverId) this.observe(vm, server, now);
        if (vm.status !== VM_STATUS.deleting) vm.status = VM_STATUS.deleting;
        if (this.shouldRequestDelete(server.id, now)) actions.push({ kind: 'delete', run, vm, server });
      }
    }
  }

  /** The server that stands for this slot: the one we created, or (after a crash) the best one found. */
  private adopt(vm: RunVmEntity, candidates: Server[]): Server | undefined {
    const known = candidates.find((s) => s.id === vm.serverId);
    if (known) return known;
    const usable = candidates
      .filter((s) => !this.deleteRequested.has(s.id))
      .sort((a, b) => rank(a) - rank(b) || (a.created?.getTime() ?? 0) - (b.created?.getTime() ?? 0));
    const best = usable[0];
    if (best) {
      vm.serverId = best.id;
      vm.createdAt ??= best.created ?? null;
    }
    return best;
  }

  private observe(vm: RunVmEntity, server: Server, now: Date): void {
    if (server.status === 'ACTIVE' && !vm.activeAt) vm.activeAt = now;
    // Up at last: whatever held the slot back is over (until then a quota or cloud error still explains it).
    if (server.status === 'ACTIVE') vm.shortfallReason = null;
    if (vm.status !== VM_STATUS.deleting) vm.status = server.status;
    if (server.fault) vm.faultMessage = server.fault.message;
  }

  private buildTimedOut(vm: RunVmEntity, server: Server, now: Date): boolean {
    const since = vm.createdAt ?? server.created;
    return (
      server.status === 'BUILD' && since !== null && since !== undefined && now.getTime() - since.getTime() > this.config.buildTimeoutMs
    );
  }

  private recordFailure(run: RunEntity, vm: RunVmEntity, server: Server, now: Date): void {
    if (this.deleteRequested.has(server.id)) return; // already counted
    vm.faultMessage = server.fault?.message ?? (server.status === 'BUILD' ? 'Build timed out' : `Server went ${server.status}`);
    vm.serverId = null;
    if (isQuotaFault(server)) {
      // Nova took the create, then its quota recheck refused it: as after a 403 on create, no attempt is used up
      // and the whole run backs off (longer each time) until the quota has room.
      vm.attempts = Math.max(0, vm.attempts - 1);
      vm.status = 'ERROR';
      vm.shortfallReason = 'quota';
      this.backOffRun(run, vm.faultMessage, null, now);
      this.logger.warn(`VM ${vm.name} (${server.id}) was refused by the quota after Nova accepted it: ${vm.faultMessage}; retrying later`);
      return;
    }
    const giveUp = vm.attempts >= this.config.maxAttempts;
    vm.status = giveUp ? VM_STATUS.gaveUp : 'ERROR';
    if (giveUp) vm.shortfallReason = 'attempts_exhausted';
    this.logger.warn(
      `VM ${vm.name} (${server.id}) failed on attempt ${vm.attempts}/${this.config.maxAttempts}: ${vm.faultMessage}` +
        (giveUp ? '; giving up on this slot' : '; replacing it'),
    );
    if (!giveUp) this.notBefore.set(vm.id, now.getTime() + this.backoff(vm.attempts));
  }

  private needsCreate(run: RunEntity, vm: RunVmEntity, now: Date): boolean {
    if (vm.status === VM_STATUS.gaveUp) return false;
    const t = now.getTime();
    if ((this.notBefore.get(vm.id) ?? 0) > t || (this.notBefore.get(run.id) ?? 0) > t) return false;
    if (vm.status === VM_STATUS.creating) {
      // A create was sent (or about to be) and no server carries its tags yet: it may still appear (a lost
      // answer, a crash right after sending). Only after a grace period is it treated as never made.
      const sentAt = vm.createdAt?.getTime() ?? 0;
      if (t - sentAt < this.config.createGraceMs) return false;
    }
    return true;
  }

  /** Records a cloud or quota error on the run and holds its creates back, longer after each one in a row. */
  private backOffRun(run: RunEntity, message: string, requestId: string | null, now: Date): void {
    const failures = (this.runFailures.get(run.id) ?? 0) + 1;
    this.runFailures.set(run.id, failures);
    this.notBefore.set(run.id, now.getTime() + this.backoff(failures));
    run.lastErrorMessage = message;
    run.lastErrorRequestId = requestId;
    run.lastErrorAt = now;
  }

  private noteRetry(run: RunEntity, vm: RunVmEntity, report: PassReport): void {
    const at = Math.max(this.notBefore.get(vm.id) ?? 0, this.notBefore.get(run.id) ?? 0);
    if (at > 0 && (!report.nextRetryAt || at < report.nextRetryAt.getTime())) report.nextRetryAt = new Date(at);
  }

  private shouldRequestDelete(serverId: string, now: Date): boolean {
    const asked = this.deleteRequested.get(serverId);
    // Deleting takes Nova a while; ask again only if it seems to have been lost.
    return asked === undefined || now.getTime() - asked > this.config.deleteRetryMs;
  }

  private backoff(attempt: number): number {
    const base = this.config.retryBaseMs * 2 ** Math.max(0, attempt - 1);
    return Math.min(base, 5 * 60_000) * (0.5 + Math.random() / 2);
  }

  /** Sends one `POST /servers`. The intent is written first, so a crash right after sending is recognised. */
  private async create(action: Action, now: Date): Promise<boolean> {
    const { run, schedule } = action;
    const vm = action.vm as RunVmEntity;
    const s = schedule as ScheduleEntity;
    if (vm.serverId && (await this.stillExists(vm.serverId))) return false;
    vm.attempts++;
    vm.status = VM_STATUS.creating;
    vm.createdAt = now;
    vm.serverId = null;
    await this.vms.update(vm.id, { attempts: vm.attempts, status: vm.status, createdAt: now, serverId: null });
    try {
      const created = await this.openstack.compute.createServer({
        name: vm.name,
        imageId: s.imageId,
        flavorId: s.flavorId,
        networks: s.networkIds.map((networkId) => ({ networkId })),
        tags: ownershipTags(s.id, run.id),
        metadata: ownershipMetadata({ scheduleId: s.id, runId: run.id, slot: vm.slot }, run.windowStart),
      });
      vm.serverId = created.id;
      vm.status = 'BUILD';
      // The last fault stays: beside attempts > 1 it says why this VM is a replacement.
      await this.vms.update(vm.id, { serverId: created.id, status: vm.status });
      return true;
    } catch (error) {
      await this.onCreateFailed(run, vm, error, now);
      return false;
    }
  }

  /**
   * A VM we created is missing from the tagged listing: deleted by someone, or (on some clouds) not listed
   * yet. Ask for it by id before replacing it, so a slow listing never causes a duplicate.
   */
  private async stillExists(serverId: string): Promise<boolean> {
    try {
      const server = await this.openstack.compute.getServer(serverId);
      return !isServerDeleted(server);
    } catch (error) {
      if (isOpenStackError(error) && error.isNotFound) {
        this.logger.warn(`Server ${serverId} disappeared (deleted outside the engine?); replacing it`);
        return false;
      }
      throw error;
    }
  }

  private async onCreateFailed(run: RunEntity, vm: RunVmEntity, error: unknown, now: Date): Promise<void> {
    const message = describeError(error);
    const answerLost = isOpenStackError(error) && (error.status === 0 || error.status >= 500) && error.fault !== 'MicroversionUnsupported';
    if (answerLost) {
      // The server may exist anyway: keep the intent (CREATING); the grace period and the tags decide.
      this.logger.warn(`Create of ${vm.name} got no clear answer (${message}); will check by tags before trying again`);
    } else {
      // Refused (quota, bad request...): nothing was made, so this was not a VM failure.
      vm.attempts = Math.max(0, vm.attempts - 1);
      vm.status = VM_STATUS.pending;
      vm.createdAt = null;
    }
    vm.faultMessage = message;
    vm.shortfallReason = isOpenStackError(error) && error.isQuotaExceeded ? 'quota' : 'cloud_error';
    this.backOffRun(
      run,
      isOpenStackError(error) ? error.message : message,
      isOpenStackError(error) ? (error.requestId ?? null) : null,
      now,
    );
    await this.vms.update(vm.id, {
      attempts: vm.attempts,
      status: vm.status,
      createdAt: vm.createdAt,
      faultMessage: message,
      shortfallReason: vm.shortfallReason,
    });
    this.logger.warn(`Could not create ${vm.name} for run ${run.id}: ${message}`);
  }

  private async remove(action: Action, now: Date): Promise<boolean> {
    const server = action.server as Server;
    this.deleteRequested.set(server.id, now.getTime());
    try {
      await this.openstack.compute.deleteServer(server.id, { ignoreNotFound: true });
      return true;
    } catch (error) {
      this.deleteRequested.delete(server.id);
      if (action.run.state) {
        action.run.lastErrorMessage = isOpenStackError(error) ? error.message : describeError(error);
        action.run.lastErrorRequestId = isOpenStackError(error) ? (error.requestId ?? null) : null;
        action.run.lastErrorAt = now;
      }
      this.logger.warn(`Could not delete server ${server.id}: ${describeError(error)}`);
      return false;
    }
  }

  /** Derives and saves the run's state (see run-lifecycle.ts); returns true when the run closed in this pass. */
  private async updateRunState(run: RunEntity, wanted: Map<string, { window: PeakWindow }>, owned: Server[], now: Date): Promise<boolean> {
    const vms = run.vms ?? [];
    const inSlots = vms.filter((vm) => vm.slot <= run.desiredCount);
    let closed = false;
    if (run.state === 'tearing-down') {
      // `owned` was listed before this pass's deletes: a slot with no server in it is gone for good.
      const slotsLeft = new Set(owned.map((server) => ownershipOf(server)?.slot));
      for (const vm of vms) {
        if (vm.status === VM_STATUS.deleting && !slotsLeft.has(vm.slot))
          Object.assign(vm, { status: VM_STATUS.deleted, deletedAt: vm.deletedAt ?? now });
      }
      if (owned.length === 0) {
        this.closeSlots(run, now);
        // Seen ACTIVE by any pass, the teardown's included: a window that ended just as its VMs came up still completed.
        const slotsUp = inSlots.filter((vm) => vm.activeAt).length;
        run.state = nextRunState(run.state, { kind: 'torn-down', desired: run.desiredCount, slotsUp });
        run.shortfallReason =
          run.state === 'completed' ? null : dominantShortfall(inSlots.filter((vm) => !vm.activeAt).map((vm) => vm.shortfallReason));
        run.tornDownAt = now;
        closed = true;
        this.forgetRun(run);
        this.logger.log(`Run ${run.id} of schedule ${run.scheduleId} finished: ${run.state}`);
      }
    } else if (wanted.has(run.scheduleId)) {
      const slotsLeft = new Set(owned.map((server) => ownershipOf(server)?.slot));
      for (const vm of vms) {
        if (vm.slot > run.desiredCount && !slotsLeft.has(vm.slot) && vm.status !== VM_STATUS.deleted) {
          Object.assign(vm, { status: VM_STATUS.deleted, deletedAt: vm.deletedAt ?? now });
        }
      }
      const active = inSlots.filter((vm) => vm.status === 'ACTIVE').length;
      const shortfall = dominantShortfall(inSlots.filter((vm) => vm.status !== 'ACTIVE').map((vm) => vm.shortfallReason));
      const before = run.state;
      run.state = nextRunState(run.state, { kind: 'progress', desired: run.desiredCount, active, shortfall });
      run.shortfallReason = run.state === 'active' ? null : shortfall;
      if (run.state === 'active' && !run.readyAt) {
        run.readyAt = now;
        this.logger.log(`Run ${run.id}: all ${active} VM(s) ACTIVE`);
      }
      if (run.state === 'degraded' && before !== 'degraded')
        this.logger.warn(`Run ${run.id}: ${active} of ${run.desiredCount} VM(s), held back by ${shortfall}`);
    }
    run.updatedAt = now;
    await this.runs.save({ ...run, vms: undefined });
    await this.vms.save(vms);
    return closed;
  }

  /**
   * The run is over and none of its servers is left: every slot is closed, so nothing of it looks alive
   * any more. A slot that had a server is deleted; one that never got one (or lost it before the end)
   * says why it stayed empty.
   */
  private closeSlots(run: RunEntity, now: Date): void {
    for (const vm of run.vms ?? []) {
      if (vm.status === VM_STATUS.deleted || vm.status === VM_STATUS.notCreated) continue;
      if (vm.status === VM_STATUS.gaveUp) {
        vm.shortfallReason = 'attempts_exhausted';
      } else if (vm.serverId || vm.status === VM_STATUS.deleting) {
        Object.assign(vm, { status: VM_STATUS.deleted, deletedAt: vm.deletedAt ?? now });
      } else {
        const reason: ShortfallReason = vm.shortfallReason ?? run.shortfallReason ?? 'window_ended';
        Object.assign(vm, { status: VM_STATUS.notCreated, shortfallReason: reason });
      }
    }
  }

  private forgetRun(run: RunEntity): void {
    this.notBefore.delete(run.id);
    this.runFailures.delete(run.id);
    for (const vm of run.vms ?? []) {
      this.notBefore.delete(vm.id);
      if (vm.serverId) this.deleteRequested.delete(vm.serverId);
    }
  }

  /** A schedule marked for deletion goes once none of its runs is open and none of its VMs is left. */
  private async finishDeletions(openRuns: RunEntity[], serversByRun: Map<string, Server[]>): Promise<void> {
    for (const { entity } of [...this.schedules.all()]) {
      if (!entity.deletingSince) continue;
      const busy = openRuns.some((r) => r.scheduleId === entity.id && isLiveRunState(r.state));
      const leftovers = [...serversByRun.values()].some((servers) => servers.some((s) => ownershipOf(s)?.scheduleId === entity.id));
      if (busy || leftovers) continue;
      if (await this.schedulesService.completeDeletion(entity.id)) this.schedules.forget(entity.id);
    }
  }

  /** Windows that began and ended while no engine was leading: recorded as `missed`, never run. */
  private async recordMissed(since: Date, now: Date): Promise<void> {
    for (const { entity, compiled } of this.schedules.all()) {
      if (!entity.enabled || entity.deletingSince) continue;
      const from = new Date(Math.max(since.getTime(), entity.createdAt.getTime()));
      const rows: Partial<RunEntity>[] = [];
      for (
        let window = compiled.windowStartingAfter(new Date(from.getTime() - 1));
        window && rows.length < MAX_MISSED_PER_PASS;
        window = compiled.windowStartingAfter(window.start)
      ) {
        if (window.end > now) break;
        if (window.provisionAt < from) continue;
        rows.push({
          id: randomUUID(),
          scheduleId: entity.id,
          windowStart: window.start,
          windowEnd: window.end,
          provisionAt: window.provisionAt,
          state: 'missed',
          desiredCount: entity.instanceCount,
          lastErrorMessage: 'No engine was running during this window',
          createdAt: now,
          updatedAt: now,
        });
      }
      if (rows.length === 0) continue;
      await this.runs.createQueryBuilder().insert().into(RunEntity).values(rows).orIgnore().execute();
      this.logger.warn(`Schedule "${entity.name}": ${rows.length} window(s) passed while no engine ran; recorded as missed`);
    }
  }
}

/** Which server to keep when a slot has several: ACTIVE, then BUILD, then anything else. */
function rank(server: Server): number {
  return server.status === 'ACTIVE' ? 0 : server.status === 'BUILD' ? 1 : server.status === 'ERROR' ? 3 : 2;
}

function groupBySlot(servers: Server[]): Map<number, Server[]> {
  const bySlot = new Map<number, Server[]>();
  for (const server of servers) {
    const slot = ownershipOf(server)?.slot;
    if (slot !== undefined) bySlot.set(slot, [...(bySlot.get(slot) ?? []), server]);
  }
  return bySlot;
}
