import {
  CapacityResource,
  OnceWindowDto,
  RecurringWindowDto,
  RunState,
  ScheduleDto,
  ScheduleState,
  ShortfallReason,
} from '@peak/api-client';
import { describeCron, formatInZone, formatTimeInZone, offsetLabel, wallTimeAt } from '@peak/web/util';

/**
 * Every derived state the API gives a schedule (its `ScheduleState`), roughly in the order of a schedule's life.
 * Written as a record so the compiler says when the API gains or loses one.
 */
export const SCHEDULE_STATES = Object.keys({
  idle: 0,
  upcoming: 0,
  provisioning: 0,
  active: 0,
  degraded: 0,
  'tearing-down': 0,
  failed: 0,
  disabled: 0,
  deleting: 0,
} satisfies Record<ScheduleState, 0>) as readonly ScheduleState[];

/** States in which the schedule has (or is creating or deleting) VMs in the cloud. */
export const STATES_WITH_VMS: readonly ScheduleState[] = ['provisioning', 'active', 'degraded', 'tearing-down', 'deleting'];

/** Run states in which the engine still works on the run (the API's live states; the others are final). */
export const LIVE_RUN_STATES: readonly RunState[] = Object.entries({
  pending: true,
  provisioning: true,
  active: true,
  degraded: true,
  'tearing-down': true,
  completed: false,
  partial: false,
  failed: false,
  missed: false,
  stopped: false,
} satisfies Record<RunState, boolean>)
  .filter(([, live]) => live)
  .map(([state]) => state as RunState);

/** Why a run is short, in words. */
export const SHORTFALL_TEXT: Readonly<Record<ShortfallReason, string>> = {
  quota: 'quota',
  cloud_error: 'cloud error',
  attempts_exhausted: 'create attempts used up',
  window_ended: 'window ended first',
};

/** A quota resource in words, with the unit its amounts are in. */
export const CAPACITY_RESOURCE_TEXT: Readonly<Record<CapacityResource, { readonly name: string; readonly unit: string }>> = {
  instances: { name: 'VMs', unit: '' },
  vcpus: { name: 'vCPUs', unit: '' },
  ramMb: { name: 'RAM', unit: ' MB' },
  volumeGb: { name: 'Boot volumes', unit: ' GiB' },
};

/**
 * A run below its count, in one line: `Degraded: quota, 3 of 5` while live, `Partial: quota, 3 of 5` once
 * ended (`active`: VMs up now, or that were up at some point for an ended run). Null when it is not short
 * for a recorded reason.
 */
export function shortfallText(
  run: { readonly state: RunState; readonly shortfallReason: ShortfallReason | null; readonly desiredCount: number },
  active: number,
): string | null {
  if (!run.shortfallReason || run.state === 'completed' || run.state === 'active') return null;
  const state = run.state.charAt(0).toUpperCase() + run.state.slice(1).replace(/-/g, ' ');
  return `${state}: ${SHORTFALL_TEXT[run.shortfallReason]}, ${active} of ${run.desiredCount}`;
}

/** 90 → `1 h 30 min`, 1440 → `1 day`. */
export function formatMinutes(minutes: number): string {
  if (minutes === 0) return '0 min';
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const mins = minutes % 60;
  return [days ? `${days} day${days > 1 ? 's' : ''}` : '', hours ? `${hours} h` : '', mins ? `${mins} min` : ''].filter(Boolean).join(' ');
}

/** Nova RAM in MiB as a short size: 512 → `512 MB`, 4096 → `4 GB`. */
export function formatMiBShort(mib: number): string {
  return mib >= 1024 && mib % 1024 === 0 ? `${mib / 1024} GB` : mib >= 1024 ? `${(mib / 1024).toFixed(1)} GB` : `${mib} MB`;
}

export function isOnce(window: OnceWindowDto | RecurringWindowDto): window is OnceWindowDto {
  return window.type === 'once';
}

/**
 * When a schedule's windows are, in its own zone: `Once: Thu, 24 Dec 2026, 08:00 – 20:00` or
 * `Every weekday at 08:00, for 2 h`.
 */
export function describeWindow(schedule: Pick<ScheduleDto, 'window' | 'timeZone'>, locale?: string): string {
  const { window, timeZone } = schedule;
  if (isOnce(window)) {
    const start = wallTimeAt(new Date(window.startAt), timeZone);
    const finish = wallTimeAt(new Date(window.endAt), timeZone);
    const sameDay = start.year === finish.year && start.month === finish.month && start.day === finish.day;
    const end = sameDay ? formatTimeInZone(window.endAt, timeZone, locale) : formatInZone(window.endAt, timeZone, locale);
    return `Once: ${formatInZone(window.startAt, timeZone, locale)} – ${end}`;
  }
  return `${describeCron(window.cron)}, for ${formatMinutes(window.durationMinutes)}`;
}

/** A run's window in a zone: `Tue, 1 Dec 2026, 08:00 – 10:00 GMT+1`. */
export function runWindowText(run: { readonly windowStart: string; readonly windowEnd: string }, timeZone: string): string {
  return `${formatInZone(run.windowStart, timeZone)} – ${formatTimeInZone(run.windowEnd, timeZone)} ${offsetLabel(run.windowStart, timeZone)}`;
}

/** How late provisioning began: `On time` under a second, else `2 min 5 s late`; null before it began. */
export function latenessText(seconds: number | null): string | null {
  if (seconds === null) return null;
  const whole = Math.round(seconds);
  if (whole < 1) return 'On time';
  const hours = Math.floor(whole / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  const secs = whole % 60;
  return `${[hours ? `${hours} h` : '', minutes ? `${minutes} min` : '', secs ? `${secs} s` : ''].filter(Boolean).join(' ')} late`;
}
