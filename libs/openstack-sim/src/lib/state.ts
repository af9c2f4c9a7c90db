import { createHash, randomUUID } from 'node:crypto';
import { randomBytesFromPool } from './entropy';
import { type ComputeQuotas, type SeedLoadBalancer, type SimSeed, stableHexId, stableUuid } from './seed';

export interface Domain {
  id: string;
  name: string;
}

export interface Project {
  id: string;
  name: string;
  domainId: string;
  description: string;
}

export interface Role {
  id: string;
  name: string;
}

export interface User {
  id: string;
  name: string;
  domainId: string;
  password: string;
  email: string | null;
  defaultProjectId: string | null;
}

export interface RoleAssignment {
  userId: string;
  projectId: string;
  roleId: string;
}

export interface ApplicationCredential {
  id: string;
  name: string;
  secret: string;
  description: string | null;
  /** As given at creation; Keystone shows `null` when it was not. */
  unrestricted: boolean | null;
  userId: string;
  projectId: string;
  roleIds: string[];
  /** epoch ms, or null for never */
  expiresAt: number | null;
}

export interface Token {
  id: string;
  userId: string;
  /** Unscoped tokens have none. */
  projectId: string | null;
  /** Effective roles on the project, implied roles included (as Keystone lists them). */
  roleIds: string[];
  methods: string[];
  issuedAt: number;
  expiresAt: number;
  auditId: string;
  applicationCredentialId: string | null;
  /** The trust a trust-scoped token was issued from; the token dies with it. */
  trustId: string | null;
}

/** A Keystone trust (OS-TRUST): the trustor delegates roles on a project to the trustee. */
export interface Trust {
  id: string;
  trustorUserId: string;
  trusteeUserId: string;
  projectId: string;
  /** The delegated roles as asked (implied ones are added in trust-scoped tokens). */
  roleIds: string[];
  impersonation: boolean;
  /** epoch ms, or null for never */
  expiresAt: number | null;
  /** 0 unless redelegation was allowed. */
  redelegationCount: number;
  /** null = unlimited; each trust-scoped token issued uses one. */
  remainingUses: number | null;
}

export interface Flavor {
  id: string;
  name: string;
  vcpus: number;
  ram: number;
  disk: number;
  ephemeral: number;
  swap: number;
  rxtxFactor: number;
  isPublic: boolean;
  description: string | null;
  extraSpecs: Record<string, string>;
  /** Projects given access to a private flavor. */
  accessProjectIds: string[];
}

export interface Image {
  id: string;
  name: string;
  status: string;
  visibility: string;
  ownerId: string;
  diskFormat: string;
  containerFormat: string;
  size: number;
  minDisk: number;
  minRam: number;
  checksum: string;
  hashValue: string;
  createdAt: number;
  updatedAt: number;
  tags: string[];
  properties: Record<string, string>;
}

export interface Network {
  id: string;
  name: string;
  projectId: string;
  shared: boolean;
  external: boolean;
  mtu: number;
  cidr: string;
  subnetId: string;
  createdAt: number;
  /** Host numbers (offsets in the CIDR) handed out to servers. */
  allocated: Set<number>;
}

export interface Keypair {
  id: number;
  name: string;
  userId: string;
  publicKey: string;
  fingerprint: string;
  createdAt: number;
}

/** A Nova server group (2.64's form: one policy and its rules). */
export interface ServerGroup {
  id: string;
  name: string;
  policy: 'affinity' | 'anti-affinity' | 'soft-affinity' | 'soft-anti-affinity';
  /** Only anti-affinity has rules: `max_server_per_host`. */
  rules: Record<string, number>;
  /** Server ids, in the order they joined; servers whose deletion ended are left out when shown. */
  members: string[];
  projectId: string;
  userId: string;
}

/** A Neutron security group; the rules are not simulated beyond the default ones shown. */
export interface SecurityGroup {
  id: string;
  name: string;
  description: string;
  projectId: string;
  stateful: boolean;
  createdAt: number;
}

/** A Cinder volume type; the simulator has Cinder's `__DEFAULT__` one. */
export interface VolumeType {
  id: string;
  name: string;
  description: string;
}

/** A Cinder volume: here only the boot volumes Nova makes from an image for servers booted from volume. */
export interface Volume {
  id: string;
  name: string;
  size: number;
  projectId: string;
  userId: string;
  volumeTypeId: string;
  /** The image it was made from. */
  imageId: string | null;
  /** `in-use` while attached to its server, `available` once the server is gone. */
  attachedServerId: string | null;
  /** Whether Nova deletes it with the server. */
  deleteOnTermination: boolean;
  createdAt: number;
  updatedAt: number;
}

/** What Octavia shows of an object's health: `NO_MONITOR` for members of a pool without a health monitor. */
export type LbOperatingStatus = 'ONLINE' | 'OFFLINE' | 'DEGRADED' | 'ERROR' | 'NO_MONITOR' | 'DRAINING';

/** A change the amphorae are being given: the object shows it as its provisioning status until the load balancer settles. */
export type LbPendingStatus = 'PENDING_CREATE' | 'PENDING_UPDATE' | 'PENDING_DELETE';

/** An Octavia load balancer (amphora provider), its VIP on a seeded network's subnet. */
export interface LoadBalancer {
  id: string;
  name: string;
  description: string;
  projectId: string;
  vipAddress: string;
  vipNetworkId: string;
  vipSubnetId: string;
  vipPortId: string;
  tags: string[];
  createdAt: number;
  updatedAt: number;
  /** Until when it is `PENDING_UPDATE` (a member change being applied, or a hold from `/_sim`); ACTIVE after. */
  busyUntil: number;
}

export interface LbPool {
  id: string;
  name: string;
  description: string;
  loadBalancerId: string;
  projectId: string;
  protocol: string;
  lbAlgorithm: string;
  tags: string[];
  createdAt: number;
  updatedAt: number;
  /** Whether the load balancer's pending change touches this pool (then it is `PENDING_UPDATE` too). */
  busy: boolean;
}

export interface LbMember {
  id: string;
  poolId: string;
  projectId: string;
  name: string;
  address: string;
  protocolPort: number;
  subnetId: string | null;
  weight: number;
  backup: boolean;
  adminStateUp: boolean;
  monitorAddress: string | null;
  monitorPort: number | null;
  tags: string[];
  createdAt: number;
  updatedAt: number;
  /** The change being applied to it; gone (PENDING_DELETE: the member with it) when its load balancer settles. */
  pending: LbPendingStatus | null;
  /** Set through `/_sim`: shown instead of what the health monitor finds. */
  forcedOperatingStatus: LbOperatingStatus | null;
}

export interface LbHealthMonitor {
  id: string;
  poolId: string;
  projectId: string;
  name: string;
  type: string;
  delay: number;
  timeout: number;
  maxRetries: number;
  maxRetriesDown: number;
  httpMethod: string;
  urlPath: string;
  expectedCodes: string;
  createdAt: number;
  updatedAt: number;
}

export interface ServerAddress {
  /** The Neutron port holding the address (Nova makes one per requested network). */
  portId: string;
  networkId: string;
  networkName: string;
  addr: string;
  mac: string;
  hostNumber: number;
}

export interface Server {
  id: string;
  name: string;
  projectId: string;
  userId: string;
  /** A copy taken at create time, as Nova embeds it (later flavor changes or deletion do not affect the server). */
  flavor: Flavor;
  imageId: string;
  addresses: ServerAddress[];
  metadata: Record<string, string>;
  tags: string[];
  keyName: string | null;
  /** The zone asked for at create time, if any. */
  requestedZone: string | null;
  description: string | null;
  userData: string | null;
  accessIPv4: string;
  accessIPv6: string;
  diskConfig: string;
  /** Names as given on create (Nova shows names); `default` when none were. */
  securityGroups: string[];
  configDrive: boolean;
  /** The server group it joined through the `group` scheduler hint. */
  serverGroupId: string | null;
  /** Attached volumes: the boot volume of a server booted from volume (whose `imageId` is then empty, as Nova shows it). */
  volumesAttached: { id: string; deleteOnTermination: boolean }[];
  reservationId: string;
  launchIndex: number;
  instanceName: string;
  hostname: string;
  adminPass: string;
  createdAt: number;
  /** When BUILD ends (with `outcome`). */
  buildDoneAt: number;
  outcome: 'ACTIVE' | 'ERROR';
  faultMessage: string | null;
  /** Last change made through the API (metadata, tags, name...). */
  changedAt: number;
  deleteRequestedAt: number | null;
  /** When the deletion ends: from then on the server is `DELETED`. */
  goneAt: number | null;
  /** Until when a deleted server is still listed (as `DELETED`, see `deletedListedMs`); `goneAt` when not at all. */
  listedUntil: number | null;
}

/** The lifecycle phase of a server at a given instant; computed, so no timer is needed to move servers along. */
export type ServerPhase = 'building' | 'active' | 'error' | 'deleting' | 'deleted' | 'gone';

export function serverPhase(server: Server, now: number): ServerPhase {
  if (server.goneAt !== null && now >= server.goneAt) return now >= (server.listedUntil ?? server.goneAt) ? 'gone' : 'deleted';
  if (server.deleteRequestedAt !== null) return 'deleting';
  if (!buildFinished(server, now)) return 'building';
  return server.outcome === 'ACTIVE' ? 'active' : 'error';
}

/** Whether the build has ended (in `outcome`); a delete during BUILD stops it for good. */
export function buildFinished(server: Server, now: number): boolean {
  return now >= server.buildDoneAt && (server.deleteRequestedAt === null || server.deleteRequestedAt >= server.buildDoneAt);
}

/** `updated` as Nova reports it: the last state change, whether made by a call or by the passing of time. */
export function serverUpdatedAt(server: Server, now: number): number {
  const times = [server.createdAt, server.changedAt];
  if (buildFinished(server, now)) times.push(server.buildDoneAt);
  if (server.deleteRequestedAt !== null) times.push(server.deleteRequestedAt);
  return Math.max(...times);
}

/** Glance's visibility as it applies to a project: public and community images, plus the project's own. */
export function imageVisibleTo(image: Image, projectId: string | undefined, isAdmin: boolean): boolean {
  return isAdmin || image.visibility === 'public' || image.visibility === 'community' || image.ownerId === projectId;
}

/** Neutron's visibility: the project's networks, shared ones and external ones; admins see all. */
export function networkVisibleTo(network: Network, projectId: string | undefined, isAdmin: boolean): boolean {
  return isAdmin || network.shared || network.external || network.projectId === projectId;
}

export class SeedError extends Error {}

/** `admin` implies `member` implies `reader` (keystone-manage bootstrap's implied roles). */
const IMPLIED_ROLES: Record<string, string[]> = { admin: ['member'], member: ['reader'] };

/** The whole in-memory cloud. Plain data plus lookups; the HTTP services implement the API rules on top. */
export class SimState {
  readonly region: string;
  readonly domains = new Map<string, Domain>();
  readonly projects = new Map<string, Project>();
  readonly roles = new Map<string, Role>();
  readonly users = new Map<string, User>();
  readonly assignments: RoleAssignment[] = [];
  readonly applicationCredentials = new Map<string, ApplicationCredential>();
  readonly tokens = new Map<string, Token>();
  readonly trusts = new Map<string, Trust>();
  readonly flavors = new Map<string, Flavor>();
  readonly images = new Map<string, Image>();
  readonly networks = new Map<string, Network>();
  readonly servers = new Map<string, Server>();
  readonly serverGroups = new Map<string, ServerGroup>();
  readonly securityGroups = new Map<string, SecurityGroup>();
  readonly volumeTypes = new Map<string, VolumeType>();
  readonly volumes = new Map<string, Volume>();
  readonly loadBalancers = new Map<string, LoadBalancer>();
  readonly lbPools = new Map<string, LbPool>();
  /** Members in creation order (batch updates and listings keep it). */
  readonly lbMembers = new Map<string, LbMember>();
  readonly healthMonitors = new Map<string, LbHealthMonitor>();
  keypairs: Keypair[] = [];
  defaultQuotas: ComputeQuotas;
  readonly projectQuotas = new Map<string, Partial<ComputeQuotas>>();
  /** Cinder's `gigabytes` quota (reported, not enforced; -1 = unlimited): the default and per-project overrides. */
  defaultVolumeGigabytes = 1000;
  readonly projectVolumeGigabytes = new Map<string, number>();
  private instanceCounter = 0;

  constructor(seed: SimSeed, now: number) {
    this.region = seed.region;
    for (const d of seed.domains) this.domains.set(d.id, { id: d.id, name: d.name });
    if (this.domains.size === 0) throw new SeedError('the seed needs at least one domain');
    for (const p of seed.projects) {
      const project: Project = {
        id: p.id ?? stableHexId('project', p.name),
        name: p.name,
        domainId: this.requireDomain(p.domain ?? 'default').id,
        description: p.description ?? '',
      };
      this.projects.set(project.id, project);
    }
    for (const name of seed.roles) this.roles.set(stableHexId('role', name), { id: stableHexId('role', name), name });
    for (const u of seed.users) {
      const domainId = this.requireDomain(u.domain ?? 'default').id;
      const user: User = {
        id: u.id ?? stableHexId('user', `${domainId}/${u.name}`),
        name: u.name,
        domainId,
        password: u.password,
        email: u.email ?? null,
        defaultProjectId: u.defaultProject ? this.requireProject(u.defaultProject).id : null,
      };
      this.users.set(user.id, user);
      for (const a of u.roles) {
        this.assignments.push({ userId: user.id, projectId: this.requireProject(a.project).id, roleId: this.requireRole(a.role).id });
      }
    }
    for (const c of seed.applicationCredentials) {
      const user = this.findUser(c.user);
      if (!user) throw new SeedError(`application credential '${c.name}': unknown user '${c.user}'`);
      const project = this.requireProject(c.project);
      const roleIds = c.roles ? c.roles.map((r) => this.requireRole(r).id) : this.directRoleIds(user.id, project.id);
      if (roleIds.length === 0) throw new SeedError(`application credential '${c.name}': user has no role on '${c.project}'`);
      const credential: ApplicationCredential = {
        id: c.id ?? stableHexId('application_credential', `${user.id}/${c.name}`),
        name: c.name,
        secret: c.secret,
        description: null,
        unrestricted: null,
        userId: user.id,
        projectId: project.id,
        roleIds,
        expiresAt: c.expiresAt ? Date.parse(c.expiresAt) : null,
      };
      this.applicationCredentials.set(credential.id, credential);
    }
    for (const f of seed.flavors) {
      this.flavors.set(f.id, {
        id: f.id,
        name: f.name,
        vcpus: f.vcpus,
        ram: f.ram,
        disk: f.disk,
        ephemeral: f.ephemeral ?? 0,
        swap: f.swap ?? 0,
        rxtxFactor: f.rxtxFactor ?? 1.0,
        isPublic: f.isPublic ?? true,
        description: f.description ?? null,
        extraSpecs: { ...(f.extraSpecs ?? {}) },
        accessProjectIds: [],
      });
    }
    for (const i of seed.images) {
      const image: Image = {
        id: i.id ?? stableUuid('image', i.name),
        name: i.name,
        status: 'active',
        visibility: i.visibility ?? 'public',
        ownerId: this.requireProject(i.owner ?? 'admin').id,
        diskFormat: i.diskFormat ?? 'qcow2',
        containerFormat: i.containerFormat ?? 'bare',
        size: i.size,
        minDisk: i.minDisk ?? 0,
        minRam: i.minRam ?? 0,
        checksum: createHash('md5').update(i.name).digest('hex'),
        hashValue: createHash('sha512').update(i.name).digest('hex'),
        createdAt: now,
        updatedAt: now,
        tags: [],
        properties: { ...(i.properties ?? {}) },
      };
      this.images.set(image.id, image);
    }
    for (const n of seed.networks) {
      parseCidr(n.cidr); // fail at start-up, not at the first server create
      const network: Network = {
        id: n.id ?? stableUuid('network', n.name),
        name: n.name,
        projectId: this.requireProject(n.project ?? 'admin').id,
        shared: n.shared ?? false,
        external: n.external ?? false,
        mtu: n.mtu ?? 1500,
        cidr: n.cidr,
        subnetId: stableUuid('subnet', n.name),
        createdAt: now,
        allocated: new Set(),
      };
      this.networks.set(network.id, network);
    }
    for (const k of seed.keypairs) {
      const user = this.findUser(k.user);
      if (!user) throw new SeedError(`keypair '${k.name}': unknown user '${k.user}'`);
      const blob = Buffer.from(k.publicKey.split(' ')[1] ?? '', 'base64');
      const fingerprint = createHash('md5').update(blob).digest('hex').match(/../g)?.join(':') ?? '';
      this.keypairs.push({
        id: this.keypairs.length + 1,
        name: k.name,
        userId: user.id,
        publicKey: k.publicKey,
        fingerprint,
        createdAt: now,
      });
    }
    for (const lb of seed.loadBalancers) this.seedLoadBalancer(lb, now);
    const defaultType: VolumeType = {
      id: stableUuid('volume-type', '__DEFAULT__'),
      name: '__DEFAULT__',
      description: 'Default Volume Type',
    };
    this.volumeTypes.set(defaultType.id, defaultType);
    this.defaultQuotas = { ...seed.quotas };
    for (const [ref, quotas] of Object.entries(seed.projectQuotas)) {
      this.projectQuotas.set(this.requireProject(ref).id, { ...quotas });
    }
  }

  // ---- identity lookups ----

  findProject(ref: string, domainId?: string): Project | undefined {
    const byId = this.projects.get(ref);
    if (byId && (domainId === undefined || byId.domainId === domainId)) return byId;
    for (const p of this.projects.values()) if (p.name === ref && (domainId === undefined || p.domainId === domainId)) return p;
    return undefined;
  }

  findDomain(ref: { id?: unknown; name?: unknown }): Domain | undefined {
    if (typeof ref.id === 'string') return this.domains.get(ref.id);
    if (typeof ref.name === 'string') for (const d of this.domains.values()) if (d.name === ref.name) return d;
    return undefined;
  }

  findUser(ref: string, domainId?: string): User | undefined {
    const byId = this.users.get(ref);
    if (byId) return byId;
    for (const u of this.users.values()) if (u.name === ref && (domainId === undefined || u.domainId === domainId)) return u;
    return undefined;
  }

  roleByName(name: string): Role | undefined {
    for (const r of this.roles.values()) if (r.name === name) return r;
    return undefined;
  }

  /** Roles assigned to the user on the project, without implied ones. */
  directRoleIds(userId: string, projectId: string): string[] {
    return this.assignments.filter((a) => a.userId === userId && a.projectId === projectId).map((a) => a.roleId);
  }

  /** The given roles plus every role they imply. */
  withImpliedRoles(roleIds: string[]): string[] {
    const result = new Set<string>();
    const visit = (roleId: string) => {
      if (result.has(roleId)) return;
      result.add(roleId);
      const role = this.roles.get(roleId);
      for (const impliedName of (role && IMPLIED_ROLES[role.name]) || []) {
        const implied = this.roleByName(impliedName);
        if (implied) visit(implied.id);
      }
    };
    roleIds.forEach(visit);
    return [...result];
  }

  /**
   * A valid token, or undefined: known, unexpired and, for a trust-scoped one, from a trust that still exists
   * and whose trustor still holds every delegated role (Keystone checks both whenever it validates the token).
   */
  validToken(id: string | undefined, now: number): Token | undefined {
    if (!id) return undefined;
    const token = this.tokens.get(id);
    if (!token) return undefined;
    if (token.expiresAt <= now) {
      this.tokens.delete(id);
      return undefined;
    }
    if (token.trustId !== null) {
      const trust = this.liveTrust(token.trustId, now, { ignoreUses: true });
      if (!trust || !this.trustorHoldsRoles(trust)) return undefined;
    }
    return token;
  }

  // ---- trusts ----

  /**
   * A trust Keystone still finds: not deleted, not expired and, unless `ignoreUses`, with uses left. An expired
   * trust is forgotten, as a deleted one.
   */
  liveTrust(id: string, now: number, options: { ignoreUses?: boolean } = {}): Trust | undefined {
    const trust = this.trusts.get(id);
    if (!trust) return undefined;
    if (trust.expiresAt !== null && trust.expiresAt <= now) {
      this.deleteTrust(id);
      return undefined;
    }
    if (!options.ignoreUses && trust.remainingUses !== null && trust.remainingUses <= 0) return undefined;
    return trust;
  }

  /** The roles a trust-scoped token carries: the delegated ones and the roles they imply. */
  effectiveTrustRoleIds(trust: Trust): string[] {
    return this.withImpliedRoles(trust.roleIds);
  }

  /** Whether the trustor still holds (directly or by implication) every role the trust's tokens would carry. */
  trustorHoldsRoles(trust: Trust): boolean {
    const held = new Set(this.withImpliedRoles(this.directRoleIds(trust.trustorUserId, trust.projectId)));
    return this.effectiveTrustRoleIds(trust).every((id) => held.has(id));
  }

  /** Deletes a trust and revokes every token issued from it. */
  deleteTrust(id: string): void {
    this.trusts.delete(id);
    for (const [tokenId, token] of this.tokens) if (token.trustId === id) this.tokens.delete(tokenId);
  }

  /** Forgets expired tokens, so long benchmarks do not grow the map without bound. */
  sweepTokens(now: number): void {
    for (const [id, token] of this.tokens) if (token.expiresAt <= now) this.tokens.delete(id);
  }

  // ---- compute ----

  quotasOf(projectId: string): ComputeQuotas {
    return { ...this.defaultQuotas, ...(this.projectQuotas.get(projectId) ?? {}) };
  }

  volumeGigabytesOf(projectId: string): number {
    return this.projectVolumeGigabytes.get(projectId) ?? this.defaultVolumeGigabytes;
  }

  /** The GiB of a project's volumes, as Cinder counts them against `gigabytes`. */
  volumeGigabytesUsed(projectId: string): number {
    let used = 0;
    for (const volume of this.volumes.values()) if (volume.projectId === projectId) used += volume.size;
    return used;
  }

  /** What a project's servers use right now; servers count until their deletion ends, as in Nova. */
  usageOf(projectId: string, now: number): ComputeQuotas {
    const usage: ComputeQuotas = { instances: 0, cores: 0, ram: 0 };
    for (const s of this.liveServers(now)) {
      if (s.projectId !== projectId || serverPhase(s, now) === 'deleted') continue;
      usage.instances += 1;
      usage.cores += s.flavor.vcpus;
      usage.ram += s.flavor.ram;
    }
    return usage;
  }

  /** Servers that still exist; forgets the ones whose deletion finished (and frees their addresses). */
  liveServers(now: number): Server[] {
    const live: Server[] = [];
    for (const server of this.servers.values()) {
      if (serverPhase(server, now) === 'gone') this.forgetServer(server);
      else live.push(server);
    }
    return live;
  }

  liveServer(id: string, now: number): Server | undefined {
    const server = this.servers.get(id);
    if (!server) return undefined;
    if (serverPhase(server, now) === 'gone') {
      this.forgetServer(server);
      return undefined;
    }
    return server;
  }

  /**
   * A project's security groups, making its `default` group first if it has none, as Neutron does on the project's
   * first security group call (or port).
   */
  securityGroupsOf(projectId: string, now: number): SecurityGroup[] {
    const own = [...this.securityGroups.values()].filter((g) => g.projectId === projectId);
    if (own.some((g) => g.name === 'default')) return own;
    const group: SecurityGroup = {
      id: stableUuid('security-group', `${projectId}/default`),
      name: 'default',
      description: 'Default security group',
      projectId,
      stateful: true,
      createdAt: now,
    };
    this.securityGroups.set(group.id, group);
    return [group, ...own];
  }

  nextInstanceName(): string {
    this.instanceCounter += 1;
    return `instance-${this.instanceCounter.toString(16).padStart(8, '0')}`;
  }

  /** A fixed IPv4 address on the network, on a new port, or undefined when its subnet is full. */
  allocateAddress(network: Network): ServerAddress | undefined {
    const { base, size } = parseCidr(network.cidr);
    // .0 is the network, .1 the gateway, .2 DHCP (as on devstack); the last one is broadcast.
    for (let host = 3; host < size - 1; host++) {
      if (network.allocated.has(host)) continue;
      network.allocated.add(host);
      const mac = `fa:16:3e:${[...randomBytesFromPool(3)].map((b) => b.toString(16).padStart(2, '0')).join(':')}`;
      return {
        portId: randomUUID(),
        networkId: network.id,
        networkName: network.name,
        addr: formatIpv4(base + host),
        mac,
        hostNumber: host,
      };
    }
    return undefined;
  }

  // ---- load balancers ----

  /** The pools of a load balancer, in creation order. */
  poolsOf(loadBalancerId: string): LbPool[] {
    return [...this.lbPools.values()].filter((p) => p.loadBalancerId === loadBalancerId);
  }

  healthMonitorOf(poolId: string): LbHealthMonitor | undefined {
    for (const monitor of this.healthMonitors.values()) if (monitor.poolId === poolId) return monitor;
    return undefined;
  }

  /**
   * Ends the pending change of every load balancer that is no longer busy: its pools and members are ACTIVE again
   * and the members being deleted are gone. Called before anything reads or changes them, so no timer is needed.
   */
  settleLoadBalancers(now: number): void {
    for (const lb of this.loadBalancers.values()) {
      if (lb.busyUntil > now) continue;
      for (const pool of this.poolsOf(lb.id)) {
        pool.busy = false;
        for (const member of this.lbMembers.values()) {
          if (member.poolId !== pool.id || member.pending === null) continue;
          if (member.pending === 'PENDING_DELETE') this.lbMembers.delete(member.id);
          else member.pending = null;
        }
      }
    }
  }

  private seedLoadBalancer(seed: SeedLoadBalancer, now: number): void {
    const network = this.networks.get(seed.network) ?? [...this.networks.values()].find((n) => n.name === seed.network);
    if (!network) throw new SeedError(`load balancer '${seed.name}': unknown network '${seed.network}'`);
    const vip = this.allocateAddress(network);
    if (!vip) throw new SeedError(`load balancer '${seed.name}': no address left on '${seed.network}'`);
    const projectId = this.requireProject(seed.project ?? 'admin').id;
    const lb: LoadBalancer = {
      id: seed.id ?? stableUuid('loadbalancer', seed.name),
      name: seed.name,
      description: seed.description ?? '',
      projectId,
      vipAddress: vip.addr,
      vipNetworkId: network.id,
      vipSubnetId: network.subnetId,
      vipPortId: stableUuid('port', `vip/${seed.name}`),
      tags: [],
      createdAt: now,
      updatedAt: now,
      busyUntil: now,
    };
    this.loadBalancers.set(lb.id, lb);
    for (const p of seed.pools) {
      const pool: LbPool = {
        id: p.id ?? stableUuid('pool', `${seed.name}/${p.name}`),
        name: p.name,
        description: '',
        loadBalancerId: lb.id,
        projectId,
        protocol: p.protocol ?? 'HTTP',
        lbAlgorithm: p.lbAlgorithm ?? 'ROUND_ROBIN',
        tags: [],
        createdAt: now,
        updatedAt: now,
        busy: false,
      };
      this.lbPools.set(pool.id, pool);
      if (p.healthMonitor === false) continue;
      const monitor: LbHealthMonitor = {
        id: stableUuid('healthmonitor', `${seed.name}/${p.name}`),
        poolId: pool.id,
        projectId,
        name: `${p.name}-monitor`,
        type: 'HTTP',
        delay: 5,
        timeout: 3,
        maxRetries: 2,
        maxRetriesDown: 3,
        httpMethod: 'GET',
        urlPath: '/',
        expectedCodes: '200',
        createdAt: now,
        updatedAt: now,
      };
      this.healthMonitors.set(monitor.id, monitor);
    }
  }

  private forgetServer(server: Server): void {
    for (const address of server.addresses) this.networks.get(address.networkId)?.allocated.delete(address.hostNumber);
    // Nova removes a deleted instance from its server groups, and detaches its volumes (deleting those it should).
    for (const group of this.serverGroups.values()) group.members = group.members.filter((id) => id !== server.id);
    for (const volume of this.volumes.values()) {
      if (volume.attachedServerId !== server.id) continue;
      if (volume.deleteOnTermination) this.volumes.delete(volume.id);
      else {
        volume.attachedServerId = null;
        volume.updatedAt = server.goneAt ?? volume.updatedAt;
      }
    }
    this.servers.delete(server.id);
  }

  private requireDomain(id: string): Domain {
    const domain = this.domains.get(id) ?? this.findDomain({ name: id });
    if (!domain) throw new SeedError(`unknown domain '${id}'`);
    return domain;
  }

  private requireProject(ref: string): Project {
    const project = this.findProject(ref);
    if (!project) throw new SeedError(`unknown project '${ref}'`);
    return project;
  }

  private requireRole(name: string): Role {
    const role = this.roleByName(name);
    if (!role) throw new SeedError(`unknown role '${name}'`);
    return role;
  }
}

function parseCidr(cidr: string): { base: number; size: number } {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  const octets = match?.slice(1, 5).map(Number) ?? [];
  const prefix = Number(match?.[5]);
  if (!match || octets.some((o) => o > 255) || prefix < 8 || prefix > 30) throw new SeedError(`invalid IPv4 CIDR '${cidr}'`);
  const size = 2 ** (32 - prefix);
  const address = octets.reduce((acc, o) => acc * 256 + o, 0);
  return { base: address - (address % size), size };
}

function formatIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}
