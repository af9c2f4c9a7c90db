import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** What a dispatch starts: provisioning at the window start (minus lead time), or teardown at its end. */
export type DispatchAction = 'provision' | 'teardown';

/** The precision target is one second; the fine buckets below it show how far inside it we are. */
const LATENESS_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];
/** A planning pass over 10,000 schedules must stay under 100 ms. */
const PLANNING_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

/** The schedule a series is about, and the Keystone project its VMs live in (null: not known). */
export interface GaugedSchedule {
  id: string;
  name: string;
  project: { id: string; name: string | null } | null;
}

type ScheduleLabel = 'schedule_id' | 'schedule' | 'project_id' | 'project';
type ProjectLabel = 'project_id' | 'project';

function projectLabels(project: GaugedSchedule['project']): Record<ProjectLabel, string> {
  return { project_id: project?.id ?? '', project: project?.name ?? project?.id ?? '' };
}

/**
 * The engine's own metrics, for the engine to call (it owns the numbers; this only exposes them):
 * `peak_dispatch_lateness_seconds{action}`, `peak_vms_desired` and `peak_vms_active` (by schedule and project),
 * `peak_quota_shortfall_vms{project_id,project}`, `peak_quota_errors_total{project_id,project}`,
 * `peak_runs_total{state}`, `peak_engine_leader`, `peak_engine_planning_seconds`, `peak_engine_planned_schedules`,
 * `peak_pool_members{schedule_id,schedule,state}` and `peak_pool_member_drain_seconds`.
 */
@Injectable()
export class EngineMetrics {
  private readonly lateness: Histogram<'action'>;
  private readonly desired: Gauge<ScheduleLabel>;
  private readonly active: Gauge<ScheduleLabel>;
  private readonly quotaShortfall: Gauge<ProjectLabel>;
  private readonly quotaErrors: Counter<ProjectLabel>;
  private readonly runs: Counter<'state'>;
  private readonly leader: Gauge;
  private readonly planning: Histogram;
  private readonly plannedSchedules: Gauge;
  private readonly deleteFailures: Counter;
  private readonly fenced: Counter;
  private readonly poolMembers: Gauge<'schedule_id' | 'schedule' | 'state'>;
  private readonly drains: Histogram;
  /** The labels each schedule's series carry, so a rename, a new project or a deletion removes the old series. */
  private readonly scheduleLabels = new Map<string, Record<ScheduleLabel, string>>();

  constructor(registry: Registry) {
    const registers = [registry];
    this.lateness = new Histogram({
      name: 'peak_dispatch_lateness_seconds',
      help: 'Delay from the planned instant of a provisioning or teardown to the moment the engine started it.',
      labelNames: ['action'],
      buckets: LATENESS_BUCKETS,
      registers,
    });
    this.desired = new Gauge({
      name: 'peak_vms_desired',
      help: 'VMs the current run of a schedule wants (0 outside its windows), by schedule and Keystone project.',
      labelNames: ['schedule_id', 'schedule', 'project_id', 'project'],
      registers,
    });
    this.active = new Gauge({
      name: 'peak_vms_active',
      help: 'VMs of a schedule that are ACTIVE in the cloud, by schedule and Keystone project.',
      labelNames: ['schedule_id', 'schedule', 'project_id', 'project'],
      registers,
    });
    this.quotaShortfall = new Gauge({
      name: 'peak_quota_shortfall_vms',
      help: "VMs that open runs want but cannot have because their Keystone project's quota is full, by project.",
      labelNames: ['project_id', 'project'],
      registers,
    });
    this.quotaErrors = new Counter({
      name: 'peak_quota_errors_total',
      help: 'Server creates refused for lack of quota (on the create call or by the quota recheck that puts a VM in ERROR), by Keystone project.',
      labelNames: ['project_id', 'project'],
      registers,
    });
    this.runs = new Counter({
      name: 'peak_runs_total',
      help: 'Runs that reached a final state, by that state.',
      labelNames: ['state'],
      registers,
    });
    this.leader = new Gauge({
      name: 'peak_engine_leader',
      help: '1 while this replica holds the engine lease (acts on the cloud), 0 while it follows.',
      registers,
    });
    this.planning = new Histogram({
      name: 'peak_engine_planning_seconds',
      help: 'Duration of one engine planning pass (reading the schedules and computing what is due).',
      buckets: PLANNING_BUCKETS,
      registers,
    });
    this.plannedSchedules = new Gauge({
      name: 'peak_engine_planned_schedules',
      help: 'Schedules the last planning pass considered.',
      registers,
    });
    this.deleteFailures = new Counter({
      name: 'peak_engine_delete_failures_total',
      help: 'Server deletes Nova refused or did not answer; each is retried after a growing backoff.',
      registers,
    });
    this.poolMembers = new Gauge({
      name: 'peak_pool_members',
      help: 'VMs of live runs by their load balancer pool membership state (pending, member, online, draining, removed), per schedule.',
      labelNames: ['schedule_id', 'schedule', 'state'],
      registers,
    });
    this.drains = new Histogram({
      name: 'peak_pool_member_drain_seconds',
      help: 'Seconds from a member’s weight 0 to its removal from the pool (the drain), by the engine’s clock.',
      buckets: [1, 5, 10, 30, 60, 120, 300, 600, 1800, 3600],
      registers,
    });
    this.fenced = new Counter({
      name: 'peak_engine_fenced_actions_total',
      help: 'Creates and deletes this replica did not send because it no longer held the engine lease.',
      registers,
    });
    this.leader.set(0);
  }

  recordDeleteFailure(): void {
    this.deleteFailures.inc();
  }

  recordFenced(actions: number): void {
    this.fenced.inc(actions);
  }

  /**
   * One dispatch: `plannedAt` is when it should have started (provision time or window end), `startedAt` when the
   * engine actually started it (its first cloud call). An early start counts as 0: lateness is what we bound.
   */
  observeDispatchLateness(plannedAt: Date, startedAt: Date, action: DispatchAction = 'provision'): void {
    this.lateness.observe({ action }, Math.max(0, startedAt.getTime() - plannedAt.getTime()) / 1000);
  }

  /** Current desired and ACTIVE VM counts of one schedule. */
  setScheduleVms(schedule: GaugedSchedule, desired: number, active: number): void {
    const labels = { schedule_id: schedule.id, schedule: schedule.name, ...projectLabels(schedule.project) };
    const previous = this.scheduleLabels.get(schedule.id);
    if (
      previous &&
      (previous.schedule !== labels.schedule || previous.project_id !== labels.project_id || previous.project !== labels.project)
    )
      this.forgetSchedule(schedule.id);
    this.scheduleLabels.set(schedule.id, labels);
    this.desired.set(labels, desired);
    this.active.set(labels, active);
  }

  /** Drops a deleted schedule's series, so they do not report their last value forever. */
  forgetSchedule(scheduleId: string): void {
    const labels = this.scheduleLabels.get(scheduleId);
    if (labels === undefined) return;
    this.scheduleLabels.delete(scheduleId);
    this.desired.remove(labels);
    this.active.remove(labels);
  }

  /** Pool membership of the live runs' VMs, per schedule and state (replaces the previous pass's). */
  setPoolMembers(counts: readonly { schedule: { id: string; name: string }; state: string; vms: number }[]): void {
    this.poolMembers.reset();
    for (const { schedule, state, vms } of counts) this.poolMembers.inc({ schedule_id: schedule.id, schedule: schedule.name, state }, vms);
  }

  /** A member left its pool `seconds` after its drain began. */
  observeDrain(seconds: number): void {
    this.drains.observe(Math.max(0, seconds));
  }

  /** VMs held back by a full quota right now, per project; projects not given have none. */
  setQuotaShortfalls(shortfalls: readonly { project: GaugedSchedule['project']; vms: number }[]): void {
    this.quotaShortfall.reset();
    for (const { project, vms } of shortfalls) this.quotaShortfall.inc(projectLabels(project), vms);
  }

  /** A create the cloud refused for lack of quota in this project. */
  recordQuotaError(project: GaugedSchedule['project']): void {
    this.quotaErrors.inc(projectLabels(project));
  }

  /** A run reached its final state (`completed`, `failed`, `missed`...). */
  recordRunFinished(state: string): void {
    this.runs.inc({ state });
  }

  setLeader(leader: boolean): void {
    this.leader.set(leader ? 1 : 0);
  }

  /** One planning pass: how long it took and how many schedules it considered. */
  observePlanningPass(durationMs: number, schedules: number): void {
    this.planning.observe(durationMs / 1000);
    this.plannedSchedules.set(schedules);
  }
}
