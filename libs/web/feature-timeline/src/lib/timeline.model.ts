import type { CapacityContributionDto, CapacityDto, CapacityResource, CapacityResourceDto, ScheduleDto } from '@peak/api-client';
import { instantOfWallTime, offsetLabel, wallTimeAt } from '@peak/web/util';

/** How much time the page shows at once. */
export type TimelineScale = 'week' | 'month';
export const TIMELINE_SCALES: readonly TimelineScale[] = ['week', 'month'];

/** One calendar day of the range in the shown zone; a DST change makes it 23 or 25 hours long. */
export interface TimelineDay {
  /** `YYYY-MM-DD` in the shown zone. */
  readonly date: string;
  readonly start: number;
  readonly end: number;
  /** Set when the zone's offset changes during the day, e.g. `GMT+1 → GMT+2`. */
  readonly dstChange: string | null;
}

export interface TimelineRange {
  readonly scale: TimelineScale;
  readonly zone: string;
  readonly from: number;
  readonly to: number;
  readonly days: readonly TimelineDay[];
}

/** A calendar date as `YYYY-MM-DD`, with no zone: days are counted on it in UTC arithmetic. */
function parseDate(date: string): { year: number; month: number; day: number } {
  const [year = 1970, month = 1, day = 1] = date.split('-').map(Number);
  return { year, month, day };
}

function formatDate(utcMs: number): string {
  return new Date(utcMs).toISOString().slice(0, 10);
}

/** `date` plus `days` calendar days. */
export function addDays(date: string, days: number): string {
  const { year, month, day } = parseDate(date);
  return formatDate(Date.UTC(year, month - 1, day + days));
}

/** Today's date as read on a clock in `zone`. */
export function todayIn(zone: string, now: Date): string {
  const w = wallTimeAt(now, zone);
  return formatDate(Date.UTC(w.year, w.month - 1, w.day));
}

/** The first day of the week (Monday) or month that holds `date`. */
export function rangeStart(scale: TimelineScale, date: string): string {
  const { year, month, day } = parseDate(date);
  if (scale === 'month') return formatDate(Date.UTC(year, month - 1, 1));
  const weekday = (new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 6) % 7;
  return addDays(date, -weekday);
}

/** The week or month before (`-1`) or after (`1`) the one that holds `date`. */
export function shiftRange(scale: TimelineScale, date: string, direction: -1 | 1): string {
  const start = rangeStart(scale, date);
  if (scale === 'week') return addDays(start, 7 * direction);
  const { year, month } = parseDate(start);
  return formatDate(Date.UTC(year, month - 1 + direction, 1));
}

function midnight(date: string, zone: string): number {
  const { year, month, day } = parseDate(date);
  return instantOfWallTime({ year, month, day, hour: 0, minute: 0 }, zone).getTime();
}

/** The days of the week or month holding `date`, each from its midnight to the next in `zone`. */
export function timelineRange(scale: TimelineScale, date: string, zone: string): TimelineRange {
  const first = rangeStart(scale, date);
  const next = shiftRange(scale, first, 1);
  const days: TimelineDay[] = [];
  for (let day = first; day < next; day = addDays(day, 1)) {
    const start = midnight(day, zone);
    const end = midnight(addDays(day, 1), zone);
    const before = offsetLabel(new Date(start), zone);
    const after = offsetLabel(new Date(end - 1), zone);
    days.push({ date: day, start, end, dstChange: before === after ? null : `${before} → ${after}` });
  }
  return { scale, zone, from: days[0]?.start ?? 0, to: days[days.length - 1]?.end ?? 0, days };
}

/** Where an interval sits on the range, in percent of its width (cut to the range). */
export interface Placement {
  readonly left: number;
  readonly width: number;
}

export function place(range: Pick<TimelineRange, 'from' | 'to'>, from: number, to: number): Placement | null {
  const start = Math.max(from, range.from);
  const end = Math.min(to, range.to);
  if (end <= start) return null;
  const span = range.to - range.from;
  return { left: ((start - range.from) / span) * 100, width: ((end - start) / span) * 100 };
}

/** One window of a schedule on the Gantt rows. */
export interface TimelineBar extends Placement {
  readonly contribution: CapacityContributionDto;
}

/** A date a schedule skips (`excludedDates`, a day in the schedule's zone), shown as a gap in its row. */
export interface TimelineGap extends Placement {
  readonly date: string;
}

export interface TimelineRow {
  readonly scheduleId: string;
  readonly name: string;
  readonly enabled: boolean | null;
  readonly timeZone: string | null;
  readonly bars: readonly TimelineBar[];
  readonly gaps: readonly TimelineGap[];
}

/**
 * A row per schedule: the windows the capacity overview counts (enabled schedules), and the excluded dates of every
 * listed schedule. A schedule with windows in the range but missing from the list (more than a page of schedules)
 * still gets its row, named as the overview names it.
 */
export function timelineRows(capacity: CapacityDto, schedules: readonly ScheduleDto[], range: TimelineRange): TimelineRow[] {
  const rows = new Map<string, { name: string; schedule: ScheduleDto | null; contributions: CapacityContributionDto[] }>();
  for (const schedule of schedules) rows.set(schedule.id, { name: schedule.name, schedule, contributions: [] });
  for (const contribution of capacity.contributions) {
    const row = rows.get(contribution.schedule.id) ?? { name: contribution.schedule.name, schedule: null, contributions: [] };
    row.contributions.push(contribution);
    rows.set(contribution.schedule.id, row);
  }
  return [...rows.entries()]
    .map(([scheduleId, row]) => ({
      scheduleId,
      name: row.name,
      enabled: row.schedule?.enabled ?? null,
      timeZone: row.schedule?.timeZone ?? null,
      bars: row.contributions.flatMap((contribution) => {
        const placement = place(range, Date.parse(contribution.from), Date.parse(contribution.to));
        return placement ? [{ ...placement, contribution }] : [];
      }),
      gaps: row.schedule ? excludedGaps(row.schedule, range) : [],
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

function excludedGaps(schedule: ScheduleDto, range: TimelineRange): TimelineGap[] {
  const window = schedule.window;
  if (window.type !== 'recurring') return [];
  return (window.excludedDates ?? []).flatMap((date) => {
    const placement = place(range, midnight(date, schedule.timeZone), midnight(addDays(date, 1), schedule.timeZone));
    return placement ? [{ ...placement, date }] : [];
  });
}

/** An interval where the windows need more than the quota leaves, of one or more resources. */
export interface ConflictMark extends Placement {
  readonly from: string;
  readonly to: string;
  readonly conflicts: CapacityDto['conflicts'];
}

/** The conflicts of every resource on the rows' axis; those of the same interval share one mark. */
export function conflictMarks(capacity: CapacityDto, range: Pick<TimelineRange, 'from' | 'to'>): ConflictMark[] {
  const marks = new Map<string, { from: string; to: string; conflicts: CapacityDto['conflicts'][number][] }>();
  for (const conflict of capacity.conflicts) {
    const key = `${conflict.from}/${conflict.to}`;
    const mark = marks.get(key) ?? { from: conflict.from, to: conflict.to, conflicts: [] };
    mark.conflicts.push(conflict);
    marks.set(key, mark);
  }
  return [...marks.values()].flatMap((mark) => {
    const placement = place(range, Date.parse(mark.from), Date.parse(mark.to));
    return placement ? [{ ...placement, ...mark }] : [];
  });
}

/** A point of a step series: from `x` on, the value is `y` (null breaks the line). */
export interface StepPoint {
  readonly x: number;
  readonly y: number | null;
}

export interface DemandSeries {
  readonly scheduleId: string;
  readonly name: string;
  readonly points: readonly StepPoint[];
}

export interface DemandChart {
  readonly resource: CapacityResource;
  /** One stacked series per schedule with a window in the range. */
  readonly series: readonly DemandSeries[];
  /** What the schedules may use (limit less others' usage); null when unlimited or unknown. */
  readonly available: number | null;
  readonly limit: number | null;
  readonly usageNotOurs: number | null;
  /** The intervals above the quota line, as a series that is null outside them. */
  readonly overQuota: readonly StepPoint[];
  readonly conflicts: CapacityDto['conflicts'];
  /** The demand's total per step, for the text alternative. */
  readonly totals: readonly { readonly from: number; readonly to: number; readonly value: number }[];
}

/** The stacked demand of one resource per schedule, with the quota line and the conflicts, over the range. */
export function demandChart(capacity: CapacityDto, resource: CapacityResource, range: Pick<TimelineRange, 'from' | 'to'>): DemandChart {
  const quota: CapacityResourceDto | undefined = capacity.resources.find((r) => r.resource === resource);
  const inRange = capacity.contributions.filter((c) => Date.parse(c.to) > range.from && Date.parse(c.from) < range.to);
  const cut = (t: number) => Math.min(Math.max(t, range.from), range.to);
  const breaks = [...new Set([range.from, range.to, ...inRange.flatMap((c) => [cut(Date.parse(c.from)), cut(Date.parse(c.to))])])].sort(
    (a, b) => a - b,
  );
  const valueAt = (contributions: readonly CapacityContributionDto[], t: number) =>
    contributions.filter((c) => Date.parse(c.from) <= t && t < Date.parse(c.to)).reduce((sum, c) => sum + c[resource], 0);

  const bySchedule = new Map<string, { name: string; contributions: CapacityContributionDto[] }>();
  for (const c of inRange) {
    const entry = bySchedule.get(c.schedule.id) ?? { name: c.schedule.name, contributions: [] };
    entry.contributions.push(c);
    bySchedule.set(c.schedule.id, entry);
  }
  const series = [...bySchedule.entries()]
    .map(([scheduleId, { name, contributions }]) => ({
      scheduleId,
      name,
      points: breaks.map((x) => ({ x, y: valueAt(contributions, x) })),
    }))
    .sort((a, b) => a.name.localeCompare(b.name));

  const conflicts = capacity.conflicts.filter(
    (c) => c.resource === resource && Date.parse(c.to) > range.from && Date.parse(c.from) < range.to,
  );
  const overQuota = conflicts.flatMap((c) => [
    { x: cut(Date.parse(c.from)), y: c.needed },
    { x: cut(Date.parse(c.to)), y: c.needed },
    { x: cut(Date.parse(c.to)), y: null },
  ]);
  const totals = breaks.slice(0, -1).map((from, i) => ({ from, to: breaks[i + 1] ?? range.to, value: valueAt(inRange, from) }));
  return {
    resource,
    series,
    available: quota?.available ?? null,
    limit: quota?.limit ?? null,
    usageNotOurs: quota?.usageNotOurs ?? null,
    overQuota,
    conflicts,
    totals: mergeEqual(totals),
  };
}

function mergeEqual<T extends { from: number; to: number; value: number }>(steps: readonly T[]): T[] {
  const merged: T[] = [];
  for (const step of steps) {
    const last = merged[merged.length - 1];
    if (last && last.value === step.value && last.to === step.from) merged[merged.length - 1] = { ...last, to: step.to };
    else merged.push(step);
  }
  return merged;
}

/** Colours of the schedules, in row order; they repeat past eight schedules (the names and the table tell them apart). */
export const SCHEDULE_PALETTE = ['#3f6fd8', '#2a9d8f', '#e9a23b', '#8e5bd0', '#d05b8e', '#5b9bd0', '#7a9a3a', '#b0703c'] as const;

/** Each row's colour, shared by its windows on the rows and its area in the chart. */
export function scheduleColours(rows: readonly Pick<TimelineRow, 'scheduleId'>[]): Readonly<Record<string, string>> {
  return Object.fromEntries(rows.map((row, i) => [row.scheduleId, SCHEDULE_PALETTE[i % SCHEDULE_PALETTE.length] ?? SCHEDULE_PALETTE[0]]));
}

/** How a resource is named and counted on the page. */
export const RESOURCE_LABELS: Readonly<Record<CapacityResource, { readonly label: string; readonly noun: string; readonly unit: string }>> =
  {
    instances: { label: 'Instances', noun: 'instances', unit: 'VMs' },
    vcpus: { label: 'vCPUs', noun: 'vCPUs', unit: 'vCPUs' },
    ramMb: { label: 'RAM', noun: 'RAM', unit: 'MB' },
    volumeGb: { label: 'Boot volumes', noun: 'boot volume GiB', unit: 'GiB' },
  };
