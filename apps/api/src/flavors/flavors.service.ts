import { Injectable } from '@nestjs/common';
import type { Flavor } from '@peak/openstack-client';
import { CatalogService, type CatalogViewer } from '../catalog/catalog.service';
import { byName } from '../catalog/catalog.mappers';
import type { FlavorDto } from './dto/flavor.dto';
import { FlavorBootstrapService } from './flavor-bootstrap.service';

@Injectable()
export class FlavorsService {
  constructor(
    private readonly catalog: CatalogService,
    private readonly bootstrap: FlavorBootstrapService,
  ) {}

  /** The flavors the viewer's project can use (through its token), the managed ones marked. */
  async list(viewer: CatalogViewer, refresh = false): Promise<FlavorDto[]> {
    const flavors = await this.catalog.listFlavors(viewer, refresh);
    return flavors.map((f) => this.map(f)).sort(byName);
  }

  private map(flavor: Flavor): FlavorDto {
    const managed = this.bootstrap.managedRoleOf(flavor.name);
    return {
      id: flavor.id,
      name: flavor.name,
      vcpus: flavor.vcpus,
      ramMiB: flavor.ramMiB,
      diskGiB: flavor.diskGiB,
      isPublic: flavor.isPublic,
      ...(managed && { managed: managed.role, mismatches: managed.differences }),
    };
  }
}
