import { BreakpointObserver } from '@angular/cdk/layout';
import { NgTemplateOutlet } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject, input, linkedSignal } from '@angular/core';
import { takeUntilDestroyed, toObservable, toSignal } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatChipListboxChange, MatChipsModule } from '@angular/material/chips';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { MatPaginatorModule, PageEvent } from '@angular/material/paginator';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import { MatSlideToggleChange, MatSlideToggleModule } from '@angular/material/slide-toggle';
import { MatSortModule, Sort } from '@angular/material/sort';
import { MatTableModule } from '@angular/material/table';
import { MatTooltipModule } from '@angular/material/tooltip';
import { ActivatedRoute, Router, RouterLink } from '@angular/router';
import { LOADING, LoadState, ScheduleDto, ScheduleListDto, SchedulesService, ScheduleState } from '@peak/api-client';
import { EmptyState, PageHeader, STATE_LOOKS, StateChip } from '@peak/web/ui';
import { DisplayZone, formatInZone, internalRoutes, Notifier, offsetLabel, PROJECT_SCOPE, WRITE_ACCESS } from '@peak/web/util';
import { debounceTime, map, Observable, scan, startWith, Subject, switchMap, tap } from 'rxjs';
import { CatalogNames } from '../shared/catalog-names';
import { injectNow } from '../shared/page-clock';
import { pollState, reportFailures } from '../shared/poll';
import { ReadOnlyHint } from '../shared/read-only-hint';
import { ScheduleDeleter } from '../shared/schedule-deleter';
import { ScheduleSwitcher } from '../shared/schedule-switcher';
import { describeWindow, SCHEDULE_STATES, SHORTFALL_TEXT, STATES_WITH_VMS } from '../shared/schedule-text';
import { lastPageIndex, ListQuery, PAGE_SIZES, parseListQuery, sameListQuery, SortColumn, toListParams, toQueryParams } from './list-query';

/** States change with the clock (upcoming, provisioning, …): the list refreshes itself this often. */
const POLL_MS = 5000;
const COLUMNS = ['name', 'project', 'resources', 'count', 'window', 'next', 'state', 'vms', 'enabled', 'actions'];
/** The enable toggle and the edit and delete buttons: a reader sees the state chip (it says "Disabled") instead. */
const WRITE_COLUMNS = ['enabled', 'actions'];
/** Only a cloud admin sees schedules of several projects; anyone else's list is their own project's. */
const ADMIN_COLUMNS = ['project'];
const SUBHEADING = 'Extra VMs created for each peak window, then deleted at its end';
/** The project filter's value for every project (a select shows no label for a null option). */
const ALL_PROJECTS = '';
/** Below this width the list shows a card per schedule instead of a table (phones). */
const COMPACT = '(max-width: 599.98px)';
/** The sorts offered on a phone, where the table's headers are not shown. */
const SORT_CHOICES: readonly { readonly value: string; readonly label: string }[] = [
  { value: '', label: 'Default order' },
  { value: 'name', label: 'Name, A to Z' },
  { value: '-name', label: 'Name, Z to A' },
  { value: 'next', label: 'Next window, soonest first' },
  { value: '-next', label: 'Next window, latest first' },
  { value: 'state', label: 'State' },
];
/** Typing in the search changes the address once it pauses. */
const SEARCH_DEBOUNCE_MS = 300;
/** The live states in which a run's window is open now. */
const RUNNING: readonly ScheduleState[] = ['provisioning', 'active', 'degraded'];

/** A project of the filter's options. */
export interface ProjectOption {
  readonly id: string;
  readonly name: string;
}

@Component({
  selector: 'peak-schedule-list-page',
  imports: [
    EmptyState,
    NgTemplateOutlet,
    MatButtonModule,
    MatCardModule,
    MatChipsModule,
    MatFormFieldModule,
    MatIconModule,
    MatInputModule,
    MatPaginatorModule,
    MatProgressBarModule,
    MatSelectModule,
    MatSlideToggleModule,
    MatSortModule,
    MatTableModule,
    MatTooltipModule,
    PageHeader,
    ReadOnlyHint,
    RouterLink,
    StateChip,
  ],
  templateUrl: './schedule-list-page.html',
  styleUrl: './schedule-list-page.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ScheduleListPage {
  private readonly api = inject(SchedulesService);
  private readonly notifier = inject(Notifier);
  private readonly deleter = inject(ScheduleDeleter);
  private readonly switcher = inject(ScheduleSwitcher);
  private readonly router = inject(Router);
  private readonly route = inject(ActivatedRoute);
  protected readonly names = inject(CatalogNames);
  private readonly refresh$ = new Subject<void>();
  /** The time, read again on the page clock's ticks (a one-off running now, and until when). */
  private readonly now = injectNow();
  /** On a phone: a card per schedule, everything in it visible without scrolling sideways. */
  protected readonly compact = toSignal(
    inject(BreakpointObserver)
      .observe(COMPACT)
      .pipe(map((state) => state.matches)),
    { initialValue: false },
  );
  private readonly search$ = new Subject<string>();

  /** Users who may only read are offered no way to create, change or delete. */
  protected readonly canWrite = inject(WRITE_ACCESS);
  private readonly scope = inject(PROJECT_SCOPE);
  private readonly displayZone = inject(DisplayZone);
  /** Cloud admins see every project's schedules: they get a project column and filter. */
  protected readonly cloudAdmin = computed(() => this.scope().cloudAdmin);
  /** Anyone else sees their own project's schedules: the page says which project that is. */
  protected readonly subheading = computed(() => {
    const project = this.scope().projectName;
    return this.cloudAdmin() || !project ? SUBHEADING : `Project ${project} · ${SUBHEADING}`;
  });

  protected readonly routes = internalRoutes.schedules;
  protected readonly columns = computed(() =>
    COLUMNS.filter(
      (column) => (this.canWrite() || !WRITE_COLUMNS.includes(column)) && (this.cloudAdmin() || !ADMIN_COLUMNS.includes(column)),
    ),
  );

  /** `?page=` (from 1), `?size=`, `?state=` (comma-separated) and `?project=` of the address, bound by the router. */
  readonly page = input<string>();
  readonly size = input<string>();
  readonly state = input<string>();
  readonly project = input<string>();
  /** `?q=` (part of a name) and `?sort=` (`name`, `next`, `state`; `-` first for descending). */
  readonly q = input<string>();
  readonly sort = input<string>();
  /**
   * The same query written differently (`/schedules` and `?page=1&size=50`) does not restart the polling. Only a
   * cloud admin filters by project: for anyone else the API would refuse another project (403), and their own is
   * all they see anyway.
   */
  protected readonly query = computed(
    () =>
      parseListQuery({
        page: this.page(),
        size: this.size(),
        state: this.state(),
        project: this.cloudAdmin() ? this.project() : undefined,
        q: this.q(),
        sort: this.sort(),
      }),
    { equal: sameListQuery },
  );
  protected readonly filtered = computed(
    () => this.query().states.length > 0 || this.query().projectId !== null || this.query().search !== '',
  );

  protected readonly pageSizes = PAGE_SIZES;
  protected readonly states = SCHEDULE_STATES;

  /**
   * The schedules of the address's page, polled while it is shown. A new page keeps the rows of the last one
   * on screen (with a progress bar) until it has loaded; a page past the end (after deletions, or typed in)
   * moves to the last page.
   */
  protected readonly list = toSignal(
    toObservable(this.query).pipe(
      switchMap((query) =>
        pollState(() => this.load(query), POLL_MS, this.refresh$).pipe(
          tap((load) => {
            if (load.status === 'ok') this.leavePastTheEnd(query, load.value);
          }),
          startWith(LOADING as LoadState<ScheduleListDto>),
        ),
      ),
      scan((previous: LoadState<ScheduleListDto>, next) => (next.status === 'loading' ? { ...next, value: previous.value } : next)),
      reportFailures((message) => this.notifier.error(message), 'schedules'),
    ),
    { initialValue: LOADING as LoadState<ScheduleListDto> },
  );
  protected readonly schedules = computed(() => this.list().value?.items ?? []);

  /**
   * Every project seen in the list since the page opened (a list filtered by project shows only that one, and a
   * page only its own schedules), by id, with the name the schedules carry.
   */
  private readonly knownProjects = linkedSignal<readonly ScheduleDto[], ReadonlyMap<string, string>>({
    source: this.schedules,
    computation: (items, previous) => {
      const known = new Map(previous?.value);
      for (const schedule of items) known.set(schedule.projectId, schedule.projectName);
      return known;
    },
  });

  /** The project filter's options by name; a project of the address that no schedule showed yet goes by its id. */
  protected readonly projectOptions = computed<readonly ProjectOption[]>(() => {
    const known = new Map(this.knownProjects());
    const selected = this.query().projectId;
    if (selected !== null && !known.has(selected)) known.set(selected, selected);
    return [...known].map(([id, name]) => ({ id, name })).sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  });
  protected readonly allProjects = ALL_PROJECTS;
  protected readonly sortColumn = computed(() => this.query().sort?.column ?? '');
  protected readonly sortDirection = computed(() => this.query().sort?.direction ?? '');

  constructor() {
    // A search shows its first page; the address is replaced while typing, so back skips the keystrokes.
    this.search$
      .pipe(
        map((text) => text.trim()),
        debounceTime(SEARCH_DEBOUNCE_MS),
        takeUntilDestroyed(),
      )
      .subscribe((search) => {
        if (search !== this.query().search) this.show({ ...this.query(), pageIndex: 0, search }, true);
      });
  }

  /** Polls replace the objects: rows are kept by id so toggles and focus survive a refresh. */
  protected readonly byId = (_: number, schedule: ScheduleDto) => schedule.id;

  protected detailLink(schedule: ScheduleDto): string[] {
    return this.routes.subRoutes.detail.link(schedule.id);
  }

  protected editLink(schedule: ScheduleDto): string[] {
    return this.routes.subRoutes.edit.link(schedule.id);
  }

  protected windowText(schedule: ScheduleDto): string {
    return describeWindow(schedule);
  }

  /**
   * The next window; for a disabled schedule none is promised, and a window open now (a one-off's last) is
   * said to be running until its end.
   */
  protected nextText(schedule: ScheduleDto): string {
    if (!schedule.enabled && schedule.vmsKeptUntil) {
      return `Last window until ${formatInZone(schedule.vmsKeptUntil, schedule.timeZone)} ${offsetLabel(schedule.vmsKeptUntil, schedule.timeZone)}`;
    }
    if (!schedule.enabled) return 'None while disabled';
    const next = schedule.nextOccurrence;
    const run = schedule.latestRun;
    const zone = this.zone(schedule);
    if (!next && run && RUNNING.includes(schedule.state) && Date.parse(run.windowEnd) > this.now()) {
      return `Running until ${formatInZone(run.windowEnd, zone)} ${offsetLabel(run.windowEnd, zone)}`;
    }
    if (!next) return 'None left';
    return `${formatInZone(next.start, zone)} ${offsetLabel(next.start, zone)}`;
  }

  /** The zone the next window is shown in: the schedule's, or the viewer's when they chose theirs. */
  protected zone(schedule: ScheduleDto): string {
    return this.displayZone.zoneFor(schedule.timeZone);
  }

  /** Whether the next-window cell shows a time (and so its zone). */
  protected showsTime(text: string): boolean {
    return text !== 'None while disabled' && text !== 'None left';
  }

  protected stateLabel(state: ScheduleState): string {
    return STATE_LOOKS[state]?.label ?? state;
  }

  /** VMs up / desired for the run that has VMs, and why it is short while degraded; a dash otherwise. */
  protected vmsText(schedule: ScheduleDto): string {
    const run = schedule.latestRun;
    if (!run || !STATES_WITH_VMS.includes(schedule.state)) return '—';
    const reason = run.state === 'degraded' && run.shortfallReason ? ` · ${SHORTFALL_TEXT[run.shortfallReason]}` : '';
    return `${run.activeCount} / ${run.desiredCount}${reason}`;
  }

  protected toggle(schedule: ScheduleDto, change: MatSlideToggleChange): void {
    this.switcher.switch(schedule, change.checked).subscribe((updated) => {
      if (!updated) change.source.checked = schedule.enabled;
      this.refresh$.next();
    });
  }

  protected remove(schedule: ScheduleDto): void {
    this.deleter.confirmAndDelete(schedule).subscribe(() => this.refresh$.next());
  }

  protected retry(): void {
    this.refresh$.next();
  }

  protected changePage(event: PageEvent): void {
    this.show({ ...this.query(), pageIndex: event.pageIndex, pageSize: event.pageSize });
  }

  /** A filter shows its first page. */
  protected filter(change: MatChipListboxChange): void {
    this.show({ ...this.query(), pageIndex: 0, states: change.value as ScheduleState[] });
  }

  protected showAllStates(): void {
    this.show({ ...this.query(), pageIndex: 0, states: [] });
  }

  protected filterProject(projectId: string): void {
    this.show({ ...this.query(), pageIndex: 0, projectId: projectId === ALL_PROJECTS ? null : projectId });
  }

  protected searchFor(text: string): void {
    this.search$.next(text);
  }

  protected clearSearch(): void {
    this.show({ ...this.query(), pageIndex: 0, search: '' });
  }

  /** The phone layout's sort choice (`name`, `-name`, …; empty for the API's order). */
  protected readonly sortChoice = computed(() => toQueryParams(this.query())['sort'] ?? '');
  protected readonly sortChoices = SORT_CHOICES;

  protected chooseSort(choice: string): void {
    const descending = choice.startsWith('-');
    const column = (descending ? choice.slice(1) : choice) as SortColumn;
    this.sortBy({ active: column, direction: choice ? (descending ? 'desc' : 'asc') : '' });
  }

  /** A header's sort: ascending, descending, then the API's order again. */
  protected sortBy(sort: Sort): void {
    const column = sort.active as SortColumn;
    this.show({ ...this.query(), pageIndex: 0, sort: sort.direction ? { column, direction: sort.direction } : null });
  }

  protected clearFilters(): void {
    this.show({ ...this.query(), pageIndex: 0, states: [], projectId: null });
  }

  /** A page of the API, which filters, searches and sorts. */
  private load(query: ListQuery): Observable<ScheduleListDto> {
    return this.api.listSchedules(toListParams(query));
  }

  private leavePastTheEnd(query: ListQuery, page: ScheduleListDto): void {
    if (page.items.length === 0 && page.total > 0) {
      this.show({ ...query, pageIndex: lastPageIndex(page.total, query.pageSize) }, true);
    }
  }

  /** Changes the address (`?page=&size=&state=&project=`): the inputs, and so the list, follow; back and reload keep the page. */
  private show(query: ListQuery, replaceUrl = false): void {
    void this.router.navigate([], { relativeTo: this.route, queryParams: toQueryParams(query), replaceUrl });
  }
}
