import { type RunningSimulator, startSimulator } from '@peak/openstack-sim';
import { type CallOptions, type HttpResult, type Json, call, joinUrl } from './http';

/**
 * Where the contract scenarios, the client checks and the product run: the simulator in-process on an ephemeral
 * port, or the real OpenStack harness (`../shared/real-openstack`). Everything a scenario needs to know about a
 * target is here; scenarios find endpoints in the token's catalog like any client.
 */
export type TargetKind = 'simulator' | 'real';

export type ServiceType = 'identity' | 'compute' | 'image' | 'network' | 'load-balancer';

export interface Credentials {
  username: string;
  password: string;
  project: string;
}

/** What exists on a target before any test runs (the simulator's seed, the harness's `up.sh`). */
export interface TargetFixtures {
  /** A public, active image small enough for `m1.tiny`. */
  imageName: string;
  /** `m1.tiny` (1 vCPU, 512 MiB, 1 GiB) on both. */
  flavorId: string;
  flavorName: string;
  /** Shared, external network admins may attach servers to. */
  publicNetwork: string;
  /** The demo project's own network. */
  privateNetwork: string;
  /** Nova's quota for instances in the admin project. */
  instanceQuota: number;
  /** Octavia: a load balancer of project demo on its private subnet, with one HTTP pool that has a health monitor. */
  loadBalancerName: string;
  poolName: string;
}

export interface CloudTarget {
  readonly kind: TargetKind;
  /** Keystone v3, e.g. `http://127.0.0.1:5050/v3`. */
  readonly authUrl: string;
  readonly region: string;
  readonly admin: Credentials;
  readonly fixtures: TargetFixtures;
  /** A project-scoped session (admin by default). */
  login(credentials?: Credentials): Promise<Session>;
  /** `OS_*` variables for the `openstack` CLI and the product, as `openrc` would set them. */
  osEnv(credentials?: Credentials): Record<string, string>;
  /** A user with only the `reader` role on the admin project (created on the real cloud, seeded in the simulator). */
  reader(): Promise<Credentials>;
  /**
   * The simulator only: keeps a load balancer `PENDING_UPDATE` for that long (0 releases it), as a slow amphora would.
   * The real cloud has no such knob; there a write right after another one meets a busy load balancer.
   */
  holdLoadBalancer?(id: string, seconds: number): Promise<void>;
  close(): Promise<void>;
}

/** The demo project's member, the same on both targets. */
export const DEMO: Credentials = { username: 'demo', password: 'secret', project: 'demo' };

/** Every name a test creates on a cloud starts with this, so leftovers of a crashed run can be found and removed. */
export const TEST_PREFIX = 'peak-cloudtest-';

/** Keystone, Nova, Glance and Neutron as the harness's `up.sh` describes them (README "Credentials"). */
export const REAL_CLOUD = {
  authUrl: process.env['REAL_OPENSTACK_AUTH_URL'] ?? 'http://127.0.0.1:5050/v3',
  region: 'RegionOne',
  admin: { username: 'admin', password: 'secret', project: 'admin' },
  fixtures: {
    imageName: 'cirros-tiny',
    flavorId: '1',
    flavorName: 'm1.tiny',
    publicNetwork: 'public',
    privateNetwork: 'private',
    instanceQuota: 10,
    // tools/cloud/octavia/up.sh's fixture (Octavia with no-op drivers, added by tools/cloud/run.sh).
    loadBalancerName: 'peak-lb',
    poolName: 'peak-pool',
  },
} as const;

/** The simulator's default seed (libs/openstack-sim/README.md "Seed"). */
const SIM_FIXTURES: TargetFixtures = {
  imageName: 'cirros-0.6.2-x86_64-disk',
  flavorId: '1',
  flavorName: 'm1.tiny',
  publicNetwork: 'public',
  privateNetwork: 'private',
  instanceQuota: 10,
  loadBalancerName: 'web-lb',
  poolName: 'web-pool',
};

/** A project-scoped token, its catalog, and calls made with it. */
export class Session {
  constructor(
    readonly token: string,
    readonly body: Json,
    private readonly region: string,
  ) {}

  get projectId(): string {
    return this.body.token.project.id;
  }

  get userId(): string {
    return this.body.token.user.id;
  }

  /** The public URL of a service in this token's catalog. */
  endpoint(type: ServiceType): string {
    const service = (this.body.token.catalog as Json[]).find((s) => s.type === type);
    const endpoint = (service?.endpoints as Json[] | undefined)?.find((e) => e.interface === 'public' && e.region_id === this.region);
    if (!endpoint) throw new Error(`no public ${type} endpoint in region ${this.region} in the catalog`);
    return String(endpoint.url);
  }

  /** The unversioned root of a service, where its version document list lives. */
  root(type: ServiceType): string {
    const url = this.endpoint(type).replace(/\/+$/, '');
    return url.replace(/\/(v3|v2\.1|v2|v2\.0)(\/[0-9a-f]{32})?$/, '');
  }

  /** The versioned base that resource paths are appended to. */
  base(type: ServiceType): string {
    const version = { identity: 'v3', compute: 'v2.1', image: 'v2', network: 'v2.0', 'load-balancer': 'v2' }[type];
    return `${this.root(type)}/${version}`;
  }

  /** A call to `path` below a service's versioned base, with this token. */
  call<T = Json>(type: ServiceType, method: string, path: string, options: Omit<CallOptions, 'token'> = {}): Promise<HttpResult<T>> {
    return call<T>(joinUrl(this.base(type), path), method, { ...options, token: this.token });
  }
}

export function passwordAuthBody(credentials: Credentials): unknown {
  return {
    auth: {
      identity: {
        methods: ['password'],
        password: { user: { name: credentials.username, domain: { name: 'Default' }, password: credentials.password } },
      },
      scope: { project: { name: credentials.project, domain: { name: 'Default' } } },
    },
  };
}

async function login(authUrl: string, region: string, credentials: Credentials): Promise<Session> {
  const response = await call(joinUrl(authUrl, 'auth/tokens'), 'POST', { body: passwordAuthBody(credentials) });
  if (response.status !== 201) {
    throw new Error(`login as ${credentials.username} at ${authUrl} failed: ${response.status} ${response.text.slice(0, 300)}`);
  }
  return new Session(response.headers.get('x-subject-token') ?? '', response.body, region);
}

function osEnv(authUrl: string, region: string, credentials: Credentials): Record<string, string> {
  return {
    OS_AUTH_URL: authUrl,
    OS_IDENTITY_API_VERSION: '3',
    OS_USERNAME: credentials.username,
    OS_PASSWORD: credentials.password,
    OS_PROJECT_NAME: credentials.project,
    OS_USER_DOMAIN_NAME: 'Default',
    OS_PROJECT_DOMAIN_NAME: 'Default',
    OS_REGION_NAME: region,
    OS_INTERFACE: 'public',
  };
}

/**
 * The simulator configured as the harness's Zed: its maximum microversion (so `latest` and the version documents
 * mean the same) and its legacy policy defaults; short but visible build and delete phases. The build lasts 2 s: a
 * scenario reads a new server as BUILD right after creating it, and under CI's load more than 400 ms once passed
 * between the two (it read ACTIVE). A delete that ends before it is seen is retried by its scenario.
 */
export async function simulatorTarget(): Promise<CloudTarget> {
  const sim: RunningSimulator = await startSimulator({
    port: 0,
    computeMaxMicroversion: '2.93',
    policyDefaults: 'legacy',
    buildDelayMs: 2000,
    deleteDelayMs: 400,
  });
  const admin: Credentials = { username: 'admin', password: 'secret', project: 'admin' };
  const region = 'RegionOne';
  return {
    kind: 'simulator',
    authUrl: sim.authUrl,
    region,
    admin,
    fixtures: SIM_FIXTURES,
    login: (credentials = admin) => login(sim.authUrl, region, credentials),
    osEnv: (credentials = admin) => osEnv(sim.authUrl, region, credentials),
    reader: () => Promise.resolve({ username: 'viewer', password: 'secret', project: 'admin' }),
    holdLoadBalancer: async (id, seconds) => {
      await sim.control.holdLoadBalancer(id, seconds);
    },
    close: () => sim.close(),
  };
}

/** The harness must already be up (`npm run test:cloud` runs `up.sh` first). */
export async function realCloudTarget(): Promise<CloudTarget> {
  const { authUrl, region, admin, fixtures } = REAL_CLOUD;
  try {
    await call(authUrl, 'GET');
  } catch (error) {
    throw new Error(
      `The real OpenStack is not reachable at ${authUrl} (${String(error)}). Run the suite with \`npm run test:cloud\`, which starts ` +
        'the harness (../shared/real-openstack/up.sh) first.',
    );
  }
  let readerUser: Promise<Credentials> | undefined;
  const createdUsers: string[] = [];
  return {
    kind: 'real',
    authUrl,
    region,
    admin,
    fixtures,
    login: (credentials = admin) => login(authUrl, region, credentials),
    osEnv: (credentials = admin) => osEnv(authUrl, region, credentials),
    reader: () => {
      readerUser ??= createReader(authUrl, region, admin, createdUsers);
      return readerUser;
    },
    close: async () => {
      const session = await login(authUrl, region, admin);
      for (const id of createdUsers) await session.call('identity', 'DELETE', `users/${id}`);
    },
  };
}

/** The harness has no reader-only user: make one (removed again by `close`, and by the leftover sweep). */
async function createReader(authUrl: string, region: string, admin: Credentials, created: string[]): Promise<Credentials> {
  const session = await login(authUrl, region, admin);
  const name = `${TEST_PREFIX}reader`;
  const existing = await session.call('identity', 'GET', `users?name=${name}`);
  for (const user of existing.body.users as Json[]) await session.call('identity', 'DELETE', `users/${user.id}`);
  const password = 'secret';
  const user = await session.call('identity', 'POST', 'users', {
    body: { user: { name, password, domain_id: 'default', default_project_id: session.projectId } },
  });
  if (user.status !== 201) throw new Error(`creating ${name} failed: ${user.status} ${user.text}`);
  created.push(user.body.user.id);
  const roles = await session.call('identity', 'GET', 'roles?name=reader');
  const [role] = roles.body.roles as Json[];
  const grant = await session.call('identity', 'PUT', `projects/${session.projectId}/users/${user.body.user.id}/roles/${role.id}`);
  if (grant.status !== 204) throw new Error(`granting reader to ${name} failed: ${grant.status} ${grant.text}`);
  return { username: name, password, project: admin.project };
}
