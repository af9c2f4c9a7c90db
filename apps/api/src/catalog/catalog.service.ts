import { ForbiddenException, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import {
  isOpenStackError,
  OpenStackClient,
  type Flavor,
  type Image,
  type Keypair,
  type Limits,
  type LoadBalancer,
  type Network,
  type Pool,
  type SecurityGroup,
  type ServerGroup,
  type VolumeType,
} from '@peak/openstack-client';
import type { ApiErrorDto } from '../common/api-error.dto';
import { Clock } from '../common/clock';
import { catalogConfig } from './catalog.config';
import { TtlCache } from './ttl-cache';

/**
 * Whose catalog: the token a request came with, and what decides what the cloud shows it (its project and roles).
 * A `Caller` of the schedules fits.
 */
export interface CatalogViewer {
  readonly token: string;
  readonly userId: string;
  /** The token's project; null for a token not scoped to one. */
  readonly projectId: string | null;
  readonly identity: { readonly roles: readonly string[] };
}

/**
 * The cache key of a viewer's lists: what Nova, Glance and Neutron decide visibility by, the token's project and its
 * roles (a project's member and an admin of the same project see different lists). A token without a project is
 * keyed by its user.
 */
export function catalogKey(viewer: CatalogViewer): string {
  const scope = viewer.projectId === null ? `user:${viewer.userId}` : `project:${viewer.projectId}`;
  return `${scope}|roles:${[...viewer.identity.roles].sort().join(',')}`;
}

/**
 * A cloud's refusal of the caller's own token (401: expired or revoked since the guard validated it; 403: its roles do
 * not allow the call) as the API's 401 or 403, not the 502 that a refusal of the service account's token is. Anything
 * else is returned as is.
 */
export function callerTokenError(error: unknown): unknown {
  if (!isOpenStackError(error)) return error;
  const body = (statusCode: number, name: string, what: string): ApiErrorDto => ({
    statusCode,
    error: name,
    message: `${error.service} ${what} your token: ${error.message}`,
    ...(error.requestId && { openstackRequestId: error.requestId }),
  });
  if (error.status === 401) return new UnauthorizedException(body(401, 'Unauthorized', 'did not accept'));
  if (error.isForbidden) return new ForbiddenException(body(403, 'Forbidden', 'refused this call with'));
  return error;
}

/**
 * What the cloud offers the caller (images, flavors, networks), every page gathered, asked with the caller's own token
 * so that each project sees what it may use: images visible to it (public ones, its own, those shared with it),
 * its networks and the shared or external ones, public flavors and the private ones it was given. The cloud's
 * policies decide: a token with the admin role (a cloud admin) sees what OpenStack shows admins, usually every
 * project's networks and images. Kept for a few seconds per project and roles so that consoles and validations do not
 * hammer the cloud; `refresh` asks the cloud now.
 */
@Injectable()
export class CatalogService {
  private readonly images: TtlCache<Image[]>;
  private readonly flavors: TtlCache<Flavor[]>;
  private readonly networks: TtlCache<Network[]>;
  private readonly keypairs: TtlCache<Keypair[]>;
  private readonly securityGroups: TtlCache<SecurityGroup[]>;
  private readonly zones: TtlCache<string[]>;
  private readonly serverGroups: TtlCache<ServerGroup[]>;
  private readonly volumeTypes: TtlCache<VolumeType[]>;
  private readonly limits: TtlCache<Limits>;
  private readonly loadBalancers: TtlCache<LoadBalancer[]>;
  private readonly pools: TtlCache<Pool[]>;

  constructor(
    private readonly openstack: OpenStackClient,
    @Inject(catalogConfig.KEY) config: ConfigType<typeof catalogConfig>,
    clock: Clock,
  ) {
    this.images = new TtlCache(config.cacheTtlMs, clock);
    this.flavors = new TtlCache(config.cacheTtlMs, clock);
    this.networks = new TtlCache(config.cacheTtlMs, clock);
    this.keypairs = new TtlCache(config.cacheTtlMs, clock);
    this.securityGroups = new TtlCache(config.cacheTtlMs, clock);
    this.zones = new TtlCache(config.cacheTtlMs, clock);
    this.serverGroups = new TtlCache(config.cacheTtlMs, clock);
    this.volumeTypes = new TtlCache(config.cacheTtlMs, clock);
    this.limits = new TtlCache(config.cacheTtlMs, clock);
    this.loadBalancers = new TtlCache(config.cacheTtlMs, clock);
    this.pools = new TtlCache(config.cacheTtlMs, clock);
  }

  listImages(viewer: CatalogViewer, refresh = false): Promise<Image[]> {
    return this.load(this.images, viewer, refresh, (client) => client.image.listImages());
  }

  listFlavors(viewer: CatalogViewer, refresh = false): Promise<Flavor[]> {
    // Nova's default list: public flavors and the private ones shared with the token's project.
    return this.load(this.flavors, viewer, refresh, (client) => client.compute.listFlavors());
  }

  listNetworks(viewer: CatalogViewer, refresh = false): Promise<Network[]> {
    return this.load(this.networks, viewer, refresh, (client) => client.network.listNetworks());
  }

  /** The caller's own key pairs: Nova keeps them per user, so they are cached per user too. */
  listKeypairs(viewer: CatalogViewer, refresh = false): Promise<Keypair[]> {
    return this.load(this.keypairs, viewer, refresh, (client) => client.compute.listKeypairs(), `user:${viewer.userId}|`);
  }

  listSecurityGroups(viewer: CatalogViewer, refresh = false): Promise<SecurityGroup[]> {
    // Neutron shows an admin every project's groups: the project's own are the ones a VM of it can use.
    return this.load(this.securityGroups, viewer, refresh, async (client) =>
      (await client.network.listSecurityGroups()).filter((g) => g.projectId === undefined || g.projectId === viewer.projectId),
    );
  }

  listAvailabilityZones(viewer: CatalogViewer, refresh = false): Promise<string[]> {
    return this.load(this.zones, viewer, refresh, (client) => client.compute.listAvailabilityZones());
  }

  listServerGroups(viewer: CatalogViewer, refresh = false): Promise<ServerGroup[]> {
    return this.load(this.serverGroups, viewer, refresh, (client) => client.compute.listServerGroups());
  }

  /** Empty when the cloud has no block storage (Cinder): then boot volumes are refused. */
  listVolumeTypes(viewer: CatalogViewer, refresh = false): Promise<VolumeType[]> {
    return this.load(this.volumeTypes, viewer, refresh, async (client) =>
      (await client.blockStorage.available()) ? client.blockStorage.listVolumeTypes() : [],
    );
  }

  /**
   * The Octavia load balancers of the caller's project (Octavia shows an admin every project's: the project's own are
   * the ones its VMs may join); empty when the cloud has no Octavia.
   */
  listLoadBalancers(viewer: CatalogViewer, refresh = false): Promise<LoadBalancer[]> {
    return this.load(this.loadBalancers, viewer, refresh, async (client) => {
      if (viewer.projectId === null || !(await client.loadBalancer.available())) return [];
      return client.loadBalancer.listLoadBalancers({ projectId: viewer.projectId });
    });
  }

  /** The pools of `loadBalancerId`; undefined when the caller's project has no such load balancer. */
  async listPools(viewer: CatalogViewer, loadBalancerId: string, refresh = false): Promise<Pool[] | undefined> {
    const owned = (await this.listLoadBalancers(viewer, refresh)).some((lb) => lb.id === loadBalancerId);
    if (!owned) return undefined;
    return this.load(
      this.pools,
      viewer,
      refresh,
      (client) => client.loadBalancer.listPools({ loadBalancerId, projectId: viewer.projectId ?? undefined }),
      `lb:${loadBalancerId}|`,
    );
  }

  /**
   * Nova's absolute limits of `projectId` (the token's own, or another for an admin token: Nova's policy decides) and,
   * for the caller's own project, how many key pairs the caller has (Nova limits them per user and reports no usage).
   */
  async getLimits(viewer: CatalogViewer, projectId: string, refresh = false): Promise<{ limits: Limits; keyPairsUsed: number | null }> {
    const own = projectId === viewer.projectId;
    const [limits, keypairs] = await Promise.all([
      this.load(this.limits, viewer, refresh, (client) => client.compute.getLimits(own ? {} : { projectId }), `of:${projectId}|`),
      own ? this.listKeypairs(viewer, refresh) : undefined,
    ]);
    return { limits, keyPairsUsed: keypairs?.length ?? null };
  }

  private async load<T>(
    cache: TtlCache<T>,
    viewer: CatalogViewer,
    refresh: boolean,
    list: (client: OpenStackClient) => Promise<T>,
    keyPrefix = '',
  ): Promise<T> {
    try {
      return await cache.get(keyPrefix + catalogKey(viewer), () => list(this.openstack.withToken(viewer.token)), { refresh });
    } catch (error) {
      throw callerTokenError(error);
    }
  }

  /** After the API itself changed the cloud's flavors: every project's lists. */
  invalidateFlavors(): void {
    this.flavors.invalidate();
  }
}
