import { CompiledSchedule, ScheduleTiming } from './schedule-timing';

/** The quota resources a window uses: VMs, their vCPUs and their RAM (Nova), and their boot volumes' GiB (Cinder). */
export const CAPACITY_RESOURCES = ['instances', 'vcpus', 'ramMb', 'volumeGb'] as const;
export type CapacityResource = (typeof CAPACITY_RESOURCES)[number];

/** An amount of each resource. */
export type ResourceAmounts = Readonly<Record<CapacityResource, number>>;

/** What a schedule asks for: its timing, and per window `instanceCount` VMs of a flavor with `vcpus` and `ramMb`. */
export interface DemandSchedule {
  readonly id: string;
  readonly name: string;
  /** A disabled schedule has no demand. */
  readonly enabled: boolean;
  readonly timing: ScheduleTiming;
  readonly instanceCount: number;
  /** The flavor's vCPUs, per VM. */
  readonly vcpus: number;
  /** The flavor's RAM in MB (Nova's MiB), per VM. */
  readonly ramMb: number;
  /** The GiB of the volume each VM boots from (Cinder's `gigabytes`); 0 or left out for VMs on the flavor's disk. */
  readonly volumeGb?: number;
}

/** From `at` on (until the next step, or the end of the range) the demand is `value`. */
export interface DemandStep {
  readonly at: Date;
  readonly value: number;
}

/** One window's share of the demand: `[from, to)` is its provisioning range `[start - lead time, end)` cut to the range asked. */
export interface DemandContribution {
  readonly scheduleId: string;
  readonly from: Date;
  readonly to: Date;
  readonly demand: ResourceAmounts;
}

/** The planned demand over `[from, to)`: a step function per resource, and the windows that make it up. */
export interface DemandSeries {
  readonly from: Date;
  readonly to: Date;
  /** Per resource, the first step is at `from`; a step is listed only where the value changes. */
  readonly steps: Readonly<Record<CapacityResource, readonly DemandStep[]>>;
  /** Every window of every enabled schedule that overlaps the range, ordered by `from`. */
  readonly contributions: readonly DemandContribution[];
  /** The schedules the demand was computed from, by id (names for the conflicts). */
  readonly schedules: ReadonlyMap<string, DemandSchedule>;
}

/** An interval in which a resource's demand exceeds what is available. */
export interface CapacityConflict {
  readonly from: Date;
  readonly to: Date;
  readonly resource: CapacityResource;
  readonly needed: number;
  readonly available: number;
  /** The schedules with a window in the interval, in the order their first such window starts. */
  readonly schedules: readonly { readonly id: string; readonly name: string }[];
}

/** What is available per resource; null (or left out) for no limit. */
export type Availability = Partial<Record<CapacityResource, number | null>>;

/** Safety net: a dense schedule over a long range (every minute for 92 days is 132,480 windows) stays bounded. */
const MAX_WINDOWS_PER_SCHEDULE = 200_000;

/**
 * The demand of the enabled schedules over `[from, to)`. A window occupies its VMs from its provisioning start
 * (start minus lead time) to its end, as the engine creates them; the windows come from `CompiledSchedule`, so time
 * zones, DST, excluded dates and one-off windows count as the engine sees them.
 */
export function demandOver(schedules: readonly DemandSchedule[], from: Date, to: Date): DemandSeries {
  const start = from.getTime();
  const end = to.getTime();
  const contributions: DemandContribution[] = [];
  for (const schedule of schedules) {
    if (!schedule.enabled || schedule.instanceCount <= 0 || end <= start) continue;
    const demand: ResourceAmounts = {
      instances: schedule.instanceCount,
      vcpus: schedule.instanceCount * schedule.vcpus,
      ramMb: schedule.instanceCount * schedule.ramMb,
      volumeGb: schedule.instanceCount * (schedule.volumeGb ?? 0),
    };
    const compiled = new CompiledSchedule(schedule.timing);
    // nextWindow gives the first window not ended at `from`; its provisioning may have begun before.
    let window = compiled.nextWindow(from);
    for (let n = 0; window && window.provisionAt.getTime() < end; n++) {
      if (n >= MAX_WINDOWS_PER_SCHEDULE)
        throw new Error(`Schedule ${schedule.id} has too many windows between ${from.toISOString()} and ${to.toISOString()}`);
      const occupiedFrom = Math.max(window.provisionAt.getTime(), start);
      const occupiedTo = Math.min(window.end.getTime(), end);
      if (occupiedTo > occupiedFrom)
        contributions.push({ scheduleId: schedule.id, from: new Date(occupiedFrom), to: new Date(occupiedTo), demand });
      window = compiled.windowStartingAfter(window.start);
    }
  }
  contributions.sort((a, b) => a.from.getTime() - b.from.getTime() || a.scheduleId.localeCompare(b.scheduleId));

  // Sweep over the change points: +demand where a window begins, -demand where it ends.
  const deltas = new Map<number, number[]>();
  const add = (at: number, sign: 1 | -1, demand: ResourceAmounts) => {
    const delta = deltas.get(at) ?? CAPACITY_RESOURCES.map(() => 0);
    CAPACITY_RESOURCES.forEach((resource, i) => (delta[i] += sign * demand[resource]));
    deltas.set(at, delta);
  };
  for (const c of contributions) {
    add(c.from.getTime(), 1, c.demand);
    add(c.to.getTime(), -1, c.demand);
  }
  const steps: Record<CapacityResource, DemandStep[]> = { instances: [], vcpus: [], ramMb: [], volumeGb: [] };
  if (end > start) {
    const level = CAPACITY_RESOURCES.map(() => 0);
    const points = [...new Set([start, ...deltas.keys()])].filter((at) => at < end).sort((a, b) => a - b);
    for (const at of points) {
      const delta = deltas.get(at);
      if (delta) delta.forEach((d, i) => (level[i] += d));
      CAPACITY_RESOURCES.forEach((resource, i) => {
        const series = steps[resource];
        const last = series[series.length - 1];
        if (!last || last.value !== level[i]) series.push({ at: new Date(at), value: level[i] });
      });
    }
  }
  return { from, to, steps, contributions, schedules: new Map(schedules.map((s) => [s.id, s])) };
}

/**
 * The intervals in which the demand of a resource exceeds what is available, one per step of the series (the
 * demand is constant in each), with the schedules whose windows make it up. Adjacent steps that both exceed stay
 * separate intervals, so each reports its exact `needed`.
 */
export function findConflicts(series: DemandSeries, available: Availability): CapacityConflict[] {
  const conflicts: CapacityConflict[] = [];
  for (const resource of CAPACITY_RESOURCES) {
    const limit = available[resource];
    if (limit === null || limit === undefined) continue;
    const steps = series.steps[resource];
    steps.forEach((step, i) => {
      if (step.value <= limit) return;
      const from = step.at.getTime();
      const to = (steps[i + 1]?.at ?? series.to).getTime();
      const ids: string[] = [];
      for (const c of series.contributions) {
        if (c.from.getTime() < to && c.to.getTime() > from && c.demand[resource] > 0 && !ids.includes(c.scheduleId)) ids.push(c.scheduleId);
      }
      conflicts.push({
        from: new Date(from),
        to: new Date(to),
        resource,
        needed: step.value,
        available: limit,
        schedules: ids.map((id) => ({ id, name: series.schedules.get(id)?.name ?? id })),
      });
    });
  }
  return conflicts.sort(
    (a, b) => a.from.getTime() - b.from.getTime() || CAPACITY_RESOURCES.indexOf(a.resource) - CAPACITY_RESOURCES.indexOf(b.resource),
  );
}
