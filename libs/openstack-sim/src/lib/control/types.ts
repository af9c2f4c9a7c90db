import type { ComputeQuotas } from '../seed';

/** `GET /_sim`: what is running and how much is in it. */
export interface SimStatus {
  /** Base URL as seen by the caller. */
  url: string;
  authUrl: string;
  endpoints: { identity: string; compute: string; image: string; network: string };
  /** Epoch ms (sub-ms precision) of the simulator's clock when answering. */
  now: number;
  counts: { servers: number; tokens: number; flavors: number; images: number; networks: number; requestsLogged: number };
}

/** A compact server for tests and benchmarks (`GET /_sim/servers`). */
export interface SimServerInfo {
  id: string;
  name: string;
  /** Nova status now: BUILD, ACTIVE, ERROR (a server being deleted keeps its status, with `deleting: true`). */
  status: string;
  deleting: boolean;
  projectId: string;
  projectName: string;
  userId: string;
  flavorId: string;
  flavorName: string;
  imageId: string;
  tags: string[];
  metadata: Record<string, string>;
  addresses: Record<string, string[]>;
  faultMessage: string | null;
  /** ISO instants (ms precision). */
  createdAt: string;
  /** When BUILD ends / ended. */
  buildDoneAt: string;
  deleteRequestedAt: string | null;
  /** When a deleted server disappears. */
  goneAt: string | null;
}

export interface SimServerFilter {
  /** Servers having every one of these tags (a comma-separated list in the query). */
  tag?: string | string[];
  /** Project name or id. */
  project?: string;
  status?: string;
  /** Exact name. */
  name?: string;
}

/** `GET /_sim/quotas`. */
export interface SimQuotaReport {
  defaults: ComputeQuotas;
  projects: { id: string; name: string; quotas: ComputeQuotas; usage: ComputeQuotas }[];
}

/** The body of a control API error. */
export interface SimControlError {
  error: string;
  problems?: string[];
}

/** A member as `GET /_sim/load-balancers` shows it. */
export interface SimMemberInfo {
  id: string;
  name: string;
  address: string;
  protocolPort: number;
  weight: number;
  provisioningStatus: string;
  operatingStatus: string;
  /** Whether `operatingStatus` was forced through `/_sim` rather than found by the fake health monitor. */
  forced: boolean;
}

/** A compact load balancer for tests (`GET /_sim/load-balancers`, and the answer to a hold). */
export interface SimLoadBalancerInfo {
  id: string;
  name: string;
  projectId: string;
  provisioningStatus: string;
  operatingStatus: string;
  /** ISO instant the pending change ends (in the past when ACTIVE). */
  busyUntil: string;
  pools: { id: string; name: string; healthMonitorId: string | null; members: SimMemberInfo[] }[];
}
