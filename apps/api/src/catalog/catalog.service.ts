import { Inject, Injectable } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { OpenStackClient, type Flavor, type Image, type Network } from '@peak/openstack-client';
import { Clock } from '../common/clock';
import { catalogConfig } from './catalog.config';
import { TtlCache } from './ttl-cache';

/**
 * What the cloud offers (images, flavors, networks), every page gathered, kept for a few seconds so that
 * consoles and validations do not hammer the cloud. `refresh` asks the cloud now.
 */
@Injectable()
export class CatalogService {
  private readonly images: TtlCache<Image[]>;
  private readonly flavors: TtlCache<Flavor[]>;
  private readonly networks: TtlCache<Network[]>;

  constructor(
    private readonly openstack: OpenStackClient,
    @Inject(catalogConfig.KEY) config: ConfigType<typeof catalogConfig>,
    clock: Clock,
  ) {
    this.images = new TtlCache(config.cacheTtlMs, clock);
    this.flavors = new TtlCache(config.cacheTtlMs, clock);
    this.networks = new TtlCache(config.cacheTtlMs, clock);
  }

  listImages(refresh = false): Promise<Image[]> {
    return this.images.get('all', () => this.openstack.image.listImages(), { refresh });
  }

  listFlavors(refresh = false): Promise<Flavor[]> {
    // The flavors the project can use: public ones and private ones shared with it.
    return this.flavors.get('all', () => this.openstack.compute.listFlavors(), { refresh });
  }

  listNetworks(refresh = false): Promise<Network[]> {
    return this.networks.get('all', () => this.openstack.network.listNetworks(), { refresh });
  }

  /** After the API itself changed the cloud's flavors. */
  invalidateFlavors(): void {
    this.flavors.invalidate();
  }
}
