import type { EndpointInterface } from '../config/cloud-config';
import { OpenStackError, type ServiceType } from '../errors';
import type { CatalogService } from './identity.models';

export interface EndpointQuery {
  type: ServiceType;
  /** Other catalog types the service may be published under, tried in order when the catalog has none of `type`. */
  aliases?: readonly string[];
  interface: EndpointInterface;
  region?: string;
}

/**
 * The URL of a service in a token's catalog. With no region configured, a single region is used
 * as is; several regions with different URLs are ambiguous and fail with the list, so the operator
 * knows which `OS_REGION_NAME` to set.
 */
export function findEndpoint(catalog: readonly CatalogService[], query: EndpointQuery): string {
  const published = [query.type, ...(query.aliases ?? [])].find((type) => catalog.some((s) => s.type === type)) ?? query.type;
  const services = catalog.filter((s) => s.type === published);
  const candidates = services
    .flatMap((s) => s.endpoints)
    .filter((e) => e.interface === query.interface && (query.region === undefined || e.region === query.region));
  const urls = [...new Set(candidates.map((e) => e.url))];
  const [only] = urls;
  if (urls.length === 1 && only !== undefined) return only;

  const where = `${query.interface} ${published} endpoint${query.region ? ` in region ${query.region}` : ''}`;
  if (urls.length === 0) {
    const available = services.flatMap((s) => s.endpoints).map((e) => `${e.interface}@${e.region ?? '-'}`);
    throw new OpenStackError({
      service: query.type,
      status: 0,
      fault: 'EndpointNotFound',
      message: `The service catalog has no ${where}${
        available.length
          ? ` (it has ${[...new Set(available)].join(', ')})`
          : services.length
            ? ''
            : ` (no ${[query.type, ...(query.aliases ?? [])].join(' or ')} service at all)`
      }`,
    });
  }
  const regions = [...new Set(candidates.map((e) => e.region ?? '-'))];
  throw new OpenStackError({
    service: query.type,
    status: 0,
    fault: 'EndpointNotFound',
    message: `The service catalog has several ${where}s (regions ${regions.join(', ')}): set OS_REGION_NAME`,
  });
}
