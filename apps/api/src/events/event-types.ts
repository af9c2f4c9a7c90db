import type { RunState } from '../runs/run-lifecycle';

export const SCHEDULE_EVENT_TYPES = ['peak.schedule.created', 'peak.schedule.updated', 'peak.schedule.deleted'] as const;
export const RUN_EVENT_TYPES = [
  'peak.run.provisioning',
  'peak.run.ready',
  'peak.run.degraded',
  'peak.run.failed',
  'peak.run.missed',
  'peak.run.completed',
  'peak.run.teardown_failed',
] as const;
/** Every type a webhook may subscribe to. */
export const EVENT_TYPES = [...SCHEDULE_EVENT_TYPES, ...RUN_EVENT_TYPES] as const;
/** What `POST /v1/webhooks/{id}/test` sends: to that webhook only, whatever its filters. */
export const PING_EVENT_TYPE = 'peak.webhook.ping';

export type ScheduleEventType = (typeof SCHEDULE_EVENT_TYPES)[number];
export type RunEventType = (typeof RUN_EVENT_TYPES)[number];
export type EventType = (typeof EVENT_TYPES)[number];

/**
 * The event a run announces on entering `state`. `tearing-down` announces nothing (the final state follows); `partial`
 * and `stopped` end a window as `completed` does, so they are `peak.run.completed` with the state in `data.state`.
 */
export function runEventType(state: RunState): RunEventType | null {
  switch (state) {
    case 'pending':
    case 'tearing-down':
      return null;
    case 'provisioning':
      return 'peak.run.provisioning';
    case 'active':
      return 'peak.run.ready';
    case 'degraded':
      return 'peak.run.degraded';
    case 'failed':
      return 'peak.run.failed';
    case 'missed':
      return 'peak.run.missed';
    case 'completed':
    case 'partial':
    case 'stopped':
      return 'peak.run.completed';
  }
}
