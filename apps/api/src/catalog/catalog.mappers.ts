import type { Image, Network } from '@peak/openstack-client';
import type { ImageDto } from './dto/image.dto';
import type { NetworkDto } from './dto/network.dto';

export function mapImage(image: Image): ImageDto {
  return {
    id: image.id,
    name: image.name,
    status: image.status,
    sizeBytes: image.sizeBytes,
    minDiskGiB: image.minDiskGiB,
    minRamMiB: image.minRamMiB,
    visibility: image.visibility,
  };
}

export function mapNetwork(network: Network): NetworkDto {
  return {
    id: network.id,
    name: network.name,
    status: network.status,
    shared: network.shared,
    external: network.external,
    subnets: network.subnets,
  };
}

export const byName = <T extends { name: string; id: string }>(a: T, b: T): number =>
  a.name.localeCompare(b.name) || a.id.localeCompare(b.id);
