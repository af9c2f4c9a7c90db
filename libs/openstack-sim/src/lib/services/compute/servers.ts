import { randomUUID } from 'node:crypto';
import { isRecord } from '../../behaviour';
import { ApiError, type SimResponse } from '../../http/exchange';
import type { Router } from '../../http/router';
import type { ComputeQuotas } from '../../seed';
import {
  type Flavor,
  type Image,
  type Network,
  type Server,
  type ServerAddress,
  type ServerGroup,
  type Volume,
  buildFinished,
  imageVisibleTo,
  networkVisibleTo,
  serverPhase,
  serverUpdatedAt,
} from '../../state';
import {
  type ComputeCall,
  type ComputeHandler,
  badRequest,
  conflict,
  invalidInput,
  malformedBody,
  notFound,
  notOfType,
  paginate,
  refId,
  requireMember,
  requiredProperty,
  unexpectedProperty,
} from './common';
import { MV } from './microversions';
import { checkGroupMembersQuota, groupAdmitsAnother, requestedServerGroup } from './server-groups';
import { addressesView, serverDetail, serverListItem, serverStates } from './views';
import { randomBytesFromPool } from '../../entropy';

/** Nova's per-server tag limit (objects.instance.MAX_TAG_COUNT). */
const MAX_TAGS = 50;
const MAX_METADATA_ITEMS = 128;
/** Nova's metadata keys (parameter_types.metadata); values are strings of at most 255 characters. */
const METADATA_KEY = /^[a-zA-Z0-9-_:. ]{1,255}$/;
/** `user_data` is base64 of at most this many characters (Nova's create schema). */
const MAX_USER_DATA_LENGTH = 65535;
/** What the scheduler says when no host fits (here: a hard anti-affinity group already on the one host). */
const NO_VALID_HOST = 'No valid host was found. There are not enough hosts available.';

/** `/servers`: list and detail (filters, sorting, paging), create, show, update, delete, metadata, tags, ips. */
export function registerServerRoutes(router: Router<ComputeHandler>): void {
  router
    .get('/servers', (call) => listServers(call, false))
    .get('/servers/detail', (call) => listServers(call, true))
    .post('/servers', createServers)
    .get('/servers/:id', (call) => ({ status: 200, body: { server: serverDetail(findServer(call), call.view, { single: true }) } }))
    .put('/servers/:id', updateServer)
    .delete('/servers/:id', deleteServer)
    .post('/servers/:id/action', (call) => {
      findServer(call);
      const [action] = Object.keys(call.ctx.jsonObject(malformedBody));
      throw badRequest(`There is no such action: ${action}`);
    })
    .get('/servers/:id/ips', (call) => ({ status: 200, body: { addresses: visibleAddresses(call, findServer(call)) } }))
    .get('/servers/:id/ips/:network', (call) => {
      const addresses = visibleAddresses(call, findServer(call));
      const network = call.params['network'];
      if (!(network in addresses)) throw notFound('Instance is not a member of specified network');
      return { status: 200, body: { [network]: addresses[network] } };
    })
    // metadata
    .get('/servers/:id/metadata', (call) => ({ status: 200, body: { metadata: { ...findServer(call).metadata } } }))
    .post('/servers/:id/metadata', (call) => {
      const server = writableServer(call, 'update metadata');
      const metadata = parseMetadata(call.ctx.jsonObject(malformedBody)['metadata'], 'metadata');
      setMetadata(call, server, { ...server.metadata, ...metadata });
      return { status: 200, body: { metadata: { ...server.metadata } } };
    })
    .put('/servers/:id/metadata', (call) => {
      const server = writableServer(call, 'update metadata');
      const metadata = parseMetadata(call.ctx.jsonObject(malformedBody)['metadata'], 'metadata');
      setMetadata(call, server, metadata);
      return { status: 200, body: { metadata: { ...server.metadata } } };
    })
    .get('/servers/:id/metadata/:key', (call) => {
      const server = findServer(call);
      const key = call.params['key'];
      if (!(key in server.metadata)) throw notFound('Metadata item was not found');
      return { status: 200, body: { meta: { [key]: server.metadata[key] } } };
    })
    .put('/servers/:id/metadata/:key', (call) => {
      const server = writableServer(call, 'update metadata');
      const key = call.params['key'];
      const meta = parseMetadata(call.ctx.jsonObject(malformedBody)['meta'], 'meta');
      if (Object.keys(meta).length !== 1) throw badRequest('Request body contains too many items');
      if (!(key in meta)) throw badRequest('Request body and URI mismatch');
      setMetadata(call, server, { ...server.metadata, [key]: meta[key] });
      return { status: 200, body: { meta } };
    })
    .delete('/servers/:id/metadata/:key', (call) => {
      const server = writableServer(call, 'delete metadata');
      const key = call.params['key'];
      if (!(key in server.metadata)) throw notFound('Metadata item was not found');
      const { [key]: _removed, ...rest } = server.metadata;
      setMetadata(call, server, rest);
      return { status: 204 };
    })
    // tags (2.26+)
    .get('/servers/:id/tags', (call) => {
      requireTagsVersion(call);
      return { status: 200, body: { tags: [...findServer(call).tags] } };
    })
    .put('/servers/:id/tags', (call) => {
      requireTagsVersion(call);
      const server = taggableServer(call, 'update tags');
      server.tags = parseTags(call.ctx.jsonObject(malformedBody)['tags'], 'tags');
      server.changedAt = call.now;
      return { status: 200, body: { tags: [...server.tags] } };
    })
    .delete('/servers/:id/tags', (call) => {
      requireTagsVersion(call);
      const server = taggableServer(call, 'delete tags');
      server.tags = [];
      server.changedAt = call.now;
      return { status: 204 };
    })
    .get('/servers/:id/tags/:tag', (call) => {
      requireTagsVersion(call);
      const server = findServer(call);
      if (!server.tags.includes(call.params['tag'])) throw notFound(`Server ${server.id} has no tag '${call.params['tag']}'`);
      return { status: 204 };
    })
    .put('/servers/:id/tags/:tag', (call) => {
      requireTagsVersion(call);
      const server = taggableServer(call, 'update tag');
      const tag = call.params['tag'];
      if (!isValidTag(tag)) {
        throw badRequest(`Tag '${tag}' is invalid. It must be a non empty string without characters '/' and ','.`);
      }
      if (server.tags.length >= MAX_TAGS) throw badRequest(`The number of tags exceeded the per-server limit ${MAX_TAGS}`);
      // Nova answers this one through webob's default content type.
      const html = { 'Content-Type': 'text/html; charset=UTF-8' };
      if (server.tags.includes(tag)) return { status: 204, headers: html };
      server.tags.push(tag);
      server.changedAt = call.now;
      return {
        status: 201,
        headers: { ...html, Location: call.view.links.versioned(`servers/${server.id}/tags/${encodeURIComponent(tag)}`) },
      };
    })
    .delete('/servers/:id/tags/:tag', (call) => {
      requireTagsVersion(call);
      const server = taggableServer(call, 'delete tag');
      const tag = call.params['tag'];
      if (!server.tags.includes(tag)) throw notFound(`Instance ${server.id} has no tag '${tag}'`);
      server.tags = server.tags.filter((t) => t !== tag);
      server.changedAt = call.now;
      return { status: 204 };
    });
}

// ---- lookups and state checks ----

/**
 * A live server the caller may see: its project's, or any for admins. One whose deletion has ended but that is
 * still listed (`deletedListedMs`) is shown by a GET and is not found by anything else.
 */
function findServer(call: ComputeCall): Server {
  const id = call.params['id'];
  const server = call.sim.state.liveServer(id, call.now);
  const deleted = server !== undefined && call.ctx.method !== 'GET' && serverPhase(server, call.now) === 'deleted';
  if (!server || deleted || (!call.auth.isAdmin && server.projectId !== call.project.id))
    throw notFound(`Instance ${id} could not be found.`);
  return server;
}

/** Nova's check_instance_state for metadata: vm_state active (or paused/suspended/stopped) and no task running. */
function writableServer(call: ComputeCall, action: string): Server {
  requireMember(call, `os_compute_api:server-metadata:${action.startsWith('delete') ? 'delete' : 'update'}`);
  const server = findServer(call);
  const states = serverStates(server, call.now);
  if (states.vm !== 'active') throw invalidState(action, server, 'vm_state', states.vm);
  if (states.task !== null) throw invalidState(action, server, 'task_state', states.task);
  return server;
}

/** The tags API only checks the vm_state (server_tags.py `_check_instance_in_valid_state`). */
function taggableServer(call: ComputeCall, action: string): Server {
  requireMember(call, `os_compute_api:os-server-tags:${action.replace(' ', '_')}`);
  const server = findServer(call);
  const { vm } = serverStates(server, call.now);
  if (vm !== 'active') throw invalidState(action, server, 'vm_state', vm);
  return server;
}

function invalidState(action: string, server: Server, attr: string, state: string): ApiError {
  return conflict(`Cannot '${action}' instance ${server.id} while it is in ${attr} ${state}`);
}

function requireTagsVersion(call: ComputeCall): void {
  // Below 2.26 the tags routes do not exist.
  if (call.mv < MV.SERVER_TAGS) throw notFound('The resource could not be found.');
}

/** `/servers/{id}/ips` shows bare addresses (version and addr), without the extended attributes of the server body. */
function visibleAddresses(call: ComputeCall, server: Server): Record<string, unknown[]> {
  return buildFinished(server, call.now) && server.outcome === 'ACTIVE' ? addressesView(server, { extended: false }) : {};
}

function setMetadata(call: ComputeCall, server: Server, metadata: Record<string, string>): void {
  checkMetadataQuota(metadata);
  server.metadata = metadata;
  server.changedAt = call.now;
}

// ---- list ----

const SORT_KEYS: Record<string, (s: Server, now: number) => string | number> = {
  created_at: (s) => s.createdAt,
  updated_at: (s, now) => serverUpdatedAt(s, now),
  display_name: (s) => s.name,
  uuid: (s) => s.id,
  id: (s) => s.id,
};

function listServers(call: ComputeCall, detail: boolean): SimResponse {
  const { query } = call.ctx;
  const { now } = call;
  let servers = call.sim.state.liveServers(now);

  const allTenants = call.auth.isAdmin && isTruthyParam(query.get('all_tenants'));
  const projectFilter = query.get('project_id') ?? query.get('tenant_id');
  if (!allTenants) servers = servers.filter((s) => s.projectId === call.project.id);
  else if (projectFilter !== null) servers = servers.filter((s) => s.projectId === projectFilter);

  const name = query.get('name');
  if (name !== null) {
    let pattern: RegExp;
    try {
      pattern = new RegExp(name);
    } catch {
      throw badRequest(`Invalid regular expression for name filter: ${name}`);
    }
    servers = servers.filter((s) => pattern.test(s.name));
  }
  const status = query.get('status');
  if (status !== null) servers = servers.filter((s) => serverStates(s, now).status === status.toUpperCase());
  const flavor = query.get('flavor');
  if (flavor !== null) servers = servers.filter((s) => s.flavor.id === flavor);
  const image = query.get('image');
  if (image !== null) servers = servers.filter((s) => s.imageId === refId(image));
  const changesSince = query.get('changes-since');
  if (changesSince !== null) {
    const since = Date.parse(changesSince);
    if (Number.isNaN(since)) throw invalidInput('changes-since', changesSince, `'${changesSince}' is not a 'date-time'`);
    servers = servers.filter((s) => serverUpdatedAt(s, now) >= since);
  }
  // The tag filters arrived with 2.26; before that Nova ignores them.
  if (call.mv >= MV.SERVER_TAGS) {
    const tagList = (param: string) =>
      query
        .get(param)
        ?.split(',')
        .filter((t) => t.length > 0);
    const all = tagList('tags');
    const any = tagList('tags-any');
    const notAll = tagList('not-tags');
    const notAny = tagList('not-tags-any');
    servers = servers.filter(
      (s) =>
        (!all || all.every((t) => s.tags.includes(t))) &&
        (!any || any.some((t) => s.tags.includes(t))) &&
        (!notAll || !notAll.every((t) => s.tags.includes(t))) &&
        (!notAny || !notAny.some((t) => s.tags.includes(t))),
    );
  }

  const sortKey = query.get('sort_key') ?? 'created_at';
  const sortDir = query.get('sort_dir') ?? 'desc';
  const keyOf = SORT_KEYS[sortKey];
  if (!keyOf) throw badRequest(`Invalid sort key: ${sortKey}`);
  if (sortDir !== 'asc' && sortDir !== 'desc') throw badRequest(`Invalid sort direction: ${sortDir}`);
  const sign = sortDir === 'asc' ? 1 : -1;
  // Ties (same created_at) are broken by id in the same direction, as Nova adds `id` as a last sort key.
  servers.sort((a, b) => (compare(keyOf(a, now), keyOf(b, now)) || compare(a.id, b.id)) * sign);

  const { page, links } = paginate(call, servers, detail ? 'servers/detail' : 'servers');
  const body: Record<string, unknown> = {
    servers: page.map((s) => (detail ? serverDetail(s, call.view) : serverListItem(s, call.view))),
  };
  if (links) body['servers_links'] = links;
  return { status: 200, body };
}

// ---- create ----

/** Fields `POST /servers` accepts, with the microversion range each exists in (both ends included). */
const CREATE_FIELDS: Record<string, [min: number, max: number]> = {
  name: [MV.BASE, Infinity],
  imageRef: [MV.BASE, Infinity],
  flavorRef: [MV.BASE, Infinity],
  networks: [MV.BASE, Infinity],
  metadata: [MV.BASE, Infinity],
  key_name: [MV.BASE, Infinity],
  availability_zone: [MV.BASE, Infinity],
  user_data: [MV.BASE, Infinity],
  accessIPv4: [MV.BASE, Infinity],
  accessIPv6: [MV.BASE, Infinity],
  'OS-DCF:diskConfig': [MV.BASE, Infinity],
  security_groups: [MV.BASE, Infinity],
  min_count: [MV.BASE, Infinity],
  max_count: [MV.BASE, Infinity],
  return_reservation_id: [MV.BASE, Infinity],
  config_drive: [MV.BASE, Infinity],
  adminPass: [MV.BASE, Infinity],
  block_device_mapping: [MV.BASE, Infinity],
  block_device_mapping_v2: [MV.BASE, Infinity],
  personality: [MV.BASE, MV.PERSONALITY_REMOVED - 1],
  description: [MV.SERVER_DESCRIPTION, Infinity],
  tags: [MV.CREATE_WITH_TAGS, Infinity],
  trusted_image_certificates: [MV.TRUSTED_IMAGE_CERTIFICATES, Infinity],
  host: [MV.CREATE_ON_HOST, Infinity],
  hypervisor_hostname: [MV.CREATE_ON_HOST, Infinity],
  hostname: [MV.CONFIGURABLE_HOSTNAME, Infinity],
};

/** A new volume made from the image to boot from (`block_device_mapping_v2` image → volume, boot index 0). */
interface BootVolumeRequest {
  size: number;
  volumeTypeId: string;
  deleteOnTermination: boolean;
}

interface CreateRequest {
  name: string;
  flavor: Flavor;
  image: Image;
  bootVolume: BootVolumeRequest | undefined;
  networks: Network[];
  metadata: Record<string, string>;
  tags: string[];
  minCount: number;
  maxCount: number;
  /** Resolved names of the requested security groups (`default` when none were asked for). */
  securityGroups: string[];
  configDrive: boolean;
  group: ServerGroup | undefined;
  body: Record<string, unknown>;
}

function createServers(call: ComputeCall): SimResponse {
  requireMember(call, 'os_compute_api:servers:create');
  const request = parseCreate(call);
  const count = admittedCount(call, request);
  const { sim, now } = call;
  const behaviour = sim.behaviour;
  const reservationId = `r-${randomBytesFromPool(4).toString('hex').slice(0, 8)}`;
  const created: Server[] = [];
  const input = request.body;
  if (request.group) checkGroupMembersQuota(call, request.group, count);
  for (let index = 0; index < count; index++) {
    const name = count > 1 ? `${request.name}-${index + 1}` : request.name;
    const id = randomUUID();
    const addresses: ServerAddress[] = [];
    let faultMessage: string | null = null;
    for (const network of request.networks) {
      const address = sim.state.allocateAddress(network);
      if (address) addresses.push(address);
      else faultMessage = `Build of instance ${id} aborted: Failed to allocate the network(s), not rescheduling.`;
    }
    if (faultMessage === null && request.group && !groupAdmitsAnother(call, request.group)) faultMessage = NO_VALID_HOST;
    if (faultMessage === null && sim.random() < behaviour.serverErrorRate) faultMessage = behaviour.serverFaultMessage;
    const hostname = typeof input['hostname'] === 'string' ? input['hostname'] : sanitizeHostname(name);
    const server: Server = {
      id,
      name,
      projectId: call.project.id,
      userId: call.auth.user.id,
      flavor: { ...request.flavor, extraSpecs: { ...request.flavor.extraSpecs }, accessProjectIds: [] },
      imageId: request.bootVolume ? '' : request.image.id,
      addresses,
      metadata: { ...request.metadata },
      tags: [...request.tags],
      keyName: typeof input['key_name'] === 'string' ? input['key_name'] : null,
      requestedZone: typeof input['availability_zone'] === 'string' ? input['availability_zone'] : null,
      description: typeof input['description'] === 'string' ? input['description'] : null,
      userData: typeof input['user_data'] === 'string' ? input['user_data'] : null,
      accessIPv4: typeof input['accessIPv4'] === 'string' ? input['accessIPv4'] : '',
      accessIPv6: typeof input['accessIPv6'] === 'string' ? input['accessIPv6'] : '',
      diskConfig: input['OS-DCF:diskConfig'] === 'AUTO' ? 'AUTO' : 'MANUAL',
      securityGroups: [...request.securityGroups],
      configDrive: request.configDrive,
      serverGroupId: request.group?.id ?? null,
      volumesAttached: [],
      reservationId,
      launchIndex: index,
      instanceName: sim.state.nextInstanceName(),
      hostname: count > 1 && typeof input['hostname'] !== 'string' ? `${hostname}-${index + 1}` : hostname,
      adminPass: typeof input['adminPass'] === 'string' ? input['adminPass'] : randomBytesFromPool(9).toString('base64url').slice(0, 12),
      createdAt: now,
      buildDoneAt: now + behaviour.buildDelayMs,
      outcome: faultMessage === null ? 'ACTIVE' : 'ERROR',
      faultMessage,
      changedAt: now,
      deleteRequestedAt: null,
      goneAt: null,
      listedUntil: null,
    };
    if (request.bootVolume) {
      const volume: Volume = {
        id: randomUUID(),
        name: '',
        size: request.bootVolume.size,
        projectId: server.projectId,
        userId: server.userId,
        volumeTypeId: request.bootVolume.volumeTypeId,
        imageId: request.image.id,
        attachedServerId: server.id,
        deleteOnTermination: request.bootVolume.deleteOnTermination,
        createdAt: now,
        updatedAt: now,
      };
      sim.state.volumes.set(volume.id, volume);
      server.volumesAttached.push({ id: volume.id, deleteOnTermination: volume.deleteOnTermination });
    }
    sim.state.servers.set(server.id, server);
    request.group?.members.push(server.id);
    created.push(server);
  }

  if (input['return_reservation_id'] === true) return { status: 202, body: { reservation_id: reservationId } };
  const first = created[0];
  const body: Record<string, unknown> = {
    id: first.id,
    links: call.view.links.links('servers', first.id),
    'OS-DCF:diskConfig': first.diskConfig,
    security_groups: first.securityGroups.map((name) => ({ name })),
    adminPass: first.adminPass,
  };
  return { status: 202, body: { server: body }, headers: { Location: call.view.links.versioned(`servers/${first.id}`) } };
}

/** Keys `POST /servers` accepts beside `server`. */
const CREATE_BODY_KEYS = new Set(['server', 'os:scheduler_hints', 'OS-SCH-HNT:scheduler_hints']);

function parseCreate(call: ComputeCall): CreateRequest {
  const body = call.ctx.jsonObject(malformedBody);
  const input = body['server'];
  if (!isRecord(input)) throw requiredProperty('server', input, 'server');
  for (const key of Object.keys(body)) {
    if (!CREATE_BODY_KEYS.has(key)) {
      throw badRequest(
        `Invalid input for field/attribute None. Value: ${JSON.stringify(body)}. Additional properties are not allowed ('${key}' was unexpected)`,
      );
    }
  }
  for (const key of Object.keys(input)) {
    const range = CREATE_FIELDS[key];
    if (!range || call.mv < range[0] || call.mv > range[1]) throw unexpectedProperty('server', input, key);
  }
  for (const required of ['name', 'flavorRef', ...(call.mv >= MV.NETWORKS_REQUIRED ? ['networks'] : [])]) {
    if (input[required] === undefined) throw requiredProperty('server', input, required);
  }
  const name = serverName(input['name']);
  const minCount = countField(input, 'min_count');
  const maxCount = input['max_count'] === undefined ? minCount : countField(input, 'max_count');
  if (maxCount < minCount) throw badRequest('min_count must be <= max_count');

  const flavorRef = input['flavorRef'];
  if (typeof flavorRef !== 'string' && typeof flavorRef !== 'number')
    throw invalidInput('flavorRef', flavorRef, 'Invalid flavorRef provided.');
  const flavorId = refId(String(flavorRef));
  const flavor = call.sim.state.flavors.get(flavorId);
  if (!flavor || (!flavor.isPublic && !call.auth.isAdmin && !flavor.accessProjectIds.includes(call.project.id))) {
    throw badRequest(`Flavor ${flavorId} could not be found.`);
  }

  const bootMapping = parseBootMapping(call, input['block_device_mapping_v2']);
  const imageRef = bootMapping ? bootMapping.imageId : input['imageRef'];
  if (typeof imageRef !== 'string' || imageRef.length === 0) {
    throw badRequest(
      imageRef === undefined
        ? 'Block Device Mapping is Invalid: Boot sequence for the instance and image/block device mapping combination is not valid.'
        : 'Invalid imageRef provided.',
    );
  }
  const imageId = refId(imageRef);
  const image = call.sim.state.images.get(imageId);
  if (!image || !imageVisibleTo(image, call.project.id, call.auth.isAdmin)) throw badRequest(`Image ${imageId} could not be found.`);
  if (image.status !== 'active') throw badRequest(`Image ${imageId} is not active.`);
  if (bootMapping) checkVolumeFitsImage(bootMapping.volume.size, image);
  else {
    // Nova's zero-disk-flavor policy (admins only, by default): such flavors are for servers booted from volume.
    if (flavor.disk === 0 && !call.auth.isAdmin) {
      throw new ApiError(403, 'Only volume-backed servers are allowed for flavors with zero disk.');
    }
    checkFlavorFitsImage(flavor, image);
  }

  const metadata = input['metadata'] === undefined ? {} : parseMetadata(input['metadata'], 'metadata');
  checkMetadataQuota(metadata);
  const tags = input['tags'] === undefined ? [] : parseTags(input['tags'], 'tags');
  const keyName = input['key_name'];
  if (
    keyName !== undefined &&
    keyName !== null &&
    !call.sim.state.keypairs.some((k) => k.name === keyName && k.userId === call.auth.user.id)
  ) {
    throw badRequest('Invalid key_name provided.');
  }
  if (input['availability_zone'] !== undefined && input['availability_zone'] !== 'nova') {
    throw badRequest(`The requested availability zone is not available`);
  }
  checkUserData(input['user_data']);
  const configDrive = parseConfigDrive(input['config_drive']);
  if (input['hostname'] !== undefined) checkHostname(input['hostname'], call.mv);
  const group = requestedServerGroup(call, body);
  return {
    name,
    flavor,
    image,
    bootVolume: bootMapping?.volume,
    networks: resolveNetworks(call, input['networks']),
    metadata,
    tags,
    minCount,
    maxCount,
    securityGroups: resolveSecurityGroups(call, input['security_groups']),
    configDrive,
    group,
    body: input,
  };
}

/** The keys a `block_device_mapping_v2` entry may have, with the microversion each arrived at. */
const BDM_FIELDS: Record<string, number> = {
  uuid: MV.BASE,
  source_type: MV.BASE,
  destination_type: MV.BASE,
  boot_index: MV.BASE,
  volume_size: MV.BASE,
  delete_on_termination: MV.BASE,
  device_name: MV.BASE,
  device_type: MV.BASE,
  disk_bus: MV.BASE,
  guest_format: MV.BASE,
  no_device: MV.BASE,
  tag: MV.BASE,
  volume_type: MV.BDM_VOLUME_TYPE,
};

/**
 * Boot from volume: the one mapping the simulator supports is a new volume made from an image, at boot index 0 (what
 * `openstack server create --boot-from-volume` sends). Other mappings are refused as invalid.
 */
function parseBootMapping(call: ComputeCall, input: unknown): { imageId: string; volume: BootVolumeRequest } | undefined {
  if (input === undefined) return undefined;
  if (!Array.isArray(input)) throw notOfType('block_device_mapping_v2', input, 'array');
  if (input.length === 0) return undefined;
  const invalid = (detail: string) => badRequest(`Block Device Mapping is Invalid: ${detail}`);
  for (const entry of input) {
    if (!isRecord(entry)) throw notOfType('block_device_mapping_v2', entry, 'object');
    for (const key of Object.keys(entry)) {
      const since = BDM_FIELDS[key];
      if (since === undefined || call.mv < since) throw unexpectedProperty('block_device_mapping_v2', entry, key);
    }
  }
  const [mapping] = input as Record<string, unknown>[];
  if (input.length > 1 || mapping['source_type'] !== 'image' || mapping['destination_type'] !== 'volume') {
    throw invalid('the simulator boots only from one new volume made from an image (source_type image, destination_type volume).');
  }
  if (String(mapping['boot_index']) !== '0') {
    throw invalid('Boot sequence for the instance and image/block device mapping combination is not valid.');
  }
  const imageId = mapping['uuid'];
  if (typeof imageId !== 'string') throw invalid('failed to get image for the mapping (no uuid).');
  const rawSize = mapping['volume_size'];
  const size = typeof rawSize === 'string' && /^\d+$/.test(rawSize) ? Number(rawSize) : rawSize;
  if (typeof size !== 'number' || !Number.isInteger(size) || size < 1) {
    throw invalidInput('block_device_mapping_v2/volume_size', rawSize, `${JSON.stringify(rawSize)} is less than the minimum of 1`);
  }
  if (!call.sim.behaviour.blockStorage) throw invalid('this cloud has no block storage service.');
  const typeName = mapping['volume_type'];
  const types = [...call.sim.state.volumeTypes.values()];
  const type =
    typeName === undefined || typeName === null
      ? types.find((t) => t.name === '__DEFAULT__')
      : types.find((t) => t.name === typeName || t.id === typeName);
  if (!type) throw badRequest(`Volume type ${String(typeName)} could not be found.`);
  const deleteOnTermination = mapping['delete_on_termination'] === true || mapping['delete_on_termination'] === 'true';
  return { imageId, volume: { size, volumeTypeId: type.id, deleteOnTermination } };
}

function checkVolumeFitsImage(sizeGiB: number, image: Image): void {
  const gib = 1024 ** 3;
  if (image.size > sizeGiB * gib) {
    throw badRequest(`Block Device Mapping is Invalid: Size of specified image ${image.size} is larger than volume size ${sizeGiB * gib}.`);
  }
  if (image.minDisk > sizeGiB) {
    throw badRequest(
      `Volume is smaller than the minimum size specified in image metadata. Volume size is ${sizeGiB * gib} bytes, minimum size is ${image.minDisk * gib} bytes.`,
    );
  }
}

function checkFlavorFitsImage(flavor: Flavor, image: Image): void {
  const gib = 1024 ** 3;
  if (image.minRam > flavor.ram) throw badRequest("Flavor's memory is too small for requested image.");
  if (flavor.disk > 0) {
    if (image.size > flavor.disk * gib) {
      throw badRequest(
        `Flavor's disk is too small for requested image. Flavor disk is ${flavor.disk * gib} bytes, image is ${image.size} bytes.`,
      );
    }
    if (image.minDisk > flavor.disk) {
      throw badRequest(
        `Flavor's disk is too small for requested image. Flavor disk is ${flavor.disk * gib} bytes, minimum required by image is ${image.minDisk * gib} bytes.`,
      );
    }
  }
}

/**
 * The networks a server gets: explicit `uuid`s; `none`; or, for `auto` and an omitted list (before 2.37), the one
 * network available to the project (its own plus shared ones), 409 when several could be meant.
 */
function resolveNetworks(call: ComputeCall, input: unknown): Network[] {
  const { state } = call.sim;
  if (input === 'none') return [];
  if (input === undefined || input === 'auto') {
    const available = [...state.networks.values()].filter((n) => (n.projectId === call.project.id && !n.shared) || n.shared);
    if (available.length > 1) throw conflict('Multiple possible networks found, use a Network ID to be more specific.');
    if (available.length === 0) {
      if (input === undefined) return [];
      throw badRequest(`Unable to automatically allocate a network for project ${call.project.id}`);
    }
    return available;
  }
  if (!Array.isArray(input)) throw notOfType('networks', input, 'array');
  if (input.length === 0 && call.mv >= MV.NETWORKS_REQUIRED) throw invalidInput('networks', input, '[] is too short');
  return input.map((entry: unknown) => {
    if (!isRecord(entry)) throw invalidInput('networks', entry, 'is not of type object');
    if (typeof entry['port'] === 'string') throw badRequest(`Port id ${entry['port']} could not be found.`);
    const uuid = entry['uuid'];
    if (typeof uuid !== 'string') throw badRequest('Bad networks format: network uuid is not in proper format');
    const network = state.networks.get(uuid);
    if (!network || !networkVisibleTo(network, call.project.id, call.auth.isAdmin)) throw badRequest(`Network ${uuid} could not be found.`);
    if (network.external && !network.shared && !call.auth.isAdmin) {
      throw new ApiError(403, `It is not allowed to create an interface on external network ${uuid}`);
    }
    return network;
  });
}

/**
 * How many servers fit the project's quotas (Nova's check_num_instances_quota): all `max_count` when they fit,
 * fewer down to `min_count`, else a 403 worded like Nova's TooManyInstances.
 */
function admittedCount(call: ComputeCall, request: CreateRequest): number {
  const quotas = call.sim.state.quotasOf(call.project.id);
  // Unlimited on all three: every server fits, without counting the project's servers.
  if (quotas.instances < 0 && quotas.cores < 0 && quotas.ram < 0) return request.maxCount;
  const used = call.sim.state.usageOf(call.project.id, call.now);
  const headroom = (key: keyof ComputeQuotas) => (quotas[key] < 0 ? Infinity : quotas[key] - used[key]);
  const { flavor, minCount, maxCount } = request;
  let allowed = Math.min(
    headroom('instances'),
    flavor.vcpus > 0 ? Math.floor(headroom('cores') / flavor.vcpus) : Infinity,
    flavor.ram > 0 ? Math.floor(headroom('ram') / flavor.ram) : Infinity,
  );
  allowed = Math.max(0, allowed);
  if (allowed >= maxCount) return maxCount;
  if (allowed >= minCount) return allowed;
  const requested: ComputeQuotas = { instances: maxCount, cores: maxCount * flavor.vcpus, ram: maxCount * flavor.ram };
  const overs = (['instances', 'cores', 'ram'] as const).filter((key) => quotas[key] >= 0 && used[key] + requested[key] > quotas[key]);
  const requestedText = (key: keyof ComputeQuotas) =>
    key === 'instances' && minCount !== maxCount ? `${minCount}-${maxCount}` : String(requested[key]);
  throw new ApiError(
    403,
    `Quota exceeded for ${overs.join(', ')}: Requested ${overs.map(requestedText).join(', ')}, but already used ${overs
      .map((k) => used[k])
      .join(', ')} of ${overs.map((k) => quotas[k]).join(', ')} ${overs.join(', ')}`,
  );
}

// ---- update, delete ----

function updateServer(call: ComputeCall): SimResponse {
  requireMember(call, 'os_compute_api:servers:update');
  const server = findServer(call);
  const input = call.ctx.jsonObject(malformedBody)['server'];
  if (!isRecord(input)) throw requiredProperty('server', input, 'server');
  const allowed = new Set([
    'name',
    'accessIPv4',
    'accessIPv6',
    'OS-DCF:diskConfig',
    ...(call.mv >= MV.SERVER_DESCRIPTION ? ['description'] : []),
    ...(call.mv >= MV.CONFIGURABLE_HOSTNAME ? ['hostname'] : []),
  ]);
  for (const [key, value] of Object.entries(input)) {
    if (!allowed.has(key)) throw unexpectedProperty('server', input, key);
    if (key === 'description' ? value !== null && typeof value !== 'string' : typeof value !== 'string') {
      throw notOfType(key, value, 'string');
    }
  }
  if (typeof input['name'] === 'string') server.name = serverName(input['name']);
  if (input['description'] !== undefined) server.description = input['description'] as string | null;
  if (typeof input['accessIPv4'] === 'string') server.accessIPv4 = input['accessIPv4'];
  if (typeof input['accessIPv6'] === 'string') server.accessIPv6 = input['accessIPv6'];
  if (typeof input['hostname'] === 'string') {
    checkHostname(input['hostname'], call.mv);
    server.hostname = input['hostname'];
  }
  server.changedAt = call.now;
  return { status: 200, body: { server: serverDetail(server, call.view, { single: true }) } };
}

function deleteServer(call: ComputeCall): SimResponse {
  requireMember(call, 'os_compute_api:servers:delete');
  const server = findServer(call);
  if (serverPhase(server, call.now) !== 'deleting') {
    server.deleteRequestedAt = call.now;
    server.goneAt = call.now + call.sim.behaviour.deleteDelayMs;
    server.listedUntil = server.goneAt + call.sim.behaviour.deletedListedMs;
  }
  return { status: 204 };
}

// ---- field parsing ----

/** The same name rule on create and update: 1 to 255 characters, without leading or trailing whitespace. */
function serverName(value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 255 || value.trim() !== value) {
    throw invalidInput('name', value, 'Invalid server name');
  }
  return value;
}

/**
 * Metadata counts against the fixed `metadata_items` quota on create as on every metadata change. Nova counts the
 * whole new set, not what is added, hence "already used 0".
 */
function checkMetadataQuota(metadata: Record<string, string>): void {
  const count = Object.keys(metadata).length;
  if (count > MAX_METADATA_ITEMS) {
    throw new ApiError(
      403,
      `Quota exceeded for metadata_items: Requested ${count}, but already used 0 of ${MAX_METADATA_ITEMS} metadata_items`,
    );
  }
}

function parseMetadata(input: unknown, field: string): Record<string, string> {
  if (!isRecord(input)) throw notOfType(field, input, 'object');
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(input)) {
    if (!METADATA_KEY.test(key)) throw invalidInput(field, input, `'${key}' does not match any of the regexes: '${METADATA_KEY.source}'`);
    if (typeof value !== 'string') throw notOfType(`${field}/${key}`, value, 'string');
    if (value.length > 255) throw invalidInput(`${field}/${key}`, value, 'is too long');
    result[key] = value;
  }
  return result;
}

function isValidTag(tag: unknown): tag is string {
  return typeof tag === 'string' && tag.length > 0 && tag.length <= 60 && !tag.includes('/') && !tag.includes(',');
}

function parseTags(input: unknown, field: string): string[] {
  if (!Array.isArray(input)) throw notOfType(field, input, 'array');
  if (input.length > MAX_TAGS) throw invalidInput(field, input, `is too long (at most ${MAX_TAGS} tags)`);
  for (const tag of input) {
    if (!isValidTag(tag))
      throw invalidInput(field, input, `${JSON.stringify(tag)} is not a valid tag (a non-empty string without '/' or ',')`);
  }
  return [...new Set(input as string[])];
}

function countField(input: Record<string, unknown>, key: string): number {
  const raw = input[key];
  if (raw === undefined) return 1;
  const value = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : raw;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1)
    throw invalidInput(key, raw, `${JSON.stringify(raw)} is less than the minimum of 1`);
  return value;
}

/**
 * The names of the requested security groups, each given by name or id among the project's Neutron groups (Nova's
 * `_process_security_groups`): an unknown one is a 400, a name two groups share a 409.
 */
function resolveSecurityGroups(call: ComputeCall, input: unknown): string[] {
  if (input === undefined) return ['default'];
  if (!Array.isArray(input)) throw notOfType('security_groups', input, 'array');
  const own = call.sim.state.securityGroupsOf(call.project.id, call.now);
  const names = input.map((entry: unknown) => {
    if (!isRecord(entry)) throw notOfType('security_groups', entry, 'object');
    const ref = entry['name'];
    if (typeof ref !== 'string' || ref.length === 0 || ref.length > 255) throw invalidInput('security_groups/name', ref, 'Invalid name');
    const byId = own.find((g) => g.id === ref);
    if (byId) return byId.name;
    const byName = own.filter((g) => g.name === ref);
    if (byName.length > 1) throw conflict(`Multiple security groups found matching '${ref}'. Use an ID to be more specific.`);
    // Nova Zed passes Neutron's words on.
    if (byName.length === 0) throw badRequest(`Unable to find security_group with name or id '${ref}'`);
    return ref;
  });
  return names.length > 0 ? [...new Set(names)] : ['default'];
}

/** `user_data`: base64 (Nova's schema format check), at most 65535 characters. */
function checkUserData(value: unknown): void {
  if (value === undefined || value === null) return;
  if (typeof value !== 'string') throw notOfType('user_data', value, 'string');
  if (value.length > MAX_USER_DATA_LENGTH) throw invalidInput('user_data', value, `'${value}' is too long`);
  const compact = value.replace(/\s/g, '');
  if (compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) {
    throw invalidInput('user_data', value, `'${value}' is not a 'base64'`);
  }
}

/** Nova's boolean parameter type: JSON booleans and the usual spellings in strings. */
function parseConfigDrive(value: unknown): boolean {
  if (value === undefined || value === null || value === '') return false;
  if (typeof value === 'boolean') return value;
  const text = String(value).toLowerCase();
  if (['true', '1', 'yes', 'on', 't', 'y'].includes(text)) return true;
  if (['false', '0', 'no', 'off', 'f', 'n'].includes(text)) return false;
  throw invalidInput('config_drive', value, `${JSON.stringify(value)} is not valid under any of the given schemas`);
}

/** Nova's hostname schema: a host name (2 to 63 characters) from 2.90, a fully qualified name from 2.94. */
function checkHostname(value: unknown, mv: number): void {
  if (typeof value !== 'string') throw notOfType('hostname', value, 'string');
  const [pattern, min, max]: [string, number, number] =
    mv >= MV.FQDN_HOSTNAME ? ['^[a-zA-Z0-9-._]*$', 1, 255] : ['^[a-zA-Z0-9]+[a-zA-Z0-9-]*[a-zA-Z0-9]+$', 2, 63];
  if (value.length < min) throw invalidInput('hostname', value, `'${value}' is too short`);
  if (value.length > max) throw invalidInput('hostname', value, `'${value}' is too long`);
  if (!new RegExp(pattern).test(value)) throw invalidInput('hostname', value, `'${value}' does not match '${pattern}'`);
}

/** Nova's hostname from a display name: lowercase, `[a-z0-9-]` only, at most 63 characters. */
function sanitizeHostname(name: string): string {
  const hostname = name
    .toLowerCase()
    .replace(/[ _]/g, '-')
    .replace(/[^a-z0-9.-]/g, '')
    .replace(/^[.-]+|[.-]+$/g, '')
    .slice(0, 63);
  return hostname || 'server';
}

function isTruthyParam(value: string | null): boolean {
  return value !== null && !['0', 'false', 'f', 'no', 'off', 'n'].includes(value.trim().toLowerCase());
}

function compare(a: string | number, b: string | number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
