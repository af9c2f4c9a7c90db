import { DecimalPipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatIconModule } from '@angular/material/icon';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatTableModule } from '@angular/material/table';
import { MatTooltipModule } from '@angular/material/tooltip';
import {
  FlavorDto,
  FlavorsService,
  ImageDto,
  ImagesService,
  LOADING,
  loadState,
  LoadState,
  NetworkDto,
  NetworksService,
  QuotasDto,
  QuotasService,
} from '@peak/api-client';
import { EmptyState, PageHeader } from '@peak/web/ui';
import { Notifier } from '@peak/web/util';
import { BehaviorSubject, Observable, switchMap, tap } from 'rxjs';
import { QuotaList } from '../quota-list/quota-list';
import { formatBytes, formatMiB } from '../sizes';

/** What the cloud offers to schedules: the project's quotas, images to boot, flavors (sizes) and networks to attach. */
@Component({
  selector: 'peak-catalog-page',
  imports: [
    DecimalPipe,
    EmptyState,
    MatButtonModule,
    MatCardModule,
    MatIconModule,
    MatProgressBarModule,
    MatTableModule,
    MatTooltipModule,
    PageHeader,
    QuotaList,
  ],
  templateUrl: './catalog-page.html',
  styleUrl: './catalog-page.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class CatalogPage {
  private readonly notifier = inject(Notifier);
  private readonly imagesApi = inject(ImagesService);
  private readonly flavorsApi = inject(FlavorsService);
  private readonly networksApi = inject(NetworksService);
  private readonly quotasApi = inject(QuotasService);
  /** `true` asks the API to bypass its short cache (the Refresh button). */
  private readonly refresh$ = new BehaviorSubject(false);

  protected readonly images = this.load((refresh) => this.imagesApi.listImages({ refresh }), 'images');
  protected readonly flavors = this.load((refresh) => this.flavorsApi.listFlavors({ refresh }), 'flavors');
  protected readonly networks = this.load((refresh) => this.networksApi.listNetworks({ refresh }), 'networks');
  protected readonly quotas = this.load((refresh): Observable<QuotasDto> => this.quotasApi.getQuotas({ refresh }), 'quotas');

  protected readonly imageColumns = ['name', 'status', 'visibility', 'size', 'minimums'];
  protected readonly flavorColumns = ['name', 'vcpus', 'ram', 'disk', 'visibility', 'managed'];
  protected readonly networkColumns = ['name', 'status', 'shared', 'external', 'subnets'];

  protected readonly formatBytes = formatBytes;
  protected readonly formatMiB = formatMiB;

  protected refresh(): void {
    this.refresh$.next(true);
  }

  /** Glance reports 0 for "no requirement". */
  protected minimums(image: ImageDto): string {
    const parts = [
      image.minDiskGiB > 0 ? `${image.minDiskGiB} GiB disk` : '',
      image.minRamMiB > 0 ? `${formatMiB(image.minRamMiB)} RAM` : '',
    ].filter(Boolean);
    return parts.length > 0 ? parts.join(', ') : 'no minimum';
  }

  protected isManaged(flavor: FlavorDto): boolean {
    return flavor.managed !== undefined;
  }

  protected imageRows(state: LoadState<ImageDto[]>): ImageDto[] {
    return state.value ?? [];
  }

  protected flavorRows(state: LoadState<FlavorDto[]>): FlavorDto[] {
    // Managed flavors first: they are the ones schedules are expected to use.
    return [...(state.value ?? [])].sort((a, b) => Number(this.isManaged(b)) - Number(this.isManaged(a)));
  }

  protected networkRows(state: LoadState<NetworkDto[]>): NetworkDto[] {
    return state.value ?? [];
  }

  /** Each list loads, fails and retries on its own: one unreachable service does not blank the page. */
  private load<T>(call: (refresh: boolean) => Observable<T>, what: string) {
    return toSignal(
      this.refresh$.pipe(
        switchMap((refresh) => loadState(call(refresh))),
        tap((state) => {
          if (state.status === 'error') this.notifier.error(`Could not load ${what}: ${state.problem.message}`);
        }),
      ),
      { initialValue: LOADING as LoadState<T> },
    );
  }
}
