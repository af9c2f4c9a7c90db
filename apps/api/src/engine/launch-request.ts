import type { CreateServerRequest } from '@peak/openstack-client';
import type { Launch } from './planner';

/** Where a VM goes and what marks it as ours: decided by the executor for each create. */
export interface Placement {
  name: string;
  slot: number;
  /** The engine's ownership tags and metadata: they come after the user's, so nothing can override them. */
  tags: string[];
  metadata: Record<string, string>;
  /** The run's server group (made for it, or the schedule's existing one). */
  serverGroupId?: string;
  /** The zone for this slot (the schedule's zone, or this slot's turn when spreading over zones). */
  availabilityZone?: string;
}

/** Nova's server create for one slot, as `openstack server create` would send the schedule's launch options. */
export function serverRequest(launch: Launch, placement: Placement): CreateServerRequest {
  const o = launch.options;
  return {
    name: placement.name,
    imageId: launch.imageId,
    flavorId: launch.flavorId,
    networks: launch.networkIds.map((networkId) => ({ networkId })),
    tags: [...placement.tags, ...(o.tags ?? []).filter((tag) => !placement.tags.includes(tag))],
    metadata: { ...o.metadata, ...placement.metadata },
    ...(o.keyName !== undefined && { keyName: o.keyName }),
    ...(o.securityGroups?.length && { securityGroups: o.securityGroups }),
    ...(o.userData !== undefined && { userData: o.userData }),
    ...(placement.availabilityZone !== undefined && { availabilityZone: placement.availabilityZone }),
    ...(o.description !== undefined && { description: o.description }),
    ...(o.configDrive !== undefined && { configDrive: o.configDrive }),
    ...(o.hostnamePrefix !== undefined && { hostname: `${o.hostnamePrefix}-${placement.slot}` }),
    ...(placement.serverGroupId !== undefined && { schedulerHints: { group: placement.serverGroupId } }),
    ...(o.bootVolume && {
      bootVolume: {
        sizeGiB: o.bootVolume.sizeGiB,
        ...(o.bootVolume.volumeType !== undefined && { volumeType: o.bootVolume.volumeType }),
        deleteOnTermination: o.bootVolume.deleteOnTermination ?? true,
      },
    }),
  };
}

/** The zone of a slot when spreading: round-robin over the zones in name order, so a replacement keeps its slot's zone. */
export function zoneForSlot(zones: readonly string[], slot: number): string | undefined {
  const sorted = [...zones].sort();
  return sorted.length === 0 ? undefined : sorted[(slot - 1) % sorted.length];
}

/** The name of the server group made for a run: how a new leader finds one whose id was not saved. */
export function runServerGroupName(runId: string): string {
  return `peak-run-${runId}`;
}
