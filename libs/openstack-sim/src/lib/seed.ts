import { createHash } from 'node:crypto';

/** Nova's per-project compute quotas that the simulator enforces (`-1` = unlimited). */
export interface ComputeQuotas {
  instances: number;
  cores: number;
  /** MiB */
  ram: number;
}

export interface SeedDomain {
  id: string;
  name: string;
}

export interface SeedProject {
  /** Defaults to a stable 32-hex id derived from the name, like Keystone's ids. */
  id?: string;
  name: string;
  /** Domain id; `default` when omitted. */
  domain?: string;
  description?: string;
}

export interface SeedRoleAssignment {
  /** Project name or id. */
  project: string;
  /** Role name. */
  role: string;
}

export interface SeedUser {
  id?: string;
  name: string;
  password: string;
  domain?: string;
  email?: string;
  /** Project name or id used when a password auth request has no scope. */
  defaultProject?: string;
  roles: SeedRoleAssignment[];
}

export interface SeedApplicationCredential {
  id?: string;
  name: string;
  secret: string;
  /** User name or id. */
  user: string;
  /** Project name or id the credential is scoped to. */
  project: string;
  /** Role names delegated; defaults to all the user's roles on the project. */
  roles?: string[];
  /** ISO instant, or null for never. */
  expiresAt?: string | null;
}

export interface SeedFlavor {
  id: string;
  name: string;
  vcpus: number;
  /** MiB */
  ram: number;
  /** GiB */
  disk: number;
  ephemeral?: number;
  swap?: number;
  rxtxFactor?: number;
  isPublic?: boolean;
  description?: string | null;
  extraSpecs?: Record<string, string>;
}

export interface SeedImage {
  id?: string;
  name: string;
  visibility?: 'public' | 'private' | 'shared' | 'community';
  /** Owning project name or id; the `admin` project when omitted. */
  owner?: string;
  diskFormat?: string;
  containerFormat?: string;
  /** bytes */
  size: number;
  minDisk?: number;
  minRam?: number;
  /** Additional (free-form) image properties, shown at the top level as Glance does. */
  properties?: Record<string, string>;
}

export interface SeedNetwork {
  id?: string;
  name: string;
  /** Owning project name or id; the `admin` project when omitted. */
  project?: string;
  shared?: boolean;
  external?: boolean;
  /** IPv4 subnet servers get their fixed addresses from. */
  cidr: string;
  mtu?: number;
}

/** An Octavia pool of a seeded load balancer (no listener: members are what the simulator is for). */
export interface SeedPool {
  id?: string;
  name: string;
  /** Default `HTTP`. */
  protocol?: string;
  /** Default `ROUND_ROBIN`. */
  lbAlgorithm?: string;
  /** An HTTP health monitor (`GET /`, every 5 s) checks its members; default true. Without one they are `NO_MONITOR`. */
  healthMonitor?: boolean;
}

/** An Octavia load balancer, ACTIVE from the start, its VIP taken from a seeded network's subnet. */
export interface SeedLoadBalancer {
  id?: string;
  name: string;
  /** Owning project name or id; the `admin` project when omitted. */
  project?: string;
  /** Name or id of the network whose subnet holds the VIP. */
  network: string;
  description?: string;
  pools: SeedPool[];
}

export interface SeedKeypair {
  name: string;
  /** User name or id owning it (keypairs belong to users, not projects). */
  user: string;
  /** OpenSSH public key (`ssh-ed25519 AAAA… comment`). */
  publicKey: string;
}

/** The initial state of the simulated cloud. Every key is replaced as a whole when given in `SimulatorOptions.seed` (see `SeedInput`). */
export interface SimSeed {
  region: string;
  domains: SeedDomain[];
  projects: SeedProject[];
  /** Role names. `admin` implies `member` implies `reader`, as `keystone-manage bootstrap` sets up. */
  roles: string[];
  users: SeedUser[];
  applicationCredentials: SeedApplicationCredential[];
  flavors: SeedFlavor[];
  images: SeedImage[];
  networks: SeedNetwork[];
  keypairs: SeedKeypair[];
  loadBalancers: SeedLoadBalancer[];
  /** Default quotas of every project. */
  quotas: ComputeQuotas;
  /** Per-project overrides, keyed by project name or id. */
  projectQuotas: Record<string, Partial<ComputeQuotas>>;
}

/** The seed's lists, which `SeedInput.add` can extend. */
export type SeedListKey = {
  [K in keyof SimSeed]: SimSeed[K] extends readonly unknown[] ? K : never;
}[keyof SimSeed];

/**
 * A seed as given to the simulator: each key of `SimSeed` given replaces the default's as a whole, and `add` appends
 * entries to a list (the given one, or the default's), e.g. one more network beside the demo cloud's.
 */
export type SeedInput = Partial<SimSeed> & { add?: Partial<Pick<SimSeed, SeedListKey>> };

/** The seed a simulator starts from: the demo cloud, with the input's keys replaced and its `add` entries appended. */
export function resolveSeed(input: SeedInput = {}): SimSeed {
  const { add = {}, ...replaced } = input;
  const seed: SimSeed = { ...defaultSeed(), ...replaced };
  for (const key of Object.keys(add) as SeedListKey[]) appendTo(seed, key, add[key] ?? []);
  return seed;
}

function appendTo<K extends SeedListKey>(seed: SimSeed, key: K, entries: SimSeed[K]): void {
  seed[key] = [...seed[key], ...entries] as SimSeed[K];
}

/**
 * A stable id for a seeded object: the same name always gets the same id, so ids can be printed in docs
 * and survive restarts, while looking like Keystone's 32-hex ids.
 */
export function stableHexId(kind: string, name: string): string {
  return createHash('sha256').update(`${kind}:${name}`).digest('hex').slice(0, 32);
}

/** The UUID-shaped variant used by Glance, Neutron and Nova. */
export function stableUuid(kind: string, name: string): string {
  const h = stableHexId(kind, name);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The demo cloud: the same users, projects and names as our real-cloud harness (devstack-like). */
export function defaultSeed(): SimSeed {
  return {
    region: 'RegionOne',
    domains: [{ id: 'default', name: 'Default' }],
    projects: [
      { name: 'admin', description: 'Bootstrap project for initializing the cloud.' },
      { name: 'demo', description: 'Demo project' },
      { name: 'service', description: 'Service project' },
    ],
    roles: ['admin', 'member', 'reader', 'service'],
    users: [
      {
        name: 'admin',
        password: 'secret',
        defaultProject: 'admin',
        roles: [
          { project: 'admin', role: 'admin' },
          { project: 'demo', role: 'admin' },
        ],
      },
      { name: 'demo', password: 'secret', defaultProject: 'demo', roles: [{ project: 'demo', role: 'member' }] },
      { name: 'viewer', password: 'secret', defaultProject: 'admin', roles: [{ project: 'admin', role: 'reader' }] },
    ],
    applicationCredentials: [
      { id: stableHexId('application_credential', 'demo-app'), name: 'demo-app', secret: 'secret', user: 'demo', project: 'demo' },
    ],
    // devstack's ids and sizes (devstack creates them with `openstack flavor create --id N`).
    flavors: [
      { id: '1', name: 'm1.tiny', vcpus: 1, ram: 512, disk: 1 },
      { id: '2', name: 'm1.small', vcpus: 1, ram: 2048, disk: 20 },
      { id: '3', name: 'm1.medium', vcpus: 2, ram: 4096, disk: 40 },
      { id: '4', name: 'm1.large', vcpus: 4, ram: 8192, disk: 80 },
      { id: '5', name: 'm1.xlarge', vcpus: 8, ram: 16384, disk: 160 },
    ],
    images: [
      // devstack uploads images with openstacksdk, which records these `owner_specified.*` properties.
      {
        name: 'cirros-0.6.2-x86_64-disk',
        size: 21430272,
        properties: { 'owner_specified.openstack.object': 'images/cirros-0.6.2-x86_64-disk' },
      },
      {
        name: 'ubuntu-24.04',
        size: 614203392,
        minDisk: 3,
        properties: { 'owner_specified.openstack.object': 'images/ubuntu-24.04', os_distro: 'ubuntu', os_version: '24.04' },
      },
    ],
    networks: [
      { name: 'private', project: 'demo', cidr: '10.0.0.0/24', mtu: 1450 },
      { name: 'public', project: 'admin', shared: true, external: true, cidr: '172.24.4.0/24' },
    ],
    keypairs: [],
    // What a project fronting its servers with Octavia has: a VIP on its private subnet, one HTTP pool with a monitor.
    loadBalancers: [{ name: 'web-lb', project: 'demo', network: 'private', pools: [{ name: 'web-pool' }] }],
    quotas: { instances: 10, cores: 20, ram: 51200 },
    projectQuotas: {},
  };
}
