import { CreateScheduleDto, PreviewScheduleDto, ScheduleDto } from '@peak/api-client';
import { cronForPreset, instantOfWallTime, presetOfCron, RecurrencePreset, WallTime, wallTimeAt } from '@peak/web/util';
import { formatMinutes, isOnce } from '../shared/schedule-text';
import {
  emptyLaunchValue,
  LaunchFormField,
  LaunchFormValue,
  launchFieldOf,
  launchOf,
  launchValueOf,
  ServerGroupMode,
} from './launch-form.model';
import { scheduleLimits } from './schedule-limits';

export type WindowKind = 'once' | 'recurring';

/** Everything the form holds; dates and times are browser `Date`s read as wall-clock values in `timeZone`. */
export interface ScheduleFormValue {
  name: string;
  description: string;
  imageId: string | null;
  flavorId: string | null;
  networkIds: string[];
  instanceCount: number | null;
  timeZone: string | null;
  kind: WindowKind;
  /** One-off: the start's calendar date and time of day, in `timeZone`. */
  startDate: Date | null;
  startTime: Date | null;
  /** Recurring: a preset with its time (and weekday), or a raw cron expression. */
  preset: RecurrencePreset;
  presetTime: Date | null;
  weekday: number;
  cron: string;
  excludedDates: string[];
  /**
   * Recurring: the range in which windows may start (RFC 3339 instants, set through the API or the CLI). The form has
   * no field for them: it shows them and sends them back as they were, so saving never drops them.
   */
  validFrom: string | null;
  validUntil: string | null;
  durationMinutes: number | null;
  leadTimeMinutes: number | null;
  enabled: boolean;
  /** The advanced launch options (key pair, security groups, user data...). */
  launch: LaunchFormValue;
}

export type ScheduleFormField = keyof ScheduleFormValue;
/** A control of the form: a top-level one, or one of the launch options. */
export type ScheduleFormPath = Exclude<ScheduleFormField, 'launch'> | `launch.${LaunchFormField}`;

/**
 * A new schedule's starting point: tomorrow-ish defaults a person only has to adjust. Where the API has a
 * default (lead time, enabled) the form starts from it; the count starts at the least the API accepts.
 */
export function emptyFormValue(timeZone: string, now = new Date()): ScheduleFormValue {
  const at8 = timeOfDay(8, 0);
  const tomorrow = new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1);
  return {
    name: '',
    description: '',
    imageId: null,
    flavorId: null,
    networkIds: [],
    instanceCount: scheduleLimits.instanceCount.minimum,
    timeZone,
    kind: 'recurring',
    startDate: tomorrow,
    startTime: at8,
    preset: 'weekdays',
    presetTime: at8,
    weekday: 1,
    cron: cronForPreset({ preset: 'weekdays', hour: 8, minute: 0 }),
    excludedDates: [],
    validFrom: null,
    validUntil: null,
    durationMinutes: 120,
    leadTimeMinutes: scheduleLimits.leadTimeMinutes.default,
    enabled: scheduleLimits.enabled.default,
    launch: emptyLaunchValue(),
  };
}

/** An existing schedule, as the form shows it (its instants read in its own zone). */
export function formValueOf(schedule: ScheduleDto): ScheduleFormValue {
  const base = emptyFormValue(schedule.timeZone);
  const common = {
    ...base,
    name: schedule.name,
    description: schedule.description,
    imageId: schedule.imageId,
    flavorId: schedule.flavorId,
    networkIds: [...schedule.networkIds],
    instanceCount: schedule.instanceCount,
    timeZone: schedule.timeZone,
    leadTimeMinutes: schedule.leadTimeMinutes,
    enabled: schedule.enabled,
    launch: launchValueOf(schedule.launch ?? {}),
  };
  const window = schedule.window;
  if (isOnce(window)) {
    const start = wallTimeAt(new Date(window.startAt), schedule.timeZone);
    return {
      ...common,
      kind: 'once',
      startDate: new Date(start.year, start.month - 1, start.day),
      startTime: timeOfDay(start.hour, start.minute),
      durationMinutes: Math.round((Date.parse(window.endAt) - Date.parse(window.startAt)) / 60_000),
    };
  }
  const preset = presetOfCron(window.cron);
  return {
    ...common,
    kind: 'recurring',
    preset: preset?.preset ?? 'custom',
    presetTime: preset ? timeOfDay(preset.hour, preset.minute) : base.presetTime,
    weekday: preset?.weekday ?? 1,
    cron: window.cron,
    excludedDates: [...(window.excludedDates ?? [])],
    validFrom: window.validFrom ?? null,
    validUntil: window.validUntil ?? null,
    durationMinutes: window.durationMinutes,
  };
}

/** The cron expression a preset choice stands for; `null` for `custom` (the raw field is the truth). */
export function presetCron(value: Pick<ScheduleFormValue, 'preset' | 'presetTime' | 'weekday'>): string | null {
  if (value.preset === 'custom' || !isValidDate(value.presetTime)) return null;
  return cronForPreset({
    preset: value.preset,
    hour: value.presetTime.getHours(),
    minute: value.presetTime.getMinutes(),
    weekday: value.weekday,
  });
}

/** A date a picker holds: not `null`, and not the invalid date a mistyped entry (`25:99`) leaves. */
export function isValidDate(value: Date | null | undefined): value is Date {
  return value instanceof Date && !Number.isNaN(value.getTime());
}

const CRON_FIELD = /^[0-9A-Za-z*?,/#+-]+$/;

/**
 * What is wrong with the shape of a cron expression (not 5 fields, or characters no cron field has), or `null`.
 * The ranges and names are the API's to check: the preview asks it as the expression is typed.
 */
export function cronShapeProblem(cron: string): string | null {
  const fields = cron
    .trim()
    .split(/\s+/)
    .filter((f) => f !== '');
  if (fields.length !== 5) return `Needs 5 fields (minute hour day-of-month month day-of-week), not ${fields.length}`;
  const odd = fields.find((f) => !CRON_FIELD.test(f));
  return odd === undefined ? null : `“${odd}” is not a cron field`;
}

/**
 * The timing part of the request, and the launch options when some are set (the preview checks them too): what the
 * preview needs. `null` while the timing is incomplete. `saved`: the schedule an edit changes (see `keptStart`).
 */
export function timingOf(value: ScheduleFormValue, saved?: ScheduleDto): PreviewScheduleDto | null {
  const { timeZone, durationMinutes, leadTimeMinutes } = value;
  if (!timeZone || durationMinutes === null || leadTimeMinutes === null) return null;
  const launch = launchOf(value.launch);
  const withLaunch = Object.keys(launch).length > 0 ? { launch } : {};
  if (value.kind === 'once') {
    if (!isValidDate(value.startDate) || !isValidDate(value.startTime)) return null;
    const wall: WallTime = {
      year: value.startDate.getFullYear(),
      month: value.startDate.getMonth() + 1,
      day: value.startDate.getDate(),
      hour: value.startTime.getHours(),
      minute: value.startTime.getMinutes(),
    };
    const start = keptStart(instantOfWallTime(wall, timeZone), saved);
    const end = new Date(start.getTime() + durationMinutes * 60_000);
    return {
      timeZone,
      leadTimeMinutes,
      window: { type: 'once', startAt: start.toISOString(), endAt: end.toISOString() },
      ...withLaunch,
    };
  }
  const cron = value.cron.trim();
  if (!cron || cronShapeProblem(cron) !== null) return null;
  return {
    timeZone,
    leadTimeMinutes,
    window: {
      type: 'recurring',
      cron,
      durationMinutes,
      excludedDates: [...value.excludedDates],
      ...(value.validFrom ? { validFrom: value.validFrom } : {}),
      ...(value.validUntil ? { validUntil: value.validUntil } : {}),
    },
    ...withLaunch,
  };
}

/**
 * The form edits a one-off start to the minute. A saved start with seconds (made through the API) that the form leaves
 * on its minute stays the saved instant: a window under way then stays the same window, whose end may move.
 */
function keptStart(start: Date, saved: ScheduleDto | undefined): Date {
  if (!saved || !isOnce(saved.window)) return start;
  const savedStart = Date.parse(saved.window.startAt);
  return Math.floor(savedStart / 60_000) * 60_000 === start.getTime() ? new Date(savedStart) : start;
}

/**
 * The preview request: the timing, and once a flavor and a valid VM count are chosen, what the API needs to check the
 * schedule against the project's quota. An edit names the saved schedule: the check then leaves it out, and a one-off
 * window under way is judged as saving it would be (its start may be past).
 */
export function previewOf(value: ScheduleFormValue, saved?: ScheduleDto): PreviewScheduleDto | null {
  const found = timingOf(value, saved);
  if (!found) return null;
  const timing = saved ? { ...found, scheduleId: saved.id } : found;
  const count = value.instanceCount;
  const countValid =
    count !== null &&
    Number.isInteger(count) &&
    count >= scheduleLimits.instanceCount.minimum &&
    count <= scheduleLimits.instanceCount.maximum;
  if (!value.flavorId || !countValid) return timing;
  return { ...timing, flavorId: value.flavorId, instanceCount: count, enabled: value.enabled };
}

/** What the form says next to a one-off start: how long until it, and whether provisioning would begin in the past. */
export interface OneOffNotes {
  readonly hint: string;
  readonly warning: string | null;
}

/**
 * `null` for a recurring window or while the one-off's timing is incomplete. `saved`: the schedule an edit changes,
 * whose window, kept at its start, may be under way or over.
 */
export function oneOffNotesOf(value: ScheduleFormValue, now: Date, saved?: ScheduleDto): OneOffNotes | null {
  const timing = value.kind === 'once' ? timingOf(value, saved) : null;
  if (!timing || !isOnce(timing.window)) return null;
  const start = Date.parse(timing.window.startAt);
  const left = Math.floor((start - now.getTime()) / 60_000);
  if (left < 0) return { hint: pastStartHint(start, now, saved), warning: null };
  const lead = timing.leadTimeMinutes ?? 0;
  return {
    hint: left === 0 ? 'Starts in less than a minute' : `Starts in ${formatMinutes(left)}`,
    warning:
      lead > left
        ? `Provisioning would begin in the past: the lead time (${formatMinutes(lead)}) is longer than the ${formatMinutes(left)} left before the start, so the VMs may not be ready in time.`
        : null,
  };
}

/**
 * A start already past. The saved window's own start means that window, under way (its end may move) or over; any
 * other past start is the API's to refuse (the preview says so).
 */
function pastStartHint(start: number, now: Date, saved: ScheduleDto | undefined): string {
  if (!saved || !isOnce(saved.window) || Date.parse(saved.window.startAt) !== start) return 'This start is in the past';
  if (Date.parse(saved.window.endAt) <= now.getTime()) return 'This window is over: a new start makes a new window';
  const since = Math.floor((now.getTime() - start) / 60_000);
  return `Under way, started ${since === 0 ? 'less than a minute' : formatMinutes(since)} ago: its end may move`;
}

/**
 * The create (or full update) body; `null` while a required part is missing. It always has the whole `launch` object:
 * an update replaces the schedule's launch options with it (`{}` is back to Nova's defaults). `saved`: the schedule an
 * edit changes.
 */
export function requestOf(value: ScheduleFormValue, saved?: ScheduleDto): CreateScheduleDto | null {
  const timing = timingOf(value, saved);
  if (!timing || !value.imageId || !value.flavorId || value.instanceCount === null) return null;
  return {
    name: value.name.trim(),
    description: value.description.trim(),
    imageId: value.imageId,
    flavorId: value.flavorId,
    networkIds: [...value.networkIds],
    instanceCount: value.instanceCount,
    enabled: value.enabled,
    ...timing,
    timeZone: value.timeZone ?? scheduleLimits.timeZone.default,
    launch: launchOf(value.launch),
  };
}

/**
 * Where a field named by the API (`window.cron`, `networkIds.0`, `launch.securityGroups.1`) is edited in the form.
 * A field the form has no place for (e.g. `version`) maps to `null` and is shown above the form.
 */
export function formFieldOf(apiField: string, kind: WindowKind, serverGroupMode: ServerGroupMode = 'none'): ScheduleFormPath | null {
  const [head, sub, ...rest] = apiField.split('.');
  switch (head) {
    case 'name':
    case 'description':
    case 'imageId':
    case 'flavorId':
    case 'networkIds':
    case 'instanceCount':
    case 'timeZone':
    case 'leadTimeMinutes':
    case 'enabled':
      return head;
    case 'window':
      switch (sub) {
        case 'startAt':
          return 'startDate';
        case 'endAt':
        case 'durationMinutes':
          return 'durationMinutes';
        case 'excludedDates':
          return 'excludedDates';
        case 'cron':
        case 'validFrom':
        case 'validUntil':
          return 'cron';
        default:
          return kind === 'once' ? 'startDate' : 'cron';
      }
    case 'launch': {
      const field = sub === undefined ? null : launchFieldOf([sub, ...rest], serverGroupMode);
      return field === null ? null : `launch.${field}`;
    }
    default:
      return null;
  }
}

function timeOfDay(hour: number, minute: number): Date {
  const date = new Date();
  date.setHours(hour, minute, 0, 0);
  return date;
}
