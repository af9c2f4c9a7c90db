import { FloatingCron } from './cron';
import { DAY_MS, formatInZone, formatWallDateTime, MINUTE_MS, ZoneRules } from './time-zone';

/** Two consecutive starts closer together than a window (with its lead time) needs. */
export interface OverlapViolation {
  /** Elapsed minutes between the two starts. */
  readonly gapMinutes: number;
  /** The minutes each window occupies: lead time plus duration. */
  readonly neededMinutes: number;
  /** The two starts, local with offset (or local wall time when the pair was found on the wall clock). */
  readonly first: string;
  readonly second: string;
}

export interface OverlapCheckInput {
  readonly cron: string;
  readonly timeZone: string;
  readonly durationMinutes: number;
  readonly leadTimeMinutes: number;
  /** Check starts from here on. */
  readonly from: Date;
  /** And before this instant (default: the horizon). */
  readonly until?: Date | null;
}

/** How far ahead the rule is checked; the calendar's irregularities (leap days, weekday cycles, DST rules) repeat within it. */
export const OVERLAP_HORIZON_YEARS = 10;
const MAX_DAYS_SCANNED = OVERLAP_HORIZON_YEARS * 366 + 1;

/**
 * Checks that the windows of a recurring schedule never overlap, lead time included: every two
 * consecutive starts must be at least `leadTime + duration` apart in elapsed time, across DST changes.
 *
 * Scanning every start over years would be too slow for dense patterns (every minute is 500,000 starts a
 * year), so the check uses the shape of a 5-field cron expression: the set of times of day is the same on
 * every matching day. On the wall clock the smallest gap is then either between two times of one day, or
 * between the last time of one matching day and the first of the next. Elapsed time differs from wall-clock
 * time only across an offset change, so the starts around each DST transition in the horizon are then
 * resolved to instants (with the gap/overlap policy) and checked one by one.
 */
export function findOverlap(input: OverlapCheckInput): OverlapViolation | null {
  const cron = FloatingCron.of(input.cron);
  const rules = ZoneRules.for(input.timeZone);
  const needed = (input.durationMinutes + input.leadTimeMinutes) * MINUTE_MS;
  const from = input.from.getTime();
  const horizonEnd = Math.min(input.until?.getTime() ?? Infinity, from + OVERLAP_HORIZON_YEARS * 365.25 * DAY_MS);
  const wallFrom = rules.wallAt(from);
  const wallEnd = rules.wallAt(horizonEnd);

  const firstMatch = cron.nextAfter(wallFrom - 1);
  if (firstMatch === null || firstMatch >= wallEnd) return null;

  const wallViolation = (a: number, b: number): OverlapViolation => ({
    gapMinutes: (b - a) / MINUTE_MS,
    neededMinutes: needed / MINUTE_MS,
    first: formatWallDateTime(a),
    second: formatWallDateTime(b),
  });

  // Times of day (ms since local midnight) of one matching day.
  const day = startOfDay(firstMatch);
  const times: number[] = [];
  for (let wall = cron.nextAfter(day - 1); wall !== null && wall < day + DAY_MS; wall = cron.nextAfter(wall)) times.push(wall - day);
  for (let i = 1; i < times.length; i++) {
    if (times[i] - times[i - 1] < needed) return wallViolation(day + times[i - 1], day + times[i]);
  }
  const firstTime = times[0];
  const lastTime = times[times.length - 1];

  // Gaps between consecutive matching days.
  let previousDay = day;
  for (let scanned = 0; scanned < MAX_DAYS_SCANNED && previousDay < wallEnd; scanned++) {
    const next = cron.nextAfter(previousDay + DAY_MS - 1);
    if (next === null) break;
    const nextDay = startOfDay(next);
    if (nextDay + firstTime - (previousDay + lastTime) < needed) return wallViolation(previousDay + lastTime, nextDay + firstTime);
    // Consecutive days are as close as matching days get; later pairs cannot be tighter.
    if (nextDay - previousDay === DAY_MS) break;
    previousDay = nextDay;
  }

  // Elapsed gaps around each offset change.
  for (const t of rules.transitionsBetween(from, horizonEnd)) {
    const shift = Math.abs(t.after - t.before) * MINUTE_MS;
    const low = t.at + Math.min(t.before, t.after) * MINUTE_MS;
    const high = t.at + Math.max(t.before, t.after) * MINUTE_MS;
    let previous: number | null = null;
    for (let wall = cron.nextAfter(low - needed - shift - 1); wall !== null && wall <= high + needed + shift; wall = cron.nextAfter(wall)) {
      const instant = rules.resolveLocal(wall).instant;
      if (previous !== null && instant !== previous && instant - previous < needed) {
        return {
          gapMinutes: (instant - previous) / MINUTE_MS,
          neededMinutes: needed / MINUTE_MS,
          first: formatInZone(previous, rules),
          second: formatInZone(instant, rules),
        };
      }
      previous = instant;
    }
  }
  return null;
}

function startOfDay(wall: number): number {
  return Math.floor(wall / DAY_MS) * DAY_MS;
}
