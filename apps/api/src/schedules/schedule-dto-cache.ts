import { CompiledSchedule, Occurrence } from '@peak/schedule-domain';
import type { ScheduleDto } from './dto/schedule.dto';
import type { ScheduleEntity } from './entities/schedule.entity';
import { compileSchedule, LatestRun, mapSchedule } from './schedule.mappers';
import type { ScheduleView, ViewStamp } from './schedules.repository';

interface Entry {
  readonly version: number;
  readonly compiled: CompiledSchedule;
  /** The last answer, valid for `signature` (state and latest run) while from <= now < until. */
  answer?: { readonly signature: string; readonly from: number; readonly until: number; readonly dto: ScheduleDto };
}

/**
 * Schedule responses recently built, so that a list served hundreds of times a second does not recompile,
 * re-describe and re-format the same schedules on every request. An answer is reused for one schedule
 * version, one derived state and one latest run, from when it was built until its next window ends (after
 * which the next window changes). Bounded: the least recently used schedules are dropped first.
 */
export class ScheduleDtoCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly limit = 20_000) {}

  /** The response for a full view, reused when still valid, else built (and kept). */
  get(view: ScheduleView, now: Date): ScheduleDto {
    const cached = this.lookup({ id: view.schedule.id, version: view.schedule.version, state: view.state, latestRun: view.latestRun }, now);
    if (cached) return cached;
    const entry = this.entry(view);
    const next = nextOccurrence(entry.compiled, view.latestRun, now);
    const keptUntil = vmsKeptUntil(view.schedule, now);
    const dto = mapSchedule(view.schedule, { state: view.state, latestRun: view.latestRun, nextOccurrence: next, vmsKeptUntil: keptUntil });
    // Valid until the next window ends, or the kept one (which the answer names) does.
    const until = Math.min(
      next ? next.end.getTime() : Number.POSITIVE_INFINITY,
      keptUntil ? keptUntil.getTime() : Number.POSITIVE_INFINITY,
    );
    entry.answer = { signature: signatureOf(view), from: now.getTime(), until, dto };
    return dto;
  }

  /** The kept response for a schedule in this version, state and latest run, if still valid at `now`. */
  lookup(stamp: ViewStamp, now: Date): ScheduleDto | undefined {
    const entry = this.entries.get(stamp.id);
    const answer = entry?.answer;
    const t = now.getTime();
    if (
      !entry ||
      !answer ||
      entry.version !== stamp.version ||
      answer.signature !== signatureOf(stamp) ||
      t < answer.from ||
      t >= answer.until
    )
      return undefined;
    // Most recently used last, so that the oldest is the first to go.
    this.entries.delete(stamp.id);
    this.entries.set(stamp.id, entry);
    return answer.dto;
  }

  private entry(view: ScheduleView): Entry {
    const { id, version } = view.schedule;
    let entry = this.entries.get(id);
    this.entries.delete(id);
    if (!entry || entry.version !== version) entry = { version, compiled: compileSchedule(view.schedule) };
    this.entries.set(id, entry);
    if (this.entries.size > this.limit) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    return entry;
  }
}

function signatureOf({ state, latestRun: run }: Pick<ViewStamp, 'state' | 'latestRun'>): string {
  return `${state}|${run ? `${run.id}|${run.state}|${run.shortfallReason ?? ''}|${run.activeCount}|${run.desiredCount}` : ''}`;
}

/** Until when a schedule disabled "after this window" keeps that window's VMs; null when it keeps none now. */
export function vmsKeptUntil(schedule: Pick<ScheduleEntity, 'enabled' | 'keptWindowEnd'>, now: Date): Date | null {
  return !schedule.enabled && schedule.keptWindowEnd && schedule.keptWindowEnd > now ? schedule.keptWindowEnd : null;
}

/** The next window the engine has not started: the first not ended, or the one after it when the latest run took it. */
export function nextOccurrence(compiled: CompiledSchedule, latestRun: LatestRun | null, now: Date): Occurrence | null {
  const first = compiled.occurrences(now, 1).find((o) => o.status === 'scheduled') ?? null;
  if (!first || !latestRun || latestRun.state === 'pending' || latestRun.windowStart.getTime() < first.start.getTime()) return first;
  const duration = first.end.getTime() - first.start.getTime();
  return compiled.occurrences(new Date(latestRun.windowStart.getTime() + duration), 1).find((o) => o.status === 'scheduled') ?? null;
}
