import { ApiError, type RequestContext } from '../../http/exchange';
import { MIN_MINOR, formatMicroversion } from './microversions';

/** The two headers a Nova client may ask for a microversion in; the versions with a meaning are named in `microversions.ts`. */
export const VERSION_HEADERS = {
  modern: 'openstack-api-version',
  legacy: 'x-openstack-nova-api-version',
} as const;

export type MicroversionRequest =
  | { kind: 'ok'; minor: number }
  | { kind: 'malformed'; error: ApiError }
  | { kind: 'unsupported'; raw: string; error: ApiError };

/**
 * The microversion asked for, as Nova reads it: `OpenStack-API-Version: compute X` wins over the legacy
 * `X-OpenStack-Nova-API-Version`; none means 2.1; `latest` means the maximum. A malformed version is a 400 (answered
 * without microversion headers), one outside 2.1..max a 406 (whose headers echo the version asked for).
 */
export function readMicroversion(ctx: RequestContext, maxMinor: number): MicroversionRequest {
  const raw = fromModernHeader(ctx.header(VERSION_HEADERS.modern)) ?? ctx.header(VERSION_HEADERS.legacy)?.trim();
  if (raw === undefined || raw === '') return { kind: 'ok', minor: MIN_MINOR };
  if (raw.toLowerCase() === 'latest') return { kind: 'ok', minor: maxMinor };
  const match = /^(\d+)\.(\d+)$/.exec(raw);
  if (!match) {
    return {
      kind: 'malformed',
      error: new ApiError(400, `API Version String ${raw} is of invalid format. Must be of format MajorNum.MinorNum.`),
    };
  }
  const major = Number(match[1]);
  const minor = Number(match[2]);
  if (major !== 2 || minor < MIN_MINOR || minor > maxMinor) {
    return {
      kind: 'unsupported',
      raw,
      error: new ApiError(
        406,
        `Version ${raw} is not supported by the API. Minimum is ${formatMicroversion(MIN_MINOR)} and maximum is ${formatMicroversion(maxMinor)}.`,
      ),
    };
  }
  return { kind: 'ok', minor };
}

/** `OpenStack-API-Version` may name several services (`compute 2.60, volume 3.1`); only `compute` counts here. */
function fromModernHeader(value: string | undefined): string | undefined {
  if (!value) return undefined;
  for (const part of value.split(',')) {
    const [service, version] = part.trim().split(/\s+/, 2);
    if (service?.toLowerCase() === 'compute' && version) return version;
  }
  return undefined;
}

/** What every answer of a `/v2.1` API method carries, errors included: the version it was answered at. */
export function microversionHeaders(version: string): Record<string, string> {
  return {
    'OpenStack-API-Version': `compute ${version}`,
    'X-OpenStack-Nova-API-Version': version,
    Vary: 'OpenStack-API-Version, X-OpenStack-Nova-API-Version',
  };
}
