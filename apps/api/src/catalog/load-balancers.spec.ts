import type { INestApplication } from '@nestjs/common';
import { defaultSeed, startSimulator, type RunningSimulator } from '@peak/openstack-sim';
import request from 'supertest';
import { keystoneToken } from '../testing/keystone-token';
import { createTestApp } from '../testing/test-app';
import { createTestDatabase, type TestDatabase } from '../testing/test-database';
import { simulatorEnv } from '../testing/simulator-env';
import type { LoadBalancerDto, LoadBalancerPoolDto } from './dto/load-balancer.dto';
import type { NetworkDto } from './dto/network.dto';

/**
 * `GET /v1/load-balancers` and `/v1/load-balancers/{id}/pools` against the simulator's Octavia: demo owns `web-lb`
 * (seeded, one monitored pool) and the admin project `admin-lb` (two pools, one without a monitor).
 */
describe('GET /v1/load-balancers', () => {
  jest.setTimeout(60_000);
  let db: TestDatabase;
  let sim: RunningSimulator;
  let app: INestApplication;
  let demo: string;

  beforeAll(async () => {
    db = await createTestDatabase('load_balancers');
    const seed = defaultSeed();
    sim = await startSimulator({
      port: 0,
      seed: {
        loadBalancers: [
          ...seed.loadBalancers,
          {
            name: 'admin-lb',
            project: 'admin',
            network: 'public',
            pools: [{ name: 'tcp-pool', protocol: 'TCP', lbAlgorithm: 'LEAST_CONNECTIONS', healthMonitor: false }, { name: 'api-pool' }],
          },
        ],
      },
    });
    app = await createTestApp({
      databaseUrl: db.url,
      env: { ...simulatorEnv(sim), CATALOG_CACHE_TTL_SECONDS: '60', FLAVOR_BOOTSTRAP: 'false' },
    });
    demo = (await keystoneToken(sim.authUrl, { name: 'demo', password: 'secret', project: 'demo' })).token;
  });

  afterAll(async () => {
    await app?.close();
    await sim?.close();
    await db?.drop();
  });

  const http = () => request(app.getHttpServer());
  const asDemo = (url: string) => http().get(url).set('x-auth-token', demo);
  const upstream = async (path: string) => (await sim.control.requests({ method: 'GET', path })).length;

  it("lists the project's own load balancers with their VIP, status and pools; the admin token its project's only", async () => {
    const demoLbs = (await asDemo('/v1/load-balancers?refresh=true').expect(200)).body as LoadBalancerDto[];
    expect(demoLbs.map((lb) => lb.name)).toEqual(['web-lb']);
    const [web] = demoLbs;
    const privateNet = ((await asDemo('/v1/networks').expect(200)).body as NetworkDto[]).find((n) => n.name === 'private');
    expect(web).toEqual({
      id: expect.any(String),
      name: 'web-lb',
      description: expect.any(String),
      vipAddress: expect.stringMatching(/^\d+\.\d+\.\d+\.\d+$/),
      vipSubnetId: privateNet?.subnets[0],
      vipNetworkId: privateNet?.id,
      provisioningStatus: 'ACTIVE',
      operatingStatus: expect.any(String),
      poolIds: [expect.any(String)],
    });
    // The test app's own token is the admin project's: Octavia would show it every project's, the API only its own.
    const adminLbs = (await http().get('/v1/load-balancers?refresh=true').expect(200)).body as LoadBalancerDto[];
    expect(adminLbs.map((lb) => lb.name)).toEqual(['admin-lb']);
  });

  it('lists the pools of a load balancer, by name, with protocol, algorithm, monitor and member count', async () => {
    const [admin] = (await http().get('/v1/load-balancers').expect(200)).body as LoadBalancerDto[];
    const pools = (await http().get(`/v1/load-balancers/${admin?.id}/pools?refresh=true`).expect(200)).body as LoadBalancerPoolDto[];
    expect(pools.map((p) => [p.name, p.protocol, p.lbAlgorithm, p.healthMonitorId === undefined, p.memberCount])).toEqual([
      ['api-pool', 'HTTP', 'ROUND_ROBIN', false, 0],
      ['tcp-pool', 'TCP', 'LEAST_CONNECTIONS', true, 0],
    ]);
    expect(pools.every((p) => admin?.poolIds.includes(p.id))).toBe(true);
  });

  it("answers 404 for another project's load balancer and for an unknown one, 400 for an id that is not a UUID", async () => {
    const [admin] = (await http().get('/v1/load-balancers').expect(200)).body as LoadBalancerDto[];
    const res = await asDemo(`/v1/load-balancers/${admin?.id}/pools`).expect(404);
    expect(res.body).toMatchObject({ statusCode: 404, message: `Load balancer ${admin?.id} not found in this project` });
    await asDemo('/v1/load-balancers/8a6f1d2e-0c1b-4f3a-9e7d-5b4c3a2f1e0d/pools').expect(404);
    const bad = await asDemo('/v1/load-balancers/web-lb/pools').expect(400);
    expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'id' })]);
  });

  it('answers from its cache until refresh=true', async () => {
    await asDemo('/v1/load-balancers?refresh=true').expect(200);
    await sim.control.clearRequests();
    await asDemo('/v1/load-balancers').expect(200);
    expect(await upstream('/load-balancer/v2/lbaas/loadbalancers')).toBe(0);
    await asDemo('/v1/load-balancers?refresh=true').expect(200);
    expect(await upstream('/load-balancer/v2/lbaas/loadbalancers')).toBe(1);
  });
});

describe('GET /v1/load-balancers on a cloud without Octavia', () => {
  let db: TestDatabase;
  let sim: RunningSimulator;
  let app: INestApplication;

  beforeAll(async () => {
    db = await createTestDatabase('load_balancers_none');
    sim = await startSimulator({ port: 0, loadBalancer: false });
    app = await createTestApp({ databaseUrl: db.url, env: { ...simulatorEnv(sim), FLAVOR_BOOTSTRAP: 'false' } });
  });

  afterAll(async () => {
    await app?.close();
    await sim?.close();
    await db?.drop();
  });

  it('answers an empty list, and 404 for the pools of any load balancer', async () => {
    expect((await request(app.getHttpServer()).get('/v1/load-balancers').expect(200)).body).toEqual([]);
    await request(app.getHttpServer()).get('/v1/load-balancers/8a6f1d2e-0c1b-4f3a-9e7d-5b4c3a2f1e0d/pools').expect(404);
  });
});
