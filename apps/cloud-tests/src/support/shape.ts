/**
 * The shape of an HTTP answer, as the contract compares it between the simulator and the real cloud: the status,
 * the headers that matter to clients, and the body's key/type tree. Values are data (ids, names, times) and are
 * not compared, except header values that carry protocol (microversions, `Vary`, content type) and `Location`,
 * whose URL is compared with the service root and ids replaced by placeholders.
 */
import type { HttpResult } from './http';

export interface Observation {
  status: number;
  /** Header name (lower case) → value, `present`, or a normalised URL. */
  headers: Record<string, string>;
  /** Body path → JSON kind (`string`, `number`, `boolean`, `null`, `object`, `array`, or a `|` union of them). */
  body: Record<string, string>;
  /**
   * Paths of empty arrays and maps: the element shape is unknown there, so the other side's elements are not
   * compared (a server with no tags yet, a flavor without extra specs).
   */
  emptyArrays: string[];
}

/** Headers whose value is protocol. */
const VALUE_HEADERS = ['openstack-api-version', 'x-openstack-nova-api-version', 'vary', 'content-type'];
/** Headers whose presence matters (their values are tokens, request ids, challenges). */
const PRESENT_HEADERS = ['x-subject-token', 'x-openstack-request-id', 'x-compute-request-id', 'www-authenticate'];

/**
 * Object keys that are data, not schema: only the kinds of their values count. `metadata`, `extra_specs`,
 * `addresses` (by network name), `properties` (CLI output).
 */
const DEFAULT_MAP_KEYS = ['metadata', 'extra_specs', 'addresses', 'properties'];

export interface ObserveOptions {
  /** Replaces service roots and ids in a URL (`Location`) so both targets' URLs compare. */
  normalizeUrl?: (url: string) => string;
  /** More map keys (by last path segment) for this answer. */
  mapKeys?: string[];
  /**
   * Body paths left out with everything below them: keys whose presence on the real cloud depends on timing or on
   * which item comes first, not on the API (a server's `security_groups` show only while Neutron has its ports: from
   * some moment in the build until some moment in the delete; a network's `is_default` only on external networks).
   */
  varying?: string[];
}

export function observe(response: Pick<HttpResult, 'status' | 'headers' | 'body'>, options: ObserveOptions = {}): Observation {
  const headers: Record<string, string> = {};
  for (const name of VALUE_HEADERS) {
    const value = response.headers.get(name);
    if (value !== null) headers[name] = value;
  }
  for (const name of PRESENT_HEADERS) if (response.headers.has(name)) headers[name] = 'present';
  const location = response.headers.get('location');
  if (location !== null) headers['location'] = options.normalizeUrl ? options.normalizeUrl(location) : 'present';
  const shape = shapeOf(response.body, [...DEFAULT_MAP_KEYS, ...(options.mapKeys ?? [])]);
  const dropped = (path: string) =>
    (options.varying ?? []).some((root) => path === root || path.startsWith(`${root}.`) || path.startsWith(`${root}[]`));
  return {
    status: response.status,
    headers,
    body: Object.fromEntries(Object.entries(shape.body).filter(([path]) => !dropped(path))),
    emptyArrays: shape.emptyArrays.filter((path) => !dropped(path)),
  };
}

/** The key/type tree of a JSON value. */
export function shapeOf(value: unknown, mapKeys: string[] = DEFAULT_MAP_KEYS): Pick<Observation, 'body' | 'emptyArrays'> {
  const body: Record<string, string> = {};
  const emptyArrays: string[] = [];
  const add = (path: string, kind: string) => {
    const before = body[path];
    body[path] = before === undefined || before === kind ? kind : [...new Set([...before.split('|'), kind])].sort().join('|');
  };
  const walk = (v: unknown, path: string, isMap: boolean) => {
    const kind = kindOf(v);
    add(path || '(root)', kind);
    if (kind === 'array') {
      const items = v as unknown[];
      if (items.length === 0) emptyArrays.push(path);
      for (const item of items) walk(item, `${path}[]`, false);
    } else if (kind === 'object') {
      const entries = Object.entries(v as Record<string, unknown>);
      if (isMap && entries.length === 0) emptyArrays.push(path);
      for (const [key, child] of entries) {
        const childPath = isMap ? `${path}{}` : path ? `${path}.${key}` : key;
        walk(child, childPath, !isMap && mapKeys.includes(key));
      }
    }
  };
  walk(value, '', false);
  return { body, emptyArrays: [...new Set(emptyArrays)] };
}

function kindOf(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value === 'object' ? 'object' : typeof value;
}

/**
 * Every difference between the simulator's and the real cloud's answer, as readable lines:
 * `status: simulator 200, real 201`, `header location: simulator absent, real {compute}/v2.1/servers/{uuid}`,
 * `body server.locked: only in real (boolean)`, `body flavor.swap: simulator string, real number`.
 */
export function compareObservations(sim: Observation, real: Observation): string[] {
  const differences: string[] = [];
  if (sim.status !== real.status) differences.push(`status: simulator ${sim.status}, real ${real.status}`);
  for (const name of [...new Set([...Object.keys(sim.headers), ...Object.keys(real.headers)])].sort()) {
    const a = sim.headers[name];
    const b = real.headers[name];
    if (a !== b) differences.push(`header ${name}: simulator ${a ?? 'absent'}, real ${b ?? 'absent'}`);
  }
  // Below an array that is empty on one side nothing can be compared.
  const unknown = (path: string, other: Observation) =>
    other.emptyArrays.some((p) => path.startsWith(`${p}[]`) || path.startsWith(`${p}{}`));
  for (const path of [...new Set([...Object.keys(sim.body), ...Object.keys(real.body)])].sort()) {
    const a = sim.body[path];
    const b = real.body[path];
    if (a === b || sameApartFromNull(a, b)) continue;
    if (a === undefined) {
      if (!unknown(path, sim) && !parentMissing(path, sim.body)) differences.push(`body ${path}: only in real (${b})`);
    } else if (b === undefined) {
      if (!unknown(path, real) && !parentMissing(path, real.body)) differences.push(`body ${path}: only in simulator (${a})`);
    } else {
      differences.push(`body ${path}: simulator ${a}, real ${b}`);
    }
  }
  return differences;
}

/**
 * `null` matches any kind: nullable fields are null or not depending on data (a description set or not), as in the
 * simulator's comparison with the upstream samples. A key present on one side only is still a difference.
 */
function sameApartFromNull(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return false;
  const kinds = (k: string) => k.split('|').filter((x) => x !== 'null');
  const x = kinds(a);
  const y = kinds(b);
  return x.length === 0 || y.length === 0 || (x.length === y.length && x.every((k) => y.includes(k)));
}

/** A key missing on one side is reported once, at the top: not again for everything below it. */
function parentMissing(path: string, body: Record<string, string>): boolean {
  const cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('[]'), path.lastIndexOf('{}'));
  if (cut <= 0) return false;
  const parent = path.slice(0, cut);
  return body[parent] === undefined;
}
