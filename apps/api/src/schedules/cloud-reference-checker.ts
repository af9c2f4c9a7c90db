import { Inject, Injectable } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { isOpenStackError, OpenStackClient } from '@peak/openstack-client';
import { callerTokenError } from '../catalog/catalog.service';
import { schedulerConfig } from '../config/scheduler.config';
import { describeError } from '../openstack/describe-error';
import type { LaunchOptions, LoadBalancerMembership } from './entities/launch-options';

/** The cloud objects a schedule names. */
export interface CloudReferences {
  readonly imageId: string;
  readonly flavorId: string;
  readonly networkIds: readonly string[];
  /** Launch options naming cloud objects (key pair, security groups, zone, server group, volume type). */
  readonly launch?: LaunchOptions;
  /** The schedule's project: security groups are looked up among its own (an admin's Neutron lists every project's). */
  readonly projectId?: string;
}

/** A reference the cloud does not have (or cannot use), named by its field in the request. */
export interface MissingReference {
  /** `imageId`, `flavorId`, `networkIds.<index>` or a `launch.` field. */
  readonly field: string;
  readonly reason: string;
}

/** The cloud could not be asked: the answer is a 503, with the cloud's words and request id. */
export class CloudUnavailableError extends Error {
  override readonly name = 'CloudUnavailableError';

  constructor(
    message: string,
    readonly requestId?: string,
  ) {
    super(message);
  }
}

/**
 * Port: do the image, flavor and networks of a schedule exist, for the caller's project? Asked with the caller's own
 * token, so another project's private image, flavor or network is missing (as the cloud answers 404 for what a
 * project cannot see). Resolves with what is missing (empty when all exist); rejects with `CloudUnavailableError`
 * when the cloud cannot answer, with the API's 401/403 when the cloud refuses the token.
 */
export abstract class CloudReferenceChecker {
  abstract check(refs: CloudReferences, token: string): Promise<MissingReference[]>;
}

/** The check over the OpenStack client, with the caller's token: one GET per reference, in parallel. */
@Injectable()
export class OpenStackReferenceChecker extends CloudReferenceChecker {
  constructor(
    private readonly client: OpenStackClient,
    @Inject(schedulerConfig.KEY) private readonly config: ConfigType<typeof schedulerConfig>,
  ) {
    super();
  }

  async check(refs: CloudReferences, token: string): Promise<MissingReference[]> {
    const options = { timeoutMs: this.config.referenceCheckTimeoutMs };
    const client = this.client.withToken(token);
    const probes: Probe[] = [
      {
        field: 'imageId',
        what: `image ${refs.imageId}`,
        missing: `no image with id ${refs.imageId} in the cloud`,
        run: () =>
          client.image
            .getImage(refs.imageId, options)
            .then((image) =>
              image.status === 'active' ? null : `image ${refs.imageId} is ${image.status}, not active: VMs cannot boot from it`,
            ),
      },
      {
        field: 'flavorId',
        what: `flavor ${refs.flavorId}`,
        missing: `no flavor with id ${refs.flavorId} in the cloud`,
        run: () => client.compute.getFlavor(refs.flavorId, options).then(() => null),
      },
      ...refs.networkIds.map((id, i) => ({
        field: `networkIds.${i}`,
        what: `network ${id}`,
        missing: `no network with id ${id} in the cloud`,
        run: () => client.network.getNetwork(id, options).then(() => null),
      })),
      ...launchProbes(refs.launch ?? {}, refs.projectId, client, options),
      ...loadBalancerProbes(refs.launch?.loadBalancer, refs, client, options),
    ];
    const results = await Promise.allSettled(probes.map((probe) => probe.run()));
    const missing: MissingReference[] = [];
    for (const [i, result] of results.entries()) {
      const probe = probes[i] as Probe;
      if (result.status === 'fulfilled') {
        if (result.value) missing.push({ field: probe.field, reason: result.value });
      } else if (isOpenStackError(result.reason) && result.reason.isNotFound) {
        missing.push({ field: probe.field, reason: probe.missing });
      } else {
        const error: unknown = result.reason;
        // The caller's token refused (expired since the guard saw it, or roles that do not allow it): 401/403.
        const refusal = callerTokenError(error);
        if (refusal !== error) throw refusal;
        throw new CloudUnavailableError(
          `The cloud could not be asked whether ${probe.what} exists: ${describeError(error)}`,
          isOpenStackError(error) ? error.requestId : undefined,
        );
      }
    }
    return missing;
  }
}

/** One thing to ask the cloud: resolves with why it cannot be used (null: it can), or rejects with a 404 for "missing". */
interface Probe {
  readonly field: string;
  /** What is asked about, for messages: `key pair mykey`. */
  readonly what: string;
  /** The reason given when the cloud answers 404. */
  readonly missing: string;
  run(): Promise<string | null>;
}

/**
 * The launch options that name cloud objects, checked as the caller sees them: their key pair, their project's
 * security groups (by name or id), availability zones, server group, and the volume type of a boot volume.
 */
function launchProbes(
  launch: LaunchOptions,
  projectId: string | undefined,
  client: OpenStackClient,
  options: { timeoutMs: number },
): Probe[] {
  const probes: Probe[] = [];
  const { keyName, securityGroups, availabilityZone, spreadAcrossZones, serverGroup, bootVolume } = launch;
  if (keyName !== undefined)
    probes.push({
      field: 'launch.keyName',
      what: `key pair ${keyName}`,
      missing: `you have no key pair named ${keyName} (Nova keeps key pairs per user)`,
      run: () => client.compute.getKeypair(keyName, options).then(() => null),
    });
  securityGroups?.forEach((ref, i) =>
    probes.push({
      field: `launch.securityGroups.${i}`,
      what: `security group ${ref}`,
      missing: `no security group named or with id ${ref} in the project`,
      run: async () => {
        const resolved = await client.network.resolveSecurityGroups([ref], { projectId }, options);
        if (resolved.ambiguous.length) return `several security groups of the project are named ${ref}: give its id`;
        return resolved.missing.length ? `no security group named or with id ${ref} in the project` : null;
      },
    }),
  );
  if (availabilityZone !== undefined || spreadAcrossZones)
    probes.push({
      field: availabilityZone !== undefined ? 'launch.availabilityZone' : 'launch.spreadAcrossZones',
      what: 'the availability zones',
      missing: 'the cloud lists no availability zones',
      run: async () => {
        const zones = await client.compute.listAvailabilityZones(options);
        if (availabilityZone !== undefined && !zones.includes(availabilityZone))
          return `no available zone ${availabilityZone}; the cloud has ${zones.join(', ') || 'none'}`;
        return zones.length === 0 ? 'the cloud lists no available zone to spread over' : null;
      },
    });
  const groupId = serverGroup?.id;
  if (groupId !== undefined)
    probes.push({
      field: 'launch.serverGroup.id',
      what: `server group ${groupId}`,
      missing: `no server group with id ${groupId} in the project`,
      run: () => client.compute.getServerGroup(groupId, options).then(() => null),
    });
  if (bootVolume)
    probes.push({
      field: bootVolume.volumeType === undefined ? 'launch.bootVolume' : 'launch.bootVolume.volumeType',
      what: `volume type ${bootVolume.volumeType ?? ''}`.trim(),
      missing: `no volume type ${bootVolume.volumeType ?? ''} in the cloud`,
      run: async () => {
        if (!(await client.blockStorage.available())) return 'the cloud has no block storage (Cinder): VMs cannot boot from a volume';
        const type = bootVolume.volumeType;
        if (type === undefined) return null;
        const types = await client.blockStorage.listVolumeTypes(options);
        return types.some((t) => t.name === type || t.id === type)
          ? null
          : `no volume type ${type}; the cloud has ${types.map((t) => t.name).join(', ')}`;
      },
    });
  return probes;
}

/**
 * The pool a schedule's VMs join: it exists for the caller (Octavia answers 404 for another project's), belongs to the
 * schedule's project and to a load balancer; the members' subnet (given, or the load balancer's VIP subnet) is on one
 * of the schedule's networks, or the VMs would have no address on it.
 */
function loadBalancerProbes(
  membership: LoadBalancerMembership | undefined,
  refs: CloudReferences,
  client: OpenStackClient,
  options: { timeoutMs: number },
): Probe[] {
  if (!membership) return [];
  const { poolId, subnetId } = membership;
  const networks = refs.networkIds;
  const probes: Probe[] = [
    {
      field: 'launch.loadBalancer.poolId',
      what: `pool ${poolId}`,
      missing: `no load balancer pool with id ${poolId} in the project`,
      run: async () => {
        if (!(await client.loadBalancer.available())) return 'the cloud has no load balancer service (Octavia)';
        const pool = await client.loadBalancer.getPool(poolId, options);
        if (refs.projectId !== undefined && pool.projectId !== undefined && pool.projectId !== refs.projectId)
          return `pool ${poolId} belongs to another project`;
        const loadBalancerId = pool.loadBalancerIds[0];
        if (loadBalancerId === undefined) return `pool ${poolId} is on no load balancer`;
        if (subnetId !== undefined) return null;
        // The VIP subnet's own network (a load balancer's `vip_network_id` can be its provider's, not Neutron's).
        const vipSubnet = (await client.loadBalancer.getLoadBalancer(loadBalancerId, options)).vipSubnetId;
        if (vipSubnet === undefined) return `the pool's load balancer has no VIP subnet: give subnetId`;
        const vipNetwork = (await client.network.getSubnet(vipSubnet, options)).networkId;
        return networks.includes(vipNetwork)
          ? null
          : `the load balancer's VIP subnet is on network ${vipNetwork}, not one of the schedule's networks: give subnetId`;
      },
    },
  ];
  if (subnetId !== undefined)
    probes.push({
      field: 'launch.loadBalancer.subnetId',
      what: `subnet ${subnetId}`,
      missing: `no subnet with id ${subnetId} in the cloud`,
      run: async () => {
        const subnet = await client.network.getSubnet(subnetId, options);
        return networks.includes(subnet.networkId)
          ? null
          : `subnet ${subnetId} is on network ${subnet.networkId}, not one of the schedule's networks: the VMs would have no address on it`;
      },
    });
  return probes;
}
