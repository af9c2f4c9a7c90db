import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting, TestRequest } from '@angular/common/http/testing';
import { Component, input, signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { provideRouter, Router, withComponentInputBinding } from '@angular/router';
import { RouterTestingHarness } from '@angular/router/testing';
import type { CapacityDto, ScheduleDto } from '@peak/api-client';
import { BROWSER_TIME_ZONE, Notifier, PROJECT_SCOPE, ProjectScope } from '@peak/web/util';
import { DemandChartView } from '../demand-chart/demand-chart';
import { DemandChart } from '../timeline.model';
import { TIMELINE_CLOCK, TimelinePage } from './timeline-page';

/** Chart.js needs a real canvas (jsdom has none): the page's part is the model it hands over. */
@Component({ selector: 'peak-demand-chart', template: '{{ chart().resource }} {{ chart().available }}' })
class FakeDemandChart {
  readonly chart = input.required<DemandChart>();
  readonly range = input.required<unknown>();
  readonly colours = input<unknown>();
}

const NOW = new Date('2026-12-16T09:00:00.000Z');

const capacity = (projectId = 'p1'): CapacityDto => ({
  projectId,
  from: '2026-12-14T00:00:00.000Z',
  to: '2026-12-21T00:00:00.000Z',
  fits: true,
  reason: null,
  resources: [
    { resource: 'instances', limit: 10, usageNotOurs: 0, available: 10, steps: [] },
    { resource: 'vcpus', limit: 20, usageNotOurs: 2, available: 18, steps: [] },
    { resource: 'ramMb', limit: 51200, usageNotOurs: 0, available: 51200, steps: [] },
  ],
  contributions: [
    {
      schedule: { id: 's1', name: 'Nightly' },
      from: '2026-12-15T01:50:00.000Z',
      to: '2026-12-15T05:00:00.000Z',
      instances: 2,
      vcpus: 4,
      ramMb: 8192,
      volumeGb: 0,
    },
    {
      schedule: { id: 's1', name: 'Nightly' },
      from: '2026-12-17T01:50:00.000Z',
      to: '2026-12-17T05:00:00.000Z',
      instances: 2,
      vcpus: 4,
      ramMb: 8192,
      volumeGb: 0,
    },
  ],
  conflicts: [],
});
const schedule = {
  id: 's1',
  name: 'Nightly',
  enabled: true,
  timeZone: 'UTC',
  projectId: 'p1',
  projectName: 'demo',
  window: { type: 'recurring', cron: '0 2 * * *', durationMinutes: 180, excludedDates: ['2026-12-16'] },
} as unknown as ScheduleDto;

describe(TimelinePage.name, () => {
  let http: HttpTestingController;
  const scope = signal<ProjectScope>({ cloudAdmin: false, projectName: 'demo' });

  async function render(url: string) {
    TestBed.configureTestingModule({
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        provideRouter(
          [
            { path: 'timeline', component: TimelinePage },
            { path: 'schedules/:id', children: [] },
            { path: 'schedules/:id/runs/:runId', children: [] },
          ],
          withComponentInputBinding(),
        ),
        { provide: TIMELINE_CLOCK, useValue: () => NOW },
        { provide: BROWSER_TIME_ZONE, useValue: 'UTC' },
        { provide: PROJECT_SCOPE, useValue: scope.asReadonly() },
        { provide: Notifier, useValue: { error: () => undefined, success: () => undefined } },
      ],
    });
    TestBed.overrideComponent(TimelinePage, { remove: { imports: [DemandChartView] }, add: { imports: [FakeDemandChart] } });
    http = TestBed.inject(HttpTestingController);
    const harness = await RouterTestingHarness.create(url);
    return harness;
  }

  function expectCapacity(from: string, to: string, projectId: string | null = null): TestRequest {
    return http.expectOne(
      (r) =>
        r.url === '/v1/capacity' && r.params.get('from') === from && r.params.get('to') === to && r.params.get('projectId') === projectId,
    );
  }

  afterEach(() => {
    http.verify();
    scope.set({ cloudAdmin: false, projectName: 'demo' });
  });

  it("loads this week's capacity in the viewer's zone and shows each schedule's windows and excluded dates", async () => {
    const harness = await render('/timeline');
    expectCapacity('2026-12-14T00:00:00.000Z', '2026-12-21T00:00:00.000Z').flush(capacity());
    await harness.fixture.whenStable();
    http.expectOne('/v1/schedules?sort=name&limit=100').flush({ items: [schedule], total: 1, limit: 100, offset: 0 });
    await harness.fixture.whenStable();
    const root = harness.routeNativeElement as HTMLElement;

    expect(root.querySelector('.range-label')?.textContent).toMatch(/December 14, 2026|14 December 2026/);
    expect([...root.querySelectorAll('.day')].map((d) => d.getAttribute('data-date'))).toEqual([
      '2026-12-14',
      '2026-12-15',
      '2026-12-16',
      '2026-12-17',
      '2026-12-18',
      '2026-12-19',
      '2026-12-20',
    ]);
    const bars = [...root.querySelectorAll('[data-schedule="Nightly"] button.bar')];
    expect(bars.map((b) => b.getAttribute('data-from'))).toEqual(['2026-12-15T01:50:00.000Z', '2026-12-17T01:50:00.000Z']);
    expect(bars[0]?.getAttribute('aria-label')).toMatch(/^Nightly: .*01:50( AM)? to 05:00( AM)? GMT\+0, 2 VMs, 4 vCPUs$/);
    expect(root.querySelector('[data-schedule="Nightly"] .gap')?.getAttribute('data-date')).toBe('2026-12-16');
    // vCPUs by default, with their quota line.
    expect(root.querySelector('peak-demand-chart')?.textContent?.trim()).toBe('vcpus 18');
    expect(root.querySelector('mat-card-subtitle')?.textContent).toContain('in UTC');
  });

  it('steps to the next month, in a chosen zone, with its DST day marked', async () => {
    const harness = await render('/timeline?scale=month&date=2026-02-10&zone=Europe/Paris&resource=instances');
    expectCapacity('2026-01-31T23:00:00.000Z', '2026-02-28T23:00:00.000Z').flush(capacity());
    await harness.fixture.whenStable();
    http.expectOne('/v1/schedules?sort=name&limit=100').flush({ items: [], total: 0, limit: 100, offset: 0 });
    await harness.fixture.whenStable();
    const root = harness.routeNativeElement as HTMLElement;
    expect(root.querySelector('peak-demand-chart')?.textContent?.trim()).toBe('instances 10');

    root.querySelector<HTMLButtonElement>('button[aria-label="Next month"]')?.click();
    await harness.fixture.whenStable();
    expect(TestBed.inject(Router).url).toContain('date=2026-03-01');
    expectCapacity('2026-02-28T23:00:00.000Z', '2026-03-31T22:00:00.000Z').flush(capacity());
    await harness.fixture.whenStable();
    http.expectOne('/v1/schedules?sort=name&limit=100').flush({ items: [], total: 0, limit: 100, offset: 0 });
    await harness.fixture.whenStable();
    const dst = [...root.querySelectorAll('.day.dst')].map((d) => d.getAttribute('data-date'));
    expect(dst).toEqual(['2026-03-29']);
  });

  it('opens the run of a past window, and the schedule of a future one', async () => {
    const harness = await render('/timeline');
    expectCapacity('2026-12-14T00:00:00.000Z', '2026-12-21T00:00:00.000Z').flush(capacity());
    await harness.fixture.whenStable();
    http.expectOne('/v1/schedules?sort=name&limit=100').flush({ items: [schedule], total: 1, limit: 100, offset: 0 });
    await harness.fixture.whenStable();
    const root = harness.routeNativeElement as HTMLElement;
    const router = TestBed.inject(Router);
    const [past, future] = [...root.querySelectorAll<HTMLButtonElement>('button.bar')];

    past?.click();
    http.expectOne('/v1/schedules/s1/runs?limit=100').flush({
      items: [
        { id: 'r2', windowStart: '2026-12-17T02:00:00.000Z', windowEnd: '2026-12-17T05:00:00.000Z' },
        { id: 'r1', windowStart: '2026-12-15T02:00:00.000Z', windowEnd: '2026-12-15T05:00:00.000Z' },
      ],
      total: 2,
      limit: 100,
      offset: 0,
    });
    await harness.fixture.whenStable();
    expect(router.url).toBe('/schedules/s1/runs/r1');

    await harness.navigateByUrl('/timeline');
    expectCapacity('2026-12-14T00:00:00.000Z', '2026-12-21T00:00:00.000Z').flush(capacity());
    await harness.fixture.whenStable();
    http.expectOne('/v1/schedules?sort=name&limit=100').flush({ items: [schedule], total: 1, limit: 100, offset: 0 });
    await harness.fixture.whenStable();
    const again = [...(harness.routeNativeElement as HTMLElement).querySelectorAll<HTMLButtonElement>('button.bar')];
    expect(future).toBeDefined();
    again[1]?.click();
    await harness.fixture.whenStable();
    expect(router.url).toBe('/schedules/s1');
  });

  it("lets a cloud admin pick another project's timeline", async () => {
    scope.set({ cloudAdmin: true, projectName: 'admin' });
    const harness = await render('/timeline?project=p2');
    http
      .expectOne('/v1/schedules?limit=100')
      .flush({ items: [schedule, { ...schedule, id: 's2', projectId: 'p2', projectName: 'other' }], total: 2, limit: 100, offset: 0 });
    expectCapacity('2026-12-14T00:00:00.000Z', '2026-12-21T00:00:00.000Z', 'p2').flush(capacity('p2'));
    await harness.fixture.whenStable();
    http.expectOne('/v1/schedules?sort=name&limit=100&projectId=p2').flush({ items: [], total: 0, limit: 100, offset: 0 });
    await harness.fixture.whenStable();
    const root = harness.routeNativeElement as HTMLElement;
    expect(root.querySelector('mat-select')?.textContent).toContain('other');
  });
});
