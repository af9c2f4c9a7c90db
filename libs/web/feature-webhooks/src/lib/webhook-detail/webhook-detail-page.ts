import { ChangeDetectionStrategy, Component, computed, DestroyRef, inject, InjectionToken, input } from '@angular/core';
import { takeUntilDestroyed, toObservable, toSignal } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatIconModule } from '@angular/material/icon';
import { MatPaginatorModule, PageEvent } from '@angular/material/paginator';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatTableModule } from '@angular/material/table';
import { ActivatedRoute, Router, RouterLink } from '@angular/router';
import {
  LOADING,
  LoadState,
  loadState,
  SchedulesService,
  WebhookDeliveryDto,
  WebhookDeliveryListDto,
  WebhookDto,
  WebhooksService,
} from '@peak/api-client';
import { EmptyState, LoadedContent, LoadStateView, PageHeader, StateChip } from '@peak/web/ui';
import { DisplayZone, formatInZone, internalRoutes, offsetLabel, PROJECT_SCOPE, WRITE_ACCESS } from '@peak/web/util';
import {
  catchError,
  combineLatest,
  EMPTY,
  expand,
  filter,
  forkJoin,
  map,
  merge,
  Observable,
  of,
  scan,
  Subject,
  switchMap,
  tap,
  timer,
} from 'rxjs';
import { WebhookActions } from '../webhook-actions';
import {
  DELIVERY_LOOKS,
  eventTypesText,
  lastAttempt,
  lastPageIndex,
  latencyText,
  PAGE_SIZES,
  PageQuery,
  parsePageQuery,
  responseText,
  samePageQuery,
  toLimitOffset,
  toPageParams,
  WEBHOOK_LOOKS,
  webhookState,
} from '../webhook-text';

/** While a delivery of the page is pending, it is read again this often (ms). */
export const DELIVERY_REFRESH_MS = new InjectionToken<number>('DELIVERY_REFRESH_MS', { providedIn: 'root', factory: () => 5_000 });

const COLUMNS = ['event', 'status', 'attempts', 'response', 'latency', 'nextAttempt'];

type ScheduleName = { readonly id: string; readonly name: string | null };

/**
 * One webhook: its settings and state, what can be done to it, and its deliveries newest first, a page at a time (the
 * page lives in the address), read again while one of them is pending.
 */
@Component({
  selector: 'peak-webhook-detail-page',
  imports: [
    EmptyState,
    LoadedContent,
    LoadStateView,
    MatButtonModule,
    MatCardModule,
    MatIconModule,
    MatPaginatorModule,
    MatProgressBarModule,
    MatTableModule,
    PageHeader,
    RouterLink,
    StateChip,
  ],
  providers: [WebhookActions],
  templateUrl: './webhook-detail-page.html',
  styleUrl: './webhook-detail-page.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class WebhookDetailPage {
  private readonly api = inject(WebhooksService);
  private readonly schedulesApi = inject(SchedulesService);
  private readonly actions = inject(WebhookActions);
  private readonly router = inject(Router);
  private readonly route = inject(ActivatedRoute);
  private readonly destroyRef = inject(DestroyRef);
  private readonly refreshMs = inject(DELIVERY_REFRESH_MS);
  private readonly reloadWebhook$ = new Subject<void>();
  private readonly reloadDeliveries$ = new Subject<void>();
  protected readonly zone = inject(DisplayZone).browserZone;
  protected readonly canWrite = inject(WRITE_ACCESS);
  private readonly scope = inject(PROJECT_SCOPE);
  protected readonly cloudAdmin = computed(() => this.scope().cloudAdmin);
  protected readonly routes = internalRoutes.webhooks;
  protected readonly columns = COLUMNS;
  protected readonly pageSizes = PAGE_SIZES;
  protected readonly webhookLooks = WEBHOOK_LOOKS;
  protected readonly deliveryLooks = DELIVERY_LOOKS;

  /** The webhook's id, and `?page=` (from 1) and `?size=` of its deliveries, bound by the router. */
  readonly id = input.required<string>();
  readonly page = input<string>();
  readonly size = input<string>();
  protected readonly query = computed(() => parsePageQuery(this.page(), this.size()), { equal: samePageQuery });

  protected readonly webhook = toSignal(
    toObservable(this.id).pipe(
      switchMap((id) =>
        merge(of(undefined), this.reloadWebhook$).pipe(
          switchMap(() => loadState(this.api.getWebhook({ id }))),
          scan((previous: LoadState<WebhookDto>, next) => (next.status === 'ok' ? next : { ...next, value: previous.value }), LOADING),
        ),
      ),
    ),
    { initialValue: LOADING as LoadState<WebhookDto> },
  );

  protected readonly deliveries = toSignal(
    combineLatest([toObservable(this.id), toObservable(this.query)]).pipe(
      switchMap(([id, query]) =>
        merge(of(undefined), this.reloadDeliveries$).pipe(
          switchMap(() => this.pollDeliveries(id, query)),
          tap((load) => {
            if (load.status === 'ok') this.leavePastTheEnd(query, load.value);
          }),
        ),
      ),
      // Another page, a poll or a failure keeps the last rows on screen.
      scan((previous: LoadState<WebhookDeliveryListDto>, next) => (next.status === 'ok' ? next : { ...next, value: previous.value })),
    ),
    { initialValue: LOADING as LoadState<WebhookDeliveryListDto> },
  );
  protected readonly deliveryRows = computed(() => this.deliveries().value?.items ?? []);

  /** The schedules of the webhook's filter, by name where the caller may read them. */
  protected readonly scheduleNames = toSignal(
    toObservable(computed(() => this.webhook().value?.scheduleIds.join(',') ?? '')).pipe(
      switchMap((ids) => this.lookUpSchedules(ids ? ids.split(',') : [])),
    ),
    { initialValue: [] as readonly ScheduleName[] },
  );

  protected state(webhook: WebhookDto): string {
    return webhookState(webhook);
  }

  protected events(webhook: WebhookDto): string {
    return eventTypesText(webhook.eventTypes);
  }

  protected when(instant: string): string {
    return `${formatInZone(instant, this.zone)} ${offsetLabel(instant, this.zone)}`;
  }

  protected response(delivery: WebhookDeliveryDto): string {
    return responseText(lastAttempt(delivery));
  }

  protected latency(delivery: WebhookDeliveryDto): string {
    return latencyText(lastAttempt(delivery));
  }

  protected scheduleLink(id: string): readonly string[] {
    return internalRoutes.schedules.subRoutes.detail.link(id);
  }

  protected sendTest(webhook: WebhookDto): void {
    this.actions
      .sendTest(webhook)
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe(() => {
        // The ping is the newest delivery: on the first page.
        if (this.query().pageIndex === 0) this.reloadDeliveries$.next();
        else this.show({ ...this.query(), pageIndex: 0 });
        this.reloadWebhook$.next();
      });
  }

  protected edit(webhook: WebhookDto): void {
    this.actions
      .edit(webhook, this.cloudAdmin())
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe(() => this.reloadWebhook$.next());
  }

  protected setEnabled(webhook: WebhookDto, enabled: boolean): void {
    this.actions
      .setEnabled(webhook, enabled)
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe(() => this.reloadWebhook$.next());
  }

  protected rotateSecret(webhook: WebhookDto): void {
    this.actions
      .rotateSecret(webhook)
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe(() => this.reloadWebhook$.next());
  }

  protected delete(webhook: WebhookDto): void {
    this.actions
      .delete(webhook)
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe(() => void this.router.navigate(this.routes.routerLink));
  }

  protected retryWebhook(): void {
    this.reloadWebhook$.next();
  }

  protected retryDeliveries(): void {
    this.reloadDeliveries$.next();
  }

  protected changePage(event: PageEvent): void {
    this.show({ pageIndex: event.pageIndex, pageSize: event.pageSize });
  }

  /** One read of the page, then another after a while for as long as one of its deliveries is pending. */
  private pollDeliveries(id: string, query: PageQuery): Observable<LoadState<WebhookDeliveryListDto>> {
    const read = () => loadState(this.api.listWebhookDeliveries({ id, ...toLimitOffset(query) }));
    return read().pipe(
      expand((state) =>
        state.status === 'ok' && state.value.items.some((d) => d.status === 'pending')
          ? timer(this.refreshMs).pipe(
              switchMap(read),
              // A poll reads quietly: no progress bar every few seconds.
              filter((next) => next.status !== 'loading'),
            )
          : EMPTY,
      ),
    );
  }

  private lookUpSchedules(ids: readonly string[]): Observable<readonly ScheduleName[]> {
    if (ids.length === 0) return of([]);
    return forkJoin(
      ids.map((id) =>
        this.schedulesApi.getSchedule({ id }).pipe(
          map((schedule): ScheduleName => ({ id, name: schedule.name })),
          // Deleted, or not readable here: named by its id.
          catchError(() => of<ScheduleName>({ id, name: null })),
        ),
      ),
    );
  }

  private leavePastTheEnd(query: PageQuery, page: WebhookDeliveryListDto): void {
    if (page.items.length === 0 && page.total > 0) this.show({ ...query, pageIndex: lastPageIndex(page.total, query.pageSize) }, true);
  }

  private show(query: PageQuery, replaceUrl = false): void {
    void this.router.navigate([], { relativeTo: this.route, queryParams: toPageParams(query), replaceUrl });
  }
}
