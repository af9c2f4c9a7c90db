// The benchmark's own view of the cloud: Keystone and Nova over plain HTTP (no code of the product), and the
// simulator's /_sim control API.
import { setTimeout as sleep } from 'node:timers/promises';

export const CREDENTIALS = { username: 'admin', password: 'secret', project: 'admin', domain: 'Default', region: 'RegionOne' };

/** `OS_*` variables for CREDENTIALS at a Keystone, as an openrc sets them (for the API and the `openstack` CLI). */
export function osEnvOf(authUrl) {
  return {
    OS_AUTH_URL: authUrl,
    OS_USERNAME: CREDENTIALS.username,
    OS_PASSWORD: CREDENTIALS.password,
    OS_PROJECT_NAME: CREDENTIALS.project,
    OS_USER_DOMAIN_NAME: CREDENTIALS.domain,
    OS_PROJECT_DOMAIN_NAME: CREDENTIALS.domain,
    OS_REGION_NAME: CREDENTIALS.region,
    OS_IDENTITY_API_VERSION: '3',
  };
}

async function json(res, what) {
  const text = await res.text();
  if (!res.ok) throw new Error(`${what}: ${res.status} ${text.slice(0, 500)}`);
  return text ? JSON.parse(text) : undefined;
}

/** A project-scoped Keystone token and the catalog that came with it. */
export async function keystoneLogin(authUrl, creds = CREDENTIALS) {
  const res = await fetch(`${authUrl}/auth/tokens`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      auth: {
        identity: {
          methods: ['password'],
          password: { user: { name: creds.username, domain: { name: creds.domain }, password: creds.password } },
        },
        scope: { project: { name: creds.project, domain: { name: creds.domain } } },
      },
    }),
  });
  const body = await json(res, 'Keystone login');
  const token = res.headers.get('x-subject-token');
  if (!token) throw new Error('Keystone answered without X-Subject-Token');
  return { token, catalog: body.token.catalog };
}

export function endpointOf(catalog, type, region = CREDENTIALS.region) {
  const service = catalog.find((s) => s.type === type);
  const endpoint = service?.endpoints.find((e) => e.interface === 'public' && (e.region_id === region || e.region === region));
  if (!endpoint) throw new Error(`no public ${type} endpoint in the catalog`);
  return endpoint.url.replace(/\/$/, '');
}

export class SimControl {
  constructor(baseUrl) {
    this.baseUrl = baseUrl;
  }

  async call(method, path, body) {
    const res = await fetch(`${this.baseUrl}/_sim${path}`, {
      method,
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return json(res, `${method} /_sim${path}`);
  }

  configure(changes) {
    return this.call('PATCH', '/config', changes);
  }

  setQuotas(quotas) {
    return this.call('PATCH', '/quotas', quotas);
  }

  async servers(query = '') {
    return (await this.call('GET', `/servers${query}`)).servers;
  }

  async requests(query = '') {
    return (await this.call('GET', `/requests${query}`)).requests;
  }

  clearRequests() {
    return this.call('DELETE', '/requests');
  }

  reset() {
    return this.call('POST', '/reset', { keepTokens: true });
  }
}

/** Ids of the first image, a small flavor and the network named `networkName` (or the first the admin project can use). */
export async function pickBootReferences(catalog, token, networkName) {
  const headers = { 'X-Auth-Token': token };
  const images = await json(await fetch(`${endpointOf(catalog, 'image')}/v2/images`, { headers }), 'list images');
  const flavors = await json(await fetch(`${endpointOf(catalog, 'compute')}/flavors`, { headers }), 'list flavors');
  const networks = await json(await fetch(`${endpointOf(catalog, 'network')}/v2.0/networks`, { headers }), 'list networks');
  const image = images.images.find((i) => i.status === 'active') ?? images.images[0];
  const flavor = flavors.flavors.find((f) => f.name === 'm1.small') ?? flavors.flavors[0];
  const network = networkName
    ? networks.networks.find((n) => n.name === networkName)
    : (networks.networks.find((n) => !n['router:external']) ?? networks.networks[0]);
  if (!image || !flavor || !network) throw new Error('the cloud has no image, flavor or network to boot from');
  return { imageId: image.id, flavorId: flavor.id, networkId: network.id };
}

/**
 * What the seed did, and what a cloud scheduler's simple "create and wait" job does: one VM at a time, create it,
 * poll until it is ACTIVE, then the next. The poll interval is short (250 ms) so the baseline is as fast as a
 * sequential loop can reasonably be. Returns the epoch ms at which each VM was first seen ACTIVE.
 */
export async function sequentialCreateAndWait({ computeUrl, token, refs, count, namePrefix, pollMs = 250, timeoutMs = 120_000 }) {
  const headers = { 'X-Auth-Token': token, 'Content-Type': 'application/json' };
  const activeAt = [];
  for (let i = 1; i <= count; i++) {
    const created = await json(
      await fetch(`${computeUrl}/servers`, {
        method: 'POST',
        headers,
        body: JSON.stringify({
          server: { name: `${namePrefix}-${i}`, imageRef: refs.imageId, flavorRef: refs.flavorId, networks: [{ uuid: refs.networkId }] },
        }),
      }),
      'create server',
    );
    const id = created.server.id;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { server } = await json(await fetch(`${computeUrl}/servers/${id}`, { headers }), 'get server');
      if (server.status === 'ACTIVE') break;
      if (server.status === 'ERROR') throw new Error(`server ${id} went ERROR`);
      if (Date.now() > deadline) throw new Error(`server ${id} not ACTIVE within ${timeoutMs} ms`);
      await sleep(pollMs);
    }
    activeAt.push(Date.now());
  }
  return activeAt;
}
