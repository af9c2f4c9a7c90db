import type { INestApplication } from '@nestjs/common';
import { OpenStackClient } from '@peak/openstack-client';
import { defaultSeed, startSimulator, type RunningSimulator } from '@peak/openstack-sim';
import request from 'supertest';
import { eventually } from '../testing/eventually';
import { createTestApp } from '../testing/test-app';
import { createTestDatabase, type TestDatabase } from '../testing/test-database';
import { simulatorEnv } from '../testing/simulator-env';
import { FlavorBootstrapService } from './flavor-bootstrap.service';
import type { FlavorDto } from './dto/flavor.dto';

describe('FlavorBootstrapService and GET /v1/flavors', () => {
  let db: TestDatabase;
  let sim: RunningSimulator;
  const apps: INestApplication[] = [];

  async function startApp(env: Record<string, string> = {}): Promise<INestApplication> {
    const app = await createTestApp({ databaseUrl: db.url, env: { ...simulatorEnv(sim), FLAVOR_BOOTSTRAP_RETRY_MS: '50', ...env } });
    apps.push(app);
    return app;
  }

  const settle = (app: INestApplication) => app.get(FlavorBootstrapService).whenSettled();
  const flavorPosts = async () => (await sim.control.requests({ method: 'POST', path: '/compute/v2.1/flavors' })).length;
  const managedInCloud = async () => {
    const flavors = await (apps[0] as INestApplication).get(OpenStackClient).compute.listFlavors({ isPublic: 'all' });
    return flavors.filter((f) => ['standard', 'large'].includes(f.name));
  };

  beforeAll(async () => {
    db = await createTestDatabase('flavors');
  });

  beforeEach(async () => {
    sim = await startSimulator({ port: 0 });
  });

  afterEach(async () => {
    for (const app of apps.splice(0)) await app.close();
    await sim.close();
  });

  afterAll(() => db.drop());

  it('creates exactly the two flavors on a cloud without them, and none on a second start', async () => {
    const first = await startApp();
    const status = await settle(first);
    expect(status.phase).toBe('done');
    expect(status.flavors.map((f) => [f.name, f.state])).toEqual([
      ['standard', 'created'],
      ['large', 'created'],
    ]);
    expect(await flavorPosts()).toBe(2);
    const cloud = await managedInCloud();
    expect(cloud.map((f) => [f.name, f.vcpus, f.ramMiB, f.diskGiB]).sort()).toEqual([
      ['large', 4, 8192, 40],
      ['standard', 1, 1024, 10],
    ]);

    await sim.control.clearRequests();
    const second = await startApp();
    expect((await settle(second)).flavors.map((f) => f.state)).toEqual(['existing', 'existing']);
    expect(await flavorPosts()).toBe(0);
  });

  it('with two API instances starting at once, the cloud ends with exactly one of each', async () => {
    const [a, b] = await Promise.all([startApp(), startApp()]);
    const [sa, sb] = await Promise.all([settle(a as INestApplication), settle(b as INestApplication)]);
    expect(sa.phase).toBe('done');
    expect(sb.phase).toBe('done');
    const cloud = await managedInCloud();
    expect(cloud.map((f) => f.name).sort()).toEqual(['large', 'standard']);
  });

  it('reports a same-name flavor with other specs and leaves it alone', async () => {
    await sim.close();
    sim = await startSimulator({
      port: 0,
      seed: { flavors: [...defaultSeed().flavors, { id: 'legacy-large', name: 'large', vcpus: 2, ram: 4096, disk: 20 }] },
    });
    const app = await startApp();
    const status = await settle(app);
    expect(status.flavors.find((f) => f.role === 'large')).toMatchObject({
      state: 'mismatch',
      flavorId: 'legacy-large',
      differences: ['vcpus: expected 4, found 2', 'ramMiB: expected 8192, found 4096', 'diskGiB: expected 40, found 20'],
    });
    expect(await flavorPosts()).toBe(1); // only `standard`

    const res = await request(app.getHttpServer()).get('/v1/flavors').expect(200);
    const large = (res.body as FlavorDto[]).find((f) => f.name === 'large');
    expect(large).toMatchObject({
      id: 'legacy-large',
      vcpus: 2,
      managed: 'large',
      mismatches: expect.arrayContaining(['vcpus: expected 4, found 2']),
    });
    expect((res.body as FlavorDto[]).find((f) => f.name === 'standard')).toMatchObject({ managed: 'standard', mismatches: [] });
    expect((res.body as FlavorDto[]).find((f) => f.name === 'm1.tiny')).not.toHaveProperty('managed');
  });

  it('keeps the API up while the cloud is unreachable, retries, and finishes once it is back', async () => {
    await sim.control.outage(60_000, { service: 'compute', status: 503 });
    const app = await startApp();
    await request(app.getHttpServer()).get('/v1/health').expect(200);
    const bootstrap = app.get(FlavorBootstrapService);
    await eventually(() => bootstrap.getStatus().attempts >= 2, 'a second attempt', 10_000);
    expect(bootstrap.getStatus()).toMatchObject({ phase: 'retrying', lastError: expect.stringContaining('503') });

    await sim.control.clearFaults();
    const status = await bootstrap.whenSettled();
    expect(status.phase).toBe('done');
    expect(status.flavors.map((f) => f.state)).toEqual(['created', 'created']);
  });
});
