import type { INestApplication } from '@nestjs/common';
import { defaultSeed, startSimulator, type RunningSimulator } from '@peak/openstack-sim';
import request from 'supertest';
import { createTestApp } from '../testing/test-app';
import { createTestDatabase, type TestDatabase } from '../testing/test-database';
import { simulatorEnv } from '../testing/simulator-env';
import type { ImageDto } from './dto/image.dto';
import type { NetworkDto } from './dto/network.dto';

describe('GET /v1/images, /v1/networks (CatalogService)', () => {
  let db: TestDatabase;
  let sim: RunningSimulator;
  let app: INestApplication;
  const extraImages = Array.from({ length: 30 }, (_, i) => ({ name: `img-${String(i).padStart(2, '0')}`, size: 1024 * (i + 1) }));

  beforeAll(async () => {
    db = await createTestDatabase('catalog');
    // More images than one Glance page (25), so the API has to follow `next`.
    sim = await startSimulator({ port: 0, seed: { images: [...defaultSeed().images, ...extraImages] } });
    app = await createTestApp({
      databaseUrl: db.url,
      env: { ...simulatorEnv(sim), CATALOG_CACHE_TTL_SECONDS: '60', FLAVOR_BOOTSTRAP: 'false' },
    });
  });

  afterAll(async () => {
    await app.close();
    await sim.close();
    await db.drop();
  });

  beforeEach(() => sim.control.clearRequests());

  const http = () => request(app.getHttpServer());
  const upstream = async (path: string) => (await sim.control.requests({ method: 'GET', path })).length;

  it('gathers every Glance page into one list of image DTOs, sorted by name', async () => {
    const res = await http().get('/v1/images?refresh=true').expect(200);
    const images = res.body as ImageDto[];
    expect(images).toHaveLength(defaultSeed().images.length + extraImages.length);
    expect(await upstream('/image/v2/images')).toBeGreaterThanOrEqual(2);
    expect(images.map((i) => i.name)).toEqual([...images.map((i) => i.name)].sort((a, b) => a.localeCompare(b)));
    expect(images.find((i) => i.name === 'img-07')).toEqual({
      id: expect.any(String),
      name: 'img-07',
      status: 'active',
      sizeBytes: 8192,
      minDiskGiB: 0,
      minRamMiB: 0,
      visibility: 'public',
    });
  });

  it('answers from its cache until refresh=true', async () => {
    await http().get('/v1/networks?refresh=true').expect(200);
    await sim.control.clearRequests();
    await http().get('/v1/networks').expect(200);
    await http().get('/v1/networks').expect(200);
    expect(await upstream('/network/v2.0/networks')).toBe(0);
    await http().get('/v1/networks?refresh=true').expect(200);
    expect(await upstream('/network/v2.0/networks')).toBe(1);
  });

  it('maps networks to DTOs with shared/external flags and subnets', async () => {
    const res = await http().get('/v1/networks?refresh=true').expect(200);
    const byName = Object.fromEntries((res.body as NetworkDto[]).map((n) => [n.name, n]));
    expect(byName['public']).toMatchObject({ shared: true, external: true, status: 'ACTIVE' });
    expect(byName['private']).toMatchObject({ shared: false, external: false });
    expect(Object.keys(byName['private'] as object).sort()).toEqual(['external', 'id', 'name', 'shared', 'status', 'subnets']);
  });

  it('rejects an invalid refresh value with 400 naming the field', async () => {
    const res = await http().get('/v1/images?refresh=maybe').expect(400);
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'refresh' })]);
  });

  it('answers 503 with the cloud message and request id during an outage, then recovers', async () => {
    const fault = await sim.control.outage(60_000, { service: 'image', status: 503, message: 'Glance is down for maintenance' });
    const res = await http().get('/v1/images?refresh=true').expect(503);
    expect(res.body).toMatchObject({ statusCode: 503, message: expect.stringMatching(/^Glance: .*maintenance/) });
    expect(res.body.openstackRequestId).toMatch(/^req-/);

    await sim.control.removeFault(fault.id);
    await http().get('/v1/images?refresh=true').expect(200);
  });
});
