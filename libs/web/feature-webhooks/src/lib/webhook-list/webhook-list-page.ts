import { ChangeDetectionStrategy, Component, computed, DestroyRef, inject, input } from '@angular/core';
import { takeUntilDestroyed, toObservable, toSignal } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatIconModule } from '@angular/material/icon';
import { MatMenuModule } from '@angular/material/menu';
import { MatPaginatorModule, PageEvent } from '@angular/material/paginator';
import { MatTableModule } from '@angular/material/table';
import { ActivatedRoute, Router, RouterLink } from '@angular/router';
import { LOADING, LoadState, loadState, SchedulesService, WebhookDto, WebhookListDto, WebhooksService } from '@peak/api-client';
import { EmptyState, LoadedContent, LoadStateView, PageHeader, StateChip } from '@peak/web/ui';
import { DisplayZone, formatInZone, internalRoutes, offsetLabel, PROJECT_SCOPE, WRITE_ACCESS } from '@peak/web/util';
import { catchError, map, merge, Observable, of, scan, Subject, switchMap, tap } from 'rxjs';
import { WebhookActions } from '../webhook-actions';
import {
  eventTypesText,
  lastPageIndex,
  PAGE_SIZES,
  PageQuery,
  parsePageQuery,
  samePageQuery,
  toLimitOffset,
  toPageParams,
  WEBHOOK_LOOKS,
  webhookState,
} from '../webhook-text';

const COLUMNS = ['url', 'events', 'schedules', 'state', 'created', 'actions'];
/** Schedules named in the filters are looked up among the first page of the caller's, by name. */
const SCHEDULE_NAMES = 100;

/**
 * The webhooks the caller may see, newest first, a page at a time (the page lives in the address): where each sends,
 * what it receives, whether it is on (and why not), and what can be done to it. A new one shows its secret once.
 */
@Component({
  selector: 'peak-webhook-list-page',
  imports: [
    EmptyState,
    LoadedContent,
    LoadStateView,
    MatButtonModule,
    MatCardModule,
    MatIconModule,
    MatMenuModule,
    MatPaginatorModule,
    MatTableModule,
    PageHeader,
    RouterLink,
    StateChip,
  ],
  providers: [WebhookActions],
  templateUrl: './webhook-list-page.html',
  styleUrl: './webhook-list-page.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class WebhookListPage {
  private readonly api = inject(WebhooksService);
  private readonly actions = inject(WebhookActions);
  private readonly router = inject(Router);
  private readonly route = inject(ActivatedRoute);
  private readonly destroyRef = inject(DestroyRef);
  private readonly refresh$ = new Subject<void>();
  protected readonly zone = inject(DisplayZone).browserZone;
  protected readonly canWrite = inject(WRITE_ACCESS);
  private readonly scope = inject(PROJECT_SCOPE);
  protected readonly cloudAdmin = computed(() => this.scope().cloudAdmin);
  protected readonly columns = computed(() => (this.canWrite() ? COLUMNS : COLUMNS.filter((c) => c !== 'actions')));
  protected readonly pageSizes = PAGE_SIZES;
  protected readonly looks = WEBHOOK_LOOKS;

  /** `?page=` (from 1) and `?size=` of the address, bound by the router. */
  readonly page = input<string>();
  readonly size = input<string>();
  protected readonly query = computed(() => parsePageQuery(this.page(), this.size()), { equal: samePageQuery });

  protected readonly list = toSignal(
    toObservable(this.query).pipe(
      switchMap((query) =>
        merge(of(undefined), this.refresh$).pipe(
          switchMap(() => loadState(this.api.listWebhooks(toLimitOffset(query)))),
          tap((load) => {
            if (load.status === 'ok') this.leavePastTheEnd(query, load.value);
          }),
        ),
      ),
      // A reload keeps the last rows on screen (under a progress bar) until it answers, and after it fails.
      scan((previous: LoadState<WebhookListDto>, next) => (next.status === 'ok' ? next : { ...next, value: previous.value })),
    ),
    { initialValue: LOADING as LoadState<WebhookListDto> },
  );
  protected readonly webhooks = computed(() => this.list().value?.items ?? []);

  /** Schedule names by id, to name the schedule filters (an id stays an id when the schedule is not among them). */
  protected readonly scheduleNames = toSignal(this.loadScheduleNames(), { initialValue: new Map<string, string>() });

  protected state(webhook: WebhookDto): string {
    return webhookState(webhook);
  }

  protected events(webhook: WebhookDto): string {
    return eventTypesText(webhook.eventTypes);
  }

  protected schedules(webhook: WebhookDto): string {
    if (webhook.scheduleIds.length === 0) return 'All schedules';
    const names = this.scheduleNames();
    return webhook.scheduleIds.map((id) => names.get(id) ?? `Schedule ${id}`).join(', ');
  }

  protected when(instant: string): string {
    return `${formatInZone(instant, this.zone)} ${offsetLabel(instant, this.zone)}`;
  }

  protected detailLink(webhook: WebhookDto): readonly string[] {
    return internalRoutes.webhooks.subRoutes.detail.link(webhook.id);
  }

  protected create(): void {
    this.actions
      .create({ cloudAdmin: this.cloudAdmin() })
      .pipe(takeUntilDestroyed(this.destroyRef))
      // The newest is listed first: back to the first page to see it.
      .subscribe(() => (this.query().pageIndex === 0 ? this.refresh$.next() : this.show({ ...this.query(), pageIndex: 0 })));
  }

  protected sendTest(webhook: WebhookDto): void {
    this.actions.sendTest(webhook).pipe(takeUntilDestroyed(this.destroyRef)).subscribe();
  }

  protected setEnabled(webhook: WebhookDto, enabled: boolean): void {
    this.actions
      .setEnabled(webhook, enabled)
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe(() => this.refresh$.next());
  }

  protected rotateSecret(webhook: WebhookDto): void {
    this.actions.rotateSecret(webhook).pipe(takeUntilDestroyed(this.destroyRef)).subscribe();
  }

  protected delete(webhook: WebhookDto): void {
    this.actions
      .delete(webhook)
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe(() => this.refresh$.next());
  }

  protected retry(): void {
    this.refresh$.next();
  }

  protected changePage(event: PageEvent): void {
    this.show({ pageIndex: event.pageIndex, pageSize: event.pageSize });
  }

  private loadScheduleNames(): Observable<ReadonlyMap<string, string>> {
    return inject(SchedulesService)
      .listSchedules({ limit: SCHEDULE_NAMES, sort: 'name' })
      .pipe(
        map((page) => new Map(page.items.map((s) => [s.id, s.name]))),
        // Without names the filters show ids: the page still works.
        catchError(() => of(new Map<string, string>())),
      );
  }

  private leavePastTheEnd(query: PageQuery, page: WebhookListDto): void {
    if (page.items.length === 0 && page.total > 0) this.show({ ...query, pageIndex: lastPageIndex(page.total, query.pageSize) }, true);
  }

  private show(query: PageQuery, replaceUrl = false): void {
    void this.router.navigate([], { relativeTo: this.route, queryParams: toPageParams(query), replaceUrl });
  }
}
