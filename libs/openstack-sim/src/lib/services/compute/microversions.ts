/**
 * The Nova microversions the simulator answers differently at, named by what each one changed. Microversions are
 * `2.N` and only N varies, so each is kept as that number: `call.mv >= MV.SERVER_TAGS` reads "at 2.26 or later".
 * Every comparison of a requested microversion goes through these names, so the version a behaviour starts at is
 * stated once and can be checked against Nova's microversion history in one place.
 */
export const MV = {
  /** The base of v2.1: what a request without a microversion header is answered at. */
  BASE: 1,
  /** Keypairs show their `type`; creating one answers 201 (was 200) and deleting one 204 (was 202). */
  KEYPAIR_TYPE: 2,
  /** Admins see the rest of the extended server attributes (reservation id, launch index, root device, user data, …). */
  SERVER_EXTENDED_ATTRIBUTES: 3,
  /** Server groups show their `project_id` and `user_id`. */
  SERVER_GROUP_OWNER: 13,
  /** Server groups may have the soft policies (`soft-affinity`, `soft-anti-affinity`). */
  SERVER_GROUP_SOFT_POLICIES: 15,
  /** Servers show `locked`. */
  SERVER_LOCKED: 9,
  /** Admins see a server's `host_status`. */
  SERVER_HOST_STATUS: 16,
  /** Servers have a `description`: shown, and accepted on create and update. */
  SERVER_DESCRIPTION: 19,
  /** Server tags: the `/servers/{id}/tags` API, `tags` in the server body and the tag filters of the server list. */
  SERVER_TAGS: 26,
  /** The network proxy APIs are gone, so limits and quota sets no longer report security groups and IPs. */
  NETWORK_PROXIES_REMOVED: 36,
  /** `networks` is required on server create (`auto` and `none` included), and an empty list is refused. */
  NETWORKS_REQUIRED: 37,
  /** The image proxy API is gone, so limits no longer report `maxImageMeta`. */
  IMAGE_PROXY_REMOVED: 39,
  /** Servers embed their flavor (sizes, original name, extra specs) instead of linking to it. */
  EMBEDDED_FLAVOR: 47,
  /** Server create accepts `tags`. */
  CREATE_WITH_TAGS: 52,
  /** Flavors have a `description`, and `PUT /flavors/{id}` changes it. */
  FLAVOR_DESCRIPTION: 55,
  /** File injection is gone: create refuses `personality`, limits and quota sets drop the injected-file entries. */
  PERSONALITY_REMOVED: 57,
  /** Flavors show their `extra_specs`. */
  FLAVOR_EXTRA_SPECS: 61,
  /** Servers have `trusted_image_certificates`, accepted on create. */
  TRUSTED_IMAGE_CERTIFICATES: 63,
  /** Server groups have one `policy` and its `rules` (was a `policies` list and an empty `metadata`). */
  SERVER_GROUP_POLICY_RULES: 64,
  /** A boot-from-volume block device mapping may name its `volume_type`. */
  BDM_VOLUME_TYPE: 67,
  /** Showing or updating one server adds its `server_groups` (the list does not). */
  SERVER_GROUPS_SHOWN: 71,
  /** Servers show `locked_reason`. */
  SERVER_LOCKED_REASON: 73,
  /** Server create accepts `host` and `hypervisor_hostname`. */
  CREATE_ON_HOST: 74,
  /** Nova's API consistency fixes; among them a flavor's zero swap is shown as `0` instead of an empty string. */
  API_CONSISTENCY: 75,
  /** A server's hostname can be set on create and update, and every caller sees `OS-EXT-SRV-ATTR:hostname`. */
  CONFIGURABLE_HOSTNAME: 90,
  /** Keypairs must be imported: Nova no longer generates one when `public_key` is left out. */
  KEYPAIR_IMPORT_ONLY: 92,
  /** A server's hostname may be a fully qualified domain name (up to 255 characters, dots allowed). */
  FQDN_HOSTNAME: 94,
  /** Servers show `pinned_availability_zone`. */
  PINNED_AVAILABILITY_ZONE: 96,
  /** Flavor create refuses `rxtx_factor`. Above the highest version simulated, so no request gets there yet. */
  RXTX_FACTOR_REMOVED: 102,
} as const;

/** The lowest microversion answered. */
export const MIN_MINOR = MV.BASE;

/** The highest microversion simulated (2024.1 Caracal's); the real Zed harness stops at 2.93. */
export const MAX_MINOR = MV.PINNED_AVAILABILITY_ZONE;

export function formatMicroversion(minor: number): string {
  return `2.${minor}`;
}

export function parseMicroversion(value: string): number {
  return Number(value.slice(2));
}
