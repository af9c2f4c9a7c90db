import type { RunDto, RunState, ScheduleEventDto, WebhookEventType } from '@peak/api-client';
import { eventDetails, eventLook, eventsKey, EventsView, NO_EVENTS, reduceEvents, withNewest, withOlder } from './schedule-events.model';

/** Events `from` down to `to`, newest first, as the API lists them. */
const events = (from: number, to: number): ScheduleEventDto[] =>
  Array.from({ length: from - to + 1 }, (_, i) => ({
    id: `ev-${from - i}`,
    type: 'peak.schedule.updated',
    time: new Date(Date.UTC(2026, 11, 1, 0, from - i)).toISOString(),
    runId: null,
    runState: null,
    data: {},
  }));
const ids = (list: readonly ScheduleEventDto[]) => list.map((e) => e.id);
const problem = { status: 503, message: 'The database is unreachable', fieldProblems: [] };

describe('schedule events', () => {
  describe(withNewest.name, () => {
    it('puts the newest page in front of the events known, joined where it overlaps them', () => {
      expect(ids(withNewest(events(12, 1), events(14, 5)))).toEqual(ids(events(14, 1)));
    });

    it('keeps the newest page alone when it does not reach the events known (more happened than a page holds)', () => {
      expect(ids(withNewest(events(12, 1), events(30, 21)))).toEqual(ids(events(30, 21)));
    });

    it('is the page itself when nothing was known, and nothing when the history is empty', () => {
      expect(ids(withNewest([], events(10, 1)))).toEqual(ids(events(10, 1)));
      expect(withNewest(events(3, 1), [])).toEqual([]);
    });
  });

  describe(withOlder.name, () => {
    it('adds an older page after the events known, without the ones that moved down into it', () => {
      // Two events happened since the last poll: the page at offset 10 starts with the two oldest shown.
      expect(ids(withOlder(events(12, 3), events(4, 1)))).toEqual(ids(events(12, 1)));
    });
  });

  describe(reduceEvents.name, () => {
    const shown: EventsView = { ...NO_EVENTS, items: events(12, 3), total: 12, loaded: true };

    it('is loaded once the newest page arrives', () => {
      const sut = reduceEvents(NO_EVENTS, { kind: 'newest', load: { status: 'ok', value: { items: [], total: 0, limit: 10, offset: 0 } } });

      expect(sut).toEqual({ ...NO_EVENTS, loaded: true });
    });

    it('keeps the events shown through a failed poll, with why, until a poll succeeds', () => {
      const failed = reduceEvents(shown, { kind: 'newest', load: { status: 'error', problem } });
      expect(failed).toEqual({ ...shown, problem });

      const again = reduceEvents(failed, {
        kind: 'newest',
        load: { status: 'ok', value: { items: events(12, 3), total: 12, limit: 10, offset: 0 } },
      });
      expect(again).toEqual(shown);
    });

    it('follows an older page: being read, failed, then added', () => {
      const loading = reduceEvents(shown, { kind: 'older', load: { status: 'loading' } });
      expect(loading.more).toEqual({ status: 'loading' });

      const failed = reduceEvents(loading, { kind: 'older', load: { status: 'error', problem } });
      expect(failed).toEqual({ ...shown, more: { status: 'error', problem } });

      const added = reduceEvents(failed, {
        kind: 'older',
        load: { status: 'ok', value: { items: events(2, 1), total: 12, limit: 10, offset: 10 } },
      });
      expect(added).toEqual({ ...shown, items: events(12, 1), more: { status: 'idle' } });
    });
  });

  describe(eventLook.name, () => {
    it.each<[WebhookEventType, string | null, string, string, string]>([
      ['peak.schedule.created', null, 'Schedule created', 'add_circle', 'info'],
      ['peak.schedule.deleted', null, 'Schedule deleted', 'delete', 'neutral'],
      ['peak.run.provisioning', 'provisioning', 'Run provisioning', 'sync', 'progress'],
      ['peak.run.ready', 'active', 'Run ready', 'check_circle', 'success'],
      ['peak.run.degraded', 'provisioning', 'Run degraded', 'warning', 'warning'],
      ['peak.run.failed', 'failed', 'Run failed', 'error', 'error'],
      ['peak.run.missed', 'missed', 'Run missed', 'event_busy', 'warning'],
      ['peak.run.completed', 'completed', 'Run completed', 'task_alt', 'success'],
      ['peak.run.completed', 'partial', 'Run completed (partial)', 'rule', 'warning'],
      ['peak.run.completed', 'stopped', 'Run completed (stopped)', 'stop_circle', 'neutral'],
      ['peak.run.teardown_failed', 'tearing-down', 'Teardown overdue', 'running_with_errors', 'error'],
    ])('shows %s (run %s) as “%s”', (type, runState, label, icon, tone) => {
      expect(eventLook({ type, runState: runState as ScheduleEventDto['runState'] })).toEqual({ label, icon, tone });
    });

    it('shows a type a newer API added by its name, neutrally', () => {
      expect(eventLook({ type: 'peak.run.paused' as WebhookEventType, runState: null })).toEqual({
        label: 'peak.run.paused',
        icon: 'help',
        tone: 'neutral',
      });
    });
  });

  describe(eventDetails.name, () => {
    it('says why a run is degraded and what it was expected to lack, per resource', () => {
      const data = {
        shortfallReason: 'quota',
        expectedShortfall: [
          { resource: 'instances', needed: 5, available: 3 },
          { resource: 'ramMb', needed: 5120, available: 2048 },
        ],
      };

      expect(eventDetails({ type: 'peak.run.degraded', runState: 'degraded', data })).toEqual([
        'Reason: quota',
        'Expected shortfall: VMs: 5 needed, 3 available; RAM: 5120 MB needed, 2048 MB available',
      ]);
    });

    it('says who stopped a run and why one failed', () => {
      expect(eventDetails({ type: 'peak.run.completed', runState: 'stopped', data: { stoppedBy: { id: 'u-1', name: 'alice' } } })).toEqual([
        'Stopped by alice',
      ]);
      expect(
        eventDetails({ type: 'peak.run.failed', runState: 'failed', data: { lastError: { message: 'No valid host was found' } } }),
      ).toEqual(['Last error: No valid host was found']);
      expect(
        eventDetails({
          type: 'peak.run.teardown_failed',
          runState: 'tearing-down',
          data: { lastError: { message: 'Could not delete server 5e1f: Nova 500' } },
        }),
      ).toEqual(['Last error: Could not delete server 5e1f: Nova 500']);
    });

    it('says nothing it cannot read from the data', () => {
      const data = { shortfallReason: 'gremlins', expectedShortfall: [null, { resource: 'instances', needed: '5' }], stoppedBy: 'bob' };

      expect(eventDetails({ type: 'peak.run.degraded', runState: 'degraded', data })).toEqual([]);
      expect(eventDetails({ type: 'peak.run.completed', runState: 'stopped', data })).toEqual([]);
      expect(eventDetails({ type: 'peak.run.completed', runState: 'completed', data: { shortfallReason: 'quota' } })).toEqual([]);
    });
  });
});

describe(eventsKey.name, () => {
  const schedule = { version: 3, updatedAt: '2026-12-01T06:00:00Z' };
  const run = (id: string, state: RunState, updatedAt = '2026-12-01T06:55:00Z') => ({ id, state, updatedAt }) as RunDto;
  const runs = (...items: RunDto[]) => ({ items, total: items.length });

  it('stays the same for the same schedule and runs, whatever else a poll brings', () => {
    expect(eventsKey(schedule, runs(run('r-1', 'provisioning')))).toBe(
      eventsKey({ ...schedule }, runs({ ...run('r-1', 'provisioning'), vms: [] } as RunDto)),
    );
  });

  it("changes with a new run, a run's state or last change, and the schedule's version or last change", () => {
    const before = eventsKey(schedule, runs(run('r-1', 'provisioning')));

    expect(eventsKey(schedule, runs(run('r-2', 'provisioning'), run('r-1', 'provisioning')))).not.toBe(before);
    expect(eventsKey(schedule, runs(run('r-1', 'active')))).not.toBe(before);
    expect(eventsKey(schedule, runs(run('r-1', 'provisioning', '2026-12-01T06:56:00Z')))).not.toBe(before);
    expect(eventsKey({ ...schedule, version: 4 }, runs(run('r-1', 'provisioning')))).not.toBe(before);
    expect(eventsKey({ ...schedule, updatedAt: '2026-12-01T07:00:00Z' }, runs(run('r-1', 'provisioning')))).not.toBe(before);
    expect(eventsKey(undefined, runs(run('r-1', 'provisioning')))).not.toBe(before);
  });
});
