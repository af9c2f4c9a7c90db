import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { Title } from '@angular/platform-browser';
import { provideRouter } from '@angular/router';
import { CapacityConflictDto, RunDto, ScheduleEventDto } from '@peak/api-client';
import { BROWSER_TIME_ZONE, DisplayZone, Notifier } from '@peak/web/util';
import { CatalogNames } from '../shared/catalog-names';
import { ScheduleDeleter } from '../shared/schedule-deleter';
import { ScheduleSwitcher } from '../shared/schedule-switcher';
import { PAGE_CLOCK, PageClock } from '../shared/page-clock';
import { aPageClock, aSchedule, CATALOG, provideWriteAccess } from '../testing/fixtures';
import { ScheduleDetailPage } from './schedule-detail-page';

const run = (overrides: Partial<RunDto>): RunDto => ({
  id: 'run-1',
  scheduleId: 's-1',
  scheduleName: 'nightly',
  state: 'provisioning',
  shortfallReason: null,
  expectedShortfall: null,
  windowStart: '2026-12-01T07:00:00Z',
  windowEnd: '2026-12-01T09:00:00Z',
  provisionAt: '2026-12-01T06:55:00Z',
  startedAt: '2026-12-01T06:55:01Z',
  readyAt: null,
  endedAt: null,
  tornDownAt: null,
  teardownOverdueAt: null,
  latenessSeconds: 1,
  desiredCount: 3,
  stoppedAt: null,
  stoppedBy: null,
  lastError: null,
  createdAt: '2026-12-01T06:55:00Z',
  updatedAt: '2026-12-01T06:55:00Z',
  vms: [],
  ...overrides,
});

const vm = (name: string, status: string, faultMessage: string | null = null) => ({
  id: `vm-${name}`,
  serverId: null,
  slot: 0,
  name,
  status,
  faultMessage,
  shortfallReason: null,
  attempts: 1,
  createdAt: null,
  activeAt: status === 'ACTIVE' ? '2026-12-01T06:56:00Z' : null,
  deletedAt: null,
  member: null,
});

const event = (overrides: Partial<ScheduleEventDto>): ScheduleEventDto => ({
  id: 'ev-1',
  type: 'peak.schedule.created',
  time: '2026-12-01T06:50:00Z',
  runId: null,
  runState: null,
  data: {},
  ...overrides,
});

/** The newest page of `s-1`'s events, read once its schedule and runs answered, and again when they change. */
const EVENTS = '/v1/schedules/s-1/events?limit=10';
const RUNS = '/v1/schedules/s-1/runs?limit=10';

/** Answers the pending poll of the runs (none by default). */
function flushRuns(http: HttpTestingController, items: RunDto[] = []): void {
  http.expectOne(RUNS).flush({ items, total: items.length, limit: 10, offset: 0 });
}

/** Answers the pending read of the newest events (none by default). */
function flushEvents(http: HttpTestingController, items: ScheduleEventDto[] = [], total = items.length): void {
  http.expectOne(EVENTS).flush({ items, total, limit: 10, offset: 0 });
}

/**
 * The request to `url` once the page has made it, within `withinMs`: keep that below the poll's 2 s where the request
 * must come from an action and not from the next poll.
 */
async function nextRequest(http: HttpTestingController, url: string, withinMs = 2000) {
  let requests = http.match(url);
  for (let i = 0; i < withinMs / 20 && requests.length === 0; i++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    requests = http.match(url);
  }
  const [request] = requests;
  if (!request) throw new Error(`no request to ${url}`);
  return request;
}

describe(ScheduleDetailPage.name, () => {
  /** The page with its catalog loaded and the first poll of the schedule `s-1` pending. */
  async function render(canWrite?: boolean, clock?: PageClock) {
    TestBed.configureTestingModule({
      providers: [
        ...(canWrite === undefined ? [] : [provideWriteAccess(canWrite)]),
        ...(clock === undefined ? [] : [{ provide: PAGE_CLOCK, useValue: clock }]),
        provideHttpClient(),
        provideHttpClientTesting(),
        provideRouter([]),
        CatalogNames,
        ScheduleDeleter,
        ScheduleSwitcher,
        { provide: Notifier, useValue: { error: () => undefined, success: () => undefined } },
      ],
    });
    const http = TestBed.inject(HttpTestingController);
    const fixture = TestBed.createComponent(ScheduleDetailPage);
    fixture.componentRef.setInput('id', 's-1');
    await fixture.whenStable();
    http.expectOne('/v1/images').flush(CATALOG.images);
    http.expectOne('/v1/flavors').flush(CATALOG.flavors);
    http.expectOne('/v1/networks').flush(CATALOG.networks);
    // The polls start on a timer after the route input arrives.
    let scheduleRequests = http.match('/v1/schedules/s-1');
    for (let i = 0; i < 200 && scheduleRequests.length === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      scheduleRequests = http.match('/v1/schedules/s-1');
    }
    return { fixture, http, scheduleRequest: scheduleRequests[0] };
  }

  it('shows the current run live: progress of ACTIVE VMs, each VM with its status and fault', async () => {
    const { fixture, http, scheduleRequest } = await render();
    scheduleRequest?.flush(aSchedule({ id: 's-1', state: 'provisioning' }));
    http.expectOne('/v1/schedules/s-1/runs?limit=10').flush({
      items: [
        run({
          vms: [vm('peak-1', 'ACTIVE'), vm('peak-2', 'BUILD'), vm('peak-3', 'ERROR', 'No valid host was found')],
        }),
        run({ id: 'run-0', state: 'completed', windowStart: '2026-11-30T07:00:00Z', vms: [vm('old', 'DELETED')] }),
      ],
      total: 2,
      limit: 10,
      offset: 0,
    });
    flushEvents(http);
    await fixture.whenStable();
    http.expectOne('/v1/schedules/s-1/occurrences?count=5').flush({ timeZone: 'Europe/Paris', from: '', occurrences: [] });
    await fixture.whenStable();
    const root = fixture.nativeElement as HTMLElement;

    expect(root.querySelector('h1')?.textContent).toBe('Weekday mornings');
    expect(root.querySelector('.current peak-vm-progress')?.textContent).toContain('1 / 3 VMs active');
    const vms = [...root.querySelectorAll('.current tr[mat-row]')].map((tr) =>
      [...tr.querySelectorAll('td')].map((td) => td.textContent?.trim()),
    );
    expect(vms).toEqual([
      ['peak-1', 'ACTIVE', ''],
      ['peak-2', 'BUILD', ''],
      ['peak-3', 'ERROR', 'No valid host was found'],
    ]);
    expect(root.querySelector('dl.settings')?.textContent).toContain('cirros');
    const history = root.querySelectorAll('table[aria-label="Runs"] tr[mat-row]');
    expect(history).toHaveLength(2);
    expect(history[1]?.querySelector('peak-state-chip')?.getAttribute('data-state')).toBe('completed');
    fixture.destroy();
  });

  it('says why a live run is short, and shows an ended short run in the history only', async () => {
    const { fixture, http, scheduleRequest } = await render();
    scheduleRequest?.flush(aSchedule({ id: 's-1', state: 'degraded' }));
    const quota = 'Quota exceeded for instances: Requested 1, but already used 3 of 3 instances';
    http.expectOne('/v1/schedules/s-1/runs?limit=10').flush({
      items: [
        run({
          state: 'degraded',
          shortfallReason: 'quota',
          desiredCount: 5,
          lastError: { message: quota, requestId: 'req-1', at: null },
          vms: [vm('p-1', 'ACTIVE'), vm('p-2', 'ACTIVE'), vm('p-3', 'ACTIVE'), vm('p-4', 'PENDING', quota), vm('p-5', 'PENDING', quota)],
        }),
        run({
          id: 'run-0',
          state: 'partial',
          shortfallReason: 'quota',
          desiredCount: 5,
          windowStart: '2026-11-30T07:00:00Z',
          vms: [vm('o-1', 'ACTIVE'), vm('o-2', 'ACTIVE'), vm('o-3', 'NOT_CREATED'), vm('o-4', 'NOT_CREATED'), vm('o-5', 'NOT_CREATED')],
        }),
      ],
      total: 2,
      limit: 10,
      offset: 0,
    });
    flushEvents(http);
    await fixture.whenStable();
    http.expectOne('/v1/schedules/s-1/occurrences?count=5').flush({ timeZone: 'Europe/Paris', from: '', occurrences: [] });
    await fixture.whenStable();
    const root = fixture.nativeElement as HTMLElement;

    expect(root.querySelector('.current .shortfall-line')?.textContent?.trim()).toBe('warning Degraded: quota, 3 of 5');
    const history = [...root.querySelectorAll('table[aria-label="Runs"] tr[mat-row]')].map((tr) => [
      tr.querySelector('peak-state-chip')?.getAttribute('data-state'),
      tr.querySelector('.reason')?.textContent?.trim(),
      tr.querySelectorAll('td')[2]?.textContent?.trim(),
    ]);
    expect(history).toEqual([
      ['degraded', 'quota', '3 / 5'],
      ['partial', 'quota', '2 / 5'],
    ]);
    fixture.destroy();
  });

  it('shows no current window once the last run has ended, even short of its count', async () => {
    const { fixture, http, scheduleRequest } = await render();
    scheduleRequest?.flush(aSchedule({ id: 's-1', state: 'idle' }));
    http.expectOne('/v1/schedules/s-1/runs?limit=10').flush({
      items: [run({ state: 'partial', shortfallReason: 'quota', vms: [vm('o-1', 'DELETED'), vm('o-2', 'NOT_CREATED')] })],
      total: 1,
      limit: 10,
      offset: 0,
    });
    flushEvents(http);
    await fixture.whenStable();
    http.expectOne('/v1/schedules/s-1/occurrences?count=5').flush({ timeZone: 'Europe/Paris', from: '', occurrences: [] });
    await fixture.whenStable();
    const root = fixture.nativeElement as HTMLElement;

    expect(root.querySelector('.current')?.textContent).toContain('No window in progress.');
    expect(root.querySelector('.current peak-vm-progress')).toBeNull();
    expect(root.querySelectorAll('table[aria-label="Runs"] tr[mat-row]')).toHaveLength(1);
    fixture.destroy();
  });

  it('names the schedule in the tab title and links each run of the history to its page', async () => {
    const { fixture, http, scheduleRequest } = await render();
    scheduleRequest?.flush(aSchedule({ id: 's-1', state: 'idle' }));
    http.expectOne('/v1/schedules/s-1/runs?limit=10').flush({
      items: [run({ id: 'run-7', state: 'completed', vms: [vm('o-1', 'DELETED')] })],
      total: 1,
      limit: 10,
      offset: 0,
    });
    flushEvents(http);
    await fixture.whenStable();
    const root = fixture.nativeElement as HTMLElement;

    expect(TestBed.inject(Title).getTitle()).toBe('Weekday mornings · Peak Scheduler');
    const link = root.querySelector('table[aria-label="Runs"] tr[mat-row] a.run-link');
    expect(link?.getAttribute('href')).toBe('/schedules/s-1/runs/run-7');
    expect(link?.textContent?.trim()).toBe('Tue, Dec 1, 2026, 08:00 AM – 10:00 AM GMT+1');
    // Who changed it: the activity page filtered to this schedule.
    expect(root.querySelector('a.activity-link')?.getAttribute('href')).toBe('/activity?target=s-1');
    fixture.destroy();
  });

  it('links the current run to its page', async () => {
    const { fixture, http, scheduleRequest } = await render();
    scheduleRequest?.flush(aSchedule({ id: 's-1', state: 'provisioning' }));
    http.expectOne('/v1/schedules/s-1/runs?limit=10').flush({ items: [run({ id: 'run-8' })], total: 1, limit: 10, offset: 0 });
    flushEvents(http);
    await fixture.whenStable();

    expect((fixture.nativeElement as HTMLElement).querySelector('.current a.run-details')?.getAttribute('href')).toBe(
      '/schedules/s-1/runs/run-8',
    );
    fixture.destroy();
  });

  it('says a disabled schedule is disabled, on its switch too, and promises no VMs', async () => {
    const { fixture, http, scheduleRequest } = await render(true);
    const next = {
      start: '2026-12-10T07:00:00Z',
      end: '2026-12-10T09:00:00Z',
      provisionAt: '2026-12-10T06:55:00Z',
      localStart: '2026-12-10T08:00:00+01:00',
      localEnd: '2026-12-10T10:00:00+01:00',
      requestedLocalStart: '2026-12-10T08:00',
      dstAdjustment: 'none' as const,
      skipReason: null,
      status: 'scheduled' as const,
    };
    scheduleRequest?.flush(aSchedule({ id: 's-1', state: 'disabled', enabled: false, nextOccurrence: next }));
    http.expectOne('/v1/schedules/s-1/runs?limit=10').flush({ items: [], total: 0, limit: 10, offset: 0 });
    flushEvents(http);
    await fixture.whenStable();
    const root = fixture.nativeElement as HTMLElement;

    const current = root.querySelector('.current')?.textContent ?? '';
    expect(current).toContain('Disabled: no VMs are created until it is enabled again.');
    expect(current).not.toContain('VMs are next created');
    expect(root.querySelector('peak-page-header mat-slide-toggle')?.textContent?.trim()).toBe('Disabled');
    expect(root.querySelector('.disabled-note')?.textContent).toContain('only if it is enabled again');
    fixture.destroy();
  });

  it('says until when a schedule disabled after this window keeps its VMs, and offers to stop now', async () => {
    const { fixture, http, scheduleRequest } = await render(true);
    scheduleRequest?.flush(aSchedule({ id: 's-1', state: 'active', enabled: false, vmsKeptUntil: '2026-12-01T16:00:00Z' }));
    http.expectOne('/v1/schedules/s-1/runs?limit=10').flush({ items: [], total: 0, limit: 10, offset: 0 });
    flushEvents(http);
    await fixture.whenStable();
    const root = fixture.nativeElement as HTMLElement;

    expect(root.querySelector('.banner.kept')?.textContent).toContain(
      'Disabled after this window: its VMs stay until Tue, Dec 1, 2026, 05:00 PM GMT+1, then go.',
    );
    expect(root.querySelector('.banner.kept button.stop-now')?.textContent?.trim()).toBe('Stop now');
    fixture.destroy();
  });

  it('labels the switch of an enabled schedule Enabled and says when VMs are next created', async () => {
    const { fixture, http, scheduleRequest } = await render(true);
    scheduleRequest?.flush(
      aSchedule({
        id: 's-1',
        nextOccurrence: {
          start: '2026-12-10T07:00:00Z',
          end: '2026-12-10T09:00:00Z',
          provisionAt: '2026-12-10T06:55:00Z',
          localStart: '2026-12-10T08:00:00+01:00',
          localEnd: '2026-12-10T10:00:00+01:00',
          requestedLocalStart: '2026-12-10T08:00',
          dstAdjustment: 'none',
          skipReason: null,
          status: 'scheduled',
        },
      }),
    );
    http.expectOne('/v1/schedules/s-1/runs?limit=10').flush({ items: [], total: 0, limit: 10, offset: 0 });
    flushEvents(http);
    await fixture.whenStable();
    const root = fixture.nativeElement as HTMLElement;

    expect(root.querySelector('peak-page-header mat-slide-toggle')?.textContent?.trim()).toBe('Enabled');
    expect(root.querySelector('.current')?.textContent).toContain('VMs are next created on Thu, Dec 10, 2026, 07:55 AM GMT+1.');
    expect(root.querySelector('.disabled-note')).toBeNull();
    fixture.destroy();
  });

  it('drops a window from "Next windows" once it ended, without asking the API again', async () => {
    const time = aPageClock('2026-12-01T08:00:00Z');
    const { fixture, http, scheduleRequest } = await render(undefined, time.clock);
    const window = { type: 'once' as const, startAt: '2026-12-01T09:00:00+01:00', endAt: '2026-12-01T10:00:00+01:00' };
    scheduleRequest?.flush(aSchedule({ id: 's-1', state: 'active', window, nextOccurrence: null }));
    http.expectOne('/v1/schedules/s-1/runs?limit=10').flush({ items: [], total: 0, limit: 10, offset: 0 });
    flushEvents(http);
    await fixture.whenStable();
    http.expectOne('/v1/schedules/s-1/occurrences?count=5').flush({
      timeZone: 'Europe/Paris',
      from: '2026-12-01T08:00:00Z',
      occurrences: [
        {
          start: '2026-12-01T08:00:00Z',
          end: '2026-12-01T09:00:00Z',
          provisionAt: '2026-12-01T07:55:00Z',
          localStart: '2026-12-01T09:00:00+01:00',
          localEnd: '2026-12-01T10:00:00+01:00',
          requestedLocalStart: '2026-12-01T09:00',
          dstAdjustment: 'none',
          skipReason: null,
          status: 'scheduled',
        },
      ],
    });
    await fixture.whenStable();
    const root = fixture.nativeElement as HTMLElement;
    const nextCard = () => root.querySelector('[aria-labelledby="next-heading"]');
    expect(nextCard()?.querySelector('peak-occurrence-list')).not.toBeNull();

    time.set('2026-12-01T08:59:59Z');
    await fixture.whenStable();
    expect(nextCard()?.querySelector('peak-occurrence-list')).not.toBeNull();

    time.set('2026-12-01T09:00:00Z');
    await fixture.whenStable();
    expect(nextCard()?.querySelector('peak-occurrence-list')).toBeNull();
    expect(nextCard()?.textContent).toContain('No window left.');
    http.expectNone('/v1/schedules/s-1/occurrences?count=5');
    fixture.destroy();
  });

  it.each([
    ['the user may change schedules', true],
    ['nothing provides WRITE_ACCESS (the API decides)', undefined],
  ])('offers enabling, editing and deleting when %s', async (_, canWrite) => {
    const { fixture, scheduleRequest } = await render(canWrite);
    scheduleRequest?.flush(aSchedule({ id: 's-1' }));
    await fixture.whenStable();
    const header = (fixture.nativeElement as HTMLElement).querySelector('peak-page-header');

    expect(header?.querySelector('mat-slide-toggle')).not.toBeNull();
    expect(header?.querySelector('a[href="/schedules/s-1/edit"]')?.textContent).toContain('Edit');
    expect(header?.querySelector('button.danger')?.textContent).toContain('Delete');
    expect((fixture.nativeElement as HTMLElement).querySelector('peak-read-only-hint')).toBeNull();
    fixture.destroy();
  });

  it('shows a reader the schedule without the toggle, edit and delete, and says why', async () => {
    const { fixture, scheduleRequest } = await render(false);
    scheduleRequest?.flush(aSchedule({ id: 's-1' }));
    await fixture.whenStable();
    const root = fixture.nativeElement as HTMLElement;

    expect(root.querySelector('h1')?.textContent).toBe('Weekday mornings');
    expect(root.querySelector('peak-page-header peak-state-chip')).not.toBeNull();
    expect(root.querySelectorAll('mat-slide-toggle')).toHaveLength(0);
    expect(root.querySelectorAll('a[href="/schedules/s-1/edit"]')).toHaveLength(0);
    expect([...root.querySelectorAll('button')].map((b) => b.textContent?.trim())).not.toContainEqual(expect.stringContaining('Delete'));
    expect(root.querySelector('peak-read-only-hint')?.textContent).toContain(
      'Read-only: your role can view schedules but not change them.',
    );
    fixture.destroy();
  });

  describe('events', () => {
    const text = (element: Element | null | undefined) => element?.textContent?.replace(/\s+/g, ' ').trim();
    const eventsCard = (root: HTMLElement) => root.querySelector('mat-card[aria-labelledby="events-heading"]');
    /** Each entry of the timeline: its words, when, what else it says, and where its link goes. */
    const entries = (root: HTMLElement) =>
      [...(eventsCard(root)?.querySelectorAll('ol.events > li') ?? [])].map((li) => ({
        label: text(li.querySelector('.label')),
        when: text(li.querySelector('time')),
        details: [...li.querySelectorAll('.detail')].map((d) => text(d)),
        link: li.querySelector('a.event-run')?.getAttribute('href') ?? null,
      }));
    const page = (prefix: string, from: number, to: number) =>
      Array.from({ length: from - to + 1 }, (_, i) =>
        event({ id: `${prefix}-${from - i}`, time: `2026-12-01T06:${String(from - i).padStart(2, '0')}:00Z` }),
      );

    /** The page once the schedule and its runs answered, and the first read of its events failed. */
    async function renderWithEventsFailed() {
      const { fixture, http, scheduleRequest } = await render();
      scheduleRequest?.flush(aSchedule({ id: 's-1' }));
      flushRuns(http);
      http.expectOne(EVENTS).flush({ message: 'The database is unreachable' }, { status: 503, statusText: 'Service Unavailable' });
      await fixture.whenStable();
      return { fixture, http };
    }

    it('lists the history newest first in words, with when, what a shortfall was, and a link to each run', async () => {
      const { fixture, http, scheduleRequest } = await render();
      scheduleRequest?.flush(aSchedule({ id: 's-1', state: 'idle' }));
      http.expectOne('/v1/schedules/s-1/runs?limit=10').flush({ items: [], total: 0, limit: 10, offset: 0 });
      const expected: CapacityConflictDto[] = [
        { resource: 'instances', needed: 5, available: 3, from: '2026-12-01T07:00:00Z', to: '2026-12-01T09:00:00Z', schedules: [] },
      ];
      flushEvents(http, [
        event({
          id: 'ev-8',
          type: 'peak.run.completed',
          time: '2026-12-03T09:00:04Z',
          runId: 'run-9',
          runState: 'stopped',
          data: run({
            id: 'run-9',
            state: 'stopped',
            stoppedBy: { id: 'u-2', name: 'bob' },
            windowStart: '2026-12-03T07:00:00Z',
            windowEnd: '2026-12-03T09:00:00Z',
          }),
        }),
        event({
          id: 'ev-7',
          type: 'peak.run.completed',
          time: '2026-12-01T09:00:04Z',
          runId: 'run-1',
          runState: 'partial',
          data: run({ state: 'partial', shortfallReason: 'quota' }),
        }),
        event({
          id: 'ev-6',
          type: 'peak.run.degraded',
          time: '2026-12-01T06:56:00Z',
          runId: 'run-1',
          runState: 'degraded',
          data: run({ state: 'degraded', shortfallReason: 'quota' }),
        }),
        event({
          id: 'ev-5',
          type: 'peak.run.degraded',
          time: '2026-12-01T06:55:01Z',
          runId: 'run-1',
          runState: 'provisioning',
          data: run({ expectedShortfall: expected }),
        }),
        event({
          id: 'ev-4',
          type: 'peak.run.provisioning',
          time: '2026-12-01T06:55:01Z',
          runId: 'run-1',
          runState: 'provisioning',
          data: run({}),
        }),
        event({
          id: 'ev-3',
          type: 'peak.run.ready',
          time: '2026-11-30T06:56:30Z',
          runId: 'run-0',
          runState: 'active',
          data: run({ id: 'run-0', state: 'active', windowStart: '2026-11-30T07:00:00Z', windowEnd: '2026-11-30T09:00:00Z' }),
        }),
        event({ id: 'ev-2', type: 'peak.schedule.updated', time: '2026-11-20T09:30:00Z', data: { name: 'Weekday mornings' } }),
        event({ id: 'ev-1', type: 'peak.schedule.created', time: '2026-11-01T08:00:00Z', data: { name: 'Weekday mornings' } }),
      ]);
      await fixture.whenStable();
      const root = fixture.nativeElement as HTMLElement;

      expect(eventsCard(root)?.querySelector('h2#events-heading')?.textContent).toBe('Events');
      expect(text(eventsCard(root)?.querySelector('mat-card-subtitle'))).toBe(
        'What happened to the schedule and its runs, newest first · Europe/Paris',
      );
      expect(eventsCard(root)?.querySelector('ol.events')?.getAttribute('aria-label')).toBe('Events, newest first');
      expect(entries(root)).toEqual([
        {
          label: 'Run completed (stopped)',
          when: 'Thu, Dec 3, 2026, 10:00 AM GMT+1',
          details: ['Stopped by bob'],
          link: '/schedules/s-1/runs/run-9',
        },
        {
          label: 'Run completed (partial)',
          when: 'Tue, Dec 1, 2026, 10:00 AM GMT+1',
          details: ['Reason: quota'],
          link: '/schedules/s-1/runs/run-1',
        },
        { label: 'Run degraded', when: 'Tue, Dec 1, 2026, 07:56 AM GMT+1', details: ['Reason: quota'], link: '/schedules/s-1/runs/run-1' },
        {
          label: 'Run degraded',
          when: 'Tue, Dec 1, 2026, 07:55 AM GMT+1',
          details: ['Expected shortfall: VMs: 5 needed, 3 available'],
          link: '/schedules/s-1/runs/run-1',
        },
        { label: 'Run provisioning', when: 'Tue, Dec 1, 2026, 07:55 AM GMT+1', details: [], link: '/schedules/s-1/runs/run-1' },
        { label: 'Run ready', when: 'Mon, Nov 30, 2026, 07:56 AM GMT+1', details: [], link: '/schedules/s-1/runs/run-0' },
        { label: 'Schedule updated', when: 'Fri, Nov 20, 2026, 10:30 AM GMT+1', details: [], link: null },
        { label: 'Schedule created', when: 'Sun, Nov 1, 2026, 09:00 AM GMT+1', details: [], link: null },
      ]);
      // The link names the run's window; the time is machine-readable; the icon and colour repeat the words.
      const ready = eventsCard(root)?.querySelector('li[data-type="peak.run.ready"]');
      expect(text(ready?.querySelector('a.event-run'))).toBe('Run of Mon, Nov 30, 2026, 08:00 AM – 10:00 AM GMT+1');
      expect(ready?.querySelector('time')?.getAttribute('datetime')).toBe('2026-11-30T06:56:30Z');
      expect(ready?.getAttribute('data-tone')).toBe('success');
      expect(ready?.querySelector('mat-icon')?.getAttribute('aria-hidden')).toBe('true');
      expect(text(ready?.querySelector('mat-icon'))).toBe('check_circle');
      const partial = eventsCard(root)?.querySelector('li[data-type="peak.run.completed"]:nth-child(2)');
      expect([partial?.getAttribute('data-tone'), text(partial?.querySelector('mat-icon'))]).toEqual(['warning', 'rule']);
      expect(eventsCard(root)?.querySelector('button.show-more')).toBeNull();
      fixture.destroy();
    });

    it('shows times in the zone the viewer chose, like the runs', async () => {
      TestBed.configureTestingModule({ providers: [{ provide: BROWSER_TIME_ZONE, useValue: 'America/New_York' }] });
      const { fixture, http, scheduleRequest } = await render();
      TestBed.inject(DisplayZone).set('mine');
      scheduleRequest?.flush(aSchedule({ id: 's-1' }));
      flushRuns(http);
      flushEvents(http, [event({ time: '2026-12-01T06:50:00Z' })]);
      await fixture.whenStable();
      const root = fixture.nativeElement as HTMLElement;

      expect(entries(root)[0]?.when).toBe('Tue, Dec 1, 2026, 01:50 AM GMT-5');
      expect(text(eventsCard(root)?.querySelector('mat-card-subtitle'))).toContain('America/New_York');
      fixture.destroy();
    });

    it('says when there is no event yet', async () => {
      const { fixture, http, scheduleRequest } = await render();
      scheduleRequest?.flush(aSchedule({ id: 's-1' }));
      flushRuns(http);
      flushEvents(http);
      await fixture.whenStable();
      const card = eventsCard(fixture.nativeElement as HTMLElement);

      expect(text(card?.querySelector('.no-events'))).toMatch(/^No events yet/);
      expect(card?.querySelector('ol.events')).toBeNull();
      expect(card?.querySelector('button.show-more')).toBeNull();
      fixture.destroy();
    });

    it('says why the events could not be read, and reads them again on "Try again"', async () => {
      const { fixture, http } = await renderWithEventsFailed();
      const card = () => eventsCard(fixture.nativeElement as HTMLElement);

      expect(text(card()?.querySelector('[role="alert"] span'))).toBe('The events could not be loaded: The database is unreachable');
      expect(text(card()?.querySelector('[role="alert"] button.retry'))).toBe('Try again');
      expect(card()?.querySelector('.no-events')).toBeNull();
      card()?.querySelector<HTMLButtonElement>('[role="alert"] button.retry')?.click();
      (await nextRequest(http, EVENTS, 300)).flush({ items: [event({})], total: 1, limit: 10, offset: 0 });
      await fixture.whenStable();

      expect(card()?.querySelector('[role="alert"]')).toBeNull();
      expect(entries(fixture.nativeElement as HTMLElement).map((e) => e.label)).toEqual(['Schedule created']);
      fixture.destroy();
    });

    it('adds the next older page on "Show more", then offers no more', async () => {
      const { fixture, http, scheduleRequest } = await render();
      scheduleRequest?.flush(aSchedule({ id: 's-1' }));
      flushRuns(http);
      flushEvents(http, page('ev', 12, 3), 12);
      await fixture.whenStable();
      const root = fixture.nativeElement as HTMLElement;
      expect(entries(root)).toHaveLength(10);
      expect(text(eventsCard(root)?.querySelector('.more .count'))).toBe('10 of 12 shown');

      eventsCard(root)?.querySelector<HTMLButtonElement>('button.show-more')?.click();
      const older = await nextRequest(http, '/v1/schedules/s-1/events?limit=10&offset=10');
      await fixture.whenStable();
      expect(eventsCard(root)?.querySelector<HTMLButtonElement>('button.show-more')?.disabled).toBe(true);
      older.flush({ items: page('ev', 2, 1), total: 12, limit: 10, offset: 10 });
      await fixture.whenStable();

      expect(entries(root).map((e) => e.when)).toHaveLength(12);
      expect([...root.querySelectorAll('ol.events > li')].map((li) => li.querySelector('time')?.getAttribute('datetime'))).toEqual(
        page('ev', 12, 1).map((e) => e.time),
      );
      expect(eventsCard(root)?.querySelector('button.show-more')).toBeNull();
      fixture.destroy();
    });

    it('says when an older page could not be read, and asks for it again', async () => {
      const { fixture, http, scheduleRequest } = await render();
      scheduleRequest?.flush(aSchedule({ id: 's-1' }));
      flushRuns(http);
      flushEvents(http, page('ev', 12, 3), 12);
      await fixture.whenStable();
      const card = () => eventsCard(fixture.nativeElement as HTMLElement);

      card()?.querySelector<HTMLButtonElement>('button.show-more')?.click();
      (await nextRequest(http, '/v1/schedules/s-1/events?limit=10&offset=10')).flush(
        { message: 'Gateway timeout' },
        { status: 504, statusText: 'Gateway Timeout' },
      );
      await fixture.whenStable();
      expect(text(card()?.querySelector('.more [role="alert"]'))).toBe('Could not load older events: Gateway timeout');
      expect(text(card()?.querySelector('button.show-more'))).toBe('Try again');
      expect(card()?.querySelectorAll('ol.events > li')).toHaveLength(10);

      card()?.querySelector<HTMLButtonElement>('button.show-more')?.click();
      (await nextRequest(http, '/v1/schedules/s-1/events?limit=10&offset=10')).flush({
        items: page('ev', 2, 1),
        total: 12,
        limit: 10,
        offset: 10,
      });
      await fixture.whenStable();
      expect(card()?.querySelectorAll('ol.events > li')).toHaveLength(12);
      expect(card()?.querySelector('[role="alert"]')).toBeNull();
      fixture.destroy();
    });

    it('reads the newest events again when the refreshed schedule has changed, keeping the older ones shown', async () => {
      const { fixture, http, scheduleRequest } = await render(true);
      scheduleRequest?.flush(aSchedule({ id: 's-1', delegatedBy: { id: 'u-1', name: 'alice' } }));
      flushRuns(http);
      flushEvents(http, page('ev', 12, 3), 12);
      await fixture.whenStable();
      const root = fixture.nativeElement as HTMLElement;
      eventsCard(root)?.querySelector<HTMLButtonElement>('button.show-more')?.click();
      (await nextRequest(http, '/v1/schedules/s-1/events?limit=10&offset=10')).flush({
        items: page('ev', 2, 1),
        total: 12,
        limit: 10,
        offset: 10,
      });
      await fixture.whenStable();

      // Taking over the delegation changes the schedule: the page reads it and its runs again at once, then its events.
      root.querySelector<HTMLButtonElement>('.audit .delegated button.take-over')?.click();
      const changed = aSchedule({ id: 's-1', delegatedBy: { id: 'u-2', name: 'bob' }, updatedAt: '2026-12-01T06:13:00Z' });
      http.expectOne('/v1/schedules/s-1/delegation').flush(changed);
      const schedule = await nextRequest(http, '/v1/schedules/s-1', 300);
      const runs = await nextRequest(http, RUNS, 300);
      schedule.flush(changed);
      runs.flush({ items: [], total: 0, limit: 10, offset: 0 });
      const updated = event({ id: 'ev-13', type: 'peak.schedule.updated', time: '2026-12-01T06:13:00Z' });
      http.expectOne(EVENTS).flush({ items: [updated, ...page('ev', 12, 4)], total: 13, limit: 10, offset: 0 });
      await fixture.whenStable();

      const shown = [...root.querySelectorAll('ol.events > li')].map((li) => li.querySelector('time')?.getAttribute('datetime'));
      expect(shown).toEqual([updated.time, ...page('ev', 12, 1).map((e) => e.time)]);
      expect(entries(root)[0]?.label).toBe('Schedule updated');
      expect(eventsCard(root)?.querySelector('button.show-more')).toBeNull();
      fixture.destroy();
    });

    describe('polls', () => {
      const provisioning = run({ state: 'provisioning', updatedAt: '2026-12-01T06:55:00Z' });

      /** The page with its first answers given, one run provisioning and one event; the next poll pending. */
      async function polled() {
        const { fixture, http, scheduleRequest } = await render();
        scheduleRequest?.flush(aSchedule({ id: 's-1' }));
        flushRuns(http, [provisioning]);
        flushEvents(http, [event({ id: 'ev-1', type: 'peak.run.provisioning', runId: 'run-1' })]);
        await fixture.whenStable();
        const schedule = await nextRequest(http, '/v1/schedules/s-1', 4000);
        const runs = await nextRequest(http, RUNS, 300);
        return { fixture, http, schedule, runs };
      }

      it('does not read the events on a poll that finds the schedule and its runs unchanged', async () => {
        const { fixture, http, schedule, runs } = await polled();
        schedule.flush(aSchedule({ id: 's-1' }));
        runs.flush({ items: [provisioning], total: 1, limit: 10, offset: 0 });
        await fixture.whenStable();

        http.expectNone(EVENTS);
        expect(eventsCard(fixture.nativeElement as HTMLElement)?.querySelectorAll('ol.events > li')).toHaveLength(1);
        fixture.destroy();
      });

      it("reads the events in the poll that finds a run's state changed, and shows the new one", async () => {
        const { fixture, http, schedule, runs } = await polled();
        schedule.flush(aSchedule({ id: 's-1' }));
        runs.flush({ items: [{ ...provisioning, state: 'active', updatedAt: '2026-12-01T06:56:30Z' }], total: 1, limit: 10, offset: 0 });
        flushEvents(http, [
          event({ id: 'ev-2', type: 'peak.run.ready', time: '2026-12-01T06:56:30Z', runId: 'run-1' }),
          event({ id: 'ev-1', type: 'peak.run.provisioning', runId: 'run-1' }),
        ]);
        await fixture.whenStable();

        expect(entries(fixture.nativeElement as HTMLElement).map((e) => e.label)).toEqual(['Run ready', 'Run provisioning']);
        fixture.destroy();
      });

      it('reads the events in the poll that finds a new run', async () => {
        const { fixture, http, schedule, runs } = await polled();
        schedule.flush(aSchedule({ id: 's-1' }));
        runs.flush({ items: [run({ id: 'run-2' }), provisioning], total: 2, limit: 10, offset: 0 });

        http.expectOne(EVENTS);
        fixture.destroy();
      });

      it('reads the events again on the next poll after a failed read, without a change', async () => {
        const { fixture, http } = await renderWithEventsFailed();
        const runs = await nextRequest(http, RUNS, 4000);
        runs.flush({ items: [], total: 0, limit: 10, offset: 0 });
        flushEvents(http, [event({})]);
        await fixture.whenStable();

        expect(eventsCard(fixture.nativeElement as HTMLElement)?.querySelector('[role="alert"]')).toBeNull();
        expect(entries(fixture.nativeElement as HTMLElement).map((e) => e.label)).toEqual(['Schedule created']);
        fixture.destroy();
      });
    });
  });

  describe('project and history', () => {
    const text = (element: Element | null | undefined) => element?.textContent?.replace(/\s+/g, ' ').trim();

    it("shows the schedule's project by name and id, who created it and who changed it last, with when", async () => {
      const { fixture, scheduleRequest } = await render();
      scheduleRequest?.flush(
        aSchedule({
          id: 's-1',
          createdAt: '2026-11-01T08:00:00Z',
          updatedAt: '2026-11-20T09:30:00Z',
          createdBy: { id: 'u-1', name: 'alice' },
          updatedBy: { id: 'u-2', name: 'bob' },
        }),
      );
      await fixture.whenStable();
      const root = fixture.nativeElement as HTMLElement;

      const settings = [...root.querySelectorAll('dl.settings dt')].map((dt) => [text(dt), text(dt.nextElementSibling)]);
      expect(settings).toContainEqual(['Project', 'demo c0ffee00c0ffee00c0ffee00c0ffee00']);
      expect(text(root.querySelector('.audit .created'))).toMatch(/^Created by alice .*2026/);
      expect(text(root.querySelector('.audit .updated'))).toMatch(/^Last changed by bob .*2026/);
      expect(text(root.querySelector('.audit .created .when'))).not.toBe(text(root.querySelector('.audit .updated .when')));
      fixture.destroy();
    });

    it('names whose roles the VMs are made with, and lets a writer delegate their own instead', async () => {
      const { fixture, http, scheduleRequest } = await render(true);
      scheduleRequest?.flush(aSchedule({ id: 's-1', delegatedBy: { id: 'u-1', name: 'alice' } }));
      await fixture.whenStable();
      const root = fixture.nativeElement as HTMLElement;
      expect(text(root.querySelector('.audit .delegated'))).toMatch(/^VMs are made with the roles alice delegated/);

      const success = jest.spyOn(TestBed.inject(Notifier), 'success');
      root.querySelector<HTMLButtonElement>('.audit .delegated button.take-over')?.click();
      const renew = http.expectOne('/v1/schedules/s-1/delegation');
      expect(renew.request.method).toBe('POST');
      renew.flush(aSchedule({ id: 's-1', delegatedBy: { id: 'u-2', name: 'bob' }, updatedBy: { id: 'u-2', name: 'bob' } }));
      expect(success).toHaveBeenCalledWith('The engine now makes the VMs of “Weekday mornings” with the roles of bob.');
      // The page reads the schedule again at once.
      let again = http.match('/v1/schedules/s-1');
      for (let i = 0; i < 100 && again.length === 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        again = http.match('/v1/schedules/s-1');
      }
      expect(again.length).toBeGreaterThan(0);
      fixture.destroy();
    });

    it('offers no delegation change to a reader, and names none when the service account needs no trust', async () => {
      const reader = await render(false);
      reader.scheduleRequest?.flush(aSchedule({ id: 's-1' }));
      await reader.fixture.whenStable();
      const root = reader.fixture.nativeElement as HTMLElement;
      expect(root.querySelector('.audit .delegated')).not.toBeNull();
      expect(root.querySelector('.audit .delegated button')).toBeNull();
      reader.fixture.destroy();
      TestBed.resetTestingModule();

      const own = await render(true);
      own.scheduleRequest?.flush(aSchedule({ id: 's-1', delegatedBy: null }));
      await own.fixture.whenStable();
      expect((own.fixture.nativeElement as HTMLElement).querySelector('.audit .delegated')).toBeNull();
      own.fixture.destroy();
    });

    it('leaves out who when the API does not know, and the last change until there is one', async () => {
      const { fixture, scheduleRequest } = await render();
      scheduleRequest?.flush(aSchedule({ id: 's-1', createdBy: null, updatedBy: null }));
      await fixture.whenStable();
      const root = fixture.nativeElement as HTMLElement;

      expect(text(root.querySelector('.audit .created'))).toMatch(/^Created \S.*2026/);
      expect(text(root.querySelector('.audit .created'))).not.toContain(' by ');
      expect(root.querySelector('.audit .updated')).toBeNull();
      fixture.destroy();
    });
  });

  describe('launch options', () => {
    function launchRows(root: HTMLElement): [string, string][] {
      const card = root.querySelector('mat-card[aria-labelledby="launch-heading"]');
      const terms = [...(card?.querySelectorAll('dt') ?? [])].map((dt) => dt.textContent?.trim() ?? '');
      const values = [...(card?.querySelectorAll('dd') ?? [])].map((dd) => dd.textContent?.trim() ?? '');
      return terms.map((term, i) => [term, values[i] ?? '']);
    }

    it('says Nova defaults when none is set', async () => {
      const { fixture, scheduleRequest } = await render();
      scheduleRequest?.flush(aSchedule({ id: 's-1', launch: {} }));
      await fixture.whenStable();
      const root = fixture.nativeElement as HTMLElement;

      expect(root.querySelector('#launch-heading')?.textContent).toBe('Launch options');
      expect(root.querySelector('.launch-defaults')?.textContent).toContain('Nova defaults');
      expect(launchRows(root)).toEqual([]);
      fixture.destroy();
    });

    it('lists each option that is set, readably', async () => {
      const { fixture, scheduleRequest } = await render();
      scheduleRequest?.flush(
        aSchedule({
          id: 's-1',
          launch: {
            keyName: 'ops-key',
            securityGroups: ['default', 'web'],
            userData: '#cloud-config\npackages: [nginx]\n',
            metadata: { role: 'web', team: 'shop' },
            tags: ['black-friday', 'web'],
            spreadAcrossZones: true,
            serverGroup: { policy: 'soft-anti-affinity' },
            bootVolume: { sizeGiB: 40, volumeType: 'ssd', deleteOnTermination: false },
            configDrive: true,
            description: 'Shop front',
            hostnamePrefix: 'web',
          },
        }),
      );
      await fixture.whenStable();
      const root = fixture.nativeElement as HTMLElement;

      expect(root.querySelector('.launch-defaults')).toBeNull();
      expect(launchRows(root)).toEqual([
        ['Key pair', 'ops-key'],
        ['Security groups', 'default, web'],
        ['User data', '32 bytes, first line “#cloud-config”'],
        ['Metadata', 'role=web, team=shop'],
        ['Tags', 'black-friday, web'],
        ['Availability zone', 'Spread across the available zones'],
        ['Server group', 'New group per run, soft anti-affinity'],
        ['Boot volume', '40 GiB, ssd, kept after the VM'],
        ['Config drive', 'Yes'],
        ['VM description', 'Shop front'],
        ['Hostnames', 'web-1, web-2…'],
      ]);
      fixture.destroy();
    });

    it('names one zone, an existing server group and a boot volume of the default type', async () => {
      const { fixture, scheduleRequest } = await render();
      scheduleRequest?.flush(
        aSchedule({
          id: 's-1',
          launch: { availabilityZone: 'az-2', serverGroup: { id: 'grp-1' }, bootVolume: { sizeGiB: 20, deleteOnTermination: true } },
        }),
      );
      await fixture.whenStable();

      expect(launchRows(fixture.nativeElement as HTMLElement)).toEqual([
        ['Availability zone', 'az-2'],
        ['Server group', 'Existing group grp-1'],
        ['Boot volume', '20 GiB, default type, deleted with the VM'],
      ]);
      fixture.destroy();
    });
  });
});
