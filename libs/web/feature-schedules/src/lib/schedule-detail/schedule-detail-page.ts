import { ChangeDetectionStrategy, Component, computed, effect, inject, input } from '@angular/core';
import { toObservable, toSignal } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatIconModule } from '@angular/material/icon';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSlideToggleChange, MatSlideToggleModule } from '@angular/material/slide-toggle';
import { MatTableModule } from '@angular/material/table';
import { MatTooltipModule } from '@angular/material/tooltip';
import { Title } from '@angular/platform-browser';
import { Router, RouterLink } from '@angular/router';
import {
  LoadBalancersService,
  LoadState,
  loadState,
  OccurrenceListDto,
  RunDto,
  RunListDto,
  RunVmDto,
  ScheduleDto,
  SchedulesService,
  toApiProblem,
} from '@peak/api-client';
import { EmptyState, Loading, OccurrenceList, PageHeader, StateChip, VmProgress } from '@peak/web/ui';
import { browserTimeZone, DisplayZone, formatInZone, internalRoutes, Notifier, offsetLabel, pageTitle, WRITE_ACCESS } from '@peak/web/util';
import { combineLatest, distinctUntilChanged, exhaustMap, filter, map, merge, of, scan, share, Subject, switchMap, tap } from 'rxjs';
import { CatalogNames } from '../shared/catalog-names';
import { launchLines } from '../shared/launch-text';
import { VmMember } from '../shared/vm-member';
import { poolNameOf } from '../shared/pool-name';
import { injectNow } from '../shared/page-clock';
import { pollState, readOnEach, reportFailures } from '../shared/poll';
import { ReadOnlyHint } from '../shared/read-only-hint';
import { ScheduleDeleter } from '../shared/schedule-deleter';
import { ScheduleSwitcher } from '../shared/schedule-switcher';
import {
  describeWindow,
  formatMinutes,
  isOnce,
  LIVE_RUN_STATES,
  runWindowText,
  SHORTFALL_TEXT,
  shortfallText,
} from '../shared/schedule-text';
import { RunProblems } from '../shared/run-problems';
import { ScheduleEvents } from './schedule-events';
import { EventsAction, eventsKey, NO_EVENTS, reduceEvents } from './schedule-events.model';

/** VMs change state within seconds while a window starts or ends: the page follows them this often. */
const POLL_MS = 2000;
const RUNS_SHOWN = 10;
/** Events per page of the timeline: the newest page is read again when the runs change, "Show more" adds older ones. */
const EVENTS_SHOWN = 10;

/** One schedule: its settings, its next windows, the live state of the current run and the runs before it. */
@Component({
  selector: 'peak-schedule-detail-page',
  imports: [
    RunProblems,
    EmptyState,
    Loading,
    MatButtonModule,
    MatCardModule,
    MatIconModule,
    MatProgressBarModule,
    MatSlideToggleModule,
    MatTableModule,
    MatTooltipModule,
    OccurrenceList,
    PageHeader,
    ReadOnlyHint,
    RouterLink,
    ScheduleEvents,
    StateChip,
    VmMember,
    VmProgress,
  ],
  templateUrl: './schedule-detail-page.html',
  styleUrl: './schedule-detail-page.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ScheduleDetailPage {
  /** The route's `:id`. */
  readonly id = input.required<string>();

  private readonly api = inject(SchedulesService);
  private readonly notifier = inject(Notifier);
  private readonly deleter = inject(ScheduleDeleter);
  private readonly switcher = inject(ScheduleSwitcher);
  private readonly router = inject(Router);
  private readonly title = inject(Title);
  private readonly displayZone = inject(DisplayZone);
  /** The time, read again on the clock's ticks: windows that end while the page is open leave "Next windows". */
  private readonly now = injectNow();
  protected readonly names = inject(CatalogNames);
  protected readonly routes = internalRoutes.schedules;
  /** Who changed this schedule: the activity page filtered to it. */
  protected readonly activity = internalRoutes.activity;
  /** Users who may only read see the schedule without the toggle, edit and delete. */
  protected readonly canWrite = inject(WRITE_ACCESS);
  private readonly refresh$ = new Subject<void>();
  private readonly id$ = toObservable(this.id);

  /** The schedule's polls, shared by what shows it and the events that follow its changes. */
  private readonly schedule$ = this.id$.pipe(
    switchMap((id) =>
      pollState(() => this.api.getSchedule({ id }), POLL_MS, this.refresh$).pipe(
        // A 404 means it was deleted: the page says so itself.
        reportFailures(
          (message) => this.notifier.error(message),
          'the schedule',
          (problem) => problem.status === 404,
        ),
      ),
    ),
    share(),
  );
  protected readonly schedule = toSignal(this.schedule$, { initialValue: { status: 'loading' } as LoadState<ScheduleDto> });

  protected readonly scheduleValue = computed(() => this.schedule().value);
  /** The launch options that are set, in words; none for Nova's defaults. */
  protected readonly launchText = computed(() => launchLines(this.scheduleValue()?.launch ?? {}, this.poolName()));
  private readonly loadBalancers = inject(LoadBalancersService);
  /** The name of the schedule's pool, looked up once per pool (not on each poll). */
  private readonly poolName = toSignal(
    this.schedule$.pipe(
      map((state) => state.value?.launch?.loadBalancer?.poolId ?? null),
      distinctUntilChanged(),
      switchMap((poolId) => (poolId ? poolNameOf(this.loadBalancers, poolId) : of(null))),
    ),
    { initialValue: null },
  );

  private readonly runs$ = this.id$.pipe(
    switchMap((id) => pollState(() => this.api.listRuns({ id, limit: RUNS_SHOWN }), POLL_MS, this.refresh$)),
    share(),
  );
  protected readonly runs = toSignal(this.runs$, { initialValue: { status: 'loading' } as LoadState<RunListDto> });

  private readonly eventsRetry$ = new Subject<void>();
  /** "Show more": the offset of the next older page of events. */
  private readonly olderEvents$ = new Subject<number>();

  /**
   * The schedule's history, newest first. Its newest page is read once the schedule and its runs first answer, then
   * again when a poll finds them changed (see `eventsKey`), when the last read failed, and on "Try again"; older pages
   * are added on request.
   */
  protected readonly events = toSignal(
    this.id$.pipe(
      switchMap((id) => {
        let failing = false;
        const changed$ = combineLatest([this.schedule$, this.runs$]).pipe(
          map(([schedule, runs]) => eventsKey(schedule.value, runs.value)),
          distinctUntilChanged(),
        );
        const newest$ = merge(changed$, this.runs$.pipe(filter(() => failing)), this.eventsRetry$).pipe(
          readOnEach(() => this.api.listEvents({ id, limit: EVENTS_SHOWN })),
          tap((load) => {
            if (load.status !== 'loading') failing = load.status === 'error';
          }),
        );
        return merge(
          newest$.pipe(map((load): EventsAction => ({ kind: 'newest', load }))),
          this.olderEvents$.pipe(
            exhaustMap((offset) => loadState(this.api.listEvents({ id, limit: EVENTS_SHOWN, offset }))),
            map((load): EventsAction => ({ kind: 'older', load })),
          ),
        ).pipe(scan(reduceEvents, NO_EVENTS));
      }),
    ),
    { initialValue: NO_EVENTS },
  );

  /**
   * Next windows: asked again when the schedule's definition changes (its version) or the engine starts a window
   * (its next one moves on).
   */
  private readonly occurrencesLoad = toSignal(
    toObservable(
      computed(() => {
        const schedule = this.scheduleValue();
        return schedule && `${schedule.version} ${schedule.nextOccurrence?.start ?? ''}`;
      }),
    ).pipe(
      distinctUntilChanged(),
      switchMap((key) => (key === undefined ? of(null) : loadState(this.api.listOccurrences({ id: this.id(), count: 5 })))),
    ),
    { initialValue: null as LoadState<OccurrenceListDto> | null },
  );

  /** The next windows without those that ended since they were asked for. */
  protected readonly occurrences = computed((): LoadState<OccurrenceListDto> | null => {
    const load = this.occurrencesLoad();
    if (load?.status !== 'ok') return load;
    const now = this.now();
    return { ...load, value: { ...load.value, occurrences: load.value.occurrences.filter((o) => Date.parse(o.end) > now) } };
  });

  constructor() {
    // The route's title says "Schedule"; once loaded, the tab names it.
    effect(() => {
      const name = this.scheduleValue()?.name;
      if (name) this.title.setTitle(pageTitle(name));
    });
  }

  /** The schedule is gone (deleted here or elsewhere). */
  protected readonly gone = computed(() => {
    const state = this.schedule();
    return state.status === 'error' && state.problem.status === 404;
  });
  protected readonly runItems = computed(() => this.runs().value?.items ?? []);
  protected readonly currentRun = computed(() => this.runItems().find((run) => LIVE_RUN_STATES.includes(run.state)) ?? null);
  /** The pool column only for a run whose VMs are in one. */
  protected vmColumns(run: RunDto): string[] {
    return run.vms.some((vm) => vm.member) ? ['name', 'status', 'member', 'fault'] : ['name', 'status', 'fault'];
  }
  /** Times of the current window's VMs, in the zone its window is shown in. */
  protected readonly memberTime = (instant: string) => {
    const schedule = this.scheduleValue();
    return schedule ? this.provisionText(instant, this.zone(schedule)) : this.auditTime(instant);
  };
  protected readonly runColumns = ['window', 'state', 'vms', 'error'];

  /** Polls replace the objects: rows are kept by id. */
  protected readonly byId = (_: number, item: { id: string }) => item.id;

  protected windowText(schedule: ScheduleDto): string {
    return describeWindow(schedule);
  }

  protected excludedDates(schedule: ScheduleDto): string {
    const window = schedule.window;
    return isOnce(window) || !window.excludedDates?.length ? 'None' : window.excludedDates.join(', ');
  }

  protected readonly formatMinutes = formatMinutes;

  protected activeCount(run: RunDto): number {
    return run.vms.filter((vm) => vm.status === 'ACTIVE').length;
  }

  /** `Degraded: quota, 3 of 5` for the current run, `Partial: quota, 3 of 5` for an ended one. */
  protected shortfall(run: RunDto): string | null {
    return shortfallText(run, LIVE_RUN_STATES.includes(run.state) ? this.activeCount(run) : this.reachedActive(run));
  }

  /** Why a run is or ended short, in a word or two. */
  protected reasonText(run: RunDto): string | null {
    return run.shortfallReason && SHORTFALL_TEXT[run.shortfallReason];
  }

  /** For past runs: how many VMs reached ACTIVE at some point. */
  protected reachedActive(run: RunDto): number {
    return run.vms.filter((vm) => vm.activeAt !== null).length;
  }

  /** The zone its times are shown in: the schedule's, or the viewer's when they chose theirs. */
  protected zone(schedule: { readonly timeZone: string }): string {
    return this.displayZone.zoneFor(schedule.timeZone);
  }

  protected runWindow(run: RunDto, timeZone: string): string {
    return runWindowText(run, timeZone);
  }

  protected runLink(run: RunDto): string[] {
    return this.routes.subRoutes.run.link(run.scheduleId, run.id);
  }

  protected provisionText(instant: string, timeZone: string): string {
    return `${formatInZone(instant, timeZone)} ${offsetLabel(instant, timeZone)}`;
  }

  /** When the schedule was created or last changed, in the browser's zone (it is not a time of its windows). */
  protected auditTime(instant: string): string {
    const zone = browserTimeZone();
    return `${formatInZone(instant, zone)} ${offsetLabel(instant, zone)}`;
  }

  protected vmStatusClass(vm: RunVmDto): string {
    return vm.status.toLowerCase();
  }

  protected toggle(schedule: ScheduleDto, change: MatSlideToggleChange): void {
    this.switcher.switch(schedule, change.checked).subscribe((updated) => {
      if (updated) this.refresh$.next();
      else change.source.checked = schedule.enabled;
    });
  }

  /** Disabled "after this window": deletes the kept window's VMs now, after asking. */
  protected stopNow(schedule: ScheduleDto): void {
    this.switcher.stopKeptWindow(schedule).subscribe((updated) => {
      if (updated) this.refresh$.next();
    });
  }

  /** A new trust from the signed-in user replaces the schedule's (its trustor left, or the trust broke). */
  protected takeOver(schedule: ScheduleDto): void {
    this.api.renewDelegation({ id: schedule.id }).subscribe({
      next: (updated) => {
        this.notifier.success(`The engine now makes the VMs of “${updated.name}” with the roles of ${updated.delegatedBy?.name ?? 'you'}.`);
        this.refresh$.next();
      },
      error: (error: unknown) => this.notifier.error(`Could not take over “${schedule.name}”: ${toApiProblem(error).message}`),
    });
  }

  protected showMoreEvents(): void {
    this.olderEvents$.next(this.events().items.length);
  }

  protected retryEvents(): void {
    this.eventsRetry$.next();
  }

  protected remove(schedule: ScheduleDto): void {
    this.deleter.confirmAndDelete(schedule).subscribe((outcome) => {
      if (outcome === 'deleted') void this.router.navigate(this.routes.routerLink);
      else this.refresh$.next();
    });
  }
}
