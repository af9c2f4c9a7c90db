import { FloatingCron } from './cron';
import { DAY_MS, DstAdjustment, formatInZone, formatWallDate, formatWallDateTime, MINUTE_MS, ZoneRules } from './time-zone';

/** A single peak window at fixed instants. */
export interface OneOffWindowSpec {
  readonly type: 'once';
  readonly startAt: Date;
  readonly endAt: Date;
}

/** Peaks that start whenever a cron expression matches the local time in the schedule's zone. */
export interface RecurringWindowSpec {
  readonly type: 'recurring';
  /** 5-field cron expression for the start, in the schedule's time zone. */
  readonly cron: string;
  /** Elapsed length of each window. */
  readonly durationMinutes: number;
  /** No window starts before this instant. */
  readonly validFrom?: Date | null;
  /** No window starts at or after this instant (a window that started earlier runs to its end). */
  readonly validUntil?: Date | null;
  /** Local dates (`YYYY-MM-DD`, in the schedule's zone) on which no window starts. */
  readonly excludedDates?: readonly string[];
}

export type WindowSpec = OneOffWindowSpec | RecurringWindowSpec;

/** Everything that decides when a schedule's windows are. */
export interface ScheduleTiming {
  /** IANA zone the cron expression and the excluded dates are read in. */
  readonly timeZone: string;
  /** Provisioning starts this long before each window so the VMs are ACTIVE at its start. */
  readonly leadTimeMinutes: number;
  readonly window: WindowSpec;
}

/** One window with its provisioning start. Windows are half-open: `[provisionAt, end)` is when VMs exist. */
export interface PeakWindow {
  readonly start: Date;
  readonly end: Date;
  /** `start` minus the lead time. */
  readonly provisionAt: Date;
}

/** A window as shown to people: in UTC and in the schedule's zone, with what DST did to it. */
export interface Occurrence extends PeakWindow {
  /** `skipped` when the local date is an excluded date; such a window does not happen. */
  readonly status: 'scheduled' | 'skipped';
  readonly skipReason: 'excluded-date' | null;
  /** Local start with offset, e.g. `2026-03-29T03:00:00+02:00`. */
  readonly localStart: string;
  readonly localEnd: string;
  /** The local date-time the cron expression asked for (`YYYY-MM-DDTHH:mm`); differs from `localStart` after a DST shift. */
  readonly requestedLocalStart: string;
  readonly dstAdjustment: DstAdjustment;
}

/** What a schedule is doing at one instant, and when that next changes. */
export interface Plan {
  /** The window whose provisioning range `[provisionAt, end)` contains the instant, if any. */
  readonly current: PeakWindow | null;
  /** The first window after `current` (or after the instant) whose provisioning has not begun. */
  readonly next: PeakWindow | null;
  /** `current.end` when in a window, otherwise `next.provisionAt`; null when nothing is left to do. */
  readonly nextBoundary: Date | null;
}

interface Start {
  /** Floating wall-clock value of the cron match. */
  readonly wall: number;
  /** The instant it resolved to. */
  readonly instant: number;
  readonly adjustment: DstAdjustment;
  readonly excluded: boolean;
}

/** The excluded dates of a schedule without any: one set for all of them (the engine holds every schedule compiled). */
const NO_DATES: ReadonlySet<string> = new Set();
const NO_LIMIT_BEFORE = -8.64e15;
const NO_LIMIT_AFTER = 8.64e15;
/** Safety net against a library bug turning a scan into an endless loop. */
const MAX_SCAN_STEPS = 1_000_000;

/**
 * A schedule's timing, prepared once (parsed cron, zone rules) so that the planner's questions are cheap.
 * Build it from a timing that passed `validateTiming`; the constructor throws on an invalid zone or cron.
 * Instances are immutable except for a one-entry memo of the last plan.
 */
export class CompiledSchedule {
  readonly rules: ZoneRules;
  private readonly leadMs: number;
  private readonly cron: FloatingCron | null;
  private readonly durationMs: number;
  private readonly notBefore: number;
  private readonly notAfter: number;
  private readonly excluded: ReadonlySet<string>;
  private memo: { from: number; until: number; plan: Plan } | undefined;

  constructor(readonly timing: ScheduleTiming) {
    this.rules = ZoneRules.for(timing.timeZone);
    this.leadMs = timing.leadTimeMinutes * MINUTE_MS;
    const window = timing.window;
    if (window.type === 'once') {
      this.cron = null;
      this.durationMs = window.endAt.getTime() - window.startAt.getTime();
      this.notBefore = window.startAt.getTime();
      this.notAfter = window.startAt.getTime() + 1;
      this.excluded = NO_DATES;
    } else {
      this.cron = FloatingCron.of(window.cron.trim().split(/\s+/).join(' '));
      this.durationMs = window.durationMinutes * MINUTE_MS;
      this.notBefore = window.validFrom?.getTime() ?? NO_LIMIT_BEFORE;
      this.notAfter = window.validUntil?.getTime() ?? NO_LIMIT_AFTER;
      this.excluded = window.excludedDates?.length ? new Set(window.excludedDates) : NO_DATES;
    }
  }

  /**
   * The plan at instant `at`. Cheap: one cron lookup (two inside a window), and free while `at` stays
   * before the previous answer's boundary, which is what a planner waking at boundaries asks.
   */
  planAt(at: Date): Plan {
    const t = at.getTime();
    const memo = this.memo;
    if (memo && t >= memo.from && t < memo.until) return memo.plan;
    // A window contains t when start - lead <= t < start + duration, i.e. t - duration < start <= t + lead;
    // windows never overlap (validated), so the first start after t - duration is the only candidate.
    const first = this.firstStartAfter(t - this.durationMs, false);
    let current: PeakWindow | null = null;
    let next: PeakWindow | null = null;
    if (first && first.instant - this.leadMs <= t) {
      current = this.toWindow(first.instant);
      const following = this.firstStartAfter(first.instant, false);
      next = following && this.toWindow(following.instant);
    } else {
      next = first && this.toWindow(first.instant);
    }
    const nextBoundary = current ? current.end : (next?.provisionAt ?? null);
    const plan: Plan = { current, next, nextBoundary };
    this.memo = {
      from: t,
      until: nextBoundary?.getTime() ?? NO_LIMIT_AFTER,
      plan,
    };
    return plan;
  }

  /**
   * Drops the memo of the last plan. For a holder that keeps what it needs of the plans itself (the engine's index
   * of 100,000 schedules), so that a plan is not held twice, or at all once it is no longer needed.
   */
  forgetPlan(): void {
    this.memo = undefined;
  }

  /**
   * The next `count` windows that have not ended at `from`, in order, with skipped (excluded) dates
   * listed where they fall: the first window of each excluded date, at most `count` of them.
   */
  occurrences(from: Date, count: number): Occurrence[] {
    const result: Occurrence[] = [];
    let scheduled = 0;
    let skipped = 0;
    let after = from.getTime() - this.durationMs;
    while (scheduled < count) {
      const start = this.firstStartAfter(after, true);
      if (!start) break;
      if (start.excluded) {
        if (skipped < count) result.push(this.describe(start, 'skipped'));
        skipped++;
      } else {
        result.push(this.describe(start, 'scheduled'));
        scheduled++;
      }
      after = start.excluded ? this.rules.resolveLocal(endOfDay(start.wall)).instant : start.instant;
    }
    return result;
  }

  /** The first window that has not ended at `from`. */
  nextWindow(from: Date): PeakWindow | null {
    const start = this.firstStartAfter(from.getTime() - this.durationMs, false);
    return start && this.toWindow(start.instant);
  }

  /** The first window starting strictly after `instant`. */
  windowStartingAfter(instant: Date): PeakWindow | null {
    const start = this.firstStartAfter(instant.getTime(), false);
    return start && this.toWindow(start.instant);
  }

  /**
   * The last window of a bounded schedule (one-off, or recurring with `validUntil`), or null when the
   * schedule has no end or no window at all.
   */
  lastWindow(): PeakWindow | null {
    if (this.notAfter === NO_LIMIT_AFTER) return null;
    // Scan forward from ever earlier points: croner has no reliable backwards search.
    for (let span = DAY_MS; ; span *= 4) {
      const from = Math.max(this.notAfter - span, this.notBefore - 1);
      let last = this.firstStartAfter(from, false);
      if (last) {
        for (let next: Start | null = last; next; next = this.firstStartAfter(next.instant, false)) last = next;
        return this.toWindow(last.instant);
      }
      if (from <= this.notBefore - 1 || span > 1000 * 366 * DAY_MS) return null;
    }
  }

  toWindow(startInstant: number): PeakWindow {
    return {
      start: new Date(startInstant),
      end: new Date(startInstant + this.durationMs),
      provisionAt: new Date(startInstant - this.leadMs),
    };
  }

  /**
   * The first start strictly after instant `after` within the validity range. Starts on excluded dates
   * are skipped unless `includeExcluded`, in which case the first start of an excluded date is returned
   * flagged (the caller continues after that date).
   */
  private firstStartAfter(after: number, includeExcluded: boolean): Start | null {
    const x = Math.max(after, this.notBefore - 1);
    if (x >= this.notAfter - 1) return null;
    if (!this.cron) {
      const startAt = this.notBefore;
      return startAt > x
        ? {
            wall: this.rules.wallAt(startAt),
            instant: startAt,
            adjustment: 'none',
            excluded: false,
          }
        : null;
    }
    // No wall time at or before x + (smallest nearby offset) can resolve to an instant after x.
    let wall = this.cron.nextAfter(x + this.rules.minOffsetAround(x, 2 * DAY_MS) * MINUTE_MS);
    for (let steps = 0; wall !== null; steps++) {
      if (steps > MAX_SCAN_STEPS) throw new Error(`Cron scan did not converge for '${this.cron.expression}'`);
      const resolved = this.rules.resolveLocal(wall);
      if (resolved.instant > x) {
        if (resolved.instant >= this.notAfter) return null;
        const excluded = this.excluded.size > 0 && this.excluded.has(formatWallDate(wall));
        if (!excluded || includeExcluded)
          return {
            wall,
            instant: resolved.instant,
            adjustment: resolved.adjustment,
            excluded,
          };
        wall = this.cron.nextAfter(endOfDay(wall));
      } else {
        wall = this.cron.nextAfter(wall);
      }
    }
    return null;
  }

  private describe(start: Start, status: Occurrence['status']): Occurrence {
    const window = this.toWindow(start.instant);
    return {
      ...window,
      status,
      skipReason: status === 'skipped' ? 'excluded-date' : null,
      localStart: formatInZone(start.instant, this.rules),
      localEnd: formatInZone(window.end.getTime(), this.rules),
      requestedLocalStart: formatWallDateTime(start.wall),
      dstAdjustment: start.adjustment,
    };
  }
}

/** The last millisecond of the local date of a wall-clock value. */
function endOfDay(wall: number): number {
  return Math.floor(wall / DAY_MS) * DAY_MS + DAY_MS - 1;
}
