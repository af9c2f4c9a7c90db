import type {
  Image,
  Keypair,
  Limits,
  LoadBalancer,
  Network,
  Pool,
  QuotaUsage,
  SecurityGroup,
  ServerGroup,
  VolumeType,
} from '@peak/openstack-client';
import type { ImageDto } from './dto/image.dto';
import type { KeypairDto, SecurityGroupDto, ServerGroupDto, VolumeTypeDto } from './dto/launch-catalog.dto';
import type { LoadBalancerDto, LoadBalancerPoolDto } from './dto/load-balancer.dto';
import type { NetworkDto } from './dto/network.dto';
import type { QuotaDto, QuotaResource, QuotasDto } from './dto/quota.dto';

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

export function mapLoadBalancer(lb: LoadBalancer): LoadBalancerDto {
  return {
    id: lb.id,
    name: lb.name,
    description: lb.description,
    vipAddress: lb.vipAddress,
    vipSubnetId: lb.vipSubnetId,
    vipNetworkId: lb.vipNetworkId,
    provisioningStatus: lb.provisioningStatus,
    operatingStatus: lb.operatingStatus,
    poolIds: [...lb.poolIds],
  };
}

export function mapPool(pool: Pool): LoadBalancerPoolDto {
  return {
    id: pool.id,
    name: pool.name,
    description: pool.description,
    protocol: pool.protocol,
    lbAlgorithm: pool.lbAlgorithm,
    healthMonitorId: pool.healthMonitorId,
    memberCount: pool.memberIds.length,
    provisioningStatus: pool.provisioningStatus,
    operatingStatus: pool.operatingStatus,
  };
}

export function mapKeypair(keypair: Keypair): KeypairDto {
  return { name: keypair.name, type: keypair.type ?? 'ssh', fingerprint: keypair.fingerprint };
}

export function mapSecurityGroup(group: SecurityGroup): SecurityGroupDto {
  return { id: group.id, name: group.name, description: group.description };
}

export function mapServerGroup(group: ServerGroup): ServerGroupDto {
  return { id: group.id, name: group.name, policy: group.policy, members: group.members.length };
}

export function mapVolumeType(type: VolumeType): VolumeTypeDto {
  return { id: type.id, name: type.name, description: type.description ?? '' };
}

export const byName = <T extends { name: string; id: string }>(a: T, b: T): number =>
  a.name.localeCompare(b.name) || a.id.localeCompare(b.id);

/**
 * Nova's absolute limits as the API's quota list, in a fixed order. Nova reports no key pair usage (its key pair quota
 * is per user): `keyPairsUsed` is the caller's own count when known. A cloud without server group limits reports them
 * as unlimited with none used.
 */
export function mapQuotas(projectId: string, limits: Limits, keyPairsUsed: number | null): QuotasDto {
  const item = (resource: QuotaResource, usage: QuotaUsage): QuotaDto => ({ resource, used: usage.used, limit: usage.limit });
  return {
    projectId,
    quotas: [
      item('instances', limits.instances),
      item('cores', limits.cores),
      item('ramMiB', limits.ramMiB),
      {
        resource: 'keyPairs',
        used: keyPairsUsed,
        limit: limits.maxKeypairs === undefined || limits.maxKeypairs < 0 ? null : limits.maxKeypairs,
      },
      item('serverGroups', limits.serverGroups ?? { limit: null, used: 0, remaining: null }),
    ],
  };
}
