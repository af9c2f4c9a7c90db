import { ChangeDetectionStrategy, Component, computed, effect, inject, input } from '@angular/core';
import { toObservable, toSignal } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatIconModule } from '@angular/material/icon';
import { MatTableModule } from '@angular/material/table';
import { Title } from '@angular/platform-browser';
import { RouterLink } from '@angular/router';
import { LoadState, loadState, RunDto, RunVmDto, ScheduleDto, SchedulesService } from '@peak/api-client';
import { EmptyState, Loading, PageHeader, StateChip } from '@peak/web/ui';
import { DisplayZone, formatInZone, internalRoutes, Notifier, offsetLabel, pageTitle } from '@peak/web/util';
import { EMPTY, expand, last, map, Observable, switchMap, takeWhile } from 'rxjs';
import { pollState, reportFailures } from '../shared/poll';
import { latenessText, LIVE_RUN_STATES, runWindowText, SHORTFALL_TEXT, shortfallText } from '../shared/schedule-text';
import { RunProblems } from '../shared/run-problems';
import { VmMember } from '../shared/vm-member';

/** A live run changes within seconds; an ended one never again, and is then no longer polled. */
const POLL_MS = 3000;
/** The API's largest page of runs. */
const RUN_PAGE = 100;

/** A run as the page reads it: found, or not among the schedule's runs (pruned, or a wrong address). */
type FoundRun = RunDto | null;

/** One run of a schedule: when it was planned and what happened, to the second, and each VM it made. */
@Component({
  selector: 'peak-run-detail-page',
  imports: [
    EmptyState,
    Loading,
    MatButtonModule,
    MatCardModule,
    MatIconModule,
    MatTableModule,
    PageHeader,
    RouterLink,
    RunProblems,
    StateChip,
    VmMember,
  ],
  templateUrl: './run-detail-page.html',
  styleUrl: './run-detail-page.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class RunDetailPage {
  /** The route's `:id` (the schedule) and `:runId`. */
  readonly id = input.required<string>();
  readonly runId = input.required<string>();

  private readonly api = inject(SchedulesService);
  private readonly notifier = inject(Notifier);
  private readonly title = inject(Title);
  protected readonly routes = internalRoutes.schedules;

  private readonly ids$ = toObservable(computed(() => ({ id: this.id(), runId: this.runId() })));

  /** The schedule, for its name and time zone; the run still reads without it (its schedule may be deleted). */
  protected readonly schedule = toSignal(this.ids$.pipe(switchMap(({ id }) => loadState(this.api.getSchedule({ id })))), {
    initialValue: { status: 'loading' } as LoadState<ScheduleDto>,
  });

  protected readonly run = toSignal(
    this.ids$.pipe(
      switchMap(({ id, runId }) =>
        pollState(() => this.findRun(id, runId), POLL_MS).pipe(
          // Polled while the engine works on it; an ended run is final.
          takeWhile((load) => load.status !== 'ok' || (load.value !== null && LIVE_RUN_STATES.includes(load.value.state)), true),
          reportFailures((message) => this.notifier.error(message), 'the run'),
        ),
      ),
    ),
    { initialValue: { status: 'loading' } as LoadState<FoundRun> },
  );

  protected readonly runValue = computed(() => this.run().value ?? null);
  private readonly displayZone = inject(DisplayZone);
  /**
   * Times read in the schedule's zone, as its windows are (or in the viewer's, when they chose theirs); in the
   * browser's while the schedule is unknown.
   */
  protected readonly timeZone = computed(() => this.displayZone.zoneFor(this.schedule().value?.timeZone ?? this.displayZone.browserZone));
  protected readonly scheduleName = computed(() => this.schedule().value?.name ?? this.runValue()?.scheduleName ?? null);
  protected readonly heading = computed(() => {
    const run = this.runValue();
    return run ? `Run ${runWindowText(run, this.timeZone())}` : 'Run';
  });
  /** The pool column only for a run whose VMs are in one. */
  protected readonly vmColumns = computed(() => {
    const inPool = this.runValue()?.vms.some((vm) => vm.member) ?? false;
    return ['slot', 'name', 'serverId', 'status', ...(inPool ? ['member'] : []), 'attempts', 'created', 'active', 'deleted', 'fault'];
  });
  protected readonly memberTime = (instant: string) => this.time(instant);

  constructor() {
    // The route's title says "Run"; once known, the tab names the window and the schedule.
    effect(() => {
      const run = this.runValue();
      const name = this.scheduleName();
      if (run && name) this.title.setTitle(pageTitle(this.heading(), name));
    });
  }

  /** Polls replace the objects: rows are kept by id. */
  protected readonly byId = (_: number, item: { id: string }) => item.id;

  protected time(instant: string | null): string {
    if (instant === null) return '—';
    const zone = this.timeZone();
    return `${formatInZone(instant, zone)} ${offsetLabel(instant, zone)}`;
  }

  protected lateness(run: RunDto): string {
    return latenessText(run.latenessSeconds) ?? 'Not started';
  }

  protected isLive(run: RunDto): boolean {
    return LIVE_RUN_STATES.includes(run.state);
  }

  /** VMs up now while live; for an ended run, how many reached ACTIVE at some point. */
  protected activeCount(run: RunDto): number {
    return this.isLive(run) ? run.vms.filter((vm) => vm.status === 'ACTIVE').length : run.vms.filter((vm) => vm.activeAt !== null).length;
  }

  protected shortfall(run: RunDto): string | null {
    return shortfallText(run, this.activeCount(run));
  }

  /** A VM's fault, or why its slot has no VM. */
  protected vmProblem(vm: RunVmDto): string {
    return vm.faultMessage ?? (vm.shortfallReason ? SHORTFALL_TEXT[vm.shortfallReason] : '');
  }

  protected vmStatusClass(vm: RunVmDto): string {
    return vm.status.toLowerCase();
  }

  /** The run among the schedule's runs (there is no single-run endpoint), a page at a time, newest first. */
  private findRun(id: string, runId: string): Observable<FoundRun> {
    const page = (offset: number) =>
      this.api
        .listRuns({ id, limit: RUN_PAGE, offset })
        .pipe(map((list) => ({ offset, list, found: list.items.find((run) => run.id === runId) ?? null })));
    return page(0).pipe(
      expand(({ offset, list, found }) =>
        found || list.items.length === 0 || offset + list.items.length >= list.total ? EMPTY : page(offset + list.items.length),
      ),
      takeWhile(({ found }) => found === null, true),
      last(),
      map(({ found }) => found),
    );
  }
}
