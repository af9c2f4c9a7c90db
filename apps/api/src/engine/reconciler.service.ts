import { Inject, Injectable, Logger } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { isOpenStackError, isServerDeleted, OpenStackClient, type Server } from '@peak/openstack-client';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { CapacityService, plannedSchedule, type CompiledPlannedSchedule } from '../capacity/capacity.service';
import { Clock } from '../common/clock';
import { engineConfig } from '../config/engine.config';
import { describeError } from '../openstack/describe-error';
import { InstallationService } from '../installation/installation.service';
import { isLiveRunState } from '../runs/run-lifecycle';
import type { ExpectedShortfall } from '../runs/entities/run.entity';
import type { ScheduleEntity } from '../schedules/entities/schedule.entity';
import { RunEvents } from '../runs/run-events';
import { RunsRepository, type NewRun } from '../runs/runs.repository';
import { EngineSchedules, projectOf } from './engine-schedules';
import { RunExecutor, type LeaseGuard } from './executor';
import { isVisibleTo, OWNER_TAG, ownershipOf } from './ownership';
import { MembershipService } from './membership';
import { missedWindows } from './missed-windows';
import { emptyReport, finishReport, type PassReport, type ProjectRef } from './pass-report';
import {
  dueWindows,
  groupByRun,
  isKept,
  markOverdueTeardown,
  newSlot,
  plan,
  settleRun,
  type DesiredWindow,
  type RunRecord,
} from './planner';

/**
 * One reconciliation pass, level-triggered like a Kubernetes controller: observe (the windows schedules want
 * now, the VMs Nova lists under our tag, the open runs), plan (pure, `planner.ts`), act (`executor.ts`), then
 * record each run's state. Because it acts on the difference and not on events, restarts, failovers, manual
 * deletions and half-finished work are all handled by the next pass. It sees only its own installation's VMs,
 * and stops the moment the lease is lost.
 */
@Injectable()
export class ReconcilerService {
  private readonly logger = new Logger('Engine');

  constructor(
    private readonly openstack: OpenStackClient,
    private readonly schedules: EngineSchedules,
    private readonly runs: RunsRepository,
    private readonly executor: RunExecutor,
    private readonly membership: MembershipService,
    private readonly events: RunEvents,
    private readonly installation: InstallationService,
    private readonly clock: Clock,
    private readonly capacity: CapacityService,
    @Inject(engineConfig.KEY) private readonly config: ConfigType<typeof engineConfig>,
  ) {}

  /**
   * One pass. `guard` confirms the lease (one round trip) before every write and cloud call: a replica that lost
   * it mid-pass stops there. `missedSince`: the end of the previous pass, to record windows that passed while
   * nobody was leading (or that a wall-clock step jumped over). `at`: the pass's clock readings.
   */
  async reconcile(options: { guard: LeaseGuard; missedSince?: Date | null; at?: { now: Date; t: number } }): Promise<PassReport> {
    const started = performance.now();
    // Both clocks read once, together: the engine compares them with the previous pass's to notice a clock step.
    const { now, t } = options.at ?? { now: this.clock.now(), t: this.clock.monotonicMs() };
    const report = emptyReport(now, t, this.schedules.size);
    const fenced = () => {
      report.fenced = true;
      return finishReport(report, started);
    };

    // Observe. What should exist, in memory: which window (if any) each schedule wants VMs for right now...
    const desired = this.desiredAt(now, report);
    report.planningMs = performance.now() - started;
    // ...and what does: every VM of this installation (one listing, all pages; one Nova lists as DELETED is gone), the open runs.
    // Schedules' VMs live in their own projects: the service account (a cloud admin, as for the flavors) lists them all.
    const listed = (await this.openstack.compute.listServers({ tags: [OWNER_TAG], allProjects: true })).filter(
      (server) => !isServerDeleted(server),
    );
    const open: RunRecord[] = await this.runs.findLive();
    const servers = await this.visible(listed, open);
    this.executor.backoffs.observe(servers, t);
    if (!(await options.guard())) return fenced();
    if (options.missedSince) await this.recordMissed(options.missedSince, now);

    const due = dueWindows(desired, open);
    if (due.length > 0) open.push(...(await this.openRuns(due, now, report)));

    const planned = plan({ now, t, desired, runs: open, servers, backoff: this.executor.backoffs, limits: this.config }, randomUUID);
    // Load balancer pools: VMs join once ACTIVE, and a VM in a pool is deleted only after its member drained and left.
    // Decided now (Octavia read); written after the Nova calls, so a busy load balancer never delays a window's creates.
    const membership = await this.membership.prepare({
      actions: planned,
      runs: open,
      servers,
      schedulePools: this.schedules.pools(),
      trustOf: (scheduleId) => this.schedules.get(scheduleId)?.entity.trustId ?? null,
      scheduleName: (scheduleId) => this.schedules.get(scheduleId)?.entity.name ?? scheduleId,
      deleteRequested: (serverId) => this.executor.backoffs.deleteRequestedAt(serverId) !== undefined,
      now,
    });
    if (membership.unsettled) report.unsettled = true;
    const actions = membership.actions;
    const done = await this.executor.execute(actions, open, now, options.guard);
    if (!done.fenced && !(await membership.write(options.guard))) report.unsettled = true;
    report.created = done.created;
    report.deleted = done.deleted;
    report.quotaRefusals.push(...done.quotaRefusals);
    // Nova's quota recheck put a VM in ERROR: a quota refusal too, in the run's project.
    for (const action of actions)
      if (action.kind === 'back-off-run') report.quotaRefusals.push(this.projectOf(done.runs.get(action.runId)?.scheduleId));
    // Rows are written only while the lease is still ours: a new leader's writes are never overwritten.
    if (done.fenced || !(await options.guard())) return fenced();

    const serversByRun = groupByRun(servers);
    const saves: { before: RunRecord; run: RunRecord; closed: boolean }[] = [];
    for (const before of open) {
      const { run, closed } = settleRun(
        done.runs.get(before.id) ?? before,
        serversByRun.get(before.id) ?? [],
        isKept(before, desired),
        now,
        (vm) => this.membership.serving(before, vm),
      );
      if (!closed && markOverdueTeardown(run, now, this.config.teardownAlertMinutes * 60_000)) {
        const left = (serversByRun.get(run.id) ?? []).length;
        this.logger.warn(
          `Run ${run.id} of schedule ${run.scheduleId}: ${left} VM(s) still in the cloud ${this.config.teardownAlertMinutes} minutes into its teardown`,
        );
      }
      saves.push({ before, run, closed });
    }
    await this.executor.saveAll(saves, now);
    for (const { before, run, closed } of saves) this.describe(before, run, closed, now, report);
    // The runs as this pass leaves them: a run closed now no longer holds its schedule's deletion back.
    await this.finishDeletions(
      saves.map(({ run }) => run),
      servers,
    );
    await this.executor.releaseServerGroups(options.guard);
    const retryIn = this.executor.backoffs.nextRetryInMs(this.clock.monotonicMs());
    report.nextRetryAt = retryIn === null ? null : new Date(this.clock.now().getTime() + retryIn);
    return finishReport(report, started);
  }

  /**
   * The listed servers this installation may act on: those tagged with its id, and those of a version that did not
   * tag its installation whose run this database knows. Another installation's VMs are never seen.
   */
  private async visible(listed: Server[], open: readonly RunRecord[]): Promise<Server[]> {
    const openIds = new Set(open.map((run) => run.id));
    const untagged = new Set<string>();
    for (const server of listed) {
      const owner = ownershipOf(server);
      if (owner && owner.installationId === null && !openIds.has(owner.runId)) untagged.add(owner.runId);
    }
    const known = await this.runs.knownRunIds([...untagged]);
    return listed.filter((server) => isVisibleTo(server, this.installation.id, (runId) => openIds.has(runId) || known.has(runId)));
  }

  /** Forgets in-memory backoffs (when leadership is lost, the next leader starts fresh). */
  reset(): void {
    this.executor.backoffs.clear();
  }

  private desiredAt(now: Date, report: PassReport): Map<string, DesiredWindow> {
    const desired = new Map<string, DesiredWindow>();
    // A broken trust replaced since (a member took the delegation over) is no longer a problem.
    for (const [scheduleId, { trustId }] of this.executor.trustProblems)
      if (this.schedules.get(scheduleId)?.entity.trustId !== trustId) this.executor.trustProblems.delete(scheduleId);
    const { inWindow, nextBoundary } = this.schedules.plansAt(now);
    report.nextBoundary = nextBoundary;
    for (const { schedule, plan } of inWindow) {
      const { entity } = schedule;
      const current = plan.current;
      if (entity.deletingSince || !current || !(entity.enabled || keepsWindow(entity, current.start))) continue;
      desired.set(entity.id, {
        scheduleId: entity.id,
        scheduleName: entity.name,
        instanceCount: entity.instanceCount,
        windowStart: current.start,
        windowEnd: current.end,
        provisionAt: current.provisionAt,
        launch: {
          imageId: entity.imageId,
          flavorId: entity.flavorId,
          networkIds: entity.networkIds,
          trustId: entity.trustId,
          project: this.projectOf(entity.id),
          options: entity.launch ?? {},
        },
      });
    }
    return desired;
  }

  /**
   * Starts the runs of due windows, each with one slot per VM, before any create is sent. Each records what the
   * capacity re-check expects it to lack; a window that cannot fit starts anyway (partial capacity beats none).
   */
  private async openRuns(due: DesiredWindow[], now: Date, report: PassReport): Promise<RunRecord[]> {
    const candidates: NewRun[] = [];
    const expected = await this.expectedShortfalls(due, now);
    for (const want of due) {
      const id = randomUUID();
      candidates.push({
        run: {
          id,
          scheduleId: want.scheduleId,
          windowStart: want.windowStart,
          windowEnd: want.windowEnd,
          provisionAt: want.provisionAt,
          startedAt: now,
          readyAt: null,
          endedAt: null,
          tornDownAt: null,
          teardownOverdueAt: null,
          state: 'provisioning',
          latenessSeconds: Math.max(0, Math.round((now.getTime() - want.provisionAt.getTime()) / 1000)),
          lastErrorMessage: null,
          lastErrorRequestId: null,
          lastErrorAt: null,
          shortfallReason: null,
          desiredCount: want.instanceCount,
          expectedShortfall: expected.get(want.scheduleId) ?? null,
          // The live window keeps what it started with; a change to the schedule applies to the next one.
          launch: {
            imageId: want.launch.imageId,
            flavorId: want.launch.flavorId,
            networkIds: [...want.launch.networkIds],
            options: want.launch.options,
          },
          serverGroupId: null,
          stoppedAt: null,
          stoppedById: null,
          stoppedByName: null,
          createdAt: now,
          updatedAt: now,
        },
        vms: Array.from({ length: want.instanceCount }, (_, i) => newSlot(id, want.scheduleName, want.windowStart, i + 1, randomUUID())),
      });
    }
    const opened = await this.runs.open(candidates);
    for (const { run } of opened) {
      report.started.push({ plannedAt: run.provisionAt, at: now });
      const name = this.schedules.get(run.scheduleId)?.entity.name ?? run.scheduleId;
      const short = run.expectedShortfall?.map((c) => `${c.resource} needed ${c.needed}, available ${c.available}`) ?? [];
      if (short.length > 0)
        this.logger.warn(`Run of "${name}" for ${run.windowStart.toISOString()} will not fit the quota: ${short.join('; ')}`);
      if ((run.latenessSeconds ?? 0) > 1)
        this.logger.warn(`Run of "${name}" for ${run.windowStart.toISOString()} starts ${run.latenessSeconds} s late`);
      else this.logger.log(`Run of "${name}" for ${run.windowStart.toISOString()} starts: ${run.desiredCount} VM(s)`);
    }
    return opened.map(({ run, vms }) => ({ ...run, vms: vms.map((vm) => ({ ...vm })) }));
  }

  /**
   * The capacity re-check of the due windows, per schedule: one check per project, the projects at once. A check
   * that fails leaves its windows unchecked (absent) rather than holding their creates back.
   */
  private async expectedShortfalls(due: readonly DesiredWindow[], now: Date): Promise<Map<string, ExpectedShortfall[]>> {
    const byProject = new Map<string, DesiredWindow[]>();
    for (const want of due) {
      const projectId = want.launch.project?.id;
      if (!projectId) continue;
      const windows = byProject.get(projectId);
      if (windows) windows.push(want);
      else byProject.set(projectId, [want]);
    }
    // Each project's enabled schedules, from the engine's own copy (refreshed as this pass began; one look over it
    // for all the projects).
    const plannedOf = new Map([...byProject.keys()].map((projectId) => [projectId, [] as CompiledPlannedSchedule[]]));
    for (const { entity, compiled } of this.schedules.all()) {
      const planned = entity.projectId === null ? undefined : plannedOf.get(entity.projectId);
      if (!planned || !entity.enabled || entity.deletingSince) continue;
      planned.push({ ...plannedSchedule(entity, compiled.timing), compiled });
    }
    const found = new Map<string, ExpectedShortfall[]>();
    await Promise.all(
      [...byProject].map(async ([projectId, windows]) => {
        try {
          const checked = await this.capacity.shortfallsOf(projectId, windows, plannedOf.get(projectId) ?? [], now);
          for (const [scheduleId, conflicts] of checked ?? []) found.set(scheduleId, conflicts);
          if (!checked) this.logger.warn(`Capacity re-check of project ${projectId}: its quota could not be read; windows start unchecked`);
        } catch (error) {
          this.logger.warn(`Capacity re-check of project ${projectId} failed, windows start unchecked: ${describeError(error)}`);
        }
      }),
    );
    return found;
  }

  /** Reports and logs what became of a run in this pass. */
  private describe(before: RunRecord, run: RunRecord, closed: boolean, now: Date, report: PassReport): void {
    if (run.state === 'tearing-down' && before.state !== 'tearing-down') {
      report.tearingDown.push({ plannedAt: run.windowEnd < now ? run.windowEnd : now, at: now });
      const why = run.stoppedAt ? 'stopped early' : 'window over';
      this.logger.log(`Run ${run.id} of schedule ${run.scheduleId}: ${why}, removing its VMs`);
    }
    // VMs being built or deleted: the engine looks again soon.
    if (run.state === 'provisioning' || run.state === 'tearing-down' || run.vms.some((vm) => vm.status === 'BUILD'))
      report.unsettled = true;
    if (closed) {
      report.finishedRuns.push({ runId: run.id, scheduleId: run.scheduleId, state: run.state });
      this.logger.log(`Run ${run.id} of schedule ${run.scheduleId} finished: ${run.state}`);
      return;
    }
    if (run.readyAt && !before.readyAt) this.logger.log(`Run ${run.id}: all ${run.desiredCount} VM(s) ACTIVE`);
    const inSlots = run.vms.filter((vm) => vm.slot <= run.desiredCount);
    const active = inSlots.filter((vm) => vm.status === 'ACTIVE').length;
    if (run.state === 'degraded' && before.state !== 'degraded')
      this.logger.warn(`Run ${run.id}: ${active} of ${run.desiredCount} VM(s), held back by ${run.shortfallReason}`);
    const tearingDown = run.state === 'tearing-down';
    report.vms.push({
      scheduleId: run.scheduleId,
      scheduleName: this.schedules.get(run.scheduleId)?.entity.name ?? run.scheduleId,
      project: this.projectOf(run.scheduleId),
      desired: tearingDown ? 0 : run.desiredCount,
      active,
      quotaShort: tearingDown ? 0 : inSlots.filter((vm) => vm.status !== 'ACTIVE' && vm.shortfallReason === 'quota').length,
    });
  }

  private projectOf(scheduleId: string | undefined): ProjectRef {
    const entity = scheduleId === undefined ? undefined : this.schedules.get(scheduleId)?.entity;
    return entity ? projectOf(entity) : null;
  }

  /** A schedule marked for deletion goes once none of its runs is live and none of its VMs is in the cloud. */
  private async finishDeletions(settled: readonly RunRecord[], servers: Server[]): Promise<void> {
    for (const { entity } of this.schedules.deleting()) {
      const busy = settled.some((r) => r.scheduleId === entity.id && isLiveRunState(r.state));
      const leftovers = servers.some((s) => ownershipOf(s)?.scheduleId === entity.id);
      if (busy || leftovers) continue;
      if (await this.runs.completeDeletion(entity.id)) {
        if (entity.trustId) await this.revokeTrust(entity.trustId);
        this.executor.trustProblems.delete(entity.id);
        this.schedules.forget(entity.id);
        this.events.emit({ kind: 'schedule-removed', scheduleId: entity.id });
      }
    }
  }

  /** The schedule is gone with its VMs: so is the delegation its creator gave (one already gone is fine). */
  private async revokeTrust(trustId: string): Promise<void> {
    try {
      await this.openstack.identity.deleteTrust(trustId);
      this.openstack.forgetTrust(trustId);
    } catch (error) {
      if (isOpenStackError(error) && error.status === 404) return;
      this.logger.warn(`Could not delete trust ${trustId} of a deleted schedule: ${describeError(error)}`);
    }
  }

  /** Windows that began and ended while no engine was leading: recorded as `missed`, never run. */
  private async recordMissed(since: Date, now: Date): Promise<void> {
    for (const schedule of this.schedules.all()) {
      const rows = missedWindows(schedule, since, now, randomUUID);
      if (rows.length === 0) continue;
      await this.runs.recordMissed(rows, now);
      this.logger.warn(`Schedule "${schedule.entity.name}": ${rows.length} window(s) passed while no engine ran; recorded as missed`);
    }
  }
}

/** A schedule disabled "after this window" still serves that one window (see `disableAfterCurrentWindow`). */
function keepsWindow(entity: Pick<ScheduleEntity, 'keptWindowStart'>, windowStart: Date): boolean {
  return entity.keptWindowStart !== null && entity.keptWindowStart.getTime() === windowStart.getTime();
}
