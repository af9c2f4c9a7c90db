/** A Neutron network peak VMs can be attached to. */
export class NetworkDto {
  /** Neutron network id (UUID). */
  id!: string;
  /** Network name; may be empty in Neutron. */
  name!: string;
  /** `ACTIVE`, `DOWN`, `BUILD` or `ERROR`. */
  status!: string;
  /** Shared with every project. */
  shared!: boolean;
  /** An external (provider) network, where floating IPs come from. */
  external!: boolean;
  /** Ids of its subnets. */
  subnets!: string[];
}
