/**
 * How a schedule's VMs launch, as stored (the schedule's `launch` column, and each run's copy of it): the
 * validated `LaunchOptionsDto`, every field optional. The engine turns it into Nova's server create.
 */
export interface LaunchOptions {
  keyName?: string;
  securityGroups?: string[];
  /** Plain text; base64-encoded on the way to Nova. */
  userData?: string;
  metadata?: Record<string, string>;
  tags?: string[];
  availabilityZone?: string;
  spreadAcrossZones?: boolean;
  serverGroup?: { policy?: 'anti-affinity' | 'soft-anti-affinity' | 'affinity' | 'soft-affinity'; id?: string };
  bootVolume?: { sizeGiB: number; volumeType?: string; deleteOnTermination?: boolean };
  configDrive?: boolean;
  description?: string;
  hostnamePrefix?: string;
  /** Octavia pool membership (see `LoadBalancerMembershipDto`); stored as given, with `weight` and `drainSeconds` filled in. */
  loadBalancer?: LoadBalancerMembership;
}

export interface LoadBalancerMembership {
  poolId: string;
  protocolPort: number;
  subnetId?: string;
  weight: number;
  monitorAddress?: string;
  monitorPort?: number;
  waitForOnline?: boolean;
  drainSeconds: number;
}

/** A member's drain time when the schedule does not say (seconds). */
export const DEFAULT_DRAIN_SECONDS = 30;

/** What a run boots, copied from its schedule when the run opens: a change to the schedule applies to the next window. */
export interface LaunchSpec {
  imageId: string;
  flavorId: string;
  networkIds: string[];
  options: LaunchOptions;
}
