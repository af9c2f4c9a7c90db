import { computed, DestroyRef, inject, Injectable, signal, WritableSignal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import {
  AvailabilityZoneDto,
  KeypairDto,
  LaunchOptionsService,
  LoadBalancerDto,
  LoadBalancerPoolDto,
  LoadBalancersService,
  LOADING,
  loadState,
  LoadState,
  SecurityGroupDto,
  ServerGroupDto,
  VolumeTypeDto,
} from '@peak/api-client';
import { SelectOption } from '@peak/web/ui';
import { Observable } from 'rxjs';

/**
 * The cloud's key pairs, security groups, zones, server groups, volume types and load balancers, for the pickers of the advanced
 * launch options. Loaded on the first `load()` (when the section is first opened), not with the page.
 */
@Injectable()
export class LaunchCatalog {
  private readonly api = inject(LaunchOptionsService);
  private readonly loadBalancerApi = inject(LoadBalancersService);
  private readonly destroyRef = inject(DestroyRef);
  private started = false;

  readonly keypairs = signal<LoadState<KeypairDto[]>>(LOADING as LoadState<KeypairDto[]>);
  readonly securityGroups = signal<LoadState<SecurityGroupDto[]>>(LOADING as LoadState<SecurityGroupDto[]>);
  readonly zones = signal<LoadState<AvailabilityZoneDto[]>>(LOADING as LoadState<AvailabilityZoneDto[]>);
  readonly serverGroups = signal<LoadState<ServerGroupDto[]>>(LOADING as LoadState<ServerGroupDto[]>);
  readonly volumeTypes = signal<LoadState<VolumeTypeDto[]>>(LOADING as LoadState<VolumeTypeDto[]>);
  readonly loadBalancers = signal<LoadState<LoadBalancerDto[]>>(LOADING as LoadState<LoadBalancerDto[]>);
  /** The pools of the load balancer last asked for (`loadPools`). */
  readonly pools = signal<LoadState<LoadBalancerPoolDto[]>>(LOADING as LoadState<LoadBalancerPoolDto[]>);
  private poolsOf: string | null = null;

  private readonly lists = computed(() => [
    this.keypairs(),
    this.securityGroups(),
    this.zones(),
    this.serverGroups(),
    this.volumeTypes(),
    this.loadBalancers(),
  ]);
  readonly loading = computed(() => this.lists().some((s) => s.status === 'loading'));
  /** The first failure's message, if any list could not be loaded. */
  readonly problem = computed(() => {
    for (const state of this.lists()) {
      if (state.status === 'error') return state.problem.message;
    }
    return null;
  });

  /**
   * Security groups by name (what people recognise and what `openstack server create` takes); by id when the
   * project has two of that name.
   */
  readonly securityGroupOptions = computed<SelectOption[]>(() => {
    const groups = this.securityGroups().value ?? [];
    const count = new Map<string, number>();
    for (const group of groups) count.set(group.name, (count.get(group.name) ?? 0) + 1);
    return groups.map((g) => {
      const unique = g.name !== '' && count.get(g.name) === 1;
      return {
        value: unique ? g.name : g.id,
        label: unique ? g.name : `${g.name || 'unnamed'} (${g.id})`,
        hint: g.description || undefined,
      };
    });
  });
  /** Once loaded: no volume type means the cloud has no block storage (Cinder) to boot from. */
  readonly noVolumes = computed(() => {
    const state = this.volumeTypes();
    return state.status === 'ok' && state.value.length === 0;
  });

  /** Once loaded: none means the cloud has no Octavia, or the project no load balancer. */
  readonly noLoadBalancers = computed(() => {
    const state = this.loadBalancers();
    return state.status === 'ok' && state.value.length === 0;
  });

  /** Lists the pools of one load balancer (again only when it is another one). */
  loadPools(loadBalancerId: string): void {
    if (this.poolsOf === loadBalancerId) return;
    this.poolsOf = loadBalancerId;
    this.pools.set(LOADING as LoadState<LoadBalancerPoolDto[]>);
    loadState(this.loadBalancerApi.listPools({ id: loadBalancerId }))
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe((state) => {
        if (this.poolsOf === loadBalancerId) this.pools.set(state);
      });
  }

  /** Starts loading the lists, once. */
  load(): void {
    if (this.started) return;
    this.started = true;
    this.follow(this.api.listKeypairs(), this.keypairs);
    this.follow(this.api.listSecurityGroups(), this.securityGroups);
    this.follow(this.api.listAvailabilityZones(), this.zones);
    this.follow(this.api.listServerGroups(), this.serverGroups);
    this.follow(this.api.listVolumeTypes(), this.volumeTypes);
    this.follow(this.loadBalancerApi.listLoadBalancers(), this.loadBalancers);
  }

  private follow<T>(call: Observable<T>, target: WritableSignal<LoadState<T>>): void {
    loadState(call)
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe((state) => target.set(state));
  }
}
