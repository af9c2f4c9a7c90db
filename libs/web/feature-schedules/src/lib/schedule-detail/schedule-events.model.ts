import type {
  ApiProblem,
  LoadState,
  RunListDto,
  ScheduleDto,
  ScheduleEventDto,
  ScheduleEventListDto,
  ShortfallReason,
  WebhookEventType,
} from '@peak/api-client';
import type { ChipTone } from '@peak/web/ui';
import { CAPACITY_RESOURCE_TEXT, SHORTFALL_TEXT } from '../shared/schedule-text';

/** How an event reads in the timeline: words first, the icon and colour only repeat them. */
export interface EventLook {
  readonly label: string;
  readonly icon: string;
  readonly tone: ChipTone;
}

/** Written as a record so the compiler says when the API gains or loses an event type. */
const EVENT_LOOKS: Readonly<Record<WebhookEventType, EventLook>> = {
  'peak.schedule.created': { label: 'Schedule created', icon: 'add_circle', tone: 'info' },
  'peak.schedule.updated': { label: 'Schedule updated', icon: 'edit', tone: 'info' },
  'peak.schedule.deleted': { label: 'Schedule deleted', icon: 'delete', tone: 'neutral' },
  'peak.run.provisioning': { label: 'Run provisioning', icon: 'sync', tone: 'progress' },
  'peak.run.ready': { label: 'Run ready', icon: 'check_circle', tone: 'success' },
  'peak.run.degraded': { label: 'Run degraded', icon: 'warning', tone: 'warning' },
  'peak.run.failed': { label: 'Run failed', icon: 'error', tone: 'error' },
  'peak.run.missed': { label: 'Run missed', icon: 'event_busy', tone: 'warning' },
  'peak.run.completed': { label: 'Run completed', icon: 'task_alt', tone: 'success' },
  'peak.run.teardown_failed': { label: 'Teardown overdue', icon: 'running_with_errors', tone: 'error' },
};

/** `peak.run.completed` also ends a window short or stopped (its `runState`): the label says which. */
const ENDED_SHORT: Readonly<Partial<Record<string, EventLook>>> = {
  partial: { label: 'Run completed (partial)', icon: 'rule', tone: 'warning' },
  stopped: { label: 'Run completed (stopped)', icon: 'stop_circle', tone: 'neutral' },
};

export function eventLook(event: Pick<ScheduleEventDto, 'type' | 'runState'>): EventLook {
  if (event.type === 'peak.run.completed' && event.runState) {
    const short = ENDED_SHORT[event.runState];
    if (short) return short;
  }
  // A type a newer API added still shows, by its name.
  const looks: Readonly<Partial<Record<string, EventLook>>> = EVENT_LOOKS;
  return looks[event.type] ?? { label: event.type, icon: 'help', tone: 'neutral' };
}

/**
 * What else the event's `data` (the run as it was then) tells, a line each: why a run is degraded or ended short, what
 * its capacity re-check expected it to lack, who stopped it, why it failed. `data` is read defensively: it is the
 * document webhooks received, not a typed DTO.
 */
export function eventDetails(event: Pick<ScheduleEventDto, 'type' | 'runState' | 'data'>): string[] {
  const data = event.data as Record<string, unknown>;
  const lines: string[] = [];
  const reason = shortfallReasonOf(data['shortfallReason']);
  switch (event.type) {
    case 'peak.run.degraded': {
      if (reason) lines.push(`Reason: ${reason}`);
      const expected = expectedShortfallText(data['expectedShortfall']);
      if (expected) lines.push(`Expected shortfall: ${expected}`);
      break;
    }
    case 'peak.run.completed':
      if (event.runState === 'partial' && reason) lines.push(`Reason: ${reason}`);
      if (event.runState === 'stopped') {
        const by = nameOf(data['stoppedBy']);
        if (by) lines.push(`Stopped by ${by}`);
      }
      break;
    case 'peak.run.failed':
    case 'peak.run.teardown_failed': {
      const error = messageOf(data['lastError']);
      if (error) lines.push(`Last error: ${error}`);
      break;
    }
    case 'peak.run.provisioning':
    case 'peak.run.ready':
    case 'peak.run.missed':
    case 'peak.schedule.created':
    case 'peak.schedule.updated':
    case 'peak.schedule.deleted':
      break;
  }
  return lines;
}

/** The run's window as the event's `data` carries it, if it does. */
export function eventWindow(event: Pick<ScheduleEventDto, 'data'>): { windowStart: string; windowEnd: string } | null {
  const data = event.data as Record<string, unknown>;
  const start = data['windowStart'];
  const end = data['windowEnd'];
  return typeof start === 'string' && typeof end === 'string' ? { windowStart: start, windowEnd: end } : null;
}

function shortfallReasonOf(value: unknown): string | null {
  return typeof value === 'string' && value in SHORTFALL_TEXT ? SHORTFALL_TEXT[value as ShortfallReason] : null;
}

/** `VMs: 5 needed, 3 available; vCPUs: 10 needed, 6 available`. */
function expectedShortfallText(value: unknown): string | null {
  if (!Array.isArray(value)) return null;
  const parts = value.flatMap((conflict: unknown) => {
    if (typeof conflict !== 'object' || conflict === null) return [];
    const { resource, needed, available } = conflict as Record<string, unknown>;
    if (typeof needed !== 'number' || typeof available !== 'number') return [];
    const text =
      typeof resource === 'string' && resource in CAPACITY_RESOURCE_TEXT
        ? CAPACITY_RESOURCE_TEXT[resource as keyof typeof CAPACITY_RESOURCE_TEXT]
        : null;
    const name = text?.name ?? String(resource);
    const unit = text?.unit ?? '';
    return [`${name}: ${needed}${unit} needed, ${available}${unit} available`];
  });
  return parts.length > 0 ? parts.join('; ') : null;
}

function nameOf(value: unknown): string | null {
  const name = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)['name'] : null;
  return typeof name === 'string' && name ? name : null;
}

function messageOf(value: unknown): string | null {
  const message = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)['message'] : null;
  return typeof message === 'string' && message ? message : null;
}

/**
 * What a schedule's newest events follow: its version and last change, and the runs the page polls (how many, and each
 * one's state and last change). An event is written with the change it tells of, so the events are read again when
 * this changes (a run was added or moved on, the schedule was edited), not on every poll.
 */
export function eventsKey(
  schedule: Pick<ScheduleDto, 'version' | 'updatedAt'> | undefined,
  runs: Pick<RunListDto, 'items' | 'total'> | undefined,
): string {
  return JSON.stringify([
    schedule && [schedule.version, schedule.updatedAt],
    runs && [runs.total, runs.items.map((run) => [run.id, run.state, run.updatedAt])],
  ]);
}

/**
 * The events shown: the newest page, re-read when the schedule or its runs change, and the older pages "Show more" added, joined into one
 * list, newest first.
 */
export interface EventsView {
  readonly items: readonly ScheduleEventDto[];
  /** How many events the schedule has, as the API last said. */
  readonly total: number;
  /** Whether a first page has arrived. */
  readonly loaded: boolean;
  /** Why the last read of the newest events failed; null once one succeeds. */
  readonly problem: ApiProblem | null;
  /** The next older page: idle, being read, or failed (with why). */
  readonly more: { readonly status: 'idle' | 'loading' } | { readonly status: 'error'; readonly problem: ApiProblem };
}

export const NO_EVENTS: EventsView = { items: [], total: 0, loaded: false, problem: null, more: { status: 'idle' } };

export type EventsAction =
  /** A poll of the newest page answered. */
  | { readonly kind: 'newest'; readonly load: LoadState<ScheduleEventListDto> }
  /** "Show more": the next older page. */
  | { readonly kind: 'older'; readonly load: LoadState<ScheduleEventListDto> };

export function reduceEvents(view: EventsView, action: EventsAction): EventsView {
  const { load } = action;
  switch (load.status) {
    case 'loading':
      return action.kind === 'older' ? { ...view, more: { status: 'loading' } } : view;
    case 'error':
      return action.kind === 'older' ? { ...view, more: { status: 'error', problem: load.problem } } : { ...view, problem: load.problem };
    case 'ok':
      return action.kind === 'older'
        ? { ...view, items: withOlder(view.items, load.value.items), total: load.value.total, more: { status: 'idle' } }
        : { ...view, items: withNewest(view.items, load.value.items), total: load.value.total, loaded: true, problem: null };
  }
}

/**
 * The newest page in front of the events known. They join where the page's oldest event is among them: what is
 * older stays (the pages "Show more" read). When it is not (more events happened since the last poll than a page
 * holds, or none was known), the page alone is kept: older ones are shown again on request.
 */
export function withNewest(known: readonly ScheduleEventDto[], newest: readonly ScheduleEventDto[]): readonly ScheduleEventDto[] {
  const oldest = newest.at(-1);
  if (oldest === undefined) return newest;
  const at = known.findIndex((event) => event.id === oldest.id);
  return at === -1 ? newest : [...newest, ...known.slice(at + 1)];
}

/**
 * An older page after the events known. Events that happened since the last poll shift the pages by as many: the
 * page then starts with events already shown, which are not repeated.
 */
export function withOlder(known: readonly ScheduleEventDto[], older: readonly ScheduleEventDto[]): readonly ScheduleEventDto[] {
  const ids = new Set(known.map((event) => event.id));
  return [...known, ...older.filter((event) => !ids.has(event.id))];
}
