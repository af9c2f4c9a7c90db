import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { Provider } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { Title } from '@angular/platform-browser';
import { provideRouter } from '@angular/router';
import { RunDto, RunVmDto } from '@peak/api-client';
import { BROWSER_TIME_ZONE, DisplayZone, Notifier } from '@peak/web/util';
import { aSchedule } from '../testing/fixtures';
import { RunDetailPage } from './run-detail-page';

const aRun = (overrides: Partial<RunDto> = {}): RunDto => ({
  id: 'run-1',
  scheduleId: 's-1',
  scheduleName: 'Weekday mornings',
  state: 'partial',
  shortfallReason: 'quota',
  expectedShortfall: null,
  windowStart: '2026-12-01T07:00:00Z',
  windowEnd: '2026-12-01T09:00:00Z',
  provisionAt: '2026-12-01T06:55:00Z',
  startedAt: '2026-12-01T06:57:05Z',
  readyAt: null,
  endedAt: '2026-12-01T09:00:02Z',
  tornDownAt: '2026-12-01T09:01:10Z',
  teardownOverdueAt: null,
  latenessSeconds: 125,
  desiredCount: 2,
  stoppedAt: null,
  stoppedBy: null,
  lastError: { message: 'Quota exceeded for instances', requestId: 'req-42', at: '2026-12-01T06:57:30Z' },
  createdAt: '2026-12-01T06:55:00Z',
  updatedAt: '2026-12-01T09:01:10Z',
  vms: [aVm(1, 'DELETED', 'srv-aaa'), aVm(2, 'FAILED', null, 'Quota exceeded for instances')],
  ...overrides,
});

function aVm(slot: number, status: string, serverId: string | null, faultMessage: string | null = null): RunVmDto {
  return {
    id: `vm-${slot}`,
    slot,
    name: `peak-${slot}`,
    serverId,
    status,
    attempts: faultMessage ? 3 : 1,
    faultMessage,
    shortfallReason: faultMessage ? 'quota' : null,
    createdAt: serverId ? '2026-12-01T06:57:06Z' : null,
    activeAt: serverId ? '2026-12-01T06:58:00Z' : null,
    deletedAt: serverId ? '2026-12-01T09:01:10Z' : null,
    member: null,
  };
}

describe(RunDetailPage.name, () => {
  let http: HttpTestingController;

  async function render(runId = 'run-1', extra: Provider[] = []) {
    TestBed.configureTestingModule({
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        provideRouter([]),
        { provide: Notifier, useValue: { error: () => undefined, success: () => undefined } },
        ...extra,
      ],
    });
    http = TestBed.inject(HttpTestingController);
    const fixture = TestBed.createComponent(RunDetailPage);
    fixture.componentRef.setInput('id', 's-1');
    fixture.componentRef.setInput('runId', runId);
    await fixture.whenStable();
    return fixture;
  }

  /** Waits for the first poll of the runs (it starts on a timer). */
  async function runsRequest(offset = 0) {
    const url = `/v1/schedules/s-1/runs?limit=100&offset=${offset}`;
    // `match` takes the requests it finds off the pending ones.
    let found = http.match(url);
    for (let i = 0; i < 200 && found.length === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      found = http.match(url);
    }
    expect(found).toHaveLength(1);
    return found[0] as (typeof found)[0];
  }

  const texts = (root: HTMLElement, selector: string) => [...root.querySelectorAll(selector)].map((e) => e.textContent?.trim());

  it('shows the planned and actual start, lateness, ready, end and teardown times in the schedule zone', async () => {
    const fixture = await render();
    http.expectOne('/v1/schedules/s-1').flush(aSchedule({ id: 's-1' }));
    (await runsRequest()).flush({ items: [aRun({ id: 'run-0' }), aRun()], total: 2, limit: 100, offset: 0 });
    await fixture.whenStable();
    const root = fixture.nativeElement as HTMLElement;

    expect(root.querySelector('h1')?.textContent).toBe('Run Tue, Dec 1, 2026, 08:00 AM – 10:00 AM GMT+1');
    expect(root.querySelector('peak-page-header peak-state-chip')?.getAttribute('data-state')).toBe('partial');
    const times = Object.fromEntries(
      [...root.querySelectorAll('dl.times dt')].map((dt) => [dt.textContent?.trim(), dt.nextElementSibling?.textContent?.trim()]),
    );
    expect(times).toEqual({
      'Planned start': 'Tue, Dec 1, 2026, 07:55 AM GMT+1',
      'Actual start': 'Tue, Dec 1, 2026, 07:57 AM GMT+1',
      Lateness: '2 min 5 s late',
      'All VMs ready': '—',
      Window: 'Tue, Dec 1, 2026, 08:00 AM GMT+1 – Tue, Dec 1, 2026, 10:00 AM GMT+1',
      Ended: 'Tue, Dec 1, 2026, 10:00 AM GMT+1',
      'Torn down': 'Tue, Dec 1, 2026, 10:01 AM GMT+1',
      'VMs reached ACTIVE': '1 / 2',
    });
    expect(root.querySelector('.shortfall-line')?.textContent?.trim()).toBe('warning Partial: quota, 1 of 2');
    expect(root.querySelector('.error-line')?.textContent).toContain('Quota exceeded for instances');
    expect(root.querySelector('.error-line')?.textContent).toContain('(req-42)');
    expect(TestBed.inject(Title).getTitle()).toBe('Run Tue, Dec 1, 2026, 08:00 AM – 10:00 AM GMT+1 · Weekday mornings · Peak Scheduler');
    fixture.destroy();
  });

  it('says who stopped a run early, and when', async () => {
    const fixture = await render();
    http.expectOne('/v1/schedules/s-1').flush(aSchedule({ id: 's-1' }));
    const stopped = aRun({
      state: 'stopped',
      shortfallReason: null,
      lastError: null,
      stoppedAt: '2026-12-01T08:30:00Z',
      stoppedBy: { id: 'u-2', name: 'bob' },
    });
    (await runsRequest()).flush({ items: [stopped], total: 1, limit: 100, offset: 0 });
    await fixture.whenStable();
    const root = fixture.nativeElement as HTMLElement;

    expect(root.querySelector('peak-page-header peak-state-chip')?.textContent).toContain('Stopped');
    expect(root.querySelector('dd.stopped')?.textContent?.trim()).toBe('Tue, Dec 1, 2026, 09:30 AM GMT+1, by bob');
    // Its teardown was on time: nothing said of it.
    expect(root.querySelector('dd.teardown-overdue')).toBeNull();
    fixture.destroy();
  });

  it('says when a teardown became overdue', async () => {
    const fixture = await render();
    http.expectOne('/v1/schedules/s-1').flush(aSchedule({ id: 's-1' }));
    const late = aRun({ state: 'tearing-down', tornDownAt: null, teardownOverdueAt: '2026-12-01T08:15:02Z' });
    (await runsRequest()).flush({ items: [late], total: 1, limit: 100, offset: 0 });
    await fixture.whenStable();
    const root = fixture.nativeElement as HTMLElement;
    expect(root.querySelector('dd.teardown-overdue')?.textContent?.trim()).toBe(
      'VMs were still in the cloud at Tue, Dec 1, 2026, 09:15 AM GMT+1; the engine keeps deleting them',
    );
    fixture.destroy();
  });

  it('shows its times in the viewer’s zone once they choose theirs, with that zone named', async () => {
    const fixture = await render('run-1', [{ provide: BROWSER_TIME_ZONE, useValue: 'America/New_York' }]);
    http.expectOne('/v1/schedules/s-1').flush(aSchedule({ id: 's-1', timeZone: 'Europe/Paris' }));
    (await runsRequest()).flush({ items: [aRun()], total: 1, limit: 100, offset: 0 });
    await fixture.whenStable();
    const root = fixture.nativeElement as HTMLElement;
    const planned = () => root.querySelector('dd.planned')?.textContent?.trim();
    const zoneName = () => root.querySelector('mat-card[aria-labelledby="times-heading"] mat-card-subtitle')?.textContent?.trim();
    expect(planned()).toBe('Tue, Dec 1, 2026, 07:55 AM GMT+1');
    expect(zoneName()).toBe('Europe/Paris');

    TestBed.inject(DisplayZone).set('mine');
    await fixture.whenStable();
    expect(planned()).toBe('Tue, Dec 1, 2026, 01:55 AM GMT-5');
    expect(zoneName()).toBe('America/New_York');
    expect(root.querySelector('h1')?.textContent).toBe('Run Tue, Dec 1, 2026, 02:00 AM – 04:00 AM GMT-5');
    fixture.destroy();
  });

  it('lists each VM with its server id, status, attempts, times and fault', async () => {
    const fixture = await render();
    http.expectOne('/v1/schedules/s-1').flush(aSchedule({ id: 's-1' }));
    (await runsRequest()).flush({ items: [aRun()], total: 1, limit: 100, offset: 0 });
    await fixture.whenStable();
    const root = fixture.nativeElement as HTMLElement;

    expect(texts(root, 'th')).toEqual(['Slot', 'VM', 'Server id', 'Status', 'Attempts', 'Created', 'Active', 'Deleted', 'Fault']);
    const rows = [...root.querySelectorAll('tr[mat-row]')].map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent?.trim()));
    expect(rows).toEqual([
      [
        '1',
        'peak-1',
        'srv-aaa',
        'DELETED',
        '1',
        'Tue, Dec 1, 2026, 07:57 AM GMT+1',
        'Tue, Dec 1, 2026, 07:58 AM GMT+1',
        'Tue, Dec 1, 2026, 10:01 AM GMT+1',
        '',
      ],
      ['2', 'peak-2', '—', 'FAILED', '3', '—', '—', '—', 'Quota exceeded for instances'],
    ]);
    fixture.destroy();
  });

  it('shows each VM’s place in the load balancer pool: its state, address and the time of each step', async () => {
    const fixture = await render();
    http.expectOne('/v1/schedules/s-1').flush(aSchedule({ id: 's-1' }));
    const online = {
      state: 'online',
      memberId: 'm-1',
      address: '10.0.0.11',
      joinedAt: '2026-12-01T06:58:05Z',
      onlineAt: '2026-12-01T06:58:30Z',
      drainingAt: null,
      removedAt: null,
    } as const;
    const pending = { ...online, state: 'pending', memberId: null, address: null, joinedAt: null, onlineAt: null } as const;
    const vms = [
      { ...aVm(1, 'ACTIVE', 'srv-aaa'), member: online },
      { ...aVm(2, 'BUILD', 'srv-bbb'), member: pending },
    ];
    (await runsRequest()).flush({ items: [aRun({ state: 'provisioning', vms })], total: 1, limit: 100, offset: 0 });
    await fixture.whenStable();
    const root = fixture.nativeElement as HTMLElement;

    expect(texts(root, 'th')).toContain('Load balancer');
    expect(texts(root, 'td.member peak-state-chip .label')).toEqual(['Online', 'Pending']);
    expect(texts(root, 'td.member .address')).toEqual(['10.0.0.11']);
    expect(texts(root, 'td.member .step')).toEqual(['Joined Tue, Dec 1, 2026, 07:58 AM GMT+1', 'Online Tue, Dec 1, 2026, 07:58 AM GMT+1']);
    fixture.destroy();
  });

  it('says a run started on time, and what a live run has not done yet', async () => {
    const fixture = await render();
    http.expectOne('/v1/schedules/s-1').flush(aSchedule({ id: 's-1' }));
    const live = aRun({ state: 'active', shortfallReason: null, latenessSeconds: 0.4, endedAt: null, tornDownAt: null, lastError: null });
    (await runsRequest()).flush({ items: [live], total: 1, limit: 100, offset: 0 });
    await fixture.whenStable();
    const root = fixture.nativeElement as HTMLElement;

    expect(root.querySelector('dd.lateness')?.textContent?.trim()).toBe('On time');
    expect(root.querySelector('dd.ended')?.textContent?.trim()).toBe('—');
    expect(texts(root, 'dl.times dt')).toContain('VMs active');
    fixture.destroy();
  });

  it('finds a run beyond the first page of runs', async () => {
    const fixture = await render('run-old');
    http.expectOne('/v1/schedules/s-1').flush(aSchedule({ id: 's-1' }));
    const many = Array.from({ length: 100 }, (_, i) => aRun({ id: `run-${i}` }));
    (await runsRequest()).flush({ items: many, total: 101, limit: 100, offset: 0 });
    (await runsRequest(100)).flush({ items: [aRun({ id: 'run-old', desiredCount: 7 })], total: 101, limit: 100, offset: 100 });
    await fixture.whenStable();

    expect((fixture.nativeElement as HTMLElement).querySelector('dd.count')?.textContent?.trim()).toBe('1 / 7');
    fixture.destroy();
  });

  it('says when the schedule has no such run', async () => {
    const fixture = await render('run-gone');
    http.expectOne('/v1/schedules/s-1').flush(aSchedule({ id: 's-1' }));
    (await runsRequest()).flush({ items: [aRun()], total: 1, limit: 100, offset: 0 });
    await fixture.whenStable();
    const root = fixture.nativeElement as HTMLElement;

    expect(root.querySelector('peak-empty-state')?.textContent).toContain('No such run');
    expect(root.querySelector('peak-empty-state a')?.getAttribute('href')).toBe('/schedules/s-1');
    fixture.destroy();
  });

  it("still reads once its schedule is deleted, named as the run kept it, in the browser's zone", async () => {
    const fixture = await render();
    http.expectOne('/v1/schedules/s-1').flush({ message: 'Not found' }, { status: 404, statusText: 'Not Found' });
    (await runsRequest()).flush({ items: [aRun({ scheduleName: 'Old name' })], total: 1, limit: 100, offset: 0 });
    await fixture.whenStable();

    expect(TestBed.inject(Title).getTitle()).toMatch(/^Run .* · Old name · Peak Scheduler$/);
    expect((fixture.nativeElement as HTMLElement).querySelector('peak-page-header')?.textContent).toContain('Old name');
    fixture.destroy();
  });
});
