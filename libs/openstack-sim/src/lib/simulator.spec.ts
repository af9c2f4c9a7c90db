import { type Json, call, login } from '../testing/http';
import { type RunningSimulator, startSimulator } from './simulator';

describe(startSimulator.name, () => {
  let sut: RunningSimulator;

  beforeAll(async () => {
    // Delays long enough for a loaded CI machine to observe BUILD and deleting before they pass.
    sut = await startSimulator({ port: 0, buildDelayMs: 400, deleteDelayMs: 400 });
  });

  afterAll(() => sut.close());

  it('listens on an ephemeral port and publishes the auth URL', () => {
    expect(sut.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(sut.url).not.toMatch(/:8700$/);
    expect(sut.authUrl).toBe(`${sut.url}/identity/v3`);
  });

  it('issues a token whose catalog points at this port with devstack-style paths', async () => {
    const session = await login(sut.url);
    const endpoints = Object.fromEntries(
      session.catalog.map((service: Json) => [service.type, service.endpoints.find((e: Json) => e.interface === 'public').url]),
    );
    expect(endpoints).toEqual({
      identity: `${sut.url}/identity`,
      compute: `${sut.url}/compute/v2.1`,
      image: `${sut.url}/image`,
      network: `${sut.url}/network`,
      'block-storage': `${sut.url}/volume/v3/${session.projectId}`,
      'load-balancer': `${sut.url}/load-balancer`,
    });
  });

  it('builds the catalog from the Host the client used', async () => {
    const port = new URL(sut.url).port;
    const session = await login(`http://localhost:${port}`);
    const compute = session.catalog.find((s: Json) => s.type === 'compute');
    expect(compute.endpoints[0].url).toBe(`http://localhost:${port}/compute/v2.1`);
  });

  it('runs a server through BUILD to ACTIVE and deletes it to 404', async () => {
    const session = await login(sut.url, 'demo', 'demo');
    const flavors = await session.call('GET', '/compute/v2.1/flavors');
    expect(flavors.body.flavors.map((f: Json) => f.name)).toEqual(['m1.tiny', 'm1.small', 'm1.medium', 'm1.large', 'm1.xlarge']);
    const images = await session.call('GET', '/image/v2/images?name=cirros-0.6.2-x86_64-disk');
    const networks = await session.call('GET', '/network/v2.0/networks?name=private');

    const created = await session.call('POST', '/compute/v2.1/servers', {
      body: {
        server: { name: 'vm1', imageRef: images.body.images[0].id, flavorRef: '1', networks: [{ uuid: networks.body.networks[0].id }] },
      },
    });
    expect(created.status).toBe(202);
    const id = created.body.server.id;
    expect(created.headers.get('location')).toBe(`${sut.url}/compute/v2.1/servers/${id}`);

    expect((await session.call('GET', `/compute/v2.1/servers/${id}`)).body.server.status).toBe('BUILD');
    await new Promise((resolve) => setTimeout(resolve, 450));
    const active = await session.call('GET', `/compute/v2.1/servers/${id}`);
    expect(active.body.server.status).toBe('ACTIVE');
    expect(active.body.server.addresses.private[0].addr).toMatch(/^10\.0\.0\.\d+$/);

    expect((await session.call('DELETE', `/compute/v2.1/servers/${id}`)).status).toBe(204);
    const deleting = await session.call('GET', `/compute/v2.1/servers/${id}`);
    expect(deleting.body.server['OS-EXT-STS:task_state']).toBe('deleting');
    await new Promise((resolve) => setTimeout(resolve, 450));
    const gone = await session.call('GET', `/compute/v2.1/servers/${id}`);
    expect(gone.status).toBe(404);
    expect(gone.body).toEqual({ itemNotFound: { code: 404, message: `Instance ${id} could not be found.` } });
  });

  it('refuses requests without a valid token with 401', async () => {
    const response = await call(`${sut.url}/compute/v2.1/servers`, 'GET', { token: 'nope' });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe(`Keystone uri="${sut.url}/identity"`);
    expect(response.body).toEqual({
      error: { code: 401, title: 'Unauthorized', message: 'The request you have made requires authentication.' },
    });
  });

  it('closes without leaving timers or connections behind', async () => {
    const other = await startSimulator({ port: 0, latency: [{ delayMs: 10_000 }] });
    const outcome = fetch(`${other.url}/identity/v3`).then(
      () => 'answered',
      (error: Error) => error.message,
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    await other.close();
    // The delayed request is cut off instead of keeping the process alive for 10 s.
    expect(await outcome).toBe('fetch failed');
  });
});
