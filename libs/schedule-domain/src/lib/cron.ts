import { CronPattern } from 'croner';

export type CronParseResult = { readonly ok: true; readonly expression: string } | { readonly ok: false; readonly reason: string };

const FIELD_NAMES = ['minute', 'hour', 'day-of-month', 'month', 'day-of-week'] as const;
const MAX_EXPRESSION_LENGTH = 200;

/**
 * Checks a 5-field cron expression (minute hour day-of-month month day-of-week) and returns it normalized:
 * single spaces, and `?` written as `*` (croner treats a `?` day-of-month as a restriction that, OR-ed with
 * the day-of-week, matches every day; `?` means "any" to the people who type it).
 *
 * Semantics are Vixie cron's: when both day fields are restricted, a day matching either one matches.
 * croner's extensions are accepted: `L` (last day / last weekday of the month), `W` (nearest weekday),
 * `#` (nth weekday), `+` (AND the day fields). Nicknames (`@daily`) and 6/7-field forms are refused:
 * the API promises five fields.
 */
export function parseCronExpression(input: unknown): CronParseResult {
  if (typeof input !== 'string') return { ok: false, reason: 'must be a string' };
  if (input.length > MAX_EXPRESSION_LENGTH) {
    return {
      ok: false,
      reason: `must be at most ${MAX_EXPRESSION_LENGTH} characters`,
    };
  }
  const fields = input
    .trim()
    .split(/\s+/)
    .filter((f) => f !== '');
  if (fields.length !== 5) {
    return {
      ok: false,
      reason: `must have exactly 5 fields (minute hour day-of-month month day-of-week), found ${fields.length}`,
    };
  }
  if (input.includes('@')) {
    return {
      ok: false,
      reason: 'must use the 5 fields, not a nickname such as @daily',
    };
  }
  const expression = fields.map((f) => (f === '?' ? '*' : f)).join(' ');
  try {
    FloatingCron.of(expression);
  } catch (error) {
    return { ok: false, reason: describeCronError(error) };
  }
  return { ok: true, expression };
}

/** croner's messages, in the user's terms: croner prepends a seconds field and stores days and months from 0. */
function describeCronError(error: unknown): string {
  const message = (error instanceof Error ? error.message : String(error)).replace(/^CronPattern:\s*/, '');
  const range = /^Invalid value for (\w+): (-?\d+)/.exec(message);
  if (range) {
    const [, part, raw] = range;
    const value = Number(raw);
    switch (part) {
      case 'minute':
        return `minute ${value} is out of range 0-59`;
      case 'hour':
        return `hour ${value} is out of range 0-23`;
      case 'day':
      case 'nearestWeekdays':
        return `day-of-month ${value + 1} is out of range 1-31`;
      case 'month':
        return `month ${value + 1} is out of range 1-12`;
      case 'dayOfWeek':
        return `day-of-week ${value} is out of range 0-7`;
      default:
        return message;
    }
  }
  const illegal = /^configuration entry (\d) \((.*)\) contains illegal characters/.exec(message);
  if (illegal) {
    const field = FIELD_NAMES[Number(illegal[1]) - 1] ?? 'a field';
    return `${field} field '${illegal[2]}' contains characters that are not allowed`;
  }
  return message.charAt(0).toLowerCase() + message.slice(1);
}

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
/** croner gives up at year 3000 too; a pattern that never matches (`0 0 30 2 *`) ends the search there. */
const SEARCH_LIMIT_DAYS = Date.UTC(3000, 0, 1) / DAY_MS;
/** Bits croner stores per weekday for `#1`..`#5`; 32 is `L` (last of the month). */
const NTH_BITS = [1, 2, 4, 8, 16];
const LAST_BIT = 32;

/**
 * A cron expression evaluated on a floating wall clock: values are epoch-like milliseconds whose UTC
 * fields are the local date and time, with no zone and hence no DST. Zone rules are applied afterwards
 * (`ZoneRules.resolveLocal`), so the DST policy is ours, not the library's: croner's own `timezone` mode
 * moves a start in a spring-forward gap by the gap's length (02:30 becomes 03:30, not 03:00) and can
 * return the same run twice next to a gap.
 *
 * croner parses the expression (`CronPattern`, its public parsed form). Matching is done here over those
 * parsed fields, following croner's own day rules, because a croner `Cron` costs about 80 KB and 200 µs
 * to build and 10-25 µs per lookup, which is too much for a planner holding 10,000 schedules; this costs
 * about a microsecond. The property tests compare every answer with croner's `nextRun`.
 */
export class FloatingCron {
  private static readonly cache = new Map<string, FloatingCron>();
  private static readonly cacheLimit = 50_000;

  /** Matching minutes of the day (hour * 60 + minute), ascending. The same on every matching day. */
  private readonly times: Uint16Array;
  private readonly months: readonly boolean[];
  private readonly days: readonly boolean[];
  private readonly nearestWeekdays: readonly number[];
  private readonly weekdays: readonly number[];
  private readonly lastDayOfMonth: boolean;
  private readonly lastWeekday: boolean;
  private readonly anyDayOfMonth: boolean;
  private readonly anyDayOfWeek: boolean;
  private readonly andDays: boolean;

  private constructor(
    readonly expression: string,
    pattern: CronPattern,
  ) {
    const times: number[] = [];
    for (let h = 0; h < 24; h++) for (let m = 0; m < 60; m++) if (pattern.hour[h] && pattern.minute[m]) times.push(h * 60 + m);
    this.times = Uint16Array.from(times);
    this.months = pattern.month.map(Boolean);
    this.days = pattern.day.map(Boolean);
    this.nearestWeekdays = pattern.nearestWeekdays.flatMap((flag, i) => (flag ? [i + 1] : []));
    this.weekdays = [...pattern.dayOfWeek.slice(0, 7)];
    this.lastDayOfMonth = pattern.lastDayOfMonth;
    this.lastWeekday = pattern.lastWeekday;
    this.anyDayOfMonth = pattern.starDOM;
    this.anyDayOfWeek = pattern.starDOW;
    this.andDays = pattern.useAndLogic;
  }

  /** A shared instance per expression. Throws croner's parse error for an invalid expression. */
  static of(expression: string): FloatingCron {
    let cron = FloatingCron.cache.get(expression);
    if (!cron) {
      cron = new FloatingCron(expression, new CronPattern(expression, undefined, { mode: '5-part' }));
      if (FloatingCron.cache.size >= FloatingCron.cacheLimit) FloatingCron.cache.clear();
      FloatingCron.cache.set(expression, cron);
    }
    return cron;
  }

  /** The first matching wall-clock minute strictly after `wall`, or null if there is none before year 3000. */
  nextAfter(wall: number): number | null {
    if (this.times.length === 0) return null;
    const from = Math.floor(wall / MINUTE_MS) * MINUTE_MS + MINUTE_MS;
    let dayNumber = Math.floor(from / DAY_MS);
    let minuteOfDay = (from - dayNumber * DAY_MS) / MINUTE_MS;
    let { year, month, day } = civilFromDays(dayNumber);
    while (dayNumber < SEARCH_LIMIT_DAYS) {
      if (!this.months[month]) {
        // Jump to the first of the next month.
        dayNumber += daysInMonth(year, month) - day + 1;
        ({ year, month } = month === 11 ? { year: year + 1, month: 0 } : { year, month: month + 1 });
        day = 1;
        minuteOfDay = 0;
        continue;
      }
      if (this.matchesDay(year, month, day, weekdayOfDayNumber(dayNumber))) {
        const time = this.firstTimeFrom(minuteOfDay);
        if (time !== undefined) return dayNumber * DAY_MS + time * MINUTE_MS;
      }
      dayNumber++;
      minuteOfDay = 0;
      if (++day > daysInMonth(year, month)) {
        day = 1;
        ({ year, month } = month === 11 ? { year: year + 1, month: 0 } : { year, month: month + 1 });
      }
    }
    return null;
  }

  private firstTimeFrom(minuteOfDay: number): number | undefined {
    const times = this.times;
    let low = 0;
    let high = times.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (times[mid] < minuteOfDay) low = mid + 1;
      else high = mid;
    }
    return low < times.length ? times[low] : undefined;
  }

  /** croner's day rule (CronDate.match), for a month that matches. */
  private matchesDay(year: number, month: number, day: number, weekday: number): boolean {
    let matches = this.days[day - 1];
    if (!matches && this.nearestWeekdays.length > 0) {
      matches = this.nearestWeekdays.some((wanted) => nearestWeekday(year, month, wanted) === day);
    }
    if (this.lastWeekday && day === lastWeekdayOfMonth(year, month)) matches = true;
    if (this.lastDayOfMonth && day === daysInMonth(year, month)) matches = true;
    if (!this.anyDayOfWeek) {
      const flags = this.weekdays[weekday];
      const weekdayMatches = flags !== 0 && isNthWeekday(year, month, day, flags);
      matches = this.andDays || this.anyDayOfMonth ? matches && weekdayMatches : matches || weekdayMatches;
    }
    return matches;
  }
}

const MONTH_LENGTHS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** Month is 0-based, as in Date. */
function daysInMonth(year: number, month: number): number {
  return month === 1 && isLeapYear(year) ? 29 : MONTH_LENGTHS[month];
}

/** 0 = Sunday; day 0 (1970-01-01) was a Thursday. */
function weekdayOfDayNumber(dayNumber: number): number {
  return (((dayNumber + 4) % 7) + 7) % 7;
}

function weekdayOf(year: number, month: number, day: number): number {
  return weekdayOfDayNumber(Date.UTC(year, month, day) / DAY_MS);
}

/** The calendar date of a day count since 1970-01-01, without allocating (Hinnant's civil_from_days). */
function civilFromDays(dayNumber: number): {
  year: number;
  month: number;
  day: number;
} {
  const z = dayNumber + 719468;
  const era = Math.floor(z / 146097);
  const dayOfEra = z - era * 146097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36524) - Math.floor(dayOfEra / 146096)) / 365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const shiftedMonth = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * shiftedMonth + 2) / 5) + 1;
  const month = shiftedMonth < 10 ? shiftedMonth + 2 : shiftedMonth - 10;
  return { year: yearOfEra + era * 400 + (month <= 1 ? 1 : 0), month, day };
}

/** The weekday nearest to `wanted` within the month (croner's `W`), or -1 when the month is shorter. */
function nearestWeekday(year: number, month: number, wanted: number): number {
  const last = daysInMonth(year, month);
  if (wanted > last) return -1;
  const weekday = weekdayOf(year, month, wanted);
  if (weekday === 0) return wanted === last ? wanted - 2 : wanted + 1;
  if (weekday === 6) return wanted === 1 ? wanted + 2 : wanted - 1;
  return wanted;
}

function lastWeekdayOfMonth(year: number, month: number): number {
  const last = daysInMonth(year, month);
  const weekday = weekdayOf(year, month, last);
  return weekday === 0 ? last - 2 : weekday === 6 ? last - 1 : last;
}

/** Whether `day` is one of the wanted occurrences of its weekday in the month (croner's `#n` and `L` flags). */
function isNthWeekday(year: number, month: number, day: number, flags: number): boolean {
  const nth = Math.floor((day - 1) / 7);
  if (NTH_BITS[nth] & flags) return true;
  return (flags & LAST_BIT) !== 0 && day + 7 > daysInMonth(year, month);
}
