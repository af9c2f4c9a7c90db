import { computed, inject, Injectable } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
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
} from '@peak/api-client';
import { SelectOption } from '@peak/web/ui';
import { formatMiBShort } from './schedule-text';

/**
 * The cloud's images, flavors and networks, loaded once per visit of the schedules pages: the form's
 * selects and the names shown in place of ids in the list and the detail.
 */
@Injectable()
export class CatalogNames {
  private readonly imageList = toSignal(loadState(inject(ImagesService).listImages()), {
    initialValue: LOADING as LoadState<ImageDto[]>,
  });
  private readonly flavorList = toSignal(loadState(inject(FlavorsService).listFlavors()), {
    initialValue: LOADING as LoadState<FlavorDto[]>,
  });
  private readonly networkList = toSignal(loadState(inject(NetworksService).listNetworks()), {
    initialValue: LOADING as LoadState<NetworkDto[]>,
  });

  readonly loading = computed(
    () => this.imageList().status === 'loading' || this.flavorList().status === 'loading' || this.networkList().status === 'loading',
  );
  /** The first failure's message, if any list could not be loaded. */
  readonly problem = computed(() => {
    for (const state of [this.imageList(), this.flavorList(), this.networkList()]) {
      if (state.status === 'error') return state.problem.message;
    }
    return null;
  });

  readonly imageOptions = computed<SelectOption[]>(() =>
    (this.imageList().value ?? []).map((i) => ({
      value: i.id,
      label: i.name || i.id,
      hint: i.status === 'active' ? undefined : i.status,
      disabled: i.status !== 'active',
    })),
  );
  readonly flavorOptions = computed<SelectOption[]>(() =>
    [...(this.flavorList().value ?? [])]
      .sort((a, b) => Number(b.managed !== undefined) - Number(a.managed !== undefined))
      .map((f) => ({
        value: f.id,
        label: f.name,
        hint: `${f.vcpus} vCPU, ${formatMiBShort(f.ramMiB)}, ${f.diskGiB} GB${f.managed ? ` · managed (${f.managed})` : ''}`,
      })),
  );
  readonly networkOptions = computed<SelectOption[]>(() =>
    (this.networkList().value ?? []).map((n) => ({
      value: n.id,
      label: n.name || n.id,
      hint: [n.shared ? 'shared' : '', n.external ? 'external' : ''].filter(Boolean).join(', ') || undefined,
    })),
  );

  private readonly imageNames = computed(() => new Map((this.imageList().value ?? []).map((i) => [i.id, i.name || i.id])));
  private readonly flavorNames = computed(() => new Map((this.flavorList().value ?? []).map((f) => [f.id, f.name])));
  private readonly networkNames = computed(() => new Map((this.networkList().value ?? []).map((n) => [n.id, n.name || n.id])));

  /** The name, or the id while loading or when the cloud no longer has it. */
  image(id: string): string {
    return this.imageNames().get(id) ?? id;
  }

  flavor(id: string): string {
    return this.flavorNames().get(id) ?? id;
  }

  networks(ids: readonly string[]): string {
    return ids.map((id) => this.networkNames().get(id) ?? id).join(', ');
  }
}
