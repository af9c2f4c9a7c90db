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

export interface CreateServerRequest {
  name: string;
  /** Absent only when booting from a volume, which this client does not do. */
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
  securityGroups?: string[];
  description?: string;
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

export function buildCreateServerBody(request: CreateServerRequest): JsonObject {
  const tags = request.tags ?? [];
  const badTag = tags.find((t) => t === '' || t.length > 60 || TAG_FORBIDDEN.test(t));
  if (badTag !== undefined) throw new RangeError(`Invalid server tag "${badTag}": 1 to 60 characters, no "," or "/"`);
  if (tags.length > 50) throw new RangeError(`At most 50 server tags, got ${tags.length}`);

  const server: JsonObject = {
    name: request.name,
    imageRef: request.imageId,
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
  return { server };
}

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
