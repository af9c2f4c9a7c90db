import { parseCronExpression } from './cron';
import { findOverlap, OVERLAP_HORIZON_YEARS } from './overlap';
import { CompiledSchedule, ScheduleTiming } from './schedule-timing';
import { isLocalDate, isValidTimeZone } from './time-zone';

/** One rejected input, named by its path in the API body (`window.cron`). */
export interface TimingIssue {
  readonly field: string;
  readonly reason: string;
}

export interface TimingLimits {
  /** Longest lead time accepted. */
  readonly maxLeadTimeMinutes: number;
  /** Longest window accepted (both kinds). */
  readonly maxDurationMinutes: number;
  /** Most excluded dates accepted. */
  readonly maxExcludedDates: number;
}

export const DEFAULT_TIMING_LIMITS: TimingLimits = {
  maxLeadTimeMinutes: 24 * 60,
  maxDurationMinutes: 366 * 24 * 60,
  maxExcludedDates: 1000,
};

/**
 * Semantic checks of a schedule's timing, against the clock `now`. Returns every problem found, each
 * with the field and the reason; an empty list means `new CompiledSchedule(timing)` is safe and its
 * windows never overlap. Checks that depend on an earlier one (a valid zone, a parsable cron) are skipped
 * when that one fails, so each reason stands on its own.
 */
export function validateTiming(timing: ScheduleTiming, now: Date, limits: TimingLimits = DEFAULT_TIMING_LIMITS): TimingIssue[] {
  const issues: TimingIssue[] = [];
  const zoneOk = isValidTimeZone(timing.timeZone);
  if (!zoneOk)
    issues.push({
      field: 'timeZone',
      reason: 'must be an IANA time zone such as Europe/Rome or UTC',
    });
  const lead = timing.leadTimeMinutes;
  const leadOk = Number.isInteger(lead) && lead >= 0 && lead <= limits.maxLeadTimeMinutes;
  if (!leadOk)
    issues.push({
      field: 'leadTimeMinutes',
      reason: `must be a whole number of minutes from 0 to ${limits.maxLeadTimeMinutes}`,
    });

  const window = timing.window;
  if (window.type === 'once') {
    const start = window.startAt.getTime();
    const end = window.endAt.getTime();
    if (!(start > now.getTime()))
      issues.push({
        field: 'window.startAt',
        reason: `is already past (now is ${now.toISOString()})`,
      });
    if (!(end > start)) issues.push({ field: 'window.endAt', reason: 'must be after startAt' });
    else if (end - start > limits.maxDurationMinutes * 60_000) {
      issues.push({
        field: 'window.endAt',
        reason: `must be at most ${limits.maxDurationMinutes} minutes after startAt`,
      });
    }
    return issues;
  }

  const parsed = parseCronExpression(window.cron);
  if (!parsed.ok)
    issues.push({
      field: 'window.cron',
      reason: `must be a valid 5-field cron expression: ${parsed.reason}`,
    });
  const duration = window.durationMinutes;
  const durationOk = Number.isInteger(duration) && duration >= 1 && duration <= limits.maxDurationMinutes;
  if (!durationOk) {
    issues.push({
      field: 'window.durationMinutes',
      reason: `must be a whole number of minutes from 1 to ${limits.maxDurationMinutes}`,
    });
  }
  const from = window.validFrom ?? null;
  const until = window.validUntil ?? null;
  const rangeOk = !(from && until && until.getTime() <= from.getTime());
  if (!rangeOk)
    issues.push({
      field: 'window.validUntil',
      reason: 'must be after validFrom',
    });
  const excluded = window.excludedDates ?? [];
  if (excluded.length > limits.maxExcludedDates) {
    issues.push({
      field: 'window.excludedDates',
      reason: `must have at most ${limits.maxExcludedDates} dates`,
    });
  }
  const seen = new Set<string>();
  excluded.forEach((date, i) => {
    if (!isLocalDate(date))
      issues.push({
        field: `window.excludedDates.${i}`,
        reason: 'must be a calendar date written YYYY-MM-DD',
      });
    else if (seen.has(date))
      issues.push({
        field: `window.excludedDates.${i}`,
        reason: `repeats ${date}`,
      });
    seen.add(date);
  });
  if (!zoneOk || !leadOk || !parsed.ok || !durationOk || !rangeOk) return issues;

  const normalized: ScheduleTiming = {
    ...timing,
    window: { ...window, cron: parsed.expression },
  };
  const checkFrom = new Date(Math.max(now.getTime(), from?.getTime() ?? -Infinity));
  const first = new CompiledSchedule(normalized).windowStartingAfter(new Date(checkFrom.getTime() - 1));
  if (!first) {
    issues.push(
      until
        ? {
            field: 'window.validUntil',
            reason: `leaves no start: the cron expression does not match between ${checkFrom.toISOString()} and ${until.toISOString()}`,
          }
        : {
            field: 'window.cron',
            reason: `never matches after ${checkFrom.toISOString()}`,
          },
    );
    return issues;
  }

  const overlap = findOverlap({
    cron: parsed.expression,
    timeZone: timing.timeZone,
    durationMinutes: duration,
    leadTimeMinutes: lead,
    from: checkFrom,
    until,
  });
  if (overlap) {
    issues.push({
      field: 'window.durationMinutes',
      reason:
        `windows would overlap: each needs ${overlap.neededMinutes} minutes (lead time ${lead} + duration ${duration}) ` +
        `but starts ${overlap.first} and ${overlap.second} are only ${overlap.gapMinutes} minutes apart ` +
        `(checked over ${OVERLAP_HORIZON_YEARS} years, DST changes included)`,
    });
  }
  return issues;
}
