import { createHash } from 'node:crypto';
import { isoMicrosNaive, isoSeconds } from '../../http/formats';
import type { ComputeQuotas } from '../../seed';
import { type Flavor, type Server, buildFinished, serverPhase, serverUpdatedAt } from '../../state';
import { MV } from './microversions';

/** The simulated hypervisor every server lands on. */
export const COMPUTE_HOST = 'sim-compute';
export const DEFAULT_ZONE = 'nova';

/** Builds Nova's `self`/`bookmark` links; `projectSegment` repeats the project id when the request URL had one. */
export class ComputeLinks {
  constructor(
    private readonly computeBase: string,
    private readonly projectSegment: string,
  ) {}

  /** `…/compute/v2.1[/<project>]/<path>` */
  versioned(path: string): string {
    return `${this.computeBase}/v2.1${this.projectSegment}/${path}`;
  }

  links(collection: string, id: string): { href: string; rel: string }[] {
    return [
      { href: this.versioned(`${collection}/${id}`), rel: 'self' },
      { href: this.bookmark(collection, id), rel: 'bookmark' },
    ];
  }

  bookmark(collection: string, id: string): string {
    return `${this.computeBase}${this.projectSegment}/${collection}/${id}`;
  }
}

export interface ViewContext {
  /** Microversion minor number (2.N); compared only against the named versions in `MV`. */
  mv: number;
  isAdmin: boolean;
  links: ComputeLinks;
  now: number;
}

export function flavorListItem(f: Flavor, v: ViewContext): Record<string, unknown> {
  const view: Record<string, unknown> = { id: f.id, links: v.links.links('flavors', f.id), name: f.name };
  if (v.mv >= MV.FLAVOR_DESCRIPTION) view['description'] = f.description;
  return view;
}

/** A flavor as shown by `GET /flavors/{id}`, `/flavors/detail` and flavor create, shaped by microversion. */
export function flavorDetail(f: Flavor, v: ViewContext): Record<string, unknown> {
  const view: Record<string, unknown> = {
    'OS-FLV-DISABLED:disabled': false,
    disk: f.disk,
    'OS-FLV-EXT-DATA:ephemeral': f.ephemeral,
    'os-flavor-access:is_public': f.isPublic,
    id: f.id,
    links: v.links.links('flavors', f.id),
    name: f.name,
    ram: f.ram,
    // Before 2.75 a zero swap is shown as an empty string.
    swap: v.mv < MV.API_CONSISTENCY && f.swap === 0 ? '' : f.swap,
    vcpus: f.vcpus,
    rxtx_factor: f.rxtxFactor,
  };
  if (v.mv >= MV.FLAVOR_DESCRIPTION) view['description'] = f.description;
  if (v.mv >= MV.FLAVOR_EXTRA_SPECS) view['extra_specs'] = { ...f.extraSpecs };
  return view;
}

const PHASE_STATE = {
  building: { status: 'BUILD', vm: 'building', task: 'spawning', power: 0 },
  active: { status: 'ACTIVE', vm: 'active', task: null, power: 1 },
  error: { status: 'ERROR', vm: 'error', task: null, power: 0 },
} as const;

/** Status, vm_state, task_state and power_state of a live server. */
export function serverStates(s: Server, now: number): { status: string; vm: string; task: string | null; power: number } {
  const phase = serverPhase(s, now);
  if (phase === 'deleted') return { status: 'DELETED', vm: 'deleted', task: null, power: 0 };
  if (phase === 'deleting' || phase === 'gone') {
    // A server being deleted keeps the status it had, with task_state `deleting`.
    const before = !buildFinished(s, now) ? 'building' : s.outcome === 'ACTIVE' ? 'active' : 'error';
    return { ...PHASE_STATE[before], task: 'deleting' };
  }
  return { ...PHASE_STATE[phase] };
}

export function serverListItem(s: Server, v: ViewContext): Record<string, unknown> {
  return { id: s.id, links: v.links.links('servers', s.id), name: s.name };
}

/**
 * A server as `GET /servers/{id}` and `/servers/detail` show it at the requested microversion. `single`: the show
 * and update answers, which carry `server_groups` from 2.71 (the list does not).
 */
export function serverDetail(s: Server, v: ViewContext, options: { single?: boolean } = {}): Record<string, unknown> {
  const { mv, isAdmin, now } = v;
  const states = serverStates(s, now);
  const onHost = buildFinished(s, now) && s.outcome === 'ACTIVE';
  const view: Record<string, unknown> = {
    id: s.id,
    name: s.name,
    status: states.status,
    tenant_id: s.projectId,
    user_id: s.userId,
    metadata: { ...s.metadata },
    hostId: onHost
      ? createHash('sha224')
          .update(s.projectId + COMPUTE_HOST)
          .digest('hex')
      : '',
    // Booted from volume: an empty string.
    image: s.imageId === '' ? '' : { id: s.imageId, links: [{ href: v.links.bookmark('images', s.imageId), rel: 'bookmark' }] },
    flavor:
      mv >= MV.EMBEDDED_FLAVOR
        ? {
            vcpus: s.flavor.vcpus,
            ram: s.flavor.ram,
            disk: s.flavor.disk,
            ephemeral: s.flavor.ephemeral,
            swap: s.flavor.swap,
            original_name: s.flavor.name,
            extra_specs: { ...s.flavor.extraSpecs },
          }
        : { id: s.flavor.id, links: [{ href: v.links.bookmark('flavors', s.flavor.id), rel: 'bookmark' }] },
    created: isoSeconds(s.createdAt),
    updated: isoSeconds(serverUpdatedAt(s, now)),
    addresses: onHost ? addressesView(s) : {},
    accessIPv4: s.accessIPv4,
    accessIPv6: s.accessIPv6,
    links: v.links.links('servers', s.id),
    'OS-DCF:diskConfig': s.diskConfig,
    'OS-EXT-AZ:availability_zone': onHost ? (s.requestedZone ?? DEFAULT_ZONE) : (s.requestedZone ?? ''),
    // Nova shows `True` for a server with a config drive, else an empty string.
    config_drive: s.configDrive ? 'True' : '',
    key_name: s.keyName,
    'OS-SRV-USG:launched_at': onHost ? isoMicrosNaive(s.buildDoneAt) : null,
    'OS-SRV-USG:terminated_at': null,
    'OS-EXT-STS:task_state': states.task,
    'OS-EXT-STS:vm_state': states.vm,
    'OS-EXT-STS:power_state': states.power,
    'os-extended-volumes:volumes_attached': s.volumesAttached.map((a) =>
      mv >= MV.SERVER_EXTENDED_ATTRIBUTES ? { id: a.id, delete_on_termination: a.deleteOnTermination } : { id: a.id },
    ),
  };
  if (states.status === 'ACTIVE' || states.status === 'BUILD') view['progress'] = 0;
  // Security groups come from the server's ports, which exist once the build has allocated them.
  if (s.addresses.length > 0 && buildFinished(s, now)) view['security_groups'] = s.securityGroups.map((name) => ({ name }));
  if (isAdmin) {
    view['OS-EXT-SRV-ATTR:host'] = onHost ? COMPUTE_HOST : null;
    view['OS-EXT-SRV-ATTR:hypervisor_hostname'] = onHost ? COMPUTE_HOST : null;
    view['OS-EXT-SRV-ATTR:instance_name'] = s.instanceName;
    if (mv >= MV.SERVER_EXTENDED_ATTRIBUTES) {
      Object.assign(view, {
        'OS-EXT-SRV-ATTR:reservation_id': s.reservationId,
        'OS-EXT-SRV-ATTR:launch_index': s.launchIndex,
        'OS-EXT-SRV-ATTR:kernel_id': '',
        'OS-EXT-SRV-ATTR:ramdisk_id': '',
        'OS-EXT-SRV-ATTR:root_device_name': onHost ? '/dev/vda' : null,
        'OS-EXT-SRV-ATTR:user_data': s.userData,
      });
    }
  }
  if ((isAdmin && mv >= MV.SERVER_EXTENDED_ATTRIBUTES) || mv >= MV.CONFIGURABLE_HOSTNAME) view['OS-EXT-SRV-ATTR:hostname'] = s.hostname;
  if (states.status === 'ERROR' && s.faultMessage !== null) {
    const fault: Record<string, unknown> = { code: 500, created: isoSeconds(s.buildDoneAt), message: s.faultMessage };
    // Nova shows the traceback-like details to admins only for 500 faults.
    if (isAdmin) fault['details'] = `${s.faultMessage}\nTraceback (most recent call last):\n  (simulated)\n`;
    view['fault'] = fault;
  }
  if (mv >= MV.SERVER_LOCKED) view['locked'] = false;
  if (mv >= MV.SERVER_HOST_STATUS && isAdmin) view['host_status'] = onHost ? 'UP' : '';
  if (mv >= MV.SERVER_DESCRIPTION) view['description'] = s.description;
  if (mv >= MV.SERVER_TAGS) view['tags'] = [...s.tags];
  if (mv >= MV.TRUSTED_IMAGE_CERTIFICATES) view['trusted_image_certificates'] = null;
  if (mv >= MV.SERVER_GROUPS_SHOWN && options.single) view['server_groups'] = s.serverGroupId === null ? [] : [s.serverGroupId];
  if (mv >= MV.SERVER_LOCKED_REASON) view['locked_reason'] = null;
  if (mv >= MV.PINNED_AVAILABILITY_ZONE) view['pinned_availability_zone'] = s.requestedZone;
  return view;
}

/** Addresses by network name; `extended` (the server body's form) adds the IP type and MAC address. */
export function addressesView(s: Server, options: { extended?: boolean } = {}): Record<string, unknown[]> {
  const addresses: Record<string, unknown[]> = {};
  for (const a of s.addresses) {
    const address: Record<string, unknown> = { version: 4, addr: a.addr };
    if (options.extended ?? true) Object.assign(address, { 'OS-EXT-IPS:type': 'fixed', 'OS-EXT-IPS-MAC:mac_addr': a.mac });
    (addresses[a.networkName] ??= []).push(address);
  }
  return addresses;
}

/** Fixed limits Nova reports next to the quotas we simulate (its defaults). */
export const FIXED_LIMITS = { key_pairs: 100, metadata_items: 128, server_groups: 10, server_group_members: 10 };

export function limitsView(quotas: ComputeQuotas, used: ComputeQuotas, mv: number, serverGroupsUsed = 0): Record<string, unknown> {
  const absolute: Record<string, number> = {
    maxServerMeta: FIXED_LIMITS.metadata_items,
    maxTotalCores: quotas.cores,
    maxTotalInstances: quotas.instances,
    maxTotalKeypairs: FIXED_LIMITS.key_pairs,
    maxTotalRAMSize: quotas.ram,
    maxServerGroups: FIXED_LIMITS.server_groups,
    maxServerGroupMembers: FIXED_LIMITS.server_group_members,
    totalCoresUsed: used.cores,
    totalInstancesUsed: used.instances,
    totalRAMUsed: used.ram,
    totalServerGroupsUsed: serverGroupsUsed,
  };
  if (mv < MV.PERSONALITY_REMOVED) Object.assign(absolute, { maxPersonality: 5, maxPersonalitySize: 10240 });
  if (mv < MV.IMAGE_PROXY_REMOVED) absolute['maxImageMeta'] = 128;
  if (mv < MV.NETWORK_PROXIES_REMOVED) {
    Object.assign(absolute, {
      maxSecurityGroupRules: -1,
      maxSecurityGroups: -1,
      maxTotalFloatingIps: -1,
      totalFloatingIpsUsed: 0,
      totalSecurityGroupsUsed: 0,
    });
  }
  return { limits: { absolute, rate: [] } };
}

export function quotaSetView(projectId: string | undefined, quotas: ComputeQuotas, mv: number): Record<string, unknown> {
  const set: Record<string, unknown> = {
    cores: quotas.cores,
    instances: quotas.instances,
    ram: quotas.ram,
    key_pairs: FIXED_LIMITS.key_pairs,
    metadata_items: FIXED_LIMITS.metadata_items,
    server_groups: FIXED_LIMITS.server_groups,
    server_group_members: FIXED_LIMITS.server_group_members,
  };
  if (projectId !== undefined) set['id'] = projectId;
  if (mv < MV.PERSONALITY_REMOVED)
    Object.assign(set, { injected_file_content_bytes: 10240, injected_file_path_bytes: 255, injected_files: 5 });
  if (mv < MV.NETWORK_PROXIES_REMOVED)
    Object.assign(set, { fixed_ips: -1, floating_ips: -1, security_group_rules: -1, security_groups: -1 });
  return set;
}

export function quotaDetailView(projectId: string, quotas: ComputeQuotas, used: ComputeQuotas, mv: number): Record<string, unknown> {
  const flat = quotaSetView(undefined, quotas, mv);
  const detail: Record<string, unknown> = { id: projectId };
  for (const [key, limit] of Object.entries(flat)) {
    const inUse = key === 'cores' ? used.cores : key === 'instances' ? used.instances : key === 'ram' ? used.ram : 0;
    detail[key] = { in_use: inUse, limit, reserved: 0 };
  }
  return detail;
}
