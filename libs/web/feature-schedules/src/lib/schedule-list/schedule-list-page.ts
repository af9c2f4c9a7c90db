import { ChangeDetectionStrategy, Component, computed, inject, input } from '@angular/core';
import { toObservable, toSignal } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatChipListboxChange, MatChipsModule } from '@angular/material/chips';
import { MatIconModule } from '@angular/material/icon';
import { MatPaginatorModule, PageEvent } from '@angular/material/paginator';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSlideToggleChange, MatSlideToggleModule } from '@angular/material/slide-toggle';
import { MatTableModule } from '@angular/material/table';
import { MatTooltipModule } from '@angular/material/tooltip';
import { ActivatedRoute, Router, RouterLink } from '@angular/router';
import { LOADING, LoadState, ScheduleDto, ScheduleListDto, SchedulesService, ScheduleState, toApiProblem } from '@peak/api-client';
import { EmptyState, PageHeader, STATE_LOOKS, StateChip } from '@peak/web/ui';
import { formatInZone, internalRoutes, Notifier, offsetLabel, WRITE_ACCESS } from '@peak/web/util';
import { scan, startWith, Subject, switchMap, tap } from 'rxjs';
import { CatalogNames } from '../shared/catalog-names';
import { pollState, reportFailures } from '../shared/poll';
import { ReadOnlyHint } from '../shared/read-only-hint';
import { ScheduleDeleter } from '../shared/schedule-deleter';
import { describeWindow, SCHEDULE_STATES, SHORTFALL_TEXT, STATES_WITH_VMS } from '../shared/schedule-text';
import { lastPageIndex, ListQuery, PAGE_SIZES, parseListQuery, sameListQuery, toListParams, toQueryParams } from './list-query';

/** States change with the clock (upcoming, provisioning, …): the list refreshes itself this often. */
const POLL_MS = 5000;
const COLUMNS = ['name', 'resources', 'count', 'window', 'next', 'state', 'vms', 'enabled', 'actions'];
/** The enable toggle and the edit and delete buttons: a reader sees the state chip (it says "Disabled") instead. */
const WRITE_COLUMNS = ['enabled', 'actions'];

@Component({
  selector: 'peak-schedule-list-page',
  imports: [
    EmptyState,
    MatButtonModule,
    MatCardModule,
    MatChipsModule,
    MatIconModule,
    MatPaginatorModule,
    MatProgressBarModule,
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

  protected readonly routes = internalRoutes.schedules;
  protected readonly columns = computed(() => (this.canWrite() ? COLUMNS : COLUMNS.filter((column) => !WRITE_COLUMNS.includes(column))));

  /** `?page=` (from 1), `?size=` and `?state=` (comma-separated) of the address, bound by the router. */
  readonly page = input<string>();
  readonly size = input<string>();
  readonly state = input<string>();
  /** The same query written differently (`/schedules` and `?page=1&size=50`) does not restart the polling. */
  protected readonly query = computed(() => parseListQuery({ page: this.page(), size: this.size(), state: this.state() }), {
    equal: sameListQuery,
  });

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

  private leavePastTheEnd(query: ListQuery, page: ScheduleListDto): void {
    if (page.items.length === 0 && page.total > 0) {
      this.show({ ...query, pageIndex: lastPageIndex(page.total, query.pageSize) }, true);
    }
  }

  /** Changes the address (`?page=&size=&state=`): the inputs, and so the list, follow; back and reload keep the page. */
  private show(query: ListQuery, replaceUrl = false): void {
    void this.router.navigate([], { relativeTo: this.route, queryParams: toQueryParams(query), replaceUrl });
  }
}
