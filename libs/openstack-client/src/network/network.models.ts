import { arrayField, asObject, field, optBool, optDate, optNum, optStr, str, stringArray } from '../http/json';
import { nextLink, type Page } from '../http/pagination';

export interface Network {
  id: string;
  name: string;
  /** `ACTIVE`, `DOWN`, `BUILD` or `ERROR`. */
  status: string;
  shared: boolean;
  /** `router:external`: a provider network floating IPs come from. */
  external: boolean;
  /** Subnet ids. */
  subnets: string[];
  projectId?: string;
  adminStateUp: boolean;
  mtu?: number;
  description?: string;
  createdAt?: Date;
  updatedAt?: Date;
}

export interface ListNetworksFilter {
  /** Exact name. */
  name?: string;
  shared?: boolean;
  external?: boolean;
  projectId?: string;
  status?: string;
  /** Page size asked of Neutron; every page is fetched anyway. */
  pageSize?: number;
}

export function parseNetwork(raw: unknown): Network {
  const n = asObject(raw, 'network');
  return {
    id: str(n, 'id', 'network'),
    name: optStr(n, 'name') ?? '',
    status: optStr(n, 'status') ?? 'UNKNOWN',
    shared: optBool(n, 'shared') ?? false,
    external: optBool(n, 'router:external') ?? false,
    subnets: stringArray(n, 'subnets'),
    projectId: optStr(n, 'project_id') ?? optStr(n, 'tenant_id'),
    adminStateUp: optBool(n, 'admin_state_up') ?? true,
    mtu: optNum(n, 'mtu'),
    description: optStr(n, 'description'),
    createdAt: optDate(n, 'created_at', 'network'),
    updatedAt: optDate(n, 'updated_at', 'network'),
  };
}

export function parseNetworkBody(body: unknown): Network {
  return parseNetwork(field(body, 'network', 'body'));
}

/** `GET /v2.0/networks`; `networks_links` appears only when the caller paginates. */
export function parseNetworkPage(body: unknown): Page<Network> {
  const o = asObject(body, 'body');
  return { items: arrayField(o, 'networks', 'body').map(parseNetwork), next: nextLink(o['networks_links']) };
}
