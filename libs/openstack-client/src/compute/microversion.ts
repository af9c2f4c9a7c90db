import { isObject, MalformedResponse, optStr, type JsonObject } from '../http/json';

/** Server tags on create (and `tags` in server bodies) need 2.52. */
export const MIN_COMPUTE_MICROVERSION = '2.52';
/**
 * The newest behaviour this client is written for: 2.75's API cleanups (flavor `swap` always an integer,
 * consistent server bodies), flavor descriptions (2.55) and `extra_specs` in flavors (2.61).
 * Newer clouds are spoken to at this version; older ones (down to the minimum) at their maximum.
 */
export const PREFERRED_COMPUTE_MICROVERSION = '2.75';

export interface Microversion {
  major: number;
  minor: number;
}

export function parseMicroversion(text: string): Microversion | undefined {
  const match = /^(\d+)\.(\d+)$/.exec(text.trim());
  return match ? { major: Number(match[1]), minor: Number(match[2]) } : undefined;
}

export function compareMicroversions(a: string, b: string): number {
  const x = parseMicroversion(a);
  const y = parseMicroversion(b);
  if (!x || !y) throw new Error(`Not a microversion: ${x ? b : a}`);
  return x.major - y.major || x.minor - y.minor;
}

export interface ComputeVersion {
  /** `v2.1`. */
  id: string;
  status?: string;
  /** Lowest microversion, `2.1`; empty for the legacy v2.0 API without microversions. */
  minVersion: string;
  /** Highest microversion, e.g. `2.93`. */
  maxVersion: string;
}

/**
 * Reads either a version document (`GET /v2.1/`: `{"version": {...}}`) or the version list
 * (`GET /`: `{"versions": [...]}`), returning the v2.1 API's microversion range.
 */
export function parseComputeVersionDocument(body: unknown): ComputeVersion {
  if (!isObject(body)) throw new MalformedResponse('compute version document is not an object');
  const toVersion = (v: JsonObject): ComputeVersion => ({
    id: optStr(v, 'id') ?? '',
    status: optStr(v, 'status'),
    minVersion: optStr(v, 'min_version') ?? '',
    maxVersion: optStr(v, 'version') ?? '',
  });
  if (isObject(body['version'])) return toVersion(body['version']);
  const list = body['versions'];
  if (Array.isArray(list)) {
    const versions = list.filter(isObject).map(toVersion);
    // Prefer the microversioned API; a list may also carry the deprecated v2.0 with an empty range.
    const withRange = versions.filter((v) => parseMicroversion(v.maxVersion) !== undefined);
    const best =
      withRange.find((v) => v.id === 'v2.1') ??
      withRange.find((v) => v.status === 'CURRENT') ??
      withRange.sort((a, b) => compareMicroversions(b.maxVersion, a.maxVersion))[0];
    if (best) return best;
    const [first] = versions;
    if (first) return first;
  }
  throw new MalformedResponse('compute version document has neither "version" nor "versions"');
}

export type NegotiationResult = { ok: true; microversion: string } | { ok: false; reason: string };

/**
 * Chooses the microversion to speak: the preferred one capped by what the server supports, or the pinned
 * one if the operator set `OS_COMPUTE_API_VERSION`. Fails when the server cannot reach our minimum.
 */
export function negotiateMicroversion(
  server: Pick<ComputeVersion, 'minVersion' | 'maxVersion'>,
  wanted: { min: string; preferred: string; pinned?: string },
): NegotiationResult {
  const max = parseMicroversion(server.maxVersion) ? server.maxVersion : undefined;
  const min = parseMicroversion(server.minVersion) ? server.minVersion : '2.1';
  if (!max) {
    return {
      ok: false,
      reason: `the compute API announces no microversions (legacy v2.0); at least ${wanted.min} is needed (server tags)`,
    };
  }
  if (compareMicroversions(max, wanted.min) < 0) {
    return { ok: false, reason: `the compute API supports microversions ${min} to ${max}; at least ${wanted.min} is needed (server tags)` };
  }
  if (wanted.pinned) {
    if (compareMicroversions(wanted.pinned, wanted.min) < 0) {
      return { ok: false, reason: `the pinned compute microversion ${wanted.pinned} is below the ${wanted.min} this client needs` };
    }
    if (compareMicroversions(wanted.pinned, min) < 0 || compareMicroversions(wanted.pinned, max) > 0) {
      return { ok: false, reason: `the pinned compute microversion ${wanted.pinned} is outside the server's ${min} to ${max}` };
    }
    return { ok: true, microversion: wanted.pinned };
  }
  let chosen = compareMicroversions(max, wanted.preferred) < 0 ? max : wanted.preferred;
  // A cloud that dropped old microversions: speak its oldest; our parsers tolerate newer bodies.
  if (compareMicroversions(chosen, min) < 0) chosen = min;
  return { ok: true, microversion: chosen };
}
