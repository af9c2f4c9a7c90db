import { ChangeDetectionStrategy, Component, computed, inject, input, linkedSignal, signal } from '@angular/core';
import { toObservable, toSignal } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { MatPaginatorModule, PageEvent } from '@angular/material/paginator';
import { MatSelectModule } from '@angular/material/select';
import { MatTableModule } from '@angular/material/table';
import { MatTooltipModule } from '@angular/material/tooltip';
import { ActivatedRoute, Router, RouterLink } from '@angular/router';
import {
  AuditRecordDto,
  AuditRecordListDto,
  AuditService,
  LOADING,
  LoadState,
  loadState,
  SchedulesService,
  WebhooksService,
} from '@peak/api-client';
import { EmptyState, LoadedContent, LoadStateView, PageHeader } from '@peak/web/ui';
import { DisplayZone, formatInZone, instantOfWallTime, internalRoutes, offsetLabel, wallTimeAt } from '@peak/web/util';
import { catchError, forkJoin, map, merge, Observable, of, scan, startWith, Subject, switchMap, tap } from 'rxjs';
import { ChangeDiff } from '../change-diff/change-diff';
import {
  ActivityQuery,
  EMPTY_FILTERS,
  isFiltered,
  KNOWN_ACTIONS,
  lastPageIndex,
  PAGE_SIZES,
  parseActivityQuery,
  sameActivityQuery,
  toAuditParams,
  toQueryParams,
} from '../activity-query';

const COLUMNS = ['at', 'who', 'action', 'target', 'outcome', 'requestId', 'expand'];
/** A select shows no label for a null option: this value stands for "no filter". */
const ANY = '';

/** What became of a schedule a record is about: its name while it exists, `gone` once it is deleted. */
type TargetLookup =
  | { readonly status: 'exists'; readonly name: string; readonly link: readonly string[] }
  | { readonly status: 'gone' }
  | { readonly status: 'unknown' };

/** The kinds of target the page links to while they exist. */
const LINKED_TARGETS = new Set(['schedule', 'webhook']);

export interface FilterOption {
  readonly value: string;
  readonly label: string;
}

/** How an answer reads in the outcome chip. */
export function outcomeKind(status: number): 'success' | 'refused' | 'abandoned' {
  if (status >= 200 && status < 400) return 'success';
  return status === 499 ? 'abandoned' : 'refused';
}

/** `2026-12-04T10:15` for a `datetime-local` field: the instant's wall time in `zone`. */
export function toLocalInput(instant: string | null, zone: string): string {
  if (instant === null) return '';
  const w = wallTimeAt(new Date(instant), zone);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${String(w.year).padStart(4, '0')}-${two(w.month)}-${two(w.day)}T${two(w.hour)}:${two(w.minute)}`;
}

/** The instant a `datetime-local` value stands for in `zone`; null for an empty or unreadable one. */
export function fromLocalInput(value: string, zone: string): string | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(value);
  if (!match) return null;
  const [year, month, day, hour, minute] = match.slice(1).map(Number) as [number, number, number, number, number];
  return instantOfWallTime({ year, month, day, hour, minute }, zone).toISOString();
}

/**
 * The audit log: every write through the API, newest first, a page at a time, filtered by time, user, action and
 * target. The filters and the page live in the address, so a filtered view can be shared and survives a reload.
 */
@Component({
  selector: 'peak-activity-page',
  imports: [
    ChangeDiff,
    EmptyState,
    LoadedContent,
    LoadStateView,
    MatButtonModule,
    MatCardModule,
    MatFormFieldModule,
    MatIconModule,
    MatInputModule,
    MatPaginatorModule,
    MatSelectModule,
    MatTableModule,
    MatTooltipModule,
    PageHeader,
    RouterLink,
  ],
  templateUrl: './activity-page.html',
  styleUrl: './activity-page.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ActivityPage {
  private readonly audit = inject(AuditService);
  private readonly schedules = inject(SchedulesService);
  private readonly webhooks = inject(WebhooksService);
  private readonly router = inject(Router);
  private readonly route = inject(ActivatedRoute);
  private readonly refresh$ = new Subject<void>();
  /** Audit records have no zone of their own: times are the viewer's. */
  protected readonly zone = inject(DisplayZone).browserZone;

  /** `?page=` (from 1), `?size=`, `?from=`, `?to=`, `?user=`, `?action=` and `?target=` of the address, bound by the router. */
  readonly page = input<string>();
  readonly size = input<string>();
  readonly from = input<string>();
  readonly to = input<string>();
  readonly user = input<string>();
  readonly action = input<string>();
  readonly target = input<string>();

  protected readonly query = computed(
    () =>
      parseActivityQuery({
        page: this.page(),
        size: this.size(),
        from: this.from(),
        to: this.to(),
        user: this.user(),
        action: this.action(),
        target: this.target(),
      }),
    { equal: sameActivityQuery },
  );
  protected readonly filtered = computed(() => isFiltered(this.query()));
  protected readonly columns = COLUMNS;
  protected readonly pageSizes = PAGE_SIZES;
  protected readonly any = ANY;

  /** The address's page of records; a new page keeps the last one's rows on screen (under a progress bar) until it loads. */
  protected readonly list = toSignal(
    toObservable(this.query).pipe(
      switchMap((query) =>
        merge(of(undefined), this.refresh$).pipe(
          switchMap(() => loadState(this.audit.listAuditRecords(toAuditParams(query)))),
          tap((load) => {
            if (load.status === 'ok') this.leavePastTheEnd(query, load.value);
          }),
          // A failed refresh keeps this query's rows (the page says it failed).
          scan((previous: LoadState<AuditRecordListDto>, next) => (next.status === 'error' ? { ...next, value: previous.value } : next)),
        ),
      ),
      // Another page or filter keeps the last rows on screen until it loads, not after it fails.
      scan((previous: LoadState<AuditRecordListDto>, next) => (next.status === 'loading' ? { ...next, value: previous.value } : next)),
    ),
    { initialValue: LOADING as LoadState<AuditRecordListDto> },
  );
  protected readonly records = computed(() => this.list().value?.items ?? []);

  /** The schedules the page's records are about, looked up once each per visit: a link while they exist. */
  private readonly lookups = new Map<string, TargetLookup>();
  protected readonly targets = toSignal(toObservable(this.records).pipe(switchMap((records) => this.lookUpTargets(records))), {
    initialValue: new Map<string, TargetLookup>() as ReadonlyMap<string, TargetLookup>,
  });

  /** Every user seen since the page opened, by id, with the name the records carry: the user filter's options. */
  private readonly knownUsers = linkedSignal<readonly AuditRecordDto[], ReadonlyMap<string, string>>({
    source: this.records,
    computation: (records, previous) => {
      const known = new Map(previous?.value);
      for (const r of records) if (r.userId) known.set(r.userId, r.userName ?? r.userId);
      return known;
    },
  });
  protected readonly userOptions = computed<readonly FilterOption[]>(() => {
    const known = new Map(this.knownUsers());
    const selected = this.query().userId;
    if (selected !== null && !known.has(selected)) known.set(selected, selected);
    return [...known].map(([value, label]) => ({ value, label })).sort((a, b) => a.label.localeCompare(b.label));
  });
  protected readonly actionOptions = computed<readonly string[]>(() => {
    const actions = new Set([...KNOWN_ACTIONS, ...this.records().map((r) => r.action)]);
    const selected = this.query().action;
    if (selected !== null) actions.add(selected);
    return [...actions].sort();
  });

  protected readonly fromInput = computed(() => toLocalInput(this.query().from, this.zone));
  protected readonly toInput = computed(() => toLocalInput(this.query().to, this.zone));

  /** The ids of the rows whose changes are shown. */
  protected readonly expanded = signal<ReadonlySet<string>>(new Set());

  protected when(record: AuditRecordDto): string {
    return `${formatInZone(record.at, this.zone)} ${offsetLabel(record.at, this.zone)}`;
  }

  protected outcome(record: AuditRecordDto): string {
    return outcomeKind(record.outcome);
  }

  protected targetLookup(record: AuditRecordDto): TargetLookup {
    return (record.targetId && this.targets().get(record.targetId)) || { status: 'unknown' };
  }

  protected toggle(record: AuditRecordDto): void {
    this.expanded.update((ids) => {
      const next = new Set(ids);
      if (!next.delete(record.id)) next.add(record.id);
      return next;
    });
  }

  protected retry(): void {
    this.refresh$.next();
  }

  protected changePage(event: PageEvent): void {
    this.show({ ...this.query(), pageIndex: event.pageIndex, pageSize: event.pageSize });
  }

  protected filterFrom(value: string): void {
    this.show({ ...this.query(), pageIndex: 0, from: fromLocalInput(value, this.zone) });
  }

  protected filterTo(value: string): void {
    this.show({ ...this.query(), pageIndex: 0, to: fromLocalInput(value, this.zone) });
  }

  protected filterUser(userId: string): void {
    this.show({ ...this.query(), pageIndex: 0, userId: userId === ANY ? null : userId });
  }

  protected filterAction(action: string): void {
    this.show({ ...this.query(), pageIndex: 0, action: action === ANY ? null : action });
  }

  protected filterTarget(targetId: string): void {
    this.show({ ...this.query(), pageIndex: 0, targetId: targetId.trim() || null });
  }

  protected clearFilters(): void {
    this.show({ ...this.query(), ...EMPTY_FILTERS, pageIndex: 0 });
  }

  private lookUpTargets(records: readonly AuditRecordDto[]): Observable<ReadonlyMap<string, TargetLookup>> {
    const targets = new Map<string, string>();
    for (const r of records) if (r.targetId && r.targetType && LINKED_TARGETS.has(r.targetType)) targets.set(r.targetId, r.targetType);
    const missing = [...targets].filter(([id]) => !this.lookups.has(id));
    if (missing.length === 0) return of(new Map(this.lookups));
    return forkJoin(
      missing.map(([id, type]) =>
        this.lookUp(id, type).pipe(
          // A 404 means deleted; any other failure leaves the target unlinked but named by its id.
          catchError((error: { status?: number }) => of<TargetLookup>(error.status === 404 ? { status: 'gone' } : { status: 'unknown' })),
          map((lookup) => [id, lookup] as const),
        ),
      ),
    ).pipe(
      map((found) => {
        for (const [id, lookup] of found) this.lookups.set(id, lookup);
        return new Map(this.lookups);
      }),
      startWith(new Map(this.lookups)),
    );
  }

  /** A schedule or webhook by its id: its name and page while it exists. */
  private lookUp(id: string, type: string): Observable<TargetLookup> {
    if (type === 'webhook') {
      const link = internalRoutes.webhooks.subRoutes.detail.link(id);
      return this.webhooks
        .getWebhook({ id })
        .pipe(map((webhook): TargetLookup => ({ status: 'exists', name: webhook.description || webhook.url, link })));
    }
    const link = internalRoutes.schedules.subRoutes.detail.link(id);
    return this.schedules.getSchedule({ id }).pipe(map((schedule): TargetLookup => ({ status: 'exists', name: schedule.name, link })));
  }

  private leavePastTheEnd(query: ActivityQuery, page: AuditRecordListDto): void {
    if (page.items.length === 0 && page.total > 0) {
      this.show({ ...query, pageIndex: lastPageIndex(page.total, query.pageSize) }, true);
    }
  }

  /** Changes the address: the inputs, and so the list, follow; back and reload keep the view. */
  private show(query: ActivityQuery, replaceUrl = false): void {
    void this.router.navigate([], { relativeTo: this.route, queryParams: toQueryParams(query), replaceUrl });
  }
}
