import { randomUUID } from 'node:crypto';
import { isRecord } from '../../behaviour';
import { ApiError } from '../../http/exchange';
import type { Router } from '../../http/router';
import type { Flavor } from '../../state';
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
  requireAdmin,
  requiredProperty,
  unexpectedProperty,
} from './common';
import { MV } from './microversions';
import { flavorDetail, flavorListItem } from './views';

/** `/flavors`: list (with `is_public`, `minRam`, `minDisk`, sorting, paging), show, create, update, delete, extra specs, access. */
export function registerFlavorRoutes(router: Router<ComputeHandler>): void {
  router
    .get('/flavors', (call) => listFlavors(call, false))
    .get('/flavors/detail', (call) => listFlavors(call, true))
    .post('/flavors', createFlavor)
    .get('/flavors/:id', (call) => ({ status: 200, body: { flavor: flavorDetail(visibleFlavor(call), call.view) } }))
    .put('/flavors/:id', updateFlavor)
    .delete('/flavors/:id', (call) => {
      requireAdmin(call, 'os_compute_api:os-flavor-manage:delete');
      const flavor = anyFlavor(call);
      call.sim.state.flavors.delete(flavor.id);
      return { status: 202 };
    })
    .post('/flavors/:id/action', flavorAction)
    .get('/flavors/:id/os-flavor-access', (call) => {
      requireAdmin(call, 'os_compute_api:os-flavor-access');
      const flavor = anyFlavor(call);
      if (flavor.isPublic) throw notFound('Access list not available for public flavors.');
      return { status: 200, body: accessView(flavor) };
    })
    .get('/flavors/:id/os-extra_specs', (call) => ({ status: 200, body: { extra_specs: { ...visibleFlavor(call).extraSpecs } } }))
    .post('/flavors/:id/os-extra_specs', (call) => {
      requireAdmin(call, 'os_compute_api:os-flavor-extra-specs:create');
      const flavor = anyFlavor(call);
      const specs = parseExtraSpecs(call.ctx.jsonObject(malformedBody)['extra_specs'], 'extra_specs');
      Object.assign(flavor.extraSpecs, specs);
      return { status: 200, body: { extra_specs: specs } };
    })
    .get('/flavors/:id/os-extra_specs/:key', (call) => {
      const flavor = visibleFlavor(call);
      const key = call.params['key'];
      const value = flavor.extraSpecs[key];
      if (value === undefined) throw notFound(`Flavor ${flavor.id} has no extra specs with key ${key}.`);
      return { status: 200, body: { [key]: value } };
    })
    .put('/flavors/:id/os-extra_specs/:key', (call) => {
      requireAdmin(call, 'os_compute_api:os-flavor-extra-specs:update');
      const flavor = anyFlavor(call);
      const key = call.params['key'];
      const specs = parseExtraSpecs(call.ctx.json(malformedBody), 'request body');
      if (Object.keys(specs).length !== 1 || !(key in specs)) throw badRequest('Request body and URI mismatch');
      flavor.extraSpecs[key] = specs[key];
      return { status: 200, body: specs };
    })
    .delete('/flavors/:id/os-extra_specs/:key', (call) => {
      requireAdmin(call, 'os_compute_api:os-flavor-extra-specs:delete');
      const flavor = anyFlavor(call);
      const key = call.params['key'];
      if (!(key in flavor.extraSpecs)) throw notFound(`Flavor ${flavor.id} has no extra specs with key ${key}.`);
      delete flavor.extraSpecs[key];
      return { status: 202 };
    });
}

/** Flavors a project sees: public ones and private ones it was given access to. */
function canSee(call: ComputeCall, flavor: Flavor): boolean {
  return flavor.isPublic || call.auth.isAdmin || flavor.accessProjectIds.includes(call.project.id);
}

function visibleFlavor(call: ComputeCall): Flavor {
  const flavor = call.sim.state.flavors.get(call.params['id']);
  if (!flavor || !canSee(call, flavor)) throw notFound(`Flavor ${call.params['id']} could not be found.`);
  return flavor;
}

function anyFlavor(call: ComputeCall): Flavor {
  const flavor = call.sim.state.flavors.get(call.params['id']);
  if (!flavor) throw notFound(`Flavor ${call.params['id']} could not be found.`);
  return flavor;
}

/** Nova's `is_public` query: absent = public (plus accessible private), `None` = all (admins), else a strict boolean. */
function isPublicFilter(call: ComputeCall): boolean | null {
  if (!call.auth.isAdmin) return true;
  const raw = call.ctx.query.get('is_public');
  if (raw === null) return true;
  if (raw.toLowerCase() === 'none') return null;
  const parsed = strictBool(raw);
  if (parsed === undefined) throw badRequest(`Invalid is_public filter [${raw}]`);
  return parsed;
}

const SORT_KEYS: Record<string, (f: Flavor) => string | number> = {
  flavorid: (f) => f.id,
  id: (f) => f.id,
  name: (f) => f.name,
  memory_mb: (f) => f.ram,
  vcpus: (f) => f.vcpus,
  root_gb: (f) => f.disk,
  ephemeral_gb: (f) => f.ephemeral,
  swap: (f) => f.swap,
  rxtx_factor: (f) => f.rxtxFactor,
};

function listFlavors(call: ComputeCall, detail: boolean) {
  const { query } = call.ctx;
  const isPublic = isPublicFilter(call);
  const minRam = intParam(call, 'minRam');
  const minDisk = intParam(call, 'minDisk');
  const sortKey = query.get('sort_key') ?? 'flavorid';
  const sortDir = query.get('sort_dir') ?? 'asc';
  const keyOf = SORT_KEYS[sortKey];
  if (!keyOf) throw badRequest(`Invalid sort key: ${sortKey}`);
  if (sortDir !== 'asc' && sortDir !== 'desc') throw badRequest(`Invalid sort direction: ${sortDir}`);
  const flavors = [...call.sim.state.flavors.values()]
    .filter((f) => (isPublic === null ? true : isPublic ? f.isPublic || f.accessProjectIds.includes(call.project.id) : !f.isPublic))
    .filter((f) => (minRam === undefined || f.ram >= minRam) && (minDisk === undefined || f.disk >= minDisk))
    .sort((a, b) => compare(keyOf(a), keyOf(b)) * (sortDir === 'asc' ? 1 : -1) || compare(a.id, b.id));
  const { page, links } = paginate(call, flavors, detail ? 'flavors/detail' : 'flavors');
  const body: Record<string, unknown> = {
    flavors: page.map((f) => (detail ? flavorDetail(f, call.view) : flavorListItem(f, call.view))),
  };
  if (links) body['flavors_links'] = links;
  return { status: 200, body };
}

const CREATE_FIELDS = new Set([
  'name',
  'id',
  'ram',
  'vcpus',
  'disk',
  'OS-FLV-EXT-DATA:ephemeral',
  'swap',
  'rxtx_factor',
  'os-flavor-access:is_public',
  'description',
]);

function createFlavor(call: ComputeCall) {
  requireAdmin(call, 'os_compute_api:os-flavor-manage:create');
  const body = call.ctx.jsonObject(malformedBody);
  const input = body['flavor'];
  if (!isRecord(input)) throw requiredProperty('flavor', input, 'flavor');
  for (const key of Object.keys(input)) {
    const allowed =
      CREATE_FIELDS.has(key) &&
      !(key === 'description' && call.mv < MV.FLAVOR_DESCRIPTION) &&
      !(key === 'rxtx_factor' && call.mv >= MV.RXTX_FACTOR_REMOVED);
    if (!allowed) throw unexpectedProperty('flavor', input, key);
  }
  const name = input['name'];
  if (typeof name !== 'string' || name.trim().length === 0 || name.length > 255) {
    throw invalidInput('name', name, name === undefined ? "'name' is a required property" : 'Invalid flavor name');
  }
  const rawId = input['id'];
  if (rawId !== undefined && rawId !== null && (typeof rawId !== 'string' || !/^(?! )[a-zA-Z0-9. _-]{1,255}(?<! )$/.test(rawId))) {
    throw invalidInput('id', rawId, 'Invalid flavor id');
  }
  const flavor: Flavor = {
    id: typeof rawId === 'string' && rawId !== 'auto' ? rawId : randomUUID(),
    name: name.trim(),
    ram: flavorInt(input, 'ram', 1, true),
    vcpus: flavorInt(input, 'vcpus', 1, true),
    disk: flavorInt(input, 'disk', 0, true),
    ephemeral: flavorInt(input, 'OS-FLV-EXT-DATA:ephemeral', 0, false),
    swap: input['swap'] === '' ? 0 : flavorInt(input, 'swap', 0, false),
    rxtxFactor: typeof input['rxtx_factor'] === 'number' ? input['rxtx_factor'] : 1.0,
    isPublic: input['os-flavor-access:is_public'] === undefined ? true : boolField(input, 'os-flavor-access:is_public'),
    description: typeof input['description'] === 'string' ? input['description'] : null,
    extraSpecs: {},
    accessProjectIds: [],
  };
  const { flavors } = call.sim.state;
  if (flavors.has(flavor.id)) throw conflict(`Flavor with ID ${flavor.id} already exists.`);
  if ([...flavors.values()].some((f) => f.name === flavor.name)) throw conflict(`Flavor with name ${flavor.name} already exists.`);
  flavors.set(flavor.id, flavor);
  return { status: 200, body: { flavor: flavorDetail(flavor, call.view) } };
}

/** `PUT /flavors/{id}` (2.55+) changes only the description. */
function updateFlavor(call: ComputeCall) {
  if (call.mv < MV.FLAVOR_DESCRIPTION) throw new ApiError(405, 'The method specified is not allowed for this resource.');
  requireAdmin(call, 'os_compute_api:os-flavor-manage:update');
  const flavor = anyFlavor(call);
  const input = call.ctx.jsonObject(malformedBody)['flavor'];
  if (!isRecord(input) || Object.keys(input).some((k) => k !== 'description')) {
    throw invalidInput('flavor', input, "'description' is the only property that can be updated");
  }
  const description = input['description'];
  if (description !== null && typeof description !== 'string') throw invalidInput('description', description, 'Invalid description');
  flavor.description = description;
  return { status: 200, body: { flavor: flavorDetail(flavor, call.view) } };
}

function flavorAction(call: ComputeCall) {
  requireAdmin(call, 'os_compute_api:os-flavor-access:add_tenant_access');
  const flavor = anyFlavor(call);
  const body = call.ctx.jsonObject(malformedBody);
  const [action] = Object.keys(body);
  const arg = body[action];
  const tenant = isRecord(arg) && typeof arg['tenant'] === 'string' ? arg['tenant'] : undefined;
  if ((action !== 'addTenantAccess' && action !== 'removeTenantAccess') || tenant === undefined) {
    throw badRequest(`There is no such action: ${action}`);
  }
  if (flavor.isPublic) throw conflict('Can not add access to a public flavor.');
  const has = flavor.accessProjectIds.includes(tenant);
  if (action === 'addTenantAccess') {
    if (has) throw conflict(`Flavor access already exists for flavor ${flavor.id} and project ${tenant} combination.`);
    flavor.accessProjectIds.push(tenant);
  } else {
    if (!has) throw notFound(`Flavor access not found for ${flavor.id} / ${tenant} combination.`);
    flavor.accessProjectIds = flavor.accessProjectIds.filter((p) => p !== tenant);
  }
  return { status: 200, body: accessView(flavor) };
}

function accessView(flavor: Flavor) {
  return { flavor_access: flavor.accessProjectIds.map((tenant_id) => ({ flavor_id: flavor.id, tenant_id })) };
}

function parseExtraSpecs(input: unknown, field: string): Record<string, string> {
  if (!isRecord(input)) throw requiredProperty(field, input, field);
  const specs: Record<string, string> = {};
  for (const [key, value] of Object.entries(input)) {
    if (!/^[a-zA-Z0-9-_:. /]{1,255}$/.test(key)) throw invalidInput(field, input, `'${key}' does not match any of the regexes`);
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      throw invalidInput(`${field}/${key}`, value, 'is not of type string, number, boolean');
    }
    specs[key] = String(value);
  }
  return specs;
}

/** Nova accepts integers or integer strings for flavor sizes. */
function flavorInt(input: Record<string, unknown>, key: string, min: number, required: boolean): number {
  const raw = input[key];
  if (raw === undefined || raw === null) {
    if (required) throw requiredProperty('flavor', input, key);
    return 0;
  }
  const value = typeof raw === 'string' && /^\s*-?\d+\s*$/.test(raw) ? Number(raw) : raw;
  if (typeof value !== 'number' || !Number.isInteger(value))
    throw invalidInput(key, raw, `${JSON.stringify(raw)} is not of type 'integer', 'string'`);
  if (value < min) throw invalidInput(key, raw, `${value} is less than the minimum of ${min}`);
  return value;
}

function boolField(input: Record<string, unknown>, key: string): boolean {
  const raw = input[key];
  if (typeof raw === 'boolean') return raw;
  const parsed = typeof raw === 'string' ? strictBool(raw) : undefined;
  if (parsed === undefined) throw notOfType(key, raw, 'boolean');
  return parsed;
}

/** oslo's strict bool_from_string. */
function strictBool(raw: string): boolean | undefined {
  const value = raw.trim().toLowerCase();
  if (['1', 't', 'true', 'on', 'y', 'yes'].includes(value)) return true;
  if (['0', 'f', 'false', 'off', 'n', 'no'].includes(value)) return false;
  return undefined;
}

function intParam(call: ComputeCall, name: string): number | undefined {
  const raw = call.ctx.query.get(name);
  if (raw === null) return undefined;
  if (!/^\d+$/.test(raw)) throw badRequest(`Invalid ${name} filter [${raw}]`);
  return Number(raw);
}

function compare(a: string | number, b: string | number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
