import type { MissedRun } from '../runs/runs.repository';
import type { EngineSchedule } from './engine-schedules';

/** How many past windows one pass records as missed per schedule, after a long downtime. */
const MAX_MISSED_PER_PASS = 20;

/**
 * The windows of a schedule that began (provisioning included) and ended between `since` (the end of the last
 * pass anyone ran) and `now`: nobody served them, so they are recorded as `missed`, never run. None before the
 * schedule existed, none of a disabled or deleting schedule, at most MAX_MISSED_PER_PASS per call.
 */
export function missedWindows(schedule: EngineSchedule, since: Date, now: Date, newId: () => string): MissedRun[] {
  const { entity, compiled } = schedule;
  if (!entity.enabled || entity.deletingSince) return [];
  const from = new Date(Math.max(since.getTime(), entity.createdAtMs));
  const rows: MissedRun[] = [];
  for (
    let window = compiled.windowStartingAfter(new Date(from.getTime() - 1));
    window && rows.length < MAX_MISSED_PER_PASS;
    window = compiled.windowStartingAfter(window.start)
  ) {
    if (window.end > now) break;
    if (window.provisionAt < from) continue;
    rows.push({
      id: newId(),
      scheduleId: entity.id,
      windowStart: window.start,
      windowEnd: window.end,
      provisionAt: window.provisionAt,
      desiredCount: entity.instanceCount,
      lastErrorMessage: 'No engine was running during this window',
    });
  }
  return rows;
}
