import { ChangeDetectionStrategy, Component, computed, inject, InjectionToken, input } from '@angular/core';
import { toObservable, toSignal } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatButtonToggleModule } from '@angular/material/button-toggle';
import { MatCardModule } from '@angular/material/card';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import { MatTooltipModule } from '@angular/material/tooltip';
import { ActivatedRoute, Router } from '@angular/router';
import {
  CapacityContributionDto,
  CapacityDto,
  CapacityResource,
  CapacityService,
  LOADING,
  loadState,
  LoadState,
  ScheduleDto,
  SchedulesService,
} from '@peak/api-client';
import { EmptyState, PageHeader } from '@peak/web/ui';
import { BROWSER_TIME_ZONE, formatInZone, formatTimeInZone, internalRoutes, Notifier, offsetLabel, PROJECT_SCOPE } from '@peak/web/util';
import { catchError, combineLatest, map, Observable, of, switchMap, tap } from 'rxjs';
import { DemandChartView } from '../demand-chart/demand-chart';
import {
  ConflictMark,
  conflictMarks,
  demandChart,
  RESOURCE_LABELS,
  scheduleColours,
  shiftRange,
  TIMELINE_SCALES,
  TimelineBar,
  timelineRange,
  timelineRows,
  TimelineScale,
  todayIn,
} from '../timeline.model';

/** The current time, to find today; tests fix it. */
export const TIMELINE_CLOCK = new InjectionToken<() => Date>('the current time of the timeline', {
  providedIn: 'root',
  factory: () => () => new Date(),
});

/** The most schedules one list call returns (the API's page limit). */
const SCHEDULE_PAGE = 100;
const RESOURCES: readonly CapacityResource[] = ['instances', 'vcpus', 'ramMb', 'volumeGb'];

interface ProjectOption {
  readonly id: string;
  readonly name: string;
}

interface TimelineData {
  readonly capacity: CapacityDto;
  readonly schedules: readonly ScheduleDto[];
}

/**
 * Every schedule's windows of a week or a month on one time axis (a row per schedule), and below them the planned
 * demand stacked per schedule against the project's quota line. The address holds the view (`?scale=`, `?date=`,
 * `?zone=`, `?resource=`, `?project=`), so back, reload and links keep it.
 */
@Component({
  selector: 'peak-timeline-page',
  imports: [
    DemandChartView,
    EmptyState,
    MatButtonModule,
    MatButtonToggleModule,
    MatCardModule,
    MatFormFieldModule,
    MatIconModule,
    MatProgressBarModule,
    MatSelectModule,
    MatTooltipModule,
    PageHeader,
  ],
  templateUrl: './timeline-page.html',
  styleUrl: './timeline-page.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class TimelinePage {
  private readonly capacityApi = inject(CapacityService);
  private readonly schedulesApi = inject(SchedulesService);
  private readonly notifier = inject(Notifier);
  private readonly router = inject(Router);
  private readonly route = inject(ActivatedRoute);
  private readonly clock = inject(TIMELINE_CLOCK);
  private readonly browserZone = inject(BROWSER_TIME_ZONE);
  private readonly scope = inject(PROJECT_SCOPE);
  protected readonly cloudAdmin = computed(() => this.scope().cloudAdmin);

  /** Query parameters, bound by the router. */
  readonly scale = input<string>();
  readonly date = input<string>();
  readonly zone = input<string>();
  readonly resource = input<string>();
  readonly project = input<string>();

  protected readonly scales = TIMELINE_SCALES;
  protected readonly resources = RESOURCES;
  protected readonly resourceLabels = RESOURCE_LABELS;

  protected readonly shownScale = computed<TimelineScale>(() => (this.scale() === 'month' ? 'month' : 'week'));
  protected readonly shownZone = computed(() => (this.zone() && isZone(this.zone() ?? '') ? (this.zone() ?? 'UTC') : this.browserZone));
  protected readonly shownResource = computed<CapacityResource>(() => {
    const resource = this.resource();
    return RESOURCES.find((r) => r === resource) ?? 'vcpus';
  });
  private readonly shownDate = computed(() => {
    const date = this.date();
    return date && /^\d{4}-\d{2}-\d{2}$/.test(date) && !Number.isNaN(Date.parse(date)) ? date : todayIn(this.shownZone(), this.clock());
  });
  protected readonly range = computed(() => timelineRange(this.shownScale(), this.shownDate(), this.shownZone()));
  /** Only a cloud admin picks another project; the API refuses that to anyone else. */
  private readonly projectId = computed(() => (this.cloudAdmin() ? (this.project() ?? null) : null));

  protected readonly rangeLabel = computed(() => {
    const range = this.range();
    const format = new Intl.DateTimeFormat(undefined, {
      timeZone: range.zone,
      day: range.scale === 'week' ? 'numeric' : undefined,
      month: 'long',
      year: 'numeric',
    });
    return range.scale === 'month'
      ? format.format(new Date(range.from))
      : `${format.format(new Date(range.from))} – ${format.format(new Date(range.to - 1))}`;
  });

  protected readonly data = toSignal(
    combineLatest([toObservable(this.range), toObservable(this.projectId)]).pipe(
      switchMap(([range, projectId]) => loadState(this.load(range.from, range.to, projectId))),
      tap((state) => {
        if (state.status === 'error') this.notifier.error(`Could not load the timeline: ${state.problem.message}`);
      }),
    ),
    { initialValue: LOADING as LoadState<TimelineData> },
  );

  /** A cloud admin's project choices: every project with a schedule (one page of them). */
  protected readonly projects = toSignal(
    toObservable(this.cloudAdmin).pipe(
      switchMap(
        (admin): Observable<readonly ProjectOption[]> =>
          admin
            ? this.schedulesApi.listSchedules({ limit: SCHEDULE_PAGE }).pipe(
                map((page) => uniqueProjects(page.items)),
                catchError(() => of([])),
              )
            : of([]),
      ),
    ),
    { initialValue: [] },
  );

  protected readonly rows = computed(() => {
    const data = this.data();
    return data.status === 'ok' ? timelineRows(data.value.capacity, data.value.schedules, this.range()) : [];
  });
  protected readonly conflicts = computed(() => {
    const data = this.data();
    return data.status === 'ok' ? conflictMarks(data.value.capacity, this.range()) : [];
  });
  protected readonly colours = computed(() => scheduleColours(this.rows()));
  protected readonly chart = computed(() => {
    const data = this.data();
    return data.status === 'ok' ? demandChart(data.value.capacity, this.shownResource(), this.range()) : null;
  });
  /** The zones offered: the viewer's, UTC, the one in the address and every schedule's. */
  protected readonly zones = computed(() => {
    const data = this.data();
    const zones = new Set([this.browserZone, 'UTC', this.shownZone(), ...(data.value?.schedules.map((s) => s.timeZone) ?? [])]);
    return [...zones].sort((a, b) => a.localeCompare(b));
  });
  protected readonly dstDays = computed(() => this.range().days.filter((d) => d.dstChange !== null));
  protected readonly todayMarker = computed(() => {
    const now = this.clock().getTime();
    const range = this.range();
    return now >= range.from && now < range.to ? ((now - range.from) / (range.to - range.from)) * 100 : null;
  });

  protected dayLabel(start: number): string {
    const range = this.range();
    return new Intl.DateTimeFormat(undefined, {
      timeZone: range.zone,
      weekday: range.scale === 'week' ? 'short' : 'narrow',
      day: 'numeric',
    }).format(new Date(start));
  }

  protected barLabel(rowName: string, bar: TimelineBar): string {
    const c = bar.contribution;
    const zone = this.range().zone;
    return `${rowName}: ${formatInZone(c.from, zone)} to ${formatTimeInZone(c.to, zone)} ${offsetLabel(c.to, zone)}, ${c.instances} VM${c.instances === 1 ? '' : 's'}, ${c.vcpus} vCPUs`;
  }

  protected conflictLabel(mark: ConflictMark): string {
    const zone = this.range().zone;
    const what = mark.conflicts.map((c) => `${RESOURCE_LABELS[c.resource].noun} ${c.needed} needed, ${c.available} available`).join('; ');
    const schedules = [...new Set(mark.conflicts.flatMap((c) => c.schedules.map((s) => s.name)))].join(', ');
    return `Over the quota from ${formatInZone(mark.from, zone)} to ${formatTimeInZone(mark.to, zone)} ${offsetLabel(mark.to, zone)}: ${what} (${schedules})`;
  }

  protected zoneLabel(zone: string): string {
    const suffix = zone === this.browserZone ? ' (yours)' : '';
    return `${zone} ${offsetLabel(new Date(this.range().from), zone)}${suffix}`;
  }

  protected projectListed(projectId: string): boolean {
    return this.projects().some((p) => p.id === projectId);
  }

  protected setScale(scale: TimelineScale): void {
    this.show({ scale });
  }

  protected step(direction: -1 | 1): void {
    this.show({ date: shiftRange(this.shownScale(), this.shownDate(), direction) });
  }

  protected today(): void {
    this.show({ date: null });
  }

  protected setZone(zone: string): void {
    this.show({ zone: zone === this.browserZone ? null : zone });
  }

  protected setResource(resource: CapacityResource): void {
    this.show({ resource });
  }

  protected setProject(projectId: string): void {
    this.show({ project: projectId });
  }

  /** A window opens its run when one was recorded for it, else its schedule. */
  protected open(scheduleId: string, contribution: CapacityContributionDto): void {
    const from = Date.parse(contribution.from);
    const to = Date.parse(contribution.to);
    const toSchedule = () => void this.router.navigate(internalRoutes.schedules.subRoutes.detail.link(scheduleId));
    if (from > this.clock().getTime()) {
      toSchedule();
      return;
    }
    this.schedulesApi
      .listRuns({ id: scheduleId, limit: SCHEDULE_PAGE })
      .pipe(
        map((page) => page.items.find((run) => Date.parse(run.windowStart) < to && Date.parse(run.windowEnd) > from) ?? null),
        catchError(() => of(null)),
      )
      .subscribe((run) => {
        if (run) void this.router.navigate(internalRoutes.schedules.subRoutes.run.link(scheduleId, run.id));
        else toSchedule();
      });
  }

  private load(from: number, to: number, projectId: string | null): Observable<TimelineData> {
    return this.capacityApi
      .getCapacity({ from: new Date(from).toISOString(), to: new Date(to).toISOString(), ...(projectId ? { projectId } : {}) })
      .pipe(
        switchMap((capacity) =>
          this.schedulesApi
            .listSchedules({ limit: SCHEDULE_PAGE, sort: 'name', ...(this.cloudAdmin() ? { projectId: capacity.projectId } : {}) })
            .pipe(map((page) => ({ capacity, schedules: page.items }))),
        ),
      );
  }

  private show(changes: Record<string, string | null>): void {
    void this.router.navigate([], { relativeTo: this.route, queryParams: changes, queryParamsHandling: 'merge' });
  }
}

function isZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function uniqueProjects(schedules: readonly ScheduleDto[]): ProjectOption[] {
  const projects = new Map(schedules.map((s) => [s.projectId, s.projectName || s.projectId]));
  return [...projects.entries()].map(([id, name]) => ({ id, name })).sort((a, b) => a.name.localeCompare(b.name));
}
