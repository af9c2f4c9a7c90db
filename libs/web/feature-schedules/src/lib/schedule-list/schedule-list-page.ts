import { ChangeDetectionStrategy, Component, computed, inject, input, linkedSignal } from '@angular/core';
import { toObservable, toSignal } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatChipListboxChange, MatChipsModule } from '@angular/material/chips';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatPaginatorModule, PageEvent } from '@angular/material/paginator';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import { MatSlideToggleChange, MatSlideToggleModule } from '@angular/material/slide-toggle';
import { MatTableModule } from '@angular/material/table';
import { MatTooltipModule } from '@angular/material/tooltip';
import { ActivatedRoute, Router, RouterLink } from '@angular/router';
import { LOADING, LoadState, ScheduleDto, ScheduleListDto, SchedulesService, ScheduleState, toApiProblem } from '@peak/api-client';
import { EmptyState, PageHeader, STATE_LOOKS, StateChip } from '@peak/web/ui';
import { formatInZone, internalRoutes, Notifier, offsetLabel, PROJECT_SCOPE, WRITE_ACCESS } from '@peak/web/util';
import { scan, startWith, Subject, switchMap, tap } from 'rxjs';
import { CatalogNames } from '../shared/catalog-names';
import { pollState, reportFailures } from '../shared/poll';
import { ReadOnlyHint } from '../shared/read-only-hint';
import { ScheduleDeleter } from '../shared/schedule-deleter';
import { describeWindow, SCHEDULE_STATES, SHORTFALL_TEXT, STATES_WITH_VMS } from '../shared/schedule-text';
import { lastPageIndex, ListQuery, PAGE_SIZES, parseListQuery, sameListQuery, toListParams, toQueryParams } from './list-query';

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

/** A project of the filter's options. */
export interface ProjectOption {
  readonly id: string;
  readonly name: string;
}

@Component({
  selector: 'peak-schedule-list-page',
  imports: [
    EmptyState,
    MatButtonModule,
    MatCardModule,
    MatChipsModule,
    MatFormFieldModule,
    MatIconModule,
    MatPaginatorModule,
    MatProgressBarModule,
    MatSelectModule,
    MatSlideToggleModule,
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
  private readonly router = inject(Router);
  private readonly route = inject(ActivatedRoute);
  protected readonly names = inject(CatalogNames);
  private readonly refresh$ = new Subject<void>();

  /** Users who may only read are offered no way to create, change or delete. */
  protected readonly canWrite = inject(WRITE_ACCESS);
  private readonly scope = inject(PROJECT_SCOPE);
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
      }),
    { equal: sameListQuery },
  );
  protected readonly filtered = computed(() => this.query().states.length > 0 || this.query().projectId !== null);

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
        pollState(() => this.api.listSchedules(toListParams(query)), POLL_MS, this.refresh$).pipe(
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

  protected nextText(schedule: ScheduleDto): string {
    const next = schedule.nextOccurrence;
    if (!next) return 'None left';
    return `${formatInZone(next.start, schedule.timeZone)} ${offsetLabel(next.start, schedule.timeZone)}`;
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
    this.api.updateSchedule({ id: schedule.id, body: { enabled: change.checked, version: schedule.version } }).subscribe({
      next: (updated) => {
        this.notifier.success(`“${updated.name}” ${updated.enabled ? 'enabled' : 'disabled'}.`);
        this.refresh$.next();
      },
      error: (error: unknown) => {
        change.source.checked = schedule.enabled;
        this.notifier.error(`Could not ${change.checked ? 'enable' : 'disable'} “${schedule.name}”: ${toApiProblem(error).message}`);
        this.refresh$.next();
      },
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

  protected clearFilters(): void {
    this.show({ ...this.query(), pageIndex: 0, states: [], projectId: null });
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
