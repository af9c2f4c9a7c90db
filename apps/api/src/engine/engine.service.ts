import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { SchedulerRegistry } from '@nestjs/schedule';
import { InjectRepository } from '@nestjs/typeorm';
import { Subscription } from 'rxjs';
import { Repository } from 'typeorm';
import { CapacityService } from '../capacity/capacity.service';
import { Clock } from '../common/clock';
import { engineConfig } from '../config/engine.config';
import { outsideRequestContext } from '../logging/background';
import { EngineMetrics } from '../metrics/engine-metrics';
import { describeError } from '../openstack/describe-error';
import { RunEvents } from '../runs/run-events';
import { ScheduleEvents } from '../schedules/schedule-events';
import { EngineSchedules, projectOf } from './engine-schedules';
import { EngineStateEntity } from './entities/engine-state.entity';
import { LeaderElectionService } from './leader-election.service';
import type { PassReport, ProjectRef } from './pass-report';
import { ReconcilerService } from './reconciler.service';

const WAKE_TIMER = 'peak-engine-wake';
const SAFETY_TIMER = 'peak-engine-safety';
const CHANGES_TIMER = 'peak-engine-changes';
const CAPACITY_TIMER = 'peak-engine-capacity';
const STATE_ROW = 'engine';
/** setTimeout cannot wait longer than this. */
const MAX_DELAY_MS = 2 ** 31 - 1;
/** Wall time running ahead of monotonic time by more than this between two passes is a clock step, not drift. */
const CLOCK_STEP_MS = 5_000;

/**
 * Drives the reconciler on the leader replica: one pass at each window boundary (start minus lead time,
 * end), sooner while VMs are being built or deleted, after every schedule change, and a periodic safety
 * pass for retries and drift. Passes never overlap; triggers during a pass coalesce into one more pass.
 */
@Injectable()
export class EngineService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Engine');
  private subscriptions: Subscription[] = [];
  private queue: Promise<unknown> = Promise.resolve();
  private passQueued = false;
  private leading = false;
  private missedSince: Date | null = null;
  /** Both clocks as the last pass read them, to notice a wall-clock step between passes. */
  private lastTick?: { wall: number; mono: number };
  private lastReport?: PassReport;
  private readonly listeners = new Set<(report: PassReport) => void>();
  /** Schedules whose VM gauges the last pass set, so they drop to 0 when their run closes. */
  private gauged = new Set<string>();

  constructor(
    private readonly leader: LeaderElectionService,
    private readonly schedules: EngineSchedules,
    private readonly reconciler: ReconcilerService,
    private readonly registry: SchedulerRegistry,
    private readonly clock: Clock,
    private readonly events: ScheduleEvents,
    @Inject(engineConfig.KEY) private readonly config: ConfigType<typeof engineConfig>,
    @InjectRepository(EngineStateEntity) private readonly state: Repository<EngineStateEntity>,
    private readonly metrics: EngineMetrics,
    private readonly runEvents: RunEvents,
    private readonly capacity: CapacityService,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.enabled) {
      this.logger.log('Engine disabled (ENGINE_ENABLED=false): this replica only serves the API');
      return;
    }
    this.subscriptions.push(
      this.leader.leadership$.subscribe((leading) => (leading ? this.onLeading() : this.onFollowing())),
      this.events.changes$.subscribe((change) => {
        if (!this.leading) return;
        // The change comes from an API request; the pass it triggers (and its timers) is not part of that request.
        void outsideRequestContext(() =>
          this.enqueue(async () => {
            await this.schedules.reload([change.scheduleId]);
            this.requestPass();
          }),
        );
      }),
    );
    this.leader.start();
  }

  onApplicationShutdown(): void {
    for (const s of this.subscriptions) s.unsubscribe();
    this.subscriptions = [];
    this.onFollowing();
  }

  /** `leader` or `follower` (or `disabled`), for health and metrics. */
  get role(): 'leader' | 'follower' | 'disabled' {
    if (!this.config.enabled) return 'disabled';
    return this.leading ? 'leader' : 'follower';
  }

  get lastPass(): PassReport | undefined {
    return this.lastReport;
  }

  /** Called after every pass (metrics, tests). */
  onPass(listener: (report: PassReport) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Runs one pass now (if leading) and resolves with its report; tests with a manual clock use this.
   * `missedSince` plays a restart whose previous pass ended then.
   */
  async runPassNow(options: { missedSince?: Date } = {}): Promise<PassReport | undefined> {
    return this.enqueue(() => {
      if (options.missedSince) this.missedSince = options.missedSince;
      return this.pass();
    });
  }

  /**
   * The capacity gauge for every project, now (if leading); tests use this, the leader's timer calls it. Outside the
   * pass queue: it only reads, and a slow quota read must not hold a window's creates back.
   */
  async checkCapacityNow(): Promise<number | undefined> {
    if (!this.leading) return undefined;
    try {
      return await this.capacity.refreshShortfallGauge();
    } catch (error) {
      this.logger.warn(`Capacity check failed, trying again in the next interval: ${describeError(error)}`);
      return undefined;
    }
  }

  private onLeading(): void {
    this.leading = true;
    this.metrics.setLeader(true);
    this.logger.log('Leading: loading schedules and reconciling');
    void this.enqueue(async () => {
      await this.schedules.loadAll();
      const checkpoint = await this.state.findOneBy({ name: STATE_ROW });
      this.missedSince = checkpoint?.lastPassAt ?? null;
      await this.pass();
    });
    if (this.config.capacityCheckIntervalMs > 0)
      this.addInterval(
        CAPACITY_TIMER,
        this.config.capacityCheckIntervalMs,
        () => void outsideRequestContext(() => this.checkCapacityNow()),
      );
    this.addInterval(SAFETY_TIMER, this.config.safetyIntervalMs, () => this.requestPass());
    this.addInterval(CHANGES_TIMER, this.config.changePollMs, () => {
      // Other replicas' API changes reach us through the database only.
      void this.enqueue(async () => {
        const changed = await this.schedules.refresh();
        if (changed.length > 0) this.requestPass();
      });
    });
  }

  private onFollowing(): void {
    if (!this.leading) return;
    this.leading = false;
    this.metrics.setLeader(false);
    for (const name of [WAKE_TIMER]) if (this.registry.doesExist('timeout', name)) this.registry.deleteTimeout(name);
    for (const name of [SAFETY_TIMER, CHANGES_TIMER, CAPACITY_TIMER])
      if (this.registry.doesExist('interval', name)) this.registry.deleteInterval(name);
    this.reconciler.reset();
    this.lastTick = undefined;
    this.logger.log('No longer leading: the engine stands by');
  }

  private requestPass(): void {
    if (this.passQueued || !this.leading) return;
    this.passQueued = true;
    void this.enqueue(() => {
      this.passQueued = false;
      return this.pass();
    });
  }

  /** Serialises passes and cache updates: each task waits for the previous one. */
  private enqueue<T>(task: () => Promise<T>): Promise<T | undefined> {
    const run = this.queue.then(task).catch((error: unknown) => {
      this.logger.error(`Engine task failed: ${describeError(error)}`);
      return undefined;
    });
    this.queue = run;
    return run;
  }

  private async pass(): Promise<PassReport | undefined> {
    if (!this.leading || !this.leader.isLeader) return undefined;
    let report: PassReport | undefined;
    try {
      await this.schedules.refresh();
      const at = { now: this.clock.now(), t: this.clock.monotonicMs() };
      this.noticeClockStep(at);
      report = await this.reconciler.reconcile({ guard: () => this.leader.confirm(), missedSince: this.missedSince, at });
      if (report.fenced) {
        this.logger.warn('Lease lost during a pass: it stopped before its next cloud call or write');
        return report;
      }
      this.missedSince = null;
      this.lastTick = { wall: report.at.getTime(), mono: report.t };
      await this.state.upsert({ name: STATE_ROW, lastPassAt: report.at }, ['name']);
      this.lastReport = report;
      if (report.created + report.deleted > 0 || report.finishedRuns.length > 0) {
        this.logger.log(
          `Pass: ${report.created} created, ${report.deleted} deleted, ${report.finishedRuns.length} run(s) finished ` +
            `(planning ${report.planningMs.toFixed(1)} ms for ${report.schedules} schedules, pass ${report.durationMs.toFixed(0)} ms)`,
        );
      }
      this.record(report);
      // Runs changed: lists kept by this replica's API would show their old state.
      if (report.vms.length > 0 || report.started.length > 0 || report.finishedRuns.length > 0)
        this.runEvents.emit({ kind: 'runs-changed' });
      for (const listener of this.listeners) listener(report);
    } catch (error) {
      this.logger.warn(`Pass failed, retrying soon: ${describeError(error)}`);
    }
    this.arm(report);
    return report;
  }

  /**
   * A wall-clock step forward between passes would carry windows past unseen: they start late if still open, or
   * are recorded as missed (as after downtime). A step back repeats nothing: a window runs once at most.
   */
  private noticeClockStep(at: { now: Date; t: number }): void {
    if (!this.lastTick) return;
    const ahead = at.now.getTime() - this.lastTick.wall - (at.t - this.lastTick.mono);
    if (ahead <= CLOCK_STEP_MS) return;
    this.logger.warn(`The wall clock stepped forward by ${Math.round(ahead / 1000)} s; windows it skipped are recorded as missed`);
    this.missedSince ??= new Date(this.lastTick.wall);
  }

  private record(report: PassReport): void {
    this.metrics.observePlanningPass(report.planningMs, report.schedules);
    for (const { plannedAt, at } of report.started) this.metrics.observeDispatchLateness(plannedAt, at, 'provision');
    for (const { plannedAt, at } of report.tearingDown) this.metrics.observeDispatchLateness(plannedAt, at, 'teardown');
    for (const { state } of report.finishedRuns) this.metrics.recordRunFinished(state);
    const now = new Set<string>();
    for (const project of report.quotaRefusals) this.metrics.recordQuotaError(project);
    const shortfalls = new Map<string, { project: ProjectRef; vms: number }>();
    for (const v of report.vms) {
      this.metrics.setScheduleVms({ id: v.scheduleId, name: v.scheduleName, project: v.project }, v.desired, v.active);
      now.add(v.scheduleId);
      if (v.quotaShort === 0) continue;
      const key = v.project?.id ?? '';
      const sum = shortfalls.get(key) ?? { project: v.project, vms: 0 };
      sum.vms += v.quotaShort;
      shortfalls.set(key, sum);
    }
    this.metrics.setQuotaShortfalls([...shortfalls.values()]);
    for (const id of this.gauged) {
      if (now.has(id)) continue;
      const entity = this.schedules.get(id)?.entity;
      if (entity) this.metrics.setScheduleVms({ id, name: entity.name, project: projectOf(entity) }, 0, 0);
      else this.metrics.forgetSchedule(id);
    }
    this.gauged = now;
  }

  /** Sets the one wake-up timer to the earliest moment anything needs doing. */
  private arm(report: PassReport | undefined): void {
    if (!this.leading) return;
    const now = this.clock.now().getTime();
    const candidates = [now + this.config.safetyIntervalMs];
    if (!report) candidates.push(now + this.config.pollIntervalMs);
    else {
      if (report.nextBoundary) candidates.push(report.nextBoundary.getTime());
      if (report.unsettled) candidates.push(now + this.config.pollIntervalMs);
      if (report.nextRetryAt) candidates.push(report.nextRetryAt.getTime());
    }
    const delay = Math.min(MAX_DELAY_MS, Math.max(0, Math.min(...candidates) - now));
    if (this.registry.doesExist('timeout', WAKE_TIMER)) this.registry.deleteTimeout(WAKE_TIMER);
    const timer = setTimeout(() => {
      this.registry.deleteTimeout(WAKE_TIMER);
      this.requestPass();
    }, delay);
    timer.unref();
    this.registry.addTimeout(WAKE_TIMER, timer);
  }

  private addInterval(name: string, ms: number, fn: () => void): void {
    if (this.registry.doesExist('interval', name)) this.registry.deleteInterval(name);
    const interval = setInterval(fn, ms);
    interval.unref();
    this.registry.addInterval(name, interval);
  }
}
