import { RUN_STATES_WITH_VMS, LIVE_RUN_STATES } from './run-lifecycle';

/**
 * The SQL that schedule lists use to show each schedule's latest run: kept here, beside the run tables'
 * other statements, so that only this module knows their columns. `s` is the schedule row.
 */

/** Run states in which the schedule's VMs may exist, as an SQL list. */
export const STATES_WITH_VMS_SQL = RUN_STATES_WITH_VMS.map((s) => `'${s}'`).join(', ');
/** Run states the engine still works on, as an SQL list. */
export const LIVE_STATES_SQL = LIVE_RUN_STATES.map((s) => `'${s}'`).join(', ');

/** The latest run of `s` by window start as `r`: one backward step on the (schedule_id, window_start) unique index. */
export const LATEST_RUN_JOIN = `LEFT JOIN LATERAL (
  SELECT run.id, run.state, run.shortfall_reason, run.window_start, run.window_end, run.desired_count
  FROM run WHERE run.schedule_id = s.id ORDER BY run.window_start DESC LIMIT 1
) r ON true`;

/** How many VMs of the latest run `r` are ACTIVE. */
export const LATEST_RUN_ACTIVE_COUNT = `(SELECT count(*)::int FROM run_vm v WHERE v.run_id = r.id AND v.status = 'ACTIVE' AND v.deleted_at IS NULL)`;
