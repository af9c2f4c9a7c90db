import { IANAZone } from 'luxon';

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

/** How a requested local wall-clock time was turned into an instant. */
export type DstAdjustment =
  /** The local time exists exactly once. */
  | 'none'
  /** The local time fell in a spring-forward gap: moved to the first valid instant after the gap. */
  | 'shifted-forward'
  /** The local time exists twice (fall-back overlap): the first of the two instants was taken. */
  | 'first-of-repeated';

/** A local wall-clock time resolved to an instant under the DST policy. */
export interface ResolvedLocalTime {
  /** Epoch milliseconds. */
  readonly instant: number;
  readonly adjustment: DstAdjustment;
}

/** One change of UTC offset: from `at` (epoch ms) on, the zone is `after` minutes ahead of UTC instead of `before`. */
export interface OffsetTransition {
  readonly at: number;
  readonly before: number;
  readonly after: number;
}

/** IANA names start with a letter and use `/` between parts; this excludes raw offsets such as `+01:00`. */
const IANA_NAME = /^[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+)*$/;
const MAX_NAME_LENGTH = 64;

let canonicalNames: Map<string, string> | undefined;

function canonicalNameIndex(): Map<string, string> {
  if (!canonicalNames) {
    const names = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
    canonicalNames = new Map([...names, 'UTC'].map((name) => [name.toLowerCase(), name]));
  }
  return canonicalNames;
}

/**
 * Names found valid, in lower case (ECMA-402 compares zone names ignoring ASCII case, so every spelling of a valid
 * name is valid). Asking the runtime costs an `Intl.DateTimeFormat` for the zone, about 0.4 ms, and every save of
 * a schedule asks more than once. Only valid names are kept: the runtime's zone database bounds them (about 600),
 * whereas a client could send any number of invalid ones.
 */
const validNames = new Set<string>();

/** True for a time zone name the runtime knows from the IANA database (`Europe/Rome`, `UTC`, `US/Eastern`). */
export function isValidTimeZone(name: unknown): name is string {
  if (typeof name !== 'string' || name.length > MAX_NAME_LENGTH || !IANA_NAME.test(name)) return false;
  const key = name.toLowerCase();
  if (validNames.has(key)) return true;
  if (!IANAZone.isValidZone(name)) return false;
  validNames.add(key);
  return true;
}

/**
 * The spelling to store for a valid zone: the canonical casing when the name is a canonical IANA name
 * (`europe/rome` becomes `Europe/Rome`), otherwise the name as given. Aliases are kept as typed because
 * runtimes disagree on which of a pair is canonical (`Asia/Kolkata` and `Asia/Calcutta`).
 */
export function normalizeTimeZone(name: string): string {
  if (!isValidTimeZone(name)) throw new RangeError(`Unknown time zone: ${name}`);
  return canonicalNameIndex().get(name.toLowerCase()) ?? name;
}

/** Offsets are sampled this far apart and transitions located by bisection; no zone changes offset twice within it. */
const SAMPLE_STEP_MS = 3 * DAY_MS;
const BISECT_PRECISION_MS = 1000;

interface YearRules {
  readonly start: number;
  readonly end: number;
  /** The offset just before `start`, i.e. before any of this year's transitions. */
  readonly startOffset: number;
  readonly transitions: readonly OffsetTransition[];
}

/** A stretch of time with one offset, and the wall-clock range inside it that no transition touches. */
interface Segment {
  readonly from: number;
  readonly to: number;
  readonly offset: number;
  readonly wallFrom: number;
  readonly wallTo: number;
}

const SEGMENT_CACHE_SIZE = 4;

/**
 * The offset rules of one zone, as a table of transitions built lazily per UTC year from the runtime's
 * time zone data (through luxon). Lookups are then plain arithmetic, and the last few constant-offset
 * segments are remembered, which matters because the planner evaluates thousands of schedules per pass
 * and one Intl-based offset lookup costs about 20 µs.
 */
export class ZoneRules {
  private static readonly cache = new Map<string, ZoneRules>();

  private readonly zone: IANAZone;
  private readonly years = new Map<number, YearRules>();
  private readonly segments: Segment[] = [];

  private constructor(readonly name: string) {
    this.zone = IANAZone.create(name);
  }

  /** Shared rules for a zone; throws a RangeError for an unknown zone. */
  static for(name: string): ZoneRules {
    let rules = ZoneRules.cache.get(name);
    if (!rules) {
      if (!isValidTimeZone(name)) throw new RangeError(`Unknown time zone: ${name}`);
      rules = new ZoneRules(name);
      ZoneRules.cache.set(name, rules);
    }
    return rules;
  }

  /** Minutes ahead of UTC at the instant `ms`. */
  offsetAt(ms: number): number {
    return this.segmentAt(ms).offset;
  }

  /** The local wall-clock time at instant `ms`, as epoch-like milliseconds (read its UTC fields). */
  wallAt(ms: number): number {
    return ms + this.offsetAt(ms) * MINUTE_MS;
  }

  /**
   * The instant of a local wall-clock time under the product's DST policy: a time in a spring-forward
   * gap moves to the first valid instant after the gap; a time repeated by a fall-back takes its first occurrence.
   */
  resolveLocal(wall: number): ResolvedLocalTime {
    for (const segment of this.segments) {
      if (wall >= segment.wallFrom && wall < segment.wallTo) {
        return {
          instant: wall - segment.offset * MINUTE_MS,
          adjustment: 'none',
        };
      }
    }
    for (const t of this.transitionsBetween(wall - 2 * DAY_MS, wall + 2 * DAY_MS)) {
      const low = t.at + Math.min(t.before, t.after) * MINUTE_MS;
      const high = t.at + Math.max(t.before, t.after) * MINUTE_MS;
      if (wall >= low && wall < high) {
        return t.after > t.before
          ? { instant: t.at, adjustment: 'shifted-forward' }
          : {
              instant: wall - t.before * MINUTE_MS,
              adjustment: 'first-of-repeated',
            };
      }
    }
    // Unambiguous: the offset that maps the wall time back onto itself. Two rounds converge away from transitions.
    let offset = this.offsetAt(wall);
    for (let i = 0; i < 3; i++) {
      const next = this.offsetAt(wall - offset * MINUTE_MS);
      if (next === offset) break;
      offset = next;
    }
    return { instant: wall - offset * MINUTE_MS, adjustment: 'none' };
  }

  /** Transitions with `from <= at < to`, in order. */
  transitionsBetween(from: number, to: number): OffsetTransition[] {
    const result: OffsetTransition[] = [];
    if (!(to > from)) return result;
    for (let year = utcYear(from); year <= utcYear(to); year++) {
      for (const t of this.rulesForYear(year).transitions) if (t.at >= from && t.at < to) result.push(t);
    }
    return result;
  }

  /** The smallest offset (minutes) in force anywhere within `radius` ms of `ms`. */
  minOffsetAround(ms: number, radius: number): number {
    const segment = this.segmentAt(ms);
    if (ms - radius >= segment.from && ms + radius < segment.to) return segment.offset;
    let min = this.offsetAt(ms - radius);
    for (const t of this.transitionsBetween(ms - radius, ms + radius)) min = Math.min(min, t.after);
    return min;
  }

  private segmentAt(ms: number): Segment {
    const segments = this.segments;
    for (const segment of segments) if (ms >= segment.from && ms < segment.to) return segment;
    const segment = this.computeSegment(ms);
    if (segments.length >= SEGMENT_CACHE_SIZE) segments.pop();
    segments.unshift(segment);
    return segment;
  }

  /** The constant-offset stretch around `ms`, bounded by the neighbouring transitions or by the years looked at. */
  private computeSegment(ms: number): Segment {
    const year = utcYear(ms);
    let previous: OffsetTransition | undefined;
    let next: OffsetTransition | undefined;
    for (let y = year - 1; y <= year + 1; y++) {
      for (const t of this.rulesForYear(y).transitions) {
        if (t.at <= ms) previous = t;
        else if (!next) next = t;
      }
    }
    const before = this.rulesForYear(year - 1);
    const after = this.rulesForYear(year + 1);
    const from = previous?.at ?? before.start;
    const to = next?.at ?? after.end;
    const offset = previous?.after ?? before.startOffset;
    return {
      from,
      to,
      offset,
      wallFrom: from + (previous ? Math.max(previous.before, previous.after) : offset) * MINUTE_MS,
      wallTo: to + (next ? Math.min(next.before, next.after) : offset) * MINUTE_MS,
    };
  }

  private rulesForYear(year: number): YearRules {
    let rules = this.years.get(year);
    if (!rules) {
      rules = this.computeYear(year);
      this.years.set(year, rules);
    }
    return rules;
  }

  private computeYear(year: number): YearRules {
    const start = Date.UTC(year, 0, 1);
    const end = Date.UTC(year + 1, 0, 1);
    // Sampling starts just before the year so that a transition exactly at its first instant is found here.
    let previousAt = start - BISECT_PRECISION_MS;
    const startOffset = this.zone.offset(previousAt);
    const transitions: OffsetTransition[] = [];
    let previousOffset = startOffset;
    while (previousAt < end) {
      const at = Math.min(previousAt + SAMPLE_STEP_MS, end);
      const offset = this.zone.offset(at);
      if (offset !== previousOffset) transitions.push(this.locate(previousAt, previousOffset, at, offset));
      previousAt = at;
      previousOffset = offset;
    }
    // A transition exactly at `end` belongs to the next year.
    return {
      start,
      end,
      startOffset,
      transitions: transitions.filter((t) => t.at < end),
    };
  }

  /** Bisects (low, high] for the first instant with the new offset. */
  private locate(low: number, before: number, high: number, after: number): OffsetTransition {
    while (high - low > BISECT_PRECISION_MS) {
      const mid = low + Math.floor((high - low) / 2 / BISECT_PRECISION_MS) * BISECT_PRECISION_MS;
      if (this.zone.offset(mid) === before) low = mid;
      else high = mid;
    }
    return { at: high, before, after };
  }
}

function utcYear(ms: number): number {
  return new Date(ms).getUTCFullYear();
}

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}

/** `YYYY-MM-DD` of a wall-clock value. */
export function formatWallDate(wall: number): string {
  const d = new Date(wall);
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

/** `YYYY-MM-DDTHH:mm` of a wall-clock value. */
export function formatWallDateTime(wall: number): string {
  const d = new Date(wall);
  return `${formatWallDate(wall)}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

/** `±HH:MM` for an offset in minutes. */
export function formatOffset(offsetMinutes: number): string {
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** RFC 3339 local time with offset, e.g. `2026-03-29T03:00:00+02:00`. */
export function formatInZone(instant: number, rules: ZoneRules): string {
  const offset = rules.offsetAt(instant);
  const wall = instant + offset * MINUTE_MS;
  const d = new Date(wall);
  return `${formatWallDateTime(wall)}:${pad(d.getUTCSeconds())}${formatOffset(offset)}`;
}

const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for a real calendar date written `YYYY-MM-DD` (so `2026-02-30` is false). */
export function isLocalDate(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const match = LOCAL_DATE.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const d = new Date(Date.UTC(year, month - 1, day));
  return year >= 1 && d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
}
