import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { BreakpointObserver } from '@angular/cdk/layout';
import { Provider } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { By } from '@angular/platform-browser';
import { MatPaginator } from '@angular/material/paginator';
import { provideRouter, Router, withComponentInputBinding } from '@angular/router';
import { RouterTestingHarness } from '@angular/router/testing';
import { RunSummaryDto, ScheduleDto } from '@peak/api-client';
import { of } from 'rxjs';
import { BROWSER_TIME_ZONE, DisplayZone, Notifier, ProjectScope } from '@peak/web/util';
import { CatalogNames } from '../shared/catalog-names';
import { ScheduleDeleter } from '../shared/schedule-deleter';
import { ScheduleSwitcher } from '../shared/schedule-switcher';
import { PAGE_CLOCK } from '../shared/page-clock';
import { aPageClock, aSchedule, CATALOG, CLOUD_ADMIN, MEMBER_OF_DEMO, provideProjectScope, provideWriteAccess } from '../testing/fixtures';
import { ScheduleListPage } from './schedule-list-page';

describe(ScheduleListPage.name, () => {
  let http: HttpTestingController;

  /**
   * The page at `url`, routed as the app routes it (query parameters bound to its inputs).
   * Without `canWrite`, nothing provides WRITE_ACCESS: its default lets the user write. Without `scope`, nothing
   * provides PROJECT_SCOPE: its default is no cloud admin.
   */
  async function render(url = '/schedules', canWrite?: boolean, scope?: ProjectScope, extra: Provider[] = []) {
    TestBed.configureTestingModule({
      providers: [
        ...extra,
        ...(canWrite === undefined ? [] : [provideWriteAccess(canWrite)]),
        ...(scope === undefined ? [] : [provideProjectScope(scope)]),
        provideHttpClient(),
        provideHttpClientTesting(),
        provideRouter([{ path: 'schedules', component: ScheduleListPage }], withComponentInputBinding()),
        CatalogNames,
        ScheduleDeleter,
        ScheduleSwitcher,
        { provide: Notifier, useValue: { error: () => undefined, success: () => undefined } },
      ],
    });
    http = TestBed.inject(HttpTestingController);
    const harness = await RouterTestingHarness.create();
    await harness.navigateByUrl(url, ScheduleListPage);
    const fixture = harness.fixture;
    await settle(fixture);
    http.expectOne('/v1/images').flush(CATALOG.images);
    http.expectOne('/v1/flavors').flush(CATALOG.flavors);
    http.expectOne('/v1/networks').flush(CATALOG.networks);
    return fixture;
  }

  /** Lets the page react (render, re-query, send its first poll, which waits for a zero-delay timer). */
  async function settle(fixture: { whenStable(): Promise<unknown> }) {
    await fixture.whenStable();
    await new Promise((resolve) => setTimeout(resolve));
    await fixture.whenStable();
  }

  /** `count` schedules named `Schedule <n>`, from the `first`. */
  function schedules(first: number, count: number): ScheduleDto[] {
    return Array.from({ length: count }, (_, i) =>
      aSchedule({ id: `a1b2c3d4-0000-4000-8000-${String(first + i).padStart(12, '0')}`, name: `Schedule ${first + i}` }),
    );
  }

  const page = (items: ScheduleDto[], total: number, limit: number, offset: number) => ({ items, total, limit, offset });
  const rowNames = (root: HTMLElement) => [...root.querySelectorAll('tr[mat-row]')].map((row) => row.getAttribute('data-schedule'));

  it('shows an empty state with a way to create the first schedule', async () => {
    const fixture = await render();
    http.expectOne('/v1/schedules?limit=50&offset=0').flush({ items: [], total: 0, limit: 50, offset: 0 });
    await fixture.whenStable();

    const empty = (fixture.nativeElement as HTMLElement).querySelector('peak-empty-state');
    expect(empty?.textContent).toContain('No schedules yet');
    expect(empty?.querySelector('a')?.getAttribute('href')).toBe('/schedules/new');
    fixture.destroy();
  });

  it('lists schedules with names instead of ids, the window in their zone, state chip and VMs up', async () => {
    const fixture = await render();
    http.expectOne('/v1/schedules?limit=50&offset=0').flush({
      items: [
        aSchedule({
          state: 'provisioning',
          latestRun: {
            id: 'r',
            state: 'provisioning',
            shortfallReason: null,
            activeCount: 1,
            desiredCount: 3,
            windowStart: '',
            windowEnd: '',
          },
          nextOccurrence: null,
        }),
        aSchedule({ id: 'a1b2c3d4-0000-4000-8000-000000000002', name: 'Off', state: 'disabled', enabled: false }),
        aSchedule({
          id: 'a1b2c3d4-0000-4000-8000-000000000003',
          name: 'Short',
          state: 'degraded',
          latestRun: {
            id: 'r3',
            state: 'degraded',
            shortfallReason: 'quota',
            activeCount: 3,
            desiredCount: 5,
            windowStart: '',
            windowEnd: '',
          },
        }),
      ],
      total: 3,
      limit: 50,
      offset: 0,
    });
    await fixture.whenStable();
    const rows = [...(fixture.nativeElement as HTMLElement).querySelectorAll('tr[mat-row]')];

    const cells = (row: Element | undefined) => [...(row?.querySelectorAll('td') ?? [])].map((td) => td.textContent?.trim());
    expect(cells(rows[0]).slice(0, 7)).toEqual([
      'Weekday mornings',
      'cirrosstandardprivate',
      '3',
      'Every weekday at 08:00, for 2 hEurope/Paris',
      'None left',
      'syncProvisioning',
      '1 / 3',
    ]);
    expect(rows[1]?.querySelector('peak-state-chip')?.getAttribute('data-state')).toBe('disabled');
    expect(cells(rows[1])[6]).toBe('—');
    expect(cells(rows[2])[6]).toBe('3 / 5 · quota');
    fixture.destroy();
  });

  it('enables or disables with the version it read', async () => {
    const fixture = await render();
    http.expectOne('/v1/schedules?limit=50&offset=0').flush({ items: [aSchedule({ version: 4 })], total: 1, limit: 50, offset: 0 });
    await fixture.whenStable();

    (fixture.nativeElement as HTMLElement).querySelector<HTMLButtonElement>('mat-slide-toggle button')?.click();
    const patch = http.expectOne((req) => req.method === 'PATCH');

    expect(patch.request.url).toBe('/v1/schedules/a1b2c3d4-0000-4000-8000-000000000001');
    expect(patch.request.body).toEqual({ enabled: false, version: 4 });
    fixture.destroy();
  });

  it('offers creating, enabling, editing and deleting to a user who may change schedules', async () => {
    const fixture = await render('/schedules', true);
    http.expectOne('/v1/schedules?limit=50&offset=0').flush({ items: [aSchedule()], total: 1, limit: 50, offset: 0 });
    await fixture.whenStable();
    const root = fixture.nativeElement as HTMLElement;

    expect(root.querySelector('peak-page-header a')?.textContent).toContain('New schedule');
    expect(root.querySelector('mat-slide-toggle')).not.toBeNull();
    expect(root.querySelector('a[aria-label="Edit Weekday mornings"]')?.getAttribute('href')).toBe(
      '/schedules/a1b2c3d4-0000-4000-8000-000000000001/edit',
    );
    expect(root.querySelector('button[aria-label="Delete Weekday mornings"]')).not.toBeNull();
    expect(root.querySelector('peak-read-only-hint')).toBeNull();
    fixture.destroy();
  });

  it('shows a reader the schedules without ways to create, enable, edit or delete them, and says why', async () => {
    const fixture = await render('/schedules', false);
    http.expectOne('/v1/schedules?limit=50&offset=0').flush({
      items: [aSchedule(), aSchedule({ id: 'a1b2c3d4-0000-4000-8000-000000000002', name: 'Off', state: 'disabled', enabled: false })],
      total: 2,
      limit: 50,
      offset: 0,
    });
    await fixture.whenStable();
    const root = fixture.nativeElement as HTMLElement;

    expect([...root.querySelectorAll('tr[mat-row]')].map((row) => row.getAttribute('data-schedule'))).toEqual(['Weekday mornings', 'Off']);
    expect(root.querySelector('a[href="/schedules/new"]')).toBeNull();
    expect(root.querySelector('peak-page-header')?.textContent).not.toContain('New schedule');
    expect(root.querySelectorAll('mat-slide-toggle')).toHaveLength(0);
    expect(root.querySelectorAll('a[href$="/edit"], [aria-label^="Edit "], [aria-label^="Delete "]')).toHaveLength(0);
    expect([...root.querySelectorAll('th')].map((th) => th.textContent?.trim())).not.toContain('Enabled');
    // Whether a schedule is enabled is still on screen, in its state.
    expect(root.querySelectorAll('tr[mat-row]')[1]?.querySelector('peak-state-chip')?.getAttribute('data-state')).toBe('disabled');
    expect(root.querySelector('peak-read-only-hint')?.textContent).toContain(
      'Read-only: your role can view schedules but not change them.',
    );
    fixture.destroy();
  });

  it('offers a reader no way to create the first schedule', async () => {
    const fixture = await render('/schedules', false);
    http.expectOne('/v1/schedules?limit=50&offset=0').flush({ items: [], total: 0, limit: 50, offset: 0 });
    await fixture.whenStable();
    const root = fixture.nativeElement as HTMLElement;

    expect(root.querySelector('peak-empty-state')?.textContent).toContain('No schedules yet');
    expect(root.querySelectorAll('a[href="/schedules/new"]')).toHaveLength(0);
    expect(root.querySelector('peak-read-only-hint')).not.toBeNull();
    fixture.destroy();
  });

  describe('pages', () => {
    const rangeLabel = (root: HTMLElement) => root.querySelector('.mat-mdc-paginator-range-label')?.textContent?.trim();

    it.each([
      ['/schedules', '/v1/schedules?limit=50&offset=0'],
      ['/schedules?page=3&size=25', '/v1/schedules?limit=25&offset=50'],
      ['/schedules?page=2&size=100', '/v1/schedules?limit=100&offset=100'],
      ['/schedules?page=2', '/v1/schedules?limit=50&offset=50'],
      // Invalid values mean the defaults: page 1, 50 a page.
      ['/schedules?page=0&size=30', '/v1/schedules?limit=50&offset=0'],
      ['/schedules?page=-2&size=abc', '/v1/schedules?limit=50&offset=0'],
      ['/schedules?page=1.5&size=1000', '/v1/schedules?limit=50&offset=0'],
      ['/schedules?page=2x&size=', '/v1/schedules?limit=50&offset=0'],
      ['/schedules?page=2&page=3&size=25', '/v1/schedules?limit=25&offset=0'],
      // Past the API's largest offset: asks for it (and then moves to the last page).
      ['/schedules?page=99999999&size=100', '/v1/schedules?limit=100&offset=1000000'],
    ])('reads %s as %s', async (url, request) => {
      const fixture = await render(url);
      http.expectOne(request).flush(page(schedules(1, 1), 1, 50, 0));
      fixture.destroy();
    });

    it("shows the API's total and pages through the address, keeping the rows on screen until the next page loads", async () => {
      const fixture = await render('/schedules?page=1&size=25');
      http.expectOne('/v1/schedules?limit=25&offset=0').flush(page(schedules(1, 25), 60, 25, 0));
      await settle(fixture);
      const root = fixture.nativeElement as HTMLElement;
      expect(rangeLabel(root)).toBe('1 – 25 of 60');
      expect(rowNames(root)).toHaveLength(25);

      root.querySelector<HTMLButtonElement>('button[aria-label="Next page"]')?.click();
      await settle(fixture);

      expect(TestBed.inject(Router).url).toBe('/schedules?page=2&size=25');
      expect(rowNames(root)[0]).toBe('Schedule 1');
      expect(root.querySelector('mat-progress-bar')).not.toBeNull();
      http.expectOne('/v1/schedules?limit=25&offset=25').flush(page(schedules(26, 25), 60, 25, 25));
      await settle(fixture);
      expect(rowNames(root)).toEqual(schedules(26, 25).map((s) => s.name));
      expect(rangeLabel(root)).toBe('26 – 50 of 60');
      expect(root.querySelector('mat-progress-bar')).toBeNull();
      fixture.destroy();
    });

    it('changes the page size in the address, keeping the first schedule shown on screen', async () => {
      const fixture = await render('/schedules?page=3&size=25');
      http.expectOne('/v1/schedules?limit=25&offset=50').flush(page(schedules(51, 10), 60, 25, 50));
      await settle(fixture);
      const paginator = fixture.debugElement.query(By.directive(MatPaginator)).componentInstance as MatPaginator;
      expect(paginator.pageSizeOptions).toEqual([25, 50, 100]);

      paginator._changePageSize(50);
      await settle(fixture);

      expect(TestBed.inject(Router).url).toBe('/schedules?page=2&size=50');
      http.expectOne('/v1/schedules?limit=50&offset=50').flush(page(schedules(51, 10), 60, 50, 50));
      await settle(fixture);
      expect(rangeLabel(fixture.nativeElement as HTMLElement)).toBe('51 – 60 of 60');
      fixture.destroy();
    });

    it('moves from a page past the end (after deletions, or typed in) to the last page', async () => {
      const fixture = await render('/schedules?page=5&size=25');
      http.expectOne('/v1/schedules?limit=25&offset=100').flush(page([], 60, 25, 100));
      await settle(fixture);

      expect(TestBed.inject(Router).url).toBe('/schedules?page=3&size=25');
      http.expectOne('/v1/schedules?limit=25&offset=50').flush(page(schedules(51, 10), 60, 25, 50));
      await settle(fixture);
      expect(rowNames(fixture.nativeElement as HTMLElement)).toEqual(schedules(51, 10).map((s) => s.name));
      fixture.destroy();
    });

    it('polls the page it shows, and no longer the one before', async () => {
      const fixture = await render('/schedules?page=1&size=25');
      http.expectOne('/v1/schedules?limit=25&offset=0').flush(page(schedules(1, 25), 60, 25, 0));
      await settle(fixture);
      // RxJS timers run on setInterval; the page's rendering keeps its real setTimeout.
      jest.useFakeTimers({
        doNotFake: [
          ...(['Date', 'hrtime', 'nextTick', 'performance', 'queueMicrotask', 'setImmediate', 'clearImmediate'] as const),
          ...(['requestAnimationFrame', 'cancelAnimationFrame', 'requestIdleCallback', 'cancelIdleCallback'] as const),
          ...(['setTimeout', 'clearTimeout'] as const),
        ],
      });
      try {
        (fixture.nativeElement as HTMLElement).querySelector<HTMLButtonElement>('button[aria-label="Next page"]')?.click();
        await settle(fixture);
        jest.advanceTimersByTime(0);
        http.expectOne('/v1/schedules?limit=25&offset=25').flush(page(schedules(26, 25), 60, 25, 25));

        jest.advanceTimersByTime(5000);
        http.expectOne('/v1/schedules?limit=25&offset=25').flush(page(schedules(26, 25), 60, 25, 25));
        jest.advanceTimersByTime(5000);
        http.expectOne('/v1/schedules?limit=25&offset=25');
        http.verify();
      } finally {
        jest.useRealTimers();
      }
      fixture.destroy();
    });

    it('refreshes the page it shows after a change', async () => {
      const fixture = await render('/schedules?page=2&size=25');
      http.expectOne('/v1/schedules?limit=25&offset=25').flush(page([aSchedule({ version: 2 })], 26, 25, 25));
      await settle(fixture);

      (fixture.nativeElement as HTMLElement).querySelector<HTMLButtonElement>('mat-slide-toggle button')?.click();
      http.expectOne((req) => req.method === 'PATCH').flush(aSchedule({ enabled: false, version: 3 }));
      await settle(fixture);

      http.expectOne('/v1/schedules?limit=25&offset=25');
      fixture.destroy();
    });
  });

  describe('state filter', () => {
    const chips = (root: HTMLElement) => [...root.querySelectorAll('mat-chip-option')];

    it('asks for the states of the address (unknown ones dropped) and shows them chosen', async () => {
      const fixture = await render('/schedules?state=degraded,bogus,active');
      http
        .expectOne('/v1/schedules?state=active&state=degraded&limit=50&offset=0')
        .flush({ items: [aSchedule({ state: 'active' })], total: 1, limit: 50, offset: 0 });
      await settle(fixture);
      const root = fixture.nativeElement as HTMLElement;

      expect(chips(root).map((chip) => chip.textContent?.trim())).toEqual([
        'Idle',
        'Upcoming',
        'Provisioning',
        'Active',
        'Degraded',
        'Tearing down',
        'Failed',
        'Disabled',
        'Deleting',
      ]);
      const chosen = chips(root).filter((chip) => chip.classList.contains('mat-mdc-chip-selected'));
      expect(chosen.map((chip) => chip.textContent?.trim())).toEqual(['Active', 'Degraded']);
      fixture.destroy();
    });

    it('keeps a chosen state in the address and starts from the first page', async () => {
      const fixture = await render('/schedules?page=3&size=25&state=active');
      http.expectOne('/v1/schedules?state=active&limit=25&offset=50').flush(page(schedules(51, 5), 55, 25, 50));
      await settle(fixture);
      const root = fixture.nativeElement as HTMLElement;

      chips(root)
        .find((chip) => chip.textContent?.trim() === 'Failed')
        ?.querySelector<HTMLElement>('[role="option"]')
        ?.click();
      await settle(fixture);

      expect(TestBed.inject(Router).url).toBe('/schedules?page=1&size=25&state=active,failed');
      http.expectOne('/v1/schedules?state=active&state=failed&limit=25&offset=0');
      fixture.destroy();
    });

    it('says when no schedule is in the chosen states, with a way to show them all', async () => {
      const fixture = await render('/schedules?state=failed');
      http.expectOne('/v1/schedules?state=failed&limit=50&offset=0').flush({ items: [], total: 0, limit: 50, offset: 0 });
      await settle(fixture);
      const root = fixture.nativeElement as HTMLElement;
      const empty = root.querySelector('peak-empty-state');
      expect(empty?.textContent).toContain('No schedules in these states');

      empty?.querySelector('button')?.click();
      await settle(fixture);

      expect(TestBed.inject(Router).url).toBe('/schedules?page=1&size=50');
      http.expectOne('/v1/schedules?limit=50&offset=0');
      fixture.destroy();
    });
  });

  describe('projects', () => {
    const ops = (overrides: Partial<ScheduleDto> = {}) =>
      aSchedule({ id: 'a1b2c3d4-0000-4000-8000-000000000009', name: 'Ops nightly', projectId: 'p-ops', projectName: 'ops', ...overrides });
    const headers = (root: HTMLElement) => [...root.querySelectorAll('th')].map((th) => th.textContent?.trim());
    const projectSelect = (root: HTMLElement) => root.querySelector<HTMLElement>('.project-filter mat-select');

    /** Opens the project filter and returns its options (rendered in the overlay, outside the page). */
    async function openProjectFilter(fixture: { nativeElement: unknown; whenStable(): Promise<unknown> }): Promise<HTMLElement[]> {
      projectSelect(fixture.nativeElement as HTMLElement)
        ?.querySelector<HTMLElement>('.mat-mdc-select-trigger')
        ?.click();
      await settle(fixture);
      return [...document.querySelectorAll<HTMLElement>('mat-option')];
    }

    it('shows a member neither a project column nor a project filter, and names their project in the subtitle', async () => {
      // A project in the address is not sent: the API would refuse another project, and theirs is all they see.
      const fixture = await render('/schedules?project=p-ops', true, MEMBER_OF_DEMO);
      http.expectOne('/v1/schedules?limit=50&offset=0').flush(page([aSchedule()], 1, 50, 0));
      await settle(fixture);
      const root = fixture.nativeElement as HTMLElement;

      expect(headers(root)).not.toContain('Project');
      expect(projectSelect(root)).toBeNull();
      expect(root.querySelector('peak-page-header .subheading')?.textContent).toBe(
        'Project demo · Extra VMs created for each peak window, then deleted at its end',
      );
      fixture.destroy();
    });

    it("shows a cloud admin each schedule's project, and a filter of the projects listed", async () => {
      const fixture = await render('/schedules', true, CLOUD_ADMIN);
      http.expectOne('/v1/schedules?limit=50&offset=0').flush(page([aSchedule(), ops()], 2, 50, 0));
      await settle(fixture);
      const root = fixture.nativeElement as HTMLElement;

      expect(headers(root).slice(0, 2)).toEqual(['Name', 'Project']);
      const projectCells = [...root.querySelectorAll('tr[mat-row]')].map((row) =>
        [...row.querySelectorAll('td:nth-child(2) span')].map((span) => span.textContent?.trim()),
      );
      expect(projectCells).toEqual([
        ['demo', 'c0ffee00c0ffee00c0ffee00c0ffee00'],
        ['ops', 'p-ops'],
      ]);
      expect(root.querySelector('peak-page-header .subheading')?.textContent).toBe(
        'Extra VMs created for each peak window, then deleted at its end',
      );
      expect(projectSelect(root)?.textContent).toContain('All projects');
      const options = await openProjectFilter(fixture);
      expect(options.map((option) => option.textContent?.trim())).toEqual(['All projects', 'demo', 'ops']);
      fixture.destroy();
    });

    it('filters by the chosen project through the address, from the first page, and keeps the other projects offered', async () => {
      const fixture = await render('/schedules?page=2&size=25&state=idle', true, CLOUD_ADMIN);
      http.expectOne('/v1/schedules?state=idle&limit=25&offset=25').flush(page([aSchedule(), ops()], 27, 25, 25));
      await settle(fixture);

      (await openProjectFilter(fixture)).find((option) => option.textContent?.trim() === 'ops')?.click();
      await settle(fixture);

      expect(TestBed.inject(Router).url).toBe('/schedules?page=1&size=25&state=idle&project=p-ops');
      http.expectOne('/v1/schedules?state=idle&limit=25&offset=0&projectId=p-ops').flush(page([ops()], 1, 25, 0));
      await settle(fixture);
      const root = fixture.nativeElement as HTMLElement;
      expect(rowNames(root)).toEqual(['Ops nightly']);
      expect(projectSelect(root)?.textContent).toContain('ops');

      const options = await openProjectFilter(fixture);
      expect(options.map((option) => option.textContent?.trim())).toEqual(['All projects', 'demo', 'ops']);
      options[0]?.click();
      await settle(fixture);
      expect(TestBed.inject(Router).url).toBe('/schedules?page=1&size=25&state=idle');
      http.expectOne('/v1/schedules?state=idle&limit=25&offset=0');
      fixture.destroy();
    });

    it('reads the project of the address, offering it by id until a schedule names it', async () => {
      const fixture = await render('/schedules?project=p-empty', true, CLOUD_ADMIN);
      http.expectOne('/v1/schedules?limit=50&offset=0&projectId=p-empty').flush(page([], 0, 50, 0));
      await settle(fixture);
      const root = fixture.nativeElement as HTMLElement;

      expect(projectSelect(root)?.textContent).toContain('p-empty');
      const empty = root.querySelector('peak-empty-state');
      expect(empty?.textContent).toContain('No schedules match the filters');
      empty?.querySelector('button')?.click();
      await settle(fixture);

      expect(TestBed.inject(Router).url).toBe('/schedules?page=1&size=50');
      http.expectOne('/v1/schedules?limit=50&offset=0');
      fixture.destroy();
    });

    it.each([['/schedules?project=not%20an%20id'], ['/schedules?project='], [`/schedules?project=${'a'.repeat(65)}`]])(
      'ignores a project id that cannot be one (%s)',
      async (url) => {
        const fixture = await render(url, true, CLOUD_ADMIN);
        http.expectOne('/v1/schedules?limit=50&offset=0').flush(page([], 0, 50, 0));
        fixture.destroy();
      },
    );
  });

  describe('states', () => {
    const nextCell = (root: HTMLElement, name: string) =>
      root.querySelector(`tr[data-schedule="${name}"] td.mat-column-next .next`)?.textContent?.trim();
    const nextZone = (root: HTMLElement, name: string) =>
      root.querySelector(`tr[data-schedule="${name}"] td.mat-column-next .zone`)?.textContent?.trim();
    const live = (windowEnd: string): RunSummaryDto => ({
      id: 'r',
      state: 'active',
      shortfallReason: null,
      activeCount: 2,
      desiredCount: 2,
      windowStart: '2026-12-01T08:00:00Z',
      windowEnd,
    });

    it('says a one-off running now runs until its end, and none is left once it ended', async () => {
      const time = aPageClock('2026-12-01T08:30:00Z');
      const fixture = await render('/schedules', true, undefined, [{ provide: PAGE_CLOCK, useValue: time.clock }]);
      const window = { type: 'once' as const, startAt: '2026-12-01T09:00:00+01:00', endAt: '2026-12-01T10:00:00+01:00' };
      http
        .expectOne('/v1/schedules?limit=50&offset=0')
        .flush(
          page(
            [aSchedule({ name: 'Launch', state: 'active', window, nextOccurrence: null, latestRun: live('2026-12-01T09:00:00Z') })],
            1,
            50,
            0,
          ),
        );
      await settle(fixture);
      const root = fixture.nativeElement as HTMLElement;
      expect(nextCell(root, 'Launch')).toBe('Running until Tue, Dec 1, 2026, 10:00 AM GMT+1');

      time.set('2026-12-01T09:00:00Z');
      await fixture.whenStable();
      expect(nextCell(root, 'Launch')).toBe('None left');
      fixture.destroy();
    });

    it('promises a disabled schedule no next window', async () => {
      const fixture = await render();
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
      http.expectOne('/v1/schedules?limit=50&offset=0').flush(
        page(
          [
            aSchedule({ name: 'On', nextOccurrence: next }),
            aSchedule({
              id: 'a1b2c3d4-0000-4000-8000-000000000002',
              name: 'Off',
              state: 'disabled',
              enabled: false,
              nextOccurrence: next,
            }),
          ],
          2,
          50,
          0,
        ),
      );
      await settle(fixture);
      const root = fixture.nativeElement as HTMLElement;

      expect(nextCell(root, 'On')).toBe('Thu, Dec 10, 2026, 08:00 AM GMT+1');
      expect(nextCell(root, 'Off')).toBe('None while disabled');
      expect(nextZone(root, 'Off')).toBeUndefined();
      fixture.destroy();
    });

    it('shows the next window in the schedule’s zone, then in the viewer’s once they choose theirs, naming the zone', async () => {
      localStorage.clear();
      const fixture = await render('/schedules', true, undefined, [{ provide: BROWSER_TIME_ZONE, useValue: 'Asia/Tokyo' }]);
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
      http
        .expectOne('/v1/schedules?limit=50&offset=0')
        .flush(page([aSchedule({ name: 'On', timeZone: 'Europe/Paris', nextOccurrence: next })], 1, 50, 0));
      await settle(fixture);
      const root = fixture.nativeElement as HTMLElement;
      expect(nextCell(root, 'On')).toBe('Thu, Dec 10, 2026, 08:00 AM GMT+1');
      expect(nextZone(root, 'On')).toBe('Europe/Paris');

      TestBed.inject(DisplayZone).set('mine');
      await settle(fixture);
      expect(nextCell(root, 'On')).toBe('Thu, Dec 10, 2026, 04:00 PM GMT+9');
      expect(nextZone(root, 'On')).toBe('Asia/Tokyo');

      TestBed.inject(DisplayZone).set('schedule');
      await settle(fixture);
      expect(nextZone(root, 'On')).toBe('Europe/Paris');
      fixture.destroy();
    });
  });

  describe('on a phone', () => {
    const phone = { provide: BreakpointObserver, useValue: { observe: () => of({ matches: true, breakpoints: {} }) } };

    it('shows a card per schedule with its name, state, window, next window, VMs and actions, and no table', async () => {
      const fixture = await render('/schedules', true, undefined, [phone]);
      http.expectOne('/v1/schedules?limit=50&offset=0').flush(
        page(
          [
            aSchedule({
              state: 'degraded',
              latestRun: {
                id: 'r',
                state: 'degraded',
                shortfallReason: 'quota',
                activeCount: 2,
                desiredCount: 3,
                windowStart: '',
                windowEnd: '',
              },
            }),
            aSchedule({ id: 'a1b2c3d4-0000-4000-8000-000000000002', name: 'Off', state: 'disabled', enabled: false }),
          ],
          2,
          50,
          0,
        ),
      );
      await settle(fixture);
      const root = fixture.nativeElement as HTMLElement;

      expect(root.querySelector('table')).toBeNull();
      const cards = [...root.querySelectorAll('li.schedule-card')];
      expect(cards.map((card) => card.getAttribute('data-schedule'))).toEqual(['Weekday mornings', 'Off']);
      const first = cards[0] as HTMLElement;
      expect(first.querySelector('a.name')?.getAttribute('href')).toBe('/schedules/a1b2c3d4-0000-4000-8000-000000000001');
      expect(first.querySelector('peak-state-chip')?.getAttribute('data-state')).toBe('degraded');
      expect(first.querySelector('.card-window')?.textContent?.trim()).toBe('Every weekday at 08:00, for 2 h Europe/Paris');
      expect(first.querySelector('.card-next')?.textContent?.trim()).toBe('None left');
      expect(first.querySelector('.card-vms')?.textContent?.trim()).toBe('2 / 3 · quota');
      expect(first.querySelector('mat-slide-toggle')?.textContent?.trim()).toBe('Enabled');
      expect(first.querySelector('a[aria-label="Edit Weekday mornings"]')?.getAttribute('href')).toBe(
        '/schedules/a1b2c3d4-0000-4000-8000-000000000001/edit',
      );
      expect(first.querySelector('button[aria-label="Delete Weekday mornings"]')).not.toBeNull();
      expect(cards[1]?.querySelector('mat-slide-toggle')?.textContent?.trim()).toBe('Disabled');
      expect(cards[1]?.querySelector('.card-next')?.textContent?.trim()).toBe('None while disabled');
      expect(root.querySelector('mat-paginator')).not.toBeNull();
      fixture.destroy();
    });

    it('offers a reader the cards without actions, and sorts through a choice instead of headers', async () => {
      const fixture = await render('/schedules?sort=-name', false, undefined, [phone]);
      http
        .expectOne('/v1/schedules?sort=-name&limit=50&offset=0')
        .flush(page([aSchedule({ name: 'B' }), aSchedule({ id: 'a1b2c3d4-0000-4000-8000-000000000002', name: 'A' })], 2, 50, 0));
      await settle(fixture);
      const root = fixture.nativeElement as HTMLElement;

      expect([...root.querySelectorAll('li.schedule-card')].map((card) => card.getAttribute('data-schedule'))).toEqual(['B', 'A']);
      expect(root.querySelectorAll('.card-actions')).toHaveLength(0);
      expect(root.querySelector('.sort-choice mat-select')?.textContent).toContain('Name, Z to A');
      fixture.destroy();
    });
  });

  describe('search and sort', () => {
    const named = (...names: string[]) =>
      names.map((name, i) =>
        aSchedule({ id: `a1b2c3d4-0000-4000-8000-${String(i + 1).padStart(12, '0')}`, name, state: i % 2 ? 'disabled' : 'idle' }),
      );

    it('sends the search and the sort of the address to the API, and shows its page as it comes', async () => {
      const fixture = await render('/schedules?q=MORN&sort=-name&size=25');
      http
        .expectOne('/v1/schedules?sort=-name&limit=25&offset=0&q=MORN')
        .flush(page(named('Mornings', 'Late mornings', 'Early mornings'), 3, 25, 0));
      await settle(fixture);
      const root = fixture.nativeElement as HTMLElement;

      expect(rowNames(root)).toEqual(['Mornings', 'Late mornings', 'Early mornings']);
      expect(root.querySelector<HTMLInputElement>('.search input')?.value).toBe('MORN');
      expect(root.querySelector('th.mat-column-name')?.getAttribute('aria-sort')).toBe('descending');
      expect(root.querySelector('.mat-mdc-paginator-range-label')?.textContent?.trim()).toBe('1 – 3 of 3');
      fixture.destroy();
    });

    it.each([
      ['next', 'nextWindow'],
      ['-next', '-nextWindow'],
      ['state', 'state'],
      ['-state', '-state'],
    ])('asks the API to sort by %s (?sort=%s)', async (sort, apiSort) => {
      const fixture = await render(`/schedules?sort=${sort}&page=2&size=25`);
      http.expectOne(`/v1/schedules?sort=${apiSort}&limit=25&offset=25`).flush(page(named('Soon', 'Later', 'Never'), 28, 25, 25));
      await settle(fixture);
      expect(rowNames(fixture.nativeElement as HTMLElement)).toEqual(['Soon', 'Later', 'Never']);
      fixture.destroy();
    });

    it('keeps what is typed in the address once typing pauses, from the first page', async () => {
      const fixture = await render('/schedules?page=2&size=25');
      http.expectOne('/v1/schedules?limit=25&offset=25').flush(page(schedules(26, 25), 60, 25, 25));
      await settle(fixture);
      const input = (fixture.nativeElement as HTMLElement).querySelector<HTMLInputElement>('.search input') as HTMLInputElement;

      input.value = ' Schedule 3 ';
      input.dispatchEvent(new Event('input'));
      await new Promise((resolve) => setTimeout(resolve, 350));
      await settle(fixture);

      expect(TestBed.inject(Router).url).toBe('/schedules?page=1&size=25&q=Schedule%203');
      http.expectOne('/v1/schedules?limit=25&offset=0&q=Schedule%203').flush(page(named('Schedule 3', 'Schedule 30'), 2, 25, 0));
      await settle(fixture);
      expect(rowNames(fixture.nativeElement as HTMLElement)).toEqual(['Schedule 3', 'Schedule 30']);
      fixture.destroy();
    });

    it('sorts by a header through the address: ascending, descending, then the API order', async () => {
      const fixture = await render('/schedules');
      http.expectOne('/v1/schedules?limit=50&offset=0').flush(page(named('B', 'A'), 2, 50, 0));
      await settle(fixture);
      const header = () =>
        (fixture.nativeElement as HTMLElement).querySelector<HTMLElement>('th.mat-column-name .mat-sort-header-container');
      const router = TestBed.inject(Router);

      header()?.click();
      await settle(fixture);
      expect(router.url).toBe('/schedules?page=1&size=50&sort=name');
      http.expectOne('/v1/schedules?sort=name&limit=50&offset=0').flush(page(named('A', 'B'), 2, 50, 0));
      await settle(fixture);
      expect(rowNames(fixture.nativeElement as HTMLElement)).toEqual(['A', 'B']);

      header()?.click();
      await settle(fixture);
      expect(router.url).toBe('/schedules?page=1&size=50&sort=-name');

      header()?.click();
      await settle(fixture);
      expect(router.url).toBe('/schedules?page=1&size=50');
      fixture.destroy();
    });

    it('says when no name matches, with a way to clear the search', async () => {
      const fixture = await render('/schedules?q=zzz');
      http.expectOne('/v1/schedules?limit=50&offset=0&q=zzz').flush(page([], 0, 50, 0));
      await settle(fixture);
      const root = fixture.nativeElement as HTMLElement;

      expect(root.querySelector('peak-empty-state')?.textContent).toContain('No schedule matches “zzz”');
      root.querySelector<HTMLButtonElement>('peak-empty-state button')?.click();
      await settle(fixture);
      expect(TestBed.inject(Router).url).toBe('/schedules?page=1&size=50');
      fixture.destroy();
    });
  });
});
