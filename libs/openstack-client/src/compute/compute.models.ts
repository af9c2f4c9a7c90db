import {
  arrayField,
  asObject,
  field,
  isObject,
  MalformedResponse,
  num,
  optBool,
  optDate,
  optNum,
  optStr,
  str,
  stringArray,
  stringMap,
  type JsonObject,
} from '../http/json';
import { nextLink, type Page } from '../http/pagination';
import { compareMicroversions } from './microversion';

export interface Flavor {
  id: string;
  name: string;
  vcpus: number;
  ramMiB: number;
  diskGiB: number;
  ephemeralGiB: number;
  /** Nova sends `""` for no swap before 2.75; that is 0 here. */
  swapMiB: number;
  isPublic: boolean;
  /** `OS-FLV-DISABLED:disabled`, gone from 2.102. */
  isDisabled: boolean;
  /** 2.55+. */
  description?: string;
  /** 2.61+; empty when the cloud does not send them. */
  extraSpecs: Record<string, string>;
}

export interface CreateFlavorRequest {
  name: string;
  vcpus: number;
  ramMiB: number;
  diskGiB: number;
  /** Chosen by Nova (a UUID) when absent. */
  id?: string;
  ephemeralGiB?: number;
  swapMiB?: number;
  /** Default true. */
  isPublic?: boolean;
  /** Needs microversion 2.55. */
  description?: string;
}

/** Nova's server statuses; other strings may appear on newer clouds. */
export type ServerStatus =
  | 'ACTIVE'
  | 'BUILD'
  | 'DELETED'
  | 'ERROR'
  | 'HARD_REBOOT'
  | 'MIGRATING'
  | 'PASSWORD'
  | 'PAUSED'
  | 'REBOOT'
  | 'REBUILD'
  | 'RESCUE'
  | 'RESIZE'
  | 'REVERT_RESIZE'
  | 'SHELVED'
  | 'SHELVED_OFFLOADED'
  | 'SHUTOFF'
  | 'SOFT_DELETED'
  | 'SUSPENDED'
  | 'UNKNOWN'
  | 'VERIFY_RESIZE';

export interface ServerFault {
  code: number;
  message: string;
  details?: string;
  created?: Date;
}

export interface ServerAddress {
  addr: string;
  version: number;
  /** `fixed` or `floating`. */
  type?: string;
  mac?: string;
}

export interface Server {
  id: string;
  name: string;
  status: ServerStatus | (string & {});
  tags: string[];
  metadata: Record<string, string>;
  /** Present when the server is in ERROR (e.g. "No valid host was found"). */
  fault?: ServerFault;
  created?: Date;
  updated?: Date;
  /** Before 2.47 the flavor is a reference with an id; from 2.47 it is embedded without id. */
  flavorId?: string;
  /** `original_name` of the embedded flavor (2.47+). */
  flavorName?: string;
  /** Absent when booted from a volume. */
  imageId?: string;
  /** Network name → addresses. */
  addresses: Record<string, ServerAddress[]>;
  projectId?: string;
  userId?: string;
  availabilityZone?: string;
  taskState?: string;
  vmState?: string;
  powerState?: number;
  progress?: number;
  description?: string;
  /** `key_name`: the key pair injected at create time. */
  keyName?: string;
  /** Names of the security groups of the server's ports (empty until the build has made them); always set by the parser. */
  securityGroups?: string[];
  /** `OS-EXT-SRV-ATTR:hostname`: admins from 2.3, everyone from 2.90. */
  hostname?: string;
  /**
   * Ids of the attached volumes (`os-extended-volumes:volumes_attached`), the boot volume of a volume-backed server
   * among them; always set by the parser.
   */
  volumeIds?: string[];
  /** Whether the server has a config drive (Nova sends `"True"` or `""`); always set by the parser. */
  configDrive?: boolean;
  /** Server groups the server is in (2.71+, on a single server's GET only). */
  serverGroupIds?: string[];
}

/**
 * Whether Nova has deleted the server although it still shows it: a real Nova marks a server DELETED before it
 * removes its row (a busy cloud lists it so for a moment), and SOFT_DELETED ones only wait to be reclaimed.
 */
export function isServerDeleted(server: Pick<Server, 'status'>): boolean {
  return server.status === 'DELETED' || server.status === 'SOFT_DELETED';
}

/**
 * Whether the server is in ERROR because Nova's quota refused it after accepting the create: Nova's API counts only
 * instances already in a cell, so during a burst a create can pass the API's check and then fail the conductor's
 * recheck, with the fault "Quota exceeded for instances: ...". The build did not fail: the quota is full.
 */
export function isQuotaFault(server: Pick<Server, 'status' | 'fault'>): boolean {
  return server.status === 'ERROR' && /^quota exceeded\b/i.test(server.fault?.message ?? '');
}

export type ServerNetworks = 'auto' | 'none' | Array<{ networkId?: string; portId?: string; fixedIp?: string }>;

/** The root disk of a server booted from volume: a new volume made from the server's image. */
export interface BootVolume {
  sizeGiB: number;
  /** A Cinder volume type name; needs compute microversion 2.67. Default: the cloud's default type. */
  volumeType?: string;
  /** Whether Nova deletes the volume with the server. */
  deleteOnTermination: boolean;
}

export interface CreateServerRequest {
  name: string;
  /** The image to boot, or (with `bootVolume`) the image the boot volume is made from. */
  imageId: string;
  flavorId: string;
  /** Required since 2.37: `none`, `auto`, or explicit networks/ports. */
  networks: ServerNetworks;
  metadata?: Record<string, string>;
  /** Nova tags: at most 50, no `,` or `/`, at most 60 characters each. */
  tags?: string[];
  availabilityZone?: string;
  keyName?: string;
  /** Plain text; base64-encoded by the client. */
  userData?: string;
  /** Security group names (or ids), sent as `security_groups: [{name}]`. */
  securityGroups?: string[];
  description?: string;
  configDrive?: boolean;
  /**
   * The guest's hostname. Nova takes it from microversion 2.90: `createServer` sends it at 2.90 when the cloud has
   * that (and no microversion is pinned lower), else leaves it out and Nova derives one from the name.
   */
  hostname?: string;
  /** Sent as the top-level `os:scheduler_hints`; `group` is a server group id. */
  schedulerHints?: { group?: string };
  /** Boot from a new volume made from `imageId` instead of the flavor's local disk (`imageRef` is then left out). */
  bootVolume?: BootVolume;
}

/** What `POST /servers` returns. The admin password Nova generates is deliberately dropped. */
export interface CreatedServer {
  id: string;
}

export interface ListServersFilter {
  /** Servers carrying all of these tags. */
  tags?: string[];
  /** Servers carrying at least one of these tags. */
  tagsAny?: string[];
  notTags?: string[];
  notTagsAny?: string[];
  /** A regular expression matched by Nova against names. */
  name?: string;
  status?: ServerStatus;
  /** Admin only: servers of every project. */
  allProjects?: boolean;
  /** Admin only (with `allProjects`): one project's servers. */
  projectId?: string;
  /** Page size asked of Nova; every page is fetched anyway. */
  pageSize?: number;
}

export interface QuotaUsage {
  /** `null` when unlimited (Nova's -1). */
  limit: number | null;
  used: number;
  /** `null` when unlimited; never negative. */
  remaining: number | null;
}

export interface Limits {
  instances: QuotaUsage;
  cores: QuotaUsage;
  ramMiB: QuotaUsage;
  serverGroups?: QuotaUsage;
  /** `maxServerMeta`: metadata items allowed per server. */
  maxServerMetadataItems?: number;
  /** `maxTotalKeypairs`. */
  maxKeypairs?: number;
}

export function parseFlavor(raw: unknown): Flavor {
  const f = asObject(raw, 'flavor');
  const swap = f['swap'];
  return {
    id: str(f, 'id', 'flavor'),
    name: str(f, 'name', 'flavor'),
    vcpus: num(f, 'vcpus', 'flavor'),
    ramMiB: num(f, 'ram', 'flavor'),
    diskGiB: num(f, 'disk', 'flavor'),
    ephemeralGiB: optNum(f, 'OS-FLV-EXT-DATA:ephemeral') ?? 0,
    swapMiB: swap === '' || swap === null || swap === undefined ? 0 : num(f, 'swap', 'flavor'),
    isPublic: optBool(f, 'os-flavor-access:is_public') ?? true,
    isDisabled: optBool(f, 'OS-FLV-DISABLED:disabled') ?? false,
    description: optStr(f, 'description'),
    extraSpecs: stringMap(f, 'extra_specs'),
  };
}

export function parseFlavorBody(body: unknown): Flavor {
  return parseFlavor(field(body, 'flavor', 'body'));
}

/** `GET /flavors/detail`, following `flavors_links`. */
export function parseFlavorPage(body: unknown): Page<Flavor> {
  const o = asObject(body, 'body');
  return { items: arrayField(o, 'flavors', 'body').map(parseFlavor), next: nextLink(o['flavors_links']) };
}

export function buildCreateFlavorBody(request: CreateFlavorRequest): JsonObject {
  const flavor: JsonObject = {
    name: request.name,
    vcpus: request.vcpus,
    ram: request.ramMiB,
    disk: request.diskGiB,
  };
  if (request.id !== undefined) flavor['id'] = request.id;
  if (request.ephemeralGiB !== undefined) flavor['OS-FLV-EXT-DATA:ephemeral'] = request.ephemeralGiB;
  if (request.swapMiB !== undefined) flavor['swap'] = request.swapMiB;
  if (request.isPublic !== undefined) flavor['os-flavor-access:is_public'] = request.isPublic;
  if (request.description !== undefined) flavor['description'] = request.description;
  return { flavor };
}

export function parseServer(raw: unknown): Server {
  const s = asObject(raw, 'server');
  const flavor = isObject(s['flavor']) ? s['flavor'] : undefined;
  const image = s['image'];
  const faultRaw = isObject(s['fault']) ? s['fault'] : undefined;
  return {
    id: str(s, 'id', 'server'),
    // Servers in a down cell (2.69+) come back partial: no name, metadata or addresses.
    name: optStr(s, 'name') ?? '',
    status: optStr(s, 'status') ?? 'UNKNOWN',
    tags: stringArray(s, 'tags'),
    metadata: stringMap(s, 'metadata'),
    fault: faultRaw
      ? {
          code: optNum(faultRaw, 'code') ?? 0,
          message: optStr(faultRaw, 'message') ?? '',
          details: optStr(faultRaw, 'details'),
          created: optDate(faultRaw, 'created', 'server.fault'),
        }
      : undefined,
    created: optDate(s, 'created', 'server'),
    updated: optDate(s, 'updated', 'server'),
    flavorId: flavor ? optStr(flavor, 'id') : undefined,
    flavorName: flavor ? optStr(flavor, 'original_name') : undefined,
    // Booted from volume: `"image": ""`.
    imageId: isObject(image) ? optStr(image, 'id') : undefined,
    addresses: parseAddresses(s['addresses']),
    projectId: optStr(s, 'tenant_id') ?? optStr(s, 'project_id'),
    userId: optStr(s, 'user_id'),
    availabilityZone: optStr(s, 'OS-EXT-AZ:availability_zone'),
    taskState: optStr(s, 'OS-EXT-STS:task_state'),
    vmState: optStr(s, 'OS-EXT-STS:vm_state'),
    powerState: optNum(s, 'OS-EXT-STS:power_state'),
    progress: optNum(s, 'progress'),
    description: optStr(s, 'description'),
    keyName: optStr(s, 'key_name'),
    securityGroups: Array.isArray(s['security_groups'])
      ? s['security_groups'].filter(isObject).flatMap((g) => (typeof g['name'] === 'string' ? [g['name']] : []))
      : [],
    hostname: optStr(s, 'OS-EXT-SRV-ATTR:hostname'),
    volumeIds: Array.isArray(s['os-extended-volumes:volumes_attached'])
      ? s['os-extended-volumes:volumes_attached'].filter(isObject).flatMap((v) => (typeof v['id'] === 'string' ? [v['id']] : []))
      : [],
    configDrive: s['config_drive'] === true || (typeof s['config_drive'] === 'string' && /^(true|1)$/i.test(s['config_drive'])),
    serverGroupIds: Array.isArray(s['server_groups']) ? stringArray(s, 'server_groups') : undefined,
  };
}

function parseAddresses(value: unknown): Record<string, ServerAddress[]> {
  const out: Record<string, ServerAddress[]> = {};
  if (!isObject(value)) return out;
  for (const [network, list] of Object.entries(value)) {
    if (!Array.isArray(list)) continue;
    out[network] = list.filter(isObject).map((a) => ({
      addr: str(a, 'addr', 'server.addresses'),
      version: optNum(a, 'version') ?? (str(a, 'addr', 'server.addresses').includes(':') ? 6 : 4),
      type: optStr(a, 'OS-EXT-IPS:type'),
      mac: optStr(a, 'OS-EXT-IPS-MAC:mac_addr'),
    }));
  }
  return out;
}

export function parseServerBody(body: unknown): Server {
  return parseServer(field(body, 'server', 'body'));
}

/** `GET /servers/detail`, following `servers_links`. */
export function parseServerPage(body: unknown): Page<Server> {
  const o = asObject(body, 'body');
  return { items: arrayField(o, 'servers', 'body').map(parseServer), next: nextLink(o['servers_links']) };
}

export function parseCreatedServer(body: unknown): CreatedServer {
  // The 202 body also carries `adminPass`: it is not copied anywhere on purpose.
  return { id: str(field(body, 'server', 'body'), 'id', 'server') };
}

const TAG_FORBIDDEN = /[,/]/;
/** Nova's schema for metadata keys; values are at most 255 characters. */
const METADATA_KEY = /^[a-zA-Z0-9-_:. ]{1,255}$/;

/**
 * The `POST /servers` body. `microversion` is the one the call is made at: `hostname` is sent only from 2.90 (left out
 * below, or when not given).
 */
export function buildCreateServerBody(request: CreateServerRequest, microversion?: string): JsonObject {
  const tags = request.tags ?? [];
  const badTag = tags.find((t) => t === '' || t.length > 60 || TAG_FORBIDDEN.test(t));
  if (badTag !== undefined) throw new RangeError(`Invalid server tag "${badTag}": 1 to 60 characters, no "," or "/"`);
  if (tags.length > 50) throw new RangeError(`At most 50 server tags, got ${tags.length}`);
  for (const [key, value] of Object.entries(request.metadata ?? {})) {
    if (!METADATA_KEY.test(key)) throw new RangeError(`Invalid server metadata key "${key}": 1 to 255 of [a-zA-Z0-9-_:. ]`);
    if (value.length > 255) throw new RangeError(`Server metadata value of "${key}" is longer than 255 characters`);
  }

  const server: JsonObject = {
    name: request.name,
    // Booted from volume, Nova takes the image from the block device mapping.
    ...(request.bootVolume ? {} : { imageRef: request.imageId }),
    flavorRef: request.flavorId,
    networks:
      typeof request.networks === 'string'
        ? request.networks
        : request.networks.map((n) => {
            const entry: JsonObject = {};
            if (n.networkId) entry['uuid'] = n.networkId;
            if (n.portId) entry['port'] = n.portId;
            if (n.fixedIp) entry['fixed_ip'] = n.fixedIp;
            return entry;
          }),
  };
  if (request.metadata && Object.keys(request.metadata).length > 0) server['metadata'] = request.metadata;
  if (tags.length > 0) server['tags'] = tags;
  if (request.availabilityZone) server['availability_zone'] = request.availabilityZone;
  if (request.keyName) server['key_name'] = request.keyName;
  if (request.userData !== undefined) server['user_data'] = Buffer.from(request.userData, 'utf8').toString('base64');
  if (request.securityGroups?.length) server['security_groups'] = request.securityGroups.map((name) => ({ name }));
  if (request.description !== undefined) server['description'] = request.description;
  if (request.configDrive !== undefined) server['config_drive'] = request.configDrive;
  if (request.hostname !== undefined && microversion !== undefined && compareMicroversions(microversion, HOSTNAME_MICROVERSION) >= 0) {
    server['hostname'] = request.hostname;
  }
  if (request.bootVolume) {
    const { sizeGiB, volumeType, deleteOnTermination } = request.bootVolume;
    if (!Number.isInteger(sizeGiB) || sizeGiB < 1) throw new RangeError(`Boot volume size must be a whole number of GiB, got ${sizeGiB}`);
    const mapping: JsonObject = {
      boot_index: 0,
      uuid: request.imageId,
      source_type: 'image',
      destination_type: 'volume',
      volume_size: sizeGiB,
      delete_on_termination: deleteOnTermination,
    };
    if (volumeType !== undefined) mapping['volume_type'] = volumeType;
    server['block_device_mapping_v2'] = [mapping];
  }
  const body: JsonObject = { server };
  if (request.schedulerHints?.group !== undefined) body['os:scheduler_hints'] = { group: request.schedulerHints.group };
  return body;
}

/** `hostname` on server create. */
export const HOSTNAME_MICROVERSION = '2.90';
/** `volume_type` in a block device mapping. */
export const BDM_VOLUME_TYPE_MICROVERSION = '2.67';

/** `GET /limits` (absolute limits; `rate` is long gone). */
export function parseLimits(body: unknown): Limits {
  const absolute = field(field(body, 'limits', 'body'), 'absolute', 'limits');
  const usage = (maxKey: string, usedKey: string, required: boolean): QuotaUsage | undefined => {
    if (!required && absolute[maxKey] === undefined) return undefined;
    const max = num(absolute, maxKey, 'limits.absolute');
    const used = optNum(absolute, usedKey) ?? 0;
    const limit = max < 0 ? null : max;
    return { limit, used, remaining: limit === null ? null : Math.max(0, limit - used) };
  };
  const required = (maxKey: string, usedKey: string): QuotaUsage => {
    const value = usage(maxKey, usedKey, true);
    if (!value) throw new MalformedResponse(`limits.absolute.${maxKey} is missing`);
    return value;
  };
  return {
    instances: required('maxTotalInstances', 'totalInstancesUsed'),
    cores: required('maxTotalCores', 'totalCoresUsed'),
    ramMiB: required('maxTotalRAMSize', 'totalRAMUsed'),
    serverGroups: usage('maxServerGroups', 'totalServerGroupsUsed', false),
    maxServerMetadataItems: optNum(absolute, 'maxServerMeta'),
    maxKeypairs: optNum(absolute, 'maxTotalKeypairs'),
  };
}

export interface Keypair {
  name: string;
  /** `ssh` or `x509` (2.2+). */
  type?: string;
  fingerprint: string;
  publicKey: string;
  /** On `getKeypair` only. */
  userId?: string;
  createdAt?: Date;
}

export function parseKeypair(raw: unknown): Keypair {
  const k = asObject(raw, 'keypair');
  return {
    name: str(k, 'name', 'keypair'),
    type: optStr(k, 'type'),
    fingerprint: optStr(k, 'fingerprint') ?? '',
    publicKey: optStr(k, 'public_key') ?? '',
    userId: optStr(k, 'user_id'),
    createdAt: optDate(k, 'created_at', 'keypair'),
  };
}

export function parseKeypairBody(body: unknown): Keypair {
  return parseKeypair(field(body, 'keypair', 'body'));
}

/** `GET /os-keypairs`: each item wrapped in `{"keypair": ...}`; `keypairs_links` from 2.35 when paged. */
export function parseKeypairPage(body: unknown): Page<Keypair> {
  const o = asObject(body, 'body');
  return {
    items: arrayField(o, 'keypairs', 'body').map((item) => parseKeypair(field(item, 'keypair', 'keypairs[]'))),
    next: nextLink(o['keypairs_links']),
  };
}

/** Hard policies make the build fail when no host fits; soft ones (2.15+) only weigh hosts. */
export type ServerGroupPolicy = 'affinity' | 'anti-affinity' | 'soft-affinity' | 'soft-anti-affinity';

export interface ServerGroup {
  id: string;
  name: string;
  policy: ServerGroupPolicy | (string & {});
  /** `max_server_per_host` of an anti-affinity group (2.64+). */
  maxServerPerHost?: number;
  /** Ids of the servers in the group that are not deleted. */
  members: string[];
  projectId?: string;
  userId?: string;
}

export interface CreateServerGroupRequest {
  name: string;
  policy: ServerGroupPolicy;
  /** Only for `anti-affinity`: how many members one host may hold (Nova's default 1). */
  rules?: { maxServerPerHost?: number };
}

export function parseServerGroup(raw: unknown): ServerGroup {
  const g = asObject(raw, 'server_group');
  const rules = isObject(g['rules']) ? g['rules'] : {};
  // Before 2.64: a `policies` list with one entry.
  const policy = optStr(g, 'policy') ?? stringArray(g, 'policies')[0];
  if (policy === undefined) throw new MalformedResponse('server_group has neither policy nor policies');
  return {
    id: str(g, 'id', 'server_group'),
    name: optStr(g, 'name') ?? '',
    policy,
    maxServerPerHost: optNum(rules, 'max_server_per_host'),
    members: stringArray(g, 'members'),
    projectId: optStr(g, 'project_id'),
    userId: optStr(g, 'user_id'),
  };
}

export function parseServerGroupBody(body: unknown): ServerGroup {
  return parseServerGroup(field(body, 'server_group', 'body'));
}

export function parseServerGroupList(body: unknown): ServerGroup[] {
  return arrayField(asObject(body, 'body'), 'server_groups', 'body').map(parseServerGroup);
}

/** `policy` and `rules` on server groups (before: a `policies` list, no rules). */
export const SERVER_GROUP_RULES_MICROVERSION = '2.64';

/** The 2.64 body (one `policy`, `rules` only when given); below 2.64 (a pinned old microversion) `policies: [policy]`. */
export function buildCreateServerGroupBody(request: CreateServerGroupRequest, microversion?: string): JsonObject {
  if (microversion !== undefined && compareMicroversions(microversion, SERVER_GROUP_RULES_MICROVERSION) < 0) {
    return { server_group: { name: request.name, policies: [request.policy] } };
  }
  const group: JsonObject = { name: request.name, policy: request.policy };
  if (request.rules?.maxServerPerHost !== undefined) group['rules'] = { max_server_per_host: request.rules.maxServerPerHost };
  return { server_group: group };
}

/** `GET /os-availability-zone`: the names of the zones that are available. */
export function parseAvailabilityZoneNames(body: unknown): string[] {
  return arrayField(asObject(body, 'body'), 'availabilityZoneInfo', 'body')
    .filter(isObject)
    .filter((z) => isObject(z['zoneState']) && z['zoneState']['available'] === true)
    .map((z) => str(z, 'zoneName', 'availabilityZoneInfo[]'));
}
