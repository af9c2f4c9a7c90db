import { existsSync } from 'node:fs';
import { isIPv4 } from 'node:net';
import { join } from 'node:path';
import { exposedPorts } from './dockerfile-rules';
import { ROOT, loadYaml, read } from './files';

interface Service {
  image?: string;
  build?: { context?: string; dockerfile?: string };
  profiles?: string[];
  environment?: Record<string, string | number | boolean | null> | string[];
  ports?: (string | { target?: number; published?: string | number })[];
  networks?: string[] | Record<string, { ipv4_address?: string } | null>;
  healthcheck?: { test?: string | string[]; disable?: boolean };
  depends_on?: string[] | Record<string, unknown>;
  read_only?: boolean;
  tmpfs?: string | string[];
}

interface Compose {
  services: Record<string, Service>;
  networks?: Record<string, { ipam?: { config?: { subnet?: string; ip_range?: string }[] } } | null>;
}

const compose = loadYaml(read(join(ROOT, 'docker-compose.yml')), 'docker-compose.yml') as Compose;
const { api, web } = compose.services;

function environment(service: Service | undefined): Record<string, string> {
  const env = service?.environment ?? {};
  if (Array.isArray(env)) {
    return Object.fromEntries(env.map((entry) => [entry.split('=')[0] ?? '', entry.split('=').slice(1).join('=')]));
  }
  return Object.fromEntries(Object.entries(env).map(([key, value]) => [key, value === null ? '' : String(value)]));
}

function networksOf(service: Service | undefined): Record<string, { ipv4_address?: string }> {
  const networks = service?.networks ?? {};
  if (Array.isArray(networks)) return Object.fromEntries(networks.map((name) => [name, {}]));
  return Object.fromEntries(Object.entries(networks).map(([name, settings]) => [name, settings ?? {}]));
}

function healthTest(service: Service | undefined): string {
  const test = service?.healthcheck?.test;
  return Array.isArray(test) ? test.join(' ') : (test ?? '');
}

function ipv4ToNumber(address: string): number {
  return address.split('.').reduce((sum, part) => sum * 256 + Number(part), 0);
}

function inCidr(address: string, cidr: string): boolean {
  const [base = '', bits = '32'] = cidr.split('/');
  const size = 2 ** (32 - Number(bits));
  const start = Math.floor(ipv4ToNumber(base) / size) * size;
  const value = ipv4ToNumber(address);
  return value >= start && value < start + size;
}

describe('docker-compose.yml', () => {
  it('has the api and web services', () => {
    expect(api).toBeDefined();
    expect(web).toBeDefined();
  });

  it('publishes no port of the API: the console is the way in', () => {
    expect(api?.ports ?? []).toEqual([]);
    expect(web?.ports ?? []).toContainEqual(expect.stringMatching(/(^|:)5000:5000$/));
  });

  it("trusts exactly the console's nginx, at a fixed address of a network both share", () => {
    const trustProxy = environment(api)['TRUST_PROXY'];
    const webNetworks = networksOf(web);
    const fixed = Object.entries(webNetworks).filter(([, settings]) => settings.ipv4_address);
    expect(fixed).toHaveLength(1);
    const [network, settings] = fixed[0] ?? ['', {}];
    expect(isIPv4(settings.ipv4_address ?? '')).toBe(true);
    expect(trustProxy).toBe(settings.ipv4_address);
    expect(Object.keys(networksOf(api))).toContain(network);

    // The address is the network's (fixed subnet) and outside the range Docker hands out to other containers.
    const ipam = compose.networks?.[network]?.ipam?.config?.[0];
    expect(ipam?.subnet).toBeDefined();
    expect(inCidr(settings.ipv4_address ?? '', ipam?.subnet ?? '')).toBe(true);
    if (ipam?.ip_range) expect(inCidr(settings.ipv4_address ?? '', ipam.ip_range)).toBe(false);
  });

  it('checks the health of the API on /livez or /readyz and of the console on /healthz', () => {
    expect(healthTest(api)).toMatch(/127\.0\.0\.1:8080\/(livez|readyz)\b/);
    expect(healthTest(web)).toMatch(/127\.0\.0\.1:5000\/healthz\b/);
    expect(api?.healthcheck?.disable).not.toBe(true);
  });

  it('passes METRICS_TOKEN and WEBHOOK_SECRET_KEY from the environment', () => {
    expect(environment(api)['METRICS_TOKEN']).toMatch(/^\$\{METRICS_TOKEN(:?-[^}]*)?\}$/);
    expect(environment(api)['WEBHOOK_SECRET_KEY']).toMatch(/^\$\{WEBHOOK_SECRET_KEY(:?-[^}]*)?\}$/);
  });

  it('runs the images it builds on read-only root filesystems with a tmpfs on /tmp', () => {
    const built = Object.entries(compose.services).filter(([, service]) => service.build);
    expect(built.map(([name]) => name).sort()).toEqual(['api', 'openstack-sim', 'web']);
    for (const [name, service] of built) {
      expect({ name, readOnly: service.read_only }).toEqual({ name, readOnly: true });
      expect({ name, tmpfs: [service.tmpfs ?? []].flat() }).toEqual({ name, tmpfs: expect.arrayContaining(['/tmp']) });
    }
  });

  it('builds from Dockerfiles that exist, and the ports it uses are the ones they expose', () => {
    for (const [name, service] of Object.entries(compose.services).filter(([, each]) => each.build)) {
      const dockerfile = join(ROOT, service.build?.context ?? '.', service.build?.dockerfile ?? 'Dockerfile');
      expect({ name, exists: existsSync(dockerfile) }).toEqual({ name, exists: true });
      const exposed = exposedPorts(read(dockerfile));
      for (const port of service.ports ?? []) {
        const target = typeof port === 'string' ? Number(port.split(':').pop()) : port.target;
        expect({ name, exposed: exposed.includes(target ?? -1) }).toEqual({ name, exposed: true });
      }
    }
    expect(exposedPorts(read(join(ROOT, 'deploy/Dockerfile.api')))).toEqual([8080]);
    expect(environment(api)['DATABASE_URL']).toMatch(/@postgres:5432\//);
  });

  it('keeps the demo profile: the simulator, reachable at the address deploy/clouds.yaml gives it', () => {
    const sim = compose.services['openstack-sim'];
    expect(sim?.profiles).toContain('demo');
    expect(Object.keys(networksOf(sim))).toEqual(Object.keys(networksOf(api)));
    const clouds = loadYaml(read(join(ROOT, 'deploy/clouds.yaml')), 'deploy/clouds.yaml') as {
      clouds: Record<string, { auth: { auth_url: string } }>;
    };
    const url = new URL(clouds.clouds['simulator']?.auth.auth_url ?? '');
    expect(url.hostname).toBe('openstack-sim');
    expect(url.port).toBe('8700');
    expect(environment(api)['OS_CLOUD']).toMatch(/simulator/);
    expect(environment(api)['OS_CLIENT_CONFIG_FILE']).toBe('/etc/openstack/clouds.yaml');
  });

  it('depends only on services it defines', () => {
    for (const service of Object.values(compose.services)) {
      const dependencies = Array.isArray(service.depends_on) ? service.depends_on : Object.keys(service.depends_on ?? {});
      for (const dependency of dependencies) expect(Object.keys(compose.services)).toContain(dependency);
    }
  });
});
