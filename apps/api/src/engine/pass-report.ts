import { performance } from 'node:perf_hooks';
import type { RunState } from '../runs/run-lifecycle';
import type { Launch } from './planner';

/** The Keystone project a schedule's VMs live in (null: not known, e.g. a row older than projects). */
export type ProjectRef = Launch['project'];

/** What one pass saw and did; returned for the engine's timer, logs, metrics and tests. */
export interface PassReport {
  /** Wall-clock time the pass planned at... */
  at: Date;
  /** ...and the monotonic clock at that moment. */
  t: number;
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
  /** Desired and ACTIVE VMs of every schedule with an open run, and how many of its slots a full quota holds back. */
  vms: { scheduleId: string; scheduleName: string; project: ProjectRef; desired: number; active: number; quotaShort: number }[];
  /** Creates refused for lack of quota in this pass (on the call, or by Nova's recheck), one entry each. */
  quotaRefusals: ProjectRef[];
  finishedRuns: { runId: string; scheduleId: string; state: RunState }[];
  /** The lease was lost during the pass: it stopped there, without writing what it had not written yet. */
  fenced: boolean;
}

export function emptyReport(at: Date, t: number, schedules: number): PassReport {
  return {
    at,
    t,
    planningMs: 0,
    durationMs: 0,
    schedules,
    created: 0,
    deleted: 0,
    nextBoundary: null,
    unsettled: false,
    nextRetryAt: null,
    started: [],
    tearingDown: [],
    vms: [],
    quotaRefusals: [],
    finishedRuns: [],
    fenced: false,
  };
}

export function finishReport(report: PassReport, started: number): PassReport {
  report.durationMs = performance.now() - started;
  return report;
}
